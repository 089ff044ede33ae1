"""Benchmark the saved queries on corpora of 10, 100 and 1,000 articles: the release's store beside --data.

For each size the corpus (bench/corpus.py, cached in bench/out/) is built by
`cubakg build` in a child process that notes when each stage starts, so the time
the build spends writing the release is known. Then, each in a fresh process, with
wall time and peak memory (the process's maximum resident set, from wait4):

- making the store (`prepare_store`, what `cubakg build` does before it publishes),
  beside its floor: Oxigraph's own bulk loader making the same store alone (the
  TriG's named graphs and the N-Triples merge as default graph, one call each, then
  compacted as cubakg's store is), into a scratch folder;
- opening the store and answering a trivial query (`cubakg query -`);
- every saved query with the store ready (`cubakg query NAME --release DIST --format csv`);
- the same query through `--data DIST/cubakg.trig`, what answering cost before the
  store (the TriG parsed into memory, every time);
- the floor: pyoxigraph alone, without cubakg, running the same text on the same
  store and writing the same CSV.

Opening the store and each query, through cubakg and alone, run `--repeat` times (3 by
default), the two taking turns: the tables give the median time, the spread and the
largest peak memory. The development machine's speed changes from minute to minute by
up to half, so one run of each says more about the minute than about the query.

    python bench/queries.py                  # 10 100 1000
    python bench/queries.py 100 --no-data    # skip the --data runs
    python bench/queries.py --rebuild        # build the corpora again (else an up-to-date build is reused)
    python bench/queries.py 1000 --repeat 5  # five runs of each query (default 3)

Budgets (issue 15), judged on the largest size, by the median times: every saved
query within 2 s and 1 GB with the store ready; opening and a trivial query under
0.5 s; making the store no longer than the build's writing of the release. Results
are appended as JSON lines to bench/out/query-results.jsonl, the tables printed as
Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "src"))

from corpus import generate  # noqa: E402
from run import measure  # noqa: E402

PYTHON = sys.executable
TRIVIAL = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n"
ID = "https://w3id.org/cubakg/id/"
BUDGET_SECONDS = 2.0
BUDGET_MB = 1024
OPEN_BUDGET_SECONDS = 0.5


def parameters(size: int) -> dict[str, list[str]]:
    """A value for each required parameter, found in every corpus (a copy of article 003 when there is one)."""
    article = "003_04d8b4ff46bc92ce-c1" if size > 2 else "003_04d8b4ff46bc92ce"
    return {"entity": ["entity=De Cossio"], "article-facts": [f"article={article}"],
            "cq11-evidence": [f"fact=<{ID}event/talks-round-washington-2022-04>"]}


# --- steps run in child processes -------------------------------------------------------------


def build_release(corpus: Path, dist: Path, timings: Path) -> None:
    """`cubakg build` of the corpus, timing the functions that write the release files.

    The build writes its files while SHACL checks the graph on another thread, so no
    progress message marks where writing ends: the writing functions are timed
    instead (`write_*` in cubakg.build), and the stage messages kept beside them.
    """
    import cubakg.build as building

    spent = {"writing": 0.0}

    def timed(function):
        def run(*arguments, **options):
            begun = time.perf_counter()
            try:
                return function(*arguments, **options)
            finally:
                spent["writing"] += time.perf_counter() - begun
        return run

    writers = [name for name in dir(building) if name.startswith("write_") and callable(getattr(building, name))]
    for name in writers:
        setattr(building, name, timed(getattr(building, name)))
    started = time.perf_counter()
    marks: list[tuple[float, str]] = []
    building.build(corpus, dist, progress=lambda message: marks.append((round(time.perf_counter() - started, 2), message)))
    timings.write_text(json.dumps({"build_seconds": round(time.perf_counter() - started, 2),
                                   "writing_seconds": round(spent["writing"], 2) if writers else None,
                                   "writing_functions": writers, "stages": marks}), encoding="utf-8")


def make_store(dist: Path) -> None:
    """prepare_store, saying when each step starts (in the step's log)."""
    from cubakg.query.store import prepare_store

    started = time.perf_counter()
    prepare_store(dist, progress=lambda message: print(f"{time.perf_counter() - started:7.2f} {message}", flush=True))
    print(f"{time.perf_counter() - started:7.2f} done", flush=True)


def store_floor(dist: Path, scratch: Path) -> None:
    """Oxigraph alone making the store cubakg makes: each file read by its bulk loader in one call."""
    import shutil

    import pyoxigraph as ox

    shutil.rmtree(scratch, ignore_errors=True)
    started = time.perf_counter()
    store = ox.Store(str(scratch))
    store.bulk_load(path=str(dist / "cubakg.trig"), format=ox.RdfFormat.TRIG)
    print(f"{time.perf_counter() - started:7.2f} named graphs loaded", flush=True)
    store.bulk_load(path=str(dist / "cubakg.nt"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    print(f"{time.perf_counter() - started:7.2f} merge loaded", flush=True)
    store.optimize()
    store.flush()
    print(f"{time.perf_counter() - started:7.2f} compacted", flush=True)


def floor(store: str, query_file: str, bindings: str) -> None:
    """pyoxigraph alone: the query on the read-only store, CSV to standard output."""
    import pyoxigraph as ox

    substitutions = {ox.Variable(name): (ox.NamedNode(value[1:-1]) if value.startswith("<") else ox.Literal(value))
                     for name, value in json.loads(bindings).items()}
    results = ox.Store.read_only(store).query(Path(query_file).read_text(encoding="utf-8"),
                                              substitutions=substitutions or None)
    results.serialize(sys.stdout.buffer, format=ox.QueryResultsFormat.CSV)


# --- the benchmark ---------------------------------------------------------------------------------


def run(command: list[str], output: Path, timeout: float, stdin: str | None = None) -> dict:
    if stdin is None:
        return measure(command, output, timeout)
    source = output.with_suffix(".stdin")
    source.write_text(stdin, encoding="utf-8")
    wrapped = ["/bin/sh", "-c", 'exec "$@" < "$0"', str(source), *command]
    return measure(wrapped, output, timeout)


def repeated(runs: list[dict]) -> dict:
    """One measurement of several runs of a command: the median wall time, every run's time
    (`runs`) and the largest peak memory. A run that failed or timed out stands for all."""
    failed = next((run for run in runs if run.get("seconds") is None or run.get("exit") not in (0, None)), None)
    if failed is not None:
        return failed
    return {**runs[0], "seconds": round(statistics.median(run["seconds"] for run in runs), 2),
            "runs": sorted(run["seconds"] for run in runs),
            "peak_mb": max(run["peak_mb"] for run in runs),
            "tree_peak_mb": max((run.get("tree_peak_mb") or 0) for run in runs) or None}


def taking_turns(commands: dict[str, Callable[[], dict]], times: int) -> dict[str, dict]:
    """Run each of `commands` (name → a function that runs it once) `times` times, one after
    the other in turn, so each sees the machine as the others do; `repeated` of each."""
    runs: dict[str, list[dict]] = {name: [] for name in commands}
    for _ in range(times):
        for name, command in commands.items():
            runs[name].append(command())
    return {name: repeated(each) for name, each in runs.items()}


def bench_size(size: int, timeout: float, with_data: bool, rebuild: bool, repeat: int = 3) -> dict:
    from cubakg.query import load_saved_queries
    from cubakg.query.store import store_path

    os.environ["CUBAKG_CACHE_DIR"] = str(OUT / "query-cache")  # the children's cache, not the user's
    corpus, dist = OUT / f"corpus-{size}", OUT / f"queries-dist-{size}"
    logs = OUT / f"queries-{size}"
    logs.mkdir(parents=True, exist_ok=True)
    if not corpus_is_current(corpus, size):
        generate(size, corpus)
    timings = logs / "build.json"
    fresh = timings.is_file() and (dist / "cubakg.trig").is_file() and timings.stat().st_mtime > max(
        path.stat().st_mtime for path in (corpus / "seeds").iterdir())
    if rebuild or not fresh:
        build = measure([PYTHON, __file__, "--build", str(corpus), str(dist), str(timings)], logs / "build.log",
                        timeout * 10)
    else:  # the corpus has not changed since the last build: its release and timings stand
        build = {"seconds": None, "peak_mb": None, "exit": 0, "reused": True,
                 "built": time.strftime("%Y-%m-%d %H:%M", time.localtime(timings.stat().st_mtime))}
    built = json.loads(timings.read_text(encoding="utf-8")) if build["exit"] == 0 else {}
    path = store_path(dist)
    if path.exists():
        import shutil

        shutil.rmtree(path)
    store = measure([PYTHON, __file__, "--store", str(dist)], logs / "store.log", timeout * 10)
    scratch = OUT / "query-store-floor"
    store_floor_run = measure([PYTHON, __file__, "--store-floor", str(dist), str(scratch)], logs / "store-floor.log",
                              timeout * 10)
    import shutil

    shutil.rmtree(scratch, ignore_errors=True)
    opening = taking_turns({"open": lambda: run([PYTHON, "-m", "cubakg", "query", "-", "--release", str(dist),
                                                 "--format", "csv"], logs / "open.csv", timeout, stdin=TRIVIAL)},
                           repeat)["open"]
    queries = []
    for query in load_saved_queries():
        arguments = [argument for value in parameters(size).get(query.name, []) for argument in ("--param", value)]
        bindings = {value.split("=", 1)[0]: value.split("=", 1)[1] for value in parameters(size).get(query.name, [])}
        row = {"query": query.name, **taking_turns({
            "store": lambda: measure([PYTHON, "-m", "cubakg", "query", query.name, *arguments, "--release", str(dist),
                                      "--format", "csv"], logs / f"{query.name}.csv", timeout),
            "floor": lambda: measure([PYTHON, __file__, "--floor", str(path), str(query.path), json.dumps(bindings)],
                                     logs / f"{query.name}.floor.csv", timeout),
        }, repeat)}
        row["rows"] = _rows(logs / f"{query.name}.csv")
        if with_data:
            row["data"] = measure([PYTHON, "-m", "cubakg", "query", query.name, *arguments, "--data",
                                   str(dist / "cubakg.trig"), "--format", "csv"], logs / f"{query.name}.data.csv",
                                  timeout)
        queries.append(row)
        print(f"  {size} articles: {query.name}: {_cell(row['store'])} ({row['rows']} rows)", flush=True)
    return {"articles": size, "quads": _quads(dist), "build": build, **built, "make_store": store,
            "store_floor": store_floor_run, "open_and_trivial": opening, "queries": queries, "when": time.strftime("%Y-%m-%d %H:%M")}


def corpus_is_current(corpus: Path, size: int) -> bool:
    """Whether `corpus` holds `size` articles made from the seeds, ontology and shapes as they are now."""
    made = list((corpus / "seeds").glob("*")) if (corpus / "seeds").is_dir() else []
    if len([path for path in made if path.suffix == ".txt"]) != size:
        return False
    sources = [path for part in ("seeds", "ontology", "shapes") for path in (REPO / part).rglob("*") if path.is_file()]
    return max(path.stat().st_mtime for path in sources) < min(path.stat().st_mtime for path in made)


def _rows(path: Path) -> int | None:
    import csv

    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return max(sum(1 for _ in csv.reader(handle)) - 1, 0)
    except OSError:
        return None


def _quads(dist: Path) -> int | None:
    import pyoxigraph as ox

    try:
        return sum(1 for _ in ox.parse(path=str(dist / "cubakg.trig"), format=ox.RdfFormat.TRIG))
    except (OSError, SyntaxError):
        return None


def _cell(result: dict | None) -> str:
    if not result:
        return "–"
    if result.get("seconds") is None:
        return f"timed out ({result.get('timed_out')} s)"
    if result.get("exit") not in (0, None):
        return f"exit {result['exit']}"
    return f"{_time(result)}, {result['peak_mb']} MB"


def _time(result: dict) -> str:
    """The (median) wall time, with the spread of the runs where there were several."""
    spread = f" ({result['runs'][0]:.2f}–{result['runs'][-1]:.2f})" if len(result.get("runs", [])) > 1 else ""
    return f"{result['seconds']:.2f} s{spread}"


def tables(results: list[dict]) -> str:
    sizes = [r["articles"] for r in results]
    lines = ["| | " + " | ".join(f"{s:,} articles ({r['quads'] or 0:,} quads)" for s, r in zip(sizes, results)) + " |",
             "|---|" + "---|" * len(sizes)]
    lines.append("| build: writing the release | " + " | ".join(
        f"{r.get('writing_seconds')} s (whole build {r.get('build_seconds')} s)" for r in results) + " |")
    lines.append("| making the store | " + " | ".join(_cell(r["make_store"]) for r in results) + " |")
    lines.append("| floor: Oxigraph's bulk loader alone, same store | " + " | ".join(
        _cell(r.get("store_floor")) for r in results) + " |")
    lines.append("| opening it + a trivial query | " + " | ".join(_cell(r["open_and_trivial"]) for r in results) + " |")
    names = [q["query"] for q in results[0]["queries"]]
    for name in names:
        cells = []
        for r in results:
            row = next(q for q in r["queries"] if q["query"] == name)
            cell = f"{_cell(row['store'])} ({row['rows']:,} rows)" if row["rows"] is not None else _cell(row["store"])
            if row.get("floor", {}).get("seconds"):
                cell += f"; floor {_time(row['floor'])}"
            if "data" in row:
                cell += f"; --data {_cell(row['data'])}"
            cells.append(cell)
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict(result: dict) -> list[str]:
    """What the largest size says about the budgets."""
    said = []
    slow = [q["query"] for q in result["queries"]
            if not q["store"].get("seconds") or q["store"]["seconds"] > BUDGET_SECONDS or q["store"]["peak_mb"] > BUDGET_MB]
    said.append(f"every saved query within {BUDGET_SECONDS:g} s and {BUDGET_MB} MB: "
                + ("yes" if not slow else "no: " + ", ".join(slow)))
    opening = result["open_and_trivial"].get("seconds")
    said.append(f"opening + trivial query under {OPEN_BUDGET_SECONDS} s: {opening} s")
    store, writing = result["make_store"].get("seconds"), result.get("writing_seconds")
    floor_seconds = (result.get("store_floor") or {}).get("seconds")
    # The store and its floor are timed in this run; the writing, where the build was reused, was not.
    when = (f", timed when the release was built, {result['build']['built']}: `--rebuild` times it in this run"
            if result.get("build", {}).get("reused") else "")
    said.append(f"making the store {store} s against the build's writing {writing} s{when} "
                f"(Oxigraph's bulk loader alone, the floor: {floor_seconds} s)")
    return said


def main(argv: list[str]) -> int:
    if argv[:1] == ["--build"]:
        build_release(Path(argv[1]), Path(argv[2]), Path(argv[3]))
        return 0
    if argv[:1] == ["--store"]:
        make_store(Path(argv[1]))
        return 0
    if argv[:1] == ["--store-floor"]:
        store_floor(Path(argv[1]), Path(argv[2]))
        return 0
    if argv[:1] == ["--floor"]:
        floor(argv[1], argv[2], argv[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10, 100, 1000])
    parser.add_argument("--timeout", type=float, default=300, help="seconds for one query (ten times that to build)")
    parser.add_argument("--no-data", dest="with_data", action="store_false", help="skip the --data runs")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of opening the store and of each query, through cubakg and alone (the median is shown)")
    parser.add_argument("--rebuild", action="store_true",
                        help="build each corpus again even if its release (and the build's timings) are up to date")
    options = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for size in options.sizes:
        result = bench_size(size, options.timeout, options.with_data, options.rebuild, max(options.repeat, 1))
        results.append(result)
        with (OUT / "query-results.jsonl").open("a", encoding="utf-8") as sink:
            sink.write(json.dumps(result) + "\n")
    print()
    print(tables(results))
    print()
    for line in verdict(results[-1]):
        print(f"- {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
