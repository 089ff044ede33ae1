"""What a page shows, as plain data for the templates: labels, links, values, quotes.

Every link is written relative to the site's root (each page sets `<base>`), so a
fact card or a quote rendered once can be reused on every page that shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from cubakg.namespaces import PREFIXES, compact
from cubakg.resources import NS_ID, NS_ONTOLOGY
from cubakg.site.index import RDF_TYPE, SiteIndex, is_fact
from cubakg.site.paths import HTML, page_of

RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
SCHEMA = PREFIXES["schema"]
DCTERMS = PREFIXES["dcterms"]
OA = PREFIXES["oa"]
TIME = PREFIXES["time"]
PROV = PREFIXES["prov"]
CKG = NS_ONTOLOGY
SUMMARY = CKG + "summary"
XSD = PREFIXES["xsd"]

LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SCHEMA + "headline", SCHEMA + "name", DCTERMS + "title",
                    CKG + "asWritten")
DESCRIPTION_PROPERTIES = (SCHEMA + "description", SKOS + "definition", DCTERMS + "description", CKG + "summary")
TIME_VALUES = (TIME + "inXSDDate", TIME + "inXSDDateTimeStamp", TIME + "inXSDgYearMonth", TIME + "inXSDgYear")
ARTICLE_LABEL_WORDS = 10
RDF = PREFIXES["rdf"]
ORG = PREFIXES["org"]
TITLE_WORDS = 12  # of a text or label in a fact's title (FACT_TITLES)


@dataclass(frozen=True)
class FactTitle:
    """How a fact with neither a summary nor a label is titled, from its own statements: each
    {name} in `pattern` is the label of its values of the first property TITLE_VALUES names that
    it has (a text in the article's words), and the `qualifier`'s, where it has them, follow in brackets."""

    pattern: str
    qualifier: str | None = None


FACT_TITLES = {
    CKG + "PostHolding": FactTitle("{member} as “{title}”", "relation status"),
    CKG + "Participation": FactTitle("{participant} in {event}, as {role}", "participation status"),
    CKG + "Relation": FactTitle("{subject}: {relation} {object}", "relation status"),
    CKG + "Statement": FactTitle("{speaker}: “{text}”"),
    CKG + "RouteReport": FactTitle("{population} to {destination}: {route}"),
    CKG + "PolicyAnnouncement": FactTitle("{announcer} announces: {announced}"),
    CKG + "PolicyChange": FactTitle("{actor}: {change} {instrument}"),
    PREFIXES["qb"] + "Observation": FactTitle("{measure} of {population} at {area}: {value}"),
    CKG + "MigrationTrend": FactTitle("{population}: {trend}", "area"),
    CKG + "CausalClaim": FactTitle("{cause} → {effect}"),
    CKG + "Purpose": FactTitle("Purpose of {of}: “{aim}”"),
    CKG + "Outcome": FactTitle("{outcome}: “{words}”", "share"),
}
TITLE_VALUES: dict[str, tuple[str, ...]] = {
    "member": (ORG + "member",), "title": (CKG + "titleAsWritten",), "relation status": (CKG + "relationStatus",),
    "participant": (CKG + "participant",), "event": (CKG + "event",), "role": (CKG + "role",),
    "participation status": (CKG + "participationStatus",),
    "subject": (RDF + "subject",), "relation": (RDF + "predicate",), "object": (RDF + "object",),
    "speaker": (CKG + "speaker",), "text": (SCHEMA + "text",),
    "population": (CKG + "population",), "destination": (CKG + "destination",), "route": (CKG + "route",),
    "announcer": (CKG + "announcer",), "announced": (CKG + "announces",),
    "actor": (CKG + "actor",), "change": (CKG + "changeKind",), "instrument": (CKG + "policyInstrument",),
    "measure": (CKG + "measureKind",), "area": (CKG + "refArea",), "value": (CKG + "valueAsWritten",),
    "trend": (CKG + "trend",),
    # what brings the effect about: named, else in the article's words, else whom it blames
    "cause": (CKG + "cause", CKG + "causeAsWritten", CKG + "heldResponsible"),
    "effect": (CKG + "effect", CKG + "effectAsWritten"),
    "of": (CKG + "purposeOf",), "aim": (CKG + "aimAsWritten",),
    "outcome": (CKG + "outcomeKind",), "words": (CKG + "outcomeAsWritten",), "share": (CKG + "shareAsWritten",),
}
CONTEXT_CHARS = 90  # characters of the article shown either side of a quote
ONTOLOGY_PAGE = "ontology.html"
WIKIDATA = "http://www.wikidata.org/entity/"


@dataclass
class Link:
    """A value shown as a link (or as plain text when `href` is empty)."""

    text: str
    href: str = ""
    title: str = ""
    note: str = ""
    external: bool = False
    html: str = ""  # the link as the `link` macro writes it, filled in once by Views


@dataclass
class Quote:
    """An evidence span in its context: the words before, the quoted words, the words after."""

    evidence: str
    href: str
    before: str
    exact: str
    after: str
    article: Link
    html: str = ""  # the quote as the `quote` macro writes it, filled in once by Views


@dataclass
class Row:
    """One property of a resource and its values, each with the articles that state it."""

    prop: Link
    values: list[tuple[Link, list[Link]]] = field(default_factory=list)


def humanise(local: str) -> str:
    """`superEvent` → `super event`; `head-of-delegation` → `head of delegation`; `inXSDDate` → `in XSD date`."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("-", " ").replace("_", " ").split()
    return " ".join(w if w[1:2].isupper() else w.lower() for w in words)


_PLACEHOLDER = re.compile(r"{(\w+)}")


def _shortened(text: str) -> str:
    """`text`'s first TITLE_WORDS words, with "…" where it had more."""
    words = text.split()
    return " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")


