"""RDF terms as written, in a store that would rewrite some of them.

The oxigraph store keeps numbers, booleans, dates and durations by value: it stores
`"1.00"^^xsd:decimal` as `"1"^^xsd:decimal`, `"3"^^xsd:byte` as `"3"^^xsd:integer`,
`1.5E0` as `"1.5"^^xsd:double`, so two values the data wrote differently
(`ex:b ex:p 1.0, 1.00`) would become one. SHACL works on RDF terms, so the validator
must see the terms as written.

A literal the store might rewrite is therefore stored *wrapped*: same lexical form,
datatype `<urn:cubakg:as-written:` + the real datatype `>`, which the store keeps
verbatim (it is not a datatype it knows). Literals the store surely keeps as they
are (`kept_as_written`: canonical integers, dates …) stay unwrapped, so wrapping
costs little on data written in canonical form.
The compiled SPARQL unwraps where a value is compared (`value_expression`), and
results are unwrapped before anyone sees them (`written`).

>>> import pyoxigraph
>>> decimal = pyoxigraph.NamedNode(XSD + "decimal")
>>> stored_forms([pyoxigraph.Literal("1.00", datatype=decimal)])[pyoxigraph.Literal("1.00", datatype=decimal)].value
'1'
>>> written(wrap(pyoxigraph.Literal("1.00", datatype=decimal))) == pyoxigraph.Literal("1.00", datatype=decimal)
True
"""

from __future__ import annotations

import re

import pyoxigraph

from cubakg.namespaces import XSD

WRAP = "urn:cubakg:as-written:"
# Datatypes the store keeps by value (oxigraph's numeric_encoder): literals of these may be rewritten.
BY_VALUE = frozenset(XSD + name for name in (
    "boolean", "float", "double", "decimal", "integer", "byte", "short", "int", "long", "unsignedByte",
    "unsignedShort", "unsignedInt", "unsignedLong", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "nonNegativeInteger", "dateTime", "dateTimeStamp", "time", "date", "gYearMonth", "gYear", "gMonthDay", "gDay",
    "gMonth", "duration", "yearMonthDuration", "dayTimeDuration"))

# Datatypes whose values SPARQL compares with < and <= (every BY_VALUE one is wrapped or ordered).
ORDERED = BY_VALUE | {XSD + "string"}

Literal = pyoxigraph.Literal
NamedNode = pyoxigraph.NamedNode
BlankNode = pyoxigraph.BlankNode


# Literals the store surely keeps exactly as written, checked cheaply per literal. Every other
# literal of a BY_VALUE datatype is wrapped: always correct, only a little slower to compare.
_KEPT = {
    XSD + "integer": re.compile(r"-?(0|[1-9][0-9]{0,17})"),  # canonical, and within 64 bits
    XSD + "boolean": re.compile(r"true|false"),
    XSD + "date": re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])Z?"),
    XSD + "dateTime": re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z?"),
    XSD + "gYear": re.compile(r"[0-9]{4}"),
}


def kept_as_written(lexical: str, datatype: str) -> bool:
    """Whether the store keeps this literal as written (False where unsure)."""
    pattern = _KEPT.get(datatype)
    return pattern is not None and pattern.fullmatch(lexical) is not None and lexical != "-0"


def may_be_rewritten(term) -> bool:
    return type(term) is Literal and term.datatype.value in BY_VALUE


def stored_forms(literals) -> dict:
    """{literal: the literal the store keeps for it}, for literals of BY_VALUE datatypes."""
    listed = list(dict.fromkeys(literals))
    if not listed:
        return {}
    scratch = pyoxigraph.Store()
    predicate = NamedNode("urn:cubakg:p")
    scratch.extend(pyoxigraph.Quad(NamedNode(f"urn:cubakg:{i}"), predicate, literal) for i, literal in enumerate(listed))
    stored = {}
    for quad in scratch:
        stored[listed[int(quad.subject.value[len("urn:cubakg:"):])]] = quad.object
    return stored


def wrap(literal):
    return Literal(literal.value, datatype=NamedNode(WRAP + literal.datatype.value))


def written(term):
    """The term as the data wrote it (unwraps a wrapped literal; anything else as it is)."""
    if type(term) is Literal:
        datatype = term.datatype.value
        if datatype.startswith(WRAP):
            return Literal(term.value, datatype=NamedNode(datatype[len(WRAP):]))
    return term


class Terms:
    """How terms of the shapes graph are written in queries over the store."""

    def __init__(self, any_wrapped: bool = False):
        self.any_wrapped = any_wrapped  # whether the store holds wrapped literals at all

    def in_store(self, term):
        """The term as the store holds it (wrapped as the loader wraps it)."""
        if not may_be_rewritten(term) or kept_as_written(term.value, term.datatype.value):
            return term
        return wrap(term)

    def sparql(self, term) -> str:
        """A data term written in SPARQL; blank nodes have no SPARQL name (the caller handles them)."""
        if type(term) is BlankNode:
            raise ValueError("a blank node cannot be written in a query")
        return str(self.in_store(term))

    def value_expression(self, var: str) -> str:
        """A SPARQL expression for the value of the term in `var`, unwrapped for comparison."""
        if not self.any_wrapped:
            return var
        datatype = f"STR(DATATYPE({var}))"
        return (f"IF(isLiteral({var}) && STRSTARTS({datatype}, \"{WRAP}\"), "
                f"STRDT(STR({var}), IRI(STRAFTER({datatype}, \"{WRAP}\"))), {var})")

    def ordered(self, var: str) -> str:
        """A SPARQL test that the literal in `var` has a datatype SPARQL orders (numbers, strings,
        booleans, dates, times, durations: §17.3 and XPath's operators). oxigraph also answers
        `"a"^^ex:dt <= "a"^^ex:dt` and `"a"@en < "b"@en`, which SPARQL 1.1 leaves a type error."""
        test = f"DATATYPE({var}) IN ({', '.join(f'<{dt}>' for dt in sorted(ORDERED))})"
        if self.any_wrapped:
            test = f"({test} || STRSTARTS(STR(DATATYPE({var})), \"{WRAP}\"))"
        return test

    def has_datatype(self, var: str, datatype: str) -> str:
        """A SPARQL test that the term in `var` is a literal of `datatype` as written."""
        test = f"DATATYPE({var}) = <{datatype}>"
        if self.any_wrapped and datatype in BY_VALUE:
            test = f"({test} || DATATYPE({var}) = <{WRAP}{datatype}>)"
        return f"(isLiteral({var}) && {test})"
