"""Render the site: one pass over the quads, templates compiled once, files in memory.

>>> files = render_site(quads, ontology_turtle)           # doctest: +SKIP
>>> files["id/person/joe-biden.html"][:15]                 # doctest: +SKIP
b'<!DOCTYPE html>'
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Iterator, NamedTuple

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from cubakg.memory import collector_paused
from cubakg.namespaces import PREFIXES
from cubakg.resources import NS_ID, NS_ONTOLOGY, article_graph
from cubakg.site import describe
from cubakg.site.templating import SiteEnvironment
from cubakg.site.index import EVIDENCE_PREFIX, RDF_TYPE, SiteIndex, is_fact, is_span
from cubakg.site.paths import ARTICLE_GRAPH_FRAGMENT, HTML, ONTOLOGY_PAGE, RDF_REPRESENTATIONS, has_own_page, page_of
from cubakg.site.views import (
    CKG, DCTERMS, DESCRIPTION_PROPERTIES, OA, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, TIME, Labeller, Link, Views,
)

MAX_CARDS = 40  # fact cards shown in full per group; the rest are listed as links
QB = PREFIXES["qb"]
VOID = PREFIXES["void"]
DCAT = PREFIXES["dcat"]
ROLE = CKG + "role"
# The facts that link to a resource, under a heading a reader expects: fact type → the property
# that links the fact to the page's resource → heading. Pairs not listed fall back to a phrase
# built from the fact type's and the property's labels (`fact_heading`).
FACT_HEADINGS = {
    CKG + "PostHolding": {
        ORG + "member": "Posts held", CKG + "post": "Held by",
        ORG + "organization": "Posts held in this organisation",
        CKG + "relationStatus": "Posts held with this status",
    },
    CKG + "Participation": {
        CKG + "participant": "Events taken part in", CKG + "event": "Participants, by role",
        CKG + "onBehalfOf": "Taking part on its behalf", ROLE: "Taking part in this role",
        CKG + "participationStatus": "Taking part with this status",
    },
    CKG + "Statement": {
        CKG + "speaker": "Statements made", CKG + "addressee": "Statements made to it",
        CKG + "stance": "Statements taking this stance", CKG + "statementMode": "Statements given this way",
    },
    QB + "Observation": {
        QB + "dataSet": "Observations", CKG + "refArea": "Figures for this place",
        CKG + "population": "Figures counting these people", CKG + "measureKind": "Figures counting this",
        CKG + "unitOfMeasure": "Figures in this unit", CKG + "sourceAgency": "Figures it is the source of",
    },
    CKG + "MigrationTrend": {
        CKG + "refArea": "Migration trends in this place", CKG + "population": "Migration trends among these people",
        CKG + "trend": "Migration trends of this kind",
    },
    CKG + "PolicyChange": {
        CKG + "actor": "Policy changes it made", CKG + "changeKind": "Policy changes of this kind",
        CKG + "policyInstrument": "Policy changes to this instrument", SCHEMA + "location": "Policy changes in this place",
        CKG + "population": "Policy changes affecting these people", SCHEMA + "provider": "Policy changes to what it provides",
    },
    CKG + "PolicyAnnouncement": {CKG + "announcer": "Announcements it made", CKG + "announces": "Announcements of it"},
    CKG + "RouteReport": {
        CKG + "route": "Reports of this route", CKG + "population": "Routes taken by these people",
        CKG + "via": "Routes through this place", CKG + "destination": "Routes to this place",
    },
    CKG + "Relation": {RDF + "subject": "Its relations with others", RDF + "object": "Others' relations with it",
                       CKG + "relationStatus": "Relations with this status"},
    CKG + "CausalClaim": {
        CKG + "cause": "Claims naming it as a cause", CKG + "effect": "Claims naming it as an effect",
        CKG + "heldResponsible": "Claims holding it responsible",
    },
    CKG + "Purpose": {
        CKG + "purposeOf": "Its purposes", CKG + "aim": "Purposes aiming at it",
        CKG + "intendedBy": "Purposes it pursues",
    },
    CKG + "Outcome": {
        CKG + "outcomeOf": "Its outcomes", CKG + "outcomeKind": "Outcomes of this kind",
        SCHEMA + "location": "Outcomes in this place",
    },
}
# The other resources that link to a page's resource, under a heading naming what they are to it:
# property → heading. A property not listed falls back to its label quoted (`backlink_heading`).
BACKLINK_HEADINGS = {
    SCHEMA + "mentions": "Mentioned in",
    SCHEMA + "about": "Things about it",
    SCHEMA + "author": "Articles written",
    SCHEMA + "publisher": "Published",
    SCHEMA + "locationCreated": "Articles datelined here",
    SCHEMA + "location": "Located here",
    SCHEMA + "containedInPlace": "Places within it",
    SCHEMA + "hasPart": "Part of",
    SCHEMA + "video": "The article showing it",
    SCHEMA + "subEvent": "Part of",
    SCHEMA + "superEvent": "Sub-events",
    ORG + "heldBy": "Posts held (shortcut)",
    ORG + "headOf": "Headed by",
    ORG + "postIn": "Posts in this organisation",
    ORG + "subOrganizationOf": "Sub-organisations",
    SKOS + "inScheme": "Concepts",
    SKOS + "topConceptOf": "Top concepts",
    SKOS + "hasTopConcept": "Top concept of",
    SKOS + "broader": "Narrower concepts",
    QB + "structure": "Datasets of this structure",
    VOID + "exampleResource": "An example resource of",
    VOID + "rootResource": "A root resource of",
    CKG + "agent": "Events it brought about or took part in",
    CKG + "allyOf": "Its allies",
    CKG + "anchor": "Times counted from it",
    CKG + "beforeEvent": "Times known to come before it",
    CKG + "citesSource": "Cited by",
    CKG + "country": "Belonging to this country",
    CKG + "eventStatus": "Events with this status",
    CKG + "follows": "Followed by",
    CKG + "possiblySameAs": "Possibly the same as",
    CKG + "relatedStory": "Linked to by",
    CKG + "reportedBy": "Things it reported",
    TIME + "inDateTime": "The time it describes",
}
DERIVED_FROM = PROV + "wasDerivedFrom"
# Links from what was derived from a resource, and from its evidence: an article lists these itself.
PROVENANCE_LINKS = frozenset({DERIVED_FROM, OA + "hasSource"})
# Shown in the page header, not among the statements.
HEADER_PROPERTIES = frozenset({RDF_TYPE, DERIVED_FROM, *DESCRIPTION_PROPERTIES[:3], RDFS + "label"})
# …and on a fact's page and card, the summary is its title (one set for both, so a fact's
# statements are gathered once); an article's text is shown marked.
SHOWN_ELSEWHERE = HEADER_PROPERTIES | {CKG + "summary", SCHEMA + "text"}
KINDS = (
    ("person", "People"), ("group", "Groups of people"), ("org", "Organisations"), ("place", "Places"),
    ("post", "Posts"), ("event", "Events"), ("policy", "Policies"), ("article", "Articles"),
    ("concept", "Concept schemes"), ("dataset", "Datasets"), ("structure", "Data structures"),
)
COUNTED_KINDS = (("fact", "facts"),)


class Frame(NamedTuple):
    """What every page's layout needs: where the root is, its title, its alternate representations
    (media type, path, name). Typed rather than a dict, as is all the templates read: a template reads
    a dict's key as an attribute only after the attribute lookup fails (0.46 µs against 0.07)."""

    path: str
    href: str
    base: str
    title: str
    iri: str | None
    alternates: list[tuple[str, str, str]]


