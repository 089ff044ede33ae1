"""The SHACL report the build publishes: no blank nodes, shapes named by their IRIs.

A SHACL report's sh:sourceShape is the shape itself (SHACL §3.6.2), not a text:
every shape the report names must be a subject of the published shapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from cubakg.read import Ontology
from cubakg.terms import Quad
from cubakg.validate import load_store, report_triples, shacl_check

REPO = Path(__file__).resolve().parents[1]
DIST = REPO / "dist"
CASES = REPO / "tests" / "shapes" / "cases"
CKS = Namespace("https://w3id.org/cubakg/shapes#")


SHAPES = REPO / "shapes" / "cubakg.shapes.ttl"


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return Ontology(REPO / "ontology" / "cubakg.ttl")


def quads_of(*paths: Path) -> list[Quad]:
    """Turtle files as the build's quads (default graph)."""
    import pyoxigraph

    return [("urn:x-test:data", t.subject.value, t.predicate.value, str(t.object))
            for path in paths for t in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)]


def build_report(quads: list[Quad], shapes: Path, ontology: Ontology) -> Graph:
    """What the build writes as dist/shacl-report.ttl, for these quads."""
    from cubakg import publish

    outcome = shacl_check(load_store(quads), shapes, ontology)
    data = publish.turtle(report_triples(outcome), publish.REPORT_PREFIXES)
    return Graph().parse(data=data, format="turtle")


def published(name: str) -> Graph:
    path = DIST / name
    if not path.exists():
        pytest.skip(f"dist/{name} is not built yet")
    return Graph().parse(path, format="turtle")


def test_published_report_names_each_source_shape_by_an_iri_of_the_published_shapes():
    report, shapes = published("shacl-report.ttl"), published("shapes.ttl")
    named = list(report.objects(None, SH.sourceShape))
    assert named, "the release has warnings, so the report must have results"
    literals = sorted(str(s) for s in named if isinstance(s, Literal))
    assert not literals, f"sh:sourceShape given as text: {literals}"
    unknown = sorted(str(s) for s in named if (s, None, None) not in shapes)
    assert not unknown, f"sh:sourceShape not a shape of dist/shapes.ttl: {unknown}"


def test_published_report_has_no_blank_nodes():
    report = published("shacl-report.ttl")
    blank = [t for t in report if any(isinstance(term, BNode) for term in t)]
    assert not blank, f"{len(blank)} triples with blank nodes, e.g. {blank[0]}"


# (case, component, the shape that reports it). Written from the shapes file: which
# named shape holds the constraint that the case breaks. A result found through
# sh:node is reported by the shape that holds the sh:node (SHACL §4.8.1).
SOURCE_SHAPE_CASES = [
    ("observation-negative-count", "MinInclusiveConstraintComponent", "ObservationShape-personCount"),
    ("participation-role-from-wrong-scheme", "NodeConstraintComponent", "ParticipationShape-role"),
    ("observation-rank-in-counts-dataset", "NodeConstraintComponent", "MigrationCountsDataSetShape-inverse-dataSet"),
    ("evidence-wrong-prefix", "SPARQLConstraintComponent", "EvidenceOffsetsShape"),
    ("person-not-an-agent", "ClassConstraintComponent", "PersonShape"),
]


@pytest.mark.parametrize("case, component, shape", SOURCE_SHAPE_CASES, ids=[f"{c}-{s}" for c, _, s in SOURCE_SHAPE_CASES])
def test_build_report_names_the_shape_that_found_the_problem(case, component, shape, ontology):
    report = build_report(quads_of(REPO / "tests" / "shapes" / "context.ttl", CASES / f"{case}.ttl"), SHAPES, ontology)

    found = [r for r in report.subjects(SH.sourceShape, CKS[shape])
             if report.value(r, SH.sourceConstraintComponent) == SH[component]]
    assert found, f"no {component} result from cks:{shape}"
    (root,) = report.subjects(RDF.type, SH.ValidationReport)
    for result in found:
        assert isinstance(result, URIRef) and (root, SH.result, result) in report
    assert not [s for s in report.objects(None, SH.sourceShape) if not isinstance(s, URIRef)]


def test_a_blank_shape_from_a_user_is_written_as_readable_text(ontology, tmp_path):
    """Shapes a user supplies may use blank nodes; the report has no stable name for them."""
    user_shapes = tmp_path / "shapes.ttl"
    user_shapes.write_text("""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix schema: <https://schema.org/> .
        <https://example.org/shapes#ArticleShape> a sh:NodeShape ;
            sh:targetClass schema:NewsArticle ;
            sh:property [ sh:path schema:author ; sh:minCount 1 ; sh:message "Name the author." ] .
    """, encoding="utf-8")
    report = build_report(quads_of(REPO / "tests" / "shapes" / "context.ttl"), user_shapes, ontology)
    (shape,) = set(report.objects(None, SH.sourceShape))
    assert isinstance(shape, Literal)
    assert "schema:author" in str(shape) and "Name the author." in str(shape)
