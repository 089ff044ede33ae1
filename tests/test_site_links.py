"""The site is whole: every link and rel=alternate resolves inside it, and every IRI of the graph has a page.

Judges the built site (`dist/site/`, or $CUBAKG_RELEASE_DIR/site). Sub-resources that
are described on another page (evidence spans, selectors, time descriptions, …) are
checked through the redirect table `cubakg.site.paths.REDIRECTS`: the page they are
sent to must exist and hold the fragment they are sent to.
"""

from __future__ import annotations

import pytest

from cubakg.site.paths import page_of
from site_support import ID, all_pages, graph_iris, internal_path, site_dir


def test_every_internal_link_and_alternate_resolves_to_a_file_and_fragment_in_the_site():
    site, pages = site_dir(), all_pages()
    broken = []
    for path, page in pages.items():
        for tag, attribute, value in page.links:
            target = internal_path(page.url(value))
            if target is None:
                continue
            file, fragment = target
            if not (site / file).is_file():
                broken.append(f"{path}: <{tag} {attribute}={value!r}> → {file} is not in the site")
            elif fragment and file.endswith(".html") and fragment not in pages[file].ids:
                broken.append(f"{path}: <{tag} {attribute}={value!r}> → {file} has no id {fragment!r}")
    assert not broken, f"{len(broken)} broken links, first ones:\n" + "\n".join(broken[:20])


def test_pages_load_nothing_from_elsewhere():
    for path, page in all_pages().items():
        for tag, _, value in page.links:
            if tag in ("link", "script", "img", "iframe", "source"):
                assert internal_path(page.url(value)) is not None, f"{path} loads {value} from elsewhere"


def test_every_page_has_its_data_beside_it():
    site = site_dir()
    for path, page in all_pages().items():
        if not path.startswith("id/"):
            continue
        types = {t for t, _ in page.alternates}
        assert types == {"text/turtle", "application/ld+json"}, f"{path}: rel=alternate {types}"
        for _, href in page.alternates:
            file, _ = internal_path(page.url(href))
            assert (site / file).is_file() and file.startswith(path.removesuffix(".html")), (path, href)


def test_every_iri_in_the_graph_has_a_page():
    site, pages = site_dir(), all_pages()
    iris = graph_iris()
    assert iris
    missing = []
    for iri in sorted(iris):
        target = page_of(iri)
        if target is None:
            missing.append(f"{iri}: no place in the site")
            continue
        file = target.page + ".html"
        if file not in pages:
            missing.append(f"{iri}: {file} is missing")
        elif target.fragment and target.fragment not in pages[file].ids:
            missing.append(f"{iri}: {file} has no id {target.fragment!r}")
        elif not target.fragment and not (site / (target.page + ".ttl")).is_file():
            missing.append(f"{iri}: {target.page}.ttl is missing")
    assert not missing, "\n".join(missing[:20])


def test_the_ontology_page_links_its_data():
    page = all_pages()["ontology.html"]
    assert ("text/turtle", "ontology.ttl") in page.alternates
    assert (site_dir() / "ontology.ttl").is_file()


def test_the_sitemap_lists_every_page():
    import xml.etree.ElementTree as ET

    site = site_dir()
    tree = ET.parse(site / "sitemap.xml")
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = [loc.text for loc in tree.iter(f"{namespace}loc")]
    assert len(urls) == len(set(urls))
    listed = {url.split("/", 3)[-1].split("/", 1)[-1] for url in urls}
    from cubakg.site.hosting import SITE_URL

    assert all(url.startswith(SITE_URL) for url in urls)
    assert {u[len(SITE_URL):] for u in urls} == set(all_pages())
    assert listed


@pytest.mark.parametrize("path", ["index.html", "id/person/carlos-fernandez-de-cossio.html",
                                  "id/article/003_04d8b4ff46bc92ce.html", "queries/index.html", "query.html"])
def test_pages_are_accessible_in_structure(path):
    """Language, one h1, landmarks, headings that do not skip a level, a viewport for phones."""
    page = all_pages()[path]
    text = (site_dir() / path).read_text(encoding="utf-8")
    assert page.lang == "en"
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:])), page.headings
    assert page.tags.get("main") == 1 and page.tags.get("nav", 0) >= 1 and page.tags.get("footer", 0) >= 1
    assert page.images_without_alt == 0
    assert 'name="viewport"' in text and "#main" in text  # phones; a skip link for keyboards


def test_all_pages_have_one_h1_and_a_language():
    for path, page in all_pages().items():
        if path == "ontology.html":
            continue  # the ontology documentation's own layout
        assert page.lang == "en" and page.headings.count(1) == 1, path
        assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:])), (path, page.headings)


def test_no_page_gives_one_id_to_two_elements():
    """HTML requires ids to be unique: a fragment (where a sub-resource's IRI leads) must name one place."""
    repeated = {path: page.repeated_ids for path, page in all_pages().items() if page.repeated_ids}
    assert not repeated, f"{len(repeated)} pages repeat an id, first ones: {dict(list(repeated.items())[:5])}"


def test_our_iris_in_pages_are_links_to_their_pages():
    """Every resource a page names is a link within the site (not to w3id.org, which may not be registered)."""
    for path, page in all_pages().items():
        if path == "ontology.html":
            continue  # the ontology's documentation names code lists by IRI (cubakg.ontology_doc)
        outside = [v for _, a, v in page.links if a == "href" and v.startswith(ID)]
        assert not outside, f"{path} links to {outside[:3]} instead of their pages"
