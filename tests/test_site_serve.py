"""`cubakg serve`: the site beside the SPARQL endpoint, content negotiation at /id/… (cases in site_cases/serve.yaml)."""

from __future__ import annotations

import http.client
import json
import signal
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from cubakg.namespaces import PREFIXES
from test_serve import start_serve, wait_gone
from site_support import site_dir

CASES = yaml.safe_load((Path(__file__).parent / "site_cases" / "serve.yaml").read_text(encoding="utf-8"))
PARSERS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
           "application/ld+json": ox.RdfFormat.JSON_LD}


@pytest.fixture(scope="module")
def served():
    """A real `cubakg serve` of the release and its site, stopped by signal after the module."""
    process, announced = start_serve("--port", "0", "--site", str(site_dir()))
    try:
        address = urllib.parse.urlsplit(announced["Browser page"])
        yield address.hostname, address.port
    finally:
        server_pid = int(announced["Graph Store"].split("pid ")[1].split(";")[0]) if "Graph Store" in announced else None
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
        if server_pid:
            assert wait_gone(server_pid)


def get(served, path: str, accept: str = "", method: str = "GET", body: bytes | None = None, headers=None):
    connection = http.client.HTTPConnection(*served, timeout=20)
    sent = {"Accept": accept} if accept else {}
    sent.update(headers or {})
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    return response, response.read()


@pytest.mark.parametrize("case", CASES, ids=[f"{c['path']} {c['accept'][:25]}" for c in CASES])
def test_content_negotiation(served, case):
    response, body = get(served, case["path"], case["accept"])
    assert response.status == case["status"], body[:300]
    if case["status"] == 303:
        assert response.getheader("Location").endswith(case["location"])
        assert "Accept" in response.getheader("Vary", "")
        document = case["location"].split("#")[0]
        response, body = get(served, document, case["accept"])
        assert response.status == 200
    if "then" in case:
        assert response.getheader("Content-Type").split(";")[0] == case["then"]
        if case["then"] in PARSERS:
            triples = list(ox.parse(body, format=PARSERS[case["then"]]))
            subject = "https://w3id.org/cubakg" + case["path"].split(".")[0]
            assert any(t.subject.value == subject for t in triples) or case["path"].startswith(("/ontology", "/id/evidence")), subject
        else:
            assert body.lstrip().lower().startswith(b"<!doctype html")


