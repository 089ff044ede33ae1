"""Load the release into a SPARQL 1.1 triple store, then check it arrived whole.

Upload goes through the SPARQL 1.1 Graph Store HTTP Protocol (GSP): the first
batch of each target graph is PUT (which replaces the graph, so loading twice
leaves the same triples), the rest POSTed. Stores without GSP get SPARQL 1.1
Update instead: `DROP SILENT GRAPH`, then `INSERT DATA` batches. Afterwards the
triples of every target graph are counted on the endpoint and compared with the
release; any difference is an error.

URLs: `--endpoint` is the SPARQL query endpoint. The Graph Store and Update URLs
are derived from its last path segment unless given:
  …/query  → …/store and …/update   (Oxigraph)
  …/sparql → …/data  and …/update   (Apache Jena Fuseki: /ds/sparql)
anything else needs `--store` and/or `--update` (GraphDB, Virtuoso: see docs/loading.md).

Credentials come from the environment (CUBAKG_ENDPOINT_USER and
CUBAKG_ENDPOINT_PASSWORD for HTTP Basic, or Digest when the server challenges for
it; CUBAKG_ENDPOINT_TOKEN for a Bearer token) or from ~/.netrc, never from
arguments, and never appear in messages. Redirects are not followed.
"""

from __future__ import annotations

import base64
import http.client
import json
import netrc
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cubakg.errors import InputError, Location, NonConformingError, RemoteError, UsageError
from cubakg.resources import GRAPH_TRIG, GRAPH_TURTLE

ENV_USER = "CUBAKG_ENDPOINT_USER"
ENV_PASSWORD = "CUBAKG_ENDPOINT_PASSWORD"
ENV_TOKEN = "CUBAKG_ENDPOINT_TOKEN"

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_BATCH_SIZE = 10_000

PROTOCOL_AUTO = "auto"
PROTOCOL_GSP = "gsp"
PROTOCOL_UPDATE = "update"
PROTOCOLS = (PROTOCOL_AUTO, PROTOCOL_GSP, PROTOCOL_UPDATE)

# Answers meaning "no Graph Store here", after which `auto` falls back to Update.
NO_GSP_STATUSES = frozenset({400, 404, 405, 406, 415, 501})

CREDENTIALS_HINT = (
    f"set {ENV_USER} and {ENV_PASSWORD} (HTTP Basic) or {ENV_TOKEN} (Bearer token) "
    "in the environment, or add `machine HOST login USER password SECRET` to ~/.netrc"
)

Progress = Callable[[str], None]


# -- credentials ---------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """How to authenticate, and where it came from (for messages; never the secret)."""

    authorization: str  # the whole Authorization header value
    source: str
    secrets: tuple[str, ...] = field(default=(), repr=False)
    # For HTTP Digest, answered only when a server challenges for it (Virtuoso's *-auth endpoints).
    user_password: tuple[str, str] | None = field(default=None, repr=False)


def basic_credentials(user: str, password: str, source: str) -> Credentials:
    token = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
    return Credentials(f"Basic {token}", source, secrets=(password, token), user_password=(user, password))


def find_credentials(url: str, environ: Mapping[str, str] | None = None) -> Credentials | None:
    """Credentials for `url`: environment first, then ~/.netrc; None when there are none."""
    environ = os.environ if environ is None else environ
    token = environ.get(ENV_TOKEN, "")
    user = environ.get(ENV_USER, "")
    password = environ.get(ENV_PASSWORD, "")
    if token:
        return Credentials(f"Bearer {token}", f"${ENV_TOKEN}", secrets=(token,))
    if user or password:
        if not (user and password):
            missing = ENV_PASSWORD if user else ENV_USER
            raise UsageError(
                f"{missing} is not set, but {ENV_USER if user else ENV_PASSWORD} is",
                hint=f"set both {ENV_USER} and {ENV_PASSWORD}, or neither",
            )
        return basic_credentials(user, password, f"${ENV_USER}/${ENV_PASSWORD}")
    return netrc_credentials(url, environ)


