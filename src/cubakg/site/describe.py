"""The description of a resource: the triples its page's Turtle and JSON-LD carry.

For a resource P with a page, the description is, as a set of triples:

1. every triple whose subject is P (from every named graph);
2. every triple of the resources described on P's page (`paths.REDIRECTS`: an
   article's evidence spans and their selectors, a time's description, a
   structure's components, the dataset's subsets);
3. every triple whose object is P (the links to it: who mentions it, which facts
   name it);
4. every triple of each fact (`id/fact/…`) that links to P other than by
   `prov:wasDerivedFrom`, so that a person's description carries the posts,
   participations and statements it takes part in — except on the page of a SKOS
   concept or concept scheme, a value of a code list that thousands of facts share:
   there the links to it are enough. (An article's facts are derived from it: its
   description links to each, and each has its own page.);
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
    return described(index, page, parts)[0]


def described(index: SiteIndex, page: str, parts: list[str]) -> tuple[list[ox.Triple], dict[str, str]]:
    """The description's triples and the prefixes its Turtle needs."""
    subjects = [page, *parts]
    inbound = index.by_object.get(page, ())
    if not CODE_LIST_TYPES.intersection(index.types(page)):
        subjects += [q.subject.value for q in inbound
                     if q.predicate.value != PROV_DERIVED and is_fact(q.subject.value)]
    for evidence in index.values(page, PROV_DERIVED):
        if evidence.value.startswith(EVIDENCE_PREFIX):
            subjects.append(evidence.value)
            subjects += [selector.value for selector in index.values(evidence.value, OA_SELECTOR)]
    seen: dict[ox.Triple, None] = {}
    used: set[str | None] = set()
    for subject in dict.fromkeys(subjects):
        seen.update(dict.fromkeys(index.triples(subject)))
        used |= prefixes_of(index, subject)
    for quad in inbound:
        seen[quad.triple] = None
        used.add(_prefix(quad.predicate.value))
    return list(seen), {prefix: ns for prefix, ns in _NAMESPACES if prefix in used}


_PREFIX_OF: dict[str, str | None] = {}
_NAMESPACES = [(prefix, ns) for prefix, ns in PREFIXES.items() if prefix != "id"]


def _prefix(iri: str) -> str | None:
    try:
        return _PREFIX_OF[iri]
    except KeyError:
        found = next((prefix for prefix, ns in _NAMESPACES if iri.startswith(ns)), None)
        _PREFIX_OF[iri] = found
        return found


def prefixes_of(index: SiteIndex, subject: str) -> set[str | None]:
    """The prefixes a subject's triples need in Turtle: of predicates, classes and datatypes (cached)."""
    cache = index.memo.setdefault("prefixes", {})
    found = cache.get(subject)
    if found is None:
        found = set()
        for predicate, objects in index.properties(subject).items():
            found.add(_prefix(predicate))
            for obj in objects:
                if type(obj) is ox.NamedNode:
                    if not obj.value.startswith(NS_ID):
                        found.add(_prefix(obj.value))
                elif type(obj) is ox.Literal and obj.language is None:
                    datatype = obj.datatype.value
                    if datatype != XSD_STRING:
                        found.add(_prefix(datatype))
        cache[subject] = found
    return found


def serialise(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[Representation, bytes]:
    """The description in each RDF representation; JSON-LD is expanded, so it needs no context to be read."""
    written = {}
    for representation in RDF_REPRESENTATIONS:
        fmt = representation.rdf_format
        written[representation] = ox.serialize(
            triples, format=fmt, prefixes=prefixes if fmt is ox.RdfFormat.TURTLE else None)
    return written
