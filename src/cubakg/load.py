"""Load the release into a SPARQL 1.1 triple store so that a failure leaves the store as it was.

    report = load_release("http://127.0.0.1:7878/query", Path("dist"), layout=LAYOUT_PER_ARTICLE)
    print(report.table())

1. **Probe**: count the targets; check the Update URL with a one-triple graph, written and dropped. When the
   default graph is a target, the probe also tells whether queries see named graphs
   in it (Virtuoso, GraphDB, Oxigraph's union default graph); such a default graph
   cannot be counted, so the load stops there, having changed nothing.
2. **Stage** each target's triples in a fresh graph `urn:uuid:…`, through the SPARQL
   1.1 Graph Store HTTP Protocol (PUT, then POST in batches) or SPARQL 1.1 Update
   (INSERT DATA in batches) where there is no Graph Store.
3. **Count** the staging graphs on the query endpoint. Any difference: they are
   dropped, and the targets were never touched.
4. **Swap**, with SPARQL Update (one request for up to 25 graphs): each target is
   copied to a backup graph and dropped, each staging graph copied to its target
   and dropped (ADD and DROP: MOVE's work, done faster by some stores). Loading
   twice leaves the same triples.
5. **Count** the targets. Any difference, or a failed swap: each target gets its
   backup back. Then the backups are dropped.

URLs: `endpoint` is the SPARQL query endpoint; the Graph Store and Update URLs are
derived from its last path segment unless given:
  …/query  → …/store and …/update   (Oxigraph)
  …/sparql → …/data  and …/update   (Apache Jena Fuseki: /ds/sparql)
Credentials and redirects: cubakg.http_client.
"""

from __future__ import annotations

import json
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cubakg.errors import CubakgError, InputError, Location, NonConformingError
from cubakg.http_client import EndpointClient, EndpointError, OptionError, check_url
from cubakg.resources import GRAPH_TRIG, GRAPH_TURTLE

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_BATCH_SIZE = 10_000

PROTOCOL_AUTO = "auto"
PROTOCOL_GSP = "gsp"
PROTOCOL_UPDATE = "update"
PROTOCOLS = (PROTOCOL_AUTO, PROTOCOL_GSP, PROTOCOL_UPDATE)
PROTOCOL_NAMES = {PROTOCOL_GSP: "Graph Store Protocol", PROTOCOL_UPDATE: "SPARQL Update"}

LAYOUT_DEFAULT = "default"
LAYOUT_GRAPH = "graph"
LAYOUT_PER_ARTICLE = "per-article"

# Answers meaning "no Graph Store here", after which `auto` stages with Update instead.
NO_GSP_STATUSES = frozenset({400, 404, 405, 406, 415, 501})

PROBE_PREDICATE = "https://w3id.org/cubakg/ontology#loadProbe"
COUNTS_PER_QUERY = 100  # graphs counted by one query
# Swap steps sent in one update request: a store that applies a request whole swaps that many graphs
# at once; Virtuoso 7.2 takes ever longer to compile a longer request, and refuses one of 4,000 steps.
SWAP_STEPS_PER_REQUEST = 100

Progress = Callable[[str], None]


# -- URLs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoints:
    query: str
    store: str | None
    update: str | None


# Last path segment of the query URL → (Graph Store segment, Update segment).
DERIVATION_RULES = {"query": ("store", "update"), "sparql": ("data", "update")}


def derive_endpoints(endpoint: str, store: str | None = None, update: str | None = None) -> Endpoints:
    """The query, Graph Store and Update URLs; given ones win over derived ones."""
    check_url(endpoint, "endpoint", "SPARQL query endpoint URL")
    if store:
        check_url(store, "store", "Graph Store URL")
    if update:
        check_url(update, "update", "SPARQL Update URL")
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


# -- what to load ------------------------------------------------------------------


