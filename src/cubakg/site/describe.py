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

from dataclasses import dataclass

import pyoxigraph as ox

from cubakg.namespaces import PREFIXES, XSD
from cubakg.resources import NS_ID
from cubakg.site.index import EVIDENCE_PREFIX, SiteIndex, is_fact, is_span
from cubakg.site.paths import JSON_LD, TURTLE, Representation

PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
OA_SELECTOR = "http://www.w3.org/ns/oa#hasSelector"
SKOS = PREFIXES["skos"]
CODE_LIST_TYPES = frozenset({SKOS + "Concept", SKOS + "ConceptScheme"})
XSD_STRING = XSD + "string"


def description(index: SiteIndex, page: str, parts: list[str]) -> list[ox.Triple]:
    """The triples of `page`'s description (see the module docstring), each once, in a stable order."""
    subjects, links = described(index, page, parts)
    seen: dict[ox.Triple, None] = {}
    for subject in subjects:
        seen.update(dict.fromkeys(_triples_of(index, subject)))
    seen.update(dict.fromkeys(links))
    return list(seen)


def described(index: SiteIndex, page: str, parts: list[str]) -> tuple[list[str], list[ox.Triple]]:
    """The subjects whose triples the description holds whole, and the other triples linking to `page`."""
    subjects = [page, *parts]
    inbound = index.inbound(page)
    if not CODE_LIST_TYPES.intersection(index.types(page)):
        subjects += [link.subject for link in inbound if link.predicate != PROV_DERIVED and is_fact(link.subject)]
    subjects += [e.value for e in index.values(page, PROV_DERIVED) if e.value.startswith(EVIDENCE_PREFIX)]
    # An evidence span's piece holds its selectors too (see _chunk): they need no piece of their own.
    spans = {s for s in subjects if is_span(s)}
    whole = list(dict.fromkeys(s for s in subjects if not (s.startswith(EVIDENCE_PREFIX) and s.rsplit("/", 1)[0] in spans)))
    included = set(whole) | {sel.value for span in spans for sel in index.values(span, OA_SELECTOR)}
    links = list(dict.fromkeys(index.triple(link) for link in inbound if link.subject not in included))
    return whole, links


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
    """The prefixes a subject's triples need in Turtle: of predicates, classes and datatypes. Not
    kept: each subject's triples are written once (`_chunk` keeps what is written)."""
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
    return found


def serialise(index: SiteIndex, subjects: list[str], links: list[ox.Triple]) -> dict[Representation, bytes]:
    """The description in Turtle and JSON-LD (expanded: it needs no context to be read).

    Each subject's triples are written once by pyoxigraph and kept, then joined into
    every description that holds them: a fact shown on five pages is written once.
    """
    turtle_prefixes: dict[str, str] = {}
    turtle, json_ld = [], []
    for subject in subjects:
        chunk = _chunk(index, subject)
        turtle_prefixes.update(chunk.prefixes)
        turtle.append(chunk.turtle)
        json_ld.append(chunk.json_ld)
    if links:
        used = {_prefix(t.predicate.value) for t in links}
        chunk = _serialised(links, {prefix: ns for prefix, ns in _NAMESPACES if prefix in used})
        turtle_prefixes.update(chunk.prefixes)
        turtle.append(chunk.turtle)
        json_ld.append(chunk.json_ld)
    header = "".join(f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in _NAMESPACES if prefix in turtle_prefixes)
    # Each file made by one join: a hub's runs to 20 MB at 1,000 articles, and each copy of it is new memory.
    json_ld = [part for part in json_ld if part]
    return {
        TURTLE: b"".join([header.encode(), *turtle]),
        JSON_LD: b"".join([b"[", *_separated(json_ld, b","), b"]"]),
    }


def _separated(parts: list[bytes], separator: bytes) -> list[bytes]:
    """`parts` with `separator` between each two: joined, the same bytes as `separator.join(parts)`.

    >>> _separated([b"a", b"b", b"c"], b",")
    [b'a', b',', b'b', b',', b'c']
    """
    separated = [separator] * (2 * len(parts) - 1) if parts else []
    separated[::2] = parts
    return separated


@dataclass(frozen=True)
class _Chunk:
    turtle: bytes  # without its @prefix lines
    json_ld: bytes  # node objects, without the enclosing [ ]
    prefixes: dict[str, str]


def _chunk(index: SiteIndex, subject: str) -> _Chunk:
    cache = index.chunks
    found = cache.get(subject)
    if found is None:
        members = [subject, *_selectors(index, subject)]
        used = set().union(*(prefixes_of(index, member) for member in members))
        found = cache[subject] = _serialised(
            _triples_of(index, subject), {prefix: ns for prefix, ns in _NAMESPACES if prefix in used})
    return found


def _selectors(index: SiteIndex, subject: str) -> list[str]:
    return [s.value for s in index.values(subject, OA_SELECTOR)] if is_span(subject) else []


def _triples_of(index: SiteIndex, subject: str) -> list[ox.Triple]:
    """A subject's triples; an evidence span's with its selectors'."""
    triples = index.triples(subject)
    for selector in _selectors(index, subject):
        triples = triples + index.triples(selector)
    return triples


def _serialised(triples: list[ox.Triple], prefixes: dict[str, str]) -> _Chunk:
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    body = turtle.split(b"\n", len(prefixes))[-1] if prefixes else turtle
    json_ld = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)[1:-1]
    return _Chunk(body, json_ld, prefixes)
