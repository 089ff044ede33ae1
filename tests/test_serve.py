"""`cubakg serve` and the OxigraphServer behind it: start, answer, stop cleanly by signal."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cubakg.resources import SHARED_GRAPH, article_graph
from cubakg.serve import OxigraphServer
from load_support import MINI_RELEASE, REPO, count_in_graph, cubakg_env, run_cubakg, sparql_select

MINI_TRIG = MINI_RELEASE / "cubakg.trig"


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child of someone else still answers kill(0); look at its state.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return True


def wait_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process_alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_server_keeps_named_graphs_and_stops_by_pid():
    with OxigraphServer([MINI_TRIG]) as server:
        pid, store_dir = server.pid, server.store_dir
        # Counted by hand in the mini release.
        assert count_in_graph(server.query_url, SHARED_GRAPH) == 10
        assert count_in_graph(server.query_url, article_graph("003_04d8b4ff46bc92ce")) == 13
        assert count_in_graph(server.query_url, None) == 0  # without union, the default graph is empty
        assert server.query_url.startswith("http://127.0.0.1:") and server.store_url.endswith("/store")
    assert wait_gone(pid)
    assert not store_dir.exists()


def test_union_default_graph_sees_every_graph():
    with OxigraphServer([MINI_TRIG], union_default_graph=True) as server:
        assert count_in_graph(server.query_url, None) == 36


def test_unloadable_file_is_an_input_error(tmp_path):
    from cubakg.errors import InputError

    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://example.org/s> <https://example.org/p> .\n")
    with pytest.raises(InputError, match="broken.ttl: Oxigraph could not load this file"):
        OxigraphServer([broken]).start()


def ignore_sigint() -> None:
    # What a non-interactive shell does to a command it starts with `&`.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_serve(*args: str, sigint_ignored: bool = False, env: dict[str, str] | None = None,
                ) -> tuple[subprocess.Popen, dict[str, str]]:
    """Run `cubakg serve` (with `env` added to its environment) and read its announcement lines
    ("SPARQL endpoint: …")."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cubakg", "serve", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cubakg_env(env), cwd=REPO,
        preexec_fn=ignore_sigint if sigint_ignored else None,
    )
    announced: dict[str, str] = {}
    while len(announced) < 3:
        line = process.stdout.readline()
        if not line:
            break
        name, _, value = line.partition(":")
        announced[name.strip()] = value.strip()
    return process, announced


