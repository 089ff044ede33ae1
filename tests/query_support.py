"""Helpers for the query tests: a corpus of any size made from the release, and `cubakg` run in-process.

    from query_support import copy_corpus, cubakg_in_process
    release = copy_corpus(SEED_TRIG, 10, tmp_path / "release")    # cubakg.trig and cubakg.nt
    done = cubakg_in_process("query", "overview", "--release", str(release), "--format", "csv")
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GRAPH = "https://w3id.org/cubakg/id/graph/"
RELEASE = Path(os.environ.get("CUBAKG_RELEASE_DIR", REPO / "dist")).resolve()  # the release under test
SEED_TRIG = RELEASE / "cubakg.trig"


def corpus_article_id(number: int) -> str:
    """`NNNN_<16 hex>`, the shape of the builder's identifiers, distinct for each number."""
    return f"{number:04d}_{hashlib.sha256(str(number).encode()).hexdigest()[:16]}"


def copy_corpus(source_trig: Path, articles: int, out_dir: Path) -> Path:
    """A release folder of `articles` articles: copies of the source's article graphs under new identifiers.

    Every IRI and literal naming the old identifier names the new one, so evidence,
    facts and times are per article as the builder mints them, while the entities
    (people, events, places) are shared by all copies, as in a real corpus. Writes
    `cubakg.trig` and its merge `cubakg.nt`, as a release holds them. Takes a tenth
    of a second for 10 articles, where building a corpus takes seconds.
    """
    import pyoxigraph as ox

    from cubakg.emit import SHARED_GRAPH, SOURCES_GRAPH
    from cubakg.resources import OUTSIDE_GRAPH

    by_graph: dict[str, list] = {}
    for quad in ox.parse(path=str(source_trig), format=ox.RdfFormat.TRIG):
        by_graph.setdefault(quad.graph_name.value, []).append(quad)
    # Every named graph but the shared ones is an article's (whatever its identifier looks like).
    seeds = sorted(name[len(GRAPH):] for name in by_graph if name not in (SHARED_GRAPH, SOURCES_GRAPH, OUTSIDE_GRAPH))
    shared = [quad for name, quads in by_graph.items() if name[len(GRAPH):] not in seeds for quad in quads]

    def renamed(term, old: str, new: str):
        if isinstance(term, ox.NamedNode) and old in term.value:
            return ox.NamedNode(term.value.replace(old, new))
        if isinstance(term, ox.Literal) and term.value == old:
            return ox.Literal(new, datatype=term.datatype)
        return term

    quads = list(shared)
    for number in range(articles):
        old, new = seeds[number % len(seeds)], corpus_article_id(number)
        quads.extend(ox.Quad(renamed(q.subject, old, new), q.predicate, renamed(q.object, old, new),
                             ox.NamedNode(GRAPH + new)) for q in by_graph[GRAPH + old])
    out_dir.mkdir(parents=True, exist_ok=True)
    ox.serialize(quads, str(out_dir / "cubakg.trig"), format=ox.RdfFormat.TRIG)
    merged = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    ox.serialize(sorted(merged, key=str), str(out_dir / "cubakg.nt"), format=ox.RdfFormat.N_TRIPLES)
    return out_dir


def cubakg_in_process(*arguments: str, stdin: str = "") -> subprocess.CompletedProcess:
    """`cubakg ARGUMENTS…` in the test process (cli_support.run_in_process); stdout and stderr as text."""
    from cli_support import run_in_process

    return run_in_process(*arguments, stdin=stdin.encode("utf-8"))


def cubakg_process(*arguments: str, env: dict[str, str] | None = None, **options) -> subprocess.Popen:
    """`python -m cubakg ARGUMENTS…` as its own process, started (not waited for)."""
    environment = {**os.environ, **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **options}
    return subprocess.Popen([sys.executable, "-m", "cubakg", *arguments], env=environment, cwd=REPO, **streams)


def finish(process: subprocess.Popen, timeout: float = 120) -> tuple[int, bytes, bytes, int]:
    """Wait for a process from `cubakg_process`: exit code, stdout, stderr, peak resident memory in kB."""
    import threading

    chunks: dict[str, bytes] = {}

    def drain(name: str, stream) -> None:
        chunks[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(name, stream))
               for name, stream in (("out", process.stdout), ("err", process.stderr)) if stream is not None]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(process.pid, 0)  # the child's own rusage: its peak memory
    for reader in readers:
        reader.join(timeout)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, chunks.get("out", b""), chunks.get("err", b""), usage.ru_maxrss
