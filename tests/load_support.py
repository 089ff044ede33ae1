"""Helpers for the load tests: the CLI in this process, real stores, and small misbehaving servers.

- `cli(...)` runs `cubakg ARGS` in this process as `python -m cubakg` would (exit code,
  stdout, stderr), with a clean environment and a temporary HOME; `run_cubakg(...)`
  runs it as a child process, for what only a process shows.
- `shared_oxigraph()` and `shared_virtuoso()`: one server of each per test session,
  on 127.0.0.1 and free ports, in temporary folders, stopped by process id at exit.
- Servers in threads of the test process record the Authorization headers they saw,
  so tests can tell where credentials went.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
MINI_RELEASE = REPO / "tests" / "load_cases" / "mini-release"


def real_release_dir() -> Path:
    """The real release under test: $CUBAKG_RELEASE_DIR (as for the release judges), else the packaged dist/."""
    from cubakg.resources import RELEASE_DIR

    return Path(os.environ.get("CUBAKG_RELEASE_DIR") or RELEASE_DIR).resolve()


REAL_RELEASE = real_release_dir()
REAL_RELEASE_BUILT = (REAL_RELEASE / "cubakg.trig").is_file() and (REAL_RELEASE / "cubakg.ttl").is_file()


# -- running the CLI ------------------------------------------------------------------------


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


def cubakg_env(extra: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> dict[str, str]:
    """This environment without endpoint credentials or $NETRC, with the checkout's src first on the path."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CUBAKG_ENDPOINT_") and k != "NETRC" and k not in drop}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env.update(extra or {})
    return env


@contextmanager
def environment(env: dict[str, str]):
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def cli(*args: str, env: dict[str, str] | None = None) -> Done:
    """`cubakg ARGS` in this process, in exactly the environment `cubakg_env(env)`; HOME is a
    fresh empty folder unless `env` gives one."""
    from cli_support import run_in_process

    with tempfile.TemporaryDirectory(prefix="cubakg-home-") as home:
        with environment(cubakg_env({"HOME": home, **(env or {})})):
            done = run_in_process(*args)
    return Done(done.returncode, done.stdout, done.stderr)