@dataclass
class TargetGraph:
    """Triples bound for one graph on the endpoint; `name` None is the default graph."""

    name: str | None
    triples: list  # pyoxigraph.Triple, distinct, in file order

    @property
    def label(self) -> str:
        return self.name or "(default graph)"


def check_graph_iri(iri: str) -> str:
    parts = urllib.parse.urlsplit(iri)
    if not parts.scheme or any(ch in iri for ch in ' <>"{}|\\^`'):
        raise OptionError(f"the graph name must be an absolute IRI, got {iri!r}", "graph",
                          hint="e.g. https://w3id.org/cubakg/id/graph/all")
    return iri


def plan_targets(release_dir: Path, layout: str, graph_iri: str | None = None) -> list[TargetGraph]:
    """Read the release and group its triples by the graph each goes to."""
    if layout == LAYOUT_PER_ARTICLE:
        path = release_dir / GRAPH_TRIG
        by_graph: dict[str | None, dict] = {}
        for quad in parse_release_file(path):
            name = getattr(quad.graph_name, "value", None)  # DefaultGraph has no value
            by_graph.setdefault(name, {})[quad.triple] = None
        # Default graph first, then named graphs in IRI order: a stable plan.
        names = sorted(by_graph, key=lambda n: (n is not None, n or ""))
        targets = [TargetGraph(name, list(by_graph[name])) for name in names]
    else:
        path = release_dir / GRAPH_TURTLE
        triples = dict.fromkeys(quad.triple for quad in parse_release_file(path))
        targets = [TargetGraph(graph_iri if layout == LAYOUT_GRAPH else None, list(triples))]
    if not any(target.triples for target in targets):
        raise InputError(f"{path}: holds no triples: nothing to load", hint="rebuild the release (cubakg build)")
    return targets


def parse_release_file(path: Path) -> Iterable:
    import pyoxigraph

    if not path.is_file():
        raise InputError(f"{path}: release file not found",
                         hint="build the release first (cubakg build), or give the folder that holds it")
    try:
        # Materialised here, so that parse errors surface inside this try.
        return list(pyoxigraph.parse(path=str(path)))
    except SyntaxError as error:
        raise InputError(f"cannot parse: {error.msg}", Location(str(path), error.lineno, error.offset),
                         hint="rebuild the release (cubakg build)") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None


# -- SPARQL text ---------------------------------------------------------------------


def graph_ref(name: str | None) -> str:
    """A graph as SPARQL Update names it: `GRAPH <iri>`, or `DEFAULT`."""
    return f"GRAPH <{name}>" if name else "DEFAULT"


def ntriples(triples: list) -> bytes:
    """Triples as N-Triples, which is also valid Turtle and `INSERT DATA` content."""
    import pyoxigraph

    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)


def batches(items: list, size: int) -> list[list]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def gsp_url(store: str, graph: str) -> str:
    return f"{store}{'&' if '?' in store else '?'}{urllib.parse.urlencode({'graph': graph})}"


def fresh_graph() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


# -- the report --------------------------------------------------------------------------


@dataclass
class GraphCount:
    graph: str | None
    before: int | None  # triples in the target before the load (None: not counted)
    expected: int
    loaded: int | None = None  # triples counted after the step that failed or the swap

    @property
    def label(self) -> str:
        return self.graph or "(default graph)"


def count_table(counts: list[GraphCount], loaded_heading: str = "loaded") -> str:
    def cell(value: int | None) -> str:
        return "?" if value is None else str(value)

    width = max([len(c.label) for c in counts] + [len("graph")])
    lines = [f"{'graph':<{width}}  {'before':>9}  {'expected':>9}  {loaded_heading:>9}"]
    for count in counts:
        mark = "" if count.loaded == count.expected else "  MISMATCH"
        lines.append(f"{count.label:<{width}}  {cell(count.before):>9}  {count.expected:>9}  {cell(count.loaded):>9}{mark}")

    def total(values: list[int | None]) -> str:
        return "?" if None in values else str(sum(values))  # type: ignore[arg-type]

    lines.append(f"{'total':<{width}}  {total([c.before for c in counts]):>9}  "
                 f"{sum(c.expected for c in counts):>9}  {total([c.loaded for c in counts]):>9}")
    return "\n".join(lines)


