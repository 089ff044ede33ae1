"""The data to validate, in a pyoxigraph store, with every term as the data wrote it.

Each quad passes `Loader.rewrite`, which notes the literals the store would keep by
value and those whose lexical form is ill-formed (terms.py, xsd.py), and moves each
quad whose literal the store would rewrite:

- its as-written form, wrapped, to the graph AS_WRITTEN, which the SHACL engine
  reads (`view()`);
- its stored form to the graph BY_VALUE, which SPARQL constraints read
  (`sparql_view()`): a SPARQL query on the data sees numbers by value.

Large N-Triples and N-Quads documents (and Turtle documents written as N-Triples) are
read mostly by the store's own parser, in a thread of its own: only their lines that may
hold such a literal (or a blank node, which that parser would rename) pass `rewrite`
(`Loader.add_bytes`, `Loader.add_file`).

>>> loader = Loader()
>>> loader.add_bytes(b'<http://e/s> <http://e/p> 1.0, 1.00 .', pyoxigraph.RdfFormat.TURTLE)
2
>>> data = loader.finish()
>>> sorted(str(written(q.object)) for q in data.store.quads_for_pattern(None, None, None, data.as_written_graph))
['"1.0"^^<http://www.w3.org/2001/XMLSchema#decimal>', '"1.00"^^<http://www.w3.org/2001/XMLSchema#decimal>']
"""

from __future__ import annotations

import itertools
import queue
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

from cubakg.conformance import xsd
from cubakg.conformance.terms import BY_VALUE, Terms, kept_as_written, stored_forms, wrap, written
from cubakg.namespaces import XSD
from cubakg.rdf_formats import LINE_FORMATS, marked_lines, whole_lines

AS_WRITTEN = pyoxigraph.NamedNode("urn:cubakg:validate:as-written")
BY_VALUE_GRAPH = pyoxigraph.NamedNode("urn:cubakg:validate:by-value")
INPUT_WRITTEN = pyoxigraph.NamedNode("urn:cubakg:validate:as-written:input-only")
TRANSACTION_QUADS = 200_000  # quads added to the store in one transaction
INPUT = "input"  # the group of quads read from the user's input; others (the release) have their own graphs
# Documents in these formats from this size on are read mostly by the store's parser
# (Loader._add_lines); below it the ordinary way costs no more.
LINES_APART_FROM = 1 << 20
LINES_PER_LOAD = 16 << 20  # bytes of plain lines the store's parser reads in one transaction
# What a line holding a term that `rewrite` handles, or that the store's parser renames, contains:
# an XSD datatype IRI, a blank node, or an IRI written with \u escapes (which may spell either).
_MARKED = re.compile(rb"XMLSchema#|_:|\\[uU]")
# …and in a Turtle document read as N-Triples, a long string's quotes: N-Triples has no long
# strings, so the line fails there, before a line inside the string (which may read as a
# triple the document does not state) is read (`may_be_ntriples`).
_MARKED_IN_TURTLE = re.compile(rb"XMLSchema#|_:|\\[uU]|\"\"\"|'''")


class BackgroundLoads:
    """A thread that loads documents (and adds quads) into the store, in order, while this one goes on:
    the store's parser runs without the interpreter lock, beside the Python that rewrites the
    other lines (a third less time for a large document). Its first error is raised on leaving.

    >>> store = pyoxigraph.Store()
    >>> with BackgroundLoads(store, pyoxigraph.RdfFormat.N_TRIPLES) as loads:
    ...     loads.put(b"<http://e/s> <http://e/p> <http://e/o> .")
    >>> len(store)
    1
    """

    def __init__(self, store, fmt, waiting: int = 2):
        self.store, self.fmt = store, fmt
        self.queue: queue.Queue = queue.Queue(maxsize=waiting)  # documents held at once: memory stays bounded
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="cubakg-load", daemon=True)

    def __enter__(self) -> "BackgroundLoads":
        self.thread.start()
        return self

    def put(self, document: bytes) -> None:
        """Load a document (in this format) into the store."""
        if self.error is None:
            self.queue.put(document)

    def extend(self, quads: list) -> None:
        """Add quads to the store: here, not beside a load, which would hold the store's lock meanwhile."""
        if self.error is None:
            self.queue.put(quads)

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None:
                try:
                    if type(item) is bytes:
                        self.store.load(item, format=self.fmt)
                    else:
                        self.store.extend(item)
                except BaseException as error:  # noqa: BLE001 - raised in the caller's thread
                    self.error = error

    def __exit__(self, kind, error, _traceback) -> None:
        self.queue.put(None)
        self.thread.join()  # joined before anything forks: a forked child must hold no other thread
        if self.error is not None and error is None:
            raise self.error