class Labeller:
    """Labels for our resources and for terms of the vocabularies, cached."""

    def __init__(self, index: SiteIndex, term_labels: dict[str, str]):
        self.index = index
        self.term_labels = term_labels
        self._labels: dict[str, str] = {}

    def caches(self) -> list[dict]:
        """What this keeps once computed, by IRI (see `render.Site.forgetting`)."""
        return [self._labels]

    def label(self, iri: str) -> str:
        found = self._labels.get(iri)
        if found is None:
            found = self._labels[iri] = self._find_label(iri)
        return found

    def _find_label(self, iri: str) -> str:
        # From the subject's properties, which its page and its links need too (read once per subject).
        properties = self.index.properties(iri) if iri in self.index.by_subject else None
        if properties:
            summary = [v.value for v in properties.get(SUMMARY, ())] if is_fact(iri) else []
            if summary:
                return min(summary)
            for predicate in LABEL_PROPERTIES:
                values = [v for v in properties.get(predicate, ()) if isinstance(v, ox.Literal)]
                if values:
                    english = [v for v in values if v.language in (None, "en")]
                    return min((english or values), key=lambda v: v.value).value
            if is_fact(iri):
                by_key = f"{self.kind(iri).capitalize()}: {humanise(iri.rsplit('/', 1)[-1])}"
                self._labels[iri] = by_key  # what a fact reads of itself, titled through its own values
                return self._fact_title(iri) or by_key
            text = [v.value for v in properties.get(SCHEMA + "text", ())]
            if text:  # an article without a headline: its first words
                words = text[0].split()
                return " ".join(words[:ARTICLE_LABEL_WORDS]) + ("…" if len(words) > ARTICLE_LABEL_WORDS else "")
        if iri in self.term_labels:
            return self.term_labels[iri]
        if iri.startswith(NS_ID):
            return humanise(iri.rstrip("/").rsplit("/", 1)[-1])
        return compact(iri)

    def _fact_title(self, iri: str) -> str | None:
        """The fact's title by `FACT_TITLES`; None where its class has none, or it lacks a value the
        pattern names. A post holding: 'Carlos Fernandez de Cossio as “deputy foreign minister”'; a
        statement: 'Unnamed US State Department spokesperson: “We have seen a significant increase…'."""
        title = next((FACT_TITLES[t] for t in self.index.types(iri) if t in FACT_TITLES), None)
        if title is None:
            return None
        values = {}
        for name in _PLACEHOLDER.findall(title.pattern):
            values[name] = self._title_values(iri, name)
            if not values[name]:
                return None
        qualifier = self._title_values(iri, title.qualifier) if title.qualifier else ""
        made = title.pattern.format(**values) + (f" ({qualifier})" if qualifier else "")
        return made[:1].upper() + made[1:]  # a title, even where its first label is in lower case

    def _title_values(self, iri: str, name: str) -> str:
        """The fact's values of the first of TITLE_VALUES[name] it has, each by its label (shortened), joined."""
        values = next((found for p in TITLE_VALUES[name] if (found := self.index.values(iri, p))), [])
        texts = []
        for value in values:
            if isinstance(value, ox.Literal):
                text = value.value
            elif value.value.startswith(NS_ID):
                text = self.label(value.value)
            else:  # a property (a relation's predicate) or a class
                text = self.term(value.value)
            texts.append(_shortened(text))
        return ", ".join(sorted(texts))

    def kind(self, iri: str) -> str:
        """The label of the resource's most specific type we know a label for."""
        types = self.index.types(iri)
        ours = [t for t in types if t.startswith(CKG)] or types
        return self.term(ours[0]) if ours else "resource"

    def term(self, iri: str) -> str:
        """A vocabulary term's label: the ontology's, else its humanised local name."""
        if iri in self.term_labels:
            return self.term_labels[iri]
        local = re.split(r"[#/]", iri)[-1]
        return humanise(local) if local else iri