@dataclass
class LoadReport:
    endpoint: str
    protocol: str  # what staged the triples: PROTOCOL_GSP or PROTOCOL_UPDATE
    via: str  # the URL staged through
    update: str  # the URL the swap went through
    counts: list[GraphCount]
    warnings: list[str] = field(default_factory=list)

    def table(self) -> str:
        return count_table(self.counts)

    def changes(self) -> str:
        """What the load changed on the endpoint, in one sentence."""
        return (f"changed: the {len(self.counts)} graph(s) above, replaced (before → loaded); "
                "the staging and backup graphs were removed; no other graph was touched")


class LoadInterrupted(KeyboardInterrupt):
    """Ctrl-C during a load; `outcome` says what the endpoint holds now."""

    def __init__(self, outcome: str) -> None:
        super().__init__(outcome)
        self.outcome = outcome


# -- loading -------------------------------------------------------------------------------


@dataclass
class Slot:
    """One target graph and the two graphs the load uses for it."""

    target: TargetGraph
    staging: str = field(default_factory=fresh_graph)
    backup: str = field(default_factory=fresh_graph)
    before: int | None = None


class Loader:
    def __init__(self, client: EndpointClient, urls: Endpoints, targets: list[TargetGraph], protocol: str,
                 batch_size: int, progress: Progress | None) -> None:
        self.client = client
        self.urls = urls
        self.slots = [Slot(target) for target in targets]
        self.protocol = protocol
        self.batch_size = batch_size
        self.progress = progress or (lambda message: None)
        self.counts_after_swap: list[GraphCount] = []

    # -- requests ----------------------------------------------------------------
    def update(self, text: str) -> None:
        assert self.urls.update
        with failing_option("update"):
            self.client.request("POST", self.urls.update, content=text.encode("utf-8"),
                                headers={"Content-Type": "application/sparql-update; charset=utf-8"})

    def select_counts(self, query: str) -> list[tuple[str | None, int]]:
        """(?g, ?n) of each row of a counting SELECT (?g absent: None)."""
        with failing_option("endpoint"):
            response = self.client.request("POST", self.urls.query, data={"query": query},
                                           headers={"Accept": "application/sparql-results+json"})
            try:
                rows = json.loads(response.content)["results"]["bindings"]
                return [(row["g"]["value"] if "g" in row else None, int(row["n"]["value"])) for row in rows if "n" in row]
            except (ValueError, KeyError, TypeError):
                raise EndpointError(
                    f"{self.urls.query}: the answer to a COUNT query is not SPARQL JSON results",
                    reason="not_sparql", url=self.urls.query,
                    hint="the URL must be the store's SPARQL query endpoint (e.g. …/query, /ds/sparql, /repositories/ID)",
                ) from None

    def counts(self, graphs: list[str | None]) -> dict[str | None, int]:
        """How many triples each graph holds on the endpoint (None: the default graph); a few queries for all."""
        found: dict[str | None, int] = dict.fromkeys(graphs, 0)
        if None in found:
            found[None] = sum(n for _, n in self.select_counts("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        named = [g for g in graphs if g is not None]
        for start in range(0, len(named), COUNTS_PER_QUERY):
            # One counting subquery per graph: `VALUES ?g {…} GRAPH ?g {…} GROUP BY ?g` says the same,
            # but Virtuoso 7.2 plans it badly (seconds where this takes milliseconds).
            found.update(self.select_counts("SELECT ?g ?n WHERE {\n" + "\n  UNION ".join(
                f"{{ {{ SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} }} BIND(<{g}> AS ?g) }}"
                for g in named[start:start + COUNTS_PER_QUERY]
            ) + "\n}"))
        return found

    def target_counts(self) -> list[GraphCount]:
        now = self.counts([s.target.name for s in self.slots])
        return [GraphCount(s.target.name, s.before, len(s.target.triples), now[s.target.name]) for s in self.slots]

    # -- the steps --------------------------------------------------------------------
    def run(self) -> LoadReport:
        before = self.counts([slot.target.name for slot in self.slots])
        for slot in self.slots:
            slot.before = before[slot.target.name]
        self.probe()
        try:
            protocol, via = self.stage()
            self.check_staging()
        except BaseException as error:  # KeyboardInterrupt too: the staging graphs must go
            raise self.untouched(error) from None
        self.swap()
        return LoadReport(self.urls.query, protocol, via, self.urls.update or "", self.counts_after_swap,
                          self.drop_quietly([slot.backup for slot in self.slots], "backup"))

    def probe(self) -> None:
        """Check that the Update URL takes updates; refuse a default graph that is a union of graphs."""
        probe = fresh_graph()
        self.update(f'INSERT DATA {{ GRAPH <{probe}> {{ <{probe}> <{PROBE_PREDICATE}> "probe" }} }}')
        try:
            if any(slot.target.name is None for slot in self.slots):
                seen = self.select_counts(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{probe}> ?p ?o }}")
                if any(n for _, n in seen):
                    raise OptionError(
                        f"the default graph of {self.urls.query} is the union of its named graphs (as in Virtuoso, "
                        "GraphDB, or Oxigraph serving a union default graph): triples loaded into it would be "
                        "counted with every other graph's, so the load could not be checked. Nothing was changed",
                        "layout", hint="load into named graphs instead: one per article, or one graph of your choice",
                    )
        finally:
            self.update(f"DROP SILENT GRAPH <{probe}>")

    def stage(self) -> tuple[str, str]:
        """Write every target's triples into its staging graph; returns (protocol, URL) used."""
        if self.protocol == PROTOCOL_GSP and not self.urls.store:
            raise OptionError("no Graph Store URL was given, and none can be derived from the endpoint URL", "store")
        if self.protocol != PROTOCOL_UPDATE and self.urls.store:
            first = self.slots[0]
            answered = self.gsp_write("PUT", first, first.target.triples[: self.batch_size],
                                      tolerate=NO_GSP_STATUSES if self.protocol == PROTOCOL_AUTO else frozenset())
            if answered not in NO_GSP_STATUSES:
                for slot in self.slots:
                    self.stage_gsp(slot, skip_first_batch=slot is first)
                return PROTOCOL_GSP, self.urls.store
            self.progress(f"no Graph Store at {self.urls.store} (HTTP {answered}); staging with SPARQL Update")
        for slot in self.slots:
            self.stage_update(slot)
        assert self.urls.update
        return PROTOCOL_UPDATE, self.urls.update

    def gsp_write(self, method: str, slot: Slot, triples: list, tolerate: frozenset[int] = frozenset()) -> int:
        assert self.urls.store
        with failing_option("store"):
            response = self.client.request(
                method, gsp_url(self.urls.store, slot.staging), content=ntriples(triples),
                headers={"Content-Type": "text/turtle; charset=utf-8"}, tolerate=tolerate,
            )
        return response.status_code

    def stage_gsp(self, slot: Slot, skip_first_batch: bool) -> None:
        """PUT the first batch (which creates the graph), POST the others."""
        parts = batches(slot.target.triples, self.batch_size)
        for index, part in enumerate(parts):
            if not (index == 0 and skip_first_batch):
                self.gsp_write("PUT" if index == 0 else "POST", slot, part)
            self.progress(f"staging {slot.target.label}: batch {index + 1}/{len(parts)} ({len(slot.target.triples)} triples)")

    def stage_update(self, slot: Slot) -> None:
        parts = batches(slot.target.triples, self.batch_size)
        for index, part in enumerate(parts):
            self.update(f"INSERT DATA {{ GRAPH <{slot.staging}> {{\n{ntriples(part).decode('utf-8')}}} }}")
            self.progress(f"staging {slot.target.label}: batch {index + 1}/{len(parts)} ({len(slot.target.triples)} triples)")

    def check_staging(self) -> None:
        self.progress("counting the staged triples on the endpoint")
        staged = self.counts([s.staging for s in self.slots])
        counts = [GraphCount(s.target.name, s.before, len(s.target.triples), staged[s.staging]) for s in self.slots]
        if any(c.loaded != c.expected for c in counts):
            raise NonConformingError(
                f"the endpoint {self.urls.query} does not hold what was staged (expected and staged triples differ)",
                details=count_table(counts, "staged") + "\n  hint: look for a proxy or store that drops or adds "
                "triples (the store's log may say why), then load again",
            )

    def swap(self) -> None:
        """Put each target aside in its backup and each staging graph in its place; undo it on any failure.

        ADD and DROP rather than MOVE: the same result, and about half the work in Oxigraph.
        """
        requests, steps = [], []
        for slot in self.slots:
            target = graph_ref(slot.target.name)
            if slot.before:
                steps += [f"ADD {target} TO GRAPH <{slot.backup}>", f"DROP SILENT {target}"]
            steps += [f"ADD GRAPH <{slot.staging}> TO {target}", f"DROP SILENT GRAPH <{slot.staging}>"]
            if len(steps) >= SWAP_STEPS_PER_REQUEST:
                requests.append(steps)
                steps = []
        requests += [steps] if steps else []
        try:
            for number, request in enumerate(requests, 1):
                self.progress(f"swapping the staged graphs in: request {number}/{len(requests)}")
                self.update(" ;\n".join(request))
        except EndpointError as error:
            if error.reason == "timeout":  # the store may still be at it: undoing now would race it
                raise with_outcome(error, "The swap may still be running on the store: when it is done, the "
                                   "targets hold the release (count them to see). " + manual_recovery(self.slots)) from None
            raise self.restored(error) from None
        except BaseException as error:
            raise self.restored(error) from None
        try:
            self.progress("counting the loaded triples on the endpoint")
            self.counts_after_swap = self.target_counts()
            # A staging graph still holding triples was not moved in, whatever the counts say.
            staged = self.counts([s.staging for s in self.slots])
            unmoved = [s.target.label for s in self.slots if staged[s.staging]]
        except BaseException as error:
            raise self.restored(error) from None
        if unmoved:
            raise self.restored(NonConformingError(
                f"the endpoint {self.urls.update} accepted the swap, but did not move every staging graph in "
                f"(still staged: {', '.join(unmoved)})",
                details=count_table(self.counts_after_swap)
                + "\n  hint: check that the Update URL is the store's SPARQL Update endpoint, then load again",
            )) from None
        if any(c.loaded != c.expected for c in self.counts_after_swap):
            mismatch = NonConformingError(
                f"the endpoint {self.urls.query} does not hold what was loaded (expected and loaded triples differ)",
                details=count_table(self.counts_after_swap)
                + "\n  hint: look for concurrent writers, or a store that changes triples, then load again",
            )
            raise self.restored(mismatch) from None

    # -- after a failure --------------------------------------------------------------------
    def untouched(self, error: BaseException) -> BaseException:
        """`error`, saying that the targets were not touched and whether the staging graphs are gone."""
        left = self.drop_quietly([slot.staging for slot in self.slots], "staging")
        return with_outcome(error, "Nothing was changed: the target graphs are as they were; "
                            + ("the staging graphs were removed." if not left else " ".join(left)))

    def restored(self, error: BaseException) -> BaseException:
        """Put every target back as it was before the swap, as far as the endpoint lets us; `error`,
        saying what the endpoint now holds."""
        try:
            undo = []
            backups = self.counts([slot.backup for slot in self.slots])
            for slot in self.slots:
                target = graph_ref(slot.target.name)
                if not slot.before:  # it was empty: whatever arrived goes
                    undo.append(f"DROP SILENT {target}")
                elif backups[slot.backup] == slot.before:  # set aside whole: from here on it may have changed
                    undo += [f"DROP SILENT {target}", f"ADD GRAPH <{slot.backup}> TO {target}"]
                # else the swap never reached it (a backup is written before its target is touched)
            if undo:
                self.update(" ;\n".join(undo))
            now = self.target_counts()
        except CubakgError as failure:
            return with_outcome(error, "The target graphs may have been changed, and could not be checked or "
                                f"restored ({failure.message}). " + manual_recovery(self.slots))
        if any(c.loaded != c.before for c in now):
            return with_outcome(error, "The target graphs could not all be restored:\n"
                                + count_table(now, "now") + "\n" + manual_recovery(self.slots))
        left = self.drop_quietly([g for slot in self.slots for g in (slot.staging, slot.backup)], "staging or backup")
        return with_outcome(error, "Nothing was changed: every target graph holds what it held before the load; "
                            + ("the staging and backup graphs were removed." if not left else " ".join(left)))

    def drop_quietly(self, graphs: list[str], kind: str) -> list[str]:
        """Drop `graphs`; sentences about any that could not be dropped."""
        try:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in graphs))
        except CubakgError as failure:
            names = " ".join(f"<{graph}>" for graph in graphs)
            return [f"The {kind} graphs could not be removed ({failure.message}); "
                    f"drop them with SPARQL Update: DROP SILENT GRAPH … for each of {names}."]
        return []


