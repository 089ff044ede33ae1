"""Stage 6, validate: the SHACL shapes over the built quads, with the engine of
`cubakg validate`; a violation fails the build.

Warnings (sh:Warning) are reported but do not fail. The results become the
release's `shacl-report.ttl` (see `report_quads`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from cubakg import mint
from cubakg.namespaces import RDF_TYPE, SH, XSD, compact
from cubakg.read import Ontology
from cubakg.terms import Quad, iri, text, typed

VIOLATION, WARNING = SH + "Violation", SH + "Warning"


@dataclass(frozen=True)
class Finding:
    """One SHACL result, as terms of the report (N-Triples) and words for a person."""

    focus: str  # N-Triples term
    severity: str  # IRI
    message: str
    path: str | None  # N-Triples term: an IRI, or a literal with the path in SPARQL syntax
    value: str | None  # N-Triples term
    shape: str | None  # N-Triples term
    component: str  # IRI

    @property
    def key(self) -> tuple:
        return (self.focus, self.severity, self.path or "", self.component, self.value or "", self.shape or "", self.message)


@dataclass(frozen=True)
class ShaclOutcome:
    findings: list[Finding]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == VIOLATION]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def conforms(self) -> bool:
        """No violation (warnings and infos do not fail a build)."""
        return not self.violations


def nquads(quads: list[Quad]) -> bytes:
    """The quads as N-Quads text (objects are already N-Triples terms), in no particular order."""
    return "".join([f"<{s}> <{p}> {o} <{g}> .\n" for g, s, p, o in quads]).encode("utf-8")


@dataclass
class DataStore:
    """The built data in a pyoxigraph store, every term as written (conformance.dataset)."""

    store: object
    dataset: object  # conformance.dataset.Dataset

    def query(self, query: str):
        """A query on the data as a SPARQL store sees it (numbers by value; the ontology too, once checked)."""
        import pyoxigraph

        from cubakg.conformance.dataset import AS_WRITTEN

        graphs = [pyoxigraph.DefaultGraph(), *(g for g in self.store.named_graphs() if g != AS_WRITTEN)]
        return self.store.query(query, default_graph=graphs)


def load_store(data: list[Quad] | list[Path]) -> DataStore:
    """Quads, or N-Triples/N-Quads files, into a fresh in-memory store."""
    import pyoxigraph

    from cubakg.conformance.dataset import Loader

    loader = Loader()
    if data and isinstance(data[0], Path):
        for path in data:
            fmt = pyoxigraph.RdfFormat.N_TRIPLES if path.suffix == ".nt" else pyoxigraph.RdfFormat.N_QUADS
            loader.add_file(path, fmt)  # read as it goes, not whole
    else:
        loader.add_bytes(nquads(data), pyoxigraph.RdfFormat.N_QUADS)
    dataset = loader.finish()
    return DataStore(dataset.store, dataset)


def start_check(ntriples: Path, shapes_path: Path, ontology: Ontology):
    """Validate the union of the graphs (an N-Triples file) in another process, when one can
    be forked: pyoxigraph holds Python's lock while a query's answers are read, so only a
    process runs beside the build's own writing. The data is one default graph, so that no
    pattern has to be looked up in every article's graph. `.result()` gives the ShaclOutcome."""
    from cubakg import parallel

    return parallel.aside(_check, ntriples, shapes_path, ontology.path)


def _check(ntriples: Path, shapes_path: Path, ontology_path: Path) -> "ShaclOutcome":
    # One engine process: the build's own process, writing the files and the query store,
    # has the other core (a second engine process was no faster at 1,000 articles, and
    # held 0.8 GB more).
    return shacl_check(load_store([ntriples]), shapes_path, Ontology(ontology_path), fork=False)


def shacl_check(data: DataStore, shapes_path: Path, ontology: Ontology, fork: bool = False) -> ShaclOutcome:
    """Validate the union of the store's graphs against the shapes; the ontology supplies
    rdfs:subClassOf for class targets, as `cubakg validate` does."""
    from cubakg.conformance.run import load_ontology, read_shapes, run_engine

    dataset = data.dataset
    load_ontology(dataset, ontology.path)
    shapes_graph = read_shapes([shapes_path])
    # A second process only where asked: a process running threads must not fork.
    results, _ = run_engine(shapes_graph, dataset, [], fork=fork)
    findings = sorted({_finding(result, shapes_graph) for result in results}, key=lambda f: f.key)
    return ShaclOutcome(findings)


def _finding(result, shapes_graph) -> Finding:
    import pyoxigraph

    def shape_term(node):
        if node is None:
            return None
        if type(node) is pyoxigraph.NamedNode:
            return iri(node.value)
        # A blank shape (from a user's shapes file) has no stable name: describe it.
        return text(_describe(shapes_graph, node) if type(node) is pyoxigraph.BlankNode else str(node))

    path = None
    if result.path is not None:
        plain = result.path.startswith("<") and result.path.endswith(">") and " " not in result.path
        path = result.path if plain else text(result.path)
    return Finding(
        focus=str(result.focus), severity=result.severity, message=result.message or "",
        path=path, value=str(result.value) if result.value is not None else None,
        shape=shape_term(result.shape), component=str(result.component),
    )


def _describe(graph, node) -> str:
    """A blank node of the shapes graph as readable text: `[sh:path schema:author ; sh:minCount 1]`."""
    import pyoxigraph

    parts = []
    for predicate, obj in sorted(graph.predicate_objects(node), key=lambda pair: (pair[0].value, str(pair[1]))):
        value = (_describe(graph, obj) if type(obj) is pyoxigraph.BlankNode
                 else compact(obj.value) if type(obj) is pyoxigraph.NamedNode else str(obj))
        parts.append(f"{compact(predicate.value)} {value}")
    return "[" + " ; ".join(parts) + "]"


def report_triples(outcome: ShaclOutcome) -> list[tuple[str, str, str]]:
    """The build's sh:ValidationReport, with minted IRIs so it is the same every time."""
    root = mint.report_iri()
    triples = [(root, RDF_TYPE, iri(SH + "ValidationReport")),
               (root, SH + "conforms", typed("true" if outcome.conforms else "false", XSD + "boolean"))]
    for number, finding in enumerate(outcome.findings, 1):
        node = mint.report_result_iri(number)
        triples.append((root, SH + "result", iri(node)))
        values = [(RDF_TYPE, iri(SH + "ValidationResult")), (SH + "focusNode", finding.focus),
                  (SH + "resultSeverity", iri(finding.severity)), (SH + "resultMessage", text(finding.message)),
                  (SH + "sourceConstraintComponent", iri(finding.component)), (SH + "resultPath", finding.path),
                  (SH + "value", finding.value), (SH + "sourceShape", finding.shape)]
        triples += [(node, predicate, obj) for predicate, obj in values if obj is not None]
    return triples


def format_findings(findings: list[Finding]) -> str:
    """Results grouped by focus node, for a person."""
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.focus].append(finding)
    lines = []
    for focus in sorted(grouped):
        lines.append(_short(focus))
        for f in grouped[focus]:
            where = f" {_short(f.path)}" if f.path else ""
            value = f" = {_short(f.value)}" if f.value else ""
            severity = f.severity.rsplit("#", 1)[-1]
            lines.append(f"  {severity}{where}{value}: {f.message}  [{compact(f.component)}]")
    return "\n".join(lines)


def _short(term: str) -> str:
    return compact(term[1:-1]) if term.startswith("<") else term
