"""What the release says against what the articles say, one case file per fact.

Each tests/release_facts/*.yaml holds a question, the article words that answer it,
a SPARQL query over dist/cubakg.ttl and the answer expected from reading the
articles (never from the builder's output):

    question: …            what a reader of the articles would ask
    source: …              the article (000/003) and its words
    query: |               SPARQL; BASE is https://w3id.org/cubakg/id/ and the usual
      ASK { … }            prefixes (ckg schema org prov oa time qb skos dcterms rdf rdfs owl xsd) are predeclared
    expect: true           for ASK; or, for SELECT, the exact set of rows:
    rows:                  values are IRIs (`id:` abbreviates https://w3id.org/cubakg/id/)
      - {var: value}       or literals' lexical forms
    min_rows: N            for SELECT instead of rows: at least N rows

Every query runs on rdflib and on pyoxigraph; both must give the expected answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CASES_DIR = Path(__file__).resolve().parent / "release_facts"
ID = "https://w3id.org/cubakg/id/"
PROLOGUE = f"""BASE <{ID}>
PREFIX ckg: <https://w3id.org/cubakg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
CASE_KEYS = {"question", "source", "query", "expect", "rows", "min_rows"}


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


def load_case(path: Path) -> dict:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"{path.name}: unknown keys {sorted(unknown)} (allowed: {sorted(CASE_KEYS)})"
    assert case.get("question") and case.get("source") and case.get("query"), (
        f"{path.name}: needs question, source and query"
    )
    assert sum(k in case for k in ("expect", "rows", "min_rows")) == 1, (
        f"{path.name}: give exactly one of expect (ASK), rows or min_rows (SELECT)"
    )
    return case


def expand(value) -> str:
    text = str(value)
    return ID + text[3:] if text.startswith("id:") else text


def expected_rows(case: dict) -> set[tuple[tuple[str, str], ...]]:
    return {tuple(sorted((k, expand(v)) for k, v in row.items())) for row in case["rows"]}


def rdflib_answer(graph, query: str):
    result = graph.query(query)
    if result.type == "ASK":
        return bool(result.askAnswer)
    names = [str(v) for v in result.vars]
    return {
        tuple(sorted((name, str(row[name])) for name in names if row[name] is not None)) for row in result
    }


def oxigraph_answer(store, query: str):
    import pyoxigraph

    result = store.query(query)
    if isinstance(result, pyoxigraph.QueryBoolean):
        return bool(result)
    names = [v.value for v in result.variables]
    rows = set()
    for solution in result:
        rows.add(tuple(sorted((name, solution[name].value) for name in names if solution[name] is not None)))
    return rows


@pytest.fixture(scope="module")
def oxigraph_store(release_graph, dist_dir):
    """dist/cubakg.ttl in an in-memory pyoxigraph store (release_graph has checked it exists)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=dist_dir / "cubakg.ttl", format=pyoxigraph.RdfFormat.TURTLE)
    return store


def describe(answer) -> str:
    if isinstance(answer, bool):
        return str(answer).lower()
    return "\n".join("  " + ", ".join(f"{k}={v}" for k, v in row) for row in sorted(answer)) or "  (no rows)"


def judge(case: dict, answer) -> str | None:
    """None when the answer is what the articles say, else what is wrong."""
    if "expect" in case:
        return None if answer is bool(case["expect"]) else f"ASK gave {describe(answer)}, expected {str(case['expect']).lower()}"
    if isinstance(answer, bool):
        return "the query is an ASK but the case expects rows"
    if "min_rows" in case:
        return None if len(answer) >= case["min_rows"] else f"{len(answer)} rows, expected at least {case['min_rows']}:\n{describe(answer)}"
    expected = expected_rows(case)
    if answer == expected:
        return None
    return (
        f"rows differ.\nmissing:\n{describe(expected - answer)}\nunexpected:\n{describe(answer - expected)}"
    )


@pytest.mark.parametrize("path", case_files(), ids=lambda p: p.stem)
def test_release_states_what_the_articles_say(path: Path, release_graph, oxigraph_store):
    case = load_case(path)
    query = PROLOGUE + case["query"]
    failures = []
    for engine, answer in (
        ("rdflib", rdflib_answer(release_graph, query)),
        ("pyoxigraph", oxigraph_answer(oxigraph_store, query)),
    ):
        problem = judge(case, answer)
        if problem:
            failures.append(f"[{engine}] {problem}")
    if failures:
        pytest.fail(
            f"{path.name}: {case['question'].strip()}\nthe articles: {case['source'].strip()}\n" + "\n".join(failures),
            pytrace=False,
        )


def test_there_are_cases():
    assert len(case_files()) >= 20, "tests/release_facts/ should hold the hand-written fact cases"
