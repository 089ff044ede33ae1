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
