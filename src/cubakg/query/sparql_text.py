"""Safe edits to SPARQL text: RDF terms written with escaping, and parameters bound by VALUES.

A parameter value is never pasted into the query. It becomes one RDF term, written
with SPARQL's escaping rules, inside a `VALUES` block that is inserted right after
the `{` that opens the query's WHERE clause. Finding that brace needs a small
lexer that skips comments, strings and IRIs, so text inside them cannot mislead it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cubakg.errors import UsageError

# IRIREF from the SPARQL 1.1 grammar: no spaces, no <>"{}|^`\ inside.
IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
VARIABLE = re.compile(r"[?$]([A-Za-z_0-9\u00B7\u00C0-\uFFFF]+)")
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z_0-9]*$")
LONG_STRING = re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"", re.S)
SHORT_STRING = re.compile(r"'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\"")
WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
UNICODE_ESCAPE = re.compile(r"\\[uU]")


@dataclass(frozen=True)
class Token:
    kind: str  # "brace-open", "brace-close", "word", "variable", "other"
    text: str
    start: int


def tokens(query: str) -> list[Token]:
    """The tokens that matter for finding clauses; comments, strings and IRIs are skipped."""
    found: list[Token] = []
    position = 0
    length = len(query)
    while position < length:
        char = query[position]
        if char.isspace():
            position += 1
        elif char == "#":
            newline = query.find("\n", position)
            position = length if newline < 0 else newline + 1
        elif char in "'\"":
            match = LONG_STRING.match(query, position) or SHORT_STRING.match(query, position)
            position = match.end() if match else length
        elif char == "<" and (match := IRIREF.match(query, position)):
            position = match.end()
        elif char in "?$" and (match := VARIABLE.match(query, position)):
            found.append(Token("variable", match.group(1), position))
            position = match.end()
        elif char == "{":
            found.append(Token("brace-open", char, position))
            position += 1
        elif char == "}":
            found.append(Token("brace-close", char, position))
            position += 1
        elif match := WORD.match(query, position):
            found.append(Token("word", match.group(0), position))
            position = match.end()
        else:
            position += 1
    return found


def masked(query: str) -> str:
    """The query with comments, strings and IRIs blanked (same length), for searching its syntax."""
    characters = list(query)
    position = 0
    length = len(query)
    while position < length:
        char = query[position]
        end = position + 1
        if char == "#":
            newline = query.find("\n", position)
            end = length if newline < 0 else newline
        elif char in "'\"":
            match = LONG_STRING.match(query, position) or SHORT_STRING.match(query, position)
            end = match.end() if match else length
        elif char == "<" and (match := IRIREF.match(query, position)):
            end = match.end()
        else:
            position = end
            continue
        for index in range(position, end):
            if characters[index] != "\n":
                characters[index] = " "
        position = end
    return "".join(characters)


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def variables_in(query: str) -> set[str]:
    """Names of the variables the query mentions (outside comments, strings and IRIs)."""
    return {token.text for token in tokens(query) if token.kind == "variable"}


def where_clause_opening(query: str) -> int:
    """The index just after the `{` that opens the query's WHERE clause.

    The first `{` outside comments, strings and IRIs opens it, except in a
    CONSTRUCT with a template, whose first balanced `{…}` is the template.
    """
    found = tokens(query)
    braces = [i for i, token in enumerate(found) if token.kind == "brace-open"]
    if not braces:
        raise UsageError("the query has no WHERE clause `{ … }` to bind parameters in")
    first = braces[0]
    forms = [t.text.upper() for t in found[:first] if t.kind == "word"]
    constructs_with_template = bool(forms) and forms[-1] == "CONSTRUCT"
    if not constructs_with_template:
        return found[first].start + 1
    depth = 0
    for token in found[first:]:
        if token.kind == "brace-open":
            depth += 1
        elif token.kind == "brace-close":
            depth -= 1
            if depth == 0:
                after = [t for t in found if t.start > token.start and t.kind == "brace-open"]
                if after:
                    return after[0].start + 1
                break
    raise UsageError("the CONSTRUCT query has no WHERE clause `{ … }` to bind parameters in")


# --- RDF terms -----------------------------------------------------------------

_STRING_ESCAPES = {
    "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f",
}


def string_literal(value: str) -> str:
    """A SPARQL string literal for any text; quotes, backslashes and line breaks escaped."""
    return '"' + "".join(_STRING_ESCAPES.get(char, char) for char in value) + '"'


def iri_term(iri: str) -> str:
    """A SPARQL IRI term; refuses characters an IRI cannot hold rather than escaping them."""
    if not IRIREF.fullmatch(f"<{iri}>"):
        raise UsageError(
            f"not a valid IRI: <{iri}>",
            hint="an IRI cannot contain spaces or any of <>\"{}|^`\\",
        )
    if ":" not in iri:
        raise UsageError(f"not an absolute IRI: <{iri}>", hint="write the full IRI, e.g. <https://w3id.org/cubakg/id/person/joe-biden>")
    return f"<{iri}>"


@dataclass(frozen=True)
class Parameter:
    """A `--param name=value`: the variable name and the term written as SPARQL."""

    name: str
    term: str


def parse_parameter(argument: str) -> Parameter:
    """Read `name=value`. A value written `<…>` is an IRI; anything else is a string literal."""
    name, separator, value = argument.partition("=")
    name = name.strip().lstrip("?$")
    if not separator or not VARIABLE_NAME.match(name):
        raise UsageError(
            f"bad --param {argument!r}: expected name=value",
            hint='e.g. --param entity="Joe Biden" or --param entity=<https://w3id.org/cubakg/id/person/joe-biden>',
        )
    if value.startswith("<") and value.endswith(">") and len(value) >= 2:
        return Parameter(name, iri_term(value[1:-1]))
    if UNICODE_ESCAPE.search(value):
        # SPARQL reads \u escapes even in escaped text, and engines differ on it (rdflib
        # turns "\\u0022" into a quote), so such a value could not be bound faithfully.
        raise UsageError(
            f"--param {name}: a value cannot contain a backslash followed by u or U",
            hint="write the character itself instead of a \\u escape",
        )
    return Parameter(name, string_literal(value))


def bind_parameters(query: str, parameters: list[Parameter]) -> str:
    """The query with one `VALUES` row binding every parameter, first thing in its WHERE clause."""
    if not parameters:
        return query
    names = [p.name for p in parameters]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UsageError(f"--param given more than once for: {', '.join(duplicates)}")
    mentioned = variables_in(query)
    unknown = [n for n in names if n not in mentioned]
    if unknown:
        raise UsageError(
            f"the query has no variable ?{unknown[0]} to bind",
            hint=f"its variables are: {', '.join('?' + v for v in sorted(mentioned)) or 'none'}",
        )
    insert_at = where_clause_opening(query)
    header = " ".join(f"?{p.name}" for p in parameters)
    row = " ".join(p.term for p in parameters)
    values = f"\n  VALUES ({header}) {{ ({row}) }}\n"
    return query[:insert_at] + values + query[insert_at:]