class FactGroup(NamedTuple):
    """The facts that link to a resource in one way, under one heading: the first MAX_CARDS as cards."""

    heading: str
    id: str
    count: int
    cards: list[Markup]
    more: list[Link]


class Backlinks(NamedTuple):
    """The other resources that link to a resource by one property."""

    heading: str
    links: list[Link]


@dataclass
class PartSection:
    """Sub-resources described on a page under one fragment (`paths.REDIRECTS`), with their statements."""

    id: str
    title: str
    iris: list[str] = field(default_factory=list)
    rows: list = field(default_factory=list)


class Evidence(NamedTuple):
    """An evidence span of an article, numbered in text order, with the facts it supports."""

    id: str
    n: int
    iri: str
    exact: str
    supports: list[Link]


class ArticleGraph(NamedTuple):
    """An article's named graph, for the section its IRI leads to (`#graph`)."""

    iri: str
    present: bool
    id: str
    rows: list


@dataclass
class SavedAnswer:
    """A saved query and, where it runs without parameters, its answer (a cubakg.query QueryResult)."""

    name: str
    title: str
    question: str
    text: str
    parameters: list[str] = field(default_factory=list)
    result: object | None = None
    timed_out: bool = False  # not answered within the build's budget


def render_site(quads: Iterable[ox.Quad], ontology_turtle: bytes, **options) -> dict[str, bytes]:
    """The static site of a release: relative path → bytes (see `site_files` for the arguments)."""
    return dict(sorted(site_files(quads, ontology_turtle, **options)))


