"""The W3C RDF 1.1 syntax suites for Turtle, N-Triples, TriG and N-Quads (tests/external/w3c-rdf-tests/).

All 826 tests through `cubakg validate` (the CLI's own entry point, in this process):
every positive syntax and evaluation test is accepted (exit 0 or 1, never 3), every
negative one refused with exit 3 and a message, never a traceback. The evaluation
tests also check what the validator reads: the input's triples, terms as written,
must be the expected N-Triples (graphs isomorphic; named graphs merged, as
`cubakg validate` validates their union).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF

from w3c_support import MF, RDF_SUITE, RDFT, parse_as_written, run_main

FOLDERS = {"rdf-turtle": "turtle", "rdf-n-triples": "ntriples", "rdf-trig": "trig", "rdf-n-quads": "nquads"}
FORMATS = {"turtle": pyoxigraph.RdfFormat.TURTLE, "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
           "trig": pyoxigraph.RdfFormat.TRIG, "nquads": pyoxigraph.RdfFormat.N_QUADS}
BASE = "https://w3c.github.io/rdf-tests/rdf/rdf11/"


def suite_tests() -> list[dict]:
    tests = []
    for folder, fmt in FOLDERS.items():
        manifest = RDF_SUITE / folder / "manifest.ttl"
        graph = parse_as_written(manifest)
        root = next(graph.subjects(RDF.type, MF.Manifest))
        for entry in graph.items(graph.value(root, MF.entries)):
            kind = str(graph.value(entry, RDF.type)).removeprefix(str(RDFT))
            action = Path(str(graph.value(entry, MF.action)).removeprefix("file://"))
            result = graph.value(entry, MF.result)
            tests.append({"name": f"{folder}/{graph.value(entry, MF.name)}", "kind": kind, "format": fmt,
                          "file": action, "result": Path(str(result).removeprefix("file://")) if result else None,
                          "base": f"{BASE}{folder}/{action.name}"})
    return tests


TESTS = suite_tests()
POSITIVE = [t for t in TESTS if t["kind"].endswith(("PositiveSyntax", "Eval")) and not t["kind"].endswith("NegativeEval")]
NEGATIVE = [t for t in TESTS if t not in POSITIVE]
EVAL = [t for t in POSITIVE if t["kind"].endswith("Eval")]


def test_the_whole_suites_are_there() -> None:
    assert len(TESTS) == 826
    assert len(NEGATIVE) == 272


@pytest.mark.parametrize("fmt", FOLDERS.values())
def test_every_positive_test_is_accepted(fmt: str) -> None:
    """One run per format with every positive file: each is read on its own, so a refusal names its file."""
    files = [str(t["file"]) for t in POSITIVE if t["format"] == fmt]
    code, out, err = run_main("validate", *files, "--input-format", fmt, "--format", "json")
    assert code in (0, 1), err[-3000:]
    assert "Traceback" not in err


@pytest.mark.parametrize("test", NEGATIVE, ids=[t["name"] for t in NEGATIVE])
def test_every_negative_test_is_refused(test: dict) -> None:
    code, out, err = run_main("validate", str(test["file"]), "--input-format", test["format"])
    assert code == 3, out[-2000:] + err[-2000:]
    assert f"{test['file']}" in err and "Traceback" not in err


def canonical_triples(quads) -> set:
    dataset = pyoxigraph.Dataset(pyoxigraph.Quad(q.subject, q.predicate, q.object) for q in quads)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


@pytest.mark.parametrize("test", EVAL, ids=[t["name"] for t in EVAL])
def test_evaluation_tests_read_the_expected_triples(test: dict) -> None:
    from cubakg.conformance.dataset import Loader
    from cubakg.conformance.terms import written

    loader = Loader()
    loader.add_bytes(test["file"].read_bytes(), FORMATS[test["format"]], test["base"])
    data = loader.finish()
    read = [pyoxigraph.Quad(written(q.subject), q.predicate, written(q.object))
            for q in data.store if q.graph_name in data.input_view()]
    expected_format = pyoxigraph.RdfFormat.N_QUADS if test["format"] in ("trig", "nquads") else pyoxigraph.RdfFormat.N_TRIPLES
    expected = pyoxigraph.parse(test["result"].read_bytes(), format=expected_format)
    assert canonical_triples(read) == canonical_triples(expected)
