"""Every saved query gives the same answer on the release's store, on its Turtle, and through a real Oxigraph server.

Order is compared too when the query has ORDER BY (every saved query orders all
its columns, so the order is total); otherwise rows are compared as a multiset.
The release under test is $CUBAKG_RELEASE_DIR, else dist/. The store, the TriG
loaded in memory and rdflib are compared on a 10-article corpus in test_query_store.py.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from cubakg.query import load_saved_queries, parse_parameter, run_query, run_text

REPO = Path(__file__).resolve().parents[1]
RELEASE = Path(os.environ.get("CUBAKG_RELEASE_DIR", REPO / "dist")).resolve()
TRIG = RELEASE / "cubakg.trig"
TURTLE = RELEASE / "cubakg.ttl"
MINI = Path(__file__).parent / "queries" / "mini.trig"

SAVED = load_saved_queries()
# A value for each required parameter, so that every saved query can run.
EXAMPLE_PARAMETERS = {"entity": ["entity=De Cossio"], "article-facts": ["article=003"],
                      "cq11-evidence": ["fact=<https://w3id.org/cubakg/id/event/talks-round-washington-2022-04>"]}
needs_release = pytest.mark.skipif(not TRIG.is_file(), reason=f"no release at {RELEASE} (run `cubakg build`)")


def answer(name: str, **where):
    parameters = [parse_parameter(p) for p in EXAMPLE_PARAMETERS.get(name, [])]
    return run_query(name, parameters, **where)


def comparable(result, ordered: bool):
    rows = [tuple(sorted(row.items())) for row in result.rows]
    return rows if ordered else Counter(rows)


def test_every_required_parameter_has_an_example():
    for query in SAVED:
        assert set(query.required_parameters) <= {p.split("=")[0] for p in EXAMPLE_PARAMETERS.get(query.name, [])}


@needs_release
@pytest.mark.parametrize("name", [q.name for q in SAVED])
def test_turtle_load_gives_the_same_answer_as_the_store(name):
    assert TURTLE.is_file()
    from_store = answer(name, release=RELEASE)
    from_turtle = answer(name, data=[TURTLE])
    assert from_store.result.variables == from_turtle.result.variables
    assert comparable(from_store.result, True) == comparable(from_turtle.result, True)


def test_a_triple_in_two_named_graphs_counts_once_in_the_union():
    query = "SELECT ?place WHERE { ?round <https://schema.org/location> ?place }"
    for engine in ("oxigraph", "rdflib"):
        assert len(run_text(query, data=[MINI], engine=engine).result.rows) == 1, engine
    graphs = "SELECT ?g WHERE { GRAPH ?g { ?round <https://schema.org/location> ?place } }"
    for engine in ("oxigraph", "rdflib"):
        assert len(run_text(graphs, data=[MINI], engine=engine).result.rows) == 2, engine


@pytest.fixture(scope="module")
def oxigraph_server():
    """A real Oxigraph server on 127.0.0.1 with the release loaded; stopped by pid afterwards."""
    if not TRIG.is_file():
        pytest.skip(f"no release at {RELEASE}")
    from cubakg.serve import OxigraphServer

    server = OxigraphServer(files=[TRIG], host="127.0.0.1", union_default_graph=True)
    with server:
        yield server
    assert server.process is None or server.process.poll() is not None


@needs_release
@pytest.mark.parametrize("name", [q.name for q in SAVED])
def test_the_oxigraph_server_agrees_with_the_embedded_engine(oxigraph_server, name):
    local = answer(name, release=RELEASE)
    remote = answer(name, endpoint=oxigraph_server.query_url)
    assert remote.result.variables == local.result.variables
    assert comparable(remote.result, local.ordered) == comparable(local.result, local.ordered)


@needs_release
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_json_ld_release_gives_the_same_answer(engine):
    jsonld = RELEASE / "cubakg.jsonld"
    assert jsonld.is_file()
    for name in ("cq05-migration-statistics", "timeline"):
        from_trig = answer(name, release=RELEASE)
        from_jsonld = answer(name, data=[jsonld], engine=engine)
        assert comparable(from_jsonld.result, True) == comparable(from_trig.result, True)
