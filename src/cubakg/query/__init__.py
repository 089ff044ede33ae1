"""Saved SPARQL queries and running them: on a release's store, on files, or on an endpoint.

    from cubakg.query import run_query, render
    answer = run_query("cq02-cuban-delegation-head")
    print(render(answer, "table"))
    for row in run_query("cq06").result.rows:   # or read the answer as rows of Terms
        print(row["valueAsWritten"].value)

An answer is read once: render it, write it, or take `.result`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cubakg.errors import InputError, Location, UsageError
from cubakg.query.analysis import analyse, declared_prefixes, ends_with_solution_modifiers, may_call_service, refuse_service
from cubakg.query.engines import ENGINES, materialize, open_files, open_release, run_oxigraph, run_rdflib
from cubakg.query.formats import FORMATS, TABLE_ROWS, check_format_name, plain_table, read_table, result_form, write
from cubakg.query.results import QueryResult, Term
from cubakg.query.saved import SavedQuery, find_saved_query, load_saved_queries, read_saved_query, render_index
from cubakg.query.sparql_text import Parameter, bind_parameters, check_parameters, parse_parameter, refuse_deep_nesting

__all__ = [
    "ENGINES", "FORMATS", "Answer", "Parameter", "QueryResult", "SavedQuery", "Term",
    "default_release", "find_saved_query", "load_query", "load_saved_queries", "parse_parameter",
    "read_saved_query", "render", "render_index", "run_query", "run_text",
]

DEFAULT_TIMEOUT_S = 30.0


@dataclass
class Answer:
    """A query's answer, read once: `results` streams (pyoxigraph's result objects); `result` reads it all."""

    results: object  # QuerySolutions, QueryBoolean, QueryTriples or a list of Triples
    prefixes: dict[str, str]  # the query's own PREFIXes, for showing IRIs
    query: str  # the text that ran

    @property
    def form(self) -> str:
        """`select`, `ask` or `construct` (a DESCRIBE's graph too)."""
        return result_form(self.results)

    @cached_property
    def result(self) -> QueryResult:
        """The whole answer as rows (or triples, or a boolean) of engine-neutral Terms."""
        return materialize(self.results)

    @cached_property
    def ordered(self) -> bool:
        """Whether the query states the order of its rows (ORDER BY)."""
        from cubakg.query.analysis import orders

        return orders(self.query)


def default_release() -> Path:
    """The release packaged with cubakg (dist/ in a checkout)."""
    from cubakg.resources import RELEASE_DIR

    return RELEASE_DIR


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


def run_query(name_or_file: str, parameters: list[Parameter] | None = None, **where) -> Answer:
    """Run a saved query (by name) or a `.rq` file; `where` as for `run_text`."""
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
    return run_text(text, source, parameters, **where)


def run_text(
    text: str,
    source: str = "<query>",
    parameters: list[Parameter] | None = None,
    *,
    data: list[Path] | None = None,
    release: Path | None = None,
    endpoint: str | None = None,
    engine: str = "oxigraph",
    allow_service: bool = False,
    timeout: float = DEFAULT_TIMEOUT_S,
    limit: int | None = None,
    offset: int | None = None,
) -> Answer:
    """Check and run SPARQL `text`.

    Locally on the release in `release` (default: the packaged one) through its
    on-disk store, or on the files in `data` loaded into memory; with `engine`
    oxigraph or rdflib. A SERVICE clause is refused unless `allow_service`. With
    `endpoint`, over the SPARQL 1.1 Protocol instead. Parameters are bound as RDF
    terms, never pasted into the text (see `sparql_text`). `limit` and `offset` page
    through the rows.
    """
    if sum(where is not None for where in (data, release, endpoint)) > 1:
        raise UsageError("give only one of --data, --release and --endpoint")
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}", hint=f"use one of: {', '.join(ENGINES)}")
    parameters = parameters or []
    refuse_deep_nesting(text, source)
    check_parameters(text, parameters)
    if limit is not None or offset is not None:
        text = with_window(text, source, limit, offset)
    bindings = {p.name: p.term for p in parameters}

    if endpoint:
        return _run_on_endpoint(text, source, parameters, endpoint, timeout)
    if engine == "rdflib":
        shape = analyse(text, source)  # rdflib parses it anyway; its messages point at mistakes
        if not allow_service:
            refuse_service(shape, source)
        results = run_rdflib(text, data or [_release_file(release or default_release())], bindings)
        prefixes = shape.prefixes
    else:
        if not allow_service and may_call_service(text):
            refuse_service(analyse(text, source), source)
        store = open_files(data) if data else open_release(release or default_release())
        results = run_oxigraph(text, store, bindings, source, explain=lambda: analyse(text, source))
        prefixes = declared_prefixes(text)
    _check_returned(parameters, results)
    return Answer(results, prefixes, text)


