"""`cubakg load` and `cubakg query --endpoint` against a real Virtuoso: Debian's virtuoso-opensource
(7.2), started by the tests on 127.0.0.1 in a temporary database folder (tests/load_support.py),
one server for the session. Skipped, with the reason, where Virtuoso is not installed.

Virtuoso has no default graph of its own (a query without FROM sees every graph, its system
graphs too), speaks HTTP Digest on its authenticated endpoints, does not apply a SPARQL Update
request as one transaction, and returns booleans as 1/0: each is met here.
"""

from __future__ import annotations

import urllib.parse

import pytest

from cubakg.resources import SHARED_GRAPH, article_graph
from load_support import (
    MINI_RELEASE, REAL_RELEASE, REAL_RELEASE_BUILT, VIRTUOSO_MISSING, ForwardingProxy, Scripted, cli,
    count_in_graph, graph_names, graph_triples, lose_a_triple, lose_a_triple_in_the_swap, release_triples,
    shared_virtuoso, sparql_update, store_triples, swallow_the_swap, swap_then_break, break_at_second_graph,
    virtuoso_term,
)

pytestmark = pytest.mark.skipif(bool(VIRTUOSO_MISSING), reason=VIRTUOSO_MISSING or "")

ONE_GRAPH = "https://example.org/cubakg-all"
MINI_GRAPHS = {SHARED_GRAPH: 10, article_graph("003_04d8b4ff46bc92ce"): 13, article_graph("000_ee45959db7efa7ef"): 13}

RELEASES = [
    pytest.param(MINI_RELEASE, id="mini-release"),
    pytest.param(REAL_RELEASE, id="real-release",
                 marks=pytest.mark.skipif(not REAL_RELEASE_BUILT, reason="dist/ not built yet: run `cubakg build`")),
]


@pytest.fixture(scope="module")
def virtuoso():
    server = shared_virtuoso()
    # An endpoint that also takes HTTP Basic (Virtuoso's HP_AUTH_SQL_USER accepts Basic, and challenges for Digest).
    server.isql("DB.DBA.VHOST_REMOVE (lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-basic');\n"
                "DB.DBA.VHOST_DEFINE (lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-basic', ppath=>'/!sparql/', "
                "is_dav=>1, vsp_user=>'dba', opts=>vector('noinherit', 1), auth_fn=>'DB.DBA.HP_AUTH_SQL_USER', "
                "realm=>'SPARQL', sec=>'basic');\n")
    return server


def load(virtuoso, release, *args: str, env=None, endpoint=None, store=None, update=None):
    return cli("load", "--endpoint", endpoint or virtuoso.query_url, "--store", store or virtuoso.store_url,
               "--update", update or virtuoso.update_url, "--release", str(release), *args,
               env=virtuoso.credentials_env if env is None else env)


def cubakg_graphs(virtuoso) -> dict:
    """The graphs a load may touch (the release's, the one-graph target, staging and backups), with their triples."""
    names = {g for g in graph_names(virtuoso.query_url)
             if g.startswith(("https://w3id.org/cubakg/", "https://example.org/", "urn:uuid:"))}
    return {g: graph_triples(virtuoso.query_url, g) for g in sorted(names)}


@pytest.mark.parametrize("release", RELEASES)
def test_a_digest_load_into_per_article_graphs_matches_the_trig(virtuoso, release):
    done = load(virtuoso, release, "--per-article-graphs")
    assert done.returncode == 0, done.stderr
    assert f"staged via Graph Store Protocol ({virtuoso.store_url})" in done.stdout
    for graph, triples in release_triples(release).items():
        assert store_triples(virtuoso.query_url, graph, virtuoso_term) == triples, graph
    assert not any(g.startswith("urn:uuid:") for g in graph_names(virtuoso.query_url))  # no staging or backup left
    assert virtuoso.password not in done.stdout + done.stderr


@pytest.mark.parametrize("layout", [["--per-article-graphs"], ["--graph", ONE_GRAPH]], ids=["per-article", "graph"])
def test_loading_twice_leaves_the_same_triples(virtuoso, layout):
    assert load(virtuoso, MINI_RELEASE, *layout).returncode == 0
    after_first = cubakg_graphs(virtuoso)
    target = SHARED_GRAPH if layout[0] == "--per-article-graphs" else ONE_GRAPH
    sparql_update(virtuoso.update_url, f'INSERT DATA {{ GRAPH <{target}> {{ <https://example.org/s> <https://example.org/p> "stray" }} }}',
                  auth=virtuoso.digest())
    second = load(virtuoso, MINI_RELEASE, *layout)
    assert second.returncode == 0, second.stderr
    assert cubakg_graphs(virtuoso) == after_first


def test_the_default_graph_is_refused_with_nothing_changed(virtuoso):
    assert load(virtuoso, MINI_RELEASE, "--per-article-graphs").returncode == 0
    before = cubakg_graphs(virtuoso)
    done = load(virtuoso, MINI_RELEASE)
    assert done.returncode == 2
    assert "is the union of its named graphs (as in Virtuoso" in done.stderr and "Nothing was changed" in done.stderr
    assert "--per-article-graphs or --graph IRI" in done.stderr
    assert cubakg_graphs(virtuoso) == before


