"""Run a query on a SPARQL 1.1 endpoint (the Protocol's POST form), through cubakg's one HTTP client.

Results are read by pyoxigraph's parsers and turned into QueryResult by the same
code as the embedded engine's, so an answer prints and compares alike wherever it
came from.
"""

from __future__ import annotations

from cubakg.errors import RemoteError
from cubakg.http_client import EndpointClient, EndpointError, check_url
from cubakg.query.results import QueryResult

# What we ask for, by query form; pyoxigraph reads each.
SOLUTIONS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"


def run_remote(query: str, form: str, endpoint: str, timeout: float) -> QueryResult:
    """Send `query` (of `form`: select, ask, construct, describe) to `endpoint`; its answer as a QueryResult."""
    check_url(endpoint, "endpoint", "endpoint URL")
    graph_form = form in ("construct", "describe")
    with EndpointClient(timeout) as client:
        try:
            response = client.request(
                "POST", endpoint, data={"query": query},
                headers={"Accept": GRAPH_ACCEPT if graph_form else SOLUTIONS_ACCEPT},
            )
        except EndpointError as error:
            error.option = "endpoint"
            raise
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if graph_form:
        return graph_result(response.content, media_type, form, endpoint)
    return solutions_result(response.content, media_type, form, endpoint)


def graph_result(body: bytes, media_type: str, form: str, endpoint: str) -> QueryResult:
    import pyoxigraph as ox

    from cubakg.query.engines import _oxigraph_term

    syntax = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
    try:
        triples = [
            (_oxigraph_term(t.subject), _oxigraph_term(t.predicate), _oxigraph_term(t.object))
            for t in ox.parse(body, format=syntax)
        ]
    except (SyntaxError, ValueError) as error:
        raise RemoteError(f"the endpoint {endpoint} did not answer with valid {syntax.name}: {error}") from None
    return QueryResult(form, triples=triples)


def solutions_result(body: bytes, media_type: str, form: str, endpoint: str) -> QueryResult:
    import pyoxigraph as ox

    from cubakg.query.engines import _from_oxigraph

    syntax = ox.QueryResultsFormat.from_media_type(media_type) or ox.QueryResultsFormat.JSON
    try:
        result = _from_oxigraph(ox.parse_query_results(body, format=syntax), form)
    except (SyntaxError, ValueError) as error:
        not_sparql = EndpointError(
            f"the endpoint {endpoint} did not answer with SPARQL results ({media_type or 'no media type'}): "
            f"{str(error)[:200]}",
            reason="not_sparql", url=endpoint,
            hint="the URL must be the store's SPARQL query endpoint (docs/loading.md lists them)",
        )
        not_sparql.option = "endpoint"
        raise not_sparql from None
    if form == "ask" and result.form == "select":
        return ask_from_one_row(result, endpoint)
    return result


def ask_from_one_row(result: QueryResult, endpoint: str) -> QueryResult:
    """Virtuoso 7 answers ASK with a one-column table (`__ASK_RETVAL`: 1, or no row) instead of
    a boolean; read that as the boolean it means."""
    if len(result.variables) != 1 or len(result.rows) > 1:
        raise RemoteError(f"the endpoint {endpoint} answered an ASK query with a table, not a boolean")
    values = [term.value for row in result.rows for term in row.values()]
    return QueryResult("ask", boolean=bool(values) and values[0] not in ("0", "false"))
