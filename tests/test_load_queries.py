"""After `cubakg load`, every saved query answers on the store as on the embedded graph.

The ways a user meets a store, each checked:
- `oxigraph-plain`: `cubakg load` into the default graph of a plain Oxigraph server;
- `oxigraph-per-article`: `cubakg load --per-article-graphs` into a server whose default
  graph is the union of its named graphs (what `cubakg serve` runs);
- `virtuoso-per-article` and `virtuoso-graph`: Virtuoso (no default graph of its own:
  `--per-article-graphs`, or `--graph IRI`), queried with the release's graphs as the
  query's dataset (SPARQL Protocol `default-graph-uri` / `named-graph-uri` in the
  endpoint URL), as docs/loading.md says, so that Virtuoso's own system graphs stay out.
The embedded side is `cubakg query NAME --data FILE` (the union of the file's graphs).
What Virtuoso returns differently but means the same (booleans as 1/0) is normalised in
the comparison; where Virtuoso 7.2 evaluates a query wrongly, the test says so (xfail).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
import yaml

from cubakg.resources import GRAPH_TRIG, GRAPH_TURTLE, QUERIES_DIR
from cubakg.serve import OxigraphServer
from load_support import (
    MINI_RELEASE, REAL_RELEASE, REAL_RELEASE_BUILT, VIRTUOSO_MISSING, cli, release_triples, shared_virtuoso,
    virtuoso_term,
)

SAVED_QUERIES = sorted(QUERIES_DIR.glob("*.rq"))
# Values for saved queries' required parameters (by query file stem), chosen from the articles.
PARAMETERS = yaml.safe_load((Path(__file__).parent / "load_cases" / "query_parameters.yaml").read_text()) or {}

# The real release when built; the miniature otherwise (its answers are mostly empty, but must still agree).
RELEASE = REAL_RELEASE if REAL_RELEASE_BUILT else MINI_RELEASE
ONE_GRAPH = "https://example.org/cubakg-all"

# Saved queries that Virtuoso 7.2.5 evaluates against the SPARQL 1.1 spec (checked by hand, see
# docs/loading.md); strict, so that a query rewritten to avoid the bug, or a fixed Virtuoso, is noticed.
VIRTUOSO_DEVIATIONS = {
    "article-facts": "Virtuoso 7.2 finds no article: the article is looked up by OPTIONALs whose FILTER reads "
                     "?article, bound outside them (by the VALUES row first in the WHERE clause), which it does "
                     "not see there; it also evaluates FILTER(STRSTARTS(…) || sameTerm(?kind, qb:Observation)) as "
                     "false where only sameTerm holds",
    "cq07-statements-by-speaker": "Virtuoso 7.2 returns no rows where the speaker is found by an OPTIONAL whose "
                                  "FILTER reads ?who, bound by a BIND before it (a LeftJoin filter sees both "
                                  "sides); Oxigraph and rdflib answer",
    "entity": "Virtuoso 7.2 returns no rows where the entity is found by an OPTIONAL whose FILTER reads ?entity, "
              "bound outside it by the VALUES row (as cq07); Oxigraph and rdflib answer",
    "cq11-evidence": "Virtuoso 7.2 gives the computed boolean ?matchesText (SUBSTR(…) = ?exact) as an "
                     "xsd:integer 1 or 0, even as IF(…, true, false): the same rows, another datatype",
}

MODES = ["oxigraph-plain", "oxigraph-per-article", "virtuoso-per-article"]
PARALLEL_QUERIES = 8  # the stores answer several at once; Virtuoso is slow on a few


def dataset_url(query_url: str, graphs: list[str], named: bool) -> str:
    parameters = [("default-graph-uri", g) for g in graphs] + ([("named-graph-uri", g) for g in graphs] if named else [])
    return f"{query_url}?{urllib.parse.urlencode(parameters)}"


def run_json(name: str, parameters: list[str], **where) -> dict:
    """A saved query's answer as SPARQL JSON, through the library (as `cubakg query --format json` prints it)."""
    from cubakg.query import parse_parameter, render, run_query

    answer = run_query(name, [parse_parameter(p) for p in parameters], **where)
    return json.loads(render(answer.result, "json", answer.prefixes, 0))


def send_json(pool: ThreadPoolExecutor, name: str, parameters: list[str], endpoint: str):
    """`run_json` on an endpoint, the HTTP part in `pool` (the query is parsed here: the parser is not thread-safe)."""
    from cubakg.query import load_query, parse_parameter, render
    from cubakg.query.analysis import analyse
    from cubakg.query.remote import run_remote
    from cubakg.query.sparql_text import bind_parameters

    text, source, _ = load_query(name)
    bound = bind_parameters(text, [parse_parameter(p) for p in parameters])
    shape = analyse(bound, source)
    result = pool.submit(run_remote, bound, shape.form, endpoint, 120)
    return pool.submit(lambda: json.loads(render(result.result(), "json", shape.prefixes, 0)))


