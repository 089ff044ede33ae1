"""The dataset description says where and how the release is published (docs/publishing.md)."""

from __future__ import annotations

import pyoxigraph as ox

from conftest import release_dir

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
RELEASE = "https://w3id.org/cubakg/id/dataset/cubakg"


def ask(store, query: str):
    return store.query("PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcat: <http://www.w3.org/ns/dcat#> "
                       "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX owl: <http://www.w3.org/2002/07/owl#> "
                       + query, use_default_graph_as_union=True)


def stores():
    void = ox.Store()
    void.bulk_load(path=str(release_dir() / "void.ttl"), format=ox.RdfFormat.TURTLE)
    data = ox.Store()
    data.bulk_load(path=str(release_dir() / "cubakg.trig"), format=ox.RdfFormat.TRIG)
    return void, data


def test_endpoint_publisher_landing_page():
    void, _ = stores()
    assert bool(ask(void, f"ASK {{ <{RELEASE}> void:sparqlEndpoint <http://127.0.0.1:7878/query> ; "
                          "dcterms:publisher ?p ; dcat:landingPage <https://w3id.org/cubakg/> }"))


def test_examples_and_roots_are_in_the_graph():
    void, data = stores()
    examples = [r["r"].value for r in ask(void, f"SELECT ?r {{ <{RELEASE}> void:exampleResource ?r }}")]
    roots = {r["r"].value for r in ask(void, f"SELECT ?r {{ <{RELEASE}> void:rootResource ?r }}")}
    assert examples
    for example in examples:
        assert bool(ask(data, f"ASK {{ <{example}> ?p ?o }}")), example
    articles = {r["a"].value for r in ask(data, "SELECT ?a { ?a a <https://schema.org/NewsArticle> }")}
    assert roots == articles


def test_the_wikidata_linkset_counts_the_links():
    void, data = stores()
    links = next(iter(ask(data, "SELECT (COUNT(DISTINCT *) AS ?n) { ?s owl:sameAs ?o "
                               "FILTER(STRSTARTS(STR(?o), 'http://www.wikidata.org/entity/')) }")))["n"].value
    rows = list(ask(void, f"SELECT ?n {{ <{RELEASE}> void:subset ?ls . ?ls a void:Linkset ; "
                          "void:linkPredicate owl:sameAs ; void:objectsTarget ?wd ; void:triples ?n . "
                          "?wd void:uriSpace 'http://www.wikidata.org/entity/' }"))
    assert [r["n"].value for r in rows] == [links] and int(links) > 0


def test_every_distribution_has_an_access_url():
    void, _ = stores()
    missing = list(ask(void, f"SELECT ?d {{ <{RELEASE}> dcat:distribution ?d FILTER NOT EXISTS {{ ?d dcat:accessURL ?u }} }}"))
    assert not missing
