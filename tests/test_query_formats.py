"""The table's readable forms: prefixed names, cutting long values, and fitting a terminal."""

from __future__ import annotations

import pytest

from cubakg.namespaces import PREFIXES as KNOWN_PREFIXES
from cubakg.query.formats import Cell, Table, cut, cut_middle, fitting_cap, plain_table, shorten


@pytest.mark.parametrize(
    "iri, short",
    [
        ("https://w3id.org/cubakg/id/person/joe-biden", "id:person/joe-biden"),
        ("https://w3id.org/cubakg/ontology#TalksRound", "ckg:TalksRound"),
        ("https://schema.org/Person", "schema:Person"),
        ("http://www.wikidata.org/entity/Q6279", "wd:Q6279"),
        ("http://example.org/thing", "<http://example.org/thing>"),
        ("https://schema.org/", "<https://schema.org/>"),  # a bare namespace stays whole
    ],
)
def test_iris_are_shortened_with_the_longest_known_namespace(iri, short):
    assert shorten(iri, KNOWN_PREFIXES) == short


def test_the_query_s_own_prefix_wins_when_it_is_longer():
    prefixes = {**KNOWN_PREFIXES, "person": "https://w3id.org/cubakg/id/person/"}
    assert shorten("https://w3id.org/cubakg/id/person/joe-biden", prefixes) == "person:joe-biden"


@pytest.mark.parametrize(
    "text, width, expected",
    [
        ("short", 10, "short"),
        ("exactly ten", 11, "exactly ten"),
        ("a longer sentence", 10, "a longer …"),
        ("anything", 0, "anything"),
    ],
)
def test_literals_are_cut_at_the_end(text, width, expected):
    assert cut(text, width) == expected
    assert len(cut(text, width)) == (len(text) if width == 0 else min(len(text), width))


@pytest.mark.parametrize(
    "text, width, expected",
    [
        ("id:fact/000_ee45959db7efa7ef/cossio-not-enough", 21, "id:fact/00…not-enough"),  # 10 + 1 + 10
        ("id:person/joe-biden", 40, "id:person/joe-biden"),
        ("abcdef", 2, "a…"),
    ],
)
def test_iris_are_cut_in_the_middle(text, width, expected):
    assert cut_middle(text, width) == expected


@pytest.mark.parametrize(
    "widths, room, cap",
    [
        ([10, 20, 30], 60, None),  # fits as it is
        ([10, 20, 30], 50, 20),  # the widest cut to the next: 10 + 20 + 20
        ([10, 20, 30], 40, 15),  # 10 + 15 + 15
        ([4, 50, 50], 20, 8),  # 4 + 8 + 8
        ([40, 40, 40], 10, 6),  # never below six characters, even if it still does not fit
    ],
)
def test_the_widest_columns_are_cut_to_fit(widths, room, cap):
    assert fitting_cap(widths, room) == cap


def test_a_table_fitted_to_a_terminal_keeps_every_line_within_its_width():
    table = Table(["who", "what"], [[Cell("https://w3id.org/cubakg/id/person/joe-biden" * 2, "iri"),
                                     Cell("a long literal " * 10)]], 1)
    text = plain_table(table, cell_width=60, total_width=50)
    assert all(len(line) <= 50 for line in text.splitlines())
    assert "…" in text
