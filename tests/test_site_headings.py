"""The headings over the facts and the other resources that link to a page's resource, and what
is listed under them.

The seed articles' cases (tests/site_cases/headings/<article-id>.yaml) are worked out by hand
from the fact sheets and checked on the built site's pages; a case whose article is not in
the release is skipped.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from site_support import site_dir

CASES = Path(__file__).resolve().parent / "site_cases" / "headings"
# A section of facts or links: its id, heading, count and what it lists.
SECTION = re.compile(r'<section aria-labelledby="((?:facts|links)-\d+)">\s*<h2 id="\1">(.*?) <small class="count">\((\d+)\)</small>(.*?)</section>', re.S)


def seed_cases() -> list:
    return [pytest.param(path.stem, case["page"], case["heading"], case.get("facts", []), case.get("links", []),
                         id=f"{path.stem}/{case['page']}/{case['heading']}")
            for path in sorted(CASES.glob("*.yaml")) for case in yaml.safe_load(path.read_text(encoding="utf-8"))]


def fact_sections(page: str) -> dict[str, str]:
    """Each section of facts or links: its heading, as a reader sees it, → the section's HTML."""
    return {html.unescape(heading): body for _, heading, _, body in SECTION.findall(page)}


@pytest.mark.parametrize(("article", "page", "heading", "facts", "links"), seed_cases())
def test_what_links_to_a_seed_resource_is_listed_under_a_heading_that_says_how(article, page, heading, facts, links):
    site = site_dir()
    if not (site / "id" / "article" / f"{article}.html").is_file():
        pytest.skip(f"article {article} is not in this release")
    path = site / "id" / f"{page}.html"
    assert path.is_file(), f"{path} is missing"
    sections = fact_sections(path.read_text(encoding="utf-8"))
    assert heading in sections, f"no section {heading!r} on {page}: its fact sections are {sorted(sections)}"
    listed = set(re.findall(rf'href="[^"]*fact/{article}/([^"#/]+)\.html"', sections[heading]))
    assert set(facts) <= listed, f"missing under {heading!r} on {page}: {sorted(set(facts) - listed)}"
    resources = set(re.findall(r'href="[^"]*?id/([^"#]+)\.html"', sections[heading]))
    assert set(links) <= resources, f"missing under {heading!r} on {page}: {sorted(set(links) - resources)}"


def test_the_seed_pages_need_no_fallback_heading():
    """Every kind of fact and linking property in the seeds has a heading of its own, not the
    fallback made of labels ("Causal claims with it as cause", "Linking to it as “agent”")."""
    fallbacks = {
        f"{path.relative_to(site_dir())}: {heading}"
        for path in (site_dir() / "id").rglob("*.html")
        for heading in fact_sections(path.read_text(encoding="utf-8")) if " with it as " in heading or heading.startswith("Linking to it as")
    }
    assert not fallbacks, "\n".join(sorted(fallbacks))


CONTENTS = re.compile(r'<nav class="contents" aria-labelledby="contents">(.*?)</nav>', re.S)


def test_a_page_of_three_sections_of_facts_or_links_or_more_lists_them_all_in_order_in_its_contents():
    """Long pages (a country's, an agency's) open with "On this page": every section of facts and
    of links, in the page's order, by its heading and its count, each a link to its section."""
    listed_pages = 0
    for path in (site_dir() / "id").rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        here = path.relative_to(site_dir()).as_posix()  # links are written from the site's root (<base>)
        sections = [(f"{here}#{anchor}", html.unescape(heading), count) for anchor, heading, count, _ in SECTION.findall(page)]
        contents = CONTENTS.search(page)
        if len(sections) < 3:
            assert contents is None, f"{path}: {len(sections)} sections, yet a list of contents"
            continue
        assert contents, f"{path}: {len(sections)} sections and no list of contents"
        entries = [(anchor, html.unescape(heading), count) for anchor, heading, count in
                   re.findall(r'<li><a href="([^"#]*#(?:facts|links)-\d+)">(.*?)</a> <small class="count">\((\d+)\)</small></li>', contents.group(1))]
        assert entries == sections, path
        listed_pages += 1
    assert listed_pages, "no page of the release has three sections of facts or links"


def test_the_page_of_the_united_states_lists_how_the_articles_bear_on_it():
    """Worked out from article 003's sheet: the US is blamed (a cause), the routes' destination,
    and what Cuba's statement is about."""
    page = site_dir() / "id" / "place" / "united-states.html"
    if not (site_dir() / "id" / "article" / "003_04d8b4ff46bc92ce.html").is_file():
        pytest.skip("article 003 is not in this release")
    contents = CONTENTS.search(page.read_text(encoding="utf-8"))
    assert contents, "the page of the United States has no list of contents"
    shown = html.unescape(re.sub(r"<[^>]+>", "", contents.group(1)))
    for heading in ("Claims holding it responsible", "Routes to this place", "Statements about it"):
        assert heading in shown


DRAWN_FROM = Path(__file__).resolve().parent / "site_cases" / "drawn_from"


def drawn_from_cases() -> list:
    return [pytest.param(path.stem, case["fact"], case["drawn_from"], id=f"{path.stem}/{case['fact']}")
            for path in sorted(DRAWN_FROM.glob("*.yaml")) for case in yaml.safe_load(path.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(("article", "fact", "expected"), drawn_from_cases())
def test_a_facts_page_names_the_facts_it_was_drawn_from(article, fact, expected):
    site = site_dir()
    if not (site / "id" / "article" / f"{article}.html").is_file():
        pytest.skip(f"article {article} is not in this release")
    page = (site / "id" / "fact" / article / f"{fact}.html").read_text(encoding="utf-8")
    line = re.search(r'<p class="drawn-from">(.*?)</p>', page, re.S)
    named = re.findall(rf'href="[^"]*fact/{article}/([^"#/]+)\.html"', line.group(1)) if line else []
    assert named == expected
