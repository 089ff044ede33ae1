"""The titles of facts that have neither a summary nor a label: made from their own statements.

The seed articles' cases (tests/site_cases/titles/<article-id>.yaml) are worked out by hand
from the fact sheets and the registry, and checked on the built site's pages; a case whose
article is not in the release is skipped. The small cases below check the rules on their
own: a missing value, a qualifier, several values, and where a long text is cut.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from cubakg.site.index import SiteIndex
from cubakg.site.views import Labeller
from site_support import site_dir

CASES = Path(__file__).resolve().parent / "site_cases" / "titles"
ID = "https://w3id.org/cubakg/id/"
CKG = "https://w3id.org/cubakg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
SCHEMA_TEXT = "https://schema.org/text"
ORG_MEMBER = "http://www.w3.org/ns/org#member"


def seed_cases() -> list:
    return [pytest.param(path.stem, case["fact"], case["title"], id=f"{path.stem}/{case['fact']}")
            for path in sorted(CASES.glob("*.yaml")) for case in yaml.safe_load(path.read_text(encoding="utf-8"))]


def shown_title(page: str) -> tuple[str, str]:
    """The page's <h1 id="title"> and <title>, as a reader sees them (entities decoded)."""
    heading = re.search(r'<h1 id="title">(.*?)</h1>', page, re.S)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert heading and title, "the page has no title heading"
    return html.unescape(heading.group(1)), html.unescape(title.group(1))


@pytest.mark.parametrize(("article", "fact", "expected"), seed_cases())
def test_a_seed_fact_is_titled_from_its_statements(article: str, fact: str, expected: str):
    site = site_dir()
    if not (site / "id" / "article" / f"{article}.html").is_file():
        pytest.skip(f"article {article} is not in this release")
    page = site / "id" / "fact" / article / f"{fact}.html"
    assert page.is_file(), f"{page} is missing: the fact {fact} should be in article {article}"
    heading, title = shown_title(page.read_text(encoding="utf-8"))
    assert heading == expected
    assert title == f"{expected} · cubakg"


def named(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri if iri.startswith("http") else ID + iri)


def labelled(iri: str, label: str, predicate: str = RDFS_LABEL) -> list[ox.Quad]:
    return [ox.Quad(named(iri), named(predicate), ox.Literal(label, language="en"), named("graph/shared"))]


def fact(kind: str, *statements: tuple[str, object]) -> list[ox.Quad]:
    """The quads of fact/001_x/f: of class ckg:`kind`, with (property, IRI or literal) statements."""
    subject, graph = named("fact/001_x/f"), named("graph/001_x")
    quads = [ox.Quad(subject, named(RDF_TYPE), named(CKG + kind), graph)]
    for predicate, value in statements:
        obj = value if isinstance(value, ox.Literal) else named(value)
        quads.append(ox.Quad(subject, named(predicate), obj, graph))
    return quads


PEOPLE = labelled("person/ana", "Ana Diaz") + labelled("person/bo", "Bo Li") + labelled("event/talks", "Talks in Havana")
ROLES = labelled("concept/roles/host", "host", SKOS_PREF_LABEL) + labelled("concept/statuses/former", "former", SKOS_PREF_LABEL)
TWELVE = "one two three four five six seven eight nine ten eleven twelve"

RULES = [
    pytest.param(fact("PostHolding", (ORG_MEMBER, "person/ana"),
                      (CKG + "titleAsWritten", ox.Literal("the consul"))),
                 "Ana Diaz as “the consul”", id="post holding"),
    pytest.param(fact("PostHolding", (ORG_MEMBER, "person/ana"), (CKG + "titleAsWritten", ox.Literal("consul")),
                      (CKG + "relationStatus", "concept/statuses/former")),
                 "Ana Diaz as “consul” (former)", id="with its qualifier in brackets"),
    pytest.param(fact("PostHolding", (ORG_MEMBER, "person/ana")),
                 "Post holding: f", id="a value missing: its kind and key"),
    pytest.param(fact("Participation", (CKG + "participant", "person/bo"), (CKG + "participant", "person/ana"),
                      (CKG + "event", "event/talks"), (CKG + "role", "concept/roles/host")),
                 "Ana Diaz, Bo Li in Talks in Havana, as host", id="several values, by label"),
    pytest.param(fact("Statement", (CKG + "speaker", "person/bo"), (SCHEMA_TEXT, ox.Literal(TWELVE))),
                 f"Bo Li: “{TWELVE}”", id="a text of twelve words, whole"),
    pytest.param(fact("Statement", (CKG + "speaker", "person/bo"), (SCHEMA_TEXT, ox.Literal(TWELVE + " thirteen"))),
                 f"Bo Li: “{TWELVE}…”", id="a longer text, cut"),
    pytest.param(fact("Statement", (CKG + "speaker", "person/bo"), (SCHEMA_TEXT, ox.Literal("x")),
                      (CKG + "summary", ox.Literal("Bo Li said x.", language="en"))),
                 "Bo Li said x.", id="a summary comes first"),
    pytest.param(fact("Claim", (CKG + "speaker", "person/bo")),
                 "Claim: f", id="a kind without a pattern"),
    pytest.param(fact("CausalClaim", (CKG + "causeAsWritten", ox.Literal("the sanctions")),
                      (CKG + "heldResponsible", "person/ana"), (CKG + "effect", "event/talks")),
                 "The sanctions → Talks in Havana", id="a cause in the article's words before whom it blames"),
    pytest.param(fact("CausalClaim", (CKG + "heldResponsible", "person/ana"),
                      (CKG + "effectAsWritten", ox.Literal("fewer visas"))),
                 "Ana Diaz → fewer visas", id="only whom it blames"),
    pytest.param(fact("PolicyAnnouncement", (CKG + "announcer", "person/bo"), (CKG + "announces", "fact/001_x/f")),
                 "Bo Li announces: Policy announcement: f", id="a fact titled through itself: its key, once"),
]


@pytest.mark.parametrize(("quads", "expected"), RULES)
def test_a_fact_title_follows_the_rules(quads: list[ox.Quad], expected: str):
    index = SiteIndex.of(PEOPLE + ROLES + quads)
    assert Labeller(index, term_labels={}).label(ID + "fact/001_x/f") == expected
