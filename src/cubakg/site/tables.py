"""A saved query's answer as a table of links and values, for its page."""

from __future__ import annotations

import pyoxigraph as ox

from cubakg.site.views import Link, Views

MAX_ROWS = 500  # the page shows this many rows, and how many the query gives (site/answers.py keeps no more)


def result_table(result, views: Views) -> dict:
    """Columns and rows of a SELECT (or the boolean of an ASK) with IRIs as links to their pages."""
    if result.form == "ask":
        return {"boolean": result.boolean, "columns": [], "rows": [], "total": 0}
    if result.returns_graph:
        columns = ["subject", "predicate", "object"]
        rows = [[_cell(t, views) for t in triple] for triple in result.triples[:MAX_ROWS]]
        return {"boolean": None, "columns": columns, "rows": rows, "total": _total(result, result.triples)}
    rows = [[_cell(row.get(v), views) for v in result.variables] for row in result.rows[:MAX_ROWS]]
    return {"boolean": None, "columns": list(result.variables), "rows": rows, "total": _total(result, result.rows)}


def _total(result, kept: list) -> int:
    return len(kept) if result.total is None else result.total


def _cell(term, views: Views) -> Link:
    if term is None:
        return views.made(Link(""))
    if term.kind == "uri":
        return views.value(ox.NamedNode(term.value))
    if term.kind == "bnode":
        return views.made(Link(f"_:{term.value}"))
    return views.made(Link(term.value, note=term.language or ""))
