"""`cubakg load` against a real Oxigraph server on 127.0.0.1 (started and stopped by pid here).

Expected counts for the miniature release are counted by hand from
tests/load_cases/mini-release/cubakg.trig; the real release (dist/), when built,
is checked against its own TriG read by a second parser (pyoxigraph).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
import yaml

from cubakg.resources import GRAPH_TRIG, GRAPH_TURTLE, SHARED_GRAPH, article_graph
from cubakg.serve import OxigraphServer
from load_support import (
    MINI_RELEASE, REAL_RELEASE, REAL_RELEASE_BUILT, AuthProxy, FlakyServer, SilentServer, StatusServer, count_in_graph, cubakg_env,
    run_cubakg, sparql_select, sparql_update, unused_port,
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
    with OxigraphServer([]) as server:
        yield server


def load(server_or_url, release: Path, *args: str, env=None):
    url = server_or_url if isinstance(server_or_url, str) else server_or_url.query_url
    return run_cubakg("load", "--endpoint", url, "--release", str(release), *args, env=env)


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


def release_triples_by_graph(release: Path) -> dict[str | None, set[str]]:
    """The TriG's triples per graph, as N-Triples lines, read by pyoxigraph's parser."""
    import pyoxigraph

    by_graph: dict[str | None, set[str]] = {}
    for quad in pyoxigraph.parse(path=str(release / GRAPH_TRIG)):
        name = getattr(quad.graph_name, "value", None)
        by_graph.setdefault(name, set()).add(str(as_oxigraph_stores_it(quad.triple)))
    return by_graph


def endpoint_triples(query_url: str, graph: str | None) -> set[str]:
    """The endpoint's triples in one graph, as N-Triples lines (no blank nodes in cubakg)."""
    import pyoxigraph

    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    rows = sparql_select(query_url, f"SELECT ?s ?p ?o WHERE {{ {pattern} }}")

    def term(binding: dict):
        if binding["type"] == "uri":
            return pyoxigraph.NamedNode(binding["value"])
        if "xml:lang" in binding:
            return pyoxigraph.Literal(binding["value"], language=binding["xml:lang"])
        datatype = binding.get("datatype")
        return pyoxigraph.Literal(binding["value"], datatype=pyoxigraph.NamedNode(datatype) if datatype else None)

    return {str(pyoxigraph.Triple(term(r["s"]), term(r["p"]), term(r["o"]))) for r in rows}


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
    for graph, count in expected.items():
        assert count_in_graph(oxigraph.query_url, graph) == count
        label = graph or "(default graph)"
        rows = [line.rsplit(None, 2) for line in done.stdout.splitlines()]
        assert [label, str(count), str(count)] in rows, done.stdout
    total = sum(expected.values())
    assert done.stdout.splitlines()[-1].split() == ["total", str(total), str(total)]
    used = "SPARQL Update" if protocol == "update" else "Graph Store Protocol"
    assert f"via {used}" in done.stdout
    assert done.stderr == ""  # quiet in a pipe


# -- idempotence -------------------------------------------------------------------


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("protocol", ["gsp", "update"])
@pytest.mark.parametrize("layout_args", [[], ["--per-article-graphs"]], ids=["default-graph", "per-article"])
def test_loading_twice_leaves_the_same_triples(oxigraph, release, protocol, layout_args):
    first = load(oxigraph, release, "--protocol", protocol, *layout_args)
    assert first.returncode == 0, first.stderr
    graphs = sorted(release_triples_by_graph(release), key=str) if layout_args else [None]
    counts_after_first = {g: count_in_graph(oxigraph.query_url, g) for g in graphs}

    # A stray triple in a target graph must be gone after the second load: the graph is replaced.
    target = graphs[-1]
    stray = "<https://example.org/stray> <https://example.org/p> \"left over\" ."
    sparql_update(oxigraph.update_url, f"INSERT DATA {{ GRAPH <{target}> {{ {stray} }} }}" if target
                  else f"INSERT DATA {{ {stray} }}")
    assert count_in_graph(oxigraph.query_url, target) == counts_after_first[target] + 1

    second = load(oxigraph, release, "--protocol", protocol, *layout_args)
    assert second.returncode == 0, second.stderr
    assert {g: count_in_graph(oxigraph.query_url, g) for g in graphs} == counts_after_first
    assert second.stdout.splitlines()[1:] == first.stdout.splitlines()[1:]


# -- per-article graphs --------------------------------------------------------------


