"""What the dataset description says about publication: endpoint, examples, links, publisher, access.

Added to the VoID + DCAT description that `publish.describe_release` writes, by
one call, so that the description of the data and of its publication stay apart:

    add_publication(void, release_iri, union)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cubakg.resources import NS_ID
from cubakg.site.paths import PUBLIC_BASE

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

# `cubakg serve` answers SPARQL here; a user's own store has its own address (docs/loading.md).
SERVE_ENDPOINT = "http://127.0.0.1:7878/query"
PUBLISHER = "The cubakg team"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
WIKIDATA = "https://www.wikidata.org/"
EXAMPLE_KINDS = ("person", "event", "article", "fact")


def add_publication(void: "Graph", release: "URIRef", union: "Graph") -> None:
    """Add the endpoint, example and root resources, the Wikidata linkset, publisher and access URLs."""
    from rdflib import RDF, RDFS, XSD, Literal, URIRef
    from rdflib.namespace import DCAT, DCTERMS, OWL, VOID

    void.add((release, VOID.sparqlEndpoint, URIRef(SERVE_ENDPOINT)))
    void.add((release, RDFS.comment, Literal(
        f"The SPARQL endpoint is that of `cubakg serve` on this machine ({SERVE_ENDPOINT}); "
        "loaded into another store (`cubakg load`), the release answers at that store's address.", lang="en")))
    void.add((release, DCTERMS.publisher, Literal(PUBLISHER)))
    void.add((release, DCAT.landingPage, URIRef(PUBLIC_BASE)))
    subjects = sorted({str(s) for s in union.subjects() if isinstance(s, URIRef) and str(s).startswith(NS_ID)})
    for kind in EXAMPLE_KINDS:
        example = next((s for s in subjects if s.startswith(f"{NS_ID}{kind}/")), None)
        if example:
            void.add((release, VOID.exampleResource, URIRef(example)))
    for article in sorted(set(union.subjects(RDF.type, URIRef("https://schema.org/NewsArticle"))), key=str):
        void.add((release, VOID.rootResource, article))
    links = sum(1 for _, o in union.subject_objects(OWL.sameAs) if str(o).startswith(WIKIDATA_ENTITY))
    if links:
        linkset, wikidata = URIRef(f"{release}/linkset/wikidata"), URIRef(WIKIDATA)
        void.add((release, VOID.subset, linkset))
        void.add((linkset, RDF.type, VOID.Linkset))
        void.add((linkset, RDFS.label, Literal("owl:sameAs links to Wikidata", lang="en")))
        void.add((linkset, VOID.linkPredicate, OWL.sameAs))
        void.add((linkset, VOID.subjectsTarget, release))
        void.add((linkset, VOID.objectsTarget, wikidata))
        void.add((linkset, VOID.triples, Literal(links, datatype=XSD.integer)))
        void.add((wikidata, RDF.type, VOID.Dataset))
        void.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
        void.add((wikidata, VOID.uriSpace, Literal(WIKIDATA_ENTITY)))
    for distribution in list(void.objects(release, DCAT.distribution)):
        for url in list(void.objects(distribution, DCAT.downloadURL)):
            void.add((distribution, DCAT.accessURL, url))
