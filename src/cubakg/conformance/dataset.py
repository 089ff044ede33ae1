"""The data to validate, in a pyoxigraph store, with every term as the data wrote it.

Quads are loaded by the store's own parser (fast), while a second pass over the same
bytes, on the other core, notes the literals the store keeps by value and those
whose lexical form is ill-formed (terms.py, xsd.py). Once all is read, each quad
whose literal the store rewrote is moved:

- its as-written form, wrapped, to the graph AS_WRITTEN, which the SHACL engine
  reads (`view()`);
- its stored form to the graph BY_VALUE, which SPARQL constraints read
  (`sparql_view()`): a SPARQL query on the data sees numbers by value.

>>> loader = Loader()
>>> loader.add_bytes(b'<http://e/s> <http://e/p> 1.0, 1.00 .', pyoxigraph.RdfFormat.TURTLE)
2
>>> data = loader.finish()
>>> sorted(str(written(q.object)) for q in data.store.quads_for_pattern(None, None, None, data.as_written_graph))
['"1.0"^^<http://www.w3.org/2001/XMLSchema#decimal>', '"1.00"^^<http://www.w3.org/2001/XMLSchema#decimal>']
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pyoxigraph

from cubakg.conformance import xsd
from cubakg.conformance.terms import BY_VALUE, Terms, stored_forms, wrap, written
from cubakg.namespaces import XSD

AS_WRITTEN = pyoxigraph.NamedNode("urn:cubakg:validate:as-written")
BY_VALUE_GRAPH = pyoxigraph.NamedNode("urn:cubakg:validate:by-value")
INPUT = "input"  # the group of quads read from the user's input; others (the release) have their own graphs


def as_written_graph(group: str):
    return AS_WRITTEN if group == INPUT else pyoxigraph.NamedNode(f"{AS_WRITTEN.value}:{group}")


def by_value_graph(group: str):
    return BY_VALUE_GRAPH if group == INPUT else pyoxigraph.NamedNode(f"{BY_VALUE_GRAPH.value}:{group}")
# Literals whose datatype's every lexical form is well-formed need no check.
_NO_CHECK = frozenset({XSD + "string", XSD + "anyURI", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"})


@dataclass
class Dataset:
    """The store and what the validator needs to know about it."""

    store: pyoxigraph.Store
    input_graphs: list  # the graphs holding the input (the default graph and the input's named graphs)
    terms: Terms
    ill_formed: set = field(default_factory=set)  # literals (as written) with ill-formed lexical forms
    written_forms: dict = field(default_factory=dict)  # stored literal → {literals as written}
    extra_graphs: list = field(default_factory=list)  # graphs validated with the input (ontology axioms, release)
    as_written_graph: object = AS_WRITTEN

    def view(self) -> list:
        """The data graph as SHACL sees it: every term as written."""
        return self.input_graphs + [AS_WRITTEN] + [g for extra in self.extra_graphs for g in self.written_graphs(extra)]

    def sparql_view(self) -> list:
        """The data graph as a SPARQL store sees it: literals by value."""
        return self.input_graphs + [BY_VALUE_GRAPH] + [g for extra in self.extra_graphs for g in self.value_graphs(extra)]

    @staticmethod
    def written_graphs(graph) -> list:
        """A graph loaded as its own group, with its as-written graph."""
        return [graph, as_written_graph(graph.value)] if isinstance(graph, pyoxigraph.NamedNode) else [graph]

    @staticmethod
    def value_graphs(graph) -> list:
        return [graph, by_value_graph(graph.value)] if isinstance(graph, pyoxigraph.NamedNode) else [graph]

    def input_view(self) -> list:
        """The input alone, as written (for the extra checks)."""
        return self.input_graphs + [AS_WRITTEN]

    def as_written(self, term, subject=None, predicate=None):
        """A term from a query on either view, as the data wrote it (where that is unique)."""
        term = written(term)
        forms = self.written_forms.get(term)
        if forms:
            if len(forms) == 1:
                return next(iter(forms))
        return term


class Loader:
    """Fills a store with quads, remembering what the store would rewrite."""

    def __init__(self, store: pyoxigraph.Store | None = None):
        self.store = store or pyoxigraph.Store()
        self.by_value: dict = {}  # group → quads whose literal the store keeps by value (maybe rewritten)
        self.checked: set = set()  # distinct XSD-typed literals whose lexical form needs a check

    def note(self, quads, group: str = INPUT):
        """Pass quads through, noting the literals that matter (one Python pass, kept cheap)."""
        literal_type = pyoxigraph.Literal
        by_value, checked = self.by_value.setdefault(group, []), self.checked
        for quad in quads:
            obj = quad.object
            if type(obj) is literal_type:
                datatype = obj.datatype.value
                if datatype in BY_VALUE:
                    by_value.append(quad)
                    checked.add(obj)
                elif datatype not in _NO_CHECK and datatype.startswith(XSD):
                    checked.add(obj)
            yield quad

    def add_bytes(self, data: bytes, fmt, base_iri: str | None = None) -> int:
        """Parse a document into the store; the number of quads it added. Raises SyntaxError/MemoryError."""
        before = len(self.store)
        failure: list = []

        def load():
            try:
                self.store.load(data, format=fmt, base_iri=base_iri)
            except BaseException as error:  # noqa: BLE001 - reported by the other pass, which parses the same bytes
                failure.append(error)

        # The store's parser runs on another core (it releases the GIL) while this thread notes literals.
        loading = threading.Thread(target=load)
        loading.start()
        try:
            for _ in self.note(pyoxigraph.parse(data, format=fmt, base_iri=base_iri)):
                pass
        finally:
            loading.join()
        if failure:
            raise failure[0]
        return len(self.store) - before

    def add_quads(self, quads, group: str = INPUT) -> int:
        """Add quads (group INPUT), or triples into the graph named `group` (another group)."""
        before = len(self.store)
        if group != INPUT:
            graph = pyoxigraph.NamedNode(group)
            quads = (pyoxigraph.Quad(q.subject, q.predicate, q.object, graph) for q in quads)
        self.store.extend(self.note(quads, group))
        return len(self.store) - before

    def finish(self, input_graphs: list | None = None) -> Dataset:
        """Move rewritten literals to the as-written and by-value graphs; the Dataset."""
        store = self.store
        groups = set(self.by_value) - {INPUT}
        if input_graphs is None:
            skip = {pyoxigraph.NamedNode(group) for group in groups}
            input_graphs = [pyoxigraph.DefaultGraph()] + [g for g in store.named_graphs() if g not in skip]
        everything = [quad for quads in self.by_value.values() for quad in quads]
        stored = stored_forms(quad.object for quad in everything)
        written_forms: dict = {}
        any_rewritten = False
        for group, quads in self.by_value.items():
            rewritten = [quad for quad in quads if stored[quad.object] != quad.object]
            if not rewritten:
                continue
            any_rewritten = True
            as_written, by_value = as_written_graph(group), by_value_graph(group)
            kept = {pyoxigraph.Quad(q.subject, q.predicate, q.object, q.graph_name)
                    for q in quads if stored[q.object] == q.object}
            removals, additions = set(), []
            for quad in rewritten:
                value = stored[quad.object]
                in_store = pyoxigraph.Quad(quad.subject, quad.predicate, value, quad.graph_name)
                if in_store not in kept:  # the same triple also written in stored form stays
                    removals.add(in_store)
                additions.append(pyoxigraph.Quad(quad.subject, quad.predicate, wrap(quad.object), as_written))
                additions.append(pyoxigraph.Quad(quad.subject, quad.predicate, value, by_value))
                written_forms.setdefault(value, set()).add(quad.object)
            remove(store, removals)
            store.extend(additions)
        ill_formed = {literal for literal in self.checked if not xsd.well_formed(literal.value, literal.datatype.value)}
        return Dataset(store=store, input_graphs=list(input_graphs), terms=Terms(any_wrapped=any_rewritten),
                       ill_formed=ill_formed, written_forms=written_forms,
                       extra_graphs=[pyoxigraph.NamedNode(group) for group in sorted(groups)])


def remove(store, quads) -> None:
    """Remove quads: those without blank nodes in one update (one transaction), the others one by one
    (SPARQL's DELETE DATA cannot name a blank node)."""
    blank = pyoxigraph.BlankNode
    named = [q for q in quads if type(q.subject) is not blank and type(q.graph_name) is not blank]
    for quad in quads:
        if type(quad.subject) is blank or type(quad.graph_name) is blank:
            store.remove(quad)
    if named:
        store.update("DELETE DATA { " + " ".join(
            f"{q.subject} {q.predicate} {q.object} ." if q.graph_name == pyoxigraph.DefaultGraph()
            else f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in named) + " }")
