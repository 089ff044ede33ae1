"""The Oxigraph instructions in docs/loading.md work as written.

Each ```sh block after a `<!-- tested: NAME -->` marker is run line by line, with
only these substitutions: `oxigraph` → the venv's binary, `cubakg` → this
checkout's `python -m cubakg`, port 7878 → a free port, `cubakg-store` → a temporary
folder, and, for `dist/`, the release under test ($CUBAKG_RELEASE_DIR, else dist/;
the miniature release until dist/ is built). A line
ending in `&` runs in the background and is stopped by pid afterwards.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cubakg.resources import GRAPH_TRIG, QUERIES_DIR, RELEASE_DIR
from cubakg.serve import find_oxigraph_binary, free_port
from load_support import MINI_RELEASE, REAL_RELEASE, REAL_RELEASE_BUILT, REPO, count_in_graph, cubakg_env, run_cubakg

DOC = REPO / "docs" / "loading.md"
MARKER = re.compile(r"<!-- tested: (?P<name>[\w-]+)[^>]*-->\s*```sh\n(?P<body>.*?)```", re.DOTALL)
RELEASE = REAL_RELEASE if REAL_RELEASE_BUILT else MINI_RELEASE
TESTED_BLOCKS = {m["name"]: m["body"] for m in MARKER.finditer(DOC.read_text(encoding="utf-8"))}


def test_the_doc_marks_both_oxigraph_paths_as_tested():
    assert set(TESTED_BLOCKS) == {"oxigraph-cubakg-load", "oxigraph-raw"}


def command_line(line: str, port: int, store: Path) -> tuple[list[str], bool]:
    """The argv for one documented line, and whether it runs in the background."""
    background = line.rstrip().endswith("&")
    words = shlex.split(line.rstrip().rstrip("&"), comments=True)
    words = [
        w.replace("127.0.0.1:7878", f"127.0.0.1:{port}").replace("cubakg-store", str(store))
        .replace("dist/", f"{RELEASE}/")
        for w in words
    ]
    if words[0] == "oxigraph":
        return [str(find_oxigraph_binary()), *words[1:]], background
    assert words[0] == "cubakg", line
    if words[1] == "load" and RELEASE != RELEASE_DIR.resolve():
        words += ["--release", str(RELEASE)]
    return [sys.executable, "-m", "cubakg", *words[1:]], background


def wait_answering(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer")


def release_quad_count() -> int:
    """Triples summed over the TriG's graphs: what `COUNT(*)` sees on Oxigraph's union default
    graph, which (like SPARQL's bag semantics) counts a triple once for each graph holding it."""
    import pyoxigraph

    return len(set(pyoxigraph.parse(path=str(RELEASE / GRAPH_TRIG))))


@pytest.mark.parametrize("name", sorted(TESTED_BLOCKS))
def test_documented_oxigraph_commands_work(name, tmp_path):
    port = free_port()
    query_url = f"http://127.0.0.1:{port}/query"
    background: list[subprocess.Popen] = []
    try:
        for line in filter(str.strip, TESTED_BLOCKS[name].splitlines()):
            argv, in_background = command_line(line, port, tmp_path / "cubakg-store")
            if in_background:
                background.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                                   env=cubakg_env(), cwd=REPO))
                wait_answering(query_url)
            else:
                done = subprocess.run(argv, capture_output=True, text=True, env=cubakg_env(), cwd=REPO, timeout=120)
                assert done.returncode == 0, (line, done.stderr)
        # Both paths end with the release's graphs on a server whose default graph is their union.
        assert count_in_graph(query_url, None) == release_quad_count()
        if REAL_RELEASE_BUILT and sorted(QUERIES_DIR.glob("cq01*.rq")):
            # The first saved query the doc suggests, run on the endpoint as the doc says.
            answer = run_cubakg("query", "cq01", "--endpoint", query_url)
            assert answer.returncode == 0, answer.stderr
    finally:
        for process in background:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
