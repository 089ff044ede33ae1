"""The table's readable forms: prefixed names, and cutting long values."""

from __future__ import annotations

import pytest

from cubakg.query.formats import KNOWN_PREFIXES, cut, cut_middle, shorten


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