def _run_on_endpoint(text: str, source: str, parameters: list[Parameter], endpoint: str, timeout: float) -> Answer:
    from cubakg.query.engines import from_result
    from cubakg.query.remote import run_remote  # imported here: its HTTP client costs a tenth of a second

    shape = analyse(text, source)
    bound = bind_parameters(text, parameters)
    if bound != text:
        analyse(bound, f"{source} (with --param values)")
    result = run_remote(bound, shape.form, endpoint, timeout)
    answer = Answer(from_result(result), shape.prefixes, text)
    _check_returned(parameters, answer.results)
    answer.__dict__["result"] = result  # already whole: no need to read it again
    return answer


def _check_returned(parameters: list[Parameter], results) -> None:
    """Every engine binds parameters as Oxigraph does (SEP-0007): only variables a SELECT returns."""
    from cubakg.query.engines import unreturned_parameter

    if parameters and result_form(results) == "select":
        returned = {v.value for v in results.variables}
        missing = [p.name for p in parameters if p.name not in returned]
        if missing:
            raise unreturned_parameter(missing)


def _release_file(release: Path) -> Path:
    from cubakg.query.store import release_graphs

    graphs = release_graphs(release)
    return graphs.named or graphs.merged


def with_window(text: str, source: str, limit: int | None, offset: int | None) -> str:
    """The query with LIMIT and OFFSET appended; refused when it already ends with its own."""
    if (limit is not None and limit < 0) or (offset is not None and offset < 0):
        raise UsageError("--limit and --offset take a number of rows, 0 or more")
    if ends_with_solution_modifiers(text, source):
        raise UsageError(
            f"{source} has its own LIMIT, OFFSET or final VALUES; --limit and --offset apply to queries without them",
            hint="change the query's own LIMIT and OFFSET instead",
        )
    clauses = ([f"LIMIT {limit}"] if limit is not None else []) + ([f"OFFSET {offset}"] if offset else [])
    return f"{text.rstrip()}\n{' '.join(clauses)}\n"


def render(answer: Answer | QueryResult, output_format: str, prefixes: dict[str, str] | None = None,
           cell_width: int = 60, max_rows: int | None = None) -> str:
    """The whole answer as text in `output_format` (one of FORMATS); for large answers use `write`."""
    import io

    from cubakg.query.engines import from_result

    if isinstance(answer, QueryResult):
        answer = Answer(from_result(answer), prefixes or {}, "")
    names = {**answer.prefixes, **(prefixes or {})}
    if output_format == "table":
        from cubakg.query.formats import check_format

        check_format(answer.form, output_format)
        table = read_table(answer.results, names, max_rows)
        return plain_table(table, cell_width) + table.footer() + "\n"
    out = io.BytesIO()
    write(answer.results, output_format, out, names)
    return out.getvalue().decode("utf-8")


__all__ += ["TABLE_ROWS", "check_format_name", "plain_table", "read_table", "with_window", "write"]
