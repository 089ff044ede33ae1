"""Query parameters (`--param name=value`), and the little reading of SPARQL text they need.

Locally a parameter is never written into the query: it is handed to the engine as
an RDF term (pyoxigraph's `substitutions`, rdflib's `initBindings`), so no value can
change what the query says. The SPARQL 1.1 Protocol has no way to send a binding,
so for a remote endpoint, and only there, the term is written into the text: one
`VALUES` row placed right after the `{` that opens the WHERE clause, the term
written by pyoxigraph with N-Triples escaping. Finding that brace takes a small
lexer that skips comments, strings and IRIs, so text inside them cannot mislead it;
the same lexer tells which variables a query mentions.
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
class Parameter:
    """A `--param name=value`: the variable's name and the RDF term (a pyoxigraph NamedNode or Literal)."""

    name: str
    term: object


def parse_parameter(argument: str) -> Parameter:
    """Read `name=value`. A value written `<…>` is an IRI; anything else is a string literal."""
    import pyoxigraph as ox

    name, separator, value = argument.partition("=")
    name = name.strip().lstrip("?$")
    if not separator or not VARIABLE_NAME.match(name):
        raise UsageError(
            f"bad --param {argument!r}: expected name=value",
            hint='e.g. --param entity="Joe Biden" or --param entity=<https://w3id.org/cubakg/id/person/joe-biden>',
        )
    if value.startswith("<") and value.endswith(">") and len(value) >= 2:
        try:
            return Parameter(name, ox.NamedNode(value[1:-1]))
        except ValueError as error:
            raise UsageError(
                f"not a valid absolute IRI: {value} ({error})",
                hint='an IRI has a scheme (https:) and no spaces or any of <>"{}|^`\\, '
                     "e.g. <https://w3id.org/cubakg/id/person/joe-biden>",
            ) from None
    if UNICODE_ESCAPE.search(value):
        # A remote query carries the value as text, where SPARQL reads \u escapes even after
        # a backslash, and engines differ on it (rdflib turns "\\u0022" into a quote): such a
        # value could not be sent faithfully, so it is refused everywhere alike.
        raise UsageError(
            f"--param {name}: a value cannot contain a backslash followed by u or U",
            hint="write the character itself instead of a \\u escape",
        )
    return Parameter(name, ox.Literal(value))


def check_parameters(query: str, parameters: list[Parameter]) -> None:
    """Each parameter once, each naming a variable the query mentions."""
    names = [p.name for p in parameters]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UsageError(f"--param given more than once for: {', '.join(duplicates)}")
    if not parameters:
        return
    mentioned = variables_in(query)
    unknown = [n for n in names if n not in mentioned]
    if unknown:
        raise UsageError(
            f"the query has no variable ?{unknown[0]} to bind",
            hint=f"its variables are: {', '.join('?' + v for v in sorted(mentioned)) or 'none'}",
        )


def bind_parameters(query: str, parameters: list[Parameter]) -> str:
    """For an endpoint only: the query with one `VALUES` row binding every parameter, first in its WHERE clause."""
    if not parameters:
        return query
    insert_at = where_clause_opening(query)
    header = " ".join(f"?{p.name}" for p in parameters)
    row = " ".join(str(p.term) for p in parameters)  # N-Triples syntax, which SPARQL reads alike
    return f"{query[:insert_at]}\n  VALUES ({header}) {{ ({row}) }}\n{query[insert_at:]}"


# --- the lexer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # "brace-open", "brace-close", "word", "variable"
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
        elif char in "{}":
            found.append(Token("brace-open" if char == "{" else "brace-close", char, position))
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


# Oxigraph's SPARQL parser recurses once per bracket: a query nested a few thousand deep
# overflows its stack and kills the process (SIGSEGV), in `cubakg query`, in validation (a
# shapes graph's SPARQL) and in the server behind `cubakg serve`. So does a chain of
# operators (`?o = 1 || ?o = 2 || …`, 50,000 long), which it nests as deep as it is long.
# No real query nests a hundred deep or holds thousands of operators; past these a query
# is refused before any engine reads it.
MAX_NESTING = 100
MAX_OPERATORS = 5000
OPERATOR = re.compile(r"\|\||&&|!=|<=|>=|[|/^+*=<>-]")


def nesting(query: str) -> tuple[int, int]:
    """How deep the query's {…}, (…) and […] nest (outside comments, strings and IRIs), and the
    index where it first gets that deep.

    >>> nesting('SELECT * { ?s ?p "{{{" FILTER((1)) }')
    (3, 30)
    """
    depth = deepest = where = 0
    for index, char in enumerate(masked(query)):
        if char in "{([":
            depth += 1
            if depth > deepest:
                deepest, where = depth, index
        elif char in "})]":
            depth = max(depth - 1, 0)
    return deepest, where


def too_deep(query: str) -> tuple[str, int] | None:
    """Why an engine could not read the query without running out of stack, and where; or None."""
    depth, where = nesting(query)
    if depth > MAX_NESTING:
        return f"the query nests braces, parentheses or brackets {depth} deep; cubakg reads at most {MAX_NESTING}", where
    operators = OPERATOR.findall(masked(query))
    if len(operators) > MAX_OPERATORS:
        return (f"the query holds {len(operators)} operators (||, &&, =, +, /, …); cubakg reads at most "
                f"{MAX_OPERATORS}: an engine nests a chain of them as deep as it is long"), 0
    return None


def refuse_deep_nesting(query: str, source: str = "<query>") -> None:
    """Raise InputError (with the line and column) for a query an engine would read on too deep a stack."""
    from cubakg.errors import InputError, Location

    found = too_deep(query)
    if found:
        message, where = found
        line, column = line_and_column(query, where)
        raise InputError(message, Location(source, line, column),
                         hint="write it flatter (a list of values goes in IN ( … ) or VALUES): SPARQL engines "
                              "read nested expressions on their stack, and this one would crash them")


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
