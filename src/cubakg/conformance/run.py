"""The whole of `cubakg validate` as functions: read, validate, check, decide.

- `validate(Options)`: what the command does (files, directories, standard input);
- `validate_quads(data, shapes, ontology)`: the same engine on data already parsed
  (the build uses it).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

from cubakg import resources
from cubakg.conformance.inputs import Source
from cubakg.conformance.results import Result
from cubakg.errors import InputError, Location, UsageError
from cubakg.namespaces import OWL, RDF, RDFS, SH

ONTOLOGY_GRAPH = "urn:cubakg:validate:ontology"  # the whole ontology: which ckg: terms exist
AXIOMS_GRAPH = "urn:cubakg:validate:ontology-axioms"  # what pyshacl's -e mixes into the data
RELEASE_GRAPH = "urn:cubakg:validate:release"
SEVERITIES = {"violation": SH + "Violation", "warning": SH + "Warning", "info": SH + "Info"}
# A result fails the run when its rank is at least the rank of --severity.
RANK = {SH + "Violation": 3, SH + "Warning": 2, SH + "Info": 1}


@dataclass
class Options:
    paths: list[str]
    input_format: str | None = None
    shapes: list[str] = field(default_factory=list)
    with_graph: bool = False
    severity: str = "violation"
    keep_data: bool = False  # the Outcome holds the validated data (its store) in `dataset`


@dataclass
class Outcome:
    """What a validation found.

    `results` are the SHACL results (the sh:ValidationReport's); `checks` the findings
    of the extra checks, reported beside it. `conforms` is SHACL's sh:conforms (no
    SHACL result at all, §3.6.1); `passes` decides the exit code: no result or
    finding at or above the `fail_on` severity.
    """

    sources: list[Source]
    results: list[Result]
    notes: list[str]
    fail_on: str = "violation"
    checks: list[Result] = field(default_factory=list)
    data: dict = field(default_factory=dict)  # source label → bytes, for line numbers
    shapes_graph: object = None
    dataset: object = field(default=None, repr=False)  # the validated data, with Options.keep_data

    @property
    def triples(self) -> int:
        return sum(source.triples for source in self.sources)

    @property
    def everything(self) -> list[Result]:
        return self.results + self.checks

    def count(self, severity: str) -> int:
        return sum(1 for result in self.everything if result.severity == SH + severity)

    @property
    def conforms(self) -> bool:
        return not self.results

    @property
    def passes(self) -> bool:
        threshold = RANK[SEVERITIES[self.fail_on]]
        return not any(RANK.get(result.severity, 3) >= threshold for result in self.everything)

    def report_turtle(self, report_iri: str | None = None) -> str:
        """The sh:ValidationReport as deterministic Turtle (see report.report_triples)."""
        from cubakg.conformance.report import report_turtle

        return report_turtle(self, report_iri)


def packaged(path: Path, what: str) -> Path:
    if not path.is_file():
        raise InputError(f"the packaged {what} is missing", Location(str(path)),
                         hint="reinstall cubakg, or in a checkout make sure the file exists")
    return path


_SHAPES_CACHE: dict = {}
_CACHE_LOCK = threading.Lock()


def read_shapes(paths: list[Path]):
    """The shapes graph (shapes.Graph of terms as written): the files merged, parsed as safely as data."""
    from cubakg.conformance import inputs
    from cubakg.conformance.shapes import Graph

    graph = Graph()
    for path in paths:
        source = inputs.discover([str(path)], None)[0]
        if source.path is None:
            key = None  # standard input: read once, never cached
        else:
            stat = path.stat()
            key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        with _CACHE_LOCK:
            triples = _SHAPES_CACHE.get(key) if key else None
        if triples is None:
            data = inputs.guard(source, inputs.read_bytes(source))
            try:
                triples = [(q.subject, q.predicate, q.object) for q in
                           pyoxigraph.parse(data, format=source.format, base_iri=inputs.base_iri(source))]
            except SyntaxError as error:
                raise inputs.syntax_error(source, error, data) from None
            except MemoryError:
                raise InputError("a token of the shapes file is longer than pyoxigraph reads", Location(source.label)) from None
            if key:
                with _CACHE_LOCK:
                    _SHAPES_CACHE[key] = triples
        for triple in triples:
            graph.add(triple)
    return graph


RDFS_AXIOM_PROPERTIES = {RDFS + name for name in (
    "comment", "domain", "isDefinedBy", "label", "member", "range", "seeAlso", "subClassOf", "subPropertyOf")}


def load_ontology(dataset, path: Path) -> None:
    """The ontology into ONTOLOGY_GRAPH, and its RDFS/OWL axioms into AXIOMS_GRAPH and
    beside the input in the views of the data (`Dataset.add_beside_input`).

    The axioms are what pyshacl copies into the data graph for `-e ontology`
    (class and property declarations, rdfs:subClassOf, domains, ranges …), so that
    both engines validate the same data.
    """
    store = dataset.store
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    whole = pyoxigraph.NamedNode(ONTOLOGY_GRAPH)
    axioms = pyoxigraph.NamedNode(AXIOMS_GRAPH)
    store.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object, whole) for q in quads)
    rdf_type = RDF + "type"
    by_subject: dict = {}
    for q in quads:
        by_subject.setdefault(q.subject, []).append(q)
    chosen, blanks = [], []
    for q in quads:
        predicate = q.predicate.value
        is_axiom = (predicate == rdf_type and isinstance(q.object, pyoxigraph.NamedNode)
                    and q.object.value.startswith((OWL, RDFS))) or predicate.startswith(OWL) or predicate in RDFS_AXIOM_PROPERTIES
        if is_axiom:
            chosen.append(q)
            blanks += [t for t in (q.subject, q.object) if isinstance(t, pyoxigraph.BlankNode)]
    seen = set()
    while blanks:  # blank nodes (lists, restrictions) come with everything below them
        node = blanks.pop()
        if node in seen:
            continue
        seen.add(node)
        for q in by_subject.get(node, []):
            chosen.append(q)
            if isinstance(q.object, pyoxigraph.BlankNode):
                blanks.append(q.object)
    store.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object, axioms) for q in chosen)
    dataset.add_beside_input(chosen, axioms)


def load_release(loader) -> None:
    """The published graph (all its named graphs merged) into RELEASE_GRAPH, terms as written."""
    path = resources.RELEASE_DIR / resources.GRAPH_TRIG
    if not path.is_file():
        raise InputError("--with-graph needs the published graph, which is not there", Location(str(path)),
                         hint="build it with `cubakg build` (in a checkout), or install a cubakg that ships it")
    loader.add_quads(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TRIG), group=RELEASE_GRAPH)


def about_the_input(store, results: list[Result], input_graphs: list) -> list[Result]:
    """The results whose focus node the input mentions (as subject or object), blank nodes kept."""
    named = sorted({str(r.focus) for r in results if type(r.focus) is not pyoxigraph.BlankNode})
    mentioned = set()
    for start in range(0, len(named), 5000):
        rows = store.query(
            f"SELECT ?f WHERE {{ VALUES ?f {{ {' '.join(named[start:start + 5000])} }} "
            "FILTER(EXISTS { ?f ?p ?o } || EXISTS { ?s ?q ?f }) }", default_graph=input_graphs)
        mentioned.update(str(row["f"]) for row in rows)
    return [r for r in results if type(r.focus) is pyoxigraph.BlankNode or str(r.focus) in mentioned]


# Below this many triples a second process costs more than it saves.
PARALLEL_FROM = 20_000


def run_engine(shapes_graph, dataset, notes: list[str], beside=None, fork: bool = True) -> tuple[list[Result], object]:
    """The SHACL results — the engine, and pyshacl for the shapes beyond SHACL Core and SHACL-SPARQL
    constraints — and what `beside()` returns (the extra checks), run in a second process with part
    of the shapes where the data is large (unless `fork` is False: call it so from a thread, as a
    process with threads must not fork)."""
    from cubakg.conformance import parallel
    from cubakg.conformance.engine import Engine, ShapesError
    from cubakg.conformance.sparql import refuse_remote_queries

    refuse_remote_queries(shapes_graph)
    beside = beside or (lambda: None)
    engine = Engine(shapes_graph, dataset)
    try:
        jobs, fallback = engine.plan()
        if fork and dataset.size >= PARALLEL_FROM and len(jobs) > 1 and parallel.available():
            # Both processes take the next shape not yet taken; the second one first runs the checks.
            counter = parallel.Counter()

            def theirs():
                extra = beside()
                return engine.run(jobs, counter.take), extra

            found, (their_results, extra) = parallel.both(lambda: engine.run(jobs, counter.take), theirs)
            results = engine.finish(found + their_results)
        else:
            results, extra = engine.finish(engine.run(jobs)), beside()
    except ShapesError as error:
        raise InputError(f"the shapes cannot be used: {error}", hint="fix the shapes graph (SHACL §2)") from None
    if fallback:
        from cubakg.conformance.fallback import run_pyshacl

        for node, reason in fallback:
            notes.append(f"shape {node} uses {reason}, which the engine does not run itself: pyshacl validated it")
        results += run_pyshacl(dataset, shapes_graph, [node for node, _ in fallback], notes)
    return results, extra


def validate(options: Options, progress=None) -> Outcome:
    """Validate the inputs; raise CubakgError for what cannot be read or is asked wrongly."""
    from cubakg.conformance import checks, inputs
    from cubakg.conformance.dataset import Loader

    say = progress or (lambda message: None)
    if options.severity not in SEVERITIES:
        raise UsageError(f"unknown --severity {options.severity!r}", hint="use violation, warning or info")
    if not options.paths:
        raise UsageError("no input given", hint="name files or directories to validate, or - for standard input")
    sources = inputs.discover(options.paths, options.input_format)
    if sum(1 for source in sources if source.path is None) > 1:
        raise UsageError("standard input (-) can be read only once")

    loader = Loader(union=True)
    data: dict = {}
    for source in sources:
        say(f"reading {source.label}")
        content = inputs.load(loader, source)
        if source.line_based:
            data[source.label] = content
    if options.with_graph:
        say("reading the published graph")
        load_release(loader)
    dataset = loader.finish()
    shapes_graph = read_shapes([packaged(resources.SHAPES_FILE, "shapes file")] + [Path(p) for p in options.shapes])
    store = dataset.store
    load_ontology(dataset, packaged(resources.ONTOLOGY_FILE, "ontology"))

    say("validating")

    def extra_checks() -> list[Result]:  # they read only the input (a view made where they run: the second process)
        return checks.run_checks(store, {"default_graph": dataset.input_view()}, f"<{ONTOLOGY_GRAPH}>", dataset,
                                 options.with_graph)

    notes: list[str] = []
    results, found = run_engine(shapes_graph, dataset, notes, beside=extra_checks)
    if options.with_graph:
        results = about_the_input(store, results, dataset.input_view())
        notes.append("with --with-graph, results about nodes the input does not mention are left out "
                     "(the release itself is validated when it is built)")
    return Outcome(sources=sources, results=results, checks=found, notes=notes, fail_on=options.severity, data=data,
                   shapes_graph=shapes_graph, dataset=dataset if options.keep_data else None)


def validate_quads(data, shapes=None, ontology=None, *, checks: bool = False, fail_on: str = "violation") -> Outcome:
    """Validate data already parsed against SHACL shapes with cubakg's engine.

    - `data`: an iterable of pyoxigraph Quads or Triples (terms kept exactly as
      given: the fast and exact way), an rdflib Graph (converted through
      N-Triples; slower), or a pyoxigraph.Store (its quads, all graphs merged; the
      store is not changed; but a store has already rewritten literals by value,
      "5"^^xsd:nonNegativeInteger to "5"^^xsd:integer, so pass the quads instead
      where terms matter).
    - `shapes`: a path, a list of paths, or a `shapes.Graph` (default: the packaged
      shapes/cubakg.shapes.ttl).
    - `ontology`: a path whose RDFS/OWL axioms join the data, as `pyshacl -e` does
      (default: the packaged ontology; pass False for none).
    - `checks`: also run the extra checks (undefined ckg: terms, dangling id/ IRIs,
      ill-typed literals), reported in `Outcome.checks`.

    Returns an `Outcome`: `.results` (each with focus, path, value, shape, component,
    severity, message), `.conforms` (sh:conforms), `.passes` (nothing at or above
    `fail_on`), and `.report_turtle(report_iri)`: a deterministic sh:ValidationReport
    (results sorted; with `report_iri`, results are IRIs under it and no blank node
    is written but those of blank shapes and paths, with stable labels).

    >>> import pyoxigraph
    >>> quads = pyoxigraph.parse(b"<http://e/a> a <https://schema.org/NewsArticle> .", pyoxigraph.RdfFormat.TURTLE)
    >>> outcome = validate_quads(quads)     # doctest: +SKIP
    >>> outcome.conforms                    # doctest: +SKIP
    False
    """
    from cubakg.conformance.dataset import Loader
    from cubakg.conformance.shapes import Graph

    loader = Loader(union=True)
    if isinstance(data, pyoxigraph.Store):
        dump = data.dump(format=pyoxigraph.RdfFormat.N_QUADS)
        loader.add_bytes(dump, pyoxigraph.RdfFormat.N_QUADS)
    elif hasattr(data, "serialize") and hasattr(data, "triples"):  # an rdflib graph
        loader.add_bytes(data.serialize(format="nt", encoding="utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)
    else:
        loader.add_quads(pyoxigraph.Quad(q.subject, q.predicate, q.object) for q in data)
    dataset = loader.finish()
    if isinstance(shapes, Graph):
        shapes_graph = shapes
    else:
        listed = [shapes] if isinstance(shapes, (str, Path)) else list(shapes or [resources.SHAPES_FILE])
        shapes_graph = read_shapes([Path(p) for p in listed])
    if ontology is not False:
        load_ontology(dataset, Path(ontology) if ontology else packaged(resources.ONTOLOGY_FILE, "ontology"))
    notes: list[str] = []

    def extra_checks() -> list[Result]:
        if not checks:
            return []
        from cubakg.conformance import checks as extra

        return extra.run_checks(dataset.store, {"default_graph": dataset.input_view()}, f"<{ONTOLOGY_GRAPH}>",
                                dataset, False)

    results, found = run_engine(shapes_graph, dataset, notes, beside=extra_checks)
    return Outcome(sources=[], results=results, checks=found, notes=notes, fail_on=fail_on, shapes_graph=shapes_graph)