def netrc_credentials(url: str, environ: Mapping[str, str]) -> Credentials | None:
    netrc_path = Path(environ.get("NETRC") or Path(environ.get("HOME", "~")).expanduser() / ".netrc")
    if not netrc_path.is_file():
        return None
    try:
        entries = netrc.netrc(str(netrc_path))
    except netrc.NetrcParseError as error:
        # The message may quote the offending token; keep only the position.
        raise InputError(
            "cannot parse this netrc file",
            Location(str(netrc_path), error.lineno),
            hint="fix the line, or use the CUBAKG_ENDPOINT_* environment variables instead",
        ) from None
    except OSError as error:
        raise InputError(f"cannot read {netrc_path}: {error.strerror}") from None
    host = urllib.parse.urlsplit(url).hostname or ""
    found = entries.authenticators(host)
    if not found:
        return None
    login, _account, password = found
    return basic_credentials(login or "", password or "", f"{netrc_path} (machine {host})")


def redact(text: str, credentials: Credentials | None) -> str:
    """`text` with every secret replaced by ***."""
    if credentials:
        for secret in credentials.secrets:
            if secret:
                text = text.replace(secret, "***")
    return text


# -- endpoints -----------------------------------------------------------------


@dataclass(frozen=True)
class Endpoints:
    query: str
    store: str | None
    update: str | None


# Last path segment of the query URL → (Graph Store segment, Update segment).
DERIVATION_RULES = {"query": ("store", "update"), "sparql": ("data", "update")}


def check_url(url: str, option: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"{option} must be an http(s) URL, got {redact_userinfo(url)!r}",
            hint="e.g. --endpoint http://127.0.0.1:7878/query",
        )
    if parts.username or parts.password:
        raise UsageError(
            f"{option} contains credentials ({redact_userinfo(url)}); they are not accepted in arguments",
            hint=CREDENTIALS_HINT,
        )
    return url


