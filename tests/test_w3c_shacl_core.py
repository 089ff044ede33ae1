"""The W3C SHACL Core test suite (tests/external/w3c-shacl-core/), every test, none skipped.

Each test runs twice: through `cubakg validate DATA --shapes SHAPES --format turtle`
(the CLI's own entry point; the project's shapes and ontology are there too, and
find nothing in the suite's data) and through the library (`validate_quads` with the
test's shapes only). Both must give the expected sh:conforms and the expected
results as a multiset of (focus node, sh:sourceConstraintComponent, sh:resultPath,
sh:resultSeverity), blank nodes compared as blank.
"""

from __future__ import annotations

import pyoxigraph
import pytest

from w3c_support import outcome_multiset, report_of, run_main, shown, shacl_tests

TESTS = shacl_tests()


def test_the_whole_suite_is_there() -> None:
    assert len(TESTS) == 98



@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_through_the_cli(test) -> None:
    code, out, err = run_main("validate", str(test.data), "--shapes", str(test.shapes), "--format", "turtle")
    assert code in (0, 1), err
    conforms, found = report_of(out)
    assert found == test.expected, shown(test.expected, found)
    assert conforms is test.conforms
    assert code == (0 if test.conforms else 1) or not any(key[3].endswith("Violation") for key in found)


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_through_the_library(test) -> None:
    from cubakg.conformance.run import validate_quads

    quads = pyoxigraph.parse(path=str(test.data), format=pyoxigraph.RdfFormat.TURTLE, base_iri=test.data.resolve().as_uri())
    outcome = validate_quads(quads, shapes=test.shapes, ontology=False)
    found = outcome_multiset(outcome.results)
    assert found == test.expected, shown(test.expected, found)
    assert outcome.conforms is test.conforms
