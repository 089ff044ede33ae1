"""Saved SPARQL queries and running them: on the embedded release, on files, or on an endpoint.

    from cubakg.query import run_query, render
    answer = run_query("cq02-cuban-delegation-head")
    print(render(answer.result, "table", answer.prefixes))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cubakg.errors import InputError, Location, UsageError
from cubakg.query.analysis import analyse, refuse_service
from cubakg.query.engines import ENGINES, run_oxigraph, run_rdflib
from cubakg.query.formats import FORMATS, render
from cubakg.query.remote import run_remote
from cubakg.query.results import QueryResult, Term
from cubakg.query.saved import SavedQuery, find_saved_query, load_saved_queries, read_saved_query, render_index
from cubakg.query.sparql_text import Parameter, bind_parameters, parse_parameter

__all__ = [
    "ENGINES", "FORMATS", "Answer", "Parameter", "QueryResult", "SavedQuery", "Term",
    "default_data", "find_saved_query", "load_query", "load_saved_queries", "parse_parameter",
    "read_saved_query", "render", "render_index", "run_query", "run_text",
]

DEFAULT_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Answer:
    """A query's result, with what is needed to print it."""

    result: QueryResult
    prefixes: dict[str, str]
    ordered: bool


def default_data() -> list[Path]:
    """The release graph: TriG (named graphs) if present, else Turtle."""
    from cubakg.resources import GRAPH_TRIG, GRAPH_TURTLE, RELEASE_DIR

    for name in (GRAPH_TRIG, GRAPH_TURTLE):
        if (RELEASE_DIR / name).is_file():
            return [RELEASE_DIR / name]
    raise InputError(
        f"the release graph is missing: neither {GRAPH_TRIG} nor {GRAPH_TURTLE} is in {RELEASE_DIR}",
        hint="build it with `cubakg build`, or give files with --data FILE",
    )


def load_query(name_or_file: str) -> tuple[str, str, SavedQuery | None]:
    """The query text, where it came from (for messages), and the saved query if it is one."""
    path = Path(name_or_file)
    if path.suffix.lower() in (".rq", ".sparql") or path.is_file():
        if not path.is_file():
            raise InputError(f"query file not found: {path}", location=Location(str(path)))
        try:
            return path.read_text(encoding="utf-8"), str(path), None
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read the query file: {error}", location=Location(str(path))) from None
    saved = find_saved_query(name_or_file, load_saved_queries())
    return saved.text, str(saved.path), saved


def run_query(
    name_or_file: str,
    parameters: list[Parameter] | None = None,
    data: list[Path] | None = None,
    endpoint: str | None = None,
    engine: str = "oxigraph",
    allow_service: bool = False,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> Answer:
    """Run a saved query (by name) or a `.rq` file; see `run_text`."""
    text, source, saved = load_query(name_or_file)
    if saved:
        given = {p.name for p in parameters or []}
        missing = [name for name in saved.required_parameters if name not in given]
        if missing:
            described = "; ".join(f"{p.name}: {p.description}" for p in saved.parameters if p.name in missing)
            raise UsageError(
                f"the saved query {saved.name} needs --param {missing[0]}=VALUE",
                hint=described,
            )
    return run_text(text, source, parameters, data, endpoint, engine, allow_service, timeout)


def run_text(
    text: str,
    source: str = "<query>",
    parameters: list[Parameter] | None = None,
    data: list[Path] | None = None,
    endpoint: str | None = None,
    engine: str = "oxigraph",
    allow_service: bool = False,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> Answer:
    """Parse, check and run SPARQL `text`.

    Locally (the default) on `data` or the release, with `engine`; a SERVICE
    clause is refused unless `allow_service`. With `endpoint`, over the SPARQL
    1.1 Protocol instead. Parameters are bound through VALUES, never pasted.
    """
    if endpoint and data:
        raise UsageError("give either --data or --endpoint, not both")
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}", hint=f"use one of: {', '.join(ENGINES)}")
    shape = analyse(text, source)
    if not endpoint and not allow_service:
        refuse_service(shape, source)
    bound = bind_parameters(text, parameters or [])
    if bound != text:
        analyse(bound, f"{source} (with --param values)")
    if endpoint:
        result = run_remote(bound, shape.form, endpoint, timeout)
    elif engine == "rdflib":
        result = run_rdflib(bound, shape.form, data or default_data())
    else:
        result = run_oxigraph(bound, shape.form, data or default_data())
    return Answer(result=result, prefixes=shape.prefixes, ordered=shape.orders)
