"""Each page's data is the resource's description drawn from the release.

The description (docs/publishing.md) is rebuilt here with SPARQL (rdflib, which keeps
every term as written) from the release's TriG and VoID, independently of the site's code, and compared by isomorphism with
the page's Turtle; the JSON-LD beside it must hold the same triples. The schema.org
JSON-LD embedded in article and dataset pages must parse offline and agree with the graph.
"""

from __future__ import annotations

import json

import pytest
import rdflib
from rdflib.compare import graph_diff, to_isomorphic

from cubakg.site.paths import page_of
from site_support import ID, all_pages, graph_iris, release_dataset, site_dir

DESCRIPTION = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?s ?p ?o } WHERE {
  { PAGE ?p ?o BIND(PAGE AS ?s) }                                  # what it says
  UNION { ?s ?p PAGE BIND(PAGE AS ?o) }                            # the links to it
  UNION { VALUES ?s { PARTS } ?s ?p ?o }                           # what its page describes too
  UNION {                                                          # the facts naming it …
    ?s ?link PAGE
    FILTER(?link != prov:wasDerivedFrom && STRSTARTS(STR(?s), "https://w3id.org/cubakg/id/fact/"))
    FILTER NOT EXISTS { PAGE a ?code . VALUES ?code { skos:Concept skos:ConceptScheme } }  # … unless a code
    ?s ?p ?o
  }
  UNION { PAGE prov:wasDerivedFrom ?s FILTER(STRSTARTS(STR(?s), "https://w3id.org/cubakg/id/evidence/")) ?s ?p ?o }
  UNION {                                                          # the words behind it
    PAGE prov:wasDerivedFrom ?evidence FILTER(STRSTARTS(STR(?evidence), "https://w3id.org/cubakg/id/evidence/"))
    ?evidence oa:hasSelector ?s . ?s ?p ?o
  }
}
"""


def own_pages() -> dict[str, list[str]]:
    """IRI with a page → the IRIs described on it."""
    pages: dict[str, list[str]] = {}
    for iri in sorted(graph_iris()):
        target = page_of(iri)
        owner = ID + target.page[len("id/"):]
        pages.setdefault(owner, [])
        if target.fragment:
            pages[owner].append(iri)
    return pages


def expected_description(iri: str, parts: list[str]) -> rdflib.Graph:
    query = DESCRIPTION.replace("PARTS", " ".join(f"<{p}>" for p in parts) or "<urn:none>").replace("PAGE", f"<{iri}>")
    graph = rdflib.Graph()
    for triple in release_dataset().query(query):
        graph.add(triple)
    return graph


def readable_diff(expected: rdflib.Graph, found: rdflib.Graph) -> str:
    _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(found))
    lines = [f"- {t}" for t in sorted(missing.serialize(format="nt").splitlines())[:10]]  # expected, not in the page
    lines += [f"+ {t}" for t in sorted(extra.serialize(format="nt").splitlines())[:10]]  # in the page, not expected
    return "\n".join(lines)


def test_every_pages_turtle_is_its_description_from_the_release():
    site = site_dir()
    pages = own_pages()
    assert pages
    wrong = []
    for iri, parts in pages.items():
        target = page_of(iri)
        found = rdflib.Graph().parse(site / f"{target.page}.ttl", format="turtle")
        expected = expected_description(iri, parts)
        assert len(expected) > 0, iri
        if to_isomorphic(found) != to_isomorphic(expected):
            wrong.append(f"{iri}:\n{readable_diff(expected, found)}")
    assert not wrong, f"{len(wrong)} pages differ, first:\n" + "\n".join(wrong[:3])


def test_every_pages_json_ld_holds_the_same_triples_as_its_turtle():
    import pyoxigraph as ox

    site = site_dir()
    for path in all_pages():
        if not path.startswith("id/"):
            continue
        stem = path.removesuffix(".html")
        turtle = set(ox.parse(path=str(site / f"{stem}.ttl"), format=ox.RdfFormat.TURTLE))
        json_ld = set(ox.parse(path=str(site / f"{stem}.jsonld"), format=ox.RdfFormat.JSON_LD))
        assert turtle == json_ld, stem
        assert json.loads((site / f"{stem}.jsonld").read_text(encoding="utf-8")), stem


def test_a_persons_description_carries_the_facts_about_her():
    """Hand-checked: 003 says 'Leading the Cuban delegation will be the deputy foreign minister, Carlos Fernandez de Cossio'."""
    site = site_dir()
    graph = rdflib.Graph().parse(site / "id/person/carlos-fernandez-de-cossio.ttl", format="turtle")
    ckg = rdflib.Namespace("https://w3id.org/cubakg/ontology#")
    cossio = rdflib.URIRef(ID + "person/carlos-fernandez-de-cossio")
    heads = [f for f in graph.subjects(ckg.participant, cossio)
             if (f, ckg.role, rdflib.URIRef(ID + "concept/participation-roles/head-of-delegation")) in graph]
    assert heads, "the participation in which he heads the delegation is in his description"
    assert any((f, ckg.event, rdflib.URIRef(ID + "event/talks-round-washington-2022-04")) in graph for f in heads)
    assert "Carlos Fernandez de Cossio" in {str(o) for o in graph.objects(cossio, rdflib.RDFS.label)}


@pytest.mark.parametrize("path, kind", [("id/article/003_04d8b4ff46bc92ce.html", "NewsArticle"),
                                        ("id/dataset/cubakg.html", "Dataset")])
def test_schema_org_json_ld_is_embedded_and_readable_offline(path, kind):
    import pyoxigraph as ox

    page = all_pages()[path]
    assert len(page.json_ld) == 1
    data = json.loads(page.json_ld[0])
    assert data["@context"] == {"@vocab": "https://schema.org/"}  # no remote context to fetch
    assert data["@type"] == kind
    triples = list(ox.parse(page.json_ld[0].encode(), format=ox.RdfFormat.JSON_LD))
    assert triples
    if kind == "NewsArticle":  # the headline as printed in article 003
        assert data["headline"] == "US and Cuban officials to hold talks amid tensions over migration"
        assert data["dateCreated"] == "2022-04-18"
