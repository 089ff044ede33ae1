"""pyshacl, for the shapes the SPARQL engine cannot compile, and as a judge in tests.

`results_from_report` turns any sh:ValidationReport graph (pyshacl's, Jena's, ours)
into comparable keys, so the tests and the benchmark can check that engines agree.
"""

from __future__ import annotations

from cubakg.conformance.shacl import SH, Result, path_text


def union_as_rdflib(store, graphs: list):
    """Every triple of the given graphs of the store, merged, as an rdflib Graph."""
    import pyoxigraph
    from rdflib import Graph

    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph=graphs)
    data = triples.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data, format="nt")


def to_oxigraph(term):
    """An rdflib term as a pyoxigraph term."""
    import pyoxigraph
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    raise TypeError(f"unexpected term {term!r}")


def results_from_report(report) -> list[Result]:
    """The results of an rdflib sh:ValidationReport graph."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    def one(node, name):
        return report.value(node, URIRef(SH + name))

    results = []
    # Only the report's own results: nested sh:detail results are not reported by themselves.
    tops = [r for report_node in report.subjects(RDF.type, URIRef(SH + "ValidationReport"))
            for r in report.objects(report_node, URIRef(SH + "result"))]
    for node in tops:
        message = one(node, "resultMessage")
        path = one(node, "resultPath")
        results.append(Result(
            focus=to_oxigraph(one(node, "focusNode")), component=str(one(node, "sourceConstraintComponent")),
            shape=one(node, "sourceShape"), path=path_text(report, path) if path is not None else None,
            path_node=path, path_graph=report, value=to_oxigraph(one(node, "value")),
            severity=str(one(node, "resultSeverity")), message=str(message) if message is not None else "",
            constraint=one(node, "sourceConstraint"),
        ))
    return results


def run_pyshacl(store, graphs: list, shapes_graph, shape_nodes: list | None) -> list[Result]:
    """pyshacl's results on the store's data for some shapes (None: all shapes)."""
    from pyshacl import validate

    data = union_as_rdflib(store, graphs)
    options = {"use_shapes": [str(node) for node in shape_nodes]} if shape_nodes else {}
    _conforms, report, _text = validate(
        data, shacl_graph=shapes_graph, inference="none", advanced=False, allow_warnings=True, **options,
    )
    return results_from_report(report)


def report_keys(report) -> set[tuple[str, str, str]]:
    """(focus, component, path) of each top-level result of a report graph, to compare engines.

    Blank focus nodes all read `_:` (their labels differ between engines); paths are
    in SPARQL syntax with full IRIs.
    """
    from rdflib import BNode, URIRef
    from rdflib.namespace import RDF, SH as SH_NS

    from cubakg.conformance.shacl import path_text

    keys = set()
    for report_node in report.subjects(RDF.type, SH_NS.ValidationReport):
        for result in report.objects(report_node, SH_NS.result):
            path = report.value(result, SH_NS.resultPath)
            focus = report.value(result, SH_NS.focusNode)
            focus_key = str(focus) if isinstance(focus, URIRef) else "_:" if isinstance(focus, BNode) else focus.n3()
            keys.add((focus_key, str(report.value(result, SH_NS.sourceConstraintComponent)),
                      path_text(report, path) if path is not None else ""))
    return keys


def json_keys(document: dict) -> set[tuple[str, str, str]]:
    """The same keys from `cubakg validate --format json` output (SHACL results only)."""
    return {("_:" if r["focusNodeKind"] == "blank" else r["focusNode"], r["sourceConstraintComponent"], r["path"] or "")
            for r in document["results"] if r["check"] == "shacl"}
