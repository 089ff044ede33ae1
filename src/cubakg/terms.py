"""RDF terms as N-Triples text, the form the build's quads carry.

The build emits quads as strings — (graph, subject, predicate, object) with the
graph, subject and predicate as bare IRIs and the object in N-Triples syntax — so
that a million of them cost little memory and are written, sorted and parsed
(by pyoxigraph) without building a Python object per term. Literals are written
by pyoxigraph itself, so their escaping is exactly N-Triples'.

>>> iri("https://schema.org/Person")
'<https://schema.org/Person>'
>>> en("Havana")
'"Havana"@en'
>>> integer(3)
'"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import pyoxigraph

from cubakg.namespaces import XSD


# One statement of the build: (graph, subject, predicate, object), bare IRIs for the
# first three and the object as N-Triples. A plain tuple: a million of them are made.
Quad = tuple[str, str, str, str]


def iri(value: str) -> str:
    return f"<{value}>"


@lru_cache(maxsize=65536)
def typed(lexical: str, datatype: str) -> str:
    """A typed literal; xsd:string is written plainly, as N-Triples does."""
    return str(pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(datatype)))


def text(value: str) -> str:
    """A plain string literal (xsd:string)."""
    return str(pyoxigraph.Literal(value))


@lru_cache(maxsize=65536)
def en(value: str) -> str:
    """An English language-tagged string."""
    return str(pyoxigraph.Literal(value, language="en"))


def language(value: str, tag: str) -> str:
    return str(pyoxigraph.Literal(value, language=tag))


def integer(value: int) -> str:
    return typed(str(value), XSD + "integer")


def boolean(value: bool) -> str:
    return typed("true" if value else "false", XSD + "boolean")


def date(value: dt.date) -> str:
    return typed(value.isoformat(), XSD + "date")


def is_iri(term: str) -> bool:
    return term.startswith("<")


def iri_value(term: str) -> str:
    """The IRI inside an N-Triples IRI term."""
    return term[1:-1]


def to_pyoxigraph(term: str):
    """An N-Triples object term as a pyoxigraph term (for the few places that need objects)."""
    if term.startswith("<"):
        return pyoxigraph.NamedNode(term[1:-1])
    return next(iter(pyoxigraph.parse(f"<urn:x:s> <urn:x:p> {term} .", format=pyoxigraph.RdfFormat.N_TRIPLES))).object


_ESCAPE = re.compile(r"\\(?:U([0-9A-Fa-f]{8})|u([0-9A-Fa-f]{4})|(.))")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match: re.Match) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _ECHAR[match.group(3)]


def literal_parts(term: str) -> tuple[str, str | None, str | None] | None:
    """(lexical form, datatype, language) of an N-Triples literal; None for an IRI."""
    if term.startswith("<"):
        return None
    end = term.rindex('"')
    lexical = term[1:end]
    if "\\" in lexical:
        lexical = _ESCAPE.sub(_unescape, lexical)
    rest = term[end + 1:]
    if rest.startswith("@"):
        return lexical, None, rest[1:]
    if rest.startswith("^^<"):
        return lexical, rest[3:-1], None
    return lexical, XSD + "string", None
