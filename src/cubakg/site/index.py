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


class Statement(NamedTuple):
    """A quad of the release less its subject (the key it is indexed under): the predicate's IRI,
    the object, and the named graph's IRI (None: the default graph).

    The index holds 1.65 million of them at 1,000 articles. A pyoxigraph `Quad` holds a copy of
    each of its four terms, and makes a new copy each time one is read. Here every term is one
    object, shared: one string per predicate and graph, one `NamedNode` per IRI and one `Literal`
    per literal (7,712 of them for 519,391 literal objects there). Indexed, the process making the
    site held 0.54 GB rather than 1.2 GB, and a process forked from it copies fewer pages as it
    reads them (docs/publishing.md, Cost).
    """

    predicate: str
    object: ox.NamedNode | ox.Literal
    graph: str | None


class Inbound(NamedTuple):
    """A link to a resource of ours: the IRIs of its subject and predicate, and its object (that resource)."""

    subject: str
    predicate: str
    object: ox.NamedNode


@dataclass
class SiteIndex:
    """The quads of the release, grouped for pages."""

    by_subject: dict[str, list[Statement]] = field(default_factory=dict)
    by_object: dict[str, list[Inbound]] = field(default_factory=dict)  # our id/ IRIs only
    graph_names: set[str] = field(default_factory=set)
    nodes: dict[str, ox.NamedNode] = field(default_factory=dict, repr=False)  # each predicate's node, made once
    _properties: dict[str, dict[str, list]] = field(default_factory=dict, repr=False)
    _types: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    chunks: dict[str, object] = field(default_factory=dict, repr=False)  # subject → its triples as written (describe)

    @classmethod
    def of(cls, quads: Iterable[ox.Quad]) -> "SiteIndex":
        by_subject: dict[str, list[Statement]] = defaultdict(list)
        predicates: dict[ox.NamedNode, str] = {}  # each predicate's IRI, kept once; and each graph's:
        graphs: dict[ox.NamedNode | ox.DefaultGraph, str | None] = {}
        terms: dict[ox.NamedNode | ox.Literal, ox.NamedNode | ox.Literal] = {}  # each object, kept once
        named_node, new_tuple = ox.NamedNode, tuple.__new__  # a NamedTuple's own __new__ is Python code
        # A subject's quads, and a graph's, come one after another: each read once per run of them.
        last_subject = last_graph = statements = graph = None
        for quad in quads:
            subject = quad.subject
            if subject != last_subject:
                if type(subject) is not named_node:
                    raise ValueError(f"blank node {subject} in the release: every node must have a minted IRI")
                statements, last_subject = by_subject[subject.value], subject
            graph_name = quad.graph_name
            if graph_name != last_graph:
                graph = graphs.get(graph_name)
                if graph is None and type(graph_name) is named_node:
                    graph = graphs[graph_name] = graph_name.value
                last_graph = graph_name
            predicate = quad.predicate
            obj = quad.object
            statements.append(new_tuple(Statement, (
                predicates.get(predicate) or predicates.setdefault(predicate, predicate.value),
                terms.setdefault(obj, obj), graph)))
        # In the order of their N-Quads lines (`_line_order`): any input order gives the same site.
        order = _line_order([*predicates.values(), *graphs.values(), None], terms)
        for statements in by_subject.values():
            statements.sort(key=order)
        # Gathered subject by subject in the order of their N-Quads form ("<s> …": no IRI holds ">"), so
        # each list is in that order too, without writing a second key for each of them. A page reads
        # its links three or four times, and a hub's run to 40,000 at 1,000 articles.
        ours = {term: term.value for term in terms if type(term) is named_node and term.value.startswith(NS_ID)}
        by_object: dict[str, list[Inbound]] = defaultdict(list)
        for subject in sorted(by_subject, key=_closed):
            for statement in by_subject[subject]:
                obj = statement.object
                if obj in ours:
                    by_object[ours[obj]].append(Inbound(subject, statement.predicate, obj))
        nodes = {iri: node for node, iri in predicates.items()}
        return cls(dict(by_subject), dict(by_object), {g for g in graphs.values() if g is not None}, nodes)

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
        nodes, triple, node = self.nodes, ox.Triple, ox.NamedNode(subject)
        pairs = dict.fromkeys((s.predicate, s.object) for s in self.by_subject.get(subject, ()))
        return [triple(node, nodes[predicate], obj) for predicate, obj in pairs]

    def triple(self, link: Inbound) -> ox.Triple:
        """The triple of a link."""
        return ox.Triple(ox.NamedNode(link.subject), self.nodes[link.predicate], link.object)


def _line_order(iris: list[str | None], terms: dict):
    """The sort key that puts one subject's statements in the order of their N-Quads lines
    ("<s> <p> o <g> ."), compared by code point, without writing the lines.

    The line's parts compare as its text does: an IRI closed by ">" (which no IRI holds) is never
    the start of another; an object's N-Triples form is followed by a space, which sorts before
    anything that could continue a longer one ("@", "^^"); the default graph (None) ends its line
    with " .", before " <g> .".
    """
    closed = {iri: iri + ">" if iri is not None else "" for iri in iris}
    written = {term: str(term) for term in terms}

    def key(statement: Statement) -> tuple[str, str, str]:
        predicate, obj, graph = statement
        return closed[predicate], written[obj], closed[graph]

    return key


def _grouped(statements: list[Statement]) -> dict[str, list]:
    """predicate → its objects, each once, from one subject's statements in their N-Quads order (`SiteIndex.of`).

    In that order the quads of a predicate come together (their lines all start "<s> <p> "),
    and so do those of one predicate and object, whatever their graphs: a repeated object
    is the one just before (a third less time than a dictionary of the objects seen).
    """
    found: dict[str, list] = {}
    last_predicate = last_object = objects = None
    for predicate, obj, _ in statements:
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