def manual_recovery(slots: list[Slot]) -> str:
    pairs = "; ".join(f"{slot.target.label}: backup <{slot.backup}>, staging <{slot.staging}>" for slot in slots)
    return ("To restore by hand, for each target graph whose backup holds triples run `DROP SILENT <target> ; "
            f"ADD GRAPH <backup> TO <target>`, then drop the staging and backup graphs: {pairs}.")


def with_outcome(error: BaseException, outcome: str) -> BaseException:
    """`error` with `outcome` added to its message (a Ctrl-C becomes a LoadInterrupted carrying it)."""
    if isinstance(error, CubakgError):
        error.message += f"\n  {outcome}"
        return error
    if isinstance(error, KeyboardInterrupt):
        return LoadInterrupted(outcome)
    return error


class failing_option:
    """Tags EndpointErrors raised inside with the input that gave their URL."""

    def __init__(self, option: str) -> None:
        self.option = option

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, _traceback) -> bool:  # noqa: ANN001
        if isinstance(error, EndpointError) and error.option is None:
            error.option = self.option
        return False


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
    """Stage, count and swap in the release; raise, with the store as it was, unless it all arrived."""
    if protocol not in PROTOCOLS:
        raise OptionError(f"the protocol must be one of {', '.join(PROTOCOLS)}, got {protocol!r}", "protocol")
    if timeout <= 0:
        raise OptionError(f"the timeout must be positive, got {timeout:g}", "timeout")
    if batch_size <= 0:
        raise OptionError(f"the batch size must be positive, got {batch_size}", "batch_size")
    if layout == LAYOUT_GRAPH:
        check_graph_iri(graph_iri or "")
    urls = derive_endpoints(endpoint, store, update)
    if not urls.update:
        raise OptionError(
            f"cannot derive the SPARQL Update URL from {endpoint} (its path does not end in /query or /sparql); "
            "the load needs it to swap the staged graphs in",
            "update", hint="docs/loading.md lists the URLs of Oxigraph, Fuseki, GraphDB and Virtuoso",
        )
    targets = plan_targets(release_dir, layout, graph_iri)
    with EndpointClient(timeout, environ) as client:
        return Loader(client, urls, targets, protocol, batch_size, progress).run()
