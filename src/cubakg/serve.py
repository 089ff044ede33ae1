"""Run a local Oxigraph SPARQL server, for tests and `cubakg serve`.

The `oxigraph` PyPI package ships the server binary. It serves either the release's
query store as it is (read-only: `release_server`), or files loaded into a temporary
on-disk store with `oxigraph load` (TriG keeps its named graphs); we stop it by
process id.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from cubakg.errors import InputError, RemoteError, UsageError

STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0
LOAD_TIMEOUT_S = 300.0


def find_oxigraph_binary() -> Path:
    """The `oxigraph` executable: next to this Python first (a venv), then on PATH."""
    beside_python = Path(sys.executable).parent / "oxigraph"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return beside_python
    on_path = shutil.which("oxigraph")
    if on_path:
        return Path(on_path)
    raise UsageError(
        "the Oxigraph server binary `oxigraph` was not found "
        f"(looked in {beside_python.parent} and on PATH)",
        hint="install it into this environment: pip install oxigraph",
    )


def oxigraph_version(binary: Path) -> str | None:
    """The version the Oxigraph server binary reports ("oxigraph 0.5.13" → "0.5.13"), None if it says none."""
    try:
        done = subprocess.run([str(binary), "--version"], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=STOP_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return None
    words = done.stdout.split()
    return words[-1] if done.returncode == 0 and words else None


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on host:port (a port in TIME_WAIT counts as free)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now on `host` (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class Addresses:
    """The URLs of a SPARQL server on `host:port` (Oxigraph's paths)."""

    host: str
    port: int

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/store"


class OxigraphServer(Addresses):
    """A context manager: an Oxigraph server on `host:port` with `files` loaded into a temporary
    store, or serving the existing store at `location` (read-only, left as it was).

    `port=0` picks a free port. `union_default_graph=True` makes queries without
    `GRAPH` see every named graph (TriG loads keep their graphs; a triple in two graphs
    is then seen twice). `read_only=True` refuses updates and Graph Store writes.
    Exposes `.base_url`, `.query_url`, `.update_url`,
    `.store_url` (Graph Store Protocol) and `.pid` while running.
    """

    def __init__(
        self,
        files: list[Path] | tuple[Path, ...] = (),
        host: str = "127.0.0.1",
        port: int = 0,
        binary: Path | None = None,
        startup_timeout: float = STARTUP_TIMEOUT_S,
        union_default_graph: bool = False,
        read_only: bool = False,
        location: Path | None = None,
    ) -> None:
        self.files = [Path(f) for f in files]
        self.location = location
        self.read_only = read_only or location is not None
        self.host = host
        self.port = port
        self.binary = binary
        self.startup_timeout = startup_timeout
        self.union_default_graph = union_default_graph
        self.process: subprocess.Popen[bytes] | None = None
        self.store_dir: Path | None = None
        self._log_file = None
        self._holding = contextlib.ExitStack()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> "OxigraphServer":
        """Load the files into a fresh temporary store (or take the one at `location`) and serve it."""
        binary = self.binary or find_oxigraph_binary()
        for path in self.files:
            if not path.is_file():
                raise InputError(f"{path}: file not found", hint="build the release first: cubakg build")
        self.store_dir = self.location or Path(tempfile.mkdtemp(prefix="cubakg-oxigraph-"))
        try:
            if self.location is None:
                self._load_files(binary)
            else:
                from cubakg.query.store import store_held

                self._holding.enter_context(store_held(self.location))  # not removed as old while served
            if self.port == 0:
                self.port = free_port(self.host)
            elif port_in_use(self.host, self.port):
                # Checked first: otherwise the other server would answer our readiness probe.
                raise UsageError(
                    f"port {self.port} on {self.host} is already in use",
                    hint="choose another --port, or --port 0 for a free one",
                )
            self._log_file = tempfile.NamedTemporaryFile(prefix="cubakg-oxigraph-", suffix=".log", delete=False)
            command = [str(binary), "serve-read-only" if self.read_only else "serve", "--location", str(self.store_dir),
                       "--bind", f"{self.host}:{self.port}"]
            if self.union_default_graph:
                command.append("--union-default-graph")
            # Own session: a Ctrl-C on the terminal reaches us, and we stop the
            # server by pid, instead of it dying under us mid-request.
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=self._log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise
        return self

    def _load_files(self, binary: Path) -> None:
        # One `load` per file: the format is guessed from the extension, and
        # TriG/N-Quads keep their named graphs.
        for path in self.files:
            done = subprocess.run(
                [str(binary), "load", "--location", str(self.store_dir), "--file", str(path)],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=LOAD_TIMEOUT_S,
            )
            if done.returncode != 0:
                raise InputError(
                    f"{path}: Oxigraph could not load this file: {done.stderr.strip() or done.stdout.strip()}",
                    hint="check that the file parses: cubakg validate, or rebuild the release",
                )

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        probe = f"{self.query_url}?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RemoteError(
                    f"the Oxigraph server exited with code {self.process.returncode} "
                    f"before answering on {self.base_url}: {self._server_log()}",
                    hint="is the port already in use? try another --port",
                )
            try:
                with urllib.request.urlopen(probe, timeout=1.0) as response:
                    if response.status == 200 and self.process is not None and self.process.poll() is None:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        raise RemoteError(
            f"the Oxigraph server did not answer on {self.base_url} within {self.startup_timeout:.0f} s",
            hint="look for another process on that port, or a slow disk",
        )

    def _server_log(self) -> str:
        if self._log_file is None:
            return ""
        self._log_file.flush()
        self._log_file.seek(0)
        return self._log_file.read().decode("utf-8", "replace").strip()[-2000:]

    def stop(self) -> None:
        """Stop the server by pid (terminate, then kill) and remove the store it loaded."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)
        if self._log_file is not None:
            log_path = Path(self._log_file.name)
            self._log_file.close()
            self._log_file = None
            log_path.unlink(missing_ok=True)
        if self.store_dir is not None and self.location is None:
            shutil.rmtree(self.store_dir, ignore_errors=True)
        self.store_dir = None
        self._holding.close()

    def wait(self) -> int:
        """Block until the server process exits; returns its exit code."""
        assert self.process is not None, "start() the server first"
        return self.process.wait()

    def __enter__(self) -> "OxigraphServer":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


# --- the site beside the endpoint ----------------------------------------------------------

SPARQL_PATHS = ("/query", "/update", "/store")
PROXY_TIMEOUT_S = 300


def site_app(site_dir: Path, sparql_base: str, allow_service: bool = False):
    """A WSGI application: the static site with content negotiation, and SPARQL passed to `sparql_base`.

    `/id/…` and `/ontology` answer 303 See Other to the representation the Accept
    header prefers (HTML, Turtle, N-Triples, JSON-LD), at the page of the resource
    or, for a sub-resource, of the resource that describes it (`site.paths`).
    `/query` opened in a browser (no `query` parameter, HTML preferred) is the site's
    query page; every other `/query`, `/update` and `/store` request goes to Oxigraph,
    except a query that may call SERVICE, refused unless `allow_service`: a request to
    this server must not make it fetch from other hosts.
    """
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.http_proxy import ProxyMiddleware
    from werkzeug.security import safe_join
    from werkzeug.utils import redirect, send_file
    from werkzeug.wrappers import Request, Response

    from cubakg.rdf_formats import media_type
    from cubakg.site.paths import HTML, N_TRIPLES, ONTOLOGY_PAGE, REPRESENTATIONS, page_of
    from cubakg.resources import NS_ID

    offered = (*REPRESENTATIONS, N_TRIPLES)
    by_media = {r.media_type: r for r in offered}
    proxy = ProxyMiddleware(NotFound(), {"sparql": {"target": sparql_base}}, timeout=PROXY_TIMEOUT_S)
    # The path is passed on as it is: /query, /update and /store are Oxigraph's own.
    to_oxigraph = {path: proxy.proxy_to(proxy.targets["/sparql/"], path, "/") for path in SPARQL_PATHS}

    def file_response(request, path: str):
        """The site's file at `path` (an N-Triples file made from its Turtle), answering conditional
        and range requests: with an ETag and Last-Modified, a client that has it gets 304 Not Modified."""
        found = safe_join(str(site_dir), path)
        if found is None:
            return None
        file = Path(found)
        if file.is_file():
            media = media_type(file)
            response = send_file(file, request.environ, mimetype=media)
            response.content_type = _with_charset(media)  # as given, send_file would add no charset to JSON
            return response
        turtle = file.with_suffix(".ttl")
        if file.suffix == N_TRIPLES.extension and turtle.is_file():
            import pyoxigraph as ox

            data = ox.serialize(ox.parse(turtle.read_bytes(), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
            response = Response(data, content_type=N_TRIPLES.media_type)
            response.last_modified = turtle.stat().st_mtime
            response.add_etag()
            return response.make_conditional(request)
        return None

    def negotiate(request, page: str, fragment: str):
        chosen = by_media[_without_parameters(request.accept_mimetypes).best_match(
            [r.media_type for r in offered], default=HTML.media_type) or HTML.media_type]
        if not (site_dir / f"{page}{HTML.extension}").is_file():
            return None
        location = f"/{page}{chosen.extension}" + (f"#{fragment}" if fragment and chosen is HTML else "")
        response = redirect(location, code=303)
        response.vary.add("Accept")
        return response

    def app(environ, start_response):
        request = Request(environ)
        path = request.path
        if path.startswith(SPARQL_PATHS):
            if path == "/query" and "query" not in request.args and request.method == "GET" and \
                    request.accept_mimetypes.best_match(["application/sparql-results+json", HTML.media_type]) == HTML.media_type:
                response = file_response(request, "query.html")
                if response is not None:
                    response.vary.add("Accept")  # the same address answers SPARQL clients with results
                    return response(environ, start_response)
            forward = to_oxigraph.get(path)
            if forward is not None:
                refused = _refusal(_query_texts(request, environ), allow_service) if path == "/query" else None
                if refused:
                    return Response(refused, status=400, content_type="text/plain; charset=utf-8")(environ, start_response)
                return forward(environ, _as_negotiated(start_response))
        response = None
        if path == "/":
            response = file_response(request, "index.html")
        elif path.startswith("/id/") and "." not in path.rsplit("/", 1)[-1]:
            target = page_of(NS_ID + path[len("/id/"):])
            if target is not None:
                response = negotiate(request, target.page, target.fragment)
        elif path.rstrip("/") in (f"/{ONTOLOGY_PAGE}",) or path.startswith(f"/{ONTOLOGY_PAGE}/"):
            response = negotiate(request, ONTOLOGY_PAGE, "")
        else:
            response = file_response(request, path.lstrip("/"))
        if response is None:
            response = Response(f"Not found: {path}\n", status=404, content_type="text/plain; charset=utf-8")
        return response(environ, start_response)

    return app


def _query_texts(request, environ) -> list[str]:
    """The SPARQL of a /query request (GET `query`, a form or a sparql-query body). The body is
    read, then given back to the request for the proxy."""
    import io
    import urllib.parse

    texts = request.args.getlist("query")
    if request.method == "POST":
        body = request.get_data(cache=True)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        if request.mimetype == "application/x-www-form-urlencoded":
            texts += urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("query", [])
        else:
            texts.append(body.decode("utf-8", "replace"))
    return texts


def _refusal(texts: list[str], allow_service: bool) -> str | None:
    """Why the server will not pass this SPARQL on to Oxigraph, or None."""
    from cubakg.query.analysis import may_call_service
    from cubakg.query.sparql_text import too_deep

    for text in texts:
        found = too_deep(text)
        if found:
            return f"{found[0]} (Oxigraph reads queries on its stack, and this one would crash it)\n"
    if not allow_service and any(may_call_service(text) for text in texts):
        return ("SERVICE is not answered here: this endpoint answers from the release alone and does not "
                "reach other hosts (start it with `cubakg serve --allow-service` to allow it)\n")
    return None


def _without_parameters(accept):
    """The Accept header with each media range's parameters left out (its q-value kept): a client
    asking for `application/ld+json; profile="…"` or `text/turtle; charset=utf-8` wants that type,
    and werkzeug matches a range with parameters only to an offer with the same ones.

    >>> from werkzeug.datastructures import MIMEAccept
    >>> _without_parameters(MIMEAccept([('application/ld+json; profile="x"', 1)])).best_match(["application/ld+json"])
    'application/ld+json'
    """
    from werkzeug.datastructures import MIMEAccept

    return MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in accept])


def _as_negotiated(start_response):
    """`start_response` for Oxigraph's answers passed on: they vary by Accept (the results'
    format, and at /query the query page for a browser), and this server names itself once."""

    def start(status, headers, exc_info=None):
        kept = [(name, value) for name, value in headers if name.lower() != "server"]
        varies = ",".join(value for name, value in kept if name.lower() == "vary").lower()
        if "accept" not in [field.strip() for field in varies.split(",")]:
            kept.append(("Vary", "Accept"))
        return start_response(status, kept, exc_info)

    return start


def _with_charset(media: str) -> str:
    return f"{media}; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "+xml", "/xml")) else media


class SiteServer(Addresses):
    """The site and the SPARQL endpoint on one address: Oxigraph behind, the site in front (a thread).

    `.base_url`, `.query_url`, `.store_url` and `.pid` (Oxigraph's) as OxigraphServer has them.
    """

    def __init__(self, files, site_dir: Path, host: str = "127.0.0.1", port: int = 0, allow_service: bool = False,
                 **oxigraph_options) -> None:
        self.site_dir = Path(site_dir)
        self.allow_service = allow_service
        self.host = host
        self.port = port
        self.oxigraph = OxigraphServer(files, host="127.0.0.1", port=0, **oxigraph_options)
        self._server = None
        self._thread = None

    @property
    def pid(self) -> int | None:
        return self.oxigraph.pid

    def start(self) -> "SiteServer":
        import threading

        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args, **kwargs) -> None:  # no access log on the terminal
                pass

        if self.port and port_in_use(self.host, self.port):
            raise UsageError(f"port {self.port} on {self.host} is already in use",
                             hint="choose another --port, or --port 0 for a free one")
        self.oxigraph.start()
        try:
            self._server = make_server(self.host, self.port, site_app(self.site_dir, self.oxigraph.base_url, self.allow_service),
                                       threaded=True, request_handler=QuietHandler)
        except OSError as error:
            self.oxigraph.stop()
            raise UsageError(f"cannot listen on {self.host}:{self.port}: {error.strerror or error}",
                             hint="choose another --port, or --port 0 for a free one") from None
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, name="cubakg-site", daemon=True)
        self._thread.start()
        return self

    def wait(self) -> int:
        return self.oxigraph.wait()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.oxigraph.stop()

    def __enter__(self) -> "SiteServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def release_server(release_dir: Path, site_dir: Path | None = None, files: list[Path] | None = None,
                   progress=None, **options) -> SiteServer:
    """The server `cubakg serve` runs (start it): the site of the release in `release_dir` (or
    `site_dir`) beside a SPARQL endpoint on the release's query store, served as it is, read-only.
    Nothing is loaded, so it starts at once on any size of release; the store is made first where
    the release has none, as `cubakg query` does (`progress` hears of it). Where this machine's
    Oxigraph server is not the version of pyoxigraph that made the store, or the cache cannot hold
    the store, the release's files are loaded into a temporary store instead. With `files`: those
    loaded, the default graph the union of their graphs (where a triple is in two graphs, it is
    seen twice). `options`: SiteServer's.
    """
    import pyoxigraph

    from cubakg.errors import InputError
    from cubakg.query.store import prepare_store, release_graphs

    say = progress or (lambda message: None)
    site = Path(site_dir) if site_dir is not None else Path(release_dir) / "site"
    if files:
        return SiteServer(files, site, union_default_graph=True, read_only=True, **options)
    graphs = release_graphs(release_dir)
    binary = find_oxigraph_binary()
    if oxigraph_version(binary) == pyoxigraph.__version__:
        try:
            return SiteServer([], site, location=prepare_store(release_dir, progress), binary=binary, **options)
        except InputError as error:  # the store is a convenience, as for the build
            say(f"{error.message}; loading the release's files instead")
    # The named graphs and, as the default graph, their merge: every query answers as `cubakg query` does.
    return SiteServer(graphs.files, site, read_only=True, binary=binary, **options)

