"""What the release says against what the articles say, one case file per fact.

The cases live with the article they are about, and each query sees only that
article's named graph and the shared graph (the registry), so the cases hold
whatever other articles the release has:

    tests/release_facts/<article-id>/*.yaml     one article's facts
    tests/release_facts/across-articles/*.yaml  facts that join articles; each says
                                                `articles: [id, …]`, the graphs it sees
    tests/release_facts/registry/*.yaml         the shared graph alone

Every query also sees the `sources` graph (where the articles came from). The
fixture article of tests/fixtures/third-article has its cases here too; they run
when a release holds it (tests/test_corpus.py builds one that does).

A case whose articles are not in the release is skipped. Each case holds a
question, the article words that answer it, a SPARQL query and the answer
expected from reading the articles (never from the builder's output):

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
CASE_KEYS = {"question", "source", "query", "expect", "rows", "min_rows", "articles"}
ACROSS, REGISTRY = "across-articles", "registry"
SHARED_GRAPHS = [ID + "graph/shared", ID + "graph/sources"]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*/*.yaml"))


def scope(path: Path, case: dict) -> list[str]:
    """The named graphs a case's query sees: the shared graph and its articles' graphs."""
    folder = path.parent.name
    if folder == REGISTRY:
        articles = []
    elif folder == ACROSS:
        articles = case["articles"]
    else:
        articles = [folder]
    return SHARED_GRAPHS + [f"{ID}graph/{article}" for article in articles]


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
    assert ("articles" in case) == (path.parent.name == ACROSS), (
        f"{path.name}: `articles` is given exactly for the cases in {ACROSS}/"
    )
    return case


def expand(value) -> str:
    text = str(value)
    return ID + text[3:] if text.startswith("id:") else text


def expected_rows(case: dict) -> set[tuple[tuple[str, str], ...]]:
    return {tuple(sorted((k, expand(v)) for k, v in row.items())) for row in case["rows"]}


_UNIONS: dict = {}


def rdflib_answer(dataset, graphs: list[str], query: str):
    from rdflib import Graph, URIRef

    if tuple(graphs) not in _UNIONS:
        union = Graph()
        for graph in graphs:
            for triple in dataset.graph(URIRef(graph)):
                union.add(triple)
        _UNIONS[tuple(graphs)] = union
    result = _UNIONS[tuple(graphs)].query(query)
    if result.type == "ASK":
        return bool(result.askAnswer)
    names = [str(v) for v in result.vars]
    return {
        tuple(sorted((name, str(row[name])) for name in names if row[name] is not None)) for row in result
    }


def oxigraph_answer(store, graphs: list[str], query: str):
    import pyoxigraph

    result = store.query(query, default_graph=[pyoxigraph.NamedNode(g) for g in graphs])
    if isinstance(result, pyoxigraph.QueryBoolean):
        return bool(result)
    names = [v.value for v in result.variables]
    rows = set()
    for solution in result:
        rows.add(tuple(sorted((name, solution[name].value) for name in names if solution[name] is not None)))
    return rows


@pytest.fixture(scope="module")
def release_trig(dist_dir: Path) -> Path:
    path = dist_dir / "cubakg.trig"
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the release first (python -m cubakg build)", pytrace=False)
    return path


@pytest.fixture(scope="module")
def oxigraph_store(release_trig):
    """The release's TriG in an in-memory pyoxigraph store, named graphs kept."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=release_trig, format=pyoxigraph.RdfFormat.TRIG)
    return store


@pytest.fixture(scope="module")
def rdflib_dataset(release_trig):
    from rdflib import Dataset

    dataset = Dataset()
    dataset.parse(release_trig, format="trig")
    return dataset


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


@pytest.mark.parametrize("path", case_files(), ids=lambda p: f"{p.parent.name[:3]}/{p.stem}")
def test_release_states_what_the_articles_say(path: Path, rdflib_dataset, oxigraph_store):
    case = load_case(path)
    graphs = scope(path, case)
    present = {g.value for g in oxigraph_store.named_graphs()}
    missing = [g for g in graphs if g not in present and g not in SHARED_GRAPHS]
    if missing:
        pytest.skip(f"the release has no graph {missing[0]}: this case is about an article it does not hold")
    query = PROLOGUE + case["query"]
    failures = []
    for engine, answer in (
        ("rdflib", rdflib_answer(rdflib_dataset, graphs, query)),
        ("pyoxigraph", oxigraph_answer(oxigraph_store, graphs, query)),
    ):
        problem = judge(case, answer)
        if problem:
            failures.append(f"[{engine}] {problem}")
    if failures:
        pytest.fail(
            f"{path.name}: {case['question'].strip()}\nthe articles: {case['source'].strip()}\n" + "\n".join(failures),
            pytrace=False,
        )


def test_every_case_folder_is_an_article_or_a_known_group(seeds_dir: Path):
    """A misnamed folder would silently scope its cases to a graph that does not exist."""
    folders = {path.parent.name for path in case_files()}
    articles = {path.stem for path in seeds_dir.glob("*.txt")} | {path.stem for path in FIXTURES.glob("*/*.txt")}
    assert folders <= articles | {ACROSS, REGISTRY}, f"unknown case folders: {sorted(folders - articles - {ACROSS, REGISTRY})}"
