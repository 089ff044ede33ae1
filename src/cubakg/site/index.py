"""One pass over the release's quads: statements by subject, links by object.

Everything the site shows and writes is read from this index; no page runs a
query or builds a graph of its own. The quads of each subject are sorted once
here, so every page and file is the same whatever order the quads came in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

import pyoxigraph as ox

from cubakg.resources import NS_ID

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FACT_PREFIX = NS_ID + "fact/"
EVIDENCE_PREFIX = NS_ID + "evidence/"


class Inbound(NamedTuple):
    """A quad whose object is a resource of ours, with its subject's and predicate's IRIs."""

    subject: str
    predicate: str
    quad: ox.Quad


@dataclass
class SiteIndex:
    """The quads of the release, grouped for pages."""

    by_subject: dict[str, list[ox.Quad]] = field(default_factory=dict)
    by_object: dict[str, list[Inbound]] = field(default_factory=dict)  # our id/ IRIs only
    graph_names: set[str] = field(default_factory=set)
    _properties: dict[str, dict[str, list]] = field(default_factory=dict, repr=False)
    _types: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    chunks: dict[str, object] = field(default_factory=dict, repr=False)  # subject → its triples as written (describe)

    @classmethod
    def of(cls, quads: Iterable[ox.Quad]) -> "SiteIndex":
        by_subject: dict[str, list[ox.Quad]] = defaultdict(list)
        graph_names: set[str] = set()
        named_node = ox.NamedNode
        for quad in quads:
            subject = quad.subject
            if type(subject) is not named_node:
                raise ValueError(f"blank node {subject} in the release: every node must have a minted IRI")
            by_subject[subject.value].append(quad)
            graph = quad.graph_name
            if type(graph) is named_node:
                graph_names.add(graph.value)
        # Sorted by their N-Quads form (written by pyoxigraph, so cheap): any input order gives the same site.
        for quads_of in by_subject.values():
            quads_of.sort(key=str)
        # Gathered subject by subject in the order of their N-Quads form ("<s> …": no IRI holds ">"), so
        # each list is in that order too, without writing a second key for each of them. Each link is
        # kept with its subject's and predicate's IRIs, read here once (the subject's is at hand): a
        # page reads its links three or four times, and a hub's run to 40,000 at 1,000 articles.
        by_object: dict[str, list[Inbound]] = defaultdict(list)
        predicates: dict[str, str] = {}  # each predicate's IRI kept once, not once per link
        for subject in sorted(by_subject, key=_closed):
            for quad in by_subject[subject]:
                obj = quad.object
                if type(obj) is named_node:
                    value = obj.value
                    if value.startswith(NS_ID):
                        predicate = quad.predicate.value
                        by_object[value].append(Inbound(subject, predicates.setdefault(predicate, predicate), quad))
        return cls(dict(by_subject), dict(by_object), graph_names)

    def iris(self) -> set[str]:
        """Every IRI of ours that the quads name, as subject, object or graph."""
        found = {s for s in self.by_subject if s.startswith(NS_ID)}
        found.update(self.by_object)
        found.update(g for g in self.graph_names if g.startswith(NS_ID))
        return found

    def properties(self, subject: str) -> dict[str, list]:
        """predicate → the objects of `subject predicate`, each once, in order (computed once per subject)."""
        found = self._properties.get(subject)
        if found is None:
            found = self._properties[subject] = _grouped(self.by_subject.get(subject, ()))
        return found

    def inbound(self, iri: str) -> list[Inbound]:
        """The links to `iri` (`by_object`), in order."""
        return self.by_object.get(iri, [])

    def caches(self) -> list[dict]:
        """What this index keeps once computed, by subject (see `render.Site.forgetting`)."""
        return [self._properties, self._types, self.chunks]

    def values(self, subject: str, predicate: str) -> list:
        """The objects of `subject predicate`, each once, in order."""
        return self.properties(subject).get(predicate, [])

    def types(self, subject: str) -> tuple[str, ...]:
        """The IRIs of `subject`'s classes, in order (computed once per subject: a hub's page asks for
        those of each of the thousands of facts that name it)."""
        found = self._types.get(subject)
        if found is None:
            found = self._types[subject] = tuple(t.value for t in self.values(subject, RDF_TYPE) if isinstance(t, ox.NamedNode))
        return found

    def triples(self, subject: str) -> list[ox.Triple]:
        """The triples of `subject` in every graph, each once, in order. Not kept: each is read once, to
        be written (`describe`), and keeping them took 0.4 GB at 1,000 articles."""
        return list(dict.fromkeys(q.triple for q in self.by_subject.get(subject, ())))


def _grouped(quads: list[ox.Quad]) -> dict[str, list]:
    """predicate → its objects, each once, from one subject's quads in their N-Quads order (`SiteIndex.of`).

    In that order the quads of a predicate come together (their lines all start "<s> <p> "),
    and so do those of one predicate and object, whatever their graphs: a repeated object
    is the one just before (a third less time than a dictionary of the objects seen).
    """
    found: dict[str, list] = {}
    last_predicate = last_object = objects = None
    for quad in quads:
        predicate, obj = quad.predicate.value, quad.object
        if predicate != last_predicate:
            objects = found.setdefault(predicate, [])
            last_predicate = predicate
        elif obj == last_object:
            continue
        objects.append(obj)
        last_object = obj
    return found


def _closed(iri: str) -> str:
    """An IRI as it starts its quads' N-Quads form, less the "<": the key that sorts subjects as those do."""
    return iri + ">"


def is_fact(iri: str) -> bool:
    """An n-ary fact node (`id/fact/{article}/{fact}`)."""
    return iri.startswith(FACT_PREFIX)


def is_span(iri: str) -> bool:
    """An evidence span (`id/evidence/{article}/{start}-{end}`), not one of its selectors."""
    return iri.startswith(EVIDENCE_PREFIX) and iri.count("/", len(EVIDENCE_PREFIX)) == 1
