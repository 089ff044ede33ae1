"""Write query results: a table for people, or a standard format for programs.

csv, tsv and json are the W3C "SPARQL 1.1 Query Results CSV and TSV Formats" and
"SPARQL 1.1 Query Results JSON Format", written by pyoxigraph as the results are
read, so an answer of any size streams through without being held in memory.
Graphs (CONSTRUCT, DESCRIBE) go out as Turtle. The table shows at most a screenful
of rows unless told otherwise, and says how many it left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from cubakg.errors import InputError, UsageError

FORMATS = ("table", "csv", "tsv", "json", "turtle")
GRAPH_FORMATS = ("table", "turtle")
DEFAULT_CELL_WIDTH = 60
# Rows a table shows when no --limit is given: a person reads a screenful, a program reads csv.
TABLE_ROWS = 100
ELLIPSIS = "…"
# The W3C CSV and TSV formats cover SELECT only; for an ASK we write a one-column table
# named as Apache Jena names it, so that any CSV reader reads the answer.
ASK_COLUMN = "_askResult"


def check_format_name(output_format: str) -> None:
    """A usage error for a format cubakg does not write."""
    if output_format not in FORMATS:
        raise UsageError(f"unknown format {output_format!r}", hint=f"use one of: {', '.join(FORMATS)}")


def check_format(form: str, output_format: str) -> None:
    """A usage error when `output_format` cannot carry a `form` query's answer."""
    check_format_name(output_format)
    if form in ("construct", "describe") and output_format not in GRAPH_FORMATS:
        raise UsageError(
            f"a {form.upper()} query returns a graph; --format {output_format} is for SELECT and ASK",
            hint="use --format turtle (or table)",
        )
    if form in ("select", "ask") and output_format == "turtle":
        raise UsageError(f"--format turtle is for CONSTRUCT and DESCRIBE; this is a {form.upper()} query",
                         hint="use --format table, csv, tsv or json")


def result_form(results) -> str:
    """`select`, `ask` or `construct`, from a pyoxigraph results object."""
    import pyoxigraph as ox

    if isinstance(results, ox.QuerySolutions):
        return "select"
    if isinstance(results, ox.QueryBoolean):
        return "ask"
    return "construct"


# --- streaming formats -----------------------------------------------------------------------


class _Counting:
    """A binary stream that passes writes on and remembers how much was written and how it ended."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.written = 0
        self.tail = b""

    def write(self, data) -> int:
        data = bytes(data)
        self.out.write(data)
        self.written += len(data)
        self.tail = (self.tail + data)[-64:]
        return len(data)

    def flush(self) -> None:
        self.out.flush()


def write(results, output_format: str, out: BinaryIO, prefixes: dict[str, str] | None = None) -> bool:
    """Write `results` (a pyoxigraph results object) as csv, tsv, json or turtle; True if it was empty.

    SELECT answers stream: pyoxigraph reads a solution and writes it, one after the other.
    """
    import pyoxigraph as ox

    form = result_form(results)
    check_format(form, output_format)
    if form == "construct":
        triples = sorted_triples(results)
        out.write(graph_turtle(triples, prefixes or {}))
        return not triples
    fmt = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
           "json": ox.QueryResultsFormat.JSON}[output_format]
    if form == "ask":
        if output_format == "json":
            out.write(evaluate(lambda: results.serialize(format=fmt)) + b"\n")
        else:
            out.write(_ask_table(bool(results), output_format))
        return False
    counting = _Counting(out)
    names = [v.value for v in results.variables]
    evaluate(lambda: results.serialize(counting, fmt))
    if output_format == "json":
        out.write(b"\n")
        return counting.tail.endswith(b'"bindings":[]}}')
    header = ",".join(names) + "\r\n" if output_format == "csv" else "\t".join(f"?{n}" for n in names) + "\n"
    return counting.written <= len(header.encode("utf-8"))


def evaluate(reading):
    """Run `reading` (which reads results): an engine's evaluation error becomes an InputError.

    Oxigraph evaluates while results are read, so a failing SERVICE call, say, surfaces here.
    """
    try:
        return reading()
    except BrokenPipeError:
        raise  # the reader went away (`| head`): not the query's fault
    except OSError as error:
        raise InputError(f"the query failed in Oxigraph: {error}") from None


def _ask_table(answer: bool, output_format: str) -> bytes:
    word = "true" if answer else "false"
    if output_format == "csv":
        return f"{ASK_COLUMN}\r\n{word}\r\n".encode()
    return f"?{ASK_COLUMN}\n{word}\n".encode()


def sorted_triples(results) -> list:
    """A graph's triples in a fixed order (engines return them in different orders)."""
    return sorted(evaluate(lambda: list(results)), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def graph_turtle(triples: list, prefixes: dict[str, str]) -> bytes:
    """The triples as Turtle, with the prefixes that make them readable."""
    import pyoxigraph as ox

    from cubakg.namespaces import PREFIXES

    names = {**PREFIXES, **prefixes}
    iris = {term.value for triple in triples for term in (triple.subject, triple.predicate, triple.object)
            if isinstance(term, ox.NamedNode)}
    used = {p: ns for p, ns in names.items() if any(iri.startswith(ns) for iri in iris)}
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used) or b""


