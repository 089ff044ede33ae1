"""Where a query runs: pyoxigraph (the embedded default) or rdflib (the cross-check); remote endpoints: query/remote.py.

Locally the default graph is the merge of all the data's graphs, so a query is
written once and works on the TriG release and on a plain Turtle load. Oxigraph
runs on the release's on-disk store (`store.py`) or on files loaded into memory
(`--data`); rdflib always loads files. Both give pyoxigraph result objects
(`QuerySolutions`, `QueryBoolean`, `QueryTriples` or a list of triples), which the
writers in `formats.py` read once, as a stream.
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

from cubakg import rdf_formats
from cubakg.errors import InputError, Location, UsageError
from cubakg.query.results import XSD_STRING, QueryResult, Term

ENGINES = ("oxigraph", "rdflib")


def rdf_format(path: Path):
    """The RDF syntax of a data file (a pyoxigraph RdfFormat), from its extension."""
    fmt = rdf_formats.by_path(path)
    if fmt is None:
        raise InputError(
            f"cannot tell the RDF syntax of {path} from its extension",
            location=Location(str(path)),
            hint=f"use one of: {', '.join(sorted(rdf_formats.EXTENSIONS))}",
        )
    return fmt


def check_readable(paths: list[Path]) -> None:
    for path in paths:
        if not path.is_file():
            raise InputError(f"data file not found: {path}", location=Location(str(path)),
                             hint="give an existing RDF file with --data, or build the release with `cubakg build`")


def file_keys(data: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """(path, size, modification time) of each file: the cache key for a loaded dataset."""
    check_readable(data)
    keys = []
    for path in data:
        status = path.stat()
        keys.append((str(path.resolve()), status.st_size, status.st_mtime_ns))
    return tuple(keys)


# --- pyoxigraph ------------------------------------------------------------------


def run_oxigraph(query: str, store, bindings: dict | None = None, source: str = "<query>", explain=None):
    """Start `query` on a pyoxigraph store with the parameters bound (SEP-0007 substitution).

    The answer is a pyoxigraph results object, evaluated as it is read: evaluation
    errors surface then, as OSError (see `formats.evaluate`). On a syntax error,
    `explain()` (rdflib's reading, whose messages name the mistake better) runs first.
    """
    import pyoxigraph as ox

    substitutions = {ox.Variable(name): term for name, term in (bindings or {}).items()}
    try:
        return store.query(query, substitutions=substitutions or None)
    except SyntaxError as error:
        if explain:
            explain()
        raise oxigraph_syntax_error(error, source) from None
    except RuntimeError as error:
        if "projection" in str(error):  # Oxigraph binds only variables the SELECT returns
            raise unreturned_parameter(sorted(bindings or {})) from None
        raise InputError(f"the query failed in Oxigraph: {error}") from None
    except OSError as error:
        raise InputError(f"the query failed in Oxigraph: {error}") from None


def unreturned_parameter(names: list[str]) -> UsageError:
    listed = ", ".join(f"?{name}" for name in names)
    return UsageError(
        f"a --param must name a variable the query returns; check {listed}",
        hint="list the variable after SELECT (or use SELECT *): parameters are bound by substitution, "
             "which keeps the value in the answer",
    )


def oxigraph_syntax_error(error: SyntaxError, source: str = "<query>") -> InputError:
    """Oxigraph's message, shortened, with its `error at LINE:COLUMN` as the location."""
    import re

    message = str(error).split("\n")[0]
    found = re.match(r"error at (\d+):(\d+): (.*)", message)
    if not found:
        return InputError(f"Oxigraph cannot parse the query: {message[:200]}", location=Location(source))
    line, column, what = int(found.group(1)), int(found.group(2)), found.group(3)
    return InputError(f"Oxigraph cannot parse the query: {what[:200]}", location=Location(source, line, column))


def open_files(data: list[Path]):
    """An in-memory pyoxigraph store with `data` loaded, its default graph the merge of all graphs."""
    return _load_oxigraph(*file_keys(data))


@functools.lru_cache(maxsize=4)
def _load_oxigraph(*files: tuple[str, int, int]):
    """Cached: queries never change a store, and tests query the same files many times."""
    import pyoxigraph as ox

    from cubakg.query.store import merge_into_default_graph

    store = ox.Store()
    for name, _, _ in files:
        fmt = rdf_format(Path(name))
        try:
            store.bulk_load(path=name, format=fmt)
        except SyntaxError as error:
            raise InputError(f"cannot parse the data: {error}", location=Location(name)) from None
        except OSError as error:
            raise InputError(f"cannot read the data: {error}", location=Location(name)) from None
    merge_into_default_graph(store)
    return store


def open_release(release_dir: Path):
    """The release's on-disk store, read-only, made on first use (see `store.py`)."""
    from cubakg.query.store import open_store

    return open_store(release_dir)


def oxigraph_term(term) -> Term:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        return Term.literal(term.value, term.datatype.value, term.language)
    raise InputError(f"unsupported RDF term in a result: {term!r} (RDF-star triples are not supported)")


_oxigraph_term = oxigraph_term  # the name query/remote.py uses


def _from_oxigraph(results, form: str, keep: int | None = None) -> QueryResult:
    """`materialize`, under the name query/remote.py and the site's answers use; a graph keeps `form`."""
    result = materialize(results, keep)
    if result.returns_graph and form in ("construct", "describe"):
        result.form = form
    return result


def materialize(results, keep: int | None = None) -> QueryResult:
    """A pyoxigraph results object read into engine-neutral rows or triples: all of them, or the
    first `keep`, the rest only counted (`QueryResult.total`).

    >>> materialize(store.query("SELECT ?s { ?s ?p ?o }"), keep=2).total   # doctest: +SKIP
    1581140
    """
    import pyoxigraph as ox

    if isinstance(results, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(results))
    if isinstance(results, ox.QuerySolutions):
        variables = [v.value for v in results.variables]
        rows = []
        for solution in itertools.islice(results, keep):
            row = {}
            for name in variables:
                value = solution[name]
                if value is not None:
                    row[name] = oxigraph_term(value)
            rows.append(row)
        return QueryResult("select", variables=variables, rows=rows, total=_counted(rows, results, keep))
    triples = [(oxigraph_term(t.subject), oxigraph_term(t.predicate), oxigraph_term(t.object))
               for t in itertools.islice(results, keep)]
    return QueryResult("construct", triples=triples, total=_counted(triples, results, keep))


def _counted(kept: list, rest, keep: int | None) -> int | None:
    """The answer's size where `keep` may have cut it (the rest of the iterator counted, not kept)."""
    return None if keep is None else len(kept) + sum(1 for _ in rest)


def from_result(result: QueryResult):
    """An engine-neutral result (an endpoint's) as a pyoxigraph results object, for the writers."""
    import json

    import pyoxigraph as ox

    if result.returns_graph:
        return [ox.Triple(ox_term(s), ox_term(p), ox_term(o)) for s, p, o in result.triples]
    if result.form == "ask":
        document = {"head": {}, "boolean": bool(result.boolean)}
    else:
        document = {"head": {"vars": result.variables},
                    "results": {"bindings": [{name: _json_value(term) for name, term in row.items()}
                                             for row in result.rows]}}
    return ox.parse_query_results(json.dumps(document).encode("utf-8"), ox.QueryResultsFormat.JSON)


def _json_value(term: Term) -> dict[str, str]:
    value = {"type": term.kind, "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype:
        value["datatype"] = term.datatype
    return value


def ox_term(term: Term):
    import pyoxigraph as ox

    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.language:
        return ox.Literal(term.value, language=term.language)
    if term.datatype:
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term.value)


# --- rdflib ----------------------------------------------------------------------


def run_rdflib(query: str, data: list[Path], bindings: dict | None = None):
    """Run `query` with rdflib on `data` (default graph: the union), parameters as initBindings.

    The answer goes through SPARQL JSON (or N-Triples for a graph) into pyoxigraph's
    result objects, so both engines' answers are written by the same code.
    """
    import pyoxigraph as ox

    dataset = _load_rdflib(*file_keys(data))
    try:
        answer = dataset.query(query, initBindings={name: _rdflib_term(term) for name, term in (bindings or {}).items()})
        if answer.type in ("CONSTRUCT", "DESCRIBE"):
            return list(ox.parse(answer.graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
        return ox.parse_query_results(answer.serialize(format="json"), ox.QueryResultsFormat.JSON)
    except Exception as error:  # evaluation errors surface lazily, with many types
        raise InputError(f"the query failed in rdflib: {type(error).__name__}: {error}") from None


def _rdflib_term(term):
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:  # rdflib's parsers read "x" as a literal without datatype
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


@functools.lru_cache(maxsize=4)
def _load_rdflib(*files: tuple[str, int, int]):
    """An rdflib Dataset with `files` loaded (cached: queries never change it)."""
    import rdflib
    import rdflib.plugins.sparql as rdflib_sparql

    # rdflib would fetch the IRIs named in FROM clauses from the web; local queries never do.
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    dataset = rdflib.Dataset(default_union=True)
    for name, _, _ in files:
        fmt = rdf_format(Path(name))
        try:
            if fmt == rdf_formats.RdfFormat.JSON_LD:
                # rdflib would fetch a remote @context; pyoxigraph refuses to, so it reads JSON-LD.
                dataset.parse(data=_jsonld_as_nquads(name), format="nquads")
            else:
                dataset.parse(name, format=RDFLIB_NAMES[fmt])
        except Exception as error:  # rdflib's parsers raise many exception types
            raise InputError(f"cannot parse the data: {error}", location=Location(name)) from None
    return dataset


# rdflib's parser names for the formats of rdf_formats.
RDFLIB_NAMES = {
    rdf_formats.RdfFormat.TURTLE: "turtle", rdf_formats.RdfFormat.N_TRIPLES: "nt",
    rdf_formats.RdfFormat.N_QUADS: "nquads", rdf_formats.RdfFormat.TRIG: "trig",
    rdf_formats.RdfFormat.RDF_XML: "xml",
}


def _jsonld_as_nquads(name: str) -> str:
    import pyoxigraph as ox

    quads = ox.parse(path=name, format=ox.RdfFormat.JSON_LD)
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")
