"""Write query results: an aligned table for people, or a standard format for programs.

csv, tsv and json follow "SPARQL 1.1 Query Results CSV and TSV Formats" and
"SPARQL 1.1 Query Results JSON Format"; graphs (CONSTRUCT, DESCRIBE) go out as Turtle.
"""

from __future__ import annotations

import csv
import io
import json

from cubakg.errors import UsageError
from cubakg.query.results import QueryResult, Term
from cubakg.resources import NS_ID, NS_ONTOLOGY

FORMATS = ("table", "csv", "tsv", "json", "turtle")
GRAPH_FORMATS = ("table", "turtle")
DEFAULT_CELL_WIDTH = 60
ELLIPSIS = "…"
# Column name CSV/TSV give an ASK answer (the spec covers only SELECT; Jena uses the same).
ASK_COLUMN = "_askResult"

# Prefixes for printing; a query's own PREFIX declarations come first.
KNOWN_PREFIXES = {
    "ckg": NS_ONTOLOGY,
    "id": NS_ID,
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "time": "http://www.w3.org/2006/time#",
    "qb": "http://purl.org/linked-data/cube#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
}


def render(result: QueryResult, output_format: str, prefixes: dict[str, str] | None = None,
           cell_width: int = DEFAULT_CELL_WIDTH) -> str:
    """The result as text in `output_format` (one of FORMATS)."""
    names = {**KNOWN_PREFIXES, **(prefixes or {})}
    if output_format not in FORMATS:
        raise UsageError(f"unknown format {output_format!r}", hint=f"use one of: {', '.join(FORMATS)}")
    if result.returns_graph:
        if output_format not in GRAPH_FORMATS:
            raise UsageError(
                f"a {result.form.upper()} query returns a graph; --format {output_format} is for SELECT and ASK",
                hint="use --format turtle (or table)",
            )
        if output_format == "turtle":
            return graph_turtle(result, names)
        columns = ["subject", "predicate", "object"]
        rows = [dict(zip(columns, triple)) for triple in sorted(result.triples)]  # engines differ in order
        return table(columns, rows, names, cell_width)
    if output_format == "turtle":
        raise UsageError(f"--format turtle is for CONSTRUCT and DESCRIBE; this is a {result.form.upper()} query",
                         hint="use --format table, csv, tsv or json")
    if result.form == "ask":
        return _ask(result.boolean, output_format)
    writers = {"table": lambda: table(result.variables, result.rows, names, cell_width),
               "csv": lambda: results_csv(result), "tsv": lambda: results_tsv(result),
               "json": lambda: results_json(result)}
    return writers[output_format]()


def _ask(answer: bool | None, output_format: str) -> str:
    word = "true" if answer else "false"
    if output_format == "json":
        return json.dumps({"head": {}, "boolean": bool(answer)}, indent=2) + "\n"
    if output_format == "csv":
        return f"{ASK_COLUMN}\r\n{word}\r\n"
    if output_format == "tsv":
        return f"?{ASK_COLUMN}\n{word}\n"
    return f"{'yes' if answer else 'no'}\n"


# --- standard formats ----------------------------------------------------------------


def results_csv(result: QueryResult) -> str:
    """SPARQL CSV: values only (IRIs bare, literals without type or language), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(row.get(name)) for name in result.variables])
    return buffer.getvalue()


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.value


def results_tsv(result: QueryResult) -> str:
    """SPARQL TSV: `?var` header, every term in SPARQL syntax, an empty field when unbound."""
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    for row in result.rows:
        lines.append("\t".join(row[name].n3() if name in row else "" for name in result.variables))
    return "\n".join(lines) + "\n"


def results_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    bindings = [{name: _json_term(term) for name, term in row.items()} for row in result.rows]
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _json_term(term: Term) -> dict[str, str]:
    value = {"type": term.kind, "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype:
        value["datatype"] = term.datatype
    return value


def graph_turtle(result: QueryResult, prefixes: dict[str, str]) -> str:
    """The triples as Turtle, with the prefixes that make them readable."""
    import pyoxigraph as ox

    def node(term: Term):
        if term.kind == "uri":
            return ox.NamedNode(term.value)
        if term.kind == "bnode":
            return ox.BlankNode(term.value)
        if term.language:
            return ox.Literal(term.value, language=term.language)
        if term.datatype:
            return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
        return ox.Literal(term.value)

    triples = sorted(result.triples)
    used = {p: iri for p, iri in prefixes.items()
            if any(t.kind == "uri" and t.value.startswith(iri) for triple in triples for t in triple)}
    text = ox.serialize([ox.Triple(node(s), node(p), node(o)) for s, p, o in triples],
                        format=ox.RdfFormat.TURTLE, prefixes=used)
    return (text or b"").decode("utf-8")


# --- table -----------------------------------------------------------------------------


def table(columns: list[str], rows: list[dict[str, Term]], prefixes: dict[str, str],
          cell_width: int = DEFAULT_CELL_WIDTH) -> str:
    """Aligned columns, prefixed names for IRIs, long cells cut with an ellipsis, the row count last."""
    cells = [[_cell(row.get(name), prefixes, cell_width) for name in columns] for row in rows]
    widths = [max([len(name)] + [len(line[i]) for line in cells]) for i, name in enumerate(columns)]
    out = [_line(columns, widths), _line(["─" * w for w in widths], widths)]
    out.extend(_line(line, widths) for line in cells)
    count = len(rows)
    out.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(out) + "\n"


def _cell(term: Term | None, prefixes: dict[str, str], width: int) -> str:
    text = display(term, prefixes)
    # An IRI's end tells it apart from its neighbours (id:fact/000_…/cossio-not-enough): cut its middle.
    if term is not None and term.kind == "uri":
        return cut_middle(text, width)
    return cut(text, width)


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()


def display(term: Term | None, prefixes: dict[str, str]) -> str:
    """A short readable form: `id:person/joe-biden`, `Joe Biden`, `2022-04-21`."""
    if term is None:
        return ""
    if term.kind == "uri":
        return shorten(term.value, prefixes)
    if term.kind == "bnode":
        return f"_:{term.value}"
    return " ".join(term.value.split())  # line breaks would break the alignment


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