@pytest.mark.parametrize("path, scheme", [("/sparql-auth", "Digest"), ("/sparql-basic", "Basic")])
def test_digest_and_basic_logins(virtuoso, path, scheme):
    # A proxy passing everything through, Authorization included, records how cubakg logs in.
    with ForwardingProxy(virtuoso.base_url, forward_authorization=True) as proxy:
        done = load(virtuoso, MINI_RELEASE, "--graph", ONE_GRAPH, "--protocol", "update", update=f"{proxy.base_url}{path}")
    assert done.returncode == 0, done.stderr
    assert count_in_graph(virtuoso.query_url, ONE_GRAPH) == 36
    schemes = [(a or "none").split()[0] for a in proxy.authorizations]
    assert schemes[-1] == scheme and set(schemes) <= {"Basic", "none", "Digest"}
    if scheme == "Basic":
        assert set(schemes) == {"Basic"}


def test_a_wrong_password_is_refused_by_virtuoso(virtuoso):
    env = {**virtuoso.credentials_env, "CUBAKG_ENDPOINT_PASSWORD": "not-the-password"}
    done = load(virtuoso, MINI_RELEASE, "--per-article-graphs", env=env)
    assert done.returncode == 3 and "refused the credentials" in done.stderr and "(HTTP 401)" in done.stderr
    assert "not-the-password" not in done.stderr


@pytest.mark.parametrize("script", [break_at_second_graph, lose_a_triple, swallow_the_swap, swap_then_break,
                                    lose_a_triple_in_the_swap])
def test_a_load_failing_midway_leaves_virtuoso_as_it_was(virtuoso, script):
    # Virtuoso applies an update request step by step, not as one transaction: the undo must not assume otherwise.
    assert load(virtuoso, MINI_RELEASE, "--per-article-graphs").returncode == 0
    sparql_update(virtuoso.update_url, f'INSERT DATA {{ GRAPH <{SHARED_GRAPH}> {{ <https://example.org/s> <https://example.org/p> "old" }} }}',
                  auth=virtuoso.digest())
    before = cubakg_graphs(virtuoso)
    with Scripted(virtuoso.base_url, script, update_path="/sparql-auth", upstream_auth=virtuoso.digest()) as proxy:
        done = load(virtuoso, MINI_RELEASE, "--per-article-graphs", "--batch-size", "7", env={},
                    endpoint=f"{proxy.base_url}/sparql", store=f"{proxy.base_url}/sparql-graph-crud-auth",
                    update=f"{proxy.base_url}/sparql-auth")
    assert done.returncode in (1, 3), done.stderr
    assert "Nothing was changed" in done.stderr, done.stderr
    assert cubakg_graphs(virtuoso) == before


def test_query_endpoint_works_on_virtuoso(virtuoso):
    assert load(virtuoso, MINI_RELEASE, "--per-article-graphs").returncode == 0
    # overview: a saved query Virtuoso 7.2 answers as the standard says (see VIRTUOSO_DEVIATIONS),
    # on the release's graphs only (Virtuoso's default graph is all graphs, its own among them).
    graphs = urllib.parse.urlencode([("default-graph-uri", g) for g in release_triples(MINI_RELEASE) if g])
    embedded = cli("query", "overview", "--data", str(MINI_RELEASE / "cubakg.trig"), "--format", "csv")
    anonymous = cli("query", "overview", "--endpoint", f"{virtuoso.query_url}?{graphs}", "--format", "csv")
    with_digest = cli("query", "overview", "--endpoint", f"{virtuoso.update_url}?{graphs}", "--format", "csv",
                      env=virtuoso.credentials_env)
    assert embedded.returncode == anonymous.returncode == with_digest.returncode == 0, anonymous.stderr + with_digest.stderr
    rows = sorted(embedded.stdout.splitlines())
    assert len(rows) > 1 and sorted(anonymous.stdout.splitlines()) == rows == sorted(with_digest.stdout.splitlines())


def test_an_ask_query_reads_as_a_boolean(virtuoso, tmp_path):
    # Virtuoso 7.2 answers ASK with a one-column table; cubakg reads it as the boolean it means.
    assert load(virtuoso, MINI_RELEASE, "--per-article-graphs").returncode == 0
    for pattern, expected in (("?s a <https://schema.org/NewsArticle>", "true"), ("?s a <https://example.org/Nothing>", "false")):
        query = tmp_path / "ask.rq"
        query.write_text(f"ASK {{ {pattern} }}")
        done = cli("query", str(query), "--endpoint", virtuoso.query_url, "--format", "json")
        assert done.returncode == 0, done.stderr
        assert f'"boolean": {expected}' in done.stdout.replace('"boolean":' + expected, f'"boolean": {expected}')
