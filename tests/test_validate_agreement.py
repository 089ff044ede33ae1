"""`cubakg validate` finds exactly what pyshacl (and Apache Jena) find.

Compared: the set of (focus node, constraint component, path) of the SHACL
results, on every shape test case (tests/shapes/cases/, each with the shared
context) and on synthetic benchmark data (bench/generate.py), all with the
project's shapes and ontology. Only the SHACL results count here: the extra checks
(undefined terms, dangling references, ill-typed literals) are not SHACL.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from validate_support import REPO, cli_keys, jena_keys, pyshacl_keys

SHAPE_CASES_DIR = REPO / "tests" / "shapes" / "cases"
CONTEXT = REPO / "tests" / "shapes" / "context.ttl"
SHAPE_CASES = sorted(SHAPE_CASES_DIR.glob("*.ttl"))
# A handful of cases for Jena, whose start-up costs seconds: one per kind of constraint.
JENA_CASES = ["article-bad-identifier.ttl", "evidence-length-mismatch.ttl", "observation-area-is-a-person.ttl",
              "observation-rank-in-counts-dataset.ttl", "fact-as-blank-node.ttl", "related-story-unknown-label.ttl",
              "evidence-missing-position-selector.ttl", "round-conforms.ttl"]


def engine_keys(*files: Path) -> set[tuple[str, str, str]]:
    """Our keys, computed in-process (the CLI itself is exercised by the other tests)."""
    from cubakg.conformance.fallback import json_keys
    from cubakg.conformance.report import to_json
    from cubakg.conformance.run import Options, validate

    return json_keys(json.loads(to_json(validate(Options(paths=[str(f) for f in files])))))


@pytest.mark.skipif(not SHAPE_CASES, reason="no shape test cases yet")
@pytest.mark.parametrize("case", SHAPE_CASES, ids=[case.stem for case in SHAPE_CASES])
def test_same_results_as_pyshacl_on_shape_case(case: Path) -> None:
    ours = engine_keys(CONTEXT, case)
    theirs = pyshacl_keys(CONTEXT, case)
    assert ours == theirs, f"only cubakg: {sorted(ours - theirs)}\nonly pyshacl: {sorted(theirs - ours)}"


@pytest.fixture(scope="module")
def bench_sample(tmp_path_factory) -> Path:
    """Synthetic data shaped like the graph: 10 articles, about 1% of triples damaged.

    (10k triples is the benchmark's smallest size, but pyshacl needs minutes on
    it: its SPARQL constraints cost grows faster than the data.)
    """
    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    path = tmp_path_factory.mktemp("bench") / "sample.ttl"
    with path.open("w", encoding="utf-8") as out:
        counts = generate(2000, out)
    assert sum(counts["defects"].values()) > 5, counts
    return path


def test_same_results_as_pyshacl_on_benchmark_data(bench_sample: Path) -> None:
    ours = cli_keys(bench_sample)
    theirs = pyshacl_keys(bench_sample)
    assert ours, "the sample has defects, so there must be results"
    assert ours == theirs, f"only cubakg: {sorted(ours - theirs)[:20]}\nonly pyshacl: {sorted(theirs - ours)[:20]}"


def test_same_results_as_jena_on_benchmark_data(bench_sample: Path) -> None:
    theirs = jena_keys(bench_sample)
    if theirs is None:
        pytest.skip("Apache Jena is not installed")
    ours = cli_keys(bench_sample)
    assert ours == theirs, f"only cubakg: {sorted(ours - theirs)[:20]}\nonly Jena: {sorted(theirs - ours)[:20]}"


@pytest.mark.parametrize("name", JENA_CASES)
def test_same_results_as_jena_on_shape_case(name: str) -> None:
    case = SHAPE_CASES_DIR / name
    if not case.exists():
        pytest.skip(f"{name} is no longer a shape case")
    theirs = jena_keys(CONTEXT, case)
    if theirs is None:
        pytest.skip("Apache Jena is not installed")
    ours = engine_keys(CONTEXT, case)
    assert ours == theirs, f"only cubakg: {sorted(ours - theirs)}\nonly Jena: {sorted(theirs - ours)}"


ENGINE_CASES = sorted((REPO / "tests" / "validate_cases" / "engine").glob("*.ttl"))


@pytest.mark.parametrize("case", ENGINE_CASES, ids=[case.stem for case in ENGINE_CASES])
def test_same_results_as_pyshacl_on_core_features(case: Path) -> None:
    """Components and paths the project's shapes do not use yet, with the file as shapes and data."""
    from pyshacl import validate
    from rdflib import Graph

    from cubakg.conformance.fallback import report_keys

    graph = Graph().parse(case)
    _conforms, report, _text = validate(graph, shacl_graph=graph, inference="none", allow_warnings=True)
    theirs = report_keys(report)
    ours = cli_keys(case, extra=("--shapes", str(case)))
    assert theirs, "the case is meant to break constraints"
    assert ours == theirs, f"only cubakg: {sorted(ours - theirs)}\nonly pyshacl: {sorted(theirs - ours)}"
