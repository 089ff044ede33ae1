"""Benchmark `cubakg validate` beside the pyshacl CLI and Apache Jena's `shacl validate`.

For each size it generates synthetic data (bench/generate.py, cached in bench/out/),
runs the three engines one after the other on the same file with the same shapes
and ontology, and prints wall time, peak memory (the process's maximum resident
set, from wait4) and the verdicts side by side: result counts and whether the
results are identical as multisets of (focus node, constraint component, path,
severity), read from each engine's sh:ValidationReport.

    python bench/run.py                     # 10k 100k 1M
    python bench/run.py 10k 100k --timeout 1800
    python bench/run.py 1M --skip pyshacl
    python bench/run.py 1M --jena /path/to/jena   # Jena's wrapper elsewhere than tools/jena

pyshacl gets the ontology with -e (its RDFS/OWL axioms are mixed into the data);
Jena has no such option, so it reads the data with those same axioms appended.
Results are also appended as JSON lines to bench/out/results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
SHAPES = REPO / "shapes" / "cubakg.shapes.ttl"
ONTOLOGY = REPO / "ontology" / "cubakg.ttl"
JENA = REPO / "tools" / "jena"  # the wrapper that runs Debian's Apache Jena
PYTHON = sys.executable
PYSHACL = Path(sys.executable).with_name("pyshacl")
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}

sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))


# Reading /proc/PID/smaps_rollup walks the whole address space of the process under its
# memory-map lock: every 50 ms, on a build holding 1.5 GB in three processes, it slowed the
# 1,000-article build by about a tenth (90 s against 80 s, same machine, same hour). The
# phases worth measuring last seconds; short commands are sampled every 50 ms for a second.
SAMPLE_SECONDS = 0.5


def measure(command: list[str], output: Path, timeout: float) -> dict:
    """Run a command, its stdout to a file; wall seconds, peak RSS (MB), exit code.

    The wall time ends when the process does (this thread waits for it; the memory is
    sampled by another, so the time is not rounded up to the next sample).
    `peak_mb` is the largest single process's peak resident set (from wait4);
    `tree_peak_mb` the peak, sampled every `SAMPLE_SECONDS`, of the proportional set
    size summed over the process and all its descendants (pages shared after a fork
    counted once), which is what a command with worker processes holds in all.
    """
    started = time.perf_counter()
    with output.open("wb") as sink, open(os.devnull, "wb") as quiet:
        process = subprocess.Popen(command, stdout=sink, stderr=quiet, cwd=REPO, start_new_session=True,
                                   env=dict(os.environ, PYTHONPATH=str(REPO / "src")))
        sampler = TreePeak(process.pid)
        sampler.start()
        stopped = threading.Event()

        def stop() -> None:
            stopped.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:  # it ended meanwhile
                pass

        killer = threading.Timer(timeout, stop)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
        finally:
            killer.cancel()
            sampler.done.set()
            sampler.join()
    if stopped.is_set():
        return {"seconds": None, "peak_mb": None, "exit": None, "timed_out": timeout}
    return {"seconds": round(seconds, 2), "peak_mb": round(usage.ru_maxrss / 1024),
            "tree_peak_mb": round(sampler.peak / 1024) or None, "exit": os.waitstatus_to_exitcode(status)}


class TreePeak(threading.Thread):
    """The peak of `tree_pss_kb(pid)` (kB), sampled until `done` is set."""

    def __init__(self, pid: int):
        super().__init__(name="tree-peak", daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        started = time.perf_counter()
        while not self.done.is_set():
            self.peak = max(self.peak, tree_pss_kb(self.pid))
            self.done.wait(SAMPLE_SECONDS if time.perf_counter() - started > 1 else 0.05)


def tree_pss_kb(pid: int) -> int:
    """The proportional set size (kB) of process `pid` and its descendants (Linux; 0 elsewhere)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue  # gone meanwhile, or not Linux
    return total


def data_file(label: str) -> Path:
    path = OUT / f"data-{label}.ttl"
    if not path.exists():
        from generate import generate

        OUT.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            counts = generate(SIZES[label], out)
        print(f"generated {path.relative_to(REPO)}: {counts['triples']:,} triples, defects {sum(counts['defects'].values())}")
    return path


def with_axioms(data: Path, ontology: Path) -> Path:
    """The data plus the ontology axioms pyshacl's -e would mix in, for Jena."""
    from pyshacl.rdfutil.inoculate import inoculate
    from rdflib import Graph

    target = data.with_name(data.stem + "+axioms.nt")
    axioms = inoculate(Graph(), Graph().parse(ontology, format="turtle"))
    with target.open("wb") as out:
        out.write(data.read_bytes())
        out.write(axioms.serialize(format="nt", encoding="utf-8"))
    return target


