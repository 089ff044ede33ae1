"""Checks SHACL expresses badly, run on the input only.

- undefined terms: a `ckg:` IRI the ontology does not define (`ckg:personcount`),
  with the nearest defined term suggested;
- dangling references: an `id/` IRI used as an object that no triple describes, in
  the input, the ontology or (with --with-graph) the release;
- ill-typed literals: `"abc"^^xsd:integer` and the like, wherever they are.

Each finding is a `Result` whose component and source shape name the check
(cks:UndefinedTermCheck, cks:DanglingReferenceCheck, cks:IllTypedLiteralCheck).
They are not SHACL results: reports list them beside the sh:ValidationReport.
"""

from __future__ import annotations

import difflib

import pyoxigraph

from cubakg.conformance.engine import sparql_string
from cubakg.conformance.results import VIOLATION, Result
from cubakg.conformance.terms import written
from cubakg.namespaces import XSD
from cubakg.resources import NS_ID, NS_ONTOLOGY, NS_SHAPES

UNDEFINED_TERM = NS_SHAPES + "UndefinedTermCheck"
DANGLING_REFERENCE = NS_SHAPES + "DanglingReferenceCheck"
ILL_TYPED_LITERAL = NS_SHAPES + "IllTypedLiteralCheck"
CHECKS = {UNDEFINED_TERM: "undefined-term", DANGLING_REFERENCE: "dangling-reference", ILL_TYPED_LITERAL: "ill-typed-literal"}


def finding(check: str, focus, value, path, message: str) -> Result:
    return Result(focus=written(focus), component=check, shape=pyoxigraph.NamedNode(check),
                  path=f"<{path.value}>" if path is not None else None, value=written(value),
                  severity=VIOLATION, message=message, check=CHECKS[check], path_node=path)


def local_name(iri: str) -> str:
    return iri[len(NS_ONTOLOGY):]


def nearest(term: str, defined: list[str]) -> str | None:
    """The defined term closest to a misspelt one (case differences count least)."""
    wanted = local_name(term)
    by_lower = {local_name(d).lower(): d for d in defined}
    if wanted.lower() in by_lower:
        return by_lower[wanted.lower()]
    match = difflib.get_close_matches(wanted.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[match[0]] if match else None


def run_checks(store, input_options: dict, ontology_graph: str, dataset, with_graph: bool) -> list[Result]:
    """The three checks on the input (`input_options`: the query options that read the input alone)."""
    objects = iris_as_objects(store, input_options)
    return (undefined_terms(store, input_options, ontology_graph, objects)
            + dangling_references(store, input_options, with_graph, objects)
            + ill_typed_literals(store, input_options, dataset))


def iris_as_objects(store, input_options: dict) -> list:
    """The distinct `ckg:` and `id/` IRIs the input uses as objects: one scan serves two checks."""
    # The prefixes are tested here, on each distinct IRI, not in the query on each triple (a fifth faster).
    return [row[0] for row in store.query("SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isIRI(?o)) }", **input_options)
            if row[0].value.startswith((NS_ID, NS_ONTOLOGY))]


def undefined_terms(store, input_options: dict, ontology_graph, objects: list) -> list[Result]:
    """`ckg:` IRIs used in the input (any position; `objects` from `iris_as_objects`) that the
    ontology does not define."""
    ns = sparql_string(NS_ONTOLOGY)
    defined = sorted(
        row["term"].value for row in store.query(
            f"SELECT DISTINCT ?term WHERE {{ GRAPH {ontology_graph} {{ ?term ?p ?o }} FILTER(isIRI(?term) && STRSTARTS(STR(?term), {ns})) }}")
    )
    defined_set = set(defined)
    # The distinct terms first (no grouping of every triple); then the uses of the undefined only.
    used = {term.value for term in objects if term.value.startswith(NS_ONTOLOGY)}
    used |= {row[0].value for row in store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }", **input_options)
             if row[0].value.startswith(NS_ONTOLOGY)}
    undefined = sorted(used - defined_set)
    if not undefined:
        return []
    listed = " ".join(f"<{term}>" for term in undefined)
    rows = store.query(
        f"""SELECT ?term (SAMPLE(?s) AS ?subject) (SAMPLE(?p) AS ?predicate) (COUNT(*) AS ?uses) WHERE {{
              VALUES ?term {{ {listed} }}
              {{ ?s ?p ?term }} UNION {{ ?s ?term ?o BIND(?term AS ?p) }}
            }} GROUP BY ?term""",
        **input_options,
    )
    results = []
    for row in rows:
        term = row["term"].value
        suggestion = nearest(term, defined)
        uses = int(row["uses"].value)
        message = f"ckg:{local_name(term)} is not defined by the cubakg ontology"
        message += f"; did you mean ckg:{local_name(suggestion)}?" if suggestion else "; see ontology/cubakg.ttl for the defined terms."
        if uses > 1:
            message += f" (used in {uses:,} triples)"
        results.append(finding(UNDEFINED_TERM, row["subject"], row["term"], row["predicate"], message))
    return results


def dangling_references(store, input_options: dict, with_graph: bool, objects: list) -> list[Result]:
    """Triples of the input whose `id/` object (`objects` from `iris_as_objects`) is described nowhere:
    the subject of no triple in any graph of the store (the input, the ontology, the release)."""
    described = store.quads_for_pattern
    # Each distinct object is looked up once (not once per triple naming it); then its triples.
    dangling = [term for term in objects
                if term.value.startswith(NS_ID) and next(described(term, None, None, None), None) is None]
    rows = []
    for start in range(0, len(dangling), 2000):
        listed = " ".join(str(term) for term in dangling[start:start + 2000])
        rows += store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?o {{ {listed} }} ?s ?p ?o }}", **input_options)
    where = "in the input or the published graph" if with_graph else "in the input"
    hint = ("check the IRI for a typo, or add the thing it names" if with_graph
            else "if it is defined in the published graph, add --with-graph; otherwise check the IRI for a typo or add the thing it names")
    return [finding(DANGLING_REFERENCE, row["s"], row["o"], row["p"],
                    f"{row['o'].value} points at nothing: no triple describes it {where}; {hint}.")
            for row in rows]


def ill_typed_literals(store, input_options: dict, dataset) -> list[Result]:
    """Triples whose literal's lexical form is not valid for its XSD datatype (xsd.py), as written."""
    bad = sorted(dataset.ill_formed, key=str)
    results = []
    for start in range(0, len(bad), 2000):
        listed = " ".join(dataset.terms.sparql(term) for term in bad[start:start + 2000])
        rows = store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?o {{ {listed} }} ?s ?p ?o }}", **input_options)
        results += [ill_typed(row["s"], row["p"], written(row["o"])) for row in rows]
    return results


def ill_typed(subject, predicate, literal) -> Result:
    return finding(ILL_TYPED_LITERAL, subject, literal, predicate,
                   f"\"{short(literal.value)}\" is not a valid {literal.datatype.value.replace(XSD, 'xsd:')}: "
                   "write the value in that datatype's lexical form, or change the datatype")


def short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
