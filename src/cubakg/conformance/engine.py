"""SHACL Core validation (SHACL §3, §4) as SPARQL over a pyoxigraph store.

Each shape is validated against all its focus nodes at once: the focus nodes are put
in a scratch graph of the store, and each constraint becomes part of a query that
joins them with their value nodes. The constraint components themselves are in
components.py (one unit each, in the spec's order); this module does what they
share: targets (§2.1.3), value nodes (§2.3), conformance of nodes to nested shapes
(§3.4), results (§3.6.2).

    engine = Engine(shapes_graph, dataset)
    results = engine.validate()
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import threading
from dataclasses import dataclass

import pyoxigraph

from cubakg.conformance import paths
from cubakg.conformance.components import COMPONENTS, Component, balanced
from cubakg.conformance.results import Result
from cubakg.conformance.terms import Terms, written
from cubakg.conformance.shapes import RDF_TYPE, TARGET_PARAMETERS, Graph, Shape, implicit_class_target, read_shape, \
    sh, shapes_with_targets
from cubakg.namespaces import RDFS, SH, XSD

SCRATCH = "urn:cubakg:validate:focus/"
MEMBER = pyoxigraph.NamedNode("urn:cubakg:validate:member")
MAX_NESTING = 48  # shapes nested (or recursive) deeper than this are refused


# A property shape's values are read by a scan of its predicate and a hash join (not a lookup per
# focus node) from this many focus nodes on, when the predicate has at most TRIPLES_PER_LOOKUP
# triples per focus node (`Engine.reading_all_pays`).
READ_ALL_FROM = 1000
TRIPLES_PER_LOOKUP = 4

MAX_SHAPE_DEPTH = 50  # shapes nested in shapes (sh:node, sh:property, sh:and …), below a shape with targets


_IRI = re.compile(r"<([^<>\s]*)>")
_RDF_TYPE = re.compile(re.escape(f"<{RDF_TYPE.value}>"))
# What may follow rdf:type in a query on the lean view: an IRI, or a variable kept IN a list of IRIs.
_TYPED = re.compile(r" (<[^<>\s]*>|(\?\w+) \. FILTER\(\2 IN \((<[^<>\s]*>(, )?)+\)\))")


class ShapesError(ValueError):
    """The shapes graph cannot be validated with (ill-formed, or recursive: SHACL §3.4.3 leaves that undefined)."""


class NeedsFallback(Exception):
    """A shape uses something outside SHACL Core and SHACL-SPARQL constraints (e.g. SHACL-AF targets)."""


@dataclass
class Focus:
    """Focus nodes: the terms (as the store holds them) and a SPARQL group binding each to ?this."""

    nodes: list
    pattern: str
    graph: object = None


def sparql_string(text: str) -> str:
    """A SPARQL string literal for any text."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def pick_message(messages: list) -> str | None:
    """The English (or untagged) sh:message, else the first one."""
    if not messages:
        return None
    ranked = sorted(messages, key=lambda m: (getattr(m, "language", None) not in (None, "en"), str(m)))
    return ranked[0].value


def show(term) -> str:
    if type(term) is pyoxigraph.NamedNode:
        return f"<{term.value}>"
    if type(term) is pyoxigraph.Literal:
        return term.value
    return str(term)


def _literals(graph: Graph):
    return (o for _, _, o in graph.triples if type(o) is pyoxigraph.Literal)