class Views:
    """Turns IRIs and literals into the links, values and quotes templates show."""

    def __init__(self, index: SiteIndex, labeller: Labeller, texts: dict[str, str], article_ids: dict[str, str],
                 macros):
        self.index = index
        self.macros = macros  # the compiled macros.html.j2: links and quotes are rendered once each
        self.labeller = labeller
        self.texts = texts  # article IRI → its text
        self.article_ids = article_ids  # article IRI → its identifier
        self._links: dict[str, Link] = {}
        self._quotes: dict[str, Quote | None] = {}
        self._sources: dict[str, Link | None] = {}
        self._literals: dict[ox.Literal, Link] = {}
        self._terms: dict[str, Link] = {}  # by the IRI of a property or class
        self._times: dict[str, Link] = {}
        self._rows: dict[tuple[str, frozenset], list[Row]] = {}

    def caches(self) -> list[dict]:
        """What this keeps once made: each keyed by an IRI, an (IRI, …) tuple or a literal (see
        `render.Site.forgetting`)."""
        return [self._links, self._quotes, self._sources, self._literals, self._terms, self._times, self._rows]

    def made(self, link: Link) -> Link:
        link.html = self.macros.link(link)
        return link

    # -- links ----------------------------------------------------------------------------
    def link(self, iri: str) -> Link:
        cached = self._links.get(iri)
        if cached is None:
            cached = self._links[iri] = self.made(self._make_link(iri))
        return cached

    def _make_link(self, iri: str) -> Link:
        target = page_of(iri)
        if target is not None:
            return Link(self.labeller.label(iri), target.href(HTML), title=iri)
        if iri.startswith(NS_ONTOLOGY):
            return Link(compact(iri), f"{ONTOLOGY_PAGE}#{iri[len(NS_ONTOLOGY):]}", title=iri)
        note = "Wikidata" if iri.startswith(WIKIDATA) else ""
        return Link(compact(iri), iri, title=iri, note=note, external=True)

    def term_link(self, iri: str) -> Link:
        """A property or class, labelled for a reader, linked to its definition."""
        found = self._terms.get(iri)
        if found is None:
            link = self.link(iri)
            found = self._terms[iri] = self.made(Link(self.labeller.term(iri), link.href, title=compact(iri), external=link.external))
        return found

    def value(self, term) -> Link:
        if isinstance(term, ox.NamedNode):
            if term.value.startswith(NS_ID + "time/") and term.value.count("/", len(NS_ID)) == 3:
                return self.time_value(term.value)  # a time (not its description): with its value
            return self.link(term.value)
        if isinstance(term, ox.Literal):
            cached = self._literals.get(term)
            if cached is None:
                datatype = term.datatype.value
                note = term.language or ("" if datatype in (XSD + "string", PREFIXES["rdf"] + "langString") else compact(datatype))
                cached = self._literals[term] = self.made(Link(term.value, note=note))
            return cached
        return self.made(Link(str(term)))

    def time_value(self, iri: str) -> Link:
        """A time as the text wrote it, with the date as precise as the text allows."""
        found = self._times.get(iri)
        if found is None:
            link = self.link(iri)
            found = self._times[iri] = self.made(Link(link.text, link.href, title=iri, note=self.time_precision(iri)))
        return found

    def time_precision(self, iri: str) -> str:
        index = self.index
        for candidate in (iri, *(b.value for b in index.values(iri, TIME + "hasBeginning"))):
            for predicate in TIME_VALUES:
                found = index.values(candidate, predicate)
                if found:
                    prefix = "since " if candidate != iri else ""
                    return prefix + found[0].value
            for description in index.values(candidate, TIME + "inDateTime"):
                weekday = index.values(description.value, TIME + "dayOfWeek")
                if weekday:
                    return f"a {weekday[0].value.rsplit('#', 1)[-1]}, date not given"
        return "date not given"

    def source(self, graph: str) -> Link | None:
        """The article (or the registry) a statement comes from."""
        if graph not in self._sources:
            self._sources[graph] = self._make_source(graph)
        return self._sources[graph]

    def _make_source(self, graph: str) -> Link | None:
        name = graph.rsplit("/", 1)[-1]
        article = NS_ID + "article/" + name
        if article in self.article_ids:
            return self.made(Link(self.article_ids[article], page_of(article).href(HTML), title=self.labeller.label(article)))
        target = page_of(graph)
        return self.made(Link("registry" if name == "shared" else name, target.href(HTML) if target else "", title=graph))

    # -- quotes -----------------------------------------------------------------------------
    def quote(self, evidence: str) -> Quote | None:
        if evidence not in self._quotes:
            self._quotes[evidence] = self._make_quote(evidence)
        return self._quotes[evidence]

    def span(self, evidence: str) -> tuple[str, int, int] | None:
        """(article IRI, start, end) of an evidence span, from its position selector."""
        index = self.index
        source = index.values(evidence, OA + "hasSource")
        if not source:
            return None
        for selector in index.values(evidence, OA + "hasSelector"):
            start = index.values(selector.value, OA + "start")
            end = index.values(selector.value, OA + "end")
            if start and end:
                return source[0].value, int(start[0].value), int(end[0].value)
        return None

    def _make_quote(self, evidence: str) -> Quote | None:
        found = self.span(evidence)
        if found is None:
            return None
        article, start, end = found
        text = self.texts.get(article, "")
        before, after = text[max(0, start - CONTEXT_CHARS):start], text[end:end + CONTEXT_CHARS]
        if start > CONTEXT_CHARS and " " in before:
            before = "…" + before.split(" ", 1)[1]
        if end + CONTEXT_CHARS < len(text) and " " in after:
            after = after.rsplit(" ", 1)[0] + "…"
        quote = Quote(
            evidence=evidence, href=page_of(evidence).href(HTML), before=before, exact=text[start:end], after=after,
            article=self.link(article),
        )
        quote.html = self.macros.quote(quote)
        return quote

    def quotes_of(self, subject: str) -> list[Quote]:
        """The evidence `subject` is derived from, as quotes, in article and text order."""
        found = [self.quote(e.value) for e in self.index.values(subject, PROV + "wasDerivedFrom")
                 if e.value.startswith(NS_ID + "evidence/")]
        return [q for q in found if q is not None]

    # -- statements ---------------------------------------------------------------------------
    def rows(self, subject: str, skip: frozenset[str]) -> list[Row]:
        """The resource's statements grouped by property, each value with the articles stating it."""
        key = (subject, skip)
        if key not in self._rows:
            self._rows[key] = self._make_rows(subject, skip)
        return self._rows[key]

    def _make_rows(self, subject: str, skip: frozenset[str]) -> list[Row]:
        rows: dict[str, Row] = {}
        sources_of: dict[tuple[str, object], dict[str, Link]] = {}
        statements = self.index.by_subject.get(subject, ())
        # Which article states what matters only where several do.
        several = len({s.graph for s in statements}) > 1
        for predicate, obj, graph in statements:
            if predicate in skip:
                continue
            row = rows.get(predicate)
            if row is None:
                row = rows[predicate] = Row(self.term_link(predicate))
            key = (predicate, obj)
            sources = sources_of.get(key)
            if sources is None:
                sources = sources_of[key] = {}
                row.values.append((self.value(obj), sources))
            if several and graph is not None and graph not in sources:
                source = self.source(graph)
                if source is not None:
                    sources[graph] = source
        for row in rows.values():
            row.values = [(value, list(sources.values())) for value, sources in row.values]
        return list(rows.values())


TYPE_AND_EVIDENCE = frozenset({RDF_TYPE, PROV + "wasDerivedFrom"})
