"""Benchmark `cubakg load` of a 1,000-article corpus into Oxigraph and Virtuoso, beside each store's own bulk loader.

    python bench/load.py                          # 1,000 articles, both stores (`make bench-load`)
    python bench/load.py --articles 100 --stores oxigraph

The corpus is made by the corpus generator (bench/corpus.py: the seed articles copied
with their figures varied) and built with `cubakg build` into bench/out/corpus-N/dist
(kept, and reused while the seeds and the generator are unchanged).

For each store, on 127.0.0.1 in a temporary folder, one after the other:
- `cubakg load --per-article-graphs` into the empty store (stage, count, swap);
- the same again, replacing everything (what an update of the release costs);
- the store's own offline bulk loader on the same TriG (`oxigraph load`; Virtuoso's
  `ld_dir` + `rdf_loader_run()`), which is what a user would otherwise use, and the floor.
Wall time and the peak memory of the cubakg process; results are also appended to
bench/out/load-results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))  # the Virtuoso starter the tests use

sys.path.insert(0, str(REPO / "bench"))  # the corpus generator

VIRTUOSO_BUFFERS = 170_000  # Virtuoso's advice for 2 GB of its memory (8 KB pages); the default 10,000 is for 80 MB


def make_corpus(articles: int) -> tuple[Path, int]:
    """The built release of an `articles`-article corpus; (its folder, triples in its TriG)."""
    import pyoxigraph

    from corpus import generate

    project = OUT / f"corpus-{articles}"
    release = project / "dist"
    if not (release / "cubakg.trig").is_file():
        generate(articles, project)
        print(f"building the {articles}-article corpus (cubakg build)…", flush=True)
        timed([sys.executable, "-m", "cubakg", "build", "-C", str(project)], environment())
    triples = sum(1 for _ in pyoxigraph.parse(path=str(release / "cubakg.trig")))
    return release, triples


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run `argv`; (wall seconds, peak resident memory in MB of it and its children). Fails loudly."""
    # Output goes to files, not pipes: waiting for the process while it fills a pipe would never end.
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr, text=True, cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            stdout.seek(0)
            stderr.seek(0)
            raise SystemExit(f"failed: {' '.join(argv)}\n{stdout.read()[-2000:]}\n{stderr.read()[-2000:]}")
    return seconds, usage.ru_maxrss // 1024


def cubakg_load(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    return timed([sys.executable, "-m", "cubakg", "load", *args, "--per-article-graphs", "--timeout", "600"], env)


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUBAKG_ENDPOINT_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    return {**env, **(extra or {})}


NOT_RUN = (float("nan"), 0)


def bench_oxigraph(corpus: Path, parts: set[str]) -> dict:
    from cubakg.serve import OxigraphServer, find_oxigraph_binary

    first = again = bulk = NOT_RUN
    if parts & {"load", "reload"}:
        with OxigraphServer([]) as server:
            first = cubakg_load(["--endpoint", server.query_url, "--release", str(corpus)], environment())
            if "reload" in parts:
                again = cubakg_load(["--endpoint", server.query_url, "--release", str(corpus)], environment())
    if "bulk" in parts:
        store = Path(tempfile.mkdtemp(prefix="cubakg-bench-oxigraph-"))
        try:
            bulk = timed([str(find_oxigraph_binary()), "load", "--location", str(store), "--file", str(corpus / "cubakg.trig")])
        finally:
            shutil.rmtree(store, ignore_errors=True)
    return {"store": "Oxigraph", "load": first, "reload": again, "bulk": bulk, "bulk_name": "oxigraph load"}


def count_triples(query_url: str, graph_prefix: str) -> int:
    """Triples in the graphs whose IRI starts with `graph_prefix`, summed graph by graph."""
    import httpx

    query = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), \"{graph_prefix}\")) }}")
    answer = httpx.post(query_url, data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=600)
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def bench_virtuoso(corpus: Path, triples: int, parts: set[str]) -> dict:
    from load_support import VIRTUOSO_MISSING, VirtuosoServer

    if VIRTUOSO_MISSING:
        raise SystemExit(VIRTUOSO_MISSING)
    first = again = bulk = NOT_RUN
    if parts & {"load", "reload"}:
        with VirtuosoServer(buffers=VIRTUOSO_BUFFERS) as server:
            args = ["--endpoint", server.query_url, "--store", server.store_url, "--update", server.update_url,
                    "--release", str(corpus)]
            first = cubakg_load(args, environment(server.credentials_env))
            if "reload" in parts:
                again = cubakg_load(args, environment(server.credentials_env))
    if "bulk" not in parts:
        return {"store": "Virtuoso", "load": first, "reload": again, "bulk": bulk, "bulk_name": "ld_dir + rdf_loader_run"}
    folder = corpus.resolve()  # Virtuoso runs in its own folder
    with VirtuosoServer(buffers=VIRTUOSO_BUFFERS, allowed_dirs=(folder,)) as server:
        started = time.perf_counter()
        server.isql(f"ld_dir('{folder}', 'cubakg.trig', 'urn:cubakg:bench');\nrdf_loader_run();\ncheckpoint;\n")
        bulk = (time.perf_counter() - started, 0)
        loaded = count_triples(server.query_url, "https://w3id.org/cubakg/")
    if loaded != triples:
        raise SystemExit(f"Virtuoso's bulk loader loaded {loaded} triples, not {triples}: see its log")
    return {"store": "Virtuoso", "load": first, "reload": again, "bulk": bulk, "bulk_name": "ld_dir + rdf_loader_run"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--stores", nargs="+", default=["oxigraph", "virtuoso"], choices=["oxigraph", "virtuoso"])
    parser.add_argument("--parts", nargs="+", default=["load", "reload", "bulk"], choices=["load", "reload", "bulk"],
                        help="what to time (reload needs load)")
    parser.add_argument("--release", type=Path, metavar="DIR",
                        help="an already built release of the corpus (its cubakg.trig) instead of building one")
    options = parser.parse_args()

    if options.release:
        import pyoxigraph

        corpus, triples = options.release, sum(1 for _ in pyoxigraph.parse(path=str(options.release / "cubakg.trig")))
    else:
        corpus, triples = make_corpus(options.articles)
    print(f"corpus: {options.articles} articles, {triples:,} triples in {corpus / 'cubakg.trig'}")
    print(f"{'store':<10} {'cubakg load':>16} {'again (replace)':>16} {'store bulk loader':>30} {'ratio':>7}")
    for name in options.stores:
        parts = set(options.parts)
        result = bench_oxigraph(corpus, parts) if name == "oxigraph" else bench_virtuoso(corpus, triples, parts)
        (load_s, load_mb), (again_s, _), (bulk_s, _) = result["load"], result["reload"], result["bulk"]
        print(f"{result['store']:<10} {load_s:>8.1f} s {load_mb:>4} MB {again_s:>14.1f} s "
              f"{result['bulk_name']:>22} {bulk_s:>5.1f} s {load_s / bulk_s:>6.1f}×", flush=True)
        OUT.mkdir(parents=True, exist_ok=True)
        with open(OUT / "load-results.jsonl", "a", encoding="utf-8") as log:
            log.write(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M"), "articles": options.articles,
                                  "triples": triples, **result}) + "\n")


if __name__ == "__main__":
    main()