class Engine:
    """Validates the data of a `dataset.Dataset` against a shapes `Graph`."""

    def __init__(self, graph: Graph, dataset):
        self.graph = graph
        self.dataset = dataset
        self.store = dataset.store
        self.terms = dataset.terms
        if not self.terms.any_wrapped and any(self.terms.in_store(t) != t for t in _literals(graph)):
            # A literal the store keeps by value, written in the shapes (a target node, say): it
            # reaches the store and the queries wrapped, so they must unwrap even if the data has none.
            self.terms = Terms(any_wrapped=True)
        self.options = {"default_graph": dataset.view()}
        self.lean_options, self.aside = self.lean_view(dataset)
        self._shapes: dict = {}
        self._conformance: dict = {}
        self._subclasses: dict = {}
        self._ill_formed: dict = {}
        self._counts: dict = {}
        self._extents: dict = {}  # predicate IRI → (its triples counted, whether that is all of them)
        self._targets: dict = {}
        self._focus_by_nodes: dict = {}
        self._fresh = itertools.count(1)
        self._local = threading.local()
        self.queries = 0

    # -- the shapes graph ----------------------------------------------------------------

    def shape(self, node) -> Shape:
        shape = self._shapes.get(node)
        if shape is None:
            shape = self._shapes[node] = read_shape(self.graph, node)
            if shape.path is not None:
                try:
                    shape.path_text = paths.text(self.graph, shape.path)
                    paths.alternatives(self.graph, shape.path)
                except paths.PathError as error:
                    raise ShapesError(f"shape {show(node)}: {error}") from None
        return shape

    # -- queries ---------------------------------------------------------------------------

    def fresh(self) -> str:
        return f"?_v{next(self._fresh)}"

    def select(self, query: str, whole_view: bool = False) -> list:
        """The rows of a query over the data. A query with a variable predicate must say `whole_view`
        (see `reaches_aside`)."""
        self.queries += 1
        options = self.options if whole_view or self.reaches_aside(query) else self.lean_options
        try:
            return list(self.store.query(query, **options))
        except SyntaxError as error:  # a bug in the compiler, never the user's: say which query
            raise RuntimeError(f"the validator wrote a query that does not parse ({error}): {query[:2000]}") from None

    def lean_view(self, dataset) -> tuple[dict | None, frozenset]:
        """The data without its graph of rewritten literals and ontology axioms (`Dataset.view`), and
        the IRIs through which a query can reach that graph: its predicates, and the classes its
        rdf:type triples name. A query that names none of them reads the input's default graph alone,
        up to a fifth faster (each graph of a query's default graph is looked up for every pattern).
        (None, an empty set) where the view is not just those two graphs: every query reads it whole."""
        view = self.options["default_graph"]
        if len(view) != 2 or type(view[0]) is not pyoxigraph.DefaultGraph or view[1] != dataset.as_written_graph:
            return None, frozenset()
        aside = f"<{view[1].value}>"
        predicates = {row[0].value for row in self.store.query(f"SELECT DISTINCT ?p WHERE {{ GRAPH {aside} {{ ?s ?p ?o }} }}")}
        classes = {row[0].value for row in self.store.query(
            f"SELECT DISTINCT ?c WHERE {{ GRAPH {aside} {{ ?s <{RDF_TYPE.value}> ?c }} }}")}
        return {"default_graph": [view[0]]}, frozenset((predicates - {RDF_TYPE.value}) | classes)

    def reaches_aside(self, query: str) -> bool:
        """Whether the query may read the graph the lean view leaves out: it names one of its IRIs, or
        has rdf:type with an object other than an IRI or a variable kept IN a list of IRIs. (The
        queries with a variable predicate, which could read any triple, say `whole_view`.)"""
        if self.lean_options is None:
            return True
        if any(iri in self.aside for iri in _IRI.findall(query)):
            return True
        return any(not _TYPED.match(query, match.end()) for match in _RDF_TYPE.finditer(query))

    def integer(self, term) -> int | None:
        if type(term) is pyoxigraph.Literal and term.value.lstrip("+-").isdigit():
            return int(term.value)
        if type(term) is int:
            return term
        return None

    def subclasses(self, cls) -> list[str] | None:
        """SPARQL terms for the class and every class below it (rdfs:subClassOf*) in the data graph;
        None if some subclass is a blank node (which a query cannot name)."""
        key = cls.value
        if key not in self._subclasses:
            found = {f"<{key}>"}
            for row in self.select(f"SELECT DISTINCT ?sub WHERE {{ ?sub <{RDFS}subClassOf>+ <{key}> }}"):
                if type(row["sub"]) is pyoxigraph.BlankNode:
                    found = None
                    break
                found.add(str(row["sub"]))
            self._subclasses[key] = sorted(found) if found is not None else None
        return self._subclasses[key]

    def instance_of(self, var: str, cls) -> str:
        """A SPARQL pattern matching when the term in `var` is a SHACL instance of the class (§1.5)."""
        classes = self.subclasses(cls)
        if classes is None:
            return f"{var} <{RDF_TYPE.value}>/<{RDFS}subClassOf>* <{cls.value}> ."
        if len(classes) == 1:
            return f"{var} <{RDF_TYPE.value}> {classes[0]} ."
        # Not VALUES: inside EXISTS, oxigraph evaluates a VALUES block again for every row (8× slower).
        t = self.fresh()
        return f"{var} <{RDF_TYPE.value}> {t} . FILTER({t} IN ({', '.join(classes)}))"

    def ill_formed(self, datatype: str) -> list[str]:
        """SPARQL texts of the data's literals of `datatype` whose lexical form is ill-formed."""
        if datatype not in self._ill_formed:
            self._ill_formed[datatype] = sorted(
                self.terms.sparql(literal) for literal in self.dataset.ill_formed if literal.datatype.value == datatype)
        return self._ill_formed[datatype]

    def well_formed_test(self, var: str) -> str:
        """` && …`: the term in `var` is none of the data's ill-formed literals (SPARQL compares no
        ill-typed literal, §17.3; the store would compare "300"^^xsd:byte as the integer 300)."""
        if not self.dataset.ill_formed:
            return ""
        if not hasattr(self, "_all_ill_formed"):
            self._all_ill_formed = sorted(self.terms.sparql(literal) for literal in self.dataset.ill_formed)
        return " && !" + balanced("||", [f"sameTerm({var}, {term})" for term in self._all_ill_formed], "false")

    def path_may_be_empty(self, shape: Shape) -> bool:
        return paths.may_be_empty(self.graph, shape.path)

    # -- value nodes (§2.3) -------------------------------------------------------------------

    def values(self, shape: Shape, focus: Focus) -> str:
        """A SPARQL pattern binding ?this to each focus node and ?value to each of its value nodes."""
        if shape.is_property:
            return paths.values_pattern(self.graph, shape.path, focus.pattern)
        return f"{focus.pattern} BIND(?this AS ?value)"

    def value_pairs(self, shape: Shape, focus: Focus) -> list:
        if not shape.is_property:
            return [(node, node) for node in focus.nodes]
        return [(row[0], row[1]) for row in
                self.select(f"SELECT DISTINCT ?this ?value WHERE {{ {self.values(shape, focus)} }}")]

    def value_counts(self, shape: Shape, focus: Focus) -> dict:
        """{focus node: number of value nodes} (focus nodes without values left out); one query per shape."""
        key = (shape.node, focus.pattern)
        counts = self._counts.get(key)
        if counts is None:
            rows = self.select(f"SELECT ?this (COUNT(?value) AS ?n) WHERE {{ SELECT DISTINCT ?this ?value WHERE "
                               f"{{ {self.values(shape, focus)} }} }} GROUP BY ?this")
            counts = self._counts[key] = {row["this"]: int(row["n"].value) for row in rows}
        return counts

    # -- focus nodes in the store ----------------------------------------------------------------

    def focus_of(self, nodes) -> Focus:
        nodes = list(dict.fromkeys(nodes))
        graph = pyoxigraph.NamedNode(f"{SCRATCH}{next(self._fresh)}")
        self.store.extend(pyoxigraph.Quad(graph, MEMBER, node, graph) for node in nodes)
        return Focus(nodes, f"{{ GRAPH <{graph.value}> {{ <{graph.value}> <{MEMBER.value}> ?this }} }}", graph)

    def release(self, focus: Focus) -> None:
        if focus.graph is not None:
            self.store.remove_graph(focus.graph)

    # -- results (§3.6.2) ------------------------------------------------------------------------

    def result(self, shape: Shape, component: Component, focus, value=None, path=None, argument=None,
               message_arguments: dict | None = None) -> Result:
        message = pick_message(shape.messages)
        if message is None:
            arguments = {"argument": show(argument) if argument is not None else "", "path": show(path) if path else ""}
            arguments.update(message_arguments or {})
            message = component.message.format(**arguments)
        path_node = path if path is not None else shape.path
        if path is not None:
            path_text = f"<{path.value}>"
        else:
            path_text = getattr(shape, "path_text", None)
        return Result(
            focus=focus, component=component.iri, shape=shape.node, path=path_text, value=value,
            severity=shape.severity.value if hasattr(shape.severity, "value") else str(shape.severity),
            message=message, path_node=path_node, origin=focus,  # path_graph: given by `finish`
        )

    @staticmethod
    def with_origin(result: Result, origin) -> Result:
        return dataclasses.replace(result, origin=origin)

    # -- validating a shape (§3.4) ------------------------------------------------------------------

    def constraints(self, shape: Shape):
        """(component, argument) for each constraint of the shape, in the spec's order."""
        for name, component in COMPONENTS.items():
            if component.property_only and not shape.is_property:
                continue  # e.g. sh:minCount on a node shape: not a constraint there (§4.2)
            for argument in shape.get(name):
                yield component, argument

    def evaluate(self, shape: Shape, focus: Focus) -> list[Result]:
        """The results of validating each focus node against the shape."""
        if shape.deactivated or not focus.nodes:
            return []
        depth = getattr(self._local, "depth", 0)
        if depth > MAX_NESTING:
            raise ShapesError(f"shapes nest more than {MAX_NESTING} levels deep from {show(shape.node)} "
                              "(recursive shapes are not supported: SHACL §3.4.3 leaves their validation undefined)")
        self._local.depth = depth + 1
        try:
            results: list[Result] = []
            batch, counts = [], []
            for component, argument in self.constraints(shape):
                if component.parameter in ("minCount", "maxCount") and self.integer(argument) is not None:
                    counts.append((component, argument))
                    continue
                condition = component.condition(self, shape, argument, "?value")
                if condition is not None:
                    batch.append((component, argument, condition))
                else:
                    found = component.evaluate(self, shape, focus, argument)
                    results.extend(found)
            if counts:
                results.extend(self.aggregated(shape, focus, batch, counts))
            elif batch:
                results.extend(self.batched(shape, focus, batch))
            if shape.get("sparql"):
                from cubakg.conformance.sparql import evaluate_sparql

                for constraint in shape.get("sparql"):
                    results.extend(evaluate_sparql(self, shape, focus, constraint))
            return results
        finally:
            self._local.depth = depth

    def batched(self, shape: Shape, focus: Focus, batch: list) -> list[Result]:
        """All value conditions of a shape in one query: a flag per condition, failing rows only."""
        binds = " ".join(f"BIND(COALESCE({condition}, false) AS ?_ok{i})" for i, (_, _, condition) in enumerate(batch))
        failing = " || ".join(f"!?_ok{i}" for i in range(len(batch)))
        flags = " ".join(f"?_ok{i}" for i in range(len(batch)))
        # Filtered before DISTINCT (the flags depend on ?this and ?value alone): only failing rows are hashed.
        query = f"SELECT DISTINCT ?this ?value {flags} WHERE {{ {self.values(shape, focus)} {binds} FILTER({failing}) }}"
        results = []
        for row in self.select(query):
            for i, (component, argument, _) in enumerate(batch):
                if row[f"_ok{i}"].value != "true":
                    results.append(self.result(shape, component, row["this"], row["value"], argument=argument))
        return results

    def aggregated(self, shape: Shape, focus: Focus, batch: list, counts: list) -> list[Result]:
        """sh:minCount, sh:maxCount and the value conditions of a property shape in one pass over its
        value nodes: per focus node the count and, per condition, whether some value fails it. The
        failing values themselves are then looked up for the few focus nodes that have any."""
        alternatives = paths.alternatives(self.graph, shape.path)
        if all(alternatives):
            inner = " UNION ".join(f"{{ ?this {paths.joined(a)} ?value . }}" for a in alternatives)
            if self.reading_all_pays(shape.path, focus):
                inner = f"{{ SELECT ?this ?value WHERE {{ {inner} }} }}"  # evaluated alone, then joined by hash
        else:
            inner = paths.values_pattern(self.graph, shape.path, focus.pattern)
        binds = " ".join(f"BIND(IF(COALESCE({condition}, false), 0, 1) AS ?_b{i})" for i, (_, _, condition) in enumerate(batch))
        flags = " ".join(f"(MAX(?_b{i}) AS ?_f{i})" for i in range(len(batch)))
        tests = [f"COALESCE(?_f{i}, 0) = 1" for i in range(len(batch))]
        for component, argument in counts:
            tests.append(f"?_n {'<' if component.parameter == 'minCount' else '>'} {self.integer(argument)}")
        if any(component.parameter == "minCount" or self.integer(argument) < 0 for component, argument in counts):
            values = f"{focus.pattern} OPTIONAL {{ {inner} {binds} }}"
        else:  # a focus node without values fails no condition and no sh:maxCount of 0 or more: only those with values
            values = f"{focus.pattern} {inner} {binds}"
        query = (f"SELECT * WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?_n) {flags} WHERE {{ {values} }} "
                 f"GROUP BY ?this }} FILTER({' || '.join(tests)}) }}")
        results, flagged = [], []
        for row in self.select(query):
            this, n = row["this"], int(row["_n"].value)
            for component, argument in counts:
                limit = self.integer(argument)
                if (n < limit) if component.parameter == "minCount" else (n > limit):
                    results.append(self.result(shape, component, this, argument=argument))
            if any(row[f"_f{i}"] is not None and row[f"_f{i}"].value == "1" for i in range(len(batch))):
                flagged.append(this)
        if flagged:
            subset = self.focus_of(flagged)
            try:
                results.extend(self.batched(shape, subset, batch))
            finally:
                self.release(subset)
        return results

    def reading_all_pays(self, path, focus: Focus) -> bool:
        """Whether reading every triple of the predicate `path` and joining them with the focus nodes
        costs less than looking up the values of each focus node: where the predicate has no more
        than a few triples per focus node (a lookup costs about as much as reading four triples;
        at 1M triples the engine's count queries took a fifth less time)."""
        if type(path) is not pyoxigraph.NamedNode or len(focus.nodes) < READ_ALL_FROM:
            return False
        bound = TRIPLES_PER_LOOKUP * len(focus.nodes)
        counted, complete = self._extents.get(path.value, (0, False))
        if not complete and counted <= bound:  # not counted yet, or only up to a smaller bound
            rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT * WHERE {{ ?s <{path.value}> ?o }} LIMIT {bound + 1} }}")
            counted = int(rows[0][0].value)
            complete = counted <= bound
            self._extents[path.value] = (counted, complete)
        return counted <= bound

    # -- conformance (§3.4: a node conforms to a shape if validating it gives no result) ------------

    def conforming(self, shape_node, terms) -> set:
        """The terms (as the store holds them) that conform to the shape."""
        shape = self.shape(shape_node)
        if shape.deactivated:
            return set(terms)
        known = self._conformance.setdefault(shape_node, {})
        todo = [term for term in terms if term not in known]
        if todo:
            focus = self.focus_of(todo)
            try:
                failing = {result.origin for result in self.evaluate(shape, focus)}
            finally:
                self.release(focus)
            for term in todo:
                known[term] = term not in failing
        return {term for term in terms if known[term]}

    def shape_condition(self, node, var: str, depth: int = 0) -> str | None:
        """A SPARQL expression true when the term in `var` conforms to the shape; None where there is none
        (then the shape is evaluated instead: a shape that refers to itself has no finite expression)."""
        compiling = getattr(self._local, "compiling", None)
        if compiling is None:
            compiling = self._local.compiling = set()  # the shapes being compiled, in this thread
        if depth > 6 or node in compiling:
            return None
        compiling.add(node)
        try:
            return self._shape_condition(node, var, depth)
        finally:
            compiling.discard(node)

    def _shape_condition(self, node, var: str, depth: int) -> str | None:
        shape = self.shape(node)
        if shape.deactivated:
            return "true"
        if shape.get("sparql"):
            return None
        if shape.is_property:
            return self.property_condition(shape, var, depth)
        parts = []
        for component, argument in self.constraints(shape):
            if component.parameter == "property":
                part = self.property_condition(self.shape(argument), var, depth + 1)
            else:
                part = component.condition(self, shape, argument, var)
            if part is None:
                return None
            parts.append(f"COALESCE({part}, false)")
        return "(" + (" && ".join(parts) or "true") + ")"

    def property_condition(self, shape: Shape, var: str, depth: int) -> str | None:
        """A simple property shape applied to the node in `var`, as an EXISTS expression."""
        if shape.deactivated:
            return "true"
        if depth > 6 or shape.get("sparql") or self.path_may_be_empty(shape):
            return None
        parts = []
        for component, argument in self.constraints(shape):
            name = component.parameter
            value = self.fresh()
            along = paths.exists_pattern(self.graph, shape.path, var, value)
            if name == "minCount" and self.integer(argument) in (0, 1):
                if self.integer(argument) == 1:
                    parts.append(f"EXISTS {{ {along} }}")
            elif name == "maxCount" and self.integer(argument) == 0:
                parts.append(f"NOT EXISTS {{ {along} }}")
            elif name == "hasValue" and type(argument) is not pyoxigraph.BlankNode:
                parts.append(f"EXISTS {{ {along} FILTER(sameTerm({value}, {self.terms.sparql(argument)})) }}")
            else:
                condition = component.condition(self, shape, argument, value)
                if condition is None:
                    return None
                parts.append(f"NOT EXISTS {{ {along} FILTER(!COALESCE({condition}, false)) }}")
        return "(" + (" && ".join(parts) or "true") + ")"

    # -- targets (§2.1.3) and the whole validation --------------------------------------------------

    def focus_nodes(self, shape: Shape) -> list:
        if shape.get("target"):
            raise NeedsFallback("sh:target (SHACL Advanced Features)")
        found: dict = {}
        for node in shape.get("targetNode"):
            if type(node) is not pyoxigraph.BlankNode:
                found[self.terms.in_store(node)] = None
        classes = [c for c in shape.get("targetClass") if type(c) is pyoxigraph.NamedNode]
        if implicit_class_target(self.graph, shape.node) and type(shape.node) is pyoxigraph.NamedNode:
            classes.append(shape.node)
        queries = [f"SELECT DISTINCT ?this WHERE {{ {self.instance_of('?this', c)} }}" for c in classes]
        for predicate in shape.get("targetSubjectsOf"):
            if type(predicate) is pyoxigraph.NamedNode:
                queries.append(f"SELECT DISTINCT ?this WHERE {{ ?this <{predicate.value}> ?object }}")
        for predicate in shape.get("targetObjectsOf"):
            if type(predicate) is pyoxigraph.NamedNode:
                queries.append(f"SELECT DISTINCT ?this WHERE {{ ?subject <{predicate.value}> ?this }}")
        for query in queries:
            if query not in self._targets:  # shapes often share a target
                self._targets[query] = [row[0] for row in self.select(query)]  # row[0]: much cheaper than row["this"]
            found.update(dict.fromkeys(self._targets[query]))
        return list(found)

    def plan(self) -> tuple[list, list]:
        """The jobs — every active shape with targets, the costliest-looking first — and the shapes
        left to the fallback: [(node, reason)]. Focus nodes are found when a job runs."""
        fallback = []
        jobs = []
        for node in shapes_with_targets(self.graph):
            shape = self.shape(node)
            if shape.deactivated:
                continue
            try:
                if shape.get("target"):
                    raise NeedsFallback("sh:target (SHACL Advanced Features)")
                self.check_supported(shape, set())
            except NeedsFallback as reason:
                fallback.append((node, str(reason)))
                continue
            jobs.append(shape)
        # Longest first, so that two processes taking the next job end together; a shape's cost
        # grows with its constraints and its focus nodes (both estimated: this is only an order).
        sizes = self.class_sizes() if len(jobs) > 1 else {}
        jobs.sort(key=lambda shape: -self.weight(shape) * self.focus_estimate(shape, sizes))
        return jobs, fallback

    @staticmethod
    def weight(shape: Shape) -> int:
        return len(shape.parameters) + 2 * len(shape.get("property")) + 4 * len(shape.get("sparql"))

    def class_sizes(self) -> dict:
        """{class: number of its direct instances}, in one pass over the rdf:type triples."""
        return {row[0]: int(row[1].value) for row in self.select(
            f"SELECT ?class (COUNT(?node) AS ?n) WHERE {{ ?node <{RDF_TYPE.value}> ?class }} GROUP BY ?class")}

    def focus_estimate(self, shape: Shape, sizes: dict) -> int:
        """Roughly how many focus nodes the shape has (a subject or object target counts as large)."""
        classes = list(shape.get("targetClass"))
        if implicit_class_target(self.graph, shape.node):
            classes.append(shape.node)
        large = max(sizes.values(), default=1)
        return (1 + len(shape.get("targetNode")) + sum(sizes.get(c, 0) for c in classes)
                + large * (len(shape.get("targetSubjectsOf")) + len(shape.get("targetObjectsOf"))))

    def run_job(self, shape: Shape) -> list[Result]:
        nodes = self.focus_nodes(shape)
        key = tuple(nodes)
        focus = self._focus_by_nodes.get(key)
        if focus is None:
            focus = self._focus_by_nodes[key] = self.focus_of(nodes)
        return self.evaluate(shape, focus)

    def run(self, jobs: list, take=None) -> list[Result]:
        """The results of jobs (picklable: without their shapes graph until `finish`). With `take`, a
        function giving the index of the next job not yet taken (shared by two processes), or None."""
        found = []
        if take is None:
            for shape in jobs:
                found += self.run_job(shape)
            return found
        while (index := take()) is not None and index < len(jobs):
            found += self.run_job(jobs[index])
        return found

    def finish(self, results: list[Result]) -> list[Result]:
        """Results back from `run` as reported: with their shapes graph, and focus and value as the
        data wrote them; the scratch graphs removed."""
        for focus in self._focus_by_nodes.values():
            self.release(focus)
        self._focus_by_nodes = {}
        return [dataclasses.replace(result, path_graph=self.graph, focus=written(result.focus),
                                    value=written(result.value) if result.value is not None else None)
                for result in results]

    def validate(self) -> tuple[list[Result], list]:
        """Results of every shape with targets (in this process), and the shapes left to the fallback."""
        jobs, fallback = self.plan()
        return self.finish(self.run(jobs)), fallback

    def check_supported(self, shape: Shape, seen: set, depth: int = 0) -> None:
        """Raise NeedsFallback if the shape, or a shape it refers to, needs an engine beyond this one;
        ShapesError if shapes nest deeper than MAX_SHAPE_DEPTH (each level is a level of Python's
        stack here and in the compiler: a chain of 3,000 sh:node was a RecursionError)."""
        if shape.node in seen:
            return
        if depth > MAX_SHAPE_DEPTH:
            raise ShapesError(f"shapes nest more than {MAX_SHAPE_DEPTH} deep below {show(shape.node)} (through sh:node, "
                              f"sh:property, sh:and …); cubakg validates shapes nested {MAX_SHAPE_DEPTH} deep at most")
        seen.add(shape.node)
        from cubakg.conformance.sparql import check_sparql

        for constraint in shape.get("sparql"):
            check_sparql(self.graph, constraint)
        for name in ("node", "not", "property", "qualifiedValueShape"):
            for other in shape.get(name):
                self.check_supported(self.shape(other), seen, depth + 1)
        for name in ("and", "or", "xone"):
            for members in shape.get(name):
                for other in self.graph.items(members):
                    self.check_supported(self.shape(other), seen, depth + 1)