@pytest.mark.parametrize("release", RELEASES)
def test_per_article_graphs_match_the_trig_exactly(oxigraph, release):
    done = load(oxigraph, release, "--per-article-graphs")
    assert done.returncode == 0, done.stderr
    on_endpoint = {r["g"]["value"] for r in sparql_select(oxigraph.query_url, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")}
    # The layout of docs/model.md: the shared graph and one per article (outside knowledge: none yet).
    assert on_endpoint == {SHARED_GRAPH, article_graph(ARTICLE_003), article_graph(ARTICLE_000)}
    for graph, triples in release_triples_by_graph(release).items():
        assert endpoint_triples(oxigraph.query_url, graph) == triples, graph


@pytest.mark.parametrize("release", RELEASES)
def test_each_article_graph_holds_its_own_facts_and_nothing_else(oxigraph, release):
    assert load(oxigraph, release, "--per-article-graphs").returncode == 0
    # Which article graph holds a fact derived from which article.
    rows = sparql_select(oxigraph.query_url, """
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX schema: <https://schema.org/>
        SELECT DISTINCT ?g ?article WHERE {
          GRAPH ?g { ?fact prov:wasDerivedFrom ?article }
          GRAPH ?any { ?article a schema:NewsArticle }
        }""")
    pairs = {(r["g"]["value"], r["article"]["value"]) for r in rows}
    assert pairs == {
        (article_graph(ARTICLE_003), f"{ID}article/{ARTICLE_003}"),
        (article_graph(ARTICLE_000), f"{ID}article/{ARTICLE_000}"),
    }
    # Nothing else there: an article graph names no other article (no facts, evidence or
    # time nodes of another article), and holds none of the registry's statements, which
    # live in the shared graph; the shared graph names no article and cites none.
    articles = (ARTICLE_003, ARTICLE_000)
    registry_predicates = ("rdfs:label", "skos:altLabel", "skos:prefLabel", "owl:sameAs", "skos:inScheme", "org:postIn")
    for article in articles:
        (other,) = [a for a in articles if a != article]
        strays = sparql_select(oxigraph.query_url, f"""
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            PREFIX owl: <http://www.w3.org/2002/07/owl#>
            PREFIX org: <http://www.w3.org/ns/org#>
            SELECT ?s ?p ?o WHERE {{
              GRAPH <{article_graph(article)}> {{ ?s ?p ?o }}
              FILTER (CONTAINS(STR(?s), "{other}") || CONTAINS(STR(?o), "{other}")
                      || ?p IN ({", ".join(registry_predicates)}))
            }}""")
        assert strays == [], (article, strays[:5])
    shared_strays = sparql_select(oxigraph.query_url, f"""
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?s ?p ?o WHERE {{
          GRAPH <{SHARED_GRAPH}> {{ ?s ?p ?o }}
          FILTER (CONTAINS(STR(?s), "{ARTICLE_003}") || CONTAINS(STR(?o), "{ARTICLE_003}")
                  || CONTAINS(STR(?s), "{ARTICLE_000}") || CONTAINS(STR(?o), "{ARTICLE_000}")
                  || ?p = prov:wasDerivedFrom)
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


# -- a count mismatch is an error ------------------------------------------------------


def test_a_count_mismatch_fails_with_exit_1():
    # An Oxigraph whose default graph is the union of all graphs, already holding
    # another named graph: the default-graph count cannot match.
    other = Path(__file__).parent / "load_cases" / "mini-release" / GRAPH_TRIG
    with OxigraphServer([other], union_default_graph=True) as server:
        done = load(server, MINI_RELEASE)
    assert done.returncode == 1
    assert "does not hold what was loaded" in done.stderr
    assert "(default graph)" in done.stderr and "MISMATCH" in done.stderr
    assert "--graph IRI" in done.stderr  # the hint
    assert done.stdout == ""


# -- failures ---------------------------------------------------------------------------

FAILURES = yaml.safe_load((CASES / "failures.yaml").read_text(encoding="utf-8"))


def failing_endpoint(case: dict):
    kind = case["server"]
    if kind == "silent":
        return SilentServer()
    if kind == "status":
        return FlakyServer(case["status"], case.get("body", "").encode(), case.get("ok_writes", 0), case.get("location"))
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


# -- credentials ---------------------------------------------------------------------------

USER, PASSWORD, TOKEN = "loader", "s3cret-Pa55word", "tok-9f8e7d6c5b4a"
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def assert_no_secret(done) -> None:
    for secret in (PASSWORD, TOKEN, BASIC.split()[1]):
        assert secret not in done.stdout and secret not in done.stderr


@pytest.mark.parametrize(
    "how, required",
    [
        pytest.param("basic-env", BASIC, id="user-and-password-in-environment"),
        pytest.param("token-env", f"Bearer {TOKEN}", id="token-in-environment"),
        pytest.param("netrc", BASIC, id="netrc"),
    ],
)
def test_credentials_reach_the_endpoint_and_no_output(oxigraph, tmp_path, how, required):
    extra = {"HOME": str(tmp_path)}
    if how == "basic-env":
        extra |= {"CUBAKG_ENDPOINT_USER": USER, "CUBAKG_ENDPOINT_PASSWORD": PASSWORD}
    elif how == "token-env":
        extra |= {"CUBAKG_ENDPOINT_TOKEN": TOKEN}
    else:
        netrc_file = tmp_path / ".netrc"
        netrc_file.write_text(f"machine 127.0.0.1\n  login {USER}\n  password {PASSWORD}\n")
        netrc_file.chmod(0o600)
    with AuthProxy(oxigraph.base_url, required) as proxy:
        done = load(f"{proxy.base_url}/query", MINI_RELEASE, "--per-article-graphs", env=cubakg_env(extra, drop=("NETRC",)))
    assert done.returncode == 0, done.stderr
    assert proxy.authorizations and set(proxy.authorizations) == {required}
    assert count_in_graph(oxigraph.query_url, SHARED_GRAPH) == MINI_COUNTS[SHARED_GRAPH]
    assert_no_secret(done)


def test_wrong_credentials_are_refused_without_showing_them(oxigraph, tmp_path):
    env = cubakg_env({"HOME": str(tmp_path), "CUBAKG_ENDPOINT_USER": USER, "CUBAKG_ENDPOINT_PASSWORD": PASSWORD})
    with AuthProxy(oxigraph.base_url, "Basic d3Jvbmc6d3Jvbmc=") as proxy:
        done = load(f"{proxy.base_url}/query", MINI_RELEASE, env=env)
    assert done.returncode == 3
    assert "refused the credentials from $CUBAKG_ENDPOINT_USER/$CUBAKG_ENDPOINT_PASSWORD (HTTP 401)" in done.stderr
    assert "CUBAKG_ENDPOINT_TOKEN" in done.stderr
    assert proxy.authorizations == [BASIC]  # one try, then stop
    assert_no_secret(done)


def test_credentials_in_the_url_are_refused_and_redacted(oxigraph):
    done = load(f"http://{USER}:{PASSWORD}@127.0.0.1:{unused_port()}/query", MINI_RELEASE)
    assert done.returncode == 2
    assert "not accepted in arguments" in done.stderr and "http://***@127.0.0.1" in done.stderr
    assert "CUBAKG_ENDPOINT_USER" in done.stderr
    assert_no_secret(done)
    assert USER not in done.stderr


# -- usage and input errors ---------------------------------------------------------------------


def test_usage_and_input_errors(oxigraph, tmp_path):
    both = load(oxigraph, MINI_RELEASE, "--graph", "https://example.org/g", "--per-article-graphs")
    assert (both.returncode, "exclude each other" in both.stderr) == (2, True)

    relative = load(oxigraph, MINI_RELEASE, "--graph", "not an iri")
    assert (relative.returncode, "--graph must be an absolute IRI" in relative.stderr) == (2, True)

    underivable = run_cubakg("load", "--endpoint", f"{oxigraph.base_url}/repositories/cubakg", "--release", str(MINI_RELEASE))
    assert underivable.returncode == 2 and "pass --store or --update URL" in underivable.stderr

    missing = load(oxigraph, tmp_path)
    assert missing.returncode == 3
    assert f"{tmp_path / GRAPH_TURTLE}: release file not found" in missing.stderr

    (tmp_path / GRAPH_TRIG).write_text("<https://example.org/g> {\n  <https://example.org/s> <https://example.org/p> \n}\n")
    broken = load(oxigraph, tmp_path, "--per-article-graphs")
    assert broken.returncode == 3
    assert f"{tmp_path / GRAPH_TRIG}:2:" in broken.stderr or f"{tmp_path / GRAPH_TRIG}:3:" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert count_in_graph(oxigraph.query_url, None) == 0  # nothing was written


def test_help_shows_an_example():
    for command in ("load", "serve"):
        done = run_cubakg(command, "--help")
        assert done.returncode == 0
        assert "Example:" in done.stdout and f"cubakg {command}" in done.stdout


def test_progress_shows_on_a_terminal_and_not_in_a_pipe(oxigraph):
    import pty
    import subprocess
    import sys

    from load_support import REPO

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
    assert f"{article_graph(ARTICLE_003)}: batch 3/3 (13 triples)" in shown
    assert "counting triples on the endpoint" in shown
    assert "batch" not in done.stdout  # the report stays clean


def test_http_digest_is_answered_when_the_endpoint_asks_for_it(oxigraph, tmp_path):
    # Virtuoso's /sparql-auth and /sparql-graph-crud-auth speak Digest only.
    from load_support import DigestProxy

    env = cubakg_env({"HOME": str(tmp_path), "CUBAKG_ENDPOINT_USER": USER, "CUBAKG_ENDPOINT_PASSWORD": PASSWORD})
    with DigestProxy(oxigraph.base_url, USER, PASSWORD) as proxy:
        done = load(f"{proxy.base_url}/query", MINI_RELEASE, "--per-article-graphs", env=env)
    assert done.returncode == 0, done.stderr
    assert count_in_graph(oxigraph.query_url, article_graph(ARTICLE_000)) == MINI_COUNTS[article_graph(ARTICLE_000)]
    digests = [a for a in proxy.authorizations if a and a.startswith("Digest ")]
    assert digests and all(f'username="{USER}"' in a for a in digests)
    assert all(PASSWORD not in (a or "") for a in proxy.authorizations)
    assert_no_secret(done)


def test_digest_with_a_wrong_password_is_refused(oxigraph, tmp_path):
    from load_support import DigestProxy

    env = cubakg_env({"HOME": str(tmp_path), "CUBAKG_ENDPOINT_USER": USER, "CUBAKG_ENDPOINT_PASSWORD": PASSWORD})
    with DigestProxy(oxigraph.base_url, USER, "another-password") as proxy:
        done = load(f"{proxy.base_url}/query", MINI_RELEASE, env=env)
    assert done.returncode == 3
    assert "HTTP 401" in done.stderr and "refused the credentials" in done.stderr
    assert_no_secret(done)


def test_a_bearer_challenge_is_explained_not_crashed_on(tmp_path):
    with StatusServer(401, b"token required", challenge='Bearer realm="test"') as server:
        env = cubakg_env({"HOME": str(tmp_path), "CUBAKG_ENDPOINT_USER": USER, "CUBAKG_ENDPOINT_PASSWORD": PASSWORD})
        done = load(f"{server.base_url}/query", MINI_RELEASE, env=env)
    assert done.returncode == 3 and "HTTP 401" in done.stderr and "Traceback" not in done.stderr


def test_an_unparseable_netrc_names_its_line_and_hides_its_secrets(oxigraph, tmp_path):
    netrc_file = tmp_path / ".netrc"
    netrc_file.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\nmachine\n")
    netrc_file.chmod(0o600)
    done = load(oxigraph, MINI_RELEASE, env=cubakg_env({"HOME": str(tmp_path)}, drop=("NETRC",)))
    assert done.returncode == 3
    assert f"{netrc_file}:" in done.stderr and "cannot parse this netrc file" in done.stderr
    assert_no_secret(done)


def test_auto_falls_back_to_sparql_update_without_a_graph_store(oxigraph):
    from load_support import NoGraphStoreProxy

    with NoGraphStoreProxy(oxigraph.base_url) as proxy:
        done = load(f"{proxy.base_url}/query", MINI_RELEASE, "--per-article-graphs")
    assert done.returncode == 0, done.stderr
    assert f"via SPARQL Update ({proxy.base_url}/update)" in done.stdout
    assert proxy.paths[0] == "PUT /store"  # tried first, answered 404
    assert "POST /update" in proxy.paths and not any(p.startswith("POST /store") for p in proxy.paths)
    for graph, count in MINI_COUNTS.items():
        assert count_in_graph(oxigraph.query_url, graph) == count


def test_forcing_gsp_on_a_store_without_it_fails_clearly(oxigraph):
    from load_support import NoGraphStoreProxy

    with NoGraphStoreProxy(oxigraph.base_url) as proxy:
        done = load(f"{proxy.base_url}/query", MINI_RELEASE, "--protocol", "gsp")
    assert done.returncode == 3
    assert "PUT" in done.stderr and "HTTP 404" in done.stderr and "no such service" in done.stderr
