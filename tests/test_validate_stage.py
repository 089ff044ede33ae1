"""The build's SHACL stage must report exactly what plain pyshacl reports.

`cubakg.validate.shacl_check` runs the shapes' SPARQL constraints on Oxigraph for
speed; this compares its findings with pyshacl on rdflib alone, over every shape
test case (tests/shapes/cases, each added to tests/shapes/context.ttl).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph
from rdflib.namespace import RDF, SH

from cubakg.validate import shacl_check

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CASES = sorted((TESTS / "shapes" / "cases").glob("*.ttl"))


@pytest.fixture(scope="module")
def shapes_and_ontology():
    return Graph().parse(REPO / "shapes" / "cubakg.shapes.ttl"), Graph().parse(REPO / "ontology" / "cubakg.ttl")


def plain_pyshacl(data: Graph, shapes: Graph, ontology: Graph) -> set[tuple]:
    """pyshacl on one rdflib graph holding the data and the ontology, as the build validates."""
    merged = Graph()
    for triple in (*data, *ontology):
        merged.add(triple)
    _conforms, report, _text = validate(merged, shacl_graph=shapes, inference="none", allow_warnings=True)
    return {
        (_focus(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceConstraintComponent)),
         str(report.value(r, SH.resultSeverity)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


def _focus(node) -> str:
    # The build's report names blank nodes by their description, pyshacl's by id.
    return "(a blank node)" if isinstance(node, BNode) or str(node).startswith("(") else str(node)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_build_stage_agrees_with_pyshacl(case, shapes_and_ontology):
    shapes, ontology = shapes_and_ontology
    data = Graph().parse(TESTS / "shapes" / "context.ttl").parse(case)
    expected = plain_pyshacl(data, shapes, ontology)
    outcome = shacl_check(data, shapes, ontology)
    found = {
        (_focus(r[0]), str(r[1]), str(r[2]))
        for r in (
            (outcome.report.value(n, SH.focusNode), outcome.report.value(n, SH.sourceConstraintComponent),
             outcome.report.value(n, SH.resultSeverity))
            for n in outcome.report.subjects(RDF.type, SH.ValidationResult)
        )
    }
    assert found == expected
    assert outcome.conforms == (not any(s.endswith("Violation") for *_x, s in expected))


def test_the_cases_include_sparql_constraint_failures():
    texts = [c.read_text(encoding="utf-8") for c in CASES]
    assert any("SPARQLConstraintComponent" in t.split("@prefix", 1)[0] for t in texts)
