"""`validate_quads`: the engine on data already parsed (what `cubakg build` can call), and its report."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest

from validate_support import ONTOLOGY_FILE, REPO, SHAPES_FILE

RELEASE = REPO / "dist" / "cubakg.trig"
CASE = REPO / "tests" / "validate_cases" / "files" / "negative-count.ttl"
CONTEXT = REPO / "tests" / "shapes" / "context.ttl"


def quads(*paths: Path) -> list:
    return [q for path in paths for q in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE if
                                                           path.suffix == ".ttl" else pyoxigraph.RdfFormat.TRIG)]


def keys(results) -> Counter:
    def key(term):
        return "_:" if type(term) is pyoxigraph.BlankNode else (term.value if type(term) is pyoxigraph.NamedNode else str(term))

    return Counter((key(r.focus), r.component, r.path or "", r.severity) for r in results)


@pytest.mark.skipif(not RELEASE.exists(), reason="no release in dist/ yet (cubakg build makes it)")
def test_the_release_gives_pyshacls_results() -> None:
    import rdflib
    from pyshacl import validate

    from cubakg.conformance.fallback import report_multiset
    from cubakg.conformance.run import validate_quads

    outcome = validate_quads(quads(RELEASE))
    data = rdflib.Dataset()
    data.parse(RELEASE, format="trig")
    union = rdflib.Graph()
    for s, p, o, _graph in data.quads((None, None, None, None)):
        union.add((s, p, o))
    _c, report, _t = validate(union, shacl_graph=rdflib.Graph().parse(SHAPES_FILE), ont_graph=rdflib.Graph().parse(ONTOLOGY_FILE),
                              inference="none", allow_warnings=True)
    assert keys(outcome.results) == report_multiset(report)


def test_an_iterable_and_an_rdflib_graph_give_the_same_results() -> None:
    import rdflib

    from cubakg.conformance.run import validate_quads

    listed = quads(CONTEXT, CASE)
    graph = rdflib.Graph()
    graph.parse(CONTEXT)
    graph.parse(CASE)
    found = [keys(validate_quads(data).results) for data in (listed, graph)]
    assert found[0] == found[1]
    assert found[0] == Counter({("https://w3id.org/cubakg/id/fact/999_0123456789abcdef/caught-feb",
                                 "http://www.w3.org/ns/shacl#MinInclusiveConstraintComponent",
                                 "<https://w3id.org/cubakg/ontology#personCount>", "http://www.w3.org/ns/shacl#Violation"): 1})


def test_a_store_is_read_as_it_holds_the_terms() -> None:
    """A pyoxigraph store has already rewritten literals by value ("5"^^xsd:nonNegativeInteger is
    "5"^^xsd:integer there): validate_quads reads what it holds and leaves it as it was."""
    from cubakg.conformance.run import validate_quads

    listed = quads(CONTEXT, CASE)
    store = pyoxigraph.Store()
    store.extend(listed)
    before = len(store)
    found = keys(validate_quads(store).results)
    assert len(store) == before
    datatype = [k for k in found if k[1].endswith("DatatypeConstraintComponent")]
    assert datatype and all(k[2] in ("<http://www.w3.org/ns/oa#start>", "<http://www.w3.org/ns/oa#end>") for k in datatype)


def test_the_report_is_deterministic_and_names_results_under_the_report_iri() -> None:
    import rdflib
    from rdflib.namespace import RDF, SH

    from cubakg.conformance.run import validate_quads

    first = validate_quads(quads(CONTEXT, CASE)).report_turtle("https://w3id.org/cubakg/id/report/build")
    second = validate_quads(quads(CONTEXT, CASE)).report_turtle("https://w3id.org/cubakg/id/report/build")
    assert first == second
    report = rdflib.Graph().parse(data=first, format="turtle")
    (root,) = report.subjects(RDF.type, SH.ValidationReport)
    assert root == rdflib.URIRef("https://w3id.org/cubakg/id/report/build")
    (result,) = report.objects(root, SH.result)
    assert result == rdflib.URIRef("https://w3id.org/cubakg/id/report/build/result/1")
    assert report.value(result, SH.value) == rdflib.Literal("-16531", datatype=rdflib.XSD.integer)
    assert report.value(result, SH.sourceShape) == rdflib.URIRef("https://w3id.org/cubakg/shapes#ObservationShape-personCount")
    assert report.value(root, SH.conforms) == rdflib.Literal(False)
    assert not [t for t in report if any(isinstance(term, rdflib.BNode) for term in t)]


def test_two_processes_give_what_one_gives(monkeypatch, tmp_path) -> None:
    """Large data is validated in two processes (parallel.py); the results are the same, in the same report."""
    import io
    import sys

    from cubakg.conformance import run

    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    out = io.StringIO()
    generate(3000, out)
    data = list(pyoxigraph.parse(out.getvalue().encode(), format=pyoxigraph.RdfFormat.TURTLE))
    monkeypatch.setattr(run, "PARALLEL_FROM", 10 ** 9)
    one = run.validate_quads(data, checks=True)
    monkeypatch.setattr(run, "PARALLEL_FROM", 0)
    two = run.validate_quads(data, checks=True)
    assert one.results, "the generated data has defects"
    assert one.report_turtle() == two.report_turtle()
    assert sorted(map(str, one.checks)) == sorted(map(str, two.checks)) and one.checks


@pytest.mark.parametrize("ontology, violations", [(None, 1), (False, 0)])
def test_the_ontology_axioms_beside_the_data_are_reached_along_rdf_type(tmp_path, ontology, violations) -> None:
    # pyshacl's -e puts the ontology's axioms in the data graph, and so does the engine (beside the
    # input, in the graph its lean view leaves out): a path of rdf:type reaches them.
    from cubakg.conformance.run import validate_quads

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <http://example.org/S> a sh:NodeShape ; sh:targetNode <https://w3id.org/cubakg/ontology#GovernmentAgency> ;
          sh:property [ sh:path <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ; sh:maxCount 0 ] .""")
    data = pyoxigraph.parse(b'<https://w3id.org/cubakg/ontology#GovernmentAgency> <http://example.org/note> "x" .',
                            format=pyoxigraph.RdfFormat.N_TRIPLES)
    outcome = validate_quads(data, shapes=shapes, ontology=ontology)
    assert [r.component.rsplit("#", 1)[-1] for r in outcome.results] == ["MaxCountConstraintComponent"] * violations
