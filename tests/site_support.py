"""Helpers for the site tests: the site under test, its pages parsed once, the release as a store."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import release_dir

SITE_ROOT_URL = "http://site.invalid/"  # pages are resolved as URLs under this root, so `../` cannot leave the site
ID = "https://w3id.org/cubakg/id/"


def site_dir() -> Path:
    site = release_dir() / "site"
    if not (site / "index.html").is_file():
        pytest.fail(f"{site} has no index.html: build the release first (python -m cubakg build)", pytrace=False)
    return site


@dataclass
class Page:
    """What the tests look at in one HTML page."""

    path: str
    base: str | None = None
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value)
    ids: set[str] = field(default_factory=set)
    repeated_ids: list[str] = field(default_factory=list)  # ids given to more than one element
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (type, href)
    headings: list[int] = field(default_factory=list)
    tags: dict[str, int] = field(default_factory=dict)
    lang: str | None = None
    images_without_alt: int = 0
    json_ld: list[str] = field(default_factory=list)

    def url(self, href: str) -> str:
        """`href` as an absolute URL, resolved against the page's <base> like a browser does."""
        page_url = urljoin(SITE_ROOT_URL, self.path)
        return urljoin(urljoin(page_url, self.base) if self.base else page_url, href)


class _Reader(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        page = self.page
        page.tags[tag] = page.tags.get(tag, 0) + 1
        if "id" in attributes:
            if attributes["id"] in page.ids:
                page.repeated_ids.append(attributes["id"])
            page.ids.add(attributes["id"])
        if tag == "html":
            page.lang = attributes.get("lang")
        if tag == "base":
            page.base = attributes.get("href")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            page.headings.append(int(tag[1]))
        if tag == "img" and not attributes.get("alt"):
            page.images_without_alt += 1
        for attribute in ("href", "src"):
            if attributes.get(attribute) is not None and tag != "base":
                page.links.append((tag, attribute, attributes[attribute]))
        if tag == "link" and attributes.get("rel") == "alternate":
            page.alternates.append((attributes.get("type", ""), attributes["href"]))
        self._in_json_ld = tag == "script" and attributes.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json_ld:
            self.page.json_ld.append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False


def read_page(site: Path, path: str) -> Page:
    page = Page(path)
    reader = _Reader(page)
    reader.feed((site / path).read_text(encoding="utf-8"))
    reader.close()
    return page


@functools.lru_cache(maxsize=1)
def all_pages() -> dict[str, Page]:
    site = site_dir()
    return {str(p.relative_to(site)): read_page(site, str(p.relative_to(site))) for p in sorted(site.rglob("*.html"))}


def internal_path(url: str) -> tuple[str, str] | None:
    """(site path, fragment) of a URL inside the site, or None for a link elsewhere."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != SITE_ROOT_URL:
        return None
    return parts.path.lstrip("/"), parts.fragment


@functools.lru_cache(maxsize=1)
def release_store():
    """The release (TriG, named graphs) and its VoID (default graph) in one pyoxigraph store."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(release_dir() / "cubakg.trig"), format=ox.RdfFormat.TRIG)
    store.bulk_load(path=str(release_dir() / "void.ttl"), format=ox.RdfFormat.TURTLE)
    return store


@functools.lru_cache(maxsize=1)
def release_dataset():
    """The release (TriG) and its VoID in one rdflib Dataset, every term as written (a pyoxigraph
    store keeps some literals by value: "1775"^^xsd:nonNegativeInteger as an xsd:integer)."""
    import rdflib
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(release_dir() / "cubakg.trig", format="trig")
    # The default graph by its id: `default_context` is deprecated, and `default_graph` is newer than rdflib 7.0.
    dataset.graph(DATASET_DEFAULT_GRAPH_ID).parse(release_dir() / "void.ttl", format="turtle")
    return dataset


def graph_iris() -> set[str]:
    """Every IRI of ours in the release and its VoID: subjects, objects and graph names."""
    import pyoxigraph as ox

    found = set()
    for quad in release_store():
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(ID):
                found.add(term.value)
    return found