def test_the_query_page_opens_with_our_prefixes_and_the_saved_queries(served):
    response, body = get(served, "/query", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status == 200 and response.getheader("Content-Type").startswith("text/html")
    assert "Accept" in response.getheader("Vary", "")  # a cache must not give the page to a SPARQL client
    page = body.decode("utf-8")
    for prefix, namespace in PREFIXES.items():
        assert f"PREFIX {prefix}: &lt;{namespace}&gt;" in page, prefix
    saved = json.loads(page.split('<script type="application/json" id="saved-queries">')[1].split("</script>")[0])
    names = {query["name"] for query in saved}
    assert {"cq01-talks-rounds", "cq02-cuban-delegation-head"} <= names
    assert all(query["text"].lstrip().startswith("#") for query in saved)  # each with its header, as shipped


def test_sparql_goes_to_the_endpoint(served):
    query = "ASK { ?person <http://www.w3.org/2000/01/rdf-schema#label> \"Carlos Fernandez de Cossio\"@en }"
    response, body = get(served, "/query", "application/sparql-results+json", "POST", query.encode(),
                         {"Content-Type": "application/sparql-query"})
    assert response.status == 200 and json.loads(body)["boolean"] is True
    response, body = get(served, "/query?query=" + urllib.parse.quote(query), "application/sparql-results+json")
    assert response.status == 200 and json.loads(body)["boolean"] is True
    # The same address gives a browser the query page, and each client the format it asks for.
    assert "Accept" in response.getheader("Vary", "")
    assert len([name for name, _ in response.getheaders() if name.lower() == "server"]) == 1


SERVICE_QUERY = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"


@pytest.mark.parametrize("how", ["get", "post-query", "post-form"])
def test_a_query_calling_service_is_refused(served, how):
    """The endpoint answers from the release: a request must not make it fetch from other hosts."""
    if how == "get":
        response, body = get(served, "/query?query=" + urllib.parse.quote(SERVICE_QUERY), "application/sparql-results+json")
    elif how == "post-query":
        response, body = get(served, "/query", "application/sparql-results+json", "POST", SERVICE_QUERY.encode(),
                             {"Content-Type": "application/sparql-query"})
    else:
        response, body = get(served, "/query", "application/sparql-results+json", "POST",
                             urllib.parse.urlencode({"query": SERVICE_QUERY}).encode(),
                             {"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 400
    assert b"SERVICE" in body and b"--allow-service" in body


DEEP_QUERIES = {  # each crashes Oxigraph (SIGSEGV): nested 5,000 deep, or a chain of 50,000 operators
    "nested": "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000,
    "chained": "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(f"?o = {n}" for n in range(50_000)) + ") }",
}


@pytest.mark.parametrize("how", ["get-nested", "post-nested", "post-chained"])
def test_a_query_too_deep_for_oxigraph_is_refused_and_the_server_lives(served, how):
    query = DEEP_QUERIES[how.split("-")[1]]
    if how.startswith("get"):
        response, body = get(served, "/query?query=" + urllib.parse.quote(query), "application/sparql-results+json")
    else:
        response, body = get(served, "/query", "application/sparql-results+json", "POST", query.encode(),
                             {"Content-Type": "application/sparql-query"})
    assert response.status == 400 and b"would crash it" in body
    ask = "ASK { ?s ?p ?o }"
    response, body = get(served, "/query?query=" + urllib.parse.quote(ask), "application/sparql-results+json")
    assert response.status == 200 and json.loads(body)["boolean"] is True


def test_the_endpoint_is_read_only(served):
    response, _ = get(served, "/update", "", "POST", b"INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
                      {"Content-Type": "application/sparql-update"})
    assert response.status == 403
    ask = "ASK { <http://e/s> <http://e/p> <http://e/o> }"
    response, body = get(served, "/query?query=" + urllib.parse.quote(ask), "application/sparql-results+json")
    assert json.loads(body)["boolean"] is False


def test_the_default_graph_is_the_merge_of_the_release(served):
    """As in `cubakg query`: a triple stated in several article graphs is one triple, counted once."""
    from site_support import release_dir

    merged = {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(release_dir() / "cubakg.trig"),
                                                                  format=ox.RdfFormat.TRIG)}
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    response, body = get(served, "/query?query=" + urllib.parse.quote(count), "application/sparql-results+json")
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == len(merged)


@pytest.mark.parametrize("allow", [False, True])
def test_allow_service_passes_the_query_on(tmp_path, allow):
    """With `allow_service` the query goes to the SPARQL server as it came; without, it never leaves."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from werkzeug.test import Client

    from cubakg.serve import site_app

    received = []

    class Endpoint(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server hook
            received.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b'{"head": {"vars": []}, "results": {"bindings": []}}')

        def log_message(self, *args):
            pass

    endpoint = HTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=endpoint.serve_forever, daemon=True).start()
    try:
        client = Client(site_app(tmp_path, f"http://127.0.0.1:{endpoint.server_port}", allow_service=allow))
        response = client.get("/query", query_string={"query": SERVICE_QUERY},
                              headers={"Accept": "application/sparql-results+json"})
    finally:
        endpoint.shutdown()
    assert response.status_code == (200 if allow else 400)
    assert len(received) == (1 if allow else 0)
    if allow:
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(received[0]).query)["query"] == [SERVICE_QUERY]


# A file of each kind the site serves: a page, Turtle and JSON-LD as written, N-Triples made from Turtle.
CACHED = ["/index.html", "/id/person/joe-biden.html", "/id/person/joe-biden.ttl", "/id/person/joe-biden.jsonld",
          "/id/person/joe-biden.nt"]


@pytest.mark.parametrize("path", CACHED)
def test_a_client_that_has_the_file_is_told_it_has_not_changed(served, path):
    """RFC 9110 §13 and RFC 9111: each file carries a validator, and a conditional request with it
    gets 304 Not Modified without the body; another tag gets the file whole, and HEAD its headers."""
    response, body = get(served, path)
    tag, modified = response.getheader("ETag"), response.getheader("Last-Modified")
    assert response.status == 200 and body and tag and modified
    response, again = get(served, path, headers={"If-None-Match": tag})
    assert (response.status, again) == (304, b"")
    response, again = get(served, path, headers={"If-Modified-Since": modified})
    assert (response.status, again) == (304, b"")
    response, again = get(served, path, headers={"If-None-Match": '"another"'})
    assert (response.status, again) == (200, body)
    response, again = get(served, path, method="HEAD")
    assert (response.status, again, response.getheader("ETag")) == (200, b"", tag)
    assert int(response.getheader("Content-Length")) == len(body)
