"""Where each IRI lives in the site, and the redirects for IRIs described on another page.

Every IRI under `id/` resolves. Most have a page of their own, at the path of the
IRI with a file extension per representation:

    https://w3id.org/cubakg/id/person/joe-biden  →  id/person/joe-biden.html, .ttl, .jsonld

A few kinds are parts of another resource and are described on that resource's
page instead, at a fragment (`REDIRECTS`): an evidence span and its two selectors
are a stretch of an article's text, so they resolve to the article page where the
span is marked (`id/article/A.html#ev-155-262`); a time (with its description
and beginning) to the article that writes it; a Data Cube component to its structure; a
named graph to its article (or, for the shared graph, to the dataset page). This
keeps the site to one page per thing a person would look up, and the number of
files at about three per fact (not fifteen). The rules are patterns on the IRI, so
the w3id.org `.htaccess` and `cubakg serve` apply the very same table.

>>> page_of("https://w3id.org/cubakg/id/evidence/003_x/155-262/quote")
Target(page='id/article/003_x', fragment='ev-155-262')
>>> page_of("https://w3id.org/cubakg/id/person/joe-biden")
Target(page='id/person/joe-biden', fragment='')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from cubakg.rdf_formats import RdfFormat
from cubakg.resources import NS_ID

PUBLIC_BASE = "https://w3id.org/cubakg/"
ID_PREFIX = NS_ID[len(PUBLIC_BASE):]  # "id/"
ONTOLOGY_PAGE = "ontology"  # https://w3id.org/cubakg/ontology → ontology.html, .ttl, …


@dataclass(frozen=True)
class Representation:
    """One way a resource is written: its media type and file extension."""

    media_type: str
    extension: str  # with the dot
    rdf_format: RdfFormat | None = None


HTML = Representation("text/html", ".html")
# The RDF representations, from the one table of formats (pyoxigraph's RdfFormat). Turtle and
# JSON-LD are written beside each page; N-Triples is made from the Turtle by `cubakg serve` when
# asked for (a fourth file per resource would cost a quarter more files and a third more bytes).
_representation = lambda fmt: Representation(fmt.media_type, f".{fmt.file_extension}", fmt)  # noqa: E731
TURTLE, JSON_LD = _representation(RdfFormat.TURTLE), _representation(RdfFormat.JSON_LD)
RDF_REPRESENTATIONS = (TURTLE, JSON_LD)
N_TRIPLES = _representation(RdfFormat.N_TRIPLES)
REPRESENTATIONS = (HTML, *RDF_REPRESENTATIONS)
BY_EXTENSION = {r.extension: r for r in REPRESENTATIONS}


@dataclass(frozen=True)
class Redirect:
    """IRIs under `id/` matching `pattern` are described on `page` at `fragment` (`\\1`… are groups)."""

    pattern: str
    page: str
    fragment: str
    why: str


ARTICLE_GRAPH_FRAGMENT = "graph"  # an article's named graph, on the article's page

# First match wins; patterns are anchored and written in the regex subset Python and PCRE (Apache) share.
REDIRECTS: tuple[Redirect, ...] = (
    Redirect(r"evidence/([^/]+)/([0-9]+-[0-9]+)(/quote|/position)?", r"article/\1", r"ev-\2",
             "an evidence span and its selectors are marked in the article's text"),
    Redirect(r"time/([^/]+)/([^/]+)/([^/]+)(/beginning)?(/description)?", r"article/\1", r"time-\2-\3",
             "a time is an expression of the article's text: its value, its precision and its description "
             "are shown with the article"),
    Redirect(r"structure/([^/]+)/([^/]+)", r"structure/\1", r"\2",
             "a Data Cube component is listed on its structure's page"),
    Redirect(r"graph/(shared|sources|outside-knowledge)", "dataset/cubakg", r"graph-\1",
             "the shared graphs are listed on the dataset's page"),
    Redirect(r"graph/([^/]+)", r"article/\1", ARTICLE_GRAPH_FRAGMENT,
             "an article's named graph holds what the article says: its page is the article's"),
    Redirect(r"dataset/cubakg/(graph|class|property|linkset)/([^/]+)", "dataset/cubakg", r"\1-\2",
             "the release's subsets, partitions and linksets are listed on the dataset's page"),
)
# The rules for each kind of IRI (the literal first segment of their patterns), in order: an IRI
# is matched only against those of its kind (page_of runs for each of the 300,000 IRIs of 1,000 articles).
_RULES_BY_KIND: dict[str, list[tuple[re.Pattern, str, str]]] = {}
for _rule in REDIRECTS:
    _kind = _rule.pattern.split("/", 1)[0]
    assert re.fullmatch(r"[a-z-]+", _kind), f"{_rule.pattern}: a rule's pattern starts with a literal kind"
    _RULES_BY_KIND.setdefault(_kind, []).append(
        (re.compile(_rule.pattern[len(_kind) + 1:] + "$"),
         re.sub(r"\\(\d)", r"{\1}", _rule.page), re.sub(r"\\(\d)", r"{\1}", _rule.fragment)))


class Target(NamedTuple):
    """Where an IRI is described: a page (site path without extension) and a fragment ('' for the page itself)."""

    page: str
    fragment: str

    def href(self, representation: Representation = HTML) -> str:
        """The site-relative path of this target in one representation (fragments only in HTML)."""
        path = self.page + representation.extension
        return f"{path}#{self.fragment}" if self.fragment and representation is HTML else path


def local_part(iri: str) -> str | None:
    """`…/id/person/joe-biden` → `person/joe-biden`; None outside our `id/` space."""
    if not iri.startswith(NS_ID) or len(iri) == len(NS_ID):
        return None
    return iri[len(NS_ID):]


@functools.lru_cache(maxsize=1 << 20)
def page_of(iri: str) -> Target | None:
    """Where `iri` is described in the site, or None if it is not one of our `id/` IRIs."""
    local = local_part(iri)
    if local is None or not _safe(local):
        return None
    kind, _, rest = local.partition("/")
    for regex, page, fragment in _RULES_BY_KIND.get(kind, ()):
        found = regex.match(rest)
        if found:
            groups = ("", *found.groups(""))
            return Target(ID_PREFIX + page.format(*groups), fragment.format(*groups))
    return Target(ID_PREFIX + local, "")


def has_own_page(iri: str) -> bool:
    target = page_of(iri)
    return target is not None and not target.fragment


# Paths become file names: no empty, dot or dot-dot segments, no characters that need escaping.
_SEGMENT = r"(?!\.\.?(?:/|$))[A-Za-z0-9._~-]+"
_SAFE = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")


def _safe(local: str) -> bool:
    return _SAFE.fullmatch(local) is not None


def relative(from_page: str, to_path: str) -> str:
    """A link from the page at `from_page` (site path) to `to_path` (site path)."""
    depth = from_page.count("/")
    return "../" * depth + to_path
