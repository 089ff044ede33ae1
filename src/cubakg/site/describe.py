"""The description of a resource: the triples its page's Turtle and JSON-LD carry.

For a resource P with a page, the description is, as a set of triples:

1. every triple whose subject is P (from every named graph);
2. every triple of the resources described on P's page (`paths.REDIRECTS`: an
   article's evidence spans and their selectors, a time's description, a
   structure's components, the dataset's subsets);
3. every triple whose object is P (the links to it: who mentions it, which facts
   name it);
4. every triple of each fact (`id/fact/…`) that links to P, so that a person's
   description carries the posts, participations and statements it takes part in —
   except on the page of a SKOS concept or concept scheme, a value of a code list
   that thousands of facts share: there the links to it are enough;
5. the evidence P is derived from (`prov:wasDerivedFrom` an evidence span), with
   its selectors, so the words behind P travel with it.

It is a symmetric Concise Bounded Description in which our sub-resource IRIs play
the part blank nodes play in a CBD. The tests rebuild it with SPARQL from the
release and compare by isomorphism.
"""

from __future__ import annotations

import pyoxigraph as ox

from cubakg.namespaces import PREFIXES, XSD
from cubakg.resources import NS_ID
from cubakg.site.index import SiteIndex, is_fact
from cubakg.site.paths import RDF_REPRESENTATIONS, Representation

PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
OA_SELECTOR = "http://www.w3.org/ns/oa#hasSelector"
SKOS = PREFIXES["skos"]
CODE_LIST_TYPES = frozenset({SKOS + "Concept", SKOS + "ConceptScheme"})
EVIDENCE_PREFIX = NS_ID + "evidence/"
XSD_STRING = XSD + "string"


def description(index: SiteIndex, page: str, parts: list[str]) -> list[ox.Triple]:
    """The triples of `page`'s description (see the module docstring), each once, in a stable order."""
    by_subject, seen = index.by_subject, {}

    def add_subject(subject: str) -> None:
        for quad in by_subject.get(subject, ()):
            seen.setdefault(quad.triple, None)

    add_subject(page)
    for part in parts:
        add_subject(part)
    inbound = index.by_object.get(page, ())
    for quad in inbound:
        seen.setdefault(quad.triple, None)
    if not CODE_LIST_TYPES.intersection(index.types(page)):
        facts = dict.fromkeys(q.subject.value for q in inbound if is_fact(q.subject.value))
        for fact in facts:
            if fact != page:
                add_subject(fact)
    for quad in by_subject.get(page, ()):
        evidence = quad.object
        if quad.predicate.value == PROV_DERIVED and evidence.value.startswith(EVIDENCE_PREFIX):
            add_subject(evidence.value)
            for selector in index.values(evidence.value, OA_SELECTOR):
                add_subject(selector.value)
    return list(seen)


_PREFIX_OF: dict[str, str | None] = {}
_NAMESPACES = [(prefix, ns) for prefix, ns in PREFIXES.items() if prefix != "id"]


def _prefix(iri: str) -> str | None:
    try:
        return _PREFIX_OF[iri]
    except KeyError:
        found = next((prefix for prefix, ns in _NAMESPACES if iri.startswith(ns)), None)
        _PREFIX_OF[iri] = found
        return found


def used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The prefixes the triples' predicates, classes and datatypes need, in the table's order."""
    used = set()
    for triple in triples:
        used.add(_prefix(triple.predicate.value))
        obj = triple.object
        if isinstance(obj, ox.NamedNode):
            if not obj.value.startswith(NS_ID):
                used.add(_prefix(obj.value))
        elif obj.language is None and obj.datatype.value != XSD_STRING:
            used.add(_prefix(obj.datatype.value))
    return {prefix: ns for prefix, ns in _NAMESPACES if prefix in used}


def serialise(triples: list[ox.Triple]) -> dict[Representation, bytes]:
    """The description in each RDF representation; JSON-LD is expanded, so it needs no context to be read."""
    written = {}
    for representation in RDF_REPRESENTATIONS:
        fmt = representation.rdf_format
        prefixes = used_prefixes(triples) if fmt is ox.RdfFormat.TURTLE else None
        written[representation] = ox.serialize(triples, format=fmt, prefixes=prefixes)
    return written