def may_be_ntriples(turtle: bytes) -> bool:
    """Whether a Turtle document may be tried as N-Triples: its first statement starts as a
    triple does (no prefix or base declared before it).

    >>> may_be_ntriples(b"# made by a dump\\n<http://e/s> <http://e/p> 1 .")
    True
    >>> may_be_ntriples(b"@prefix e: <http://e/> .")
    False
    """
    for line in turtle[:1 << 16].splitlines():
        line = line.strip()
        if line and not line.startswith(b"#"):
            return line.startswith((b"<", b"_:"))
    return False


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
    size: int  # quads in the store once loaded
    terms: Terms
    ill_formed: set = field(default_factory=set)  # literals (as written) with ill-formed lexical forms
    written_forms: dict = field(default_factory=dict)  # stored literal → {literals as written}
    extra_graphs: list = field(default_factory=list)  # graphs validated with the input (the release)
    as_written_graph: object = AS_WRITTEN
    beside_input: object = None  # the graph of the quads added to the views beside the input (the ontology's axioms)
    input_written: object = None  # AS_WRITTEN without them, once made

    def view(self) -> list:
        """The data graph as SHACL sees it: every term as written."""
        return self.present(self.input_graphs + [AS_WRITTEN] + [g for extra in self.extra_graphs for g in self.written_graphs(extra)])

    def sparql_view(self) -> list:
        """The data graph as a SPARQL store sees it: literals by value."""
        return self.present(self.input_graphs + [BY_VALUE_GRAPH] + [g for extra in self.extra_graphs for g in self.value_graphs(extra)])

    def present(self, graphs: list) -> list:
        """The graphs that hold something (the default graph always): each graph of a query's
        default graph is looked up for every pattern, an empty one too (a fifth more time each)."""
        return [g for g in graphs if type(g) is pyoxigraph.DefaultGraph
                or next(iter(self.store.quads_for_pattern(None, None, None, g)), None) is not None]

    @staticmethod
    def written_graphs(graph) -> list:
        """A graph loaded as its own group, with its as-written graph."""
        return [graph, as_written_graph(graph.value)] if isinstance(graph, pyoxigraph.NamedNode) else [graph]

    @staticmethod
    def value_graphs(graph) -> list:
        return [graph, by_value_graph(graph.value)] if isinstance(graph, pyoxigraph.NamedNode) else [graph]

    def add_beside_input(self, quads, graph) -> None:
        """Quads every view of the data holds beside the input (the ontology's axioms, which
        pyshacl's -e mixes into the data), but `input_view` does not; `graph` holds them too.

        They go into the graphs of the input's rewritten literals, where the views already
        look: each graph of a query's default graph is looked up for every pattern (a
        separate graph of them made validation a fifth slower).
        """
        quads = list(quads)
        for side in (AS_WRITTEN, BY_VALUE_GRAPH):
            self.store.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object, side) for q in quads)
        self.beside_input = graph

    def input_view(self) -> list:
        """The input alone, as written (for the extra checks)."""
        return self.present(self.input_graphs + [self._input_as_written()])

    def _input_as_written(self):
        """AS_WRITTEN without what was added beside the input (made once, when needed)."""
        if self.beside_input is None:
            return AS_WRITTEN
        if self.input_written is None:
            # A rewritten literal is always wrapped, an added quad never is: the two never meet.
            self.store.update(f"INSERT {{ GRAPH <{INPUT_WRITTEN.value}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{AS_WRITTEN.value}> "
                              f"{{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH <{self.beside_input.value}> {{ ?s ?p ?o }} }} }}")
            self.input_written = INPUT_WRITTEN
        return self.input_written

    def as_written(self, term, subject=None, predicate=None):
        """A term from a query on either view, as the data wrote it (where that is unique)."""
        term = written(term)
        forms = self.written_forms.get(term)
        if forms:
            if len(forms) == 1:
                return next(iter(forms))
        return term


