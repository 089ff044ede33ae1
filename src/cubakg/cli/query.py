"""`cubakg query` and `cubakg queries`: run saved or own SPARQL queries, list the saved ones."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cubakg.cli import console
from cubakg.cli.app import app

QUERY_EXAMPLES = """
Examples:

  cubakg query cq01-talks-rounds

  cubakg query entity --param entity="Carlos Fernandez de Cossio"

  cubakg query cq11 --limit 20 --offset 40

  cubakg query my-question.rq --data dist/cubakg.ttl --format csv

  echo 'SELECT * WHERE { ?s ?p ?o } LIMIT 3' | cubakg query -

  cubakg query cq05 --endpoint http://127.0.0.1:7878/query --format json

Locally a query runs on the release's on-disk store, made in the cache folder
($CUBAKG_CACHE_DIR) on first use. A value written <…> is an IRI; any other --param
value is a string literal. Endpoint credentials: CUBAKG_ENDPOINT_USER and
CUBAKG_ENDPOINT_PASSWORD (Basic or Digest), or CUBAKG_ENDPOINT_TOKEN (Bearer), or
~/.netrc. Exit codes: 0 ok (also for an empty answer), 2 usage, 3 unreadable input,
unparseable query or endpoint down, 4 internal error.
"""


@app.command(
    "query",
    help="Run a saved query (by name), a .rq file or a query on standard input (-) on the release, "
    "on --data files, or on an endpoint.\n" + QUERY_EXAMPLES,
)
def query_command(
    query: Annotated[str, typer.Argument(metavar="NAME|FILE.rq|-", help="A saved query's name (see `cubakg queries`; a unique start such as cq01 is enough), a .rq file, or - to read the query from standard input.")],
    data: Annotated[Optional[list[Path]], typer.Option("--data", metavar="FILE", help="RDF file to query instead of the release, loaded into memory (repeat for several; .trig, .ttl, .nt, .nq, .jsonld).")] = None,
    release: Annotated[Optional[Path], typer.Option("--release", metavar="DIR", help="Query the release in this folder (as `cubakg build` writes it) instead of the packaged one.")] = None,
    endpoint: Annotated[Optional[str], typer.Option("--endpoint", metavar="URL", help="URL of a SPARQL 1.1 query endpoint to send the query to.")] = None,
    param: Annotated[Optional[list[str]], typer.Option("--param", metavar="NAME=VALUE", help="Bind a variable: name=value, repeatable. <…> is an IRI, anything else a string.")] = None,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help="table, csv, tsv, json (SELECT/ASK) or turtle (CONSTRUCT/DESCRIBE).")] = "table",
    limit: Annotated[Optional[int], typer.Option("--limit", metavar="N", min=0, help="At most N rows (a table shows 100 unless given).")] = None,
    offset: Annotated[Optional[int], typer.Option("--offset", metavar="N", min=0, help="Skip the first N rows.")] = None,
    allow_service: Annotated[bool, typer.Option("--allow-service", help="Let a local query call remote endpoints with SERVICE.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", metavar="SECONDS", help="Seconds to wait for an endpoint.")] = 30.0,
    engine: Annotated[str, typer.Option("--engine", metavar="ENGINE", help="Local engine: oxigraph (default) or rdflib (a cross-check, on files in memory).")] = "oxigraph",
    width: Annotated[int, typer.Option("--width", metavar="CHARS", help="Cut table cells longer than this many characters (0: never).")] = 60,
) -> None:
    from cubakg.cli.flags import flag_words
    from cubakg.query import check_format_name, parse_parameter, run_query, run_text, write

    check_format_name(output_format)
    parameters = [parse_parameter(argument) for argument in param or []]
    where = dict(data=data or None, release=release, endpoint=endpoint, engine=engine, allow_service=allow_service,
                 timeout=timeout, limit=limit, offset=offset)
    if not data and not endpoint and engine == "oxigraph":
        from cubakg.query import default_release
        from cubakg.query.store import prepare_store

        # Made once per release; say so, since it takes seconds on a large one.
        prepare_store(release or default_release(), progress=lambda step: console.note(f"cubakg: {step}"))
    with flag_words({"endpoint": "check --endpoint URL", "timeout": "allow more time with --timeout SECONDS"}):
        if query == "-":
            answer = run_text(sys.stdin.read(), "<stdin>", parameters, **where)
        else:
            answer = run_query(query, parameters, **where)
    if output_format == "table":
        empty = show_table(answer, width, all_rows=limit is not None, offset=offset or 0)
    else:
        empty = write(answer.results, output_format, sys.stdout.buffer, answer.prefixes)
        sys.stdout.flush()
    if empty:
        console.note("no results")  # on standard error: the answer on stdout stays well-formed


def show_table(answer, cell_width: int, all_rows: bool, offset: int) -> bool:
    """Print the answer as a table (rich and fitted on a terminal, plain in a pipe); True if it was empty.

    Without --limit it shows the first rows and says how many it left out.
    """
    from cubakg.query import TABLE_ROWS, read_table
    from cubakg.query.formats import check_format

    check_format(answer.form, "table")
    table = read_table(answer.results, answer.prefixes, None if all_rows else TABLE_ROWS)
    rows = [[None if value is None else console.Cell(value.text, "iri" if value.kind == "iri" else None)
             for value in row] for row in table.rows]
    console.print_table(table.columns, rows, footer=table.footer(offset), max_cell=cell_width)
    return table.total == 0 and answer.form != "ask"


@app.command(
    "queries",
    help="List the saved queries: name, title and parameters.\n\nExample:\n\n  cubakg queries\n\n  cubakg queries --index > queries.md",
)
def queries_command(
    index: Annotated[bool, typer.Option("--index", help="Print the Markdown index (title and question of each) instead.")] = False,
) -> None:
    from cubakg.query import load_saved_queries, render_index

    saved = load_saved_queries()
    if index:
        sys.stdout.write(render_index(saved))
        return
    width = max((len(q.name) for q in saved), default=0)
    for query in saved:
        sys.stdout.write(f"{query.name.ljust(width)}  {query.title}\n")
        for parameter in query.parameters:
            needed = "" if parameter.required else " (optional)"
            sys.stdout.write(f"{'':{width}}    --param {parameter.name}=…{needed}: {parameter.description}\n")
    sys.stdout.write(f"({len(saved)} saved queries; run one with `cubakg query NAME`)\n")
