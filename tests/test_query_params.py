"""Parameters are bound as RDF terms and can never change what a query means.

Locally a value never enters the query text: pyoxigraph substitutes it, rdflib takes
it as an initial binding. For an endpoint it is written into a VALUES block (the
protocol has no binding). Cases are files in tests/queries/: where-clause-cases.json
(where the VALUES block goes) and hostile-params.json (values full of quotes, braces
and angle brackets that try to break out of the literal), run on both local engines
and through a real Oxigraph server.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cubakg.errors import UsageError
from cubakg.query import parse_parameter, run_query, run_text
from cubakg.query.sparql_text import bind_parameters, check_parameters, variables_in, where_clause_opening

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
def test_a_hostile_value_sent_to_an_endpoint_becomes_exactly_one_literal(value):
    from rdflib import Literal

    query = "SELECT ?match WHERE { ?match ?p ?entity }"
    parameter = parse_parameter(f"entity={value}")
    bound = bind_parameters(query, [parameter])
    blocks = _values_rows(bound)
    assert len(blocks) == 1
    (block,) = blocks
    assert [str(v) for v in block["var"]] == ["entity"]
    rows = [[Literal(term["string"]) if getattr(term, "name", "") == "literal" else term for term in row]
            for row in block["value"]]
    assert rows == [[Literal(value)]]
    # Nothing else in the query changed: the original text is still all there.
    assert bound.replace(f"\n  VALUES (?entity) {{ ({parameter.term}) }}\n", "") == query


@pytest.fixture(scope="module")
def mini_server():
    """A real Oxigraph server with mini.trig, its default graph the union (what `cubakg serve` runs)."""
    from cubakg.serve import OxigraphServer

    with OxigraphServer(files=[MINI], host="127.0.0.1", union_default_graph=True) as server:
        yield server


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_only_matches_an_entity_with_that_exact_label(value, mini_server):
    expected = {LABELS_IN_MINI[value]} if value in LABELS_IN_MINI else set()
    for where in ({"data": [MINI]}, {"data": [MINI], "engine": "rdflib"}, {"endpoint": mini_server.query_url}):
        answer = run_query("entity", [parse_parameter(f"entity={value}")], **where)
        matches = {row["match"].value for row in answer.result.rows}
        assert matches == expected, where
        assert {row["entity"].value for row in answer.result.rows} <= {value}  # the value, unchanged


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
    assert str(parse_parameter(argument).term) == term


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
        check_parameters("SELECT * WHERE { ?s ?p ?o }", [parse_parameter("speaker=x")])


@pytest.mark.parametrize("where", [{"data": [MINI]}, {"data": [MINI], "engine": "rdflib"}], ids=["oxigraph", "rdflib"])
def test_a_parameter_must_be_a_variable_the_query_returns(where):
    # Substitution (SEP-0007) keeps the value in the answer, so it binds only returned variables.
    with pytest.raises(UsageError, match=r"\?o\b"):
        run_text("SELECT ?s WHERE { ?s ?p ?o }", parameters=[parse_parameter("o=x")], **where)
    answer = run_text("SELECT ?s ?o WHERE { ?s ?p ?o }", parameters=[parse_parameter("o=000_test")], **where)
    assert {(row["s"].value, row["o"].value) for row in answer.result.rows} == {(ID + "article/000_test", "000_test")}


def test_variables_in_comments_and_strings_do_not_count():
    assert variables_in('# ?hidden\nSELECT ?s WHERE { ?s ?p "?quoted" }') == {"s", "p"}


def test_an_iri_parameter_binds_the_iri_and_the_label_form_finds_the_same_entity():
    cossio = ID + "person/carlos-fernandez-de-cossio"
    by_iri = run_query("entity", [parse_parameter(f"entity=<{cossio}>")], data=[MINI])
    by_name = run_query("entity", [parse_parameter("entity=id:person/carlos-fernandez-de-cossio")], data=[MINI])
    by_alias = run_query("entity", [parse_parameter("entity=de cossio")], data=[MINI])
    def without_entity(answer):
        return [{k: v for k, v in row.items() if k != "entity"} for row in answer.result.rows]

    assert without_entity(by_iri) == without_entity(by_name) == without_entity(by_alias)
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