def keys_from_turtle(path: Path):
    """Counter of (focus, component, path, severity) of the report's results; None if there is no report."""
    import logging

    import rdflib

    from cubakg.conformance.fallback import report_multiset

    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    normalise, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        return report_multiset(rdflib.Graph().parse(path, format="turtle"))
    except Exception:  # a crashed engine leaves no report: say so in the table
        return None
    finally:
        rdflib.NORMALIZE_LITERALS = normalise


def run_size(label: str, skip: set[str], timeout: float, jena: Path = JENA) -> dict:
    data = data_file(label)
    # The shapes and ontology as cubakg reads them now: the other engines get these
    # very files, even if someone edits shapes/ while the benchmark runs.
    shapes, ontology = OUT / "shapes-snapshot.ttl", OUT / "ontology-snapshot.ttl"
    shapes.write_bytes(SHAPES.read_bytes())
    ontology.write_bytes(ONTOLOGY.read_bytes())
    runs = {}
    runs["cubakg"] = measure([PYTHON, "-m", "cubakg", "validate", str(data), "--format", "turtle"],
                             OUT / f"report-{label}-cubakg.ttl", timeout)
    runs["cubakg"]["keys"] = keys_from_turtle(OUT / f"report-{label}-cubakg.ttl")
    if SHAPES.read_bytes() != shapes.read_bytes() or ONTOLOGY.read_bytes() != ontology.read_bytes():
        print(f"warning: shapes/ or ontology/ changed while cubakg ran on {label}: rerun to compare", file=sys.stderr)
    if "pyshacl" not in skip:
        runs["pyshacl"] = measure([str(PYSHACL), "-s", str(shapes), "-e", str(ontology), "-i", "none", "-f", "turtle", str(data)],
                                  OUT / f"report-{label}-pyshacl.ttl", timeout)
        runs["pyshacl"]["keys"] = keys_from_turtle(OUT / f"report-{label}-pyshacl.ttl")
    if "jena" not in skip and jena.exists() and Path("/usr/share/java/jena-core.jar").exists():
        runs["jena"] = measure([str(jena), "shacl", "validate", "--shapes", str(shapes), "--data", str(with_axioms(data, ontology))],
                               OUT / f"report-{label}-jena.ttl", timeout)
        runs["jena"]["keys"] = keys_from_turtle(OUT / f"report-{label}-jena.ttl")
    return {"size": label, "triples": sum(1 for _ in data.open("rb")), "runs": runs}


def table(outcome: dict) -> str:
    runs = outcome["runs"]
    ours = runs["cubakg"]
    rows = [f"{outcome['size']} ({outcome['triples']:,} triples)",
            "| engine | wall s | peak MB | results | same results as cubakg | cubakg faster by |",
            "|---|---:|---:|---:|---|---:|"]
    for name, run in runs.items():
        if run.get("timed_out"):
            rows.append(f"| {name} | > {run['timed_out']:.0f} (stopped) | – | – | – | – |")
            continue
        keys = run.get("keys")
        same = "–" if name == "cubakg" else ("no report" if keys is None or ours["keys"] is None
                                              else "yes" if keys == ours["keys"]
                                              else f"NO (+{sum((keys - ours['keys']).values())} / −{sum((ours['keys'] - keys).values())})")
        ratio = "–" if name == "cubakg" or not ours["seconds"] else f"{run['seconds'] / ours['seconds']:.1f}×"
        rows.append(f"| {name} | {run['seconds']} | {run['peak_mb']} | {sum(keys.values()) if keys is not None else '?'} | {same} | {ratio} |")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=list(SIZES), help="10k, 100k, 1M")
    parser.add_argument("--skip", action="append", default=[], choices=["pyshacl", "jena"], help="leave an engine out")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before an engine is stopped")
    parser.add_argument("--jena", type=Path, default=JENA, help="the script that runs Apache Jena (default: tools/jena)")
    arguments = parser.parse_args(argv)
    for label in arguments.sizes:
        if label not in SIZES:
            parser.error(f"unknown size {label!r}: use {', '.join(SIZES)}")
        outcome = run_size(label, set(arguments.skip), arguments.timeout, arguments.jena)
        print(table(outcome), flush=True)
        print()
        record = {"size": label, "triples": outcome["triples"], "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "runs": {name: {k: v for k, v in run.items() if k != "keys"} | {"results": sum(run["keys"].values()) if run.get("keys") is not None else None}
                           for name, run in outcome["runs"].items()}}
        with (OUT / "results.jsonl").open("a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
