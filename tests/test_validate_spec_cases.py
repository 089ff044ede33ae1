"""Cases written by hand from the SHACL spec, in the W3C suite's form (tests/validate_cases/spec/).

Each case's expected report was derived from the spec's text (the section is named
beside each part of the data); the results are compared as multisets of (focus,
component, path, severity, value), through the command and through the library.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from w3c_support import outcome_multiset, report_of, run_main, shown, validate_entries

CASES = [test for path in sorted((Path(__file__).parent / "validate_cases" / "spec").glob("*.ttl"))
         for test in validate_entries(path, path.stem, with_value=True)]



@pytest.mark.parametrize("test", CASES, ids=[t.name for t in CASES])
def test_through_the_cli(test) -> None:
    code, out, err = run_main("validate", str(test.data), "--shapes", str(test.shapes), "--format", "turtle")
    assert code in (0, 1), err
    conforms, found = report_of(out, with_value=True)
    assert found == test.expected, shown(test.expected, found)
    assert conforms is test.conforms


@pytest.mark.parametrize("test", CASES, ids=[t.name for t in CASES])
def test_through_the_library(test) -> None:
    from cubakg.conformance.run import validate_quads

    quads = pyoxigraph.parse(path=str(test.data), format=pyoxigraph.RdfFormat.TURTLE, base_iri=test.data.resolve().as_uri())
    outcome = validate_quads(quads, shapes=test.shapes, ontology=False)
    found = outcome_multiset(outcome.results, with_value=True)
    assert found == test.expected, shown(test.expected, found)
    assert outcome.conforms is test.conforms
