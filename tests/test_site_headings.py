"""The headings over the facts that link to a page's resource, and the facts listed under them.

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
SECTION = re.compile(r'<section aria-labelledby="(facts-\d+)">\s*<h2 id="\1">(.*?) <small class="count">(.*?)</section>', re.S)


def seed_cases() -> list:
    return [pytest.param(path.stem, case["page"], case["heading"], case["facts"], id=f"{path.stem}/{case['page']}/{case['heading']}")
            for path in sorted(CASES.glob("*.yaml")) for case in yaml.safe_load(path.read_text(encoding="utf-8"))]


def fact_sections(page: str) -> dict[str, str]:
    """Each fact section's heading, as a reader sees it, → the section's HTML."""
    return {html.unescape(heading): body for _, heading, body in SECTION.findall(page)}


@pytest.mark.parametrize(("article", "page", "heading", "facts"), seed_cases())
def test_a_seed_fact_is_listed_under_the_heading_that_says_how_it_bears_on_the_page(article, page, heading, facts):
    site = site_dir()
    if not (site / "id" / "article" / f"{article}.html").is_file():
        pytest.skip(f"article {article} is not in this release")
    path = site / "id" / f"{page}.html"
    assert path.is_file(), f"{path} is missing"
    sections = fact_sections(path.read_text(encoding="utf-8"))
    assert heading in sections, f"no section {heading!r} on {page}: its fact sections are {sorted(sections)}"
    listed = set(re.findall(rf'href="[^"]*fact/{article}/([^"#/]+)\.html"', sections[heading]))
    assert set(facts) <= listed, f"missing under {heading!r} on {page}: {sorted(set(facts) - listed)}"


def test_the_seed_pages_need_no_fallback_heading():
    """Every kind of fact and linking property in the seeds has a heading of its own, not the
    fallback made of labels ("Causal claims with it as cause")."""
    fallbacks = {
        f"{path.relative_to(site_dir())}: {heading}"
        for path in (site_dir() / "id").rglob("*.html")
        for heading in fact_sections(path.read_text(encoding="utf-8")) if " with it as " in heading
    }
    assert not fallbacks, "\n".join(sorted(fallbacks))
