"""Read a query before running it: its form, whether it calls SERVICE, its prefixes, where it fails to parse.

The full reading parses with rdflib's SPARQL parser and inspects the parse tree,
never the text, so `SERVICE` inside a comment or a string does not count and one
written in any case or spacing does. That parser is slow to load (about half a
second), so a local query on Oxigraph takes it only when it must: when the word
SERVICE appears outside comments, strings and IRIs, when Oxigraph cannot parse the
query (rdflib's messages point at the mistake), or for --limit/--offset on a query
that may have its own. Everything else comes from cheap readings of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cubakg.errors import InputError, Location, UsageError

FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}


@dataclass(frozen=True)
class QueryShape:
    """What running the query will give: `select`, `ask`, `construct` or `describe`."""

    form: str
    calls_service: bool
    orders: bool
    prefixes: dict[str, str]

    @property
    def returns_graph(self) -> bool:
        return self.form in ("construct", "describe")


def analyse(query: str, source: str) -> QueryShape:
    """Parse `query` (read from `source`, for messages) and describe it."""
    parsed = parse(query, source)
    body = parsed[1]
    prefixes = _prologue_prefixes(parsed[0])
    _refuse_undeclared_prefixes(parsed, prefixes, query, source)
    return QueryShape(
        form=FORMS.get(body.name, "select"),
        calls_service=_contains(parsed, "ServiceGraphPattern"),
        orders="orderby" in body,  # (CompValue.get returns the key itself when it is absent)
        prefixes=prefixes,
    )


def _prologue_prefixes(prologue) -> dict[str, str]:
    """The query's PREFIX declarations, for printing its results with the same names."""
    return {
        str(declaration.get("prefix") or ""): str(declaration["iri"])
        for declaration in prologue
        if getattr(declaration, "name", "") == "PrefixDecl"
    }


def parse(query: str, source: str):
    """The rdflib parse tree; a syntax error becomes an InputError at line:column."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(query)
    except ParseException as error:
        found = (error.line or "").strip()
        raise InputError(
            f"cannot parse the SPARQL query: {error.msg}, near {found[:60]!r}",
            location=Location(source, error.lineno, error.col),
            hint="check the syntax at that line and column (SPARQL 1.1 Query)",
        ) from None
    except Exception as error:  # rdflib raises plain exceptions for e.g. unknown prefixes
        raise InputError(
            f"cannot parse the SPARQL query: {error}",
            location=Location(source),
            hint="declare every prefix you use with PREFIX, and check the syntax",
        ) from None


def _refuse_undeclared_prefixes(parsed, declared: dict[str, str], query: str, source: str) -> None:
    """A prefixed name needs its PREFIX; say which one is missing and where it is first used."""
    import re

    from cubakg.query.sparql_text import line_and_column, masked

    used = sorted(_pname_prefixes(parsed) - set(declared))
    if not used:
        return
    prefix = used[0]
    match = re.search(rf"(?<![\w.\-?$:]){re.escape(prefix)}:", masked(query))
    line, column = line_and_column(query, match.start()) if match else (None, None)
    raise InputError(
        f"the prefix `{prefix}:` is used but not declared",
        location=Location(source, line, column),
        hint=f"add `PREFIX {prefix}: <…>` at the top of the query",
    )


def _pname_prefixes(node) -> set[str]:
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set[str] = set()
    if isinstance(node, CompValue):
        if node.name == "pname":
            found.add(str(node.get("prefix") or ""))
        for child in node.values():
            found |= _pname_prefixes(child)
    elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        for child in node:
            found |= _pname_prefixes(child)
    return found


def may_call_service(query: str) -> bool:
    """False only when the query certainly has no SERVICE clause: the keyword is nowhere in its syntax.

    A `\\u` escape could spell the keyword, so a query holding one is read in full.
    """
    from cubakg.query.sparql_text import masked

    return bool(SERVICE_WORD.search(masked(query))) or "\\u" in query.lower()


SERVICE_WORD = re.compile(r"(?<![\w?$:])service(?![\w:])", re.IGNORECASE)
# The prologue: comments, BASE and PREFIX declarations, before the query form.
PROLOGUE_ITEM = re.compile(
    r"\s*(?:#[^\n]*(?:\n|$)|BASE\s*<[^>]*>|PREFIX\s+(?P<prefix>[^\s:]*):\s*<(?P<iri>[^>]*)>)", re.IGNORECASE)


def declared_prefixes(query: str) -> dict[str, str]:
    """The PREFIX declarations of the query's prologue, read without a parser: `{"ckg": "https://…#"}`."""
    prefixes: dict[str, str] = {}
    position = 0
    while match := PROLOGUE_ITEM.match(query, position):
        if match.end() == position:
            break
        if match.group("iri") is not None:
            prefixes[match.group("prefix")] = match.group("iri")
        position = match.end()
    return prefixes


def ends_with_solution_modifiers(query: str, source: str) -> bool:
    """Whether the query already ends with LIMIT, OFFSET or a trailing VALUES block."""
    from cubakg.query.sparql_text import masked

    if not re.search(r"\b(LIMIT|OFFSET|VALUES)\b", masked(query), re.IGNORECASE):
        return False
    body = parse(query, source)[1]
    return "limitoffset" in body or "valuesClause" in body


def orders(query: str) -> bool:
    """Whether the query has ORDER BY (its rows come in a stated order)."""
    return analyse(query, "<query>").orders


def refuse_service(shape: QueryShape, source: str) -> None:
    """Local queries never reach the network: a SERVICE clause needs --allow-service."""
    if shape.calls_service:
        raise UsageError(
            f"{source}: the query calls a remote endpoint with SERVICE; "
            "local queries do not reach the network",
            hint="pass --allow-service if you mean it, or run the query on an endpoint with --endpoint URL",
        )


def _contains(node, name: str) -> bool:
    """Whether the parse tree has a node called `name` anywhere (EXISTS, subqueries included)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == name:
            return True
        return any(_contains(child, name) for child in node.values())
    if isinstance(node, dict):
        return any(_contains(child, name) for child in node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_contains(child, name) for child in node)
    return False