@pytest.mark.parametrize(
    "stop_signal, sigint_ignored",
    [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGINT, True)],
    ids=["ctrl-c", "sigterm", "sigint-after-start-from-a-script"],
)
def test_serve_announces_endpoint_and_stops_cleanly(stop_signal, sigint_ignored):
    process, announced = start_serve("--port", "0", "--file", str(MINI_TRIG), sigint_ignored=sigint_ignored)
    try:
        endpoint = announced["SPARQL endpoint"]
        page = announced["Browser page"]
        assert endpoint.startswith("http://127.0.0.1:") and endpoint.endswith("/query")
        assert page == endpoint.removesuffix("query")
        server_pid = int(announced["Graph Store"].split("pid ")[1].split(";")[0])
        # The release's named graphs are kept, and queries without GRAPH see their union.
        graphs = {r["g"]["value"] for r in sparql_select(endpoint, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")}
        assert graphs == {SHARED_GRAPH, article_graph("003_04d8b4ff46bc92ce"), article_graph("000_ee45959db7efa7ef")}
        assert count_in_graph(endpoint, None) == 36
        with urllib.request.urlopen(page, timeout=10) as response:  # the YASGUI page
            assert response.status == 200 and "html" in response.headers.get("Content-Type", "")
        process.send_signal(stop_signal)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert out.rstrip().endswith("stopped")
    assert "Traceback" not in err
    assert wait_gone(server_pid)


def test_serve_reports_a_busy_port():
    with OxigraphServer([]) as busy:
        done = run_cubakg("serve", "--port", str(busy.port), "--file", str(MINI_TRIG), timeout=60)
    assert done.returncode == 2
    assert f"port {busy.port} on 127.0.0.1 is already in use" in done.stderr and "another --port" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_reports_a_missing_file(tmp_path):
    done = run_cubakg("serve", "--port", "0", "--file", str(tmp_path / "absent.trig"))
    assert done.returncode == 3
    assert f"{tmp_path / 'absent.trig'}: file not found" in done.stderr


def test_a_missing_oxigraph_binary_says_how_to_install_it(tmp_path, monkeypatch):
    from cubakg import serve
    from cubakg.errors import UsageError

    monkeypatch.setattr(serve.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UsageError) as raised:
        serve.find_oxigraph_binary()
    assert "`oxigraph` was not found" in raised.value.message and raised.value.hint == "install it into this environment: pip install oxigraph"


def test_the_release_is_served_from_its_query_store_as_it_is(tmp_path, monkeypatch):
    """`cubakg serve --release DIR` loads nothing: Oxigraph serves the release's query store, made
    first as `cubakg query` makes it, read-only; it is left in the cache when the server stops."""
    import rdflib

    from cubakg.query.store import store_path

    cache, scratch = tmp_path / "cache", tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("CUBAKG_CACHE_DIR", str(cache))
    process, announced = start_serve("--port", "0", "--release", str(MINI_RELEASE),
                                     env={"CUBAKG_CACHE_DIR": str(cache), "TMPDIR": str(scratch)})
    try:
        server_pid = int(announced["Graph Store"].split("pid ")[1].split(";")[0])
        store = store_path(MINI_RELEASE)
        assert store.is_dir(), announced
        assert [p.name for p in scratch.iterdir() if p.is_dir()] == []  # no temporary store
        # The default graph is the merge of the graphs, as the release's Turtle holds it (read by rdflib).
        merged = rdflib.Graph().parse(MINI_RELEASE / "cubakg.ttl")
        assert count_in_graph(announced["SPARQL endpoint"], None) == len(merged)
        assert count_in_graph(announced["SPARQL endpoint"], SHARED_GRAPH) == 10  # named graphs kept
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    assert wait_gone(server_pid)
    assert store.is_dir() and list(scratch.iterdir()) == []  # the store kept, the server's log gone


@pytest.mark.parametrize("reported, from_store", [("same", True), ("0.4.9", False), (None, False)],
                         ids=["the version of pyoxigraph", "another version", "no version"])
def test_the_store_is_served_only_by_an_oxigraph_of_the_version_that_made_it(tmp_path, monkeypatch, reported, from_store):
    """The store's files are read by the server binary as pyoxigraph wrote them: another version
    (the `oxigraph` package is pinned apart) gets the release's graph files loaded instead."""
    import pyoxigraph

    from cubakg import serve
    from cubakg.query.store import release_graphs, store_path

    monkeypatch.setenv("CUBAKG_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(serve, "oxigraph_version", lambda binary: pyoxigraph.__version__ if reported == "same" else reported)
    server = serve.release_server(MINI_RELEASE)
    if from_store:
        assert (server.oxigraph.location, server.oxigraph.files) == (store_path(MINI_RELEASE), [])
    else:
        assert (server.oxigraph.location, server.oxigraph.files) == (None, release_graphs(MINI_RELEASE).files)
    assert server.oxigraph.read_only and server.site_dir == MINI_RELEASE / "site"


def test_the_oxigraph_binary_reports_its_version():
    from cubakg.serve import find_oxigraph_binary, oxigraph_version

    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", oxigraph_version(find_oxigraph_binary()) or "")


def test_a_cache_that_cannot_hold_the_store_loads_the_release_instead(tmp_path, monkeypatch):
    """The store is a convenience: where it cannot be made, the server loads the release's files,
    and says why."""
    import pyoxigraph

    from cubakg import serve
    from cubakg.query.store import release_graphs

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("CUBAKG_CACHE_DIR", str(blocked / "cache"))
    monkeypatch.setattr(serve, "oxigraph_version", lambda binary: pyoxigraph.__version__)
    heard: list[str] = []
    server = serve.release_server(MINI_RELEASE, progress=heard.append)
    assert (server.oxigraph.location, server.oxigraph.files) == (None, release_graphs(MINI_RELEASE).files)
    assert any("cannot make the query store" in message and "loading the release's files" in message
               for message in heard), heard