@pytest.fixture(scope="module", params=MODES)
def loaded_endpoint(request):
    """(mode, query URL, remote answers by query name: futures) with the release loaded as the mode says.
    All saved queries are sent at once, so the slow ones overlap."""
    mode = request.param
    with ExitStack() as stack:
        if mode.startswith("oxigraph"):
            per_article = mode == "oxigraph-per-article"
            server = stack.enter_context(OxigraphServer([], union_default_graph=per_article))
            done = cli("load", "--endpoint", server.query_url, "--release", str(RELEASE),
                       *(["--per-article-graphs"] if per_article else []))
            endpoint = server.query_url
        else:
            if VIRTUOSO_MISSING:
                pytest.skip(VIRTUOSO_MISSING)
            virtuoso = shared_virtuoso()
            per_article = mode == "virtuoso-per-article"
            layout = ["--per-article-graphs"] if per_article else ["--graph", ONE_GRAPH]
            done = cli("load", "--endpoint", virtuoso.query_url, "--store", virtuoso.store_url,
                       "--update", virtuoso.update_url, "--release", str(RELEASE), *layout, env=virtuoso.credentials_env)
            graphs = sorted(g for g in release_triples(RELEASE) if g) if per_article else [ONE_GRAPH]
            endpoint = dataset_url(virtuoso.query_url, graphs, named=per_article)
        assert done.returncode == 0, done.stderr
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=PARALLEL_QUERIES))
        remote = {
            query.stem: send_json(pool, query.stem, parameter_values(query), endpoint)
            for query in SAVED_QUERIES if parameter_values(query) is not None
        }
        yield mode, endpoint, remote
        for future in remote.values():
            future.cancel()


def answers(document: dict, normalise=lambda term: term, distinct: bool = False) -> tuple:
    """A query's JSON answer as a comparable value: rows as a sorted multiset (a set where
    `distinct`), or the boolean."""
    if "boolean" in document:
        return ("ask", document["boolean"])
    rows = [json.dumps({k: normalise(v) for k, v in row.items()}, sort_keys=True) for row in document["results"]["bindings"]]
    return ("select", sorted(document["head"].get("vars", [])), sorted(set(rows) if distinct else rows))


def selects_distinct(text: str) -> bool:
    """Whether the query's own SELECT (the first in the text; sub-selects come after it) is DISTINCT."""
    text = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    found = re.search(r"\bSELECT\s+(DISTINCT\b)?", text, re.IGNORECASE)
    return bool(found and found.group(1))


def rows_apart(found: tuple, expected: tuple) -> str:
    """The rows only the store gave and those only the embedded engine gave, one per line."""
    if found[0] != "select" or expected[0] != "select":
        return f"store: {found}\nembedded: {expected}"
    only_found = Counter(found[2]) - Counter(expected[2])
    only_expected = Counter(expected[2]) - Counter(found[2])
    return "\n".join([f"variables: {found[1]} vs {expected[1]}"]
                     + [f"only from the store: {row}" for row in sorted(only_found.elements())]
                     + [f"only from cubakg: {row}" for row in sorted(only_expected.elements())])


def parameter_values(query: Path) -> list[str] | None:
    """NAME=VALUE for the saved query's required parameters; None when a value is missing."""
    from cubakg.query.saved import read_saved_query

    given = PARAMETERS.get(query.stem, {})
    if any(name not in given for name in read_saved_query(query).required_parameters):
        return None
    return [f"{name}={value}" for name, value in given.items()]


def uses_named_graphs(query: Path) -> bool:
    # Comments cut at "#" (this may also cut an IRI, which cannot hold the keyword anyway).
    text = "\n".join(line.split("#", 1)[0] for line in query.read_text(encoding="utf-8").splitlines())
    return re.search(r"\bGRAPH\b", text, re.IGNORECASE) is not None


@pytest.mark.parametrize("query", SAVED_QUERIES, ids=[q.stem for q in SAVED_QUERIES])
def test_saved_query_answers_the_same_on_the_endpoint(loaded_endpoint, query, request):
    mode, endpoint, remote = loaded_endpoint
    if not mode.endswith("per-article") and uses_named_graphs(query):
        pytest.skip("asks for named graphs, which a one-graph load does not keep (see docs/loading.md)")
    if query.stem not in remote:
        pytest.skip(f"no test value for {query.stem}'s parameters: add them to load_cases/query_parameters.yaml")
    if mode.startswith("virtuoso") and query.stem in VIRTUOSO_DEVIATIONS and RELEASE == REAL_RELEASE:
        request.applymarker(pytest.mark.xfail(reason=VIRTUOSO_DEVIATIONS[query.stem], strict=True))
    data = RELEASE / (GRAPH_TRIG if mode.endswith("per-article") else GRAPH_TURTLE)
    embedded = run_json(query.stem, parameter_values(query) or [], data=[data])
    if mode.startswith("virtuoso"):
        # Virtuoso 7.2 sometimes gives a row of a SELECT DISTINCT twice (seen on cq03, whose OPTIONAL
        # holds a DISTINCT sub-select, in one test run of three: it depends on the plan it picks from
        # what it has stored; docs/loading.md). Its rows are then compared as a set: a row missing or
        # added still fails.
        found = answers(remote[query.stem].result(), virtuoso_term, distinct=selects_distinct(query.read_text(encoding="utf-8")))
    else:
        found = answers(remote[query.stem].result())
    expected = answers(embedded)
    assert found == expected, rows_apart(found, expected)


@pytest.mark.parametrize(("text", "distinct"), [
    ("# SELECT DISTINCT in a comment\nSELECT ?a WHERE { { SELECT DISTINCT ?a WHERE { ?a ?b ?c } } }", False),
    ("PREFIX x: <http://e/>\nselect  distinct ?a WHERE { ?a ?b ?c }", True),
    ("SELECT ?distinct WHERE { ?distinct ?b ?c }", False),
    ("ASK { ?a ?b ?c }", False),
])
def test_selects_distinct_reads_the_query_s_own_select(text, distinct):
    assert selects_distinct(text) is distinct


def test_saved_queries_exist():
    # Guards the parity test above from passing vacuously once queries are expected.
    if not REAL_RELEASE_BUILT:
        pytest.skip("dist/ not built yet")
    assert SAVED_QUERIES, f"no saved queries in {QUERIES_DIR}"