def site_files(
    quads: Iterable[ox.Quad],
    ontology_turtle: bytes,
    *,
    void: Iterable[ox.Triple | ox.Quad] = (),
    saved_queries: Iterable[SavedAnswer] = (),
    ontology_html: str | None = None,
    site_url: str | None = None,
    workers: int = 1,
    batches: Iterable[list[str]] | None = None,
    others: bool = True,
) -> Iterator[tuple[str, bytes]]:
    """The files of the site, (relative path, bytes), one at a time, in a fixed order; the same bytes for
    the same quads, in any order.

    `quads`: the release (every named graph); `ontology_turtle`: the ontology file;
    `void`: the dataset description (its `id/dataset/cubakg` gets the landing page);
    `saved_queries`: the saved queries with their answers (read after the resource pages
    are rendered, so they may still be computing: `answers.answers_in_background`); `ontology_html`: the
    ontology's documentation page (a link to its Turtle is added if it has none);
    `site_url`: where the site is hosted, for `sitemap.xml` (default: `hosting.SITE_URL`);
    `workers`: processes rendering the resource pages (forked, sharing the index).
    `batches`: the resources (by the IRI of their page) whose files are made here, in
    batches, read one at a time as the files are made (default: all of them, `Site.batches`);
    `others`: whether the home page, the queries, the ontology, the static files
    and the sitemap are. Another process may render the rest from the same quads: the
    bytes of a file do not depend on what else is rendered.
    A caller writing the files as they come never holds the whole site in memory.
    """
    with prepared_site(quads, ontology_turtle, void) as site:
        yield from site.files(saved_queries=saved_queries, ontology_html=ontology_html, site_url=site_url,
                              workers=workers, batches=batches, others=others)


@contextmanager
def prepared_site(quads: Iterable[ox.Quad], ontology_turtle: bytes, void: Iterable[ox.Triple | ox.Quad] = ()):
    """The `Site` of the release, indexed and planned, for the block's duration (see `site_files`).

    The index holds millions of objects that live until the end, and makes no cycles: the cyclic
    garbage collector is paused while it is built, and the index is then kept out of its sight, so
    its sweeps stay cheap (a third of the rendering time otherwise). So are the caller's objects
    (in a build, its whole graph): 1.2 s less at 1,000 articles. A process forked in the block
    (cubakg.site.build) shares the index without its pages being copied by the collector.
    """
    void_quads = [q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                  for q in void]
    gc.freeze()
    with collector_paused(keep=True):
        site = Site(SiteIndex.of(_chain(quads, void_quads)), ontology_turtle)
        site.plan()
    try:
        yield site
    finally:
        gc.unfreeze()


def _named_graph_of(article: str) -> str:
    """The IRI of an article's named graph (of any other IRI: one no quad names)."""
    return article_graph(article.rsplit("/", 1)[-1])


def _chain(first, second):
    yield from first
    yield from second


CHUNK = 400  # resources per unit of work for a worker
# … or fewer, up to CHUNK_LINKS links to them: a batch's files are held until all are made, and a hub's
# run to 20 MB at 1,000 articles. Batched 400 at a time, the 176 pages that are neither an article's
# nor its facts' held 0.4 GB of files at once there, in memory taken new for them (docs/publishing.md, Cost).
CHUNK_LINKS = 2_000
_FORKED: "tuple[Site, list[list[str]]] | None" = None  # the site and its chunks, seen by forked workers


def _render_chunk(number: int) -> list[tuple[str, bytes]]:
    site, chunks = _FORKED
    return site.rendered(chunks[number])


