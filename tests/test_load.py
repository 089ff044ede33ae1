"""`cubakg load` against a real Oxigraph server on 127.0.0.1: where the triples go, and that a
failed load leaves the store exactly as it was.

Expected counts for the miniature release are counted by hand from
tests/load_cases/mini-release/cubakg.trig; the real release (dist/), when built, is
checked against its own TriG read by a second parser (pyoxigraph). The CLI runs in
this process (tests/load_support.py) except where only a child process shows it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from cubakg.resources import GRAPH_TRIG, SHARED_GRAPH, article_graph
from cubakg.serve import OxigraphServer
from load_support import (
    MINI_RELEASE, REAL_RELEASE, REAL_RELEASE_BUILT, Scripted, SilentServer, StatusServer, break_at_second_graph,
    break_for_good_at_second_graph, cli, count_in_graph, fail_at_second_graph, graph_names, graph_triples,
    is_the_swap, lose_a_triple, lose_a_triple_in_the_swap, release_triples, shared_oxigraph, sparql_select, sparql_update,
    store_triples, swallow_the_swap, swap_then_break, unused_port,
)

CASES = Path(__file__).parent / "load_cases"
ARTICLE_003 = "003_04d8b4ff46bc92ce"
ARTICLE_000 = "000_ee45959db7efa7ef"
ID = "https://w3id.org/cubakg/id/"

# Counted by hand in mini-release/cubakg.trig (see its header comment).
MINI_COUNTS = {SHARED_GRAPH: 10, article_graph(ARTICLE_003): 13, article_graph(ARTICLE_000): 13}
MINI_UNION = 36

RELEASES = [
    pytest.param(MINI_RELEASE, id="mini-release"),
    pytest.param(
        REAL_RELEASE, id="real-release",
        marks=pytest.mark.skipif(not REAL_RELEASE_BUILT, reason="dist/ not built yet: run `cubakg build`"),
    ),
]


@pytest.fixture
def oxigraph():
    """The session's plain Oxigraph server, emptied."""
    server = shared_oxigraph()
    sparql_update(server.update_url, "DROP ALL")
    return server


def load(server_or_url, release: Path, *args: str, env=None):
    url = server_or_url if isinstance(server_or_url, str) else server_or_url.query_url
    return cli("load", "--endpoint", url, "--release", str(release), *args, env=env)


def table_rows(stdout: str) -> dict[str, list[str]]:
    """The report's rows: graph label → [before, expected, loaded]."""
    rows = {}
    for line in stdout.splitlines():
        cells = line.rsplit(None, 3)
        if len(cells) == 4 and all(c.isdigit() or c == "?" for c in cells[1:]):
            rows[cells[0]] = cells[1:]
    return rows


def snapshot(query_url: str) -> dict:
    """Everything a store holds: each named graph's triples, and the default graph's."""
    return {graph: graph_triples(query_url, graph) for graph in [None, *sorted(graph_names(query_url))]}


