"""Stage 4, mint: every IRI cubakg writes, stable and readable, derived from content.

The same input always gives the same IRI; nothing is random and nothing people
link to is a blank node. This module is the only place IRIs are made (see
docs/model.md, "IRIs"); the mint stage gives each fact record its IRIs.

>>> entity_iri("joe-biden", "person")
'https://w3id.org/cubakg/id/person/joe-biden'
>>> evidence_iri("003", 155, 262)
'https://w3id.org/cubakg/id/evidence/003/155-262'
"""

from __future__ import annotations

import dataclasses
import hashlib

from cubakg.records import ArticleRecord, FactRecord
from cubakg.resources import NS_ID, NS_ONTOLOGY

# Registry types → IRI path segment.
ENTITY_PATHS = {
    "person": "person", "group": "group", "organization": "org", "outlet": "org",
    "country": "place", "place": "place", "post": "post", "event": "event", "policy": "policy",
}
RELEASE_BASE = "https://w3id.org/cubakg/release/"
WIKIDATA = "http://www.wikidata.org/entity/"


def entity_iri(key: str, entity_type: str) -> str:
    return f"{NS_ID}{ENTITY_PATHS[entity_type]}/{key}"


def scheme_iri(scheme: str) -> str:
    return f"{NS_ID}concept/{scheme}"


def concept_iri(scheme: str, key: str) -> str:
    return f"{NS_ID}concept/{scheme}/{key}"


def article_iri(article_id: str) -> str:
    return f"{NS_ID}article/{article_id}"


def article_part_iri(article_id: str, fact_id: str) -> str:
    return f"{NS_ID}article/{article_id}/{fact_id}"


def fact_iri(article_id: str, fact_id: str) -> str:
    return f"{NS_ID}fact/{article_id}/{fact_id}"


def evidence_iri(article_id: str, start: int, end: int) -> str:
    return f"{NS_ID}evidence/{article_id}/{start}-{end}"


def quote_selector_iri(evidence: str) -> str:
    return f"{evidence}/quote"


def position_selector_iri(evidence: str) -> str:
    return f"{evidence}/position"


def time_iri(article_id: str, fact_id: str, slot: str) -> str:
    return f"{NS_ID}time/{article_id}/{fact_id}/{slot}"


def beginning_iri(interval: str) -> str:
    return f"{interval}/beginning"


def end_iri(interval: str) -> str:
    return f"{interval}/end"


def duration_iri(interval: str) -> str:
    return f"{interval}/duration"


def description_iri(instant: str) -> str:
    return f"{instant}/description"


def dataset_iri(name: str) -> str:
    return f"{NS_ID}dataset/{name}"


def structure_iri(name: str) -> str:
    return f"{NS_ID}structure/{name}"


def component_iri(structure: str, component_property: str) -> str:
    return f"{structure}/{component_property.rsplit('#', 1)[-1]}"


def graph_iri(name: str) -> str:
    """`shared`, `sources`, `outside-knowledge`, or an article id."""
    return f"{NS_ID}graph/{name}"


def wikidata_iri(qid: str) -> str:
    return f"{WIKIDATA}{qid}"


def own_nodes(article_id: str) -> tuple[str, tuple[str, ...]]:
    """The IRI of an article and the prefixes of every node only it describes
    (its parts, facts, evidence and times), for telling them from shared things."""
    article = article_iri(article_id)
    return article, (f"{article}/", f"{NS_ID}fact/{article_id}/", f"{NS_ID}evidence/{article_id}/",
                     f"{NS_ID}time/{article_id}/")


# --- the release's own description (VoID, DCAT) ----------------------------------------

RELEASE_DATASET = f"{NS_ID}dataset/cubakg"


def distribution_iri(version: str, file_name: str) -> str:
    return f"{RELEASE_BASE}{version}/{file_name}"


def checksum_iri(distribution: str) -> str:
    return f"{distribution}#sha256"


def subset_iri(graph: str) -> str:
    return f"{RELEASE_DATASET}/graph/{graph.rsplit('/', 1)[-1]}"


def partition_iri(kind: str, term: str, prefixes: dict[str, str]) -> str:
    """A class or property partition: `…/class/schema-Person`, `…/property/ckg-speaker`."""
    for prefix, namespace in prefixes.items():
        if term.startswith(namespace) and namespace != NS_ID:
            return f"{RELEASE_DATASET}/{kind}/{prefix}-{term[len(namespace):]}"
    return f"{RELEASE_DATASET}/{kind}/{hashlib.sha1(term.encode()).hexdigest()[:12]}"


def ontology_term(name: str) -> str:
    return f"{NS_ONTOLOGY}{name}"


# --- the stage -------------------------------------------------------------------------


class Minter:
    """IRIs of registry keys, made once each."""

    def __init__(self, index: dict):
        self.index = index
        self._keys: dict[str, str] = {}

    def key(self, key: str) -> str:
        found = self._keys.get(key)
        if found is None:
            term = self.index[key]
            found = entity_iri(key, term.entity.type) if term.entity else concept_iri(term.scheme, key)
            self._keys[key] = found
        return found


def _fact_node(record: FactRecord, minter: Minter) -> str:
    describes = record.fact.describes
    article_id = record.article_id
    if describes == "fact":
        return fact_iri(article_id, record.fact.id)
    if describes == "article":
        return article_iri(article_id)
    if describes == "article-part":
        return article_part_iri(article_id, record.fact.id)
    return minter.key(getattr(record.fact, describes))


def mint(articles: list[ArticleRecord], minter: Minter) -> list[ArticleRecord]:
    """Each article and fact record with its IRIs: node, evidence, times, named graph."""
    return [mint_article(article, minter) for article in articles]


def mint_article(article: ArticleRecord, minter: Minter) -> ArticleRecord:
    """One article and its fact records with their IRIs (each article on its own: in any process)."""
    outside = graph_iri("outside-knowledge")
    graph = graph_iri(article.id)
    facts = tuple(
        dataclasses.replace(
            record,
            iri=_fact_node(record, minter),
            evidence=tuple(evidence_iri(article.id, span.start, span.end) for span in record.spans),
            time_nodes={slot: time_iri(article.id, record.fact.id, slot) for slot in record.times},
            graph=outside if record.fact.outside else graph,
        )
        for record in article.facts
    )
    return dataclasses.replace(article, facts=facts, iri=article_iri(article.id), graph=graph)


def report_iri() -> str:
    """The build's SHACL validation report."""
    return f"{NS_ID}report/build"


def report_result_iri(number: int) -> str:
    return f"{report_iri()}/result/{number}"
