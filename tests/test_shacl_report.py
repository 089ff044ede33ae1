"""The SHACL report the build publishes: no blank nodes, shapes named by their IRIs.

A SHACL report's sh:sourceShape is the shape itself (SHACL §3.6.2), not a text:
every shape the report names must be a subject of the published shapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from cubakg.validate import shacl_check

REPO = Path(__file__).resolve().parents[1]
DIST = REPO / "dist"
CASES = REPO / "tests" / "shapes" / "cases"
CKS = Namespace("https://w3id.org/cubakg/shapes#")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(REPO / "shapes" / "cubakg.shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(REPO / "ontology" / "cubakg.ttl", format="turtle")


@pytest.fixture(scope="module")
def context() -> Graph:
    return Graph().parse(REPO / "tests" / "shapes" / "context.ttl", format="turtle")


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


# (case, component, the shape that reports it, for a nested result: the shape
# whose sh:node reported the result that holds it in sh:detail). Written from
# the shapes file: which named shape holds the constraint that the case breaks.
SOURCE_SHAPE_CASES = [
    ("observation-negative-count", "MinInclusiveConstraintComponent", "ObservationShape-personCount", None),
    ("participation-role-from-wrong-scheme", "NodeConstraintComponent", "ParticipationShape-role", None),
    ("participation-role-from-wrong-scheme", "HasValueConstraintComponent", "InParticipationRoles-inScheme",
     "ParticipationShape-role"),
    ("observation-rank-in-counts-dataset", "MaxCountConstraintComponent", "CountMeasureShape-rank",
     "MigrationCountsDataSetShape-inverse-dataSet"),
    ("evidence-wrong-prefix", "SPARQLConstraintComponent", "EvidenceOffsetsShape", None),
    ("person-not-an-agent", "ClassConstraintComponent", "PersonShape", None),
]


@pytest.mark.parametrize(
    "case, component, shape, parent", SOURCE_SHAPE_CASES,
    ids=[f"{c}-{s}" for c, _, s, _ in SOURCE_SHAPE_CASES],
)
def test_build_report_names_the_shape_that_found_the_problem(
    case, component, shape, parent, shapes, ontology, context,
):
    data = Graph()
    data += context
    data.parse(CASES / f"{case}.ttl", format="turtle")
    report = shacl_check(data, shapes, ontology).report

    found = [r for r in report.subjects(SH.sourceShape, CKS[shape])
             if report.value(r, SH.sourceConstraintComponent) == SH[component]]
    assert found, f"no {component} result from cks:{shape}"
    (root,) = report.subjects(RDF.type, SH.ValidationReport)
    for result in found:
        assert isinstance(result, URIRef)
        holders = set(report.subjects(SH.detail, result))
        if parent is None:
            assert (root, SH.result, result) in report and not holders
        else:
            # A nested result hangs under the result that reported it, not under the report.
            assert (root, SH.result, result) not in report
            assert {report.value(h, SH.sourceShape) for h in holders} == {CKS[parent]}
    assert not [s for s in report.objects(None, SH.sourceShape) if not isinstance(s, URIRef)]


def test_a_blank_shape_from_a_user_is_written_as_readable_text(ontology, context):
    """Shapes a user supplies may use blank nodes; the report has no stable name for them."""
    user_shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix schema: <https://schema.org/> .
        <https://example.org/shapes#ArticleShape> a sh:NodeShape ;
            sh:targetClass schema:NewsArticle ;
            sh:property [ sh:path schema:author ; sh:minCount 1 ; sh:message "Name the author." ] .
    """, format="turtle")
    report = shacl_check(context, user_shapes, ontology).report
    (shape,) = set(report.objects(None, SH.sourceShape))
    assert isinstance(shape, Literal)
    assert "schema:author" in str(shape) and "Name the author." in str(shape)
