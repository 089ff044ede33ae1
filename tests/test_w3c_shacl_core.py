"""The W3C SHACL Core test suite (tests/external/w3c-shacl-core/), every test, none skipped.

Each test runs three times: through `cubakg validate DATA --shapes SHAPES --format turtle`
(the CLI's own entry point; the project's shapes and ontology are there too, and
find nothing in the suite's data), through the library (`validate_quads` with the
test's shapes only), and through the library again with every predicate read whole
and joined by hash, which the engine does only for large focus sets
(`Engine.reading_all_pays`). Both must give the expected sh:conforms and the expected
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


@pytest.mark.parametrize("read_whole", [False, True], ids=["lookups", "predicates-read-whole"])
@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_through_the_library(test, read_whole, monkeypatch) -> None:
    from cubakg.conformance import engine
    from cubakg.conformance.run import validate_quads

    if read_whole:
        monkeypatch.setattr(engine, "READ_ALL_FROM", 1)
        monkeypatch.setattr(engine, "TRIPLES_PER_LOOKUP", 10**9)

    quads = pyoxigraph.parse(path=str(test.data), format=pyoxigraph.RdfFormat.TURTLE, base_iri=test.data.resolve().as_uri())
    outcome = validate_quads(quads, shapes=test.shapes, ontology=False)
    found = outcome_multiset(outcome.results)
    assert found == test.expected, shown(test.expected, found)
    assert outcome.conforms is test.conforms