def redact_userinfo(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def derive_endpoints(endpoint: str, store: str | None = None, update: str | None = None) -> Endpoints:
    """The query, Graph Store and Update URLs; explicit ones win over derived ones."""
    check_url(endpoint, "--endpoint")
    if store:
        check_url(store, "--store")
    if update:
        check_url(update, "--update")
    parts = urllib.parse.urlsplit(endpoint)
    head, _, last = parts.path.rstrip("/").rpartition("/")
    rule = DERIVATION_RULES.get(last)
    if rule:
        derived_store, derived_update = (
            urllib.parse.urlunsplit(parts._replace(path=f"{head}/{segment}", query="", fragment=""))
            for segment in rule
        )
        store = store or derived_store
        update = update or derived_update
    return Endpoints(endpoint, store, update)


# -- what to load --------------------------------------------------------------


@dataclass
class TargetGraph:
    """Triples bound for one graph on the endpoint; `name` None is the default graph."""

    name: str | None
    triples: list  # pyoxigraph.Triple, distinct, in file order

    @property
    def label(self) -> str:
        return self.name or "(default graph)"


LAYOUT_DEFAULT = "default"
LAYOUT_GRAPH = "graph"
LAYOUT_PER_ARTICLE = "per-article"


def check_graph_iri(iri: str) -> str:
    parts = urllib.parse.urlsplit(iri)
    if not parts.scheme or any(ch in iri for ch in ' <>"{}|\\^`'):
        raise UsageError(
            f"--graph must be an absolute IRI, got {iri!r}",
            hint="e.g. --graph https://w3id.org/cubakg/id/graph/all",
        )
    return iri


def plan_targets(release_dir: Path, layout: str, graph_iri: str | None = None) -> list[TargetGraph]:
    """Read the release and group its triples by the graph each goes to."""
    if layout == LAYOUT_PER_ARTICLE:
        by_graph: dict[str | None, dict] = {}
        for quad in parse_release_file(release_dir / GRAPH_TRIG):
            name = getattr(quad.graph_name, "value", None)  # DefaultGraph has no value
            by_graph.setdefault(name, {})[quad.triple] = None
        # Default graph first, then named graphs in IRI order: a stable plan.
        names = sorted(by_graph, key=lambda n: (n is not None, n or ""))
        return [TargetGraph(name, list(by_graph[name])) for name in names]
    target = graph_iri if layout == LAYOUT_GRAPH else None
    triples = dict.fromkeys(quad.triple for quad in parse_release_file(release_dir / GRAPH_TURTLE))
    return [TargetGraph(target, list(triples))]


def parse_release_file(path: Path) -> Iterable:
    import pyoxigraph

    if not path.is_file():
        raise InputError(
            f"{path}: release file not found",
            hint="build the release first (cubakg build), or point --release at a folder holding it",
        )
    try:
        # Materialise here so that parse errors surface inside this try.
        return list(pyoxigraph.parse(path=str(path)))
    except SyntaxError as error:
        raise InputError(
            f"cannot parse: {error.msg}", Location(str(path), error.lineno, error.offset),
            hint="rebuild the release (cubakg build)",
        ) from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None


# -- HTTP ----------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    location: str | None = None  # of a redirect


class Remote:
    """HTTP to one endpoint: timeouts, credentials, and errors a person can act on."""

    def __init__(self, credentials: Credentials | None, timeout: float) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.writes = 0  # successful PUT/POST requests, to tell a partial load

    def request(
        self, method: str, url: str, body: bytes | None = None, headers: Mapping[str, str] | None = None,
        tolerate: frozenset[int] = frozenset(),
    ) -> Answer:
        """Send one request. Statuses in `tolerate` are returned; other failures raise RemoteError."""
        all_headers = {"User-Agent": "cubakg-load", **(headers or {})}
        if self.credentials:
            all_headers["Authorization"] = self.credentials.authorization
        request = urllib.request.Request(url, data=body, headers=all_headers, method=method)
        opener = urllib.request.build_opener(NoRedirect, *self.digest_handlers(url))
        try:
            with opener.open(request, timeout=self.timeout) as response:
                answer = Answer(response.status, response.read())
            if method != "GET":
                self.writes += 1
            return answer
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, read_error_body(error), error.headers.get("Location") if error.headers else None)
            if error.code in tolerate:
                return answer
            raise self.status_error(method, url, answer) from None
        except urllib.error.URLError as error:
            raise self.connection_error(method, url, error.reason) from None
        except (TimeoutError, OSError, http.client.HTTPException) as error:
            # HTTPException: a garbled answer (bad status line, truncated body).
            raise self.connection_error(method, url, error) from None

    def digest_handlers(self, url: str) -> list:
        """A Digest handler for user/password credentials: it answers a Digest challenge
        (the Basic header is sent first; a Digest-only server answers it with 401)."""
        if not (self.credentials and self.credentials.user_password):
            return []
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, *self.credentials.user_password)
        return [DigestOnlyHandler(passwords)]

    def connection_error(self, method: str, url: str, reason: object) -> RemoteError:
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            return RemoteError(
                f"{method} {url}: no answer within {self.timeout:g} s",
                hint="the endpoint is slow or hung; check it, or allow longer with --timeout SECONDS",
            )
        if isinstance(reason, ConnectionRefusedError):
            return RemoteError(
                f"{method} {url}: connection refused: nothing is listening there",
                hint="start the triple store, or check the host and port in --endpoint",
            )
        text = redact(str(getattr(reason, "strerror", None) or reason), self.credentials)
        return RemoteError(
            f"{method} {url}: cannot reach the endpoint: {text or type(reason).__name__}",
            hint="check the URL, the network, and that the triple store is running",
        )

    def status_error(self, method: str, url: str, answer: Answer) -> RemoteError:
        excerpt = redact(answer.body.decode("utf-8", "replace").strip()[:300], self.credentials)
        said = f": {excerpt}" if excerpt else ""
        if answer.status == 401:
            what = (
                f"refused the credentials from {self.credentials.source}"
                if self.credentials else "requires credentials, and none were found"
            )
            return RemoteError(f"{method} {url}: the endpoint {what} (HTTP 401){said}", hint=CREDENTIALS_HINT)
        if answer.status == 403:
            who = f"the account from {self.credentials.source}" if self.credentials else "anonymous users"
            return RemoteError(
                f"{method} {url}: the endpoint forbids this to {who} (HTTP 403){said}",
                hint="use an account allowed to write; " + CREDENTIALS_HINT,
            )
        if 300 <= answer.status < 400:
            return RemoteError(
                f"{method} {url}: the endpoint redirects (HTTP {answer.status}) to "
                f"{answer.location or 'another URL'}; redirects are not followed, so credentials stay with this host",
                hint="pass the final URL with --endpoint (and --store / --update)",
            )
        if answer.status >= 500:
            return RemoteError(
                f"{method} {url}: the endpoint failed (HTTP {answer.status}){said}",
                hint="look at the triple store's log; retry when it is healthy",
            )
        return RemoteError(
            f"{method} {url}: the endpoint rejected the request (HTTP {answer.status}){said}",
            hint="check --endpoint, --store and --update (docs/loading.md lists each store's URLs)",
        )