class Loader:
    """Fills a store with quads, each literal the store would rewrite stored wrapped (terms.py)."""

    def __init__(self, store: pyoxigraph.Store | None = None, union: bool = False):
        """With `union`, the input's named graphs are merged into the default graph when loading
        ends: the data graph SHACL validates is their union, and a query's default graph made of
        many graphs is looked up graph by graph (a TriG release of 1,000 article graphs was stopped
        after 14 minutes; merged, it takes 33 s)."""
        self.store = store or pyoxigraph.Store()
        self.union = union
        self.wrapped: set = set()  # the literals (as written) stored wrapped
        self.checked: set = set()  # distinct XSD-typed literals whose lexical form needs a check
        self.groups: set = set()
        self.quads = 0  # the store's size when loading last counted it

    def rewrite(self, quads, group: str = INPUT):
        """The quads as the store must hold them: a literal it would rewrite goes wrapped to the
        as-written graph, and as it is (the store then keeps it by value) to the by-value graph."""
        literal_type, quad_type = pyoxigraph.Literal, pyoxigraph.Quad
        wrapped, checked = self.wrapped, self.checked
        as_written, by_value = as_written_graph(group), by_value_graph(group)
        kept: dict = {}
        for quad in quads:
            obj = quad.object
            if type(obj) is literal_type:
                datatype = obj.datatype.value
                if datatype in BY_VALUE:
                    checked.add(obj)
                    keep = kept.get(obj)
                    if keep is None:
                        keep = kept[obj] = kept_as_written(obj.value, datatype)
                    if not keep:
                        wrapped.add(obj)
                        yield quad_type(quad.subject, quad.predicate, wrap(obj), as_written)
                        yield quad_type(quad.subject, quad.predicate, obj, by_value)
                        continue
                elif datatype not in _NO_CHECK and datatype.startswith(XSD):
                    checked.add(obj)
            yield quad

    def add_bytes(self, data: bytes, fmt, base_iri: str | None = None) -> int:
        """Parse a document into the store; the number of triples it added. Raises SyntaxError/MemoryError."""
        parsed = lambda: pyoxigraph.parse(data, format=fmt, base_iri=base_iri)  # noqa: E731
        if len(data) >= LINES_APART_FROM:
            if fmt in LINE_FORMATS:
                return self._add_line_based(lambda: [data], parsed, fmt)
            if fmt == pyoxigraph.RdfFormat.TURTLE and may_be_ntriples(data):
                # N-Triples is a subset of Turtle with the same meaning (RDF 1.1 Turtle §1): read
                # as such, until a line that is not N-Triples sends the document the ordinary way.
                return self._add_line_based(lambda: [data], parsed, pyoxigraph.RdfFormat.N_TRIPLES, _MARKED_IN_TURTLE)
        return self.add_quads(parsed())

    def add_file(self, path: Path, fmt) -> int:
        """Parse a file into the store as it is read, like `add_bytes`."""
        if fmt in LINE_FORMATS:
            return self._add_line_based(lambda: whole_lines(path, LINES_PER_LOAD), lambda: pyoxigraph.parse(path=str(path), format=fmt), fmt)
        return self.add_quads(pyoxigraph.parse(path=str(path), format=fmt))

    def _add_line_based(self, pieces, parsed, fmt, mark=_MARKED) -> int:
        before = self.counted(BY_VALUE_GRAPH)
        try:
            with BackgroundLoads(self.store, fmt) as loads:
                for piece in pieces():
                    self._add_lines(piece, fmt, loads, mark)
        except (SyntaxError, MemoryError, ValueError):
            # Read it again the ordinary way, which says where the error is (or, for Turtle, reads
            # what is not N-Triples). What the store's parser added meanwhile is what that way adds
            # too (the store holds a set).
            self.add_quads(parsed())
        return self.counted(BY_VALUE_GRAPH) - before

    def _add_lines(self, data: bytes, fmt, loads: "BackgroundLoads", mark=_MARKED) -> None:
        """N-Triples or N-Quads, read mostly by the store's own parser.

        Only the lines holding an XSD datatype, a blank node or an escaped IRI character go
        through `rewrite`; no other line holds a term that the store rewrites or renames, so
        the store's parser reads them as `add_quads` would, in a third of the time and with
        no Python object per quad. In these formats a line is a whole triple (or quad).
        """
        pending, size = [], 0
        for plain, marked in marked_lines(data, mark):
            pending.append(plain)
            size += len(plain)
            if marked:
                loads.extend(list(self.rewrite(pyoxigraph.parse(marked, format=fmt))))
            if size >= LINES_PER_LOAD or not marked:
                # In pieces: the store holds a transaction's changes twice until it ends.
                loads.put(b"".join(pending))
                pending, size = [], 0

    def add_quads(self, quads, group: str = INPUT) -> int:
        """Add quads (group INPUT), or triples into the graph named `group` (another group)."""
        before = self.counted(by_value_graph(group))
        if group != INPUT:
            self.groups.add(group)
            graph = pyoxigraph.NamedNode(group)
            quads = (pyoxigraph.Quad(q.subject, q.predicate, q.object, graph) for q in quads)
        rewritten = self.rewrite(quads, group)
        # In pieces: one transaction for a whole large input held about a gigabyte more.
        while chunk := list(itertools.islice(rewritten, TRANSACTION_QUADS)):
            self.store.extend(chunk)
        return self.counted(by_value_graph(group)) - before

    def counted(self, by_value) -> int:
        """The quads in the store, but for the by-value copies in `by_value` (a wrapped literal is
        two quads: as written, and by value). Notes the store's size (`len` scans the store)."""
        self.quads = len(self.store)
        return self.quads - self.size(by_value)

    def size(self, graph) -> int:
        rows = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
        return int(next(iter(rows))["n"].value)

    def merge_into_default_graph(self, graphs: list, skip: set) -> None:
        """The input's named graphs (IRIs or blank nodes) into the default graph, then removed."""
        kept = ", ".join(f"<{graph.value}>" for graph in sorted(skip, key=str))
        self.store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({kept})) }}")
        for graph in graphs:
            self.store.remove_graph(graph)

    def finish(self, input_graphs: list | None = None) -> Dataset:
        """The Dataset of what was loaded."""
        store = self.store
        if input_graphs is None:
            skip = {pyoxigraph.NamedNode(group) for group in self.groups}
            skip |= {as_written_graph(group) for group in self.groups} | {by_value_graph(group) for group in self.groups}
            skip |= {AS_WRITTEN, BY_VALUE_GRAPH}
            input_graphs = [pyoxigraph.DefaultGraph()] + [g for g in store.named_graphs() if g not in skip]
            if self.union and len(input_graphs) > 1:
                self.merge_into_default_graph(input_graphs[1:], skip)
                input_graphs = [pyoxigraph.DefaultGraph()]
        written_forms: dict = {}
        for literal, value in stored_forms(self.wrapped).items():
            written_forms.setdefault(value, set()).add(literal)
        ill_formed = {literal for literal in self.checked if not xsd.well_formed(literal.value, literal.datatype.value)}
        return Dataset(store=store, input_graphs=list(input_graphs), size=self.quads, terms=Terms(any_wrapped=bool(self.wrapped)),
                       ill_formed=ill_formed, written_forms=written_forms,
                       extra_graphs=[pyoxigraph.NamedNode(group) for group in sorted(self.groups)])
