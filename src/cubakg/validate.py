"""Stage 6, validate: SHACL over the built graph; a violation fails the build.

Warnings (sh:Warning) are reported but do not fail. The report is published as
dist/shacl-report.ttl.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from cubakg.resources import NS_ID, NS_SHAPES


@dataclass(frozen=True)
class Finding:
    focus: str
    severity: str
    message: str
    path: str
    value: str
    shape: str
    component: str


@dataclass(frozen=True)
class ShaclOutcome:
    conforms: bool
    report: Graph
    findings: list[Finding]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]


def shacl_check(data: Graph, shapes: Graph, ontology: Graph) -> ShaclOutcome:
    """Validate `data` with pyshacl; the ontology supplies rdfs:subClassOf for class targets."""
    from pyshacl import validate

    graph = Graph()
    for triple in (*data, *ontology):
        graph.add(triple)
    _conforms, report, _text = validate(
        graph, shacl_graph=shapes, inference="none", inplace=True,
        allow_warnings=True, advanced=False, meta_shacl=False,
    )
    findings = sorted(_findings(report), key=lambda f: (f.focus, f.severity, f.path, f.component, f.value))
    conforms = not any(f.severity == "Violation" for f in findings)
    return ShaclOutcome(conforms, _stable_report(report, conforms), findings)


def _name(graph: Graph, node) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "(" + " ".join(f"{graph.qname(p) if isinstance(p, URIRef) else p} {_name(graph, o)}"
                              for p, o in sorted(graph.predicate_objects(node))) + ")"
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:
            return str(node)
    return node.n3()


def _findings(report: Graph):
    for result in report.subjects(RDF.type, SH.ValidationResult):
        value = report.value(result, SH.resultSeverity)
        yield Finding(
            focus=_name(report, report.value(result, SH.focusNode)),
            severity=str(value).rsplit("#", 1)[-1] if value else "Violation",
            message=str(report.value(result, SH.resultMessage) or ""),
            path=_name(report, report.value(result, SH.resultPath)),
            value=_name(report, report.value(result, SH.value)),
            shape=_name(report, report.value(result, SH.sourceShape)),
            component=_name(report, report.value(result, SH.sourceConstraintComponent)),
        )


def _stable_report(report: Graph, conforms: bool) -> Graph:
    """The report with minted IRIs in place of blank nodes, so it serialises the same every time.

    Results become id:report/build/result/{n}; a result nested under another by
    sh:detail (from sh:node) keeps that link and is not a top-level sh:result.
    IRIs are copied as they are: sh:sourceShape names a shape of
    shapes/cubakg.shapes.ttl, where every shape a report can name has an IRI.
    Other blank nodes, which have no stable name, are written as readable
    literals: a complex sh:resultPath, a SPARQL constraint (sh:sourceConstraint),
    and the blank-node shapes of a shapes file a user supplies.
    """
    from cubakg.emit import PREFIXES

    stable = Graph(bind_namespaces="none")
    for prefix, namespace in (("rdf", RDF), ("sh", SH), ("cks", NS_SHAPES), *PREFIXES.items()):
        stable.bind(prefix, namespace)
    root = URIRef(f"{NS_ID}report/build")
    stable.add((root, RDF.type, SH.ValidationReport))
    stable.add((root, SH.conforms, Literal(conforms)))
    results = sorted(report.subjects(RDF.type, SH.ValidationResult),
                     key=lambda r: sorted((str(p), _name(report, o)) for p, o in report.predicate_objects(r)))
    minted = {result: URIRef(f"{root}/result/{number}") for number, result in enumerate(results, 1)}
    nested = set(report.objects(None, SH.detail))
    for result, node in minted.items():
        if result not in nested:
            stable.add((root, SH.result, node))
        for predicate, obj in report.predicate_objects(result):
            if obj in minted:
                obj = minted[obj]
            elif isinstance(obj, BNode):
                obj = Literal(_name(report, obj))
            stable.add((node, predicate, obj))
    return stable


def format_findings(findings: list[Finding]) -> str:
    """Results grouped by focus node, for a person."""
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.focus].append(finding)
    lines = []
    for focus in sorted(grouped):
        lines.append(f"{focus}")
        for f in grouped[focus]:
            where = f" {f.path}" if f.path else ""
            value = f" = {f.value}" if f.value else ""
            lines.append(f"  {f.severity}{where}{value}: {f.message}  [{f.component}]")
    return "\n".join(lines)
