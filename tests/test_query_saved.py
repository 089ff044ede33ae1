"""The saved queries as files: headers, coverage of the competency questions, the index."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cubakg.errors import InputError, UsageError
from cubakg.query import find_saved_query, load_saved_queries, read_saved_query, render_index
from cubakg.query.analysis import analyse
from cubakg.query.sparql_text import variables_in

SAVED = load_saved_queries()
COMPETENCY_FILE = Path(__file__).resolve().parents[1] / "docs" / "competency-questions.md"
# Questions written for the two seed articles, asked of a corpus of any size: (words, for a corpus).
FOR_A_CORPUS = {10: ("in both articles", "in more than one article")}


def test_there_is_one_saved_query_per_competency_question():
    assert sorted(q.competency for q in SAVED if q.competency) == list(range(1, 14))
    for query in SAVED:
        if query.competency:
            assert query.name.startswith(f"cq{query.competency:02d}-")


def test_the_exploring_queries_are_there():
    assert {"overview", "entity", "article-facts", "timeline"} <= {q.name for q in SAVED}


@pytest.mark.parametrize("query", SAVED, ids=[q.name for q in SAVED])
def test_each_saved_query_has_a_header_parses_and_stays_local(query):
    assert query.title and query.question[-1] in "?." and query.row
    shape = analyse(query.text, str(query.path))
    assert shape.form == "select"
    assert not shape.calls_service
    assert shape.orders  # a saved query's rows come in a stated order
    assert "DISTINCT" in query.text.split("WHERE")[0]  # a triple in two article graphs must not double a row
    for parameter in query.parameters:
        assert parameter.name in variables_in(query.text)
        assert parameter.description


def test_competency_queries_ask_the_questions_of_the_competency_file():
    table = COMPETENCY_FILE.read_text(encoding="utf-8")
    questions = dict(re.findall(r"^\| (\d+) \| (.+?) \|", table, re.M))
    for query in SAVED:
        if query.competency:
            expected = questions[str(query.competency)]
            if query.competency in FOR_A_CORPUS:
                seeds_wording, corpus_wording = FOR_A_CORPUS[query.competency]
                assert seeds_wording in expected
                expected = expected.replace(seeds_wording, corpus_wording)
            assert query.question == expected


def test_a_header_without_title_names_the_file_and_line(tmp_path):
    path = tmp_path / "untitled.rq"
    path.write_text("# question: What?\n# row: a thing\nSELECT * WHERE { ?s ?p ?o } ORDER BY ?s\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_saved_query(path)
    assert str(caught.value).startswith(f"{path}:1: ")
    assert "title" in str(caught.value)


def test_header_fields_continue_on_indented_lines(tmp_path):
    path = tmp_path / "long.rq"
    path.write_text(
        "# title: A title\n"
        "# question: A question that goes on\n"
        "#   over two lines?\n"
        "# param who (optional): a person,\n"
        "#   by label\n"
        "# param where: a place\n"
        "# row: one row\n"
        "\n"
        "SELECT ?who ?where WHERE { ?who ?p ?where }\n",
        encoding="utf-8",
    )
    query = read_saved_query(path)
    assert query.question == "A question that goes on over two lines?"
    assert [(p.name, p.description, p.required) for p in query.parameters] == [
        ("who", "a person, by label", False),
        ("where", "a place", True),
    ]
    assert query.required_parameters == ["where"]


def test_a_name_can_be_shortened_to_a_unique_start():
    assert find_saved_query("cq05", SAVED).name == "cq05-migration-statistics"
    with pytest.raises(UsageError, match="several"):
        find_saved_query("cq1", SAVED)  # cq10 … cq13


def test_the_index_lists_every_query_with_title_and_question_in_name_order():
    index = render_index(SAVED)
    assert index == render_index(list(reversed(SAVED)))  # deterministic
    positions = [index.index(f"## {q.name}: {q.title}") for q in SAVED]
    assert positions == sorted(positions)
    for query in SAVED:
        assert f"[`{query.name}`]({query.name}.rq)" in index
        assert query.question in index


def test_every_ckg_term_a_saved_query_uses_is_in_the_ontology():
    import rdflib

    from cubakg.query.sparql_text import masked
    from cubakg.resources import NS_ONTOLOGY, ONTOLOGY_FILE

    ontology = rdflib.Graph().parse(ONTOLOGY_FILE)
    defined = {str(s) for s in ontology.subjects() if str(s).startswith(NS_ONTOLOGY)}
    for query in SAVED:
        body = masked(query.text)  # comments and strings do not count
        used = {NS_ONTOLOGY + local for local in re.findall(r"(?<![\w:])ckg:(\w+)", body)}
        assert used <= defined, f"{query.name}: {sorted(used - defined)}"


RELEASE_QUERIES = Path(os.environ.get("CUBAKG_RELEASE_DIR", Path(__file__).resolve().parents[1] / "dist")) / "queries"


@pytest.mark.skipif(not RELEASE_QUERIES.is_dir(), reason="no release queries (run `cubakg build`)")
def test_the_release_carries_the_saved_queries_and_their_index():
    assert sorted(p.name for p in RELEASE_QUERIES.glob("*.rq")) == sorted(q.path.name for q in SAVED)
    for query in SAVED:
        assert (RELEASE_QUERIES / query.path.name).read_text(encoding="utf-8") == query.text, query.name
    assert (RELEASE_QUERIES / "index.md").read_text(encoding="utf-8") == render_index(SAVED)