# --- table ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A table cell: its text and what it shows (`iri`, `literal`, `bnode`), which decides how it is cut."""

    text: str
    kind: str = "literal"

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    """The first rows of an answer, ready to show, and how many rows the answer has in all."""

    columns: list[str]
    rows: list[list[Cell | None]]
    total: int

    @property
    def left_out(self) -> int:
        return self.total - len(self.rows)

    def footer(self, offset: int = 0) -> str:
        """`(3 rows)`, or what was left out and how to see it."""
        shown = len(self.rows)
        if not self.left_out:
            return f"({shown:,} row{'' if shown == 1 else 's'})"
        return (f"({shown:,} of {self.total:,} rows shown, {self.left_out:,} left out: "
                f"see more with --offset {offset + shown} --limit N, or all with --format csv)")


def read_table(results, prefixes: dict[str, str] | None = None, max_rows: int | None = TABLE_ROWS) -> Table:
    """Read an answer for the table: at most `max_rows` rows as cells (None: all), the others only counted."""
    from cubakg.namespaces import PREFIXES

    names = {**PREFIXES, **(prefixes or {})}
    form = result_form(results)
    if form == "ask":
        return Table(["answer"], [[Cell("yes" if results else "no")]], 1)
    if form == "construct":
        columns = ["subject", "predicate", "object"]
        source = ([t.subject, t.predicate, t.object] for t in sorted_triples(results))
    else:
        columns = [v.value for v in results.variables]
        source = ([solution[name] for name in columns] for solution in results)

    def read() -> Table:
        rows: list[list[Cell | None]] = []
        total = 0
        for terms in source:
            total += 1
            if max_rows is None or len(rows) < max_rows:
                rows.append([cell(term, names) for term in terms])
        return Table(columns, rows, total)

    return evaluate(read)


def cell(term, prefixes: dict[str, str]) -> Cell | None:
    """A short readable form: `id:person/joe-biden`, `Joe Biden`, `2022-04-21`."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Cell(shorten(term.value, prefixes), "iri")
    if isinstance(term, ox.BlankNode):
        return Cell(f"_:{term.value}", "bnode")
    return Cell(" ".join(term.value.split()))  # line breaks would break the alignment


def plain_table(table: Table, cell_width: int = DEFAULT_CELL_WIDTH, total_width: int | None = None) -> str:
    """Aligned columns, a rule under the header, long cells cut with an ellipsis (IRIs in the middle).

    With `total_width` (a terminal's), the widest columns are cut further until the
    lines fit, down to a few characters a column.
    """
    texts = [[_cut(value, cell_width) for value in row] for row in table.rows]
    widths = [max([len(name)] + [len(line[i]) for line in texts]) for i, name in enumerate(table.columns)]
    if total_width:
        cap = fitting_cap(widths, total_width - 2 * (len(widths) - 1))
        if cap is not None:
            texts = [[_cut(value, min(cap, cell_width or cap)) for value in row] for row in table.rows]
            widths = [min(width, cap) for width in widths]
    header = [cut(name, width) for name, width in zip(table.columns, widths)]
    out = [_line(header, widths), _line(["─" * w for w in widths], widths)]
    out.extend(_line(line, widths) for line in texts)
    return "\n".join(out) + "\n"


MIN_COLUMN = 6


def fitting_cap(widths: list[int], room: int) -> int | None:
    """The largest column width that makes the columns fit in `room` characters (None: they fit already).

    Narrow columns keep their width; only those wider than the cap are cut, never below MIN_COLUMN.
    """
    if sum(widths) <= room:
        return None
    cap = max(widths)
    while cap > MIN_COLUMN and sum(min(width, cap) for width in widths) > room:
        cap -= 1
    return cap


def _cut(value: Cell | None, width: int) -> str:
    if value is None:
        return ""
    # An IRI's end tells it apart from its neighbours (id:fact/000_…/cossio-not-enough): cut its middle.
    return cut_middle(value.text, width) if value.kind == "iri" else cut(value.text, width)


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(text.ljust(width) for text, width in zip(cells, widths)).rstrip()


def shorten(iri: str, prefixes: dict[str, str]) -> str:
    """The IRI as prefix:local with the longest matching namespace, or <iri> when none matches."""
    best: str | None = None
    for prefix, namespace in prefixes.items():
        longer = best is None or len(namespace) > len(prefixes[best])
        if longer and iri.startswith(namespace) and len(iri) > len(namespace):
            best = prefix
    if best is None:
        return f"<{iri}>"
    return f"{best}:{iri[len(prefixes[best]):]}"


def cut(text: str, width: int) -> str:
    """`text` cut to `width` characters, the last one an ellipsis when anything was cut."""
    if width <= 0 or len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + ELLIPSIS


def cut_middle(text: str, width: int) -> str:
    """`text` cut to `width` characters by an ellipsis in the middle, keeping its start and end."""
    if width <= 0 or len(text) <= width:
        return text
    if width < 3:
        return cut(text, width)
    head = (width - 1) // 2
    tail = width - 1 - head
    return text[:head] + ELLIPSIS + text[len(text) - tail:]