def run_cubakg(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m cubakg ARGS` as a child process."""
    return subprocess.run(
        [sys.executable, "-m", "cubakg", *args],
        capture_output=True, text=True, env=env or cubakg_env(), timeout=timeout, cwd=REPO,
    )


def process_tree_cmdlines(pid: int) -> list[str]:
    """The command lines of process `pid` and all its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            found.append(Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue  # gone meanwhile
    return found


def unused_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- SPARQL over HTTP, for checking what a store holds ---------------------------------------


def sparql_select(query_url: str, query: str) -> list[dict]:
    response = httpx.post(query_url, data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                          timeout=60)
    response.raise_for_status()
    return response.json()["results"]["bindings"]


def sparql_update(update_url: str, update: str, auth: httpx.Auth | None = None) -> None:
    response = httpx.post(update_url, content=update.encode(), auth=auth, timeout=60,
                          headers={"Content-Type": "application/sparql-update"})
    response.raise_for_status()


def count_in_graph(query_url: str, graph: str | None) -> int:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    rows = sparql_select(query_url, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(rows[0]["n"]["value"])


def graph_names(query_url: str) -> set[str]:
    return {r["g"]["value"] for r in sparql_select(query_url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}


def graph_triples(query_url: str, graph: str | None) -> set[tuple[str, str, str]]:
    """A graph's triples as (s, p, o) of SPARQL JSON values (type, value, datatype, language in o)."""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    rows = sparql_select(query_url, f"SELECT ?s ?p ?o WHERE {{ {pattern} }}")
    return {(r["s"]["value"], r["p"]["value"], repr(sorted(r["o"].items()))) for r in rows}


# -- small servers in this process --------------------------------------------------------------


class RecordingServer:
    """A threaded HTTP server on 127.0.0.1; subclasses say how to answer.

    `answer` returns (status, headers, body), or None to close the connection unanswered.
    """

    def __init__(self) -> None:
        self.authorizations: list[str | None] = []
        self.requests: list[str] = []  # "METHOD /path" in order
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms stall between

            def handle_any(self) -> None:
                outer.authorizations.append(self.headers.get("Authorization"))
                outer.requests.append(f"{self.command} {self.path.split('?')[0]}")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                answer = outer.answer(self.command, self.path, dict(self.headers), body)
                if answer is None:
                    self.close_connection = True
                    return
                status, headers, payload = answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

            def log_message(self, *args) -> None:  # keep test output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, dict, bytes] | None:
        raise NotImplementedError

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class StatusServer(RecordingServer):
    """Answers every request with one status and body (401, 500, a redirect, …)."""

    def __init__(self, status: int, body: bytes = b"", location: str | None = None,
                 challenge: str = 'Basic realm="test"') -> None:
        super().__init__()
        self.status = status
        self.body = body
        self.location = location
        self.challenge = challenge

    def answer(self, method, path, headers, body):
        extra = {"WWW-Authenticate": self.challenge} if self.status == 401 else {}
        if self.location:
            extra["Location"] = self.location
        content_type = "text/html" if self.body.startswith(b"<") else "text/plain"
        return self.status, {"Content-Type": content_type, **extra}, self.body


class SparqlStub(RecordingServer):
    """A tiny SPARQL endpoint: every query gets one row `?x = "ok"`, or a COUNT of 0."""

    def answer(self, method, path, headers, body):
        if b"COUNT" in body or b"COUNT" in path.encode():
            document = b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"0"}}]}}'
        else:
            document = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"ok"}}]}}'
        return 200, {"Content-Type": "application/sparql-results+json"}, document


class Redirector(RecordingServer):
    """Redirects every request to the same path on `target` (another origin, or this one's `/moved/`)."""

    def __init__(self, target: str | None = None, status: int = 307) -> None:
        super().__init__()
        self.target = target
        self.status = status

    def answer(self, method, path, headers, body):
        target = self.target or self.base_url + "/moved"
        return self.status, {"Location": target + path}, b""


class ForwardingProxy(RecordingServer):
    """Forwards requests to `upstream` (a real store); subclasses change what passes.

    `gate(method, path, headers, body)` says what to do: "forward", "drop" (close the
    connection unanswered), "forward-then-drop" (the store acts, the answer is lost),
    bytes (forward with this body instead), or a (status, headers, body) answer of its own.
    """

    def __init__(self, upstream: str, upstream_auth: httpx.Auth | None = None, forward_authorization: bool = False) -> None:
        super().__init__()
        self.upstream = upstream
        self.http = httpx.Client(timeout=60, auth=upstream_auth)
        self.forward_authorization = forward_authorization

    def gate(self, method: str, path: str, headers: dict, body: bytes):
        return "forward"

    def upstream_path(self, path: str) -> str:
        return path

    def answer(self, method, path, headers, body):
        action = self.gate(method, path, headers, body)
        if isinstance(action, tuple):
            return action
        if action == "drop":
            return None
        if isinstance(action, bytes):
            body = action
        passed = ("content-type", "accept", "authorization") if self.forward_authorization else ("content-type", "accept")
        forwarded = {k: v for k, v in headers.items() if k.lower() in passed}
        response = self.http.request(method, self.upstream + self.upstream_path(path), content=body or None,
                                     headers=forwarded)
        if action == "forward-then-drop":
            return None
        back = {"Content-Type": response.headers.get("Content-Type", "text/plain")}
        if "www-authenticate" in response.headers:
            back["WWW-Authenticate"] = response.headers["www-authenticate"]
        return response.status_code, back, response.content

    def __exit__(self, *exc) -> None:
        super().__exit__(*exc)
        self.http.close()


class AuthProxy(ForwardingProxy):
    """Demands one Authorization header value (Basic or Bearer), then forwards."""

    def __init__(self, upstream: str, required_authorization: str) -> None:
        super().__init__(upstream)
        self.required = required_authorization

    def gate(self, method, path, headers, body):
        if headers.get("Authorization") != self.required:
            return 401, {"WWW-Authenticate": 'Basic realm="test"'}, b"wrong credentials"
        return "forward"


class SameOriginMover(AuthProxy):
    """Redirects (307) every path to `/moved` + path on itself, where it demands credentials and forwards."""

    def gate(self, method, path, headers, body):
        if not path.startswith("/moved/"):
            return 307, {"Location": "/moved" + path}, b""
        return super().gate(method, path, headers, body)

    def upstream_path(self, path: str) -> str:
        return path[len("/moved"):]


class DigestProxy(ForwardingProxy):
    """Demands HTTP Digest (RFC 7616, MD5, qop=auth), then forwards. Like Virtuoso's *-auth
    endpoints, it answers a Basic attempt with a bare 401, no challenge."""

    realm = "cubakg-test"
    nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093"

    def __init__(self, upstream: str, user: str, password: str) -> None:
        super().__init__(upstream)
        self.user = user
        self.password = password

    def gate(self, method, path, headers, body):
        import hashlib
        import urllib.request as request

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        given = headers.get("Authorization") or ""
        if given.startswith("Basic "):
            return 401, {}, b""
        if given.startswith("Digest "):
            fields = request.parse_keqv_list(request.parse_http_list(given[len("Digest "):]))
            expected = md5(":".join([
                md5(f"{self.user}:{self.realm}:{self.password}"), self.nonce, fields.get("nc", ""),
                fields.get("cnonce", ""), "auth", md5(f"{method}:{fields.get('uri', '')}"),
            ]))
            if fields.get("username") == self.user and fields.get("response") == expected and fields.get("uri") == path:
                return "forward"
        challenge = f'Digest realm="{self.realm}", qop="auth", nonce="{self.nonce}", algorithm=MD5'
        return 401, {"WWW-Authenticate": challenge}, b"digest required"


# -- scripted failures of a store, for the loads that fail midway ----------------------------

SHARED_GRAPH = "https://w3id.org/cubakg/id/graph/shared"
ID = "https://w3id.org/cubakg/id/"


class Scripted(ForwardingProxy):
    """Forwards to a store, but misbehaves as `script(proxy, method, path, body)` says (the scripts below).
    `update_path` is the store's Update URL path; `upstream_auth` logs the proxy in to the store."""

    def __init__(self, upstream: str, script, update_path: str = "/update", upstream_auth=None) -> None:
        super().__init__(upstream, upstream_auth)
        self.script = script
        self.update_path = update_path
        self.puts = 0
        self.broken = False

    def gate(self, method, path, headers, body):
        if method == "PUT":
            self.puts += 1
        return self.script(self, method, path, body)


def break_at_second_graph(proxy, method, path, body):
    # --batch-size 7: the first graph is PUT and POSTed; the second graph's PUT never gets an answer.
    return "drop" if method == "PUT" and proxy.puts == 2 else "forward"


def break_for_good_at_second_graph(proxy, method, path, body):
    proxy.broken = proxy.broken or (method == "PUT" and proxy.puts == 2)
    return "drop" if proxy.broken else "forward"


def fail_at_second_graph(proxy, method, path, body):
    return (500, {"Content-Type": "text/plain"}, b"disk full") if method == "PUT" and proxy.puts == 2 else "forward"


def lose_a_triple(proxy, method, path, body):
    # A store (or a proxy) that silently drops the last triple of the first upload.
    return body.rstrip(b"\n").rsplit(b"\n", 1)[0] + b"\n" if method == "PUT" and proxy.puts == 1 else "forward"


def is_the_swap(proxy, body: bytes) -> bool:
    """The first request that ADDs a graph is the swap (a later one puts the backups back)."""
    if b"ADD " not in body or proxy.broken:
        return False
    proxy.broken = True
    return True


def swallow_the_swap(proxy, method, path, body):
    return (204, {}, b"") if is_the_swap(proxy, body) else "forward"


def swap_then_break(proxy, method, path, body):
    return "forward-then-drop" if is_the_swap(proxy, body) else "forward"


def lose_a_triple_in_the_swap(proxy, method, path, body):
    # The swap happens, then one loaded triple vanishes (a concurrent writer, say): the counts catch it.
    if is_the_swap(proxy, body):
        for update in (body, f"DELETE WHERE {{ GRAPH <{SHARED_GRAPH}> {{ <{ID}place/washington> ?p ?o }} }}".encode()):
            proxy.http.post(proxy.upstream + proxy.update_path, content=update,
                            headers={"Content-Type": "application/sparql-update"}).raise_for_status()
        return 204, {}, b""
    return "forward"



class SilentServer:
    """Accepts connections and never answers: a hung endpoint."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.connections: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _accept(self) -> None:
        self.listener.settimeout(0.1)
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
                self.connections.append(connection)  # held open, never read or answered
            except OSError:
                time.sleep(0.01)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join(timeout=2)
        for connection in self.connections:
            connection.close()
        self.listener.close()


# -- real stores, one per session ---------------------------------------------------------------

_shared: dict[str, object] = {}


def _stop_shared() -> None:
    for server in _shared.values():
        server.stop()  # type: ignore[attr-defined]


atexit.register(_stop_shared)


def shared_oxigraph():
    """One plain Oxigraph server (no union default graph) for the session; tests clear it with DROP ALL."""
    from cubakg.serve import OxigraphServer

    if "oxigraph" not in _shared:
        _shared["oxigraph"] = OxigraphServer([]).start()
    return _shared["oxigraph"]


VIRTUOSO_BINARY = shutil.which("virtuoso-t")
ISQL_BINARY = shutil.which("isql-vt")
VIRTUOSO_MISSING = (
    None if VIRTUOSO_BINARY and ISQL_BINARY else
    "Virtuoso is not installed (Debian: apt-get install virtuoso-opensource; .ci/run installs it)"
)


class VirtuosoServer:
    """Debian's Virtuoso (virtuoso-t) on 127.0.0.1, free ports, a temporary database folder;
    the `dba` account gets a fresh random password. Stopped by process id."""

    def __init__(self, buffers: int = 10_000, allowed_dirs: tuple[Path, ...] = ()) -> None:
        self.buffers = buffers
        self.allowed_dirs = allowed_dirs
        self.user = "dba"
        self.password = "pw-" + secrets.token_hex(8)
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None
        self.http_port = self.sql_port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/sparql"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/sparql-graph-crud-auth"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/sparql-auth"

    @property
    def credentials_env(self) -> dict[str, str]:
        return {"CUBAKG_ENDPOINT_USER": self.user, "CUBAKG_ENDPOINT_PASSWORD": self.password}

    def config(self) -> str:
        folder = self.folder
        dirs = ", ".join([".", *(str(d) for d in self.allowed_dirs)])
        return f"""[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{self.sql_port}
DisableUnixSocket = 1
DirsAllowed = {dirs}
NumberOfBuffers = {self.buffers}
MaxDirtyBuffers = {self.buffers * 3 // 4}
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{self.http_port}
ServerRoot = {folder}
ServerThreads = 4
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""

    def start(self, startup_timeout: float = 60) -> "VirtuosoServer":
        if VIRTUOSO_MISSING:
            raise RuntimeError(VIRTUOSO_MISSING)
        self.folder = Path(tempfile.mkdtemp(prefix="cubakg-virtuoso-"))
        self.http_port, self.sql_port = unused_port(), unused_port()
        (self.folder / "virtuoso.ini").write_text(self.config())
        self.process = subprocess.Popen(
            [VIRTUOSO_BINARY, "+foreground", "+configfile", str(self.folder / "virtuoso.ini")],
            cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t stopped at start (exit {self.process.returncode}); "
                                   f"log: {self.folder / 'virtuoso.log'}")
            try:
                if httpx.get(self.query_url, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError(f"Virtuoso did not answer within {startup_timeout} s")
        self.isql(f"USER_SET_PASSWORD('dba', '{self.password}');", password="dba")
        return self

    def isql(self, statements: str, password: str | None = None) -> str:
        """Run SQL through isql-vt, the statements on standard input (the password is in its
        arguments, as isql-vt wants it: only ever a test's throwaway password)."""
        done = subprocess.run(
            [ISQL_BINARY, f"127.0.0.1:{self.sql_port}", self.user, password or self.password],
            input=statements, capture_output=True, text=True, timeout=600,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql-vt failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
        return done.stdout

    def digest(self) -> httpx.DigestAuth:
        return httpx.DigestAuth(self.user, self.password)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> "VirtuosoServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def shared_virtuoso() -> VirtuosoServer:
    """One Virtuoso for the session (tests load into graphs of their own, or replace the release's)."""
    if "virtuoso" not in _shared:
        _shared["virtuoso"] = VirtuosoServer().start()
    return _shared["virtuoso"]  # type: ignore[return-value]


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


# -- comparing what a store holds with the release --------------------------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"


def virtuoso_term(term: dict) -> dict:
    """A SPARQL JSON term as Virtuoso's differs from the standard, normalised: Virtuoso gives
    booleans as "1"/"0" (same value as "true"/"false"), and year-month durations in months."""
    if term.get("datatype") == XSD + "boolean" and term.get("value") in ("1", "0"):
        return {**term, "value": "true" if term["value"] == "1" else "false"}
    if term.get("datatype") == XSD + "duration" and term.get("value", "").isdigit():
        # Virtuoso 7.2 gives a year-month duration as its number of months ("12" for "P1Y").
        years, months = divmod(int(term["value"]), 12)
        return {**term, "value": "P" + (f"{years}Y" if years else "") + (f"{months}M" if months or not years else "")}
    return term


def release_triples(release: Path, triple_as: Callable = lambda triple: triple) -> dict[str | None, set[str]]:
    """The TriG's triples per graph, as N-Triples lines, read by pyoxigraph (each as `triple_as` says a store keeps it)."""
    import pyoxigraph

    by_graph: dict[str | None, set[str]] = {}
    for quad in pyoxigraph.parse(path=str(release / "cubakg.trig")):
        by_graph.setdefault(getattr(quad.graph_name, "value", None), set()).add(str(triple_as(quad.triple)))
    return by_graph


def store_triples(query_url: str, graph: str | None, normalise: Callable[[dict], dict] = lambda t: t) -> set[str]:
    """A store's triples in one graph as N-Triples lines (cubakg has no blank nodes)."""
    import pyoxigraph

    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"

    def term(binding: dict):
        binding = normalise(binding)
        if binding["type"] == "uri":
            return pyoxigraph.NamedNode(binding["value"])
        if "xml:lang" in binding:
            return pyoxigraph.Literal(binding["value"], language=binding["xml:lang"])
        datatype = binding.get("datatype")
        return pyoxigraph.Literal(binding["value"], datatype=pyoxigraph.NamedNode(datatype) if datatype else None)

    rows = sparql_select(query_url, f"SELECT ?s ?p ?o WHERE {{ {pattern} }}")
    return {str(pyoxigraph.Triple(term(r["s"]), term(r["p"]), term(r["o"]))) for r in rows}
