"""After `cubakg load`, every saved query answers the same on the Oxigraph server as on the embedded graph.

Two ways a user meets the endpoint, both checked:
- `plain`: `cubakg load` into the default graph of a plain Oxigraph server;
- `per-article`: `cubakg load --per-article-graphs` into a server whose default
  graph is the union of its named graphs (what `cubakg serve` runs).
The embedded side is `cubakg query NAME --data FILE` (the union of the file's graphs).
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from cubakg.resources import GRAPH_TRIG, GRAPH_TURTLE, QUERIES_DIR
from cubakg.serve import OxigraphServer
from load_support import MINI_RELEASE, REAL_RELEASE, REAL_RELEASE_BUILT, run_cubakg

SAVED_QUERIES = sorted(QUERIES_DIR.glob("*.rq"))
# Values for saved queries' required parameters (by query file stem), chosen from the articles.
PARAMETERS = yaml.safe_load((Path(__file__).parent / "load_cases" / "query_parameters.yaml").read_text()) or {}

# The real release when built; the miniature otherwise (its answers are mostly empty, but must still agree).
RELEASE = REAL_RELEASE if REAL_RELEASE_BUILT else MINI_RELEASE


@pytest.fixture(scope="module", params=["plain", "per-article"])
def loaded_endpoint(request):
    per_article = request.param == "per-article"
    with OxigraphServer([], union_default_graph=per_article) as server:
        args = ["--per-article-graphs"] if per_article else []
        done = run_cubakg("load", "--endpoint", server.query_url, "--release", str(RELEASE), *args)
        assert done.returncode == 0, done.stderr
        yield request.param, server


def answers(done) -> tuple:
    """A query's JSON answer as a comparable value: rows as a sorted multiset, or the boolean."""
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    if "boolean" in document:
        return ("ask", document["boolean"])
    rows = [json.dumps(row, sort_keys=True) for row in document["results"]["bindings"]]
    return ("select", sorted(document["head"].get("vars", [])), sorted(rows))


def parameter_args(query: Path) -> list[str]:
    from cubakg.query.saved import read_saved_query

    saved = read_saved_query(query)
    given = PARAMETERS.get(query.stem, {})
    missing = [name for name in saved.required_parameters if name not in given]
    if missing:
        pytest.skip(f"no test value for {query.stem}'s parameter(s) {missing}: add them to load_cases/query_parameters.yaml")
    return [arg for name, value in given.items() for arg in ("--param", f"{name}={value}")]


def uses_named_graphs(query: Path) -> bool:
    # Comments cut at "#" (this may also cut an IRI, which cannot hold the keyword anyway).
    text = "\n".join(line.split("#", 1)[0] for line in query.read_text(encoding="utf-8").splitlines())
    return re.search(r"\bGRAPH\b", text, re.IGNORECASE) is not None


@pytest.mark.parametrize("query", SAVED_QUERIES, ids=[q.stem for q in SAVED_QUERIES])
def test_saved_query_answers_the_same_on_the_endpoint(loaded_endpoint, query):
    mode, server = loaded_endpoint
    if mode == "plain" and uses_named_graphs(query):
        pytest.skip("asks for named graphs, which a default-graph load does not keep (see docs/loading.md)")
    params = parameter_args(query)
    data = RELEASE / (GRAPH_TRIG if mode == "per-article" else GRAPH_TURTLE)
    # Both at once: two interpreters starting is most of the time this takes.
    with ThreadPoolExecutor(max_workers=2) as pool:
        embedded = pool.submit(run_cubakg, "query", query.stem, "--data", str(data), "--format", "json", *params)
        remote = pool.submit(run_cubakg, "query", query.stem, "--endpoint", server.query_url, "--format", "json", *params)
        assert answers(remote.result()) == answers(embedded.result())


def test_saved_queries_exist():
    # Guards the parity test above from passing vacuously once queries are expected.
    if not REAL_RELEASE_BUILT:
        pytest.skip("dist/ not built yet")
    assert SAVED_QUERIES, f"no saved queries in {QUERIES_DIR}"
