"""Random SHACL shapes and data for differential testing (seeded: a seed always gives the same case).

Each case is a small data graph and a shapes graph, both Turtle written out term by
term (so literals keep their exact lexical forms), over a fixed vocabulary: nodes
ex:n0…, blank nodes, classes ex:C0 ⊃ ex:C1 (⊃ ex:C2), properties ex:p0…, and literals of mixed,
non-canonical and ill-formed types, with and without language tags. Shapes draw
from every SHACL Core constraint component, every kind of target and property path,
nested shapes (named, or blank nodes written in place), sh:deactivated, sh:severity and
sh:message.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PREFIXES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
NODES = [f"ex:n{i}" for i in range(7)]
BLANKS = ["_:b0", "_:b1", "_:b2"]
PROPERTIES = [f"ex:p{i}" for i in range(4)]
CLASSES = ["ex:C0", "ex:C1", "ex:C2"]
LITERALS = [
    '"1"^^xsd:integer', '"01"^^xsd:integer', '"-5"^^xsd:integer', '"42"^^xsd:integer', '"1.0"^^xsd:decimal',
    '"1.00"^^xsd:decimal', '"2.5"^^xsd:decimal', '"1.5E0"^^xsd:double', '"3"^^xsd:byte', '"300"^^xsd:byte',
    '"abc"^^xsd:integer', '"7"^^xsd:int', '"true"^^xsd:boolean', '"1"^^xsd:boolean', '"2020-01-01"^^xsd:date',
    '"2020-02-30"^^xsd:date', '"2021-06-01T10:00:00Z"^^xsd:dateTime', '"x"^^ex:custom', '"hello"', '"Hello World"',
    '""', '"hello"@en', '"hallo"@de', '"bonjour"@fr', '"hi"@en-US', '"hey"@EN', '"42"', '"a b"^^xsd:token',
    '"+1"^^xsd:integer', '" 2"^^xsd:integer', '"-0"^^xsd:integer', '"1."^^xsd:decimal', '"NaN"^^xsd:double',
    '"INF"^^xsd:double', '"-0.0E0"^^xsd:double', '"1.5"^^xsd:float', '"5"^^xsd:nonNegativeInteger',
    '"-5"^^xsd:nonNegativeInteger', '"9999999999"^^xsd:long', '"2020"^^xsd:gYear', '"12:00:00"^^xsd:time',
    '"http://example.org/n1"^^xsd:anyURI', '"Ünïcödé ✓"', '"hello"@en-GB-oxendict', '"0"^^xsd:boolean',
    '"false"^^xsd:boolean', '"2020-01-01Z"^^xsd:date', '"line\\nbreak"',
]
NUMBERS = ['"0"^^xsd:integer', '"1"^^xsd:integer', '"2.5"^^xsd:decimal', '"3"^^xsd:integer', '"1.0E1"^^xsd:double',
           '"2020-06-01"^^xsd:date', '"b"', '"42"']
DATATYPES = ["xsd:integer", "xsd:decimal", "xsd:string", "rdf:langString", "xsd:byte", "xsd:boolean", "xsd:date",
             "xsd:double", "xsd:int", "ex:custom", "xsd:dateTime", "xsd:float", "xsd:nonNegativeInteger", "xsd:long",
             "xsd:gYear", "xsd:time", "xsd:anyURI"]
NODE_KINDS = ["sh:IRI", "sh:BlankNode", "sh:Literal", "sh:BlankNodeOrIRI", "sh:BlankNodeOrLiteral", "sh:IRIOrLiteral"]
LANGUAGE_RANGES = ['"en"', '"de"', '"fr"', '"*"']
PATTERNS = ['"^h"', '"o$"', '"[0-9]"', '"^ex"', '"WORLD"']


@dataclass
class Case:
    seed: int
    data: str
    shapes: str

    def text(self) -> str:
        return f"# seed {self.seed}\n# --- data\n{self.data}\n# --- shapes\n{self.shapes}"


class Generator:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.seed = seed
        self.lines: list[str] = []
        self.count = 0

    def pick(self, options):
        return self.random.choice(options)

    def chance(self, p: float) -> bool:
        return self.random.random() < p

    def value(self) -> str:
        kind = self.random.random()
        if kind < 0.35:
            return self.pick(NODES)
        if kind < 0.45:
            return self.pick(BLANKS)
        return self.pick(LITERALS)

    # -- data ----------------------------------------------------------------------------------

    def data(self) -> str:
        lines = ["ex:C1 rdfs:subClassOf ex:C0 ."]
        if self.chance(0.3):
            lines.append("ex:C2 rdfs:subClassOf ex:C1 .")
        for subject in NODES + BLANKS:
            if self.chance(0.5):
                lines.append(f"{subject} rdf:type {self.pick(CLASSES)} .")
            for _ in range(self.random.randint(0, 4)):
                lines.append(f"{subject} {self.pick(PROPERTIES)} {self.value()} .")
        return PREFIXES + "\n".join(lines) + "\n"

    # -- shapes --------------------------------------------------------------------------------

    def fresh(self) -> str:
        self.count += 1
        return f"ex:S{self.count}"

    def path(self, depth: int = 0) -> str:
        kind = self.random.random()
        p = self.pick(PROPERTIES)
        if depth > 2 or kind < 0.5:
            return p
        if kind < 0.6:
            return f"[ sh:inversePath {self.path(depth + 1)} ]"
        if kind < 0.7:
            return f"( {self.path(depth + 1)} {self.path(depth + 1)} )"
        if kind < 0.8:
            return f"[ sh:alternativePath ( {self.path(depth + 1)} {self.path(depth + 1)} ) ]"
        name = self.pick(["sh:zeroOrMorePath", "sh:oneOrMorePath", "sh:zeroOrOnePath"])
        return f"[ {name} {self.path(depth + 1)} ]"

    def list_of(self, items: list[str]) -> str:
        return "( " + " ".join(items) + " )"

    def constraint(self, is_property: bool, depth: int, used: set) -> list[str]:
        """One constraint: its parameter lines. The shapes graph stays well-formed (SHACL §4): at most
        one sh:in, sh:minCount, sh:maxCount, sh:pattern, sh:closed … per shape, counts only on
        property shapes, sh:lessThan(OrEquals) only on property shapes."""
        kinds = ["class", "datatype", "nodeKind", "range", "length", "pattern", "languageIn", "in", "hasValue",
                 "pair", "closed"]
        if is_property:
            kinds += ["minCount", "maxCount", "uniqueLang", "qualified", "count2", "order"]
        if depth < 2:
            kinds += ["not", "and", "or", "xone", "node", "property"]
        kinds = [k for k in kinds if k not in used]
        kind = self.pick(kinds) if kinds else "class"
        if kind in ("minCount", "maxCount", "count2"):
            used.update({"minCount", "maxCount", "count2"})
        elif kind not in ("class", "hasValue", "pair", "order", "not", "node", "property"):
            used.add(kind)
        if kind == "class":
            return [f"sh:class {self.pick(CLASSES)}"]
        if kind == "datatype":
            return [f"sh:datatype {self.pick(DATATYPES)}"]
        if kind == "nodeKind":
            return [f"sh:nodeKind {self.pick(NODE_KINDS)}"]
        if kind == "range":
            return [f"sh:{name} {self.pick(NUMBERS)}" for name in
                    self.random.sample(['minExclusive', 'minInclusive', 'maxExclusive', 'maxInclusive'], self.random.randint(1, 2))]
        if kind == "length":
            return [f"sh:{name} {self.random.randint(0, 6)}" for name in
                    self.random.sample(['minLength', 'maxLength'], self.random.randint(1, 2))]
        if kind == "pattern":
            lines = [f"sh:pattern {self.pick(PATTERNS)}"]
            if self.chance(0.3):
                lines.append('sh:flags "i"')
            return lines
        if kind == "languageIn":
            return ["sh:languageIn " + self.list_of(self.random.sample(LANGUAGE_RANGES, 2))]
        if kind == "in":
            return [f"sh:in {self.list_of([self.value() for _ in range(self.random.randint(1, 3))])}"]
        if kind == "hasValue":
            return [f"sh:hasValue {self.value()}"]
        if kind == "pair":
            return [f"sh:{self.pick(['equals', 'disjoint'])} {self.pick(PROPERTIES)}"]
        if kind == "order":
            return [f"sh:{self.pick(['lessThan', 'lessThanOrEquals'])} {self.pick(PROPERTIES)}"]
        if kind == "closed":
            lines = ["sh:closed true"]
            if self.chance(0.5):
                lines.append(f"sh:ignoredProperties ( rdf:type {self.pick(PROPERTIES)} )")
            return lines
        if kind == "minCount":
            return [f"sh:minCount {self.random.randint(0, 3)}"]
        if kind == "maxCount":
            return [f"sh:maxCount {self.random.randint(0, 2)}"]
        if kind == "count2":
            return [f"sh:minCount {self.random.randint(1, 2)}", f"sh:maxCount {self.random.randint(1, 3)}"]
        if kind == "uniqueLang":
            return ["sh:uniqueLang true"]
        if kind == "qualified":
            lines = [f"sh:qualifiedValueShape {self.shape(False, depth + 1)}"]
            both = self.chance(0.3)
            if both or self.chance(0.6):
                lines.append(f"sh:qualifiedMinCount {self.random.randint(0, 2)}")
            else:
                lines.append(f"sh:qualifiedMaxCount {self.random.randint(0, 2)}")
            if both:
                lines.append(f"sh:qualifiedMaxCount {self.random.randint(1, 3)}")
            if self.chance(0.4):
                lines.append("sh:qualifiedValueShapesDisjoint true")
            return lines
        if kind == "not":
            return [f"sh:not {self.shape(False, depth + 1)}"]
        if kind in ("and", "or", "xone"):
            members = [self.shape(self.chance(0.3), depth + 1) for _ in range(self.random.randint(1, 3))]
            return [f"sh:{kind} {self.list_of(members)}"]
        if kind == "node":
            return [f"sh:node {self.shape(False, depth + 1)}"]
        return [f"sh:property {self.shape(True, depth + 1)}"]

    def shape(self, is_property: bool, depth: int, targets: bool = False) -> str:
        """A shape with an IRI (written out as its own block), its IRI; or, nested, now and
        then a blank node written where it is used."""
        anonymous = depth > 0 and self.chance(0.3)
        name = "" if anonymous else self.fresh()
        lines = [f"{name} a {'sh:PropertyShape' if is_property else 'sh:NodeShape'}".lstrip()]
        if is_property:
            lines.append(f"sh:path {self.path()}")
        if targets:
            for _ in range(self.random.randint(1, 2)):
                target = self.pick(["targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf"])
                value = {"targetNode": lambda: self.pick(NODES + LITERALS[:6]), "targetClass": lambda: self.pick(CLASSES),
                         "targetSubjectsOf": lambda: self.pick(PROPERTIES),
                         "targetObjectsOf": lambda: self.pick(PROPERTIES)}[target]()
                lines.append(f"sh:{target} {value}")
        used: set = set()
        for _ in range(self.random.randint(1, 3)):
            lines += self.constraint(is_property, depth, used)
        if self.chance(0.15):
            lines.append(f"sh:severity {self.pick(['sh:Warning', 'sh:Info'])}")
        if self.chance(0.07):
            lines.append("sh:deactivated true")
        if self.chance(0.1):
            lines.append('sh:message "broken"@en')
        if anonymous:
            return "[ " + " ;\n    ".join(lines) + " ]"
        self.lines.append(" ;\n    ".join(lines) + " .")
        return name

    def shapes(self) -> str:
        for _ in range(self.random.randint(1, 3)):
            self.shape(self.chance(0.5), 0, targets=True)
        if self.chance(0.2):  # an implicit class target
            self.lines.append(f"ex:C1 a rdfs:Class, sh:NodeShape ; sh:property [ sh:path {self.pick(PROPERTIES)} ; "
                              f"sh:maxCount 1 ] .")
        return PREFIXES + "\n".join(self.lines) + "\n"


def generate(seed: int) -> Case:
    generator = Generator(seed)
    return Case(seed, generator.data(), generator.shapes())
