"""SHACL-SPARQL constraints (SHACL §5): sh:sparql with a sh:select query.

`$this` is pre-bound (§5.3.1) by joining the focus nodes at the start of the query's
WHERE group, so one query answers for all focus nodes; `$PATH` is replaced by the
shape's path (§5.3.2). The query sees the data as a SPARQL store holds it, numbers
and dates by value (terms.py); reported values are mapped back to the form the
data wrote where that form is unique.
"""

from __future__ import annotations

import re

import pyoxigraph

from cubakg.conformance.engine import NeedsFallback, ShapesError, pick_message, show
from cubakg.conformance.results import Result
from cubakg.conformance.shapes import TRUE, sh
from cubakg.namespaces import SH

COMPONENT = SH + "SPARQLConstraintComponent"


# Where the shapes graph may hold SPARQL that an engine runs (SHACL-SPARQL and SHACL-AF).
QUERY_PREDICATES = frozenset(SH + name for name in ("select", "ask", "construct", "update"))


def refuse_remote_queries(graph) -> None:
    """Validation never reaches the network: SPARQL in the shapes that may call SERVICE is refused.

    Checked before anything runs, for the engine and the pyshacl fallback alike (SHACL §5 lets
    a shapes graph carry any SPARQL; a SERVICE clause would make validating data a request to
    whatever endpoint the shapes name).
    """
    from cubakg.errors import InputError
    from cubakg.query.analysis import may_call_service
    from cubakg.query.sparql_text import refuse_deep_nesting

    for subject, predicate, text in graph.triples:
        if predicate.value not in QUERY_PREDICATES or type(text) is not pyoxigraph.Literal:
            continue
        refuse_deep_nesting(text.value, f"the SPARQL of {show(subject)} ({predicate.value.rsplit('#', 1)[-1]})")
        if may_call_service(text.value):
            raise InputError(
                f"the SPARQL of {show(subject)} ({predicate.value.rsplit('#', 1)[-1]}) calls a remote endpoint with "
                "SERVICE; cubakg validate never reaches the network",
                hint="remove the SERVICE clause, and validate the data it would fetch as a file of its own")


def check_sparql(graph, constraint) -> None:
    """Raise NeedsFallback for what this engine does not run."""
    select = graph.value(constraint, sh("select"))
    if select is None:
        raise NeedsFallback("a sh:sparql constraint without sh:select")
    text = select.value
    if "$shapesGraph" in text or "$currentShape" in text:
        raise NeedsFallback("$shapesGraph or $currentShape in a SPARQL constraint")
    if text.find("{") < 0:
        raise NeedsFallback("a SPARQL constraint without a WHERE clause")


def evaluate_sparql(ctx, shape, focus, constraint) -> list[Result]:
    graph = ctx.graph
    if TRUE in graph.objects(constraint, sh("deactivated")):
        return []
    check_sparql(graph, constraint)
    text = graph.value(constraint, sh("select")).value
    if shape.is_property:
        text = text.replace("$PATH", shape.path_text)
    text = rewrite_not_exists(text)
    brace = text.find("{")
    query = prefixes(graph, constraint) + text[:brace + 1] + " " + focus.pattern + " " + text[brace + 1:]
    template = pick_message(graph.objects(constraint, sh("message"))) or pick_message(shape.messages)
    ctx.queries += 1
    try:
        solutions = ctx.store.query(query, default_graph=ctx.dataset.sparql_view())
    except SyntaxError as error:  # the shape's own text: the focus pattern joined to it is well-formed
        raise ShapesError(f"the SPARQL constraint {show(constraint)} of shape {show(shape.node)} does not parse: "
                          f"{str(error).splitlines()[0][:200]}") from None
    variables = list(solutions.variables)
    results = []
    for row in solutions:
        bindings = {variable.value: row[variable] for variable in variables if row[variable] is not None}
        this = bindings.get("this")
        value = bindings.get("value")
        if value is None and not shape.is_property:
            value = this
        path = bindings.get("path")
        path = path if type(path) is pyoxigraph.NamedNode else None
        message = substitute(template, bindings) if template else f"SPARQL constraint {constraint} not met"
        results.append(Result(
            focus=this, component=COMPONENT, shape=shape.node,
            path=f"<{path.value}>" if path is not None else shape.path_text,
            value=ctx.dataset.as_written(value, this, path or shape.path), severity=shape.severity.value, message=message,
            constraint=constraint, path_node=path if path is not None else shape.path, origin=this,
        ))
    return results


def prefixes(graph, constraint) -> str:
    lines = []
    for holder in graph.objects(constraint, sh("prefixes")):
        for declaration in graph.objects(holder, sh("declare")):
            prefix = graph.value(declaration, sh("prefix"))
            namespace = graph.value(declaration, sh("namespace"))
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix.value}: <{namespace.value}>\n")
    return "".join(sorted(set(lines)))


def substitute(template: str, bindings: dict) -> str:
    """Replace {?name} and {$name} in a message with the solution's values (§5.3.3)."""

    def replace(match):
        value = bindings.get(match.group(1))
        return match.group(0) if value is None else getattr(value, "value", str(value))

    return re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", replace, template)


_NOT_EXISTS = re.compile(r"FILTER\s*NOT\s+EXISTS\s*\{", re.I)


def matching_brace(text: str, start: int) -> int:
    """Index of the } closing the { at `start`, skipping strings and comments; -1 if unbalanced."""
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
