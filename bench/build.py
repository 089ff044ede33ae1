"""Benchmark `cubakg build` on corpora of 10, 100 and 1,000 articles, beside the floor.

For each size it generates a corpus (bench/corpus.py: the seed articles copied and
varied, cached in bench/out/), builds it in a fresh process with `cubakg build
--no-site` (the graph release: graph files, SHACL, VoID, queries, the query store,
made anew: each build gets an empty cache folder)
and with `cubakg build` (the same and the browsable site), then measures the floor
in the same run: pyoxigraph alone parsing the release's
TriG and writing Turtle, N-Triples, JSON-LD and TriG — the same I/O, with no
reading of sheets, no SHACL and no order. Wall time and peak memory (the
larger of the biggest process's maximum resident set and the sampled sum over
all its processes) of each, and the ratio.

    python bench/build.py                  # 10 100 1000
    python bench/build.py 100 --repeat 3   # best of three

Before each timed build the previous release is removed and the disk given time to
settle (bench/disk.py: on the development machine, creating files right after a
large deletion costs ten to thirty times more); the probe's µs per new file are in
the results. Results are also appended as JSON lines to bench/out/build-results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(REPO / "bench"))

from corpus import generate  # noqa: E402
from disk import remove_then_settle  # noqa: E402
from run import measure  # noqa: E402


def floor(trig: Path, out: Path) -> None:
    """The floor: parse the TriG once with pyoxigraph, write the four graph files."""
    import pyoxigraph as ox

    out.mkdir(parents=True, exist_ok=True)
    quads = list(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    ox.serialize(triples, output=str(out / "floor.ttl"), format=ox.RdfFormat.TURTLE)
    ox.serialize(triples, output=str(out / "floor.nt"), format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(quads, output=str(out / "floor.jsonld"), format=ox.RdfFormat.JSON_LD)
    ox.serialize(quads, output=str(out / "floor.trig"), format=ox.RdfFormat.TRIG)


def best(runs: list[dict]) -> dict:
    done = [r for r in runs if r["exit"] == 0]
    return min(done, key=lambda r: r["seconds"]) if done else runs[-1]


def bench(size: int, repeat: int, timeout: float) -> dict:
    corpus = OUT / f"corpus-{size}"
    if not (corpus / "seeds").is_dir() or len(list((corpus / "seeds").glob("*.txt"))) != size:
        generate(size, corpus)
    row: dict = {"articles": size}
    for variant, extra in (("graph", ["--no-site"]), ("build", [])):
        dist = OUT / f"dist-{size}-{variant}"
        log = OUT / f"{variant}-{size}.log"
        result = best([fresh_cache_build(corpus, dist, extra, log, timeout) for _ in range(repeat)])
        # Memory of all the build's processes together (SHACL and emit run in forked ones).
        row.update({f"{variant}_seconds": result["seconds"], f"{variant}_probe_us": result.get("probe_us"),
                    f"{variant}_peak_mb": max(result["peak_mb"] or 0, result.get("tree_peak_mb") or 0),
                    f"{variant}_exit": result["exit"]})
        triples = re.search(r"Built .*: (\d+) triples", log.read_text(encoding="utf-8"))
        row["triples"] = int(triples.group(1)) if triples else None
    base = best([measure([sys.executable, str(Path(__file__)), "--floor", str(dist / "cubakg.trig"), str(OUT / f"floor-{size}")],
                         OUT / f"floor-{size}.log", timeout) for _ in range(repeat)])
    row.update({"floor_seconds": base["seconds"], "floor_peak_mb": base["peak_mb"], "when": time.strftime("%Y-%m-%d %H:%M")})
    for variant in ("graph", "build"):
        seconds = row[f"{variant}_seconds"]
        row[f"{variant}_ratio"] = round(seconds / base["seconds"], 1) if seconds and base["seconds"] else None
    return row


def fresh_cache_build(corpus: Path, dist: Path, extra: list[str], log: Path, timeout: float) -> dict:
    """One `cubakg build` with an empty cache folder, so that it makes the query store as a
    first build of new articles does (the store of an unchanged release is reused)."""
    cache = OUT / "build-cache"
    # The previous release is removed before the clock starts, not by the build's swap, and the
    # build waits for a quiet disk (bench/disk.py): the probe's µs per new file are in the result.
    probe_us = remove_then_settle([dist, cache])
    os.environ["CUBAKG_CACHE_DIR"] = str(cache)
    try:
        return {**measure([sys.executable, "-m", "cubakg", "build", "-C", str(corpus), "--out", str(dist), *extra],
                          log, timeout), "probe_us": probe_us}
    finally:
        del os.environ["CUBAKG_CACHE_DIR"]
        shutil.rmtree(cache, ignore_errors=True)


def table(rows: list[dict]) -> str:
    lines = ["| articles | triples | `cubakg build --no-site` | ÷ floor | `cubakg build` (with the site) | ÷ floor "
             "| floor (pyoxigraph I/O) |",
             "|---:|---:|---|---:|---|---:|---|"]
    for r in rows:
        lines.append(f"| {r['articles']:,} | {r['triples'] or 0:,} "
                     f"| {r['graph_seconds']} s, {r['graph_peak_mb']:,} MB | {r['graph_ratio']}× "
                     f"| {r['build_seconds']} s, {r['build_peak_mb']:,} MB | {r['build_ratio']}× "
                     f"| {r['floor_seconds']} s, {r['floor_peak_mb']:,} MB |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--floor"]:
        floor(Path(argv[1]), Path(argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900)
    options = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in options.sizes:
        row = bench(size, options.repeat, options.timeout)
        rows.append(row)
        with (OUT / "build-results.jsonl").open("a", encoding="utf-8") as results:
            results.write(json.dumps(row) + "\n")
        print(table([row]).splitlines()[-1], flush=True)
    print()
    print(table(rows))
    return 0 if all(r["build_exit"] == r["graph_exit"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