class DigestOnlyHandler(urllib.request.HTTPDigestAuthHandler):
    """Answers Digest challenges only; any other 401 is left to become an error we explain
    (the standard handler raises ValueError on, say, a Bearer challenge)."""

    def http_error_401(self, req, fp, code, msg, headers):  # noqa: ANN001
        challenges = headers.get_all("WWW-Authenticate") or []
        if not any(c.strip().lower().startswith("digest") for c in challenges):
            return None
        return super().http_error_401(req, fp, code, msg, headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are reported, not followed: following one would resend credentials elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None


def read_error_body(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except (OSError, ValueError):
        return b""


# -- loading -------------------------------------------------------------------


def ntriples(triples: list) -> bytes:
    """Triples as N-Triples, which is also valid Turtle and SPARQL `INSERT DATA` content."""
    import pyoxigraph

    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)


def batches(items: list, size: int) -> list[list]:
    # An empty graph still gets one (empty) batch: the PUT / DROP that clears it.
    return [items[start:start + size] for start in range(0, len(items), size)] or [[]]


def gsp_url(store: str, graph: str | None) -> str:
    parameter = urllib.parse.urlencode({"graph": graph}) if graph else "default"
    return f"{store}{'&' if '?' in store else '?'}{parameter}"


class NoGraphStore(Exception):
    """The Graph Store URL answered as if no Graph Store were there."""


def put_graph_gsp(remote: Remote, store: str, target: TargetGraph, batch_size: int,
                  progress: Progress | None, first_try: bool) -> None:
    """PUT the first batch (replacing the graph), POST the others."""
    url = gsp_url(store, target.name)
    parts = batches(target.triples, batch_size)
    for index, part in enumerate(parts):
        method = "PUT" if index == 0 else "POST"
        answer = remote.request(
            method, url, ntriples(part), {"Content-Type": "text/turtle; charset=utf-8"},
            tolerate=NO_GSP_STATUSES if first_try and index == 0 else frozenset(),
        )
        if answer.status >= 400:
            raise NoGraphStore(f"HTTP {answer.status}")
        report_batch(progress, target, index, len(parts))


def put_graph_update(remote: Remote, update: str, target: TargetGraph, batch_size: int,
                     progress: Progress | None) -> None:
    """DROP SILENT the graph, then INSERT DATA batch by batch."""
    graph_ref = f"GRAPH <{target.name}>" if target.name else "DEFAULT"
    send_update(remote, update, f"DROP SILENT {graph_ref}")
    parts = batches(target.triples, batch_size)
    for index, part in enumerate(parts):
        if part:
            body = ntriples(part).decode("utf-8")
            if target.name:
                body = f"GRAPH <{target.name}> {{\n{body}}}"
            send_update(remote, update, f"INSERT DATA {{\n{body}\n}}")
        report_batch(progress, target, index, len(parts))


def send_update(remote: Remote, update: str, text: str) -> None:
    remote.request("POST", update, text.encode("utf-8"),
                   {"Content-Type": "application/sparql-update; charset=utf-8"})


def report_batch(progress: Progress | None, target: TargetGraph, index: int, total: int) -> None:
    if progress:
        progress(f"{target.label}: batch {index + 1}/{total} ({len(target.triples)} triples)")


def count_triples(remote: Remote, query_url: str, graph: str | None) -> int:
    """How many triples the endpoint holds in `graph` (None: the default graph)."""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
    url = f"{query_url}{'&' if '?' in query_url else '?'}{urllib.parse.urlencode({'query': query})}"
    answer = remote.request("GET", url, headers={"Accept": "application/sparql-results+json"})
    try:
        bindings = json.loads(answer.body)["results"]["bindings"]
        return int(bindings[0]["n"]["value"]) if bindings else 0
    except (ValueError, KeyError, IndexError, TypeError):
        raise RemoteError(
            f"GET {query_url}: the answer to a COUNT query is not SPARQL JSON results",
            hint="--endpoint must be the SPARQL query endpoint (e.g. …/query, /ds/sparql, /repositories/ID)",
        ) from None


@dataclass(frozen=True)
class GraphCount:
    graph: str | None
    expected: int
    loaded: int

    @property
    def label(self) -> str:
        return self.graph or "(default graph)"


@dataclass
class LoadReport:
    endpoint: str
    protocol: str  # "gsp" or "update", what was used
    via: str  # the URL written to
    counts: list[GraphCount]

    @property
    def ok(self) -> bool:
        return all(count.loaded == count.expected for count in self.counts)

    def table(self) -> str:
        width = max([len(c.label) for c in self.counts] + [len("graph")])
        lines = [f"{'graph':<{width}}  {'expected':>9}  {'loaded':>9}"]
        for count in self.counts:
            mark = "" if count.loaded == count.expected else "  MISMATCH"
            lines.append(f"{count.label:<{width}}  {count.expected:>9}  {count.loaded:>9}{mark}")
        lines.append(
            f"{'total':<{width}}  {sum(c.expected for c in self.counts):>9}  "
            f"{sum(c.loaded for c in self.counts):>9}"
        )
        return "\n".join(lines)


def load_release(
    endpoint: str,
    release_dir: Path,
    *,
    layout: str = LAYOUT_DEFAULT,
    graph_iri: str | None = None,
    protocol: str = PROTOCOL_AUTO,
    store: str | None = None,
    update: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    batch_size: int = DEFAULT_BATCH_SIZE,
    environ: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Upload the release, count what arrived, and raise unless it all did."""
    if protocol not in PROTOCOLS:
        raise UsageError(f"--protocol must be one of {', '.join(PROTOCOLS)}, got {protocol!r}")
    if timeout <= 0 or batch_size <= 0:
        raise UsageError("--timeout and --batch-size must be positive")
    if layout == LAYOUT_GRAPH:
        check_graph_iri(graph_iri or "")
    urls = derive_endpoints(endpoint, store, update)
    needs_store = protocol == PROTOCOL_GSP
    needs_update = protocol == PROTOCOL_UPDATE
    if (needs_store and not urls.store) or (needs_update and not urls.update) or not (urls.store or urls.update):
        missing = "--store" if needs_store else "--update" if needs_update else "--store or --update"
        raise UsageError(
            f"cannot derive the write URL from --endpoint {endpoint} (its path does not end in /query or /sparql)",
            hint=f"pass {missing} URL; docs/loading.md lists the URLs of Oxigraph, Fuseki, GraphDB and Virtuoso",
        )
    targets = plan_targets(release_dir, layout, graph_iri)
    remote = Remote(find_credentials(endpoint, environ), timeout)
    used, via = write_targets(remote, urls, targets, protocol, batch_size, progress)
    if progress:
        progress("counting triples on the endpoint")
    counts = [GraphCount(t.name, len(t.triples), count_triples(remote, urls.query, t.name)) for t in targets]
    report = LoadReport(endpoint, used, via, counts)
    if not report.ok:
        raise NonConformingError(
            f"the endpoint {endpoint} does not hold what was loaded (expected vs loaded triples differ)",
            details=report.table() + "\n  hint: if the store's default graph is the union of all graphs "
            "(GraphDB, Virtuoso, Oxigraph --union-default-graph), load into a named graph with --graph IRI "
            "or --per-article-graphs; otherwise look for concurrent writers and load again",
        )
    return report


def write_targets(remote: Remote, urls: Endpoints, targets: list[TargetGraph], protocol: str,
                  batch_size: int, progress: Progress | None) -> tuple[str, str]:
    """Write every target graph; returns (protocol used, URL written to)."""
    done = 0
    try:
        if protocol != PROTOCOL_UPDATE and urls.store:
            try:
                for target in targets:
                    put_graph_gsp(remote, urls.store, target, batch_size, progress,
                                  first_try=protocol == PROTOCOL_AUTO and done == 0)
                    done += 1
                return PROTOCOL_GSP, urls.store
            except NoGraphStore as no_store:
                if not urls.update:
                    raise RemoteError(
                        f"{urls.store} does not answer as a Graph Store ({no_store})",
                        hint="pass the right --store URL, or --update URL to load with SPARQL Update",
                    ) from None
                if progress:
                    progress(f"no Graph Store at {urls.store} ({no_store}); using SPARQL Update at {urls.update}")
        assert urls.update is not None
        for target in targets:
            put_graph_update(remote, urls.update, target, batch_size, progress)
            done += 1
        return PROTOCOL_UPDATE, urls.update
    except RemoteError as error:
        if remote.writes:
            error.message += (
                f"\n  the load is INCOMPLETE: {done} of {len(targets)} graphs were fully written before "
                "this failure; run the same command again to replace them"
            )
        raise
