"""What the dataset description says about publication: endpoint, examples, links, publisher, access.

Added to the VoID + DCAT triples that `describe.describe_release` makes, by one
call, so that the description of the data and of its publication stay apart:

    void = describe.describe_release(stats, files, ontology)
    add_publication(void, publication_facts(store), stats.first_typed)
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cubakg import mint
from cubakg.namespaces import DCAT, DCTERMS, OWL_NS, RDF_TYPE, RDFS, VOID
from cubakg.site.paths import PUBLIC_BASE
from cubakg.terms import en, integer, iri, text

# `cubakg serve` answers SPARQL here; a user's own store has its own address (docs/loading.md).
SERVE_ENDPOINT = "http://127.0.0.1:7878/query"
PUBLISHER = "The cubakg team"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
WIKIDATA = "https://www.wikidata.org/"
NEWS_ARTICLE = "https://schema.org/NewsArticle"
EXAMPLE_KINDS = ("person", "event", "article", "fact")


@dataclass(frozen=True)
class PublicationFacts:
    """What the publication's description reads from the release (`publication_facts`)."""

    articles: tuple[str, ...]  # every schema:NewsArticle, sorted
    wikidata_links: int  # owl:sameAs links to Wikidata entities, each (subject, object) once


def publication_facts(store: ox.Store) -> PublicationFacts:
    """The facts `add_publication` needs, from a store holding the release (its default graph: the merge)."""
    articles = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(NEWS_ARTICLE), ox.DefaultGraph())}
    links = {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(OWL_NS.sameAs), None, ox.DefaultGraph())
             if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(WIKIDATA_ENTITY)}
    return PublicationFacts(tuple(sorted(articles)), len(links))


def add_publication(void: set[tuple[str, str, str]], facts: PublicationFacts, first_typed: dict[str, str]) -> None:
    """Add to `void` (triples as the build writes them) the endpoint, example and root resources,
    the linkset of `owl:sameAs` links to Wikidata, the publisher, landing page and access URLs.

    `facts` are read from the release (`publication_facts`). `first_typed` gives,
    by kind, the least IRI under id/KIND/ with an rdf:type (`describe.Statistics`): the
    example resource of each of the EXAMPLE_KINDS.
    """
    release = mint.RELEASE_DATASET

    def add(subject: str, predicate: str, obj: str) -> None:
        void.add((subject, predicate, obj))

    add(release, VOID.sparqlEndpoint, iri(SERVE_ENDPOINT))
    add(release, RDFS + "comment", en(
        f"The SPARQL endpoint is that of `cubakg serve` on this machine ({SERVE_ENDPOINT}); loaded into "
        "another store (`cubakg load`), the release answers at that store's address."))
    add(release, DCTERMS.publisher, text(PUBLISHER))
    add(release, DCAT.landingPage, iri(PUBLIC_BASE))
    for kind in EXAMPLE_KINDS:
        if kind in first_typed:
            add(release, VOID.exampleResource, iri(first_typed[kind]))
    for article in facts.articles:
        add(release, VOID.rootResource, iri(article))
    if facts.wikidata_links:
        linkset = f"{release}/linkset/wikidata"
        add(release, VOID.subset, iri(linkset))
        add(linkset, RDF_TYPE, iri(VOID.Linkset))
        add(linkset, RDFS + "label", en("owl:sameAs links to Wikidata"))
        add(linkset, VOID.linkPredicate, iri(OWL_NS.sameAs))
        add(linkset, VOID.subjectsTarget, iri(release))
        add(linkset, VOID.objectsTarget, iri(WIKIDATA))
        add(linkset, VOID.triples, integer(facts.wikidata_links))
        add(WIKIDATA, RDF_TYPE, iri(VOID.Dataset))
        add(WIKIDATA, DCTERMS.title, en("Wikidata"))
        add(WIKIDATA, VOID.uriSpace, text(WIKIDATA_ENTITY))
    for subject, predicate, obj in list(void):
        if predicate == DCAT.downloadURL:
            add(subject, DCAT.accessURL, obj)


__all__ = ["PublicationFacts", "add_publication", "publication_facts"]