def environment() -> Environment:
    env = SiteEnvironment(
        loader=PackageLoader("cubakg.site", "templates"),
        autoescape=select_autoescape(["html", "xml", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    return env


def term_labels(ontology_turtle: bytes) -> dict[str, str]:
    """rdfs:label (English) of every term the ontology defines or declares."""
    labels: dict[str, str] = {}
    for triple in ox.parse(ontology_turtle, format=ox.RdfFormat.TURTLE):
        if triple.predicate.value == RDFS + "label" and isinstance(triple.subject, ox.NamedNode):
            if triple.object.language in (None, "en"):
                previous = labels.get(triple.subject.value)
                labels[triple.subject.value] = min(previous, triple.object.value) if previous else triple.object.value
    return labels


class Site:
    """The index, the compiled templates and the caches of one rendering."""

    def __init__(self, index: SiteIndex, ontology_turtle: bytes):
        self.index = index
        self.ontology_turtle = ontology_turtle
        self.labeller = Labeller(index, term_labels(ontology_turtle))
        articles = {s: q.object.value for s, statements in index.by_subject.items() if s.startswith(NS_ID + "article/")
                    for q in statements if q.predicate == DCTERMS + "identifier"}
        texts = {s: q.object.value for s in articles for q in index.by_subject[s] if q.predicate == SCHEMA + "text"}
        self.env = environment()
        self.env.globals["m"] = self.env.get_template("macros.html.j2").module
        self.views = Views(index, self.labeller, texts, articles, self.env.get_template("macros.html.j2").module)
        dataset = NS_ID + "dataset/cubakg"
        self.env.globals["dataset_href"] = page_of(dataset).href(HTML) if dataset in index.by_subject else ""
        self.templates = {name: self.env.get_template(f"{name}.html.j2")
                          for name in ("resource", "article", "card", "home", "queries", "query", "saved_query")}
        self._cards: dict[str, Markup] = {}
        self.parts: dict[str, list[str]] = defaultdict(list)  # page IRI → IRIs described on it
        self.pages_by_kind: dict[str, list[str]] = defaultdict(list)
        self.planned: list[str] = []

    # -- resource pages ------------------------------------------------------------------------
    def plan(self) -> list[str]:
        """The IRIs with a page of their own, sorted; fills `parts` (what each page also describes)."""
        own: set[str] = set()
        for iri in self.index.iris():
            target = page_of(iri)
            if target is None:
                continue
            if target.fragment:
                self.parts[NS_ID + target.page[len("id/"):]].append(iri)
            else:
                own.add(iri)
        for parts in self.parts.values():  # each sorted, rather than all 300,000 IRIs at 1,000 articles
            parts.sort()
        # A page that only sub-resources point at (say, an article whose graph is named) still gets one.
        planned = self.planned = sorted(own | set(self.parts))
        for iri in planned:
            self.pages_by_kind[kind_of(iri)].append(iri)
        return planned

    def files(self, *, saved_queries: Iterable[SavedAnswer] = (), ontology_html: str | None = None,
              site_url: str | None = None, workers: int = 1, batches: Iterable[list[str]] | None = None,
              others: bool = True) -> Iterator[tuple[str, bytes]]:
        """The files of the site, after `plan` (see `site_files` for the arguments)."""
        yield from self.resource_files(workers, batches)
        if others:
            yield from self.other_files(saved_queries, ontology_html, site_url)

    def other_files(self, saved_queries: Iterable[SavedAnswer] = (), ontology_html: str | None = None,
                    site_url: str | None = None) -> Iterator[tuple[str, bytes]]:
        """The files that are not a resource's (after `plan`): the ontology's, the saved queries', the
        static files, the home page and the sitemap (see `site_files` for the arguments)."""
        from cubakg.site import hosting

        saved = list(saved_queries)  # read with the collector paused by BackgroundAnswers itself
        with collector_paused():  # as for the resource pages (see `rendered`)
            files = {**self.ontology_files(ontology_html), **self.query_files(saved), **self.static_files()}
            files["index.html"] = self.home()
            pages = [page_of(iri).href(HTML) for iri in self.planned] + [p for p in files if p.endswith(".html")]
            sitemap = self.sitemap(sorted(pages), site_url or hosting.SITE_URL)
        yield from sorted(files.items())
        yield "sitemap.xml", sitemap

    def resource_files(self, workers: int = 1, batches: Iterable[list[str]] | None = None) -> Iterator[tuple[str, bytes]]:
        """Each resource's page, Turtle and JSON-LD (after `plan`): of every planned resource, in the
        order of their IRIs, or of the `batches` given, batch by batch, each read when the one
        before is rendered (so that processes may claim them as they go: site/build.py). With
        `workers` > 1 the batches are all read first, to be shared out among the workers."""
        if batches is None:
            batches = self.batches(self.planned)
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            batches = list(batches)
            if len(batches) > 1:
                global _FORKED
                _FORKED = (self, batches)  # the workers inherit the index and templates: nothing is pickled but results
                try:
                    with multiprocessing.get_context("fork").Pool(workers) as pool:
                        for files in pool.imap(_render_chunk, range(len(batches)), chunksize=1):
                            yield from files
                finally:
                    _FORKED = None
                return
        for batch in batches:
            yield from self.rendered(batch)

    def batches(self, iris: list[str]) -> list[list[str]]:
        """`iris` in order, in batches of CHUNK resources or CHUNK_LINKS links to them, whichever
        comes first (a resource with more links is a batch alone): the unit of work of `resource_files`."""
        found: list[list[str]] = []
        batch: list[str] = []
        links = 0
        for iri in iris:
            weight = len(self.index.inbound(iri))
            if batch and (len(batch) == CHUNK or links + weight > CHUNK_LINKS):
                found.append(batch)
                batch, links = [], 0
            batch.append(iri)
            links += weight
        if batch:
            found.append(batch)
        return found

    def caches(self) -> list[dict]:
        """Everything this rendering keeps once made, each keyed by an IRI, an (IRI, …) tuple or a literal."""
        return [*self.views.caches(), *self.labeller.caches(), *self.index.caches(), self._cards]

    @contextmanager
    def forgetting(self, prefixes: tuple[str, ...]):
        """What the block adds to the caches about the IRIs starting with one of `prefixes`, and about
        literals, is dropped at its end (for pages no later page shows: build.ArticleUnits). A cache's
        key names its IRI itself or first (rows: (subject, properties left out)); a literal's link is
        cheap to make again.

        >>> with site.forgetting((FACT_PREFIX,)):   # doctest: +SKIP
        ...     files = site.rendered(facts)
        """
        caches = self.caches()
        sizes = [len(cache) for cache in caches]
        yield
        for cache, size in zip(caches, sizes):
            added = len(cache) - size
            if added > 0:  # a dict keeps its insertion order: what the block added is at its end
                for key in list(itertools.islice(reversed(cache), added)):
                    iri = key[0] if type(key) is tuple else key
                    if type(iri) is not str or iri.startswith(prefixes):
                        del cache[key]

    def rendered(self, iris: list[str]) -> list[tuple[str, bytes]]:
        """`render_chunk` with the cyclic collector paused, and what it cached then kept out of its sight.

        Rendering makes no cycles (a test checks that the site leaves the collector nothing to
        free), but it makes millions of objects, and every 700 made a young-generation sweep went
        over them: 25.2 CPU-seconds for the 60,000 fact and article pages of 1,000 articles with the
        collector running, 21.2 with it paused. (Yielding each file to be written as soon as it was
        made, rather than a batch at a time, took about 4 CPU-seconds more at 1,000 articles.)"""
        with collector_paused(keep=True):  # the caches the chunk filled are kept to the end too
            return self.render_chunk(iris)

    def render_chunk(self, iris: list[str]) -> list[tuple[str, bytes]]:
        files = []
        for iri in iris:
            target = page_of(iri)
            parts = self.parts.get(iri, [])
            files.append((target.href(HTML), self.page(iri, target.page, parts).encode("utf-8")))
            written = describe.serialise(self.index, *describe.described(self.index, iri, parts))
            files.extend((target.page + r.extension, written[r]) for r in RDF_REPRESENTATIONS)
        return files

    def page(self, iri: str, path: str, parts: list[str]) -> str:
        views, index = self.views, self.index
        types = index.types(iri)
        context = {
            "page": self.frame(path, self.labeller.label(iri), iri),
            "iri": iri,
            "kinds": [views.term_link(t) for t in types],
            "description": "" if is_fact(iri) else self.description_of(iri),  # a fact's summary is its title
            "quotes": self.quotes_by_article(iri),
            "rows": views.rows(iri, SHOWN_ELSEWHERE if is_fact(iri) else HEADER_PROPERTIES | {SCHEMA + "text"}),
            "fact_groups": self.fact_groups(iri),
            "backlinks": self.backlinks(iri),
            "parts": self.part_sections(iri, parts),
            "drawn_from": self.drawn_from(iri),
            "schema_org": None,
        }
        if path.startswith("id/article/") and path.count("/") == 2:
            return self.article_page(iri, context, parts)
        if SCHEMA + "Dataset" in types or QB + "DataSet" in types or VOID + "Dataset" in types:
            context["schema_org"] = self.dataset_schema_org(iri)
        return self.templates["resource"].render(context)

    def frame(self, path: str, title: str, iri: str | None = None) -> Frame:
        base = "../" * path.count("/") or "./"
        alternates = [(r.media_type, path + r.extension, r.rdf_format.name) for r in RDF_REPRESENTATIONS] if iri else []
        return Frame(path, path + ".html", base, title, iri, alternates)

    def description_of(self, iri: str) -> str:
        for predicate in DESCRIPTION_PROPERTIES:
            values = [v for v in self.index.values(iri, predicate) if isinstance(v, ox.Literal)]
            if values:
                return min(values, key=lambda v: (v.language not in (None, "en"), v.value)).value
        return ""

    def drawn_from(self, iri: str) -> list[Link]:
        """The facts a fact was drawn from (a cause from the statement that states it): links in its
        header, where its article and evidence are shown as its quotes."""
        if not is_fact(iri):
            return []
        return [self.views.link(v.value) for v in self.index.values(iri, DERIVED_FROM)
                if isinstance(v, ox.NamedNode) and is_fact(v.value) and v.value != iri]

    def quotes_by_article(self, iri: str) -> list[tuple[Link, list]]:
        grouped: dict[str, tuple[Link, list]] = {}
        for quote in self.views.quotes_of(iri):
            grouped.setdefault(quote.article.href, (quote.article, []))[1].append(quote)
        return list(grouped.values())

    def fact_groups(self, iri: str) -> list[FactGroup]:
        groups: dict[tuple[str, str], list[str]] = {}
        for subject, predicate, _ in self.index.inbound(iri):
            if not is_fact(subject) or subject == iri:
                continue
            if predicate in PROVENANCE_LINKS and not (predicate == DERIVED_FROM and is_fact(iri)):
                continue  # an article lists what was drawn from it itself; a fact, the facts drawn from it
            types = self.index.types(subject)
            kind = next((t for t in types if t.startswith(CKG)), types[0] if types else "")
            members = groups.setdefault((kind, predicate), [])
            if not members or members[-1] != subject:
                members.append(subject)
        out = []
        for (kind, predicate), facts in groups.items():
            facts = list(dict.fromkeys(facts))
            if any(self.index.values(f, ROLE) for f in facts[:1]):
                facts.sort(key=lambda f: tuple(self.labeller.label(r.value) for r in self.index.values(f, ROLE)))
            out.append(FactGroup(self.fact_heading(kind, predicate), f"facts-{len(out) + 1}", len(facts), [self.card(f) for f in facts[:MAX_CARDS]],
                                 [self.views.link(f) for f in facts[MAX_CARDS:]]))
        return out

    def fact_heading(self, kind: str, predicate: str) -> str:
        """The heading over the facts of type `kind` that link to a page's resource by `predicate`:
        "Statements made" for a speaker, "Observations it reported" for ckg:reportedBy."""
        heading = FACT_HEADINGS.get(kind, {}).get(predicate)
        if heading:
            return heading
        kinds = f"{self.labeller.term(kind)}s"
        if predicate == DERIVED_FROM:
            return f"{kinds} drawn from it".capitalize()
        if predicate == CKG + "reportedBy":
            return f"{kinds} it reported".capitalize()
        if predicate == SCHEMA + "about":
            return f"{kinds} about it".capitalize()
        return f"{kinds} with it as {self.labeller.term(predicate)}".capitalize()

    def card(self, fact: str) -> Markup:
        """A fact in brief, with its quotes: rendered once, shown on every page that links to it."""
        cached = self._cards.get(fact)
        if cached is None:
            cached = self._cards[fact] = Markup(self.templates["card"].render(
                fact=self.views.link(fact), kind=self.labeller.kind(fact),
                rows=self.views.rows(fact, SHOWN_ELSEWHERE), quotes=self.views.quotes_of(fact),
            ))
        return cached

    def backlinks(self, iri: str) -> list[Backlinks]:
        grouped: dict[str, dict[str, Link]] = {}
        for subject, predicate, _ in self.index.inbound(iri):
            if is_fact(subject) or subject == iri or predicate in PROVENANCE_LINKS:
                continue
            if not has_own_page(subject):
                continue
            grouped.setdefault(predicate, {}).setdefault(subject, self.views.link(subject))
        return [Backlinks(self.backlink_heading(p), list(links.values())) for p, links in grouped.items()]

    def backlink_heading(self, predicate: str) -> str:
        """What the resources linking to a page's resource by `predicate` are to it: "Headed by" for
        org:headOf, "Linking to it as “alias”" for a property the table does not name."""
        return BACKLINK_HEADINGS.get(predicate) or f"Linking to it as “{self.labeller.term(predicate)}”"

    def part_sections(self, iri: str, parts: list[str]) -> list[PartSection]:
        """The sub-resources described on this page, each under its fragment; an article shows its
        evidence with the text, and its named graph in a section of its own (`article_graph`)."""
        sections: dict[str, PartSection] = {}
        own_graph = _named_graph_of(iri)
        for part in parts:
            if part.startswith(EVIDENCE_PREFIX) or part == own_graph:  # shown with the text (`article_page`)
                continue
            target = page_of(part)
            section = sections.get(target.fragment)
            if section is None:  # titled by its first part
                label = self.labeller.label(part)
                title = f"Time: “{label}”" if part.startswith(NS_ID + "time/") else label
                section = sections[target.fragment] = PartSection(target.fragment, title)
            section.iris.append(part)
            section.rows.extend(self.views.rows(part, frozenset()))
        return list(sections.values())

    # -- articles --------------------------------------------------------------------------------
    def article_page(self, iri: str, context: dict, parts: list[str]) -> str:
        views = self.views
        text = views.texts.get(iri, "")
        spans = []
        for part in parts:
            found = views.span(part) if is_span(part) else None
            if found and found[0] == iri:
                spans.append((found[1], found[2], part))
        spans.sort()
        numbers = {part: n for n, (_, _, part) in enumerate(spans, start=1)}
        evidence = []
        for start, end, part in spans:
            supports = list(dict.fromkeys(link.subject for link in self.index.inbound(part) if link.predicate == DERIVED_FROM))
            evidence.append(Evidence(page_of(part).fragment, numbers[part], part, text[start:end],
                                     [views.link(s) for s in supports]))
        derived = [link.subject for link in self.index.inbound(iri) if link.predicate == DERIVED_FROM]
        facts_here = list(dict.fromkeys(s for s in derived if s != iri))
        context.update({
            "segments": marked_segments(text, [(s, e, page_of(p).fragment, numbers[p]) for s, e, p in spans]),
            "evidence": evidence,
            "derived": [views.link(f) for f in facts_here],
            "graph": self.article_graph(iri),
            "schema_org": self.article_schema_org(iri),
        })
        return self.templates["article"].render(context)

    def article_graph(self, iri: str) -> ArticleGraph:
        graph = _named_graph_of(iri)
        return ArticleGraph(graph, graph in self.index.graph_names, ARTICLE_GRAPH_FRAGMENT, self.views.rows(graph, frozenset()))

    def article_schema_org(self, iri: str) -> dict:
        index, label = self.index, self.labeller.label

        def first(predicate: str) -> str | None:
            found = index.values(iri, predicate)
            return found[0].value if found else None

        data = {"@context": {"@vocab": SCHEMA}, "@type": "NewsArticle", "@id": iri, "headline": label(iri),
                "inLanguage": first(SCHEMA + "inLanguage"), "dateCreated": first(SCHEMA + "dateCreated"),
                "datePublished": first(SCHEMA + "datePublished"), "url": first(SCHEMA + "url"),
                "isPartOf": {"@id": NS_ID + "dataset/cubakg"}}
        for key in ("publisher", "author"):
            agent = first(SCHEMA + key)
            if agent:
                data[key] = {"@id": agent, "name": label(agent)}
        mentions = [{"@id": m.value, "name": label(m.value)} for m in index.values(iri, SCHEMA + "mentions")]
        if mentions:
            data["mentions"] = mentions
        return {k: v for k, v in data.items() if v is not None}

    def dataset_schema_org(self, iri: str) -> dict:
        index = self.index

        def first(*predicates: str) -> str | None:
            for predicate in predicates:
                found = index.values(iri, predicate)
                if found:
                    return found[0].value
            return None

        data = {"@context": {"@vocab": SCHEMA}, "@type": "Dataset", "@id": iri, "name": self.labeller.label(iri),
                "description": self.description_of(iri) or None, "license": first(DCTERMS + "license"),
                "version": first(PREFIXES["owl"] + "versionInfo"), "dateModified": first(DCTERMS + "modified"),
                "creator": first(DCTERMS + "creator")}
        downloads = [{"@type": "DataDownload", "contentUrl": d.value,
                      "encodingFormat": (index.values(d.value, DCAT + "mediaType") or [ox.Literal("")])[0].value.rsplit("media-types/", 1)[-1]}
                     for d in index.values(iri, VOID + "dataDump")]
        if downloads:
            data["distribution"] = downloads
        return {k: v for k, v in data.items() if v is not None}

    # -- home, queries, ontology, static ---------------------------------------------------------------
    def home(self) -> bytes:
        kinds = []
        for key, heading in KINDS:
            iris = [i for i in self.pages_by_kind.get(key, []) if key != "article" or i.count("/") == NS_ID.count("/") + 1]
            if key == "concept":
                iris = [i for i in iris if i.count("/") == NS_ID.count("/") + 1]
            items = [{"link": self.views.link(i), "search": self.search_text(i)} for i in iris]
            items.sort(key=lambda item: (item["link"].text.casefold(), item["link"].href))
            if items:
                kinds.append({"key": key, "heading": heading, "entries": items})
        counted = [(len(self.pages_by_kind.get(key, [])), words) for key, words in COUNTED_KINDS]
        return self.templates["home"].render(
            page=self.frame("index", "cubakg: US–Cuba migration diplomacy, from the news"), kinds=kinds,
            counted=counted, dataset=self.views.link(NS_ID + "dataset/cubakg") if NS_ID + "dataset/cubakg" in self.index.by_subject else None,
        ).encode("utf-8")

    def search_text(self, iri: str) -> str:
        words = [self.labeller.label(iri)]
        words += [v.value for v in self.index.values(iri, SKOS + "altLabel")]
        return " ".join(dict.fromkeys(words)).casefold()

    def query_files(self, saved: list[SavedAnswer]) -> dict[str, bytes]:
        from cubakg.site.tables import result_table

        files: dict[str, bytes] = {}
        entries = []
        for query in sorted(saved, key=lambda q: q.name):
            path = f"queries/{query.name}"
            table = result_table(query.result, self.views) if query.result is not None else None
            files[path + ".html"] = self.templates["saved_query"].render(
                page=self.frame(path, query.title), query=query, table=table).encode("utf-8")
            files[path + ".rq"] = query.text.encode("utf-8")
            entries.append(query)
        files["queries/index.html"] = self.templates["queries"].render(
            page=self.frame("queries/index", "Saved queries"), queries=entries).encode("utf-8")
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
        files["query.html"] = self.templates["query"].render(
            page=self.frame("query", "Ask the graph (SPARQL)"), prefixes=prefixes,
            saved=[{"name": q.name, "title": q.title, "text": q.text} for q in sorted(saved, key=lambda q: q.name)
                   if not q.parameters],
        ).encode("utf-8")
        return files

    def ontology_files(self, ontology_html: str | None) -> dict[str, bytes]:
        """The ontology in Turtle (as written), N-Triples and JSON-LD, and its page with links to them."""
        triples = list(ox.parse(self.ontology_turtle, format=ox.RdfFormat.TURTLE))
        files = {f"{ONTOLOGY_PAGE}.ttl": self.ontology_turtle}
        for representation in RDF_REPRESENTATIONS:
            if representation.extension != ".ttl":
                files[ONTOLOGY_PAGE + representation.extension] = ox.serialize(triples, format=representation.rdf_format)
        if ontology_html is None:
            from rdflib import Graph

            from cubakg.ontology_doc import render_html

            ontology_html = render_html(Graph().parse(data=self.ontology_turtle, format="turtle"))
        files[f"{ONTOLOGY_PAGE}.html"] = with_alternates(ontology_html, self.frame(ONTOLOGY_PAGE, "", NS_ONTOLOGY)).encode("utf-8")
        return files

    def static_files(self) -> dict[str, bytes]:
        from importlib.resources import files as package_files

        static = package_files("cubakg.site") / "static"
        return {f"static/{name}": (static / name).read_bytes() for name in ("site.css", "site.js", "favicon.svg")}

    def sitemap(self, paths: list[str], site_url: str) -> bytes:
        pages = [p for p in paths if p.endswith(".html")]
        return self.env.get_template("sitemap.xml.j2").render(site_url=site_url, pages=pages).encode("utf-8")


def kind_of(iri: str) -> str:
    """The kind of resource a page is about: its folder under `id/` (`person`, `fact`, …)."""
    return page_of(iri).page.split("/")[1]


def with_alternates(html: str, frame: Frame) -> str:
    """The ontology page with `<link rel="alternate">` to its RDF and a visible line linking them.

    The documentation page itself comes from `cubakg.ontology_doc` (one ontology
    page for the project); the site only adds the links to the data.
    """
    if 'rel="alternate"' in html:  # the ontology page already links its data (cubakg.ontology_doc)
        return html
    links = "".join(f'<link rel="alternate" type="{media}" href="{href}" title="{name}">\n'
                    for media, href, name in frame.alternates)
    visible = " · ".join(f'<a href="{href}">{name}</a>' for _, href, name in frame.alternates)
    html = html.replace("</head>", links + "</head>", 1)
    return html.replace("</h1>", f'</h1>\n<p class="alternates">This ontology as data: {visible}</p>', 1)


def marked_segments(text: str, spans: list[tuple[int, int, str, int]]) -> list[tuple[str, str, int, list]]:
    """The text cut where evidence spans start or end: (piece, the spans covering it, depth, spans ending there).

    Spans may nest and overlap, and HTML elements may not, so each piece gets one
    `<mark>` naming every span it lies in; a numbered link follows each span's end.
    (Tuples, not dicts: an article has hundreds of pieces, and the template unpacks them.)
    """
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    ends: dict[int, list[tuple[str, int]]] = defaultdict(list)
    by_start: dict[int, list] = defaultdict(list)
    for span in spans:
        ends[span[1]].append((span[2], span[3]))
        by_start[span[0]].append(span)
    segments, open_spans = [], []
    for left, right in zip(cuts, cuts[1:]):
        open_spans = [s for s in open_spans if s[1] > left] + by_start.get(left, [])
        covering = " ".join(s[2] for s in open_spans)
        segments.append((text[left:right], covering, min(len(open_spans), 3),
                         sorted(ends.get(right, ()), key=lambda x: x[1])))
    return segments
