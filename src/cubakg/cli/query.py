"""`cubakg query` and `cubakg queries`: run saved or own SPARQL queries, list the saved ones."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cubakg.cli.app import app

QUERY_EXAMPLES = """
Examples:

  cubakg query cq01-talks-rounds

  cubakg query entity --param entity="Carlos Fernandez de Cossio"

  cubakg query my-question.rq --data dist/cubakg.ttl --format csv

  cubakg query cq05 --endpoint http://127.0.0.1:7878/query --format json

A value written <…> is an IRI; any other --param value is a string literal.
Endpoint credentials: CUBAKG_ENDPOINT_USER and CUBAKG_ENDPOINT_PASSWORD (basic),
or CUBAKG_ENDPOINT_TOKEN (bearer). Exit codes: 0 ok, 2 usage, 3 unreadable
input, unparseable query or endpoint down, 4 internal error.
"""


@app.command(
    "query",
    help="Run a saved query (by name) or a .rq file on the release, on --data files, or on an endpoint.\n"
    + QUERY_EXAMPLES,
)
def query_command(
    query: Annotated[str, typer.Argument(metavar="NAME|FILE.rq", help="A saved query's name (see `cubakg queries`; a unique start such as cq01 is enough) or a .rq file.")],
    data: Annotated[Optional[list[Path]], typer.Option("--data", metavar="FILE", help="RDF file to query instead of the release (repeat for several; .trig, .ttl, .nt, .nq, .jsonld).")] = None,
    endpoint: Annotated[Optional[str], typer.Option("--endpoint", metavar="URL", help="URL of a SPARQL 1.1 query endpoint to send the query to.")] = None,
    param: Annotated[Optional[list[str]], typer.Option("--param", metavar="NAME=VALUE", help="Bind a variable: name=value, repeatable. <…> is an IRI, anything else a string.")] = None,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help="table, csv, tsv, json (SELECT/ASK) or turtle (CONSTRUCT/DESCRIBE).")] = "table",
    allow_service: Annotated[bool, typer.Option("--allow-service", help="Let a local query call remote endpoints with SERVICE.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", metavar="SECONDS", help="Seconds to wait for an endpoint.")] = 30.0,
    engine: Annotated[str, typer.Option("--engine", metavar="ENGINE", help="Local engine: oxigraph (default) or rdflib (a cross-check).")] = "oxigraph",
    width: Annotated[int, typer.Option("--width", metavar="CHARS", help="Cut table cells longer than this many characters (0: never).")] = 60,
) -> None:
    from cubakg.query import parse_parameter, render, run_query

    parameters = [parse_parameter(argument) for argument in param or []]
    answer = run_query(query, parameters, data=data or None, endpoint=endpoint, engine=engine,
                       allow_service=allow_service, timeout=timeout)
    sys.stdout.write(render(answer.result, output_format, answer.prefixes, width))
    if not answer.result.rows and not answer.result.triples and answer.result.boolean is None:
        from cubakg.cli import console

        console.note("no results")  # on standard error: the answer on stdout stays well-formed


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
