"""Parameters are bound through VALUES and can never change what a query means.

Cases are files in tests/queries/: where-clause-cases.json (where the VALUES
block goes) and hostile-params.json (values full of quotes, braces and angle
brackets that try to break out of the literal).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cubakg.errors import UsageError
from cubakg.query import parse_parameter, run_query
from cubakg.query.sparql_text import bind_parameters, string_literal, variables_in, where_clause_opening

CASES = Path(__file__).parent / "queries"
MINI = CASES / "mini.trig"
ID = "https://w3id.org/cubakg/id/"

WHERE_CASES = json.loads((CASES / "where-clause-cases.json").read_text(encoding="utf-8"))
HOSTILE = json.loads((CASES / "hostile-params.json").read_text(encoding="utf-8"))

# The only hostile values that are real labels in mini.trig, and whose entity they name.
LABELS_IN_MINI = {
    'Say "hi" } <x> {': ID + "person/quoted-name",
    "back\\slash and 'single' quotes": ID + "person/backslash-name",
}


@pytest.mark.parametrize("case", WHERE_CASES, ids=[c["why"] for c in WHERE_CASES])
def test_values_go_right_after_the_where_brace(case):
    assert where_clause_opening(case["query"]) == len(case["opens_after"])


def test_a_query_without_where_clause_cannot_take_parameters():
    with pytest.raises(UsageError):
        where_clause_opening("DESCRIBE <http://example.org/x>")


def _values_rows(query: str) -> list[dict]:
    """The data of every VALUES block in the parsed query (rdflib's parse tree)."""
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    found = []

    def walk(node):
        if isinstance(node, CompValue):
            if node.name == "InlineData":
                found.append(node)
            for child in node.values():
                walk(child)
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            for child in node:
                walk(child)

    walk(parseQuery(query))
    return found


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_becomes_exactly_one_literal(value):
    from rdflib import Literal

    query = "SELECT ?match WHERE { ?match ?p ?entity }"
    bound = bind_parameters(query, [parse_parameter(f"entity={value}")])
    blocks = _values_rows(bound)
    assert len(blocks) == 1
    (block,) = blocks
    assert [str(v) for v in block["var"]] == ["entity"]
    rows = [[Literal(term["string"]) if getattr(term, "name", "") == "literal" else term for term in row]
            for row in block["value"]]
    assert rows == [[Literal(value)]]
    # Nothing else in the query changed: the original text is still all there.
    assert bound.replace(f"\n  VALUES (?entity) {{ ({string_literal(value)}) }}\n", "") == query


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_only_matches_an_entity_with_that_exact_label(value):
    for engine in ("oxigraph", "rdflib"):
        answer = run_query("entity", [parse_parameter(f"entity={value}")], data=[MINI], engine=engine)
        matches = {row["match"].value for row in answer.result.rows}
        expected = {LABELS_IN_MINI[value]} if value in LABELS_IN_MINI else set()
        assert matches == expected, engine


@pytest.mark.parametrize(
    "argument, term",
    [
        ("entity=Joe Biden", '"Joe Biden"'),
        ('entity=say "hi"', '"say \\"hi\\""'),
        ("entity=a\\b", '"a\\\\b"'),
        ("entity=two\nlines", '"two\\nlines"'),
        ("entity=<https://w3id.org/cubakg/id/person/joe-biden>", "<https://w3id.org/cubakg/id/person/joe-biden>"),
        ("?entity=x", '"x"'),
        ("entity=a=b", '"a=b"'),
    ],
)
def test_parameter_values_are_written_as_sparql_terms(argument, term):
    assert parse_parameter(argument).term == term


@pytest.mark.parametrize(
    "argument",
    [
        "entity",  # no value
        "=x",  # no name
        "bad name=x",
        "entity=<https://example.org/a b>",  # space in an IRI
        "entity=<https://example.org/a>b>",
        "entity=<https://example.org/{x}>",
        "entity=<not-absolute>",
        "entity=\\u0022 } #",  # engines disagree on \u escapes after a backslash
        "entity=a\\U0001F600",
    ],
)
def test_malformed_parameters_are_usage_errors(argument):
    with pytest.raises(UsageError):
        parse_parameter(argument)


def test_a_parameter_the_query_does_not_mention_is_refused():
    with pytest.raises(UsageError, match=r"\?speaker"):
        bind_parameters("SELECT * WHERE { ?s ?p ?o }", [parse_parameter("speaker=x")])


def test_variables_in_comments_and_strings_do_not_count():
    assert variables_in('# ?hidden\nSELECT ?s WHERE { ?s ?p "?quoted" }') == {"s", "p"}


def test_an_iri_parameter_binds_the_iri_and_the_label_form_finds_the_same_entity():
    cossio = ID + "person/carlos-fernandez-de-cossio"
    by_iri = run_query("entity", [parse_parameter(f"entity=<{cossio}>")], data=[MINI])
    by_name = run_query("entity", [parse_parameter("entity=id:person/carlos-fernandez-de-cossio")], data=[MINI])
    by_alias = run_query("entity", [parse_parameter("entity=de cossio")], data=[MINI])
    assert by_iri.result.rows == by_name.result.rows == by_alias.result.rows
    # What mini.trig says about him, written out by hand: 2 labels, a type, 2 mentions.
    triples = {(r["direction"].value, r["property"].value, r["value"].value) for r in by_iri.result.rows}
    assert triples == {
        ("out", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://schema.org/Person"),
        ("out", "http://www.w3.org/2000/01/rdf-schema#label", "Carlos Fernandez de Cossio"),
        ("out", "http://www.w3.org/2004/02/skos/core#altLabel", "De Cossio"),
        ("in", "https://schema.org/mentions", ID + "article/000_test"),
        ("in", "https://schema.org/mentions", ID + "article/003_test"),
    }


def test_a_saved_query_without_its_required_parameter_is_a_usage_error():
    with pytest.raises(UsageError, match="--param entity"):
        run_query("entity", [], data=[MINI])
