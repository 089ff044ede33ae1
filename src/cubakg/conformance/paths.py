"""SHACL property paths (§2.3.1) as SPARQL.

A path is first normalised into alternatives, each a sequence of steps that match at
least one triple; the empty sequence is the zero-length path. The zero-length part
of `sh:zeroOrMorePath` and `sh:zeroOrOnePath` is written as `BIND(?this AS ?value)`
instead of SPARQL's `*` and `?`: a SPARQL store answers a zero-length path only
for terms that occur in its graph, but SHACL's value nodes of `ex:p*` include the
focus node itself whatever it is (a literal, a node the data never mentions).

>>> from cubakg.conformance.shapes import Graph
>>> import pyoxigraph
>>> p = pyoxigraph.NamedNode("http://example.org/p")
>>> alternatives(Graph(), p)
[['<http://example.org/p>']]
"""

from __future__ import annotations

import itertools

import pyoxigraph

from cubakg.conformance.shapes import RDF_FIRST, Graph, sh


class PathError(ValueError):
    """An ill-formed sh:path (SHACL §2.3.1)."""


MAX_ALTERNATIVES = 64  # a path with more zero-length choices than this is written with SPARQL's own * and ?
# Paths are read recursively, and the SPARQL written from them is read so by Oxigraph (see
# query.sparql_text.MAX_NESTING): a path nested thousands deep, or one that contains itself,
# is refused as ill-formed rather than left to overflow a stack.
MAX_PATH_DEPTH = 50


def text(graph: Graph, path, depth: int = 0) -> str:
    """The path in SPARQL syntax with full IRIs, as results show it: `<p>`, `^<p>`, `(<a>/<b>)`, `(<p>)*`."""
    if depth > MAX_PATH_DEPTH:
        raise PathError(f"the path nests deeper than {MAX_PATH_DEPTH} levels (or contains itself); "
                        f"cubakg reads paths {MAX_PATH_DEPTH} levels deep at most")
    if type(path) is pyoxigraph.NamedNode:
        return f"<{path.value}>"
    if type(path) is not pyoxigraph.BlankNode:
        raise PathError(f"a path must be an IRI or a blank node, not {path}")
    if graph.value(path, RDF_FIRST) is not None:
        steps = graph.items(path)
        if len(steps) < 2:
            raise PathError("a sequence path needs at least two members")
        return "(" + "/".join(text(graph, step, depth + 1) for step in steps) + ")"
    inverse = graph.value(path, sh("inversePath"))
    if inverse is not None:
        inner = text(graph, inverse, depth + 1)
        return "^" + inner if type(inverse) is pyoxigraph.NamedNode else f"^({inner})"
    for name, template in (("zeroOrMorePath", "({})*"), ("oneOrMorePath", "({})+"), ("zeroOrOnePath", "({})?")):
        inner = graph.value(path, sh(name))
        if inner is not None:
            return template.format(text(graph, inner, depth + 1))
    members = graph.value(path, sh("alternativePath"))
    if members is not None:
        listed = graph.items(members)
        if len(listed) < 2:
            raise PathError("an alternative path needs at least two members")
        return "(" + "|".join(text(graph, step, depth + 1) for step in listed) + ")"
    raise PathError(f"{path} is not a SHACL property path")


def alternatives(graph: Graph, path) -> list[list[str]]:
    """The path as alternatives of step sequences (SPARQL path texts); [] is the zero-length path."""
    if type(path) is pyoxigraph.NamedNode:
        return [[f"<{path.value}>"]]
    if graph.value(path, RDF_FIRST) is not None:
        found = [[]]
        for step in graph.items(path):
            found = unique([a + b for a, b in itertools.product(found, alternatives(graph, step))])
        return found
    inverse = graph.value(path, sh("inversePath"))
    if inverse is not None:
        return [[f"^({step})" for step in reversed(alternative)] for alternative in alternatives(graph, inverse)]
    members = graph.value(path, sh("alternativePath"))
    if members is not None:
        return unique([a for member in graph.items(members) for a in alternatives(graph, member)])
    for name in ("zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
        inner = graph.value(path, sh(name))
        if inner is None:
            continue
        inner_alternatives = alternatives(graph, inner)
        non_empty = [a for a in inner_alternatives if a]
        repeated = [[f"({'|'.join(joined(a) for a in non_empty)})+"]] if non_empty else []
        if name == "zeroOrMorePath":
            return [[]] + repeated
        if name == "oneOrMorePath":
            return ([[]] if len(non_empty) < len(inner_alternatives) else []) + repeated
        return unique([[]] + inner_alternatives)
    raise PathError(f"{path} is not a SHACL property path")


def joined(steps: list[str]) -> str:
    return "/".join(f"({step})" for step in steps)


def unique(found: list[list[str]]) -> list[list[str]]:
    result, seen = [], set()
    for alternative in found:
        key = tuple(alternative)
        if key not in seen:
            seen.add(key)
            result.append(alternative)
    if len(result) > MAX_ALTERNATIVES:
        raise PathError("the path has too many zero-length choices to expand")
    return result


def values_pattern(graph: Graph, path, focus: str, this: str = "?this", value: str = "?value") -> str:
    """A SPARQL group pattern binding `value` to each value node of `this` (bound by `focus`) along `path`.

    `focus` is repeated in each branch of a union: SPARQL evaluates each branch on its own.
    """
    branches = []
    for alternative in alternatives(graph, path):
        if alternative:
            branches.append(f"{focus} {this} {joined(alternative)} {value} .")
        else:
            branches.append(f"{focus} BIND({this} AS {value})")
    if len(branches) == 1:
        return branches[0]
    return " UNION ".join("{ " + branch + " }" for branch in branches)


def exists_pattern(graph: Graph, path, this: str, value: str) -> str | None:
    """A pattern for use inside EXISTS (where `this` is already substituted); None if the path may be zero-length."""
    found = alternatives(graph, path)
    if any(not alternative for alternative in found):
        return None
    if len(found) == 1:
        return f"{this} {joined(found[0])} {value} ."
    return " UNION ".join(f"{{ {this} {joined(a)} {value} . }}" for a in found)


def may_be_empty(graph: Graph, path) -> bool:
    return any(not alternative for alternative in alternatives(graph, path))
