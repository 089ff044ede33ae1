"""Helpers for the load/serve tests: run the CLI, and tiny misbehaving HTTP servers on 127.0.0.1.

Each server runs in a thread of the test process and records the Authorization
headers it saw, so tests can check where credentials went.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MINI_RELEASE = REPO / "tests" / "load_cases" / "mini-release"


def real_release_dir() -> Path:
    """The real release under test: $CUBAKG_RELEASE_DIR (as for the release judges), else the packaged dist/."""
    from cubakg.resources import RELEASE_DIR

    return Path(os.environ.get("CUBAKG_RELEASE_DIR") or RELEASE_DIR).resolve()


REAL_RELEASE = real_release_dir()
REAL_RELEASE_BUILT = (REAL_RELEASE / "cubakg.trig").is_file() and (REAL_RELEASE / "cubakg.ttl").is_file()


def cubakg_env(extra: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> dict[str, str]:
    """The environment for a `python -m cubakg` child: the checkout's src first, no stray credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUBAKG_ENDPOINT_") and k not in drop}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env.update(extra or {})
    return env


def run_cubakg(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cubakg", *args],
        capture_output=True, text=True, env=env or cubakg_env(), timeout=timeout, cwd=REPO,
    )


def unused_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingServer:
    """A threaded HTTP server on 127.0.0.1; subclasses say how to answer."""

    def __init__(self) -> None:
        self.authorizations: list[str | None] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def handle_any(self) -> None:
                outer.authorizations.append(self.headers.get("Authorization"))
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = outer.answer(self.command, self.path, dict(self.headers), body)
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
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, dict, bytes]:
        raise NotImplementedError

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class StatusServer(RecordingServer):
    """Answers every request with one status and body (401, 500, …)."""

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
        return self.status, {"Content-Type": "text/plain", **extra}, self.body


class AuthProxy(RecordingServer):
    """Demands one Authorization header, then forwards the request to a real endpoint."""

    def __init__(self, upstream: str, required_authorization: str) -> None:
        super().__init__()
        self.upstream = upstream
        self.required = required_authorization

    def answer(self, method, path, headers, body):
        if headers.get("Authorization") != self.required:
            return 401, {"WWW-Authenticate": 'Basic realm="test"'}, b"wrong credentials"
        forwarded = {k: v for k, v in headers.items() if k.lower() in ("content-type", "accept")}
        request = urllib.request.Request(self.upstream + path, data=body or None, headers=forwarded, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, {"Content-Type": response.headers.get("Content-Type", "")}, response.read()
        except urllib.error.HTTPError as error:
            return error.code, {"Content-Type": "text/plain"}, error.read()


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


def sparql_select(query_url: str, query: str) -> list[dict]:
    """Run a SELECT over HTTP; the JSON bindings."""
    import json

    url = f"{query_url}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["results"]["bindings"]


def sparql_update(update_url: str, update: str) -> None:
    request = urllib.request.Request(
        update_url, data=update.encode(), headers={"Content-Type": "application/sparql-update"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30):
        pass


def count_in_graph(query_url: str, graph: str | None) -> int:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    rows = sparql_select(query_url, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(rows[0]["n"]["value"])


class FlakyServer(StatusServer):
    """Accepts the first `ok_writes` writes (204), then answers every request with `status`."""

    def __init__(self, status: int, body: bytes = b"", ok_writes: int = 0, location: str | None = None) -> None:
        super().__init__(status, body, location)
        self.ok_writes = ok_writes

    def answer(self, method, path, headers, body):
        if method in ("PUT", "POST") and self.ok_writes > 0:
            self.ok_writes -= 1
            return 204, {}, b""
        return super().answer(method, path, headers, body)


class DigestProxy(AuthProxy):
    """Like AuthProxy, but demands HTTP Digest (RFC 7616, MD5, qop=auth), as Virtuoso's *-auth endpoints do."""

    realm = "cubakg-test"
    nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093"

    def __init__(self, upstream: str, user: str, password: str) -> None:
        super().__init__(upstream, required_authorization="")
        self.user = user
        self.password = password

    def answer(self, method, path, headers, body):
        import hashlib
        import urllib.request as request

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        given = headers.get("Authorization") or ""
        if given.startswith("Digest "):
            fields = request.parse_keqv_list(request.parse_http_list(given[len("Digest "):]))
            expected = md5(":".join([
                md5(f"{self.user}:{self.realm}:{self.password}"), self.nonce, fields.get("nc", ""),
                fields.get("cnonce", ""), "auth", md5(f"{method}:{fields.get('uri', '')}"),
            ]))
            if fields.get("username") == self.user and fields.get("response") == expected and fields.get("uri") == path:
                self.required = given  # let AuthProxy forward this request
                return super().answer(method, path, headers, body)
        challenge = f'Digest realm="{self.realm}", qop="auth", nonce="{self.nonce}", algorithm=MD5'
        return 401, {"WWW-Authenticate": challenge}, b"digest required"


class NoGraphStoreProxy(AuthProxy):
    """Forwards to a real endpoint, except its Graph Store (/store): a store without GSP."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream, required_authorization="")
        self.paths: list[str] = []

    def answer(self, method, path, headers, body):
        self.paths.append(f"{method} {path.split('?')[0]}")
        if path.startswith("/store"):
            return 404, {"Content-Type": "text/plain"}, b"no such service"
        self.required = headers.get("Authorization")  # no credentials needed here
        return super().answer(method, path, headers, body)
