"""The shapes graph (SHACL §2): shapes, their targets and parameters, as written.

The shapes graph is small, so it is held as plain Python indexes of pyoxigraph terms
exactly as parsed (no literal is normalised: `sh:in ( "01"^^xsd:integer )` keeps its
`01`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph

from cubakg.namespaces import RDF, RDFS, SH, XSD

NamedNode = pyoxigraph.NamedNode
TRUE = pyoxigraph.Literal("true", datatype=NamedNode(XSD + "boolean"))
RDF_TYPE = NamedNode(RDF + "type")
RDF_FIRST, RDF_REST, RDF_NIL = NamedNode(RDF + "first"), NamedNode(RDF + "rest"), NamedNode(RDF + "nil")
VIOLATION = NamedNode(SH + "Violation")


def sh(name: str):
    return NamedNode(SH + name)


class Graph:
    """A small in-memory graph of pyoxigraph terms with the look-ups shapes need."""

    def __init__(self, triples=()):
        self.by_subject: dict = {}
        self.by_object: dict = {}
        self.triples: list = []
        for triple in triples:
            self.add(triple)

    def add(self, triple) -> None:
        s, p, o = triple
        objects = self.by_subject.setdefault(s, {}).setdefault(p, [])
        if o in objects:
            return
        objects.append(o)
        self.by_object.setdefault(o, {}).setdefault(p, []).append(s)
        self.triples.append((s, p, o))

    def __len__(self) -> int:
        return len(self.triples)

    def objects(self, subject, predicate) -> list:
        return self.by_subject.get(subject, {}).get(predicate, [])

    def value(self, subject, predicate):
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate, obj) -> list:
        return self.by_object.get(obj, {}).get(predicate, [])

    def subjects_with(self, predicate) -> list:
        """Subjects of any triple with this predicate, in the order read."""
        return list(dict.fromkeys(s for s, p, _ in self.triples if p == predicate))

    def predicate_objects(self, subject) -> list:
        return [(p, o) for p, objects in self.by_subject.get(subject, {}).items() for o in objects]

    def items(self, node) -> list:
        """The members of an RDF list (SHACL lists are well-formed: checked by the caller's use)."""
        members, seen = [], set()
        while node is not None and node != RDF_NIL and node not in seen:
            seen.add(node)
            first = self.value(node, RDF_FIRST)
            if first is None:
                break
            members.append(first)
            node = self.value(node, RDF_REST)
        return members


@dataclass
class Shape:
    """A node or property shape, with its parameters (local name → values)."""

    node: object
    parameters: dict = field(default_factory=dict)
    path: object | None = None  # the sh:path node (property shapes)
    severity: object = VIOLATION
    messages: list = field(default_factory=list)
    deactivated: bool = False
    path_text: str | None = None  # the path in SPARQL syntax, for results

    @property
    def is_property(self) -> bool:
        return self.path is not None

    def get(self, name: str) -> list:
        return self.parameters.get(name, [])

    def one(self, name: str):
        values = self.parameters.get(name)
        return values[0] if values else None


def read_shape(graph: Graph, node) -> Shape:
    parameters: dict = {}
    for predicate, obj in graph.predicate_objects(node):
        if predicate.value.startswith(SH):
            parameters.setdefault(predicate.value[len(SH):], []).append(obj)
    severity = parameters.get("severity", [VIOLATION])[0]
    return Shape(
        node=node, parameters=parameters, path=parameters.get("path", [None])[0],
        severity=severity, messages=parameters.get("message", []),
        # SHACL §2.1.5: the value of sh:deactivated is the literal true (not anything Python finds truthy).
        deactivated=TRUE in parameters.get("deactivated", []),
    )


TARGET_PARAMETERS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")


def shapes_with_targets(graph: Graph) -> list:
    """Every shape with a target (§2.1.3), including implicit class targets (§2.1.3.3), in a stable order."""
    nodes = []
    for name in (*TARGET_PARAMETERS, "target"):
        nodes += graph.subjects_with(sh(name))
    rdfs_class = NamedNode(RDFS + "Class")
    for node in graph.subjects(RDF_TYPE, rdfs_class):
        types = graph.objects(node, RDF_TYPE)
        if sh("NodeShape") in types or sh("PropertyShape") in types:
            nodes.append(node)
    return sorted(dict.fromkeys(nodes), key=lambda n: (type(n) is pyoxigraph.BlankNode, str(n)))


def implicit_class_target(graph: Graph, node) -> bool:
    return NamedNode(RDFS + "Class") in graph.objects(node, RDF_TYPE)
