"""Stage 4, mint: stable, readable IRIs derived from content.

The same input always gives the same IRI; nothing is random and nothing people
link to is a blank node. See docs/model.md, "IRIs".
"""

from __future__ import annotations

from rdflib import URIRef

from cubakg.resources import NS_ID
from cubakg.sheets import Entity

# Registry types → IRI path segment.
ENTITY_PATHS = {
    "person": "person", "group": "group", "organization": "org", "outlet": "org",
    "country": "place", "place": "place", "post": "post", "event": "event", "policy": "policy",
}


def entity_iri(key: str, entity: Entity) -> URIRef:
    """>>> entity_iri("joe-biden", Entity(type="person", label="Joe Biden"))
    rdflib.term.URIRef('https://w3id.org/cubakg/id/person/joe-biden')
    """
    return URIRef(f"{NS_ID}{ENTITY_PATHS[entity.type]}/{key}")


def scheme_iri(scheme: str) -> URIRef:
    return URIRef(f"{NS_ID}concept/{scheme}")


def concept_iri(scheme: str, key: str) -> URIRef:
    return URIRef(f"{NS_ID}concept/{scheme}/{key}")


def article_iri(article_id: str) -> URIRef:
    return URIRef(f"{NS_ID}article/{article_id}")


def article_part_iri(article_id: str, fact_id: str) -> URIRef:
    return URIRef(f"{NS_ID}article/{article_id}/{fact_id}")


def fact_iri(article_id: str, fact_id: str) -> URIRef:
    return URIRef(f"{NS_ID}fact/{article_id}/{fact_id}")


def evidence_iri(article_id: str, start: int, end: int) -> URIRef:
    return URIRef(f"{NS_ID}evidence/{article_id}/{start}-{end}")


def time_iri(article_id: str, fact_id: str, slot: str) -> URIRef:
    return URIRef(f"{NS_ID}time/{article_id}/{fact_id}/{slot}")


def dataset_iri(name: str) -> URIRef:
    return URIRef(f"{NS_ID}dataset/{name}")


def structure_iri(name: str) -> URIRef:
    return URIRef(f"{NS_ID}structure/{name}")


def graph_iri(name: str) -> URIRef:
    """`shared`, `outside-knowledge`, or an article id."""
    return URIRef(f"{NS_ID}graph/{name}")


def wikidata_iri(qid: str) -> URIRef:
    return URIRef(f"http://www.wikidata.org/entity/{qid}")