XSD = "http://www.w3.org/2001/XMLSchema#"
# Oxigraph stores integers of a derived XSD type as xsd:integer (its value encoding keeps
# only primitive types), so `"155"^^xsd:nonNegativeInteger` (oa:start) comes back as
# `"155"^^xsd:integer`. Same value, same triple count; the expected side says so explicitly.
OXIGRAPH_INTEGER_TYPES = {
    XSD + name for name in (
        "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long", "int",
        "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
}


def as_oxigraph_stores_it(triple):
    import pyoxigraph

    value = triple.object
    if isinstance(value, pyoxigraph.Literal) and value.datatype.value in OXIGRAPH_INTEGER_TYPES:
        value = pyoxigraph.Literal(value.value, datatype=pyoxigraph.NamedNode(XSD + "integer"))
    return pyoxigraph.Triple(triple.subject, triple.predicate, value)


# -- loading the miniature release: counts by hand ---------------------------------


@pytest.mark.parametrize("protocol", ["auto", "gsp", "update"])
@pytest.mark.parametrize(
    "layout_args, expected",
    [
        pytest.param([], {None: MINI_UNION}, id="default-graph"),
        pytest.param(["--graph", "https://example.org/cubakg"], {"https://example.org/cubakg": MINI_UNION}, id="graph"),
        pytest.param(["--per-article-graphs"], MINI_COUNTS, id="per-article"),
    ],
)
def test_load_puts_every_triple_where_asked(oxigraph, protocol, layout_args, expected):
    done = load(oxigraph, MINI_RELEASE, "--protocol", protocol, "--batch-size", "7", *layout_args)
    assert done.returncode == 0, done.stderr
    rows = table_rows(done.stdout)
    for graph, count in expected.items():
        assert count_in_graph(oxigraph.query_url, graph) == count
        assert rows[graph or "(default graph)"] == ["0", str(count), str(count)], done.stdout
    total = sum(expected.values())
    assert rows["total"] == ["0", str(total), str(total)]
    # Only the targets exist now: the staging, backup and probe graphs are gone.
    assert graph_names(oxigraph.query_url) == {g for g in expected if g}
    used = "SPARQL Update" if protocol == "update" else "Graph Store Protocol"
    assert f"staged via {used}" in done.stdout
    assert f"swapped in with SPARQL Update ({oxigraph.update_url})" in done.stdout
    assert f"changed: the {len(expected)} graph(s) above, replaced" in done.stdout
    assert done.stderr == ""  # quiet in a pipe


# -- idempotence -------------------------------------------------------------------


@pytest.mark.parametrize("release, protocol", [
    pytest.param(MINI_RELEASE, "gsp", id="mini-release-gsp"),
    pytest.param(MINI_RELEASE, "update", id="mini-release-update"),
    pytest.param(REAL_RELEASE, "auto", id="real-release",
                 marks=pytest.mark.skipif(not REAL_RELEASE_BUILT, reason="dist/ not built yet: run `cubakg build`")),
])
@pytest.mark.parametrize("layout_args", [[], ["--per-article-graphs"]], ids=["default-graph", "per-article"])
def test_loading_twice_leaves_the_same_triples(oxigraph, release, protocol, layout_args):
    first = load(oxigraph, release, "--protocol", protocol, *layout_args)
    assert first.returncode == 0, first.stderr
    graphs = sorted(release_triples(release, as_oxigraph_stores_it), key=str) if layout_args else [None]
    after_first = snapshot(oxigraph.query_url)

    # A stray triple in a target graph must be gone after the second load: the graph is replaced.
    target = graphs[-1]
    stray = "<https://example.org/stray> <https://example.org/p> \"left over\" ."
    sparql_update(oxigraph.update_url, f"INSERT DATA {{ GRAPH <{target}> {{ {stray} }} }}" if target
                  else f"INSERT DATA {{ {stray} }}")
    before_second = count_in_graph(oxigraph.query_url, target)

    second = load(oxigraph, release, "--protocol", protocol, *layout_args)
    assert second.returncode == 0, second.stderr
    assert snapshot(oxigraph.query_url) == after_first
    assert table_rows(second.stdout)[target or "(default graph)"][0] == str(before_second)


def test_graphs_that_are_not_targets_are_left_alone(oxigraph):
    other = "<https://example.org/s> <https://example.org/p> \"mine\""
    sparql_update(oxigraph.update_url, f"INSERT DATA {{ GRAPH <https://example.org/mine> {{ {other} }} }}")
    assert load(oxigraph, MINI_RELEASE, "--per-article-graphs").returncode == 0
    assert count_in_graph(oxigraph.query_url, "https://example.org/mine") == 1
    assert graph_names(oxigraph.query_url) == {"https://example.org/mine", *MINI_COUNTS}


# -- per-article graphs --------------------------------------------------------------


@pytest.mark.parametrize("release", RELEASES)
def test_per_article_graphs_match_the_trig_exactly(oxigraph, release):
    done = load(oxigraph, release, "--per-article-graphs")
    assert done.returncode == 0, done.stderr
    expected = release_triples(release, as_oxigraph_stores_it)
    assert graph_names(oxigraph.query_url) == {g for g in expected if g}
    for graph, triples in expected.items():
        assert store_triples(oxigraph.query_url, graph) == triples, graph


def test_the_mini_release_has_the_layout_of_the_model():
    # docs/model.md: the shared graph and one per article (counted by hand in the file).
    assert {g: len(t) for g, t in release_triples(MINI_RELEASE).items()} == MINI_COUNTS


@pytest.mark.parametrize("release", RELEASES)
def test_each_article_graph_holds_its_own_facts_and_nothing_else(oxigraph, release):
    assert load(oxigraph, release, "--per-article-graphs").returncode == 0
    # Every fact derived from an article sits in that article's graph.
    rows = sparql_select(oxigraph.query_url, """
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX schema: <https://schema.org/>
        SELECT DISTINCT ?g ?article WHERE {
          GRAPH ?g { ?fact prov:wasDerivedFrom ?article }
          GRAPH ?any { ?article a schema:NewsArticle }
        }""")
    pairs = {(r["g"]["value"], r["article"]["value"]) for r in rows}
    articles = {article.rsplit("/", 1)[1] for _, article in pairs}
    assert len(articles) >= 2 and pairs == {(article_graph(a), f"{ID}article/{a}") for a in articles}
    # Nothing else there: an article graph names no other article (no facts, evidence or
    # time nodes of another article), and holds none of the registry's statements, which
    # live in the shared graph; the shared graph names no article and cites none.
    registry_predicates = ("rdfs:label", "skos:altLabel", "skos:prefLabel", "owl:sameAs", "skos:inScheme", "org:postIn")
    for article in articles:
        mentions = " || ".join(f'CONTAINS(STR(?s), "{o}") || CONTAINS(STR(?o), "{o}")' for o in articles - {article})
        strays = sparql_select(oxigraph.query_url, f"""
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            PREFIX owl: <http://www.w3.org/2002/07/owl#>
            PREFIX org: <http://www.w3.org/ns/org#>
            SELECT ?s ?p ?o WHERE {{
              GRAPH <{article_graph(article)}> {{ ?s ?p ?o }}
              FILTER ({mentions} || ?p IN ({", ".join(registry_predicates)}))
            }}""")
        assert strays == [], (article, strays[:5])
    mentions = " || ".join(f'CONTAINS(STR(?s), "{a}") || CONTAINS(STR(?o), "{a}")' for a in articles)
    shared_strays = sparql_select(oxigraph.query_url, f"""
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?s ?p ?o WHERE {{
          GRAPH <{SHARED_GRAPH}> {{ ?s ?p ?o }}
          FILTER ({mentions} || ?p = prov:wasDerivedFrom)
        }}""")
    assert shared_strays == [], shared_strays[:5]


def test_per_article_graphs_hand_checked_facts(oxigraph):
    assert load(oxigraph, MINI_RELEASE, "--per-article-graphs").returncode == 0
    evidence_003 = f"{ID}evidence/{ARTICLE_003}/154-224"
    statement_000 = f"{ID}fact/{ARTICLE_000}/cossio-not-enough"
    for node, home in ((evidence_003, article_graph(ARTICLE_003)), (statement_000, article_graph(ARTICLE_000))):
        graphs = {r["g"]["value"] for r in sparql_select(oxigraph.query_url, f"SELECT DISTINCT ?g {{ GRAPH ?g {{ <{node}> ?p ?o }} }}")}
        assert graphs == {home}
    quote = sparql_select(oxigraph.query_url, f"""
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?exact {{ GRAPH <{article_graph(ARTICLE_003)}> {{ <{evidence_003}/quote> oa:exact ?exact }} }}""")
    assert [r["exact"]["value"] for r in quote] == ["American and Cuban officials are due to meet in Washington on Thursday"]


# -- a default graph that is the union of the named graphs ------------------------------------


@pytest.fixture(scope="module")
def union_server():
    """Like `cubakg serve`: Oxigraph with a union default graph, already holding the mini release's graphs."""
    with OxigraphServer([MINI_RELEASE / GRAPH_TRIG], union_default_graph=True) as server:
        yield server


@pytest.mark.parametrize("path", ["/query", "/sparql"])  # /sparql: a wrong but plausible URL, which Oxigraph answers
def test_a_union_default_graph_is_refused_before_anything_is_written(union_server, path):
    before = snapshot(union_server.query_url)
    done = load(f"{union_server.base_url}{path}", MINI_RELEASE)
    assert done.returncode == 2
    assert "is the union of its named graphs" in done.stderr and "Nothing was changed" in done.stderr
    assert "--per-article-graphs or --graph IRI" in done.stderr  # the CLI's words for the layout
    assert done.stdout == ""
    assert snapshot(union_server.query_url) == before  # not a triple more, no graph more


def test_named_graphs_load_fine_where_the_default_graph_is_a_union(union_server):
    done = load(union_server, MINI_RELEASE, "--per-article-graphs")
    assert done.returncode == 0, done.stderr
    assert {k: v[0] for k, v in table_rows(done.stdout).items() if k != "total"} == {g: str(n) for g, n in MINI_COUNTS.items()}


def test_an_oxigraph_query_url_ending_in_sparql_loads_through_the_derived_update_url(oxigraph):
    # Oxigraph also answers queries at /sparql; /data (the Fuseki rule) is not its Graph Store, so
    # `auto` stages with SPARQL Update at /update.
    done = load(f"{oxigraph.base_url}/sparql", MINI_RELEASE)
    assert done.returncode == 0, done.stderr
    assert "staged via SPARQL Update" in done.stdout
    assert count_in_graph(oxigraph.query_url, None) == MINI_UNION
    assert graph_names(oxigraph.query_url) == set()


# -- loads that fail midway leave the store as it was ----------------------------------------


MIDWAY = [
    pytest.param(break_at_second_graph, 3, ["broke the connection", "(PUT)", "staging graphs were removed"], id="connection-broken-after-first-graph"),
    pytest.param(fail_at_second_graph, 3, ["HTTP 500", "disk full", "staging graphs were removed"], id="server-error-after-first-graph"),
    pytest.param(lose_a_triple, 1, ["does not hold what was staged", "MISMATCH", "staging graphs were removed"], id="count-mismatch-in-staging"),
    pytest.param(swallow_the_swap, 1, ["did not move every staging graph in", "holds what it held before"], id="swap-not-done"),
    pytest.param(swap_then_break, 3, ["broke the connection", "holds what it held before"], id="swap-done-answer-lost"),
    pytest.param(lose_a_triple_in_the_swap, 1, ["does not hold what was loaded", "holds what it held before"], id="count-mismatch-after-swap"),
]
# Staged with SPARQL Update instead of the Graph Store, the swap and its undo are the same: one case suffices.
MIDWAY_UPDATE = [pytest.param(swap_then_break, 3, ["broke the connection", "holds what it held before"],
                              id="swap-done-answer-lost-update")]


@pytest.mark.parametrize("script, exit_code, words, protocol",
                         [pytest.param(*p.values, "gsp", id=p.id) for p in MIDWAY]
                         + [pytest.param(*p.values, "update", id=p.id) for p in MIDWAY_UPDATE])
def test_a_load_failing_midway_leaves_the_targets_as_they_were(oxigraph, script, exit_code, words, protocol):
    # The store holds an earlier load (plus a stray triple) and a graph of someone else's.
    assert load(oxigraph, MINI_RELEASE, "--per-article-graphs").returncode == 0
    sparql_update(oxigraph.update_url, f"""INSERT DATA {{ GRAPH <{SHARED_GRAPH}> {{ <https://example.org/s> <https://example.org/p> "old" }}
                                                     GRAPH <https://example.org/mine> {{ <https://example.org/s> <https://example.org/p> "mine" }} }}""")
    before = snapshot(oxigraph.query_url)
    with Scripted(oxigraph.base_url, script) as proxy:
        done = load(f"{proxy.base_url}/query", MINI_RELEASE, "--per-article-graphs", "--batch-size", "7",
                    "--protocol", protocol)
    assert done.returncode == exit_code, done.stderr
    for fragment in words:
        assert fragment in done.stderr, (fragment, done.stderr)
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert snapshot(oxigraph.query_url) == before  # every graph as it was; no staging or backup graph left


def test_a_swap_in_several_requests_that_fails_halfway_is_undone(oxigraph, tmp_path):
    # 60 graphs: the swap goes in several requests; the store applies the first, then breaks.
    graphs = [f"https://example.org/graph/{n}" for n in range(60)]
    (tmp_path / GRAPH_TRIG).write_text("".join(
        f'<{g}> {{ <https://example.org/s{n}> <https://example.org/p> "v{n}" , "w{n}" . }}\n' for n, g in enumerate(graphs)))
    assert load(oxigraph, tmp_path, "--per-article-graphs").returncode == 0
    sparql_update(oxigraph.update_url, f'INSERT DATA {{ GRAPH <{graphs[0]}> {{ <https://example.org/s> <https://example.org/p> "old" }} }}')
    before = snapshot(oxigraph.query_url)

    def break_second_swap_request(proxy, method, path, body):
        if b"ADD " in body:
            proxy.swaps = getattr(proxy, "swaps", 0) + 1
            return "forward-then-drop" if proxy.swaps == 2 else "forward"
        return "forward"

    with Scripted(oxigraph.base_url, break_second_swap_request) as proxy:
        done = load(f"{proxy.base_url}/query", tmp_path, "--per-article-graphs")
    assert done.returncode == 3, done.stderr
    assert "holds what it held before" in done.stderr
    assert snapshot(oxigraph.query_url) == before


def test_a_load_whose_endpoint_stays_broken_names_the_staging_graphs_left_behind(oxigraph):
    assert load(oxigraph, MINI_RELEASE, "--per-article-graphs").returncode == 0
    before = snapshot(oxigraph.query_url)
    with Scripted(oxigraph.base_url, break_for_good_at_second_graph) as proxy:
        done = load(f"{proxy.base_url}/query", MINI_RELEASE, "--per-article-graphs", "--batch-size", "7")
    assert done.returncode == 3
    assert "the target graphs are as they were" in done.stderr and "could not be removed" in done.stderr
    left = graph_names(oxigraph.query_url) - set(before)
    assert left and all(f"<{graph}>" in done.stderr for graph in left)  # named, to drop by hand
    assert {graph: graph_triples(oxigraph.query_url, graph) for graph in before} == before


def test_a_swap_that_outlasts_the_timeout_is_not_undone_behind_the_stores_back(oxigraph):
    import time

    def slow_swap(proxy, method, path, body):
        if is_the_swap(proxy, body):
            time.sleep(1.5)  # the store is still at it when the client gives up
        return "forward"

    with Scripted(oxigraph.base_url, slow_swap) as proxy:
        done = load(f"{proxy.base_url}/query", MINI_RELEASE, "--per-article-graphs", "--timeout", "1")
        time.sleep(0.7)  # let the swap finish
        after_timeout = len(proxy.requests)
    assert done.returncode == 3
    assert "did not answer within 1 s" in done.stderr and "The swap may still be running" in done.stderr
    assert "To restore by hand" in done.stderr
    assert proxy.requests[-1] == "POST /update"  # nothing sent after the swap: no undo racing it
    assert after_timeout == len(proxy.requests)
    assert {g: count_in_graph(oxigraph.query_url, g) for g in MINI_COUNTS} == MINI_COUNTS  # the swap did finish


# -- failures ---------------------------------------------------------------------------

FAILURES = yaml.safe_load((CASES / "failures.yaml").read_text(encoding="utf-8"))


def failing_endpoint(case: dict):
    kind = case["server"]
    if kind == "silent":
        return SilentServer()
    if kind == "status":
        return StatusServer(case["status"], case.get("body", "").encode(), case.get("location"))
    return None


@pytest.mark.parametrize("case", FAILURES, ids=[c["name"] for c in FAILURES])
def test_failing_endpoints_give_exit_code_and_message(case):
    server = failing_endpoint(case)
    if server is None:
        done = load(f"http://127.0.0.1:{unused_port()}/query", MINI_RELEASE, *case.get("args", []))
    else:
        with server:
            done = load(f"{server.base_url}/query", MINI_RELEASE, *case.get("args", []))
    assert done.returncode == case["exit"], done.stderr
    assert done.stdout == ""  # nothing that could pass for a report of success
    for fragment in case["stderr"]:
        assert fragment.lower() in done.stderr.lower(), (fragment, done.stderr)
    assert "Traceback" not in done.stderr


# -- usage and input errors ---------------------------------------------------------------------


def test_usage_and_input_errors(oxigraph, tmp_path):
    both = load(oxigraph, MINI_RELEASE, "--graph", "https://example.org/g", "--per-article-graphs")
    assert (both.returncode, "exclude each other" in both.stderr) == (2, True)

    relative = load(oxigraph, MINI_RELEASE, "--graph", "not an iri")
    assert relative.returncode == 2
    assert "the graph name must be an absolute IRI" in relative.stderr and "--graph IRI" in relative.stderr

    underivable = load(f"{oxigraph.base_url}/repositories/cubakg", MINI_RELEASE)
    assert underivable.returncode == 2 and "--update URL" in underivable.stderr

    bad_protocol = load(oxigraph, MINI_RELEASE, "--protocol", "ftp")
    assert bad_protocol.returncode == 2 and "--protocol auto, gsp or update" in bad_protocol.stderr

    missing = load(oxigraph, tmp_path)
    assert missing.returncode == 3
    assert f"{tmp_path / 'cubakg.ttl'}: release file not found" in missing.stderr

    (tmp_path / GRAPH_TRIG).write_text("<https://example.org/g> {\n  <https://example.org/s> <https://example.org/p> \n}\n")
    broken = load(oxigraph, tmp_path, "--per-article-graphs")
    assert broken.returncode == 3
    assert f"{tmp_path / GRAPH_TRIG}:2:" in broken.stderr or f"{tmp_path / GRAPH_TRIG}:3:" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert snapshot(oxigraph.query_url) == {None: set()}  # nothing was written


def test_the_library_names_no_command_line_option():
    # The CLI words its options; the library's messages must make sense without it.
    import re

    import cubakg.credentials
    import cubakg.http_client
    import cubakg.load
    import cubakg.query.remote

    for module in (cubakg.load, cubakg.http_client, cubakg.credentials, cubakg.query.remote):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert not re.findall(r"--[a-z][a-z-]+", source.split('"""', 2)[2]), module.__name__


def test_help_shows_an_example():
    for command in ("load", "serve"):
        done = cli(command, "--help")
        assert done.returncode == 0
        assert "Example:" in done.stdout and f"cubakg {command}" in done.stdout


def test_progress_shows_on_a_terminal_and_not_in_a_pipe(oxigraph):
    import pty
    import subprocess
    import sys

    from load_support import REPO, cubakg_env

    leader, follower = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "cubakg", "load", "--endpoint", oxigraph.query_url, "--release", str(MINI_RELEASE),
         "--per-article-graphs", "--batch-size", "5"],
        stdout=subprocess.PIPE, stderr=follower, env=cubakg_env(), cwd=REPO, timeout=60, text=True,
    )
    os.close(follower)
    terminal = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        terminal += chunk
    os.close(leader)
    assert done.returncode == 0
    shown = terminal.decode()
    # 13 triples in batches of 5: three batches for each article graph.
    assert f"staging {article_graph(ARTICLE_003)}: batch 3/3 (13 triples)" in shown
    assert "counting the staged triples" in shown and "swapping the staged graphs in" in shown
    assert "batch" not in done.stdout  # the report stays clean
