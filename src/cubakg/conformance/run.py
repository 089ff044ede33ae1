"""The whole of `cubakg validate` as a function: read, validate, check, decide."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cubakg import resources
from cubakg.conformance.inputs import Source
from cubakg.conformance.shacl import SH, Result
from cubakg.errors import InputError, Location, UsageError

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


@dataclass
class Outcome:
    sources: list[Source]
    results: list[Result]
    notes: list[str]
    fail_on: str
    data: dict = field(default_factory=dict)  # source label → bytes, for line numbers
    shapes_graph: object = None

    @property
    def triples(self) -> int:
        return sum(source.triples for source in self.sources)

    def count(self, severity: str) -> int:
        return sum(1 for result in self.results if result.severity == SH + severity)

    @property
    def conforms(self) -> bool:
        threshold = RANK[SEVERITIES[self.fail_on]]
        return not any(RANK.get(result.severity, 3) >= threshold for result in self.results)


def packaged(path: Path, what: str) -> Path:
    if not path.is_file():
        raise InputError(f"the packaged {what} is missing", Location(str(path)),
                         hint="reinstall cubakg, or in a checkout make sure the file exists")
    return path


def read_shapes(paths: list[Path]):
    """The shapes graph: our shapes plus any --shapes files, parsed as safely as the data."""
    import pyoxigraph
    from rdflib import Graph

    from cubakg.conformance import inputs

    graph = Graph()
    for path in paths:
        source = inputs.discover([str(path)], None)[0]
        data = inputs.guard(source, inputs.read_bytes(source))
        try:
            quads = pyoxigraph.parse(data, format=getattr(pyoxigraph.RdfFormat, inputs.FORMATS[source.format][0]),
                                     base_iri=inputs.base_iri(source))
            text = pyoxigraph.serialize((pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads),
                                        format=pyoxigraph.RdfFormat.N_TRIPLES)
        except SyntaxError as error:
            raise inputs.syntax_error(source, error) from None
        graph.parse(data=text, format="nt")
    return graph


RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS_AXIOM_PROPERTIES = {RDFS + name for name in (
    "comment", "domain", "isDefinedBy", "label", "member", "range", "seeAlso", "subClassOf", "subPropertyOf")}


def load_ontology(store, path: Path) -> None:
    """The ontology into ONTOLOGY_GRAPH, and its RDFS/OWL axioms into AXIOMS_GRAPH.

    The axioms are what pyshacl copies into the data graph for `-e ontology`
    (class and property declarations, rdfs:subClassOf, domains, ranges …), so that
    both engines validate the same data.
    """
    import pyoxigraph

    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    whole = pyoxigraph.NamedNode(ONTOLOGY_GRAPH)
    axioms = pyoxigraph.NamedNode(AXIOMS_GRAPH)
    store.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object, whole) for q in quads)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
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


def load_release(store) -> None:
    """The published graph (all its named graphs merged) into RELEASE_GRAPH."""
    import pyoxigraph

    path = resources.RELEASE_DIR / resources.GRAPH_TRIG
    if not path.is_file():
        raise InputError("--with-graph needs the published graph, which is not there", Location(str(path)),
                         hint="build it with `cubakg build` (in a checkout), or install a cubakg that ships it")
    graph = pyoxigraph.NamedNode(RELEASE_GRAPH)
    store.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object, graph)
                 for q in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TRIG))


def as_written(result: Result, originals) -> Result:
    """Show a folded literal value as the input wrote it ("5"^^xsd:int, not "5"^^xsd:integer)."""
    import dataclasses

    import pyoxigraph

    value = result.value
    if not isinstance(value, pyoxigraph.Literal) or value.datatype is None or not value.datatype.value.endswith("#integer"):
        return result
    predicate = pyoxigraph.NamedNode(result.path[1:-1]) if result.path and result.path.startswith("<") and result.path.endswith(">") and "> " not in result.path else None
    written = originals.written(result.focus, predicate, value)
    if len(written) == 1:
        return dataclasses.replace(result, value=next(iter(written)))
    return result


def about_the_input(store, results: list[Result], input_graphs: list) -> list[Result]:
    """The results whose focus node the input mentions (as subject or object), blank nodes kept."""
    from cubakg.conformance.shacl import oxigraph_to_sparql

    named = {oxigraph_to_sparql(r.focus) for r in results} - {None}
    mentioned = set()
    listed = sorted(named)
    for start in range(0, len(listed), 5000):
        rows = store.query(
            f"SELECT ?f WHERE {{ VALUES ?f {{ {' '.join(listed[start:start + 5000])} }} "
            "FILTER(EXISTS { ?f ?p ?o } || EXISTS { ?s ?q ?f }) }", default_graph=input_graphs)
        mentioned.update(oxigraph_to_sparql(row["f"]) for row in rows)
    return [r for r in results if oxigraph_to_sparql(r.focus) is None or oxigraph_to_sparql(r.focus) in mentioned]


def quiet_rdflib() -> None:
    """rdflib logs a traceback for every ill-typed literal it reads: those are our findings, not errors."""
    import logging

    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


def validate(options: Options, progress=None) -> Outcome:
    """Validate the inputs; raise CubakgError for what cannot be read or is asked wrongly."""
    import pyoxigraph

    from cubakg.conformance import checks, inputs
    from cubakg.conformance.shacl import Engine

    say = progress or (lambda message: None)
    quiet_rdflib()
    if options.severity not in SEVERITIES:
        raise UsageError(f"unknown --severity {options.severity!r}", hint="use violation, warning or info")
    if not options.paths:
        raise UsageError("no input given", hint="name files or directories to validate, or - for standard input")
    sources = inputs.discover(options.paths, options.input_format)
    if sum(1 for source in sources if source.path is None) > 1:
        raise UsageError("standard input (-) can be read only once")
    shapes_graph = read_shapes([packaged(resources.SHAPES_FILE, "shapes file")] + [Path(p) for p in options.shapes])

    store = pyoxigraph.Store()
    originals = inputs.Originals()
    data: dict = {}
    for source in sources:
        say(f"reading {source.label}")
        content = inputs.load(store, source, originals)
        if source.line_based:
            data[source.label] = content
    input_graphs = [pyoxigraph.DefaultGraph()] + list(store.named_graphs())
    load_ontology(store, packaged(resources.ONTOLOGY_FILE, "ontology"))
    validated_graphs = input_graphs + [pyoxigraph.NamedNode(AXIOMS_GRAPH)]
    if options.with_graph:
        say("reading the published graph")
        load_release(store)
        validated_graphs.append(pyoxigraph.NamedNode(RELEASE_GRAPH))

    say("validating")
    # The checks read only the input: they run on threads beside the SHACL engine
    # (pyoxigraph releases the GIL while it evaluates a query).
    from concurrent.futures import ThreadPoolExecutor

    input_options = {"default_graph": input_graphs, "named_graphs": list(store.named_graphs())}
    checks_pool = ThreadPoolExecutor(max_workers=3)
    checks_running = [
        checks_pool.submit(checks.undefined_terms, store, input_options, f"<{ONTOLOGY_GRAPH}>"),
        checks_pool.submit(checks.dangling_references, store, input_options, options.with_graph),
        checks_pool.submit(checks.ill_typed_literals, store, input_options, originals),
    ]
    engine = Engine(shapes_graph, store, originals, query_options={"default_graph": validated_graphs})
    results, unsupported = engine.validate()
    notes = []
    if unsupported:
        from cubakg.conformance.fallback import run_pyshacl

        from rdflib import BNode

        names = [node for node, _ in unsupported]
        for node, reason in unsupported:
            notes.append(f"shape {node} uses {reason}, which the fast engine does not compile: pyshacl validated it")
        if any(isinstance(node, BNode) for node in names):
            results = run_pyshacl(store, validated_graphs, shapes_graph, None)
        else:
            results += run_pyshacl(store, validated_graphs, shapes_graph, names)

    if options.with_graph:
        results = about_the_input(store, results, input_graphs)
        notes.append("with --with-graph, results about nodes the input does not mention are left out "
                     "(the release itself is validated when it is built)")

    for future in checks_running:
        results += future.result()
    checks_pool.shutdown()
    return Outcome(sources=sources, results=results, notes=notes, fail_on=options.severity, data=data,
                   shapes_graph=shapes_graph)
