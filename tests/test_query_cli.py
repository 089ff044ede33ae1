"""`cubakg query` and `cubakg queries` as a user runs them, in the test process (the same entry
point as the console script; a subprocess only where the process itself is the point).

Covers SERVICE refusal (with a listener proving nothing left the machine), parse
errors with line:column, unknown names, every output format read back with a
standard reader, a query on standard input, "no results" on standard error, and
endpoints that are down, slow, or want credentials.
"""

from __future__ import annotations

import base64
import csv
import http.server
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from query_support import cubakg_in_process

REPO = Path(__file__).resolve().parents[1]
CASES = Path(__file__).parent / "queries"
MINI = CASES / "mini.trig"
ID = "https://w3id.org/cubakg/id/"
SERVICE_CASES = json.loads((CASES / "service-cases.json").read_text(encoding="utf-8"))


def cubakg(*args: str, env: dict[str, str] | None = None, timeout: float = 60, raw: bool = False,
           stdin: str = "") -> subprocess.CompletedProcess:
    """Run the CLI in-process with `env` set for the call; `raw` keeps stdout's line ends untouched."""
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        done = cubakg_in_process(*args, stdin=stdin)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if not raw:
        done.stdout = done.stdout.replace("\r\n", "\n")
    return done


def cubakg_subprocess(*args: str) -> subprocess.CompletedProcess:
    """`python -m cubakg` in its own process; the checkout's src/ is importable even when not installed."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "src"),
                                                                             os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "cubakg", *args], capture_output=True, text=True,
                          env=environment, timeout=60, cwd=REPO)


def write_query(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections and closes them at once."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._running = True
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _accept(self) -> None:
        while self._running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._running = False
        self._thread.join(timeout=2)
        self.socket.close()


@pytest.fixture
def listener():
    watching = Listener()
    yield watching
    watching.close()


# --- help and listing -------------------------------------------------------------


def test_query_help_shows_an_example():
    done = cubakg_subprocess("query", "--help")  # also: `python -m cubakg` works like `cubakg`
    assert done.returncode == 0
    assert "cubakg query entity --param entity=" in done.stdout
    assert "CUBAKG_ENDPOINT_TOKEN" in done.stdout


def test_queries_lists_every_saved_query_with_title_and_parameters():
    from cubakg.query import load_saved_queries

    done = cubakg("queries")
    assert done.returncode == 0
    for query in load_saved_queries():
        assert f"{query.name}  " in done.stdout and query.title in done.stdout
    assert "--param entity=" in done.stdout and "--param article=" in done.stdout


def test_queries_index_is_the_markdown_index():
    from cubakg.query import load_saved_queries, render_index

    done = cubakg("queries", "--index")
    assert done.returncode == 0
    assert done.stdout == render_index(load_saved_queries())


# --- SERVICE ------------------------------------------------------------------------


@pytest.mark.parametrize("case", SERVICE_CASES["refused"], ids=[c["why"] for c in SERVICE_CASES["refused"]])
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_service_is_refused_and_nothing_reaches_the_network(tmp_path, listener, case, engine):
    query = write_query(tmp_path, case["query"].replace("{url}", listener.url))
    done = cubakg("query", str(query), "--data", str(MINI), "--engine", engine)
    time.sleep(0.3)
    assert done.returncode == 2, done.stderr
    assert "SERVICE" in done.stderr and "--allow-service" in done.stderr
    assert "Traceback" not in done.stderr
    assert listener.connections == 0


@pytest.mark.parametrize("case", SERVICE_CASES["allowed"], ids=[c["why"] for c in SERVICE_CASES["allowed"]])
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_queries_without_service_run_and_stay_local(tmp_path, listener, case, engine):
    query = write_query(tmp_path, case["query"].replace("{url}", listener.url))
    done = cubakg("query", str(query), "--data", str(MINI), "--engine", engine)
    time.sleep(0.3)
    assert done.returncode == 0, done.stderr
    assert listener.connections == 0


def test_allow_service_does_let_the_query_out(tmp_path, listener):
    """The control for the refusal tests: with --allow-service the listener is reached."""
    query = write_query(tmp_path, SERVICE_CASES["refused"][0]["query"].replace("{url}", listener.url))
    done = cubakg("query", str(query), "--data", str(MINI), "--allow-service", timeout=60)
    time.sleep(0.3)
    assert listener.connections >= 1
    # The listener hangs up without answering: a clear input error, not a crash.
    assert done.returncode == 3 and "Traceback" not in done.stderr


# --- errors a user makes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, where",
    [
        # Line 4 is `  FILTER(?o = "x"`: the closing parenthesis is missing.
        ('SELECT ?s\nWHERE {\n  ?s ?p ?o .\n  FILTER(?o = "x"\n}\n', ":4:3:"),
        # `nope:` is not declared; it starts at column 22 of line 1.
        ("SELECT ?s WHERE { ?s nope:p ?o }\n", ":1:22:"),
        # `x:` is undeclared at line 3 column 14; the same letters in a string and a comment do not count.
        ('PREFIX : <http://e/>\nSELECT ?s WHERE {\n  ?s :p ?o ; x:q "x:" # y:\n}\n', ":3:14:"),
    ],
)
def test_a_query_that_does_not_parse_names_line_and_column(tmp_path, text, where):
    query = write_query(tmp_path, text, "bad.rq")
    done = cubakg("query", str(query), "--data", str(MINI))
    assert done.returncode == 3
    assert f"{query}{where}" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_saved_query_lists_close_matches():
    done = cubakg("query", "cq2", "--data", str(MINI))
    assert done.returncode == 2
    assert "cq02-cuban-delegation-head" in done.stderr


def test_a_missing_data_file_is_an_input_error(tmp_path):
    done = cubakg("query", "overview", "--data", str(tmp_path / "absent.ttl"))
    assert done.returncode == 3
    assert "absent.ttl" in done.stderr


def test_an_unparseable_data_file_is_an_input_error(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
    done = cubakg("query", "overview", "--data", str(broken))
    assert done.returncode == 3
    assert "broken.ttl" in done.stderr and "Traceback" not in done.stderr


# --- output formats ---------------------------------------------------------------------

SELECT_ALL_KINDS = """PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?article ?headline ?count ?date ?label ?missing WHERE {
  ?article dcterms:identifier "000_test" ; schema:headline ?headline ; schema:wordCount ?count ;
      schema:dateCreated ?date ; schema:mentions ?person .
  ?person rdfs:label ?label .
  OPTIONAL { ?article <http://example.org/none> ?missing }
}
"""
# What mini.trig holds for that row, written out by hand.
HEADLINE = 'Line one\nline two\ttabbed, with "quotes", commas and ünïcödé'
ARTICLE = ID + "article/000_test"
XSD = "http://www.w3.org/2001/XMLSchema#"


def run_format(tmp_path: Path, output_format: str, text: str = SELECT_ALL_KINDS) -> str:
    done = cubakg("query", str(write_query(tmp_path, text)), "--data", str(MINI), "--format", output_format)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_csv_reads_back_with_the_csv_module(tmp_path):
    query = write_query(tmp_path, SELECT_ALL_KINDS)
    done = cubakg("query", str(query), "--data", str(MINI), "--format", "csv", raw=True)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.endswith("\r\n") and text.count("\r\n") == 2  # SPARQL CSV ends lines with CRLF
    table = list(csv.reader(io.StringIO(text, newline="")))
    assert table == [
        ["article", "headline", "count", "date", "label", "missing"],
        [ARTICLE, HEADLINE, "42", "2022-04-18", "Carlos Fernandez de Cossio", ""],
    ]


def test_tsv_reads_back_as_rdf_terms(tmp_path):
    from rdflib import Literal, URIRef
    from rdflib.util import from_n3

    lines = run_format(tmp_path, "tsv").rstrip("\n").split("\n")
    assert lines[0].split("\t") == ["?article", "?headline", "?count", "?date", "?label", "?missing"]
    assert len(lines) == 2
    fields = lines[1].split("\t")
    assert fields[-1] == ""
    assert [from_n3(field) for field in fields[:-1]] == [
        URIRef(ARTICLE),
        Literal(HEADLINE),
        Literal("42", datatype=URIRef(XSD + "integer")),
        Literal("2022-04-18", datatype=URIRef(XSD + "date")),
        Literal("Carlos Fernandez de Cossio", lang="en"),
    ]


def test_json_reads_back_as_sparql_results(tmp_path):
    document = json.loads(run_format(tmp_path, "json"))
    assert document["head"]["vars"] == ["article", "headline", "count", "date", "label", "missing"]
    assert document["results"]["bindings"] == [{
        "article": {"type": "uri", "value": ARTICLE},
        "headline": {"type": "literal", "value": HEADLINE},
        "count": {"type": "literal", "value": "42", "datatype": XSD + "integer"},
        "date": {"type": "literal", "value": "2022-04-18", "datatype": XSD + "date"},
        "label": {"type": "literal", "value": "Carlos Fernandez de Cossio", "xml:lang": "en"},
    }]


def test_json_reads_back_with_pyoxigraph_too(tmp_path):
    import pyoxigraph as ox

    solutions = ox.parse_query_results(run_format(tmp_path, "json").encode("utf-8"), ox.QueryResultsFormat.JSON)
    (solution,) = list(solutions)
    assert solution["headline"] == ox.Literal(HEADLINE)
    assert solution["missing"] is None


def test_construct_gives_turtle_that_rdflib_reads(tmp_path):
    import rdflib
    from rdflib.compare import isomorphic

    construct = """PREFIX schema: <https://schema.org/>
CONSTRUCT { ?round schema:location ?place } WHERE { ?round schema:location ?place }"""
    text = run_format(tmp_path, "turtle", construct)
    expected = rdflib.Graph()
    expected.add((rdflib.URIRef(ID + "event/talks-round-havana"), rdflib.URIRef("https://schema.org/location"),
                  rdflib.URIRef(ID + "place/havana")))
    assert isomorphic(rdflib.Graph().parse(data=text, format="turtle"), expected)


def test_ask_in_json_and_csv(tmp_path):
    ask = "ASK { ?s <https://schema.org/wordCount> 42 }"
    assert json.loads(run_format(tmp_path, "json", ask)) == {"head": {}, "boolean": True}
    assert list(csv.reader(io.StringIO(run_format(tmp_path, "csv", ask), newline=""))) == [["_askResult"], ["true"]]


def test_table_is_aligned_with_prefixed_names_ellipses_and_a_row_count(tmp_path):
    query = write_query(tmp_path, SELECT_ALL_KINDS)
    done = cubakg("query", str(query), "--data", str(MINI), "--width", "20")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.rstrip("\n").split("\n")
    assert lines[-1] == "(1 row)"
    header, rule, row = lines[0], lines[1], lines[2]
    assert header.split() == ["article", "headline", "count", "date", "label", "missing"]
    assert "id:article/000_test" in row
    assert "Line one line two t…" in row  # 20 characters, line breaks shown as spaces
    assert "Carlos Fernandez de…" in row
    # Aligned: each column starts at the same place in the header and in the row.
    assert row.index("42") == header.index("count")
    assert row.index("2022-04-18") == header.index("date")
    assert set(rule.replace(" ", "")) == {"─"}


@pytest.mark.parametrize(
    "text, output_format",
    [(SELECT_ALL_KINDS, "turtle"), ("CONSTRUCT WHERE { ?s ?p ?o }", "csv"), ("CONSTRUCT WHERE { ?s ?p ?o }", "json")],
)
def test_a_format_that_does_not_fit_the_query_form_is_a_usage_error(tmp_path, text, output_format):
    done = cubakg("query", str(write_query(tmp_path, text)), "--data", str(MINI), "--format", output_format)
    assert done.returncode == 2
    assert "--format" in done.stderr


# --- endpoints -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_endpoint_that_is_down_gives_exit_3():
    url = f"http://127.0.0.1:{free_port()}/query"
    done = cubakg("query", "overview", "--endpoint", url)
    assert done.returncode == 3
    assert f"cannot reach the endpoint {url}" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_endpoint_that_does_not_answer_times_out_with_exit_3():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)  # accepts connections (by the kernel) and never answers
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        started = time.monotonic()
        done = cubakg("query", "overview", "--endpoint", url, "--timeout", "1")
        assert time.monotonic() - started < 30
    finally:
        silent.close()
    assert done.returncode == 3
    assert "did not answer within 1 s" in done.stderr


class RecordingEndpoint(http.server.BaseHTTPRequestHandler):
    """Answers every query with `status`; records the Authorization header it got."""

    status = 200
    seen_authorization: list[str | None] = []

    def do_POST(self):  # noqa: N802 (the http.server API)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).seen_authorization.append(self.headers.get("Authorization"))
        body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}})
        self.send_response(self.status)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(body.encode("utf-8"))

    do_GET = do_POST

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    handler = type("Handler", (RecordingEndpoint,), {"seen_authorization": []})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server, handler, f"http://127.0.0.1:{server.server_address[1]}/query"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("status, words", [(401, "needs credentials"), (403, "forbids this to anonymous users")])
def test_an_endpoint_refusing_access_names_the_credential_variables(endpoint, status, words):
    _, handler, url = endpoint
    handler.status = status
    done = cubakg("query", "overview", "--endpoint", url)
    assert done.returncode == 3
    assert words in done.stderr and f"HTTP {status}" in done.stderr
    assert "CUBAKG_ENDPOINT_USER" in done.stderr and "CUBAKG_ENDPOINT_TOKEN" in done.stderr


@pytest.mark.parametrize(
    "variables, header",
    [
        ({"CUBAKG_ENDPOINT_TOKEN": "s3cret"}, "Bearer s3cret"),
        ({"CUBAKG_ENDPOINT_USER": "ana", "CUBAKG_ENDPOINT_PASSWORD": "pw"},
         "Basic " + base64.b64encode(b"ana:pw").decode("ascii")),
        ({}, None),
    ],
)
def test_credentials_come_from_the_environment(endpoint, variables, header):
    _, handler, url = endpoint
    clean = {name: "" for name in ("CUBAKG_ENDPOINT_TOKEN", "CUBAKG_ENDPOINT_USER", "CUBAKG_ENDPOINT_PASSWORD")}
    done = cubakg("query", "overview", "--endpoint", url, "--format", "csv", env={**clean, **variables})
    assert done.returncode == 0, done.stderr
    assert list(csv.reader(io.StringIO(done.stdout, newline=""))) == [["x"], ["ok"]]
    assert handler.seen_authorization == [header]


def test_the_cli_gives_the_same_json_through_a_real_oxigraph_server():
    from cubakg.serve import OxigraphServer

    with OxigraphServer(files=[MINI], host="127.0.0.1", union_default_graph=True) as server:
        remote = cubakg("query", "entity", "--param", "entity=De Cossio", "--endpoint", server.query_url,
                        "--format", "json")
    local = cubakg("query", "entity", "--param", "entity=De Cossio", "--data", str(MINI), "--format", "json")
    assert remote.returncode == 0 and local.returncode == 0, remote.stderr + local.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    assert len(json.loads(local.stdout)["results"]["bindings"]) == 5
    assert {row["entity"]["value"] for row in json.loads(local.stdout)["results"]["bindings"]} == {"De Cossio"}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_json_ld_with_a_remote_context_is_not_fetched(tmp_path, listener, engine):
    data = tmp_path / "remote-context.jsonld"
    data.write_text(json.dumps({"@context": f"http://127.0.0.1:{listener.port}/context.jsonld",
                                "@id": "http://example.org/a", "name": "x"}), encoding="utf-8")
    done = cubakg("query", "overview", "--data", str(data), "--engine", engine)
    time.sleep(0.3)
    assert done.returncode == 3
    assert "remote-context.jsonld" in done.stderr
    assert listener.connections == 0


def test_a_hostile_parameter_through_the_cli_matches_nothing_and_breaks_nothing():
    done = cubakg("query", "entity", "--param", 'entity=" } ?match ?p ?o . FILTER(true) } #', "--data", str(MINI),
                  "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"]["bindings"] == []


def test_a_query_on_standard_input():
    done = cubakg("query", "-", "--data", str(MINI), "--format", "csv",
                  stdin="SELECT ?id WHERE { ?a <http://purl.org/dc/terms/identifier> ?id } ORDER BY ?id")
    assert done.returncode == 0, done.stderr
    assert list(csv.reader(io.StringIO(done.stdout))) == [["id"], ["000_test"], ["003_test"]]


@pytest.mark.parametrize("output_format", ["table", "csv", "tsv", "json"])
def test_an_empty_answer_says_no_results_on_standard_error(output_format):
    done = cubakg("query", "entity", "--param", "entity=nobody by this name", "--data", str(MINI),
                  "--format", output_format)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "no results\n"
    if output_format == "json":
        assert json.loads(done.stdout)["results"]["bindings"] == []
    found = cubakg("query", "entity", "--param", "entity=De Cossio", "--data", str(MINI), "--format", output_format)
    assert found.returncode == 0 and found.stderr == ""


def test_a_release_folder_without_a_graph_is_an_input_error(tmp_path):
    done = cubakg("query", "overview", "--release", str(tmp_path))
    assert done.returncode == 3
    assert "cubakg.trig" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(not (REPO / "dist" / "cubakg.trig").is_file(), reason="no release in dist/")
def test_without_data_the_release_is_queried():
    done = cubakg("query", "cq06", "--format", "csv")
    assert done.returncode == 0, done.stderr
    values = {row[1] for row in csv.reader(io.StringIO(done.stdout))}
    assert {"220,000", "16,531"} <= values  # the two record figures of the articles


def test_control_characters_in_the_data_are_shown_escaped_in_a_table(tmp_path):
    """A literal holding ESC sequences (clear the screen, set the window title) must not reach the terminal as such."""
    query = write_query(tmp_path, 'SELECT ?v WHERE { VALUES ?v { "a\\u001b[2Jb\\u001b]0;title\\u0007c" } }')
    done = cubakg("query", str(query), "--data", str(MINI))
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "a\\u001B[2Jb\\u001B]0;title\\u0007c" in done.stdout
    done = cubakg("query", str(query), "--data", str(MINI), "--format", "csv")  # data formats keep the data
    assert "\x1b[2J" in done.stdout


# --- queries too deep for a SPARQL engine's stack ------------------------------------------


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("brackets", ["{}", "()"])
def test_a_query_nested_too_deep_is_refused_with_its_place(tmp_path, engine, brackets):
    """Nested 5,000 deep, a query killed `cubakg query` (SIGSEGV in Oxigraph's parser): now exit 3."""
    opening, closing = brackets
    where = f"?s ?p ?o FILTER({'(' * 5000}1{')' * 5000})" if opening == "(" else \
        "{ " * 5000 + "?s ?p ?o" + " }" * 5000
    query = write_query(tmp_path, f"SELECT * WHERE {{\n{where}\n}}\n")
    done = cubakg("query", str(query), "--data", str(MINI), "--engine", engine)
    assert done.returncode == 3, done.stderr
    assert "nests" in done.stderr and f"{query.name}:2:" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_query_nested_a_hundred_deep_still_runs(tmp_path):
    query = write_query(tmp_path, "SELECT * WHERE " + "{ " * 99 + "?s ?p ?o" + " }" * 99 + "\n")
    assert cubakg("query", str(query), "--data", str(MINI)).returncode == 0


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_chain_of_operators_too_long_is_refused(tmp_path, engine):
    """A FILTER of 50,000 `||` killed `cubakg query` (SIGSEGV): Oxigraph nests the chain as deep as it is long."""
    alternatives = " || ".join(f"?o = {n}" for n in range(50_000))
    query = write_query(tmp_path, f"SELECT * WHERE {{ ?s ?p ?o FILTER({alternatives}) }}\n")
    done = cubakg("query", str(query), "--data", str(MINI), "--engine", engine)
    assert done.returncode == 3, done.stderr
    assert "operators" in done.stderr and "IN (" in done.stderr and "Traceback" not in done.stderr


def test_a_filter_of_a_thousand_alternatives_still_runs(tmp_path):
    alternatives = " || ".join(f"?o = {n}" for n in range(1000))
    query = write_query(tmp_path, f"SELECT * WHERE {{ ?s ?p ?o FILTER({alternatives}) }}\n")
    assert cubakg("query", str(query), "--data", str(MINI)).returncode == 0
