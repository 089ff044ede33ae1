"""pyshacl, for shapes beyond what the engine runs (SHACL-AF targets …), and report reading for tests.

`results_from_report` turns any sh:ValidationReport graph (pyshacl's, Jena's, ours)
into results, and `report_keys` into comparable keys, so that the tests and the
benchmark can check that engines agree.
"""

from __future__ import annotations

from collections import Counter

from cubakg.conformance.results import Result
from cubakg.namespaces import RDF, RDFS, SH

TARGETS = {SH + name for name in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")}


def to_rdflib_graph(triples):
    """pyoxigraph triples as an rdflib Graph (through N-Triples, terms kept as written)."""
    import pyoxigraph
    import rdflib

    data = pyoxigraph.serialize((pyoxigraph.Triple(*t) for t in triples), format=pyoxigraph.RdfFormat.N_TRIPLES)
    normalise = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        return rdflib.Graph().parse(data=data, format="nt")
    finally:
        rdflib.NORMALIZE_LITERALS = normalise


def run_pyshacl(dataset, shapes_graph, shape_nodes: list, notes: list | None = None) -> list[Result]:
    """pyshacl's results for the given top-level shapes (the other shapes lose their targets).

    rdflib has no RDF 1.2 triple terms: triples holding one are left out of pyshacl's data (a note says so).
    """
    import pyoxigraph
    from pyshacl import validate

    from cubakg.conformance.terms import written

    keep = set(shape_nodes)
    rdfs_class = pyoxigraph.NamedNode(RDFS + "Class")
    shapes = [(s, p, o) for s, p, o in shapes_graph.triples
              if s in keep or not (p.value in TARGETS or (p.value == RDF + "type" and o == rdfs_class))]
    view = set(dataset.view())
    data = [(written(q.subject), q.predicate, written(q.object))
            for q in dataset.store.quads_for_pattern(None, None, None) if q.graph_name in view]
    plain = [t for t in data if type(t[0]) is not pyoxigraph.Triple and type(t[2]) is not pyoxigraph.Triple]
    if len(plain) < len(data) and notes is not None:
        notes.append(f"pyshacl cannot read RDF 1.2 triple terms: the {len(data) - len(plain):,} triples holding one "
                     "were left out of what it validated")
    data = plain
    _conforms, report, _text = validate(to_rdflib_graph(data), shacl_graph=to_rdflib_graph(shapes), inference="none",
                                        advanced=True, allow_warnings=True)
    return results_from_report(report)


def to_oxigraph(term):
    from cubakg.conformance.inputs import to_oxigraph as convert

    return convert(term)


def path_text(graph, path) -> str:
    """A SHACL path node of an rdflib graph in SPARQL syntax (as paths.text does for the engine's graphs)."""
    from rdflib import BNode, URIRef

    if isinstance(path, URIRef):
        return f"<{path}>"
    if not isinstance(path, BNode):
        return str(path)
    if (path, URIRef(RDF + "first"), None) in graph:
        return "(" + "/".join(path_text(graph, step) for step in graph.items(path)) + ")"
    inverse = graph.value(path, URIRef(SH + "inversePath"))
    if inverse is not None:
        inner = path_text(graph, inverse)
        return "^" + inner if isinstance(inverse, URIRef) else f"^({inner})"
    for name, template in (("zeroOrMorePath", "({})*"), ("oneOrMorePath", "({})+"), ("zeroOrOnePath", "({})?")):
        inner = graph.value(path, URIRef(SH + name))
        if inner is not None:
            return template.format(path_text(graph, inner))
    alternatives = graph.value(path, URIRef(SH + "alternativePath"))
    if alternatives is not None:
        return "(" + "|".join(path_text(graph, step) for step in graph.items(alternatives)) + ")"
    return "_:path"


def report_nodes(report) -> list:
    """The top-level results of an rdflib sh:ValidationReport graph (nested sh:detail results excluded)."""
    from rdflib import URIRef

    return [r for node in report.subjects(URIRef(RDF + "type"), URIRef(SH + "ValidationReport"))
            for r in report.objects(node, URIRef(SH + "result"))]


def results_from_report(report) -> list[Result]:
    """The results of an rdflib sh:ValidationReport graph."""
    from rdflib import URIRef

    def one(node, name):
        return report.value(node, URIRef(SH + name))

    results = []
    for node in report_nodes(report):
        message = one(node, "resultMessage")
        path = one(node, "resultPath")
        results.append(Result(
            focus=to_oxigraph(one(node, "focusNode")), component=str(one(node, "sourceConstraintComponent")),
            shape=to_oxigraph(one(node, "sourceShape")), path=path_text(report, path) if path is not None else None,
            # A complex path stays in pyshacl's graph: reports of fallback results name simple paths only.
            path_node=to_oxigraph(path) if type(path).__name__ == "URIRef" else None, path_graph=None, value=to_oxigraph(one(node, "value")),
            severity=str(one(node, "resultSeverity")), message=str(message) if message is not None else "",
            constraint=to_oxigraph(one(node, "sourceConstraint")),
        ))
    return results


def term_key(term) -> str:
    """A term for comparing engines: blank nodes all read `_:` (their labels differ between engines)."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return ""
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return "_:"
    if isinstance(term, Literal):  # as N-Triples writes it, as pyoxigraph's terms are shown (n3() may use """)
        import pyoxigraph

        datatype = pyoxigraph.NamedNode(str(term.datatype)) if term.datatype and not term.language else None
        return str(pyoxigraph.Literal(str(term), language=term.language, datatype=datatype))
    return str(term)


def report_keys(report) -> set[tuple[str, str, str]]:
    """(focus, component, path) of each top-level result of an rdflib report graph, to compare engines."""
    from rdflib import URIRef

    keys = set()
    for result in report_nodes(report):
        path = report.value(result, URIRef(SH + "resultPath"))
        keys.add((term_key(report.value(result, URIRef(SH + "focusNode"))),
                  str(report.value(result, URIRef(SH + "sourceConstraintComponent"))),
                  path_text(report, path) if path is not None else ""))
    return keys


def report_multiset(report, with_value: bool = False) -> Counter:
    """Counter of (focus, component, path, severity[, value]) of the top-level results of an rdflib report graph."""
    from rdflib import URIRef

    found: Counter = Counter()
    for result in report_nodes(report):
        path = report.value(result, URIRef(SH + "resultPath"))
        key = (term_key(report.value(result, URIRef(SH + "focusNode"))),
               str(report.value(result, URIRef(SH + "sourceConstraintComponent"))),
               path_text(report, path) if path is not None else "",
               str(report.value(result, URIRef(SH + "resultSeverity"))))
        if with_value:
            key += (term_key(report.value(result, URIRef(SH + "value"))),)
        found[key] += 1
    return found


def report_conforms(report) -> bool | None:
    from rdflib import URIRef

    for node in report.subjects(URIRef(RDF + "type"), URIRef(SH + "ValidationReport")):
        value = report.value(node, URIRef(SH + "conforms"))
        return None if value is None else str(value) == "true"
    return None


def json_keys(document: dict) -> set[tuple[str, str, str]]:
    """The same keys from `cubakg validate --format json` output (SHACL results only)."""
    return {("_:" if r["focusNodeKind"] == "blank" else r["focusNode"], r["sourceConstraintComponent"], r["path"] or "")
            for r in document["results"] if r["check"] == "shacl"}
