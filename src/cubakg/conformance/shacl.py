"""SHACL Core (and SHACL-SPARQL constraints) evaluated as SPARQL on a pyoxigraph store.

Each constraint of each shape becomes one query over all focus nodes at once,
instead of pyshacl's node-by-node walk over an rdflib graph: the same results
(focus node, path, value, source shape, constraint component, severity) in a
fraction of the time and memory. Conformance to a shape named by sh:node, sh:or,
sh:not … depends only on the node, so it is computed once per distinct value.

What this engine cannot compile raises `Unsupported`; the caller then validates
that shape with pyshacl instead (and says so).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDFS_CLASS = "http://www.w3.org/2000/01/rdf-schema#Class"
RDFS_SUBCLASSOF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
RDFS_LITERAL = "http://www.w3.org/2000/01/rdf-schema#Literal"
RDFS_DATATYPE = "http://www.w3.org/2000/01/rdf-schema#Datatype"
XSD = "http://www.w3.org/2001/XMLSchema#"
VIOLATION = SH + "Violation"

# A lexical form matching these is well-formed for its datatype whatever rdflib
# says; only the other values of these datatypes are checked one by one in Python.
SURELY_WELL_FORMED = {
    XSD + "integer": "^-?[0-9]{1,18}$",
    XSD + "nonNegativeInteger": "^[0-9]{1,18}$",
    XSD + "string": None,  # every string is well-formed
}

# Parameters this engine understands (others make the shape Unsupported).
KNOWN_PARAMETERS = {
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minInclusive", "maxInclusive",
    "minExclusive", "maxExclusive", "minLength", "maxLength", "pattern", "flags", "languageIn",
    "uniqueLang", "in", "hasValue", "equals", "disjoint", "lessThan", "lessThanOrEquals",
    "closed", "ignoredProperties", "node", "not", "and", "or", "xone", "property",
    "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint",
    "sparql",
    # not constraints: descriptive or structural
    "path", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "message", "severity",
    "deactivated", "name", "description", "order", "group", "defaultValue", "declare", "prefixes",
}


FOCUS_GRAPHS = "urn:cubakg:validate:focus/"
FOCUS_MEMBER = "urn:cubakg:validate:member"


class Unsupported(Exception):
    """A shape uses a feature this engine does not compile."""


@dataclass(frozen=True)
class Result:
    """One validation result; data terms are pyoxigraph terms, shape terms rdflib terms."""

    focus: object
    component: str
    shape: object
    path: str | None  # the path in SPARQL syntax, IRIs in full
    value: object | None
    severity: str
    message: str
    check: str = "shacl"
    constraint: object | None = None  # sh:sparql node, for SPARQL constraints
    path_node: object | None = field(default=None, compare=False)  # the path as a node of path_graph
    path_graph: object | None = field(default=None, compare=False, repr=False)


def sparql_string(text: str) -> str:
    """A SPARQL string literal for any text."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def rdflib_to_sparql(term) -> str:
    """An rdflib IRI or literal (from the shapes graph) written in SPARQL."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        if term.language:
            return f"{sparql_string(str(term))}@{term.language}"
        datatype = term.datatype or (XSD + "string")
        return f"{sparql_string(str(term))}^^<{datatype}>"
    if isinstance(term, BNode):
        raise Unsupported("a blank node where an IRI or literal is expected")
    raise Unsupported(f"unexpected term {term!r}")


def oxigraph_to_sparql(term) -> str | None:
    """A pyoxigraph IRI or literal written in SPARQL; None for a blank node."""
    import pyoxigraph

    if isinstance(term, pyoxigraph.BlankNode):
        return None
    return str(term)


@dataclass
class Shape:
    node: object
    is_property: bool
    path: object | None
    path_sparql: str | None
    severity: str
    message: str | None
    parameters: dict = field(default_factory=dict)  # local name → list of objects
    deactivated: bool = False


class Engine:
    """Validates the data in a pyoxigraph store against an rdflib shapes graph."""

    def __init__(self, shapes_graph, store, originals=None, query_options: dict | None = None):
        self.shapes_graph = shapes_graph
        self.store = store
        self.originals = originals  # inputs.Originals: literals the store folded
        self.query_options = query_options or {"use_default_graph_as_union": True}
        self._shapes: dict = {}
        self._conformance: dict = {}  # shape node → {term: conforms}
        self._subclasses: dict = {}
        self._fresh = itertools.count(1)
        self.queries = 0

    # -- reading shapes -------------------------------------------------------------

    def shape(self, node) -> Shape:
        if node in self._shapes:
            return self._shapes[node]
        from rdflib import Literal, URIRef

        g = self.shapes_graph
        parameters: dict = {}
        for predicate, obj in g.predicate_objects(node):
            if isinstance(predicate, URIRef) and str(predicate).startswith(SH):
                parameters.setdefault(str(predicate)[len(SH):], []).append(obj)
        unknown = [name for name in parameters if name not in KNOWN_PARAMETERS]
        if unknown:
            raise Unsupported(f"sh:{unknown[0]}")
        path = parameters.get("path", [None])[0]
        severity = parameters.get("severity", [URIRef(VIOLATION)])[0]
        deactivated = any(isinstance(v, Literal) and v.toPython() is True for v in parameters.get("deactivated", []))
        shape = Shape(
            node=node, is_property=path is not None, path=path,
            path_sparql=self.path_sparql(path) if path is not None else None,
            severity=str(severity), message=pick_message(parameters.get("message", [])),
            parameters=parameters, deactivated=deactivated,
        )
        self._shapes[node] = shape
        return shape

    def path_sparql(self, path) -> str:
        return path_text(self.shapes_graph, path)

    def target_shapes(self) -> list:
        """Every shape with a target (sh:target… or an implicit class target), sorted."""
        from rdflib import URIRef
        from rdflib.namespace import RDF, RDFS

        g = self.shapes_graph
        nodes = set()
        for name in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target"):
            nodes.update(g.subjects(URIRef(SH + name), None))
        for node in g.subjects(RDF.type, RDFS.Class):
            if (node, RDF.type, URIRef(SH + "NodeShape")) in g or (node, RDF.type, URIRef(SH + "PropertyShape")) in g:
                nodes.add(node)
        return sorted(nodes, key=str)

    # -- queries ------------------------------------------------------------------------

    def select(self, query: str):
        self.queries += 1
        return self.store.query(query, **self.query_options)

    def subclasses(self, cls) -> list[str]:
        """SPARQL terms for cls and every class below it (rdfs:subClassOf*) in the data."""
        key = str(cls)
        if key not in self._subclasses:
            found = {f"<{key}>"}
            for row in self.select(f"SELECT DISTINCT ?sub WHERE {{ ?sub <{RDFS_SUBCLASSOF}>* <{key}> }}"):
                sub = row["sub"]
                text = oxigraph_to_sparql(sub)
                if text is not None:
                    found.add(text)
            self._subclasses[key] = sorted(found)
        return self._subclasses[key]

    def focus_pattern(self, shape: Shape) -> str:
        """A SPARQL group binding ?this to every focus node of a shape with targets."""
        from rdflib.namespace import RDF

        branches = []
        p = shape.parameters
        classes = list(p.get("targetClass", []))
        if (shape.node, RDF.type, _uri(RDFS_CLASS)) in self.shapes_graph:
            classes.append(shape.node)
        if classes:
            types = sorted({t for c in classes for t in self.subclasses(c)})
            branches.append(f"{{ VALUES ?_type {{ {' '.join(types)} }} ?this <{RDF_TYPE}> ?_type }}")
        nodes = p.get("targetNode", [])
        if nodes:
            branches.append(f"{{ VALUES ?this {{ {' '.join(rdflib_to_sparql(n) for n in nodes)} }} }}")
        for predicate in p.get("targetSubjectsOf", []):
            branches.append(f"{{ ?this {rdflib_to_sparql(predicate)} ?_object }}")
        for predicate in p.get("targetObjectsOf", []):
            branches.append(f"{{ ?_subject {rdflib_to_sparql(predicate)} ?this }}")
        if "target" in p:
            raise Unsupported("sh:target (SHACL-AF custom targets)")
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(branches) + " } }"

    # -- evaluation -----------------------------------------------------------------------

    def validate(self, workers: int | None = None) -> tuple[list[Result], list]:
        """Results of every shape with targets, and the shapes it could not compile.

        Each distinct set of focus nodes is computed once and kept in a scratch graph
        of the store (scanning it is cheaper than re-deriving the targets in every
        query); shapes are then evaluated on several threads (pyoxigraph releases the
        GIL while it evaluates a query).
        """
        import os
        from concurrent.futures import ThreadPoolExecutor

        import pyoxigraph

        unsupported = []
        jobs = []
        focus_graphs: dict[str, str] = {}
        for node in self.target_shapes():
            try:
                shape = self.shape(node)
                if shape.deactivated:
                    continue
                pattern = self.focus_pattern(shape)
            except Unsupported as reason:
                unsupported.append((node, str(reason)))
                continue
            if pattern not in focus_graphs:
                graph = f"{FOCUS_GRAPHS}{len(focus_graphs)}"
                focus_graphs[pattern] = graph
                holder = pyoxigraph.NamedNode(graph)
                member = pyoxigraph.NamedNode(FOCUS_MEMBER)
                self.store.extend(pyoxigraph.Quad(holder, member, row["this"], holder) for row in self.select(
                    f"SELECT ?this WHERE {pattern}"))
            graph = focus_graphs[pattern]
            jobs.append((node, shape, f"{{ GRAPH <{graph}> {{ <{graph}> <{FOCUS_MEMBER}> ?this }} }}"))

        def run(job):
            node, shape, focus = job
            try:
                return node, self.evaluate(shape, focus), None
            except Unsupported as reason:
                return node, [], str(reason)

        results: list[Result] = []
        workers = workers or min(4, os.cpu_count() or 1)
        try:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for node, found, reason in pool.map(run, jobs):
                    if reason is None:
                        results.extend(found)
                    else:
                        unsupported.append((node, reason))
        finally:
            for graph in focus_graphs.values():
                self.store.remove_graph(pyoxigraph.NamedNode(graph))
        return results, unsupported

    def evaluate(self, shape: Shape, focus: str) -> list[Result]:
        """All results of a shape for the focus nodes bound by the group `focus`.

        Value-level constraints that compile to a SPARQL expression are checked in
        one query per shape (one flag per constraint); counts in one more.
        """
        if shape.deactivated:
            return []
        values = (f"{focus} ?this {shape.path_sparql} ?value ." if shape.is_property
                  else f"{focus} BIND(?this AS ?value)")
        results: list[Result] = []
        p = shape.parameters
        batch: list[tuple[str, str]] = []
        for name in CONSTRAINT_ORDER:
            for argument in p.get(name, []):
                if name in ("minCount", "maxCount") and shape.is_property:
                    continue
                condition = self.value_condition(shape, name, argument, "?value")
                if condition is not None:
                    batch.append((COMPONENTS[name], condition))
                    if name == "datatype":
                        results.extend(self.datatype_well_formed(shape, values, str(argument)))
                else:
                    results.extend(getattr(self, "c_" + name)(shape, focus, values, argument))
        if batch:
            results.extend(self.batched(shape, values, batch))
        if shape.is_property and ("minCount" in p or "maxCount" in p):
            results.extend(self.counts(shape, focus))
        return results

    def batched(self, shape: Shape, values: str, batch: list[tuple[str, str]]) -> list[Result]:
        """One query for many value conditions: a flag per condition, failing rows only."""
        binds = " ".join(f"BIND(COALESCE({condition}, false) AS ?_ok{i})" for i, (_, condition) in enumerate(batch))
        failing = " || ".join(f"!?_ok{i}" for i in range(len(batch)))
        flags = " ".join(f"?_ok{i}" for i in range(len(batch)))
        query = f"SELECT DISTINCT ?this ?value {flags} WHERE {{ {values} {binds} FILTER({failing}) }}"
        results = []
        for row in self.select(query):
            for i, (component, _) in enumerate(batch):
                if row[f"_ok{i}"].value != "true":
                    results.append(self.result(shape, component, row["this"], row["value"]))
        return results

    def counts(self, shape: Shape, focus: str) -> list[Result]:
        """sh:minCount and sh:maxCount of a property shape in one query."""
        p = shape.parameters
        minimum = max([int(v) for v in p.get("minCount", [])] or [0])
        maximums = [int(v) for v in p.get("maxCount", [])]
        maximum = min(maximums) if maximums else None
        tests = []
        if minimum > 0:
            tests.append(f"?_n < {minimum}")
        if maximum is not None:
            tests.append(f"?_n > {maximum}")
        if not tests:
            return []
        if minimum == 1 and maximum is None:
            # The common "at least one": NOT EXISTS is much cheaper than counting.
            query = f"SELECT ?this (0 AS ?_n) WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {shape.path_sparql} ?value }} }}"
        else:
            query = (f"SELECT ?this ?_n WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?_n) WHERE {{ {focus} "
                     f"OPTIONAL {{ ?this {shape.path_sparql} ?value }} }} GROUP BY ?this }} FILTER({' || '.join(tests)}) }}")
        results = []
        for row in self.select(query):
            n = int(row["_n"].value)
            for count in p.get("minCount", []):
                if n < int(count):
                    results.append(self.result(shape, "MinCountConstraintComponent", row["this"]))
            for count in p.get("maxCount", []):
                if n > int(count):
                    results.append(self.result(shape, "MaxCountConstraintComponent", row["this"]))
        return results

    # -- shapes and constraints as SPARQL expressions ----------------------------------------

    def fresh(self) -> str:
        return f"?_v{next(self._fresh)}"  # itertools.count: safe across threads

    def value_condition(self, shape: Shape, name: str, argument, var: str, depth: int = 0) -> str | None:
        """A SPARQL expression true when the term in `var` meets one constraint; None if not expressible."""
        if depth > 8:
            return None  # deep or recursive shapes: evaluate node by node instead
        g = self.shapes_graph
        if name == "class":
            t = self.fresh()
            return f"EXISTS {{ VALUES {t} {{ {' '.join(self.subclasses(argument))} }} {var} <{RDF_TYPE}> {t} }}"
        if name == "datatype":
            dt = str(argument)
            if dt in (RDFS_LITERAL, RDFS_DATATYPE):
                return f"isLiteral({var})"
            from cubakg.conformance.inputs import FOLDED_DATATYPES

            if self.originals and (dt in FOLDED_DATATYPES or dt == XSD + "integer"):
                return None
            if depth > 0 and dt not in (RDF_LANGSTRING, XSD + "string"):
                return None  # nested: well-formedness is checked in Python
            return f"(isLiteral({var}) && datatype({var}) = <{dt}>)"
        if name == "nodeKind":
            kinds = {"IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
                     "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))", "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
                     "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))"}
            kind = str(argument)[len(SH):]
            return kinds[kind].format(v=var) if kind in kinds else None
        operators = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
        if name in operators:
            return f"COALESCE({var} {operators[name]} {rdflib_to_sparql(argument)}, false)"
        if name == "minLength":
            return f"(!isBlank({var}) && STRLEN(STR({var})) >= {int(argument)})"
        if name == "maxLength":
            return f"(!isBlank({var}) && STRLEN(STR({var})) <= {int(argument)})"
        if name == "pattern":
            flags = shape.parameters.get("flags", [None])[0] if shape is not None else None
            arguments = sparql_string(str(argument)) + (f", {sparql_string(str(flags))}" if flags is not None else "")
            return f"(!isBlank({var}) && REGEX(STR({var}), {arguments}))"
        if name == "flags":
            return "true"
        if name == "languageIn":
            tests = " || ".join(f"langMatches(lang({var}), {sparql_string(str(tag))})" for tag in g.items(argument))
            return f"(isLiteral({var}) && ({tests or 'false'}))"
        if name == "in":
            tests = " || ".join(f"sameTerm({var}, {rdflib_to_sparql(member)})" for member in g.items(argument))
            return f"({tests or 'false'})"
        if name == "node":
            return self.shape_condition(argument, var, depth + 1)
        if name == "not":
            inner = self.shape_condition(argument, var, depth + 1)
            return None if inner is None else f"!COALESCE({inner}, false)"
        if name in ("and", "or", "xone"):
            members = [self.shape_condition(member, var, depth + 1) for member in g.items(argument)]
            if any(member is None for member in members):
                return None
            members = [f"COALESCE({member}, false)" for member in members]
            if name == "and":
                return "(" + (" && ".join(members) or "true") + ")"
            if name == "or":
                return "(" + (" || ".join(members) or "false") + ")"
            return "((" + (" + ".join(f"IF({member}, 1, 0)" for member in members) or "0") + ") = 1)"
        return None

    def shape_condition(self, node, var: str, depth: int = 0) -> str | None:
        """A SPARQL expression true when the term in `var` conforms to a shape; None if not expressible."""
        try:
            shape = self.shape(node)
        except Unsupported:
            return None
        if shape.deactivated:
            return "true"
        if shape.is_property:
            return self.property_condition(shape, var, depth)
        parts = []
        for name in CONSTRAINT_ORDER:
            for argument in shape.parameters.get(name, []):
                if name == "property":
                    part = self.property_condition(self.shape(argument), var, depth + 1)
                else:
                    part = self.value_condition(shape, name, argument, var, depth + 1)
                if part is None:
                    return None
                parts.append(f"COALESCE({part}, false)")
        return "(" + (" && ".join(parts) or "true") + ")"

    def property_condition(self, shape: Shape, var: str, depth: int) -> str | None:
        """A property shape applied to the node in `var`, as an expression, where simple enough."""
        if depth > 8 or shape.deactivated:
            return None if depth > 8 else "true"
        p = shape.parameters
        path = shape.path_sparql
        parts = []
        for name in CONSTRAINT_ORDER:
            for argument in p.get(name, []):
                if name == "minCount":
                    n = int(argument)
                    if n > 1:
                        return None
                    if n == 1:
                        parts.append(f"EXISTS {{ {var} {path} {self.fresh()} }}")
                elif name == "maxCount":
                    if int(argument) != 0:
                        return None
                    parts.append(f"NOT EXISTS {{ {var} {path} {self.fresh()} }}")
                elif name == "hasValue":
                    parts.append(f"EXISTS {{ {var} {path} {rdflib_to_sparql(argument)} }}")
                else:
                    value = self.fresh()
                    condition = self.value_condition(shape, name, argument, value, depth + 1)
                    if condition is None:
                        return None
                    parts.append(f"NOT EXISTS {{ {var} {path} {value} FILTER(!COALESCE({condition}, false)) }}")
        return "(" + (" && ".join(parts) or "true") + ")"

    def datatype_well_formed(self, shape: Shape, values: str, dt: str) -> list[Result]:
        """Literals of the right datatype that rdflib (hence pyshacl) deems ill-formed."""
        if dt in (RDF_LANGSTRING, XSD + "string", RDFS_LITERAL, RDFS_DATATYPE):
            return []
        sure = SURELY_WELL_FORMED.get(dt)
        prefilter = f" && !REGEX(STR(?value), {sparql_string(sure)})" if sure else ""
        candidates = [row["value"] for row in self.select(
            f"SELECT DISTINCT ?value WHERE {{ {values} FILTER(isLiteral(?value) && datatype(?value) = <{dt}>{prefilter}) }}")]
        bad = [value for value in candidates if not well_formed(value.value, dt)]
        if not bad:
            return []
        listed = " ".join(str(value) for value in bad)
        query = f"SELECT DISTINCT ?this ?value WHERE {{ VALUES ?value {{ {listed} }} {values} }}"
        return [self.result(shape, "DatatypeConstraintComponent", this, value) for this, value in self.pairs(query)]

    def result(self, shape: Shape, component: str, focus, value=None, message=None, path=None, constraint=None) -> Result:
        path = path if path is not None else shape.path
        return Result(
            focus=focus, component=SH + component, shape=shape.node,
            path=path_text(self.shapes_graph, path) if path is not None else None,
            path_node=path, path_graph=self.shapes_graph, value=value, severity=shape.severity,
            message=message or shape.message or default_message(component, shape), constraint=constraint,
        )

    def pairs(self, query: str):
        for row in self.select(query):
            yield row["this"], row["value"]

    def value_results(self, shape: Shape, component: str, values: str, condition: str) -> list[Result]:
        """One result per (focus, value) whose value fails a FILTER condition."""
        query = f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER({condition}) }}"
        return [self.result(shape, component, this, value) for this, value in self.pairs(query)]

    # -- value type constraints

    def c_datatype(self, shape, focus, values, datatype):
        # Only reached when literals of folded datatypes must be judged as written
        # (value_condition compiles every other sh:datatype).
        return self.datatype_as_written(shape, values, str(datatype))

    def datatype_as_written(self, shape, values, dt):
        """sh:datatype judged on literals as written, where the store folded some datatypes."""
        import pyoxigraph

        predicate = pyoxigraph.NamedNode(str(shape.path)) if shape.is_property and shape.path_sparql.startswith("<") else None
        results = []
        verdicts: dict = {}
        for this, value in self.pairs(f"SELECT DISTINCT ?this ?value WHERE {{ {values} }}"):
            if not isinstance(value, pyoxigraph.Literal):
                results.append(self.result(shape, "DatatypeConstraintComponent", this, value))
                continue
            for written in self.originals.written(this, predicate, value):
                if written not in verdicts:
                    verdicts[written] = written.datatype.value == dt and well_formed(written.value, dt)
                if not verdicts[written]:
                    results.append(self.result(shape, "DatatypeConstraintComponent", this, written))
        return results

    def c_nodeKind(self, shape, focus, values, kind):
        conditions = {
            "IRI": "isIRI(?value)", "BlankNode": "isBlank(?value)", "Literal": "isLiteral(?value)",
            "BlankNodeOrIRI": "isBlank(?value) || isIRI(?value)",
            "BlankNodeOrLiteral": "isBlank(?value) || isLiteral(?value)",
            "IRIOrLiteral": "isIRI(?value) || isLiteral(?value)",
        }
        name = str(kind)[len(SH):]
        if name not in conditions:
            raise Unsupported(f"sh:nodeKind {kind}")
        return self.value_results(shape, "NodeKindConstraintComponent", values, f"!({conditions[name]})")

    # -- cardinality

    def c_minCount(self, shape, focus, values, count):
        n = int(count)
        if n <= 0:
            return []
        if n == 1:
            query = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {shape.path_sparql} ?value }} }}"
        else:
            query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {shape.path_sparql} ?value }} }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {n})")
        return [self.result(shape, "MinCountConstraintComponent", row["this"]) for row in self.select(query)]

    def c_maxCount(self, shape, focus, values, count):
        query = (f"SELECT ?this WHERE {{ {values} }} GROUP BY ?this "
                 f"HAVING (COUNT(DISTINCT ?value) > {int(count)})")
        return [self.result(shape, "MaxCountConstraintComponent", row["this"]) for row in self.select(query)]

    # -- other value constraints

    def c_uniqueLang(self, shape, focus, values, flag):
        if not bool(flag.toPython()) or not shape.is_property:
            return []
        query = (f"SELECT DISTINCT ?this ?language WHERE {{ {focus} ?this {shape.path_sparql} ?a , ?b . "
                 f"BIND(LCASE(lang(?a)) AS ?language) FILTER(?language != \"\" && !sameTerm(?a, ?b) "
                 f"&& LCASE(lang(?b)) = ?language) }}")
        return [self.result(shape, "UniqueLangConstraintComponent", row["this"]) for row in self.select(query)]

    def c_hasValue(self, shape, focus, values, expected):
        term = rdflib_to_sparql(expected)
        if shape.is_property:
            query = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {shape.path_sparql} {term} }} }}"
        else:
            query = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER(!sameTerm(?this, {term})) }}"
        return [self.result(shape, "HasValueConstraintComponent", row["this"]) for row in self.select(query)]

    # -- property pairs

    def c_equals(self, shape, focus, values, predicate):
        other = rdflib_to_sparql(predicate)
        query = (f"SELECT DISTINCT ?this ?value WHERE {{ {{ {values} FILTER NOT EXISTS {{ ?this {other} ?value }} }} "
                 f"UNION {{ {focus} ?this {other} ?value FILTER NOT EXISTS {{ ?this {shape.path_sparql or '<' + SH + 'none>'} ?value }} }} }}")
        if not shape.is_property:
            query = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {other} ?value FILTER(!sameTerm(?this, ?value)) }}")
        return [self.result(shape, "EqualsConstraintComponent", this, value) for this, value in self.pairs(query)]

    def c_disjoint(self, shape, focus, values, predicate):
        query = f"SELECT DISTINCT ?this ?value WHERE {{ {values} ?this {rdflib_to_sparql(predicate)} ?value }}"
        return [self.result(shape, "DisjointConstraintComponent", this, value) for this, value in self.pairs(query)]

    def _compare(self, shape, values, predicate, operator, component):
        query = (f"SELECT DISTINCT ?this ?value WHERE {{ {values} ?this {rdflib_to_sparql(predicate)} ?_other "
                 f"FILTER(!COALESCE(?value {operator} ?_other, false)) }}")
        return [self.result(shape, component, this, value) for this, value in self.pairs(query)]

    def c_lessThan(self, shape, focus, values, predicate):
        return self._compare(shape, values, predicate, "<", "LessThanConstraintComponent")

    def c_lessThanOrEquals(self, shape, focus, values, predicate):
        return self._compare(shape, values, predicate, "<=", "LessThanOrEqualsConstraintComponent")

    def c_closed(self, shape, focus, values, flag):
        if not bool(flag.toPython()) or shape.is_property:
            return []
        from rdflib import URIRef

        allowed = set()
        for prop in shape.parameters.get("property", []):
            path = self.shapes_graph.value(prop, URIRef(SH + "path"))
            if isinstance(path, URIRef):
                allowed.add(f"<{path}>")
        for ignored in shape.parameters.get("ignoredProperties", []):
            allowed.update(rdflib_to_sparql(item) for item in self.shapes_graph.items(ignored))
        condition = f"FILTER(?_predicate NOT IN ({', '.join(sorted(allowed))}))" if allowed else ""
        query = f"SELECT DISTINCT ?this ?_predicate ?value WHERE {{ {focus} ?this ?_predicate ?value {condition} }}"
        from rdflib import URIRef as Iri

        return [self.result(shape, "ClosedConstraintComponent", row["this"], row["value"],
                            path=Iri(row["_predicate"].value)) for row in self.select(query)]

    def c_ignoredProperties(self, shape, focus, values, listed):
        return []  # read by c_closed

    # -- shape-based constraints

    def conforming(self, shape_node, terms: set) -> dict:
        """{term: conforms to the shape} for each of the terms (cached per shape)."""
        known = self._conformance.setdefault(shape_node, {})
        todo = [term for term in terms if term not in known]
        if todo:
            shape = self.shape(shape_node)
            named = [t for t in todo if oxigraph_to_sparql(t) is not None]
            blank = [t for t in todo if oxigraph_to_sparql(t) is None]
            failing = set()
            for start in range(0, len(named), 5000):
                chunk = named[start:start + 5000]
                focus = "{ VALUES ?this { " + " ".join(oxigraph_to_sparql(t) for t in chunk) + " } }"
                failing.update(result.focus for result in self.evaluate(shape, focus))
            if blank:
                # Blank nodes cannot be written in a query: select them by pattern instead.
                focus = "{ SELECT DISTINCT ?this WHERE { ?this ?_p ?_o FILTER(isBlank(?this)) } }"
                failing.update(result.focus for result in self.evaluate(shape, focus) if result.focus in set(blank))
            for term in todo:
                known[term] = term not in failing
        return {term: known[term] for term in terms}

    def value_pairs(self, values: str) -> list:
        return list(self.pairs(f"SELECT DISTINCT ?this ?value WHERE {{ {values} }}"))

    def c_node(self, shape, focus, values, other):
        pairs = self.value_pairs(values)
        ok = self.conforming(other, {value for _, value in pairs})
        return [self.result(shape, "NodeConstraintComponent", this, value) for this, value in pairs if not ok[value]]

    def c_not(self, shape, focus, values, other):
        pairs = self.value_pairs(values)
        ok = self.conforming(other, {value for _, value in pairs})
        return [self.result(shape, "NotConstraintComponent", this, value) for this, value in pairs if ok[value]]

    def _logical(self, shape, values, members, component, accept):
        pairs = self.value_pairs(values)
        distinct = {value for _, value in pairs}
        verdicts = [self.conforming(member, distinct) for member in self.shapes_graph.items(members)]
        return [self.result(shape, component, this, value) for this, value in pairs
                if not accept(sum(1 for verdict in verdicts if verdict[value]), len(verdicts))]

    def c_and(self, shape, focus, values, members):
        return self._logical(shape, values, members, "AndConstraintComponent", lambda ok, n: ok == n)

    def c_or(self, shape, focus, values, members):
        return self._logical(shape, values, members, "OrConstraintComponent", lambda ok, n: ok >= 1)

    def c_xone(self, shape, focus, values, members):
        return self._logical(shape, values, members, "XoneConstraintComponent", lambda ok, n: ok == 1)

    def c_property(self, shape, focus, values, other):
        # The property shape's focus nodes are this shape's value nodes.
        inner = focus if not shape.is_property else (
            "{ SELECT DISTINCT ?this WHERE { { SELECT DISTINCT ?value WHERE { " + values + " } } BIND(?value AS ?this) } }")
        return self.evaluate(self.shape(other), inner)

    def c_qualifiedValueShape(self, shape, focus, values, other):
        p = shape.parameters
        if any(bool(v.toPython()) for v in p.get("qualifiedValueShapesDisjoint", [])):
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        minimum = int(p["qualifiedMinCount"][0]) if "qualifiedMinCount" in p else None
        maximum = int(p["qualifiedMaxCount"][0]) if "qualifiedMaxCount" in p else None
        condition = self.shape_condition(other, "?value", 1)
        if condition is not None:
            tests = ([f"?_n < {minimum}"] if minimum else []) + ([f"?_n > {maximum}"] if maximum is not None else [])
            if not tests:
                return []
            if minimum == 1 and maximum is None:
                query = (f"SELECT ?this (0 AS ?_n) WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {shape.path_sparql} ?value "
                         f"FILTER(COALESCE({condition}, false)) }} }}")
            else:
                query = (f"SELECT ?this ?_n WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?_n) WHERE {{ {focus} "
                         f"OPTIONAL {{ ?this {shape.path_sparql} ?value FILTER(COALESCE({condition}, false)) }} }} GROUP BY ?this }} "
                         f"FILTER({' || '.join(tests)}) }}")
            results = []
            for row in self.select(query):
                n = int(row["_n"].value)
                if minimum and n < minimum:
                    results.append(self.result(shape, "QualifiedMinCountConstraintComponent", row["this"]))
                if maximum is not None and n > maximum:
                    results.append(self.result(shape, "QualifiedMaxCountConstraintComponent", row["this"]))
            return results
        pairs = self.value_pairs(values)
        ok = self.conforming(other, {value for _, value in pairs})
        counts: dict = {}
        for this, value in pairs:
            counts[this] = counts.get(this, 0) + (1 if ok[value] else 0)
        results = []
        if minimum is not None and minimum > 0:
            for row in self.select(f"SELECT DISTINCT ?this WHERE {{ {focus} }}"):
                this = row["this"]
                if counts.get(this, 0) < minimum:
                    results.append(self.result(shape, "QualifiedMinCountConstraintComponent", this))
        if maximum is not None:
            for this, count in counts.items():
                if count > maximum:
                    results.append(self.result(shape, "QualifiedMaxCountConstraintComponent", this))
        return results

    def c_qualifiedMinCount(self, shape, focus, values, count):
        return []  # read by c_qualifiedValueShape

    c_qualifiedMaxCount = c_qualifiedMinCount
    c_qualifiedValueShapesDisjoint = c_qualifiedMinCount

    # -- SHACL-SPARQL

    def c_sparql(self, shape, focus, values, constraint):
        from rdflib import Literal, URIRef

        g = self.shapes_graph
        if g.value(constraint, URIRef(SH + "deactivated")) == Literal(True):
            return []
        select = g.value(constraint, URIRef(SH + "select"))
        if select is None:
            raise Unsupported("a sh:sparql constraint without sh:select")
        text = str(select)
        if "$shapesGraph" in text or "$currentShape" in text:
            raise Unsupported("$shapesGraph or $currentShape in a SPARQL constraint")
        if shape.is_property:
            text = text.replace("$PATH", shape.path_sparql)
        text = rewrite_not_exists(text)
        brace = text.find("{")
        if brace < 0:
            raise Unsupported("a SPARQL constraint without a WHERE clause")
        # Pre-binding $this = joining the focus nodes at the start of the WHERE group.
        query = self.prefixes(constraint) + text[:brace + 1] + " " + focus + " " + text[brace + 1:]
        message_template = pick_message(list(g.objects(constraint, URIRef(SH + "message")))) or shape.message
        results = []
        solutions = self.select(query)
        variables = list(solutions.variables)
        for row in solutions:
            bindings = {variable.value: row[variable] for variable in variables if row[variable] is not None}
            this = bindings.get("this")
            value = bindings.get("value")
            if value is None and not shape.is_property:
                value = this
            path = bindings.get("path")
            message = substitute(message_template, bindings) if message_template else None
            results.append(self.result(
                shape, "SPARQLConstraintComponent", this, value, message=message,
                path=URIRef(path.value) if path is not None and hasattr(path, "value") and not hasattr(path, "datatype") else None,
                constraint=constraint))
        return results

    def prefixes(self, constraint) -> str:
        from rdflib import URIRef

        g = self.shapes_graph
        lines = []
        for holder in g.objects(constraint, URIRef(SH + "prefixes")):
            for declaration in g.objects(holder, URIRef(SH + "declare")):
                prefix = g.value(declaration, URIRef(SH + "prefix"))
                namespace = g.value(declaration, URIRef(SH + "namespace"))
                if prefix is not None and namespace is not None:
                    lines.append(f"PREFIX {prefix}: <{namespace}>\n")
        return "".join(sorted(set(lines)))


COMPONENTS = {
    "class": "ClassConstraintComponent", "datatype": "DatatypeConstraintComponent", "nodeKind": "NodeKindConstraintComponent",
    "minInclusive": "MinInclusiveConstraintComponent", "maxInclusive": "MaxInclusiveConstraintComponent",
    "minExclusive": "MinExclusiveConstraintComponent", "maxExclusive": "MaxExclusiveConstraintComponent",
    "minLength": "MinLengthConstraintComponent", "maxLength": "MaxLengthConstraintComponent",
    "pattern": "PatternConstraintComponent", "languageIn": "LanguageInConstraintComponent", "in": "InConstraintComponent",
    "node": "NodeConstraintComponent", "not": "NotConstraintComponent", "and": "AndConstraintComponent",
    "or": "OrConstraintComponent", "xone": "XoneConstraintComponent", "flags": None,
}

# Order in which constraints are evaluated (and results listed) within a shape.
CONSTRAINT_ORDER = [
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minInclusive", "maxInclusive",
    "minExclusive", "maxExclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang",
    "in", "hasValue", "equals", "disjoint", "lessThan", "lessThanOrEquals", "closed",
    "node", "not", "and", "or", "xone", "qualifiedValueShape", "property", "sparql",
]


def path_text(g, path) -> str:
    """A SHACL property path (a node of graph g) in SPARQL syntax."""
    from rdflib import BNode, URIRef
    from rdflib.namespace import RDF

    if isinstance(path, URIRef):
        return f"<{path}>"
    if not isinstance(path, BNode):
        raise Unsupported("a literal as sh:path")
    if (path, RDF.first, None) in g:
        return "(" + "/".join(path_text(g, step) for step in g.items(path)) + ")"
    for name, template in (("inversePath", "^{}"), ("zeroOrMorePath", "({})*"),
                           ("oneOrMorePath", "({})+"), ("zeroOrOnePath", "({})?")):
        inner = g.value(path, URIRef(SH + name))
        if inner is not None:
            return template.format(path_text(g, inner))
    alternatives = g.value(path, URIRef(SH + "alternativePath"))
    if alternatives is not None:
        return "(" + "|".join(path_text(g, step) for step in g.items(alternatives)) + ")"
    raise Unsupported("a property path this engine does not know")


def _uri(text: str):
    from rdflib import URIRef

    return URIRef(text)


_NOT_EXISTS = re.compile(r"FILTER\s*NOT\s+EXISTS\s*\{", re.I)


def matching_brace(text: str, start: int) -> int:
    """Index of the } closing the { at `start`, skipping strings; -1 if unbalanced."""
    depth, i, quote = 0, start, None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif text.startswith(quote, i):
                i += len(quote) - 1
                quote = None
        elif c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            i += len(quote) - 1
        elif c == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def rewrite_not_exists(query: str) -> str:
    """`FILTER NOT EXISTS { flat pattern }` in the WHERE group → `OPTIONAL { … } FILTER(!BOUND(…))`.

    Same answers once the group's other patterns have bound their variables (the
    OPTIONAL goes last, and its FILTER sees the outer bindings as NOT EXISTS does),
    but oxigraph evaluates NOT EXISTS with joins by re-reading the whole pattern for
    every row: hundreds of times slower. Nested groups are left as they are.
    """
    start = query.find("{")
    end = matching_brace(query, start) if start >= 0 else -1
    if end < 0:
        return query
    body = query[start + 1:end]
    moved, kept, position, count = [], [], 0, 0
    for match in _NOT_EXISTS.finditer(body):
        if match.start() < position:
            continue
        if body[:match.start()].count("{") != body[:match.start()].count("}"):
            continue  # not at the top of the WHERE group
        open_at = match.end() - 1
        close_at = matching_brace(body, open_at)
        inner = body[open_at + 1:close_at] if close_at > 0 else ""
        if close_at < 0 or "{" in inner:
            continue
        count += 1
        kept.append(body[position:match.start()])
        moved.append(f"OPTIONAL {{ {inner} BIND(true AS ?_absent{count}) }} FILTER(!BOUND(?_absent{count}))")
        position = close_at + 1
    if not moved:
        return query
    kept.append(body[position:])
    return query[:start + 1] + "".join(kept) + "\n" + "\n".join(moved) + "\n" + query[end:]


def pick_message(messages: list) -> str | None:
    """The English (or untagged) sh:message, else the first one."""
    if not messages:
        return None
    ranked = sorted(messages, key=lambda m: (getattr(m, "language", None) not in (None, "en"), str(m)))
    return str(ranked[0])


def substitute(template: str, bindings: dict) -> str:
    """Replace {?name} and {$name} in a message with the solution's values."""
    import re

    def replace(match):
        value = bindings.get(match.group(1))
        if value is None:
            return match.group(0)
        return getattr(value, "value", str(value))

    return re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", replace, template)


def rdflib_literal(lexical: str, datatype: str):
    """An rdflib Literal, without rdflib logging a traceback for an ill-typed one."""
    import logging

    from rdflib import Literal, URIRef

    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    return Literal(lexical, datatype=URIRef(datatype))


def well_formed(lexical: str, datatype: str) -> bool:
    """Whether rdflib (hence pyshacl) accepts a literal as a value of its datatype."""
    from datetime import date, datetime, time
    from decimal import Decimal

    literal = rdflib_literal(lexical, datatype)
    if getattr(literal, "ill_typed", None) is True:
        return False
    value = literal.value
    expected = {
        XSD + "integer": int, XSD + "float": float, XSD + "decimal": Decimal, XSD + "boolean": bool,
        XSD + "date": date, XSD + "time": time, XSD + "dateTime": datetime,
    }.get(datatype)
    return expected is None or isinstance(value, expected)


def default_message(component: str, shape: Shape) -> str:
    """A plain message for shapes that carry no sh:message."""
    name = component.replace("ConstraintComponent", "")
    where = f" on {shape.path_sparql}" if shape.is_property else ""
    return f"{name} constraint not met{where}"
