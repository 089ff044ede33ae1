"""Where a query runs: pyoxigraph (the embedded default) or rdflib (the cross-check); remote endpoints: query/remote.py.

Local engines load the given files and query the union of all their named graphs,
so a query is written once and works on the TriG release and on a plain Turtle load.
"""

from __future__ import annotations

import functools
from pathlib import Path

from cubakg.errors import InputError, Location
from cubakg.query.results import QueryResult, Term

ENGINES = ("oxigraph", "rdflib")

# File extension → (pyoxigraph RdfFormat name, rdflib format name).
RDF_FORMATS = {
    ".trig": ("TRIG", "trig"),
    ".ttl": ("TURTLE", "turtle"),
    ".nt": ("N_TRIPLES", "nt"),
    ".nq": ("N_QUADS", "nquads"),
    ".jsonld": ("JSON_LD", "json-ld"),
    ".rdf": ("RDF_XML", "xml"),
    ".owl": ("RDF_XML", "xml"),
}


def rdf_format(path: Path) -> tuple[str, str]:
    """The RDF syntax of a data file, from its extension."""
    try:
        return RDF_FORMATS[path.suffix.lower()]
    except KeyError:
        raise InputError(
            f"cannot tell the RDF syntax of {path} from its extension",
            location=Location(str(path)),
            hint=f"use one of: {', '.join(sorted(RDF_FORMATS))}",
        ) from None


def check_readable(paths: list[Path]) -> None:
    for path in paths:
        if not path.is_file():
            raise InputError(f"data file not found: {path}", location=Location(str(path)),
                             hint="give an existing RDF file with --data, or build the release with `cubakg build`")


# --- pyoxigraph ------------------------------------------------------------------


def run_oxigraph(query: str, form: str, data: list[Path]) -> QueryResult:
    """Run `query` with pyoxigraph on `data`, whose default graph is the merge of all its graphs."""
    store = load_oxigraph(*_file_keys(data))
    try:
        # Results stream: evaluation errors (a failing SERVICE, say) surface while reading them.
        return _from_oxigraph(store.query(query), form)
    except SyntaxError as error:
        raise _oxigraph_syntax_error(error) from None
    except OSError as error:
        raise InputError(f"the query failed in Oxigraph: {error}") from None


def _oxigraph_syntax_error(error: SyntaxError) -> InputError:
    """Oxigraph's message, shortened, with its `error at LINE:COLUMN` as the location."""
    import re

    message = str(error).split("\n")[0]
    found = re.match(r"error at (\d+):(\d+): (.*)", message)
    if not found:
        return InputError(f"Oxigraph cannot parse the query: {message[:200]}")
    line, column, what = int(found.group(1)), int(found.group(2)), found.group(3)
    return InputError(f"Oxigraph cannot parse the query: {what[:200]}", location=Location("<query>", line, column))


def _file_keys(data: list[Path]) -> tuple[tuple[str, float], ...]:
    """(path, modification time) of each file: the cache key for a loaded dataset."""
    check_readable(data)
    return tuple((str(path.resolve()), path.stat().st_mtime) for path in data)


@functools.lru_cache(maxsize=4)
def load_oxigraph(*files: tuple[str, float]):
    """An in-memory pyoxigraph store with `files` loaded (cached: queries never change it)."""
    import pyoxigraph as ox

    store = ox.Store()
    for name, _ in files:
        syntax, _ = rdf_format(Path(name))
        try:
            store.bulk_load(path=name, format=getattr(ox.RdfFormat, syntax))
        except SyntaxError as error:
            raise InputError(f"cannot parse the data: {error}", location=Location(name)) from None
        except OSError as error:
            raise InputError(f"cannot read the data: {error}", location=Location(name)) from None
    merge_into_default_graph(store)
    return store


def merge_into_default_graph(store) -> None:
    """Make the default graph the RDF merge (a set) of all graphs.

    Oxigraph's `use_default_graph_as_union` gives a multiset: a triple stated in
    two article graphs comes back twice. The merge gives the answers rdflib and a
    plain Turtle load give; GRAPH patterns still see every named graph.
    """
    import pyoxigraph as ox

    default = ox.DefaultGraph()
    store.extend([
        ox.Quad(quad.subject, quad.predicate, quad.object, default)
        for quad in store.quads_for_pattern(None, None, None)
        if quad.graph_name != default
    ])


def _oxigraph_term(term) -> Term:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        return Term.literal(term.value, term.datatype.value, term.language)
    raise InputError(f"unsupported RDF term in a result: {term!r} (RDF-star triples are not supported)")


def _from_oxigraph(answer, form: str) -> QueryResult:
    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        triples = [(_oxigraph_term(t.subject), _oxigraph_term(t.predicate), _oxigraph_term(t.object)) for t in answer]
        return QueryResult(form, triples=triples)
    variables = [v.value for v in answer.variables]
    rows = []
    for solution in answer:
        row = {}
        for name in variables:
            value = solution[name]
            if value is not None:
                row[name] = _oxigraph_term(value)
        rows.append(row)
    return QueryResult("select", variables=variables, rows=rows)


# --- rdflib ----------------------------------------------------------------------


def run_rdflib(query: str, form: str, data: list[Path]) -> QueryResult:
    """Run `query` with rdflib on `data`, in a Dataset whose default graph is the union."""
    dataset = load_rdflib(*_file_keys(data))
    try:
        answer = dataset.query(query)
        return _from_rdflib(answer, form)
    except Exception as error:  # evaluation errors surface lazily, with many types
        raise InputError(f"the query failed in rdflib: {type(error).__name__}: {error}") from None


@functools.lru_cache(maxsize=4)
def load_rdflib(*files: tuple[str, float]):
    """An rdflib Dataset with `files` loaded (cached: queries never change it)."""
    import rdflib
    import rdflib.plugins.sparql as rdflib_sparql

    # rdflib would fetch the IRIs named in FROM clauses from the web; local queries never do.
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    dataset = rdflib.Dataset(default_union=True)
    for name, _ in files:
        _, syntax = rdf_format(Path(name))
        try:
            if syntax == "json-ld":
                # rdflib would fetch a remote @context; pyoxigraph refuses to, so it reads JSON-LD.
                dataset.parse(data=_jsonld_as_nquads(name), format="nquads")
            else:
                dataset.parse(name, format=syntax)
        except Exception as error:  # rdflib's parsers raise many exception types
            raise InputError(f"cannot parse the data: {error}", location=Location(name)) from None
    return dataset


def _jsonld_as_nquads(name: str) -> str:
    import pyoxigraph as ox

    quads = ox.parse(path=name, format=ox.RdfFormat.JSON_LD)
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")


def _rdflib_term(term) -> Term:
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return Term("uri", str(term))
    if isinstance(term, rdflib.BNode):
        return Term("bnode", str(term))
    datatype = str(term.datatype) if term.datatype else None
    return Term.literal(str(term), datatype, term.language)


def _from_rdflib(answer, form: str) -> QueryResult:
    if answer.type == "ASK":
        return QueryResult("ask", boolean=bool(answer.askAnswer))
    if answer.type in ("CONSTRUCT", "DESCRIBE"):
        triples = [tuple(_rdflib_term(t) for t in triple) for triple in answer.graph]
        return QueryResult(form, triples=triples)
    variables = [str(v) for v in answer.vars]
    rows = []
    for binding in answer.bindings:
        rows.append({str(name): _rdflib_term(value) for name, value in binding.items() if value is not None})
    return QueryResult("select", variables=variables, rows=rows)
