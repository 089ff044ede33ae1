"""The tested instructions in docs/loading.md work as written.

Each ```sh block after a `<!-- tested: NAME -->` marker is run line by line, with only
these substitutions: `oxigraph` → the venv's binary; `cubakg` → this checkout's CLI (in
this process); port 7878 → a free port, `localhost:8890` → the test's Virtuoso;
`cubakg-store` → a temporary folder; `dist/` → the release under test
($CUBAKG_RELEASE_DIR, else dist/; the miniature release until dist/ is built). A line
ending in `&` runs in the background and is stopped by pid afterwards; `export NAME=VALUE`
sets a variable for the lines after it, and `read -rs NAME` stands for the user typing
the value (here: the test Virtuoso's dba password).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import time

import httpx
import pytest

from cubakg.resources import QUERIES_DIR, RELEASE_DIR
from cubakg.serve import find_oxigraph_binary, free_port
from load_support import (
    MINI_RELEASE, REAL_RELEASE, REAL_RELEASE_BUILT, REPO, VIRTUOSO_MISSING, cli, count_in_graph, cubakg_env,
    release_triples, shared_virtuoso,
)

DOC = REPO / "docs" / "loading.md"
MARKER = re.compile(r"<!-- tested: (?P<name>[\w-]+)[^>]*-->\s*```sh\n(?P<body>.*?)```", re.DOTALL)
RELEASE = REAL_RELEASE if REAL_RELEASE_BUILT else MINI_RELEASE
TESTED_BLOCKS = {m["name"]: m["body"] for m in MARKER.finditer(DOC.read_text(encoding="utf-8"))}


def test_the_doc_marks_the_oxigraph_and_virtuoso_paths_as_tested():
    assert set(TESTED_BLOCKS) == {"oxigraph-cubakg-load", "oxigraph-raw", "virtuoso-cubakg-load"}


def wait_answering(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer")


class Shell:
    """Runs the documented lines as a user's shell would, with the substitutions above."""

    def __init__(self, replacements: dict[str, str], typed: dict[str, str], query_url: str) -> None:
        self.replacements = replacements
        self.typed = typed  # what the user types at a `read`
        self.query_url = query_url
        self.env: dict[str, str] = {}
        self.background: list[subprocess.Popen] = []

    def words(self, line: str) -> list[str]:
        words = shlex.split(line.rstrip().rstrip("&"), comments=True)
        for old, new in self.replacements.items():
            words = [w.replace(old, new) for w in words]
        return words

    def run(self, line: str) -> None:
        words = self.words(line)
        if not words:
            return
        if words[0] == "export":
            for assignment in words[1:]:
                name, _, value = assignment.partition("=")
                if value:
                    self.env[name] = value
                assert name in self.env, f"{name} exported before it is set"
        elif words[0] == "read":
            self.env[words[-1]] = self.typed[words[-1]]
        elif words[0] == "oxigraph":
            argv = [str(find_oxigraph_binary()), *words[1:]]
            if line.rstrip().endswith("&"):
                self.background.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                wait_answering(self.query_url)
            else:
                done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
                assert done.returncode == 0, (line, done.stderr)
        else:
            assert words[0] == "cubakg", line
            if words[1] == "load" and RELEASE != RELEASE_DIR.resolve():
                words += ["--release", str(RELEASE)]
            if words[1] == "query" and not (REAL_RELEASE_BUILT and sorted(QUERIES_DIR.glob("cq01*.rq"))):
                return  # the saved query needs the real release
            done = cli(*words[1:], env=self.env)
            assert done.returncode == 0, (line, done.stderr)
            assert "Traceback" not in done.stderr
            for secret in self.typed.values():
                assert secret not in done.stdout + done.stderr

    def stop(self) -> None:
        for process in self.background:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def release_quad_count() -> int:
    """Triples summed over the TriG's graphs: what `COUNT(*)` sees on Oxigraph's union default
    graph, which (like SPARQL's bag semantics) counts a triple once for each graph holding it."""
    return sum(len(triples) for triples in release_triples(RELEASE).values())


@pytest.mark.parametrize("name", ["oxigraph-cubakg-load", "oxigraph-raw"])
def test_documented_oxigraph_commands_work(name, tmp_path):
    port = free_port()
    query_url = f"http://127.0.0.1:{port}/query"
    shell = Shell({"127.0.0.1:7878": f"127.0.0.1:{port}", "cubakg-store": str(tmp_path / "cubakg-store"),
                   "dist/": f"{RELEASE}/"}, {}, query_url)
    try:
        for line in filter(str.strip, TESTED_BLOCKS[name].splitlines()):
            shell.run(line)
        # Both paths end with the release's graphs on a server whose default graph is their union.
        assert count_in_graph(query_url, None) == release_quad_count()
    finally:
        shell.stop()


@pytest.mark.skipif(bool(VIRTUOSO_MISSING), reason=VIRTUOSO_MISSING or "")
def test_documented_virtuoso_commands_work():
    virtuoso = shared_virtuoso()
    shell = Shell({"localhost:8890": f"127.0.0.1:{virtuoso.http_port}", "dist/": f"{RELEASE}/"},
                  {"CUBAKG_ENDPOINT_PASSWORD": virtuoso.password}, virtuoso.query_url)
    for line in filter(str.strip, TESTED_BLOCKS["virtuoso-cubakg-load"].splitlines()):
        shell.run(line)
    for graph, triples in release_triples(RELEASE).items():
        assert count_in_graph(virtuoso.query_url, graph) == len(triples), graph
