"""Stage 5, emit: the quads of the release, as docs/model.md lays them out.

One named graph per article (its facts, evidence and times), a shared graph (the
registry, concept schemes, Data Cube structures), a graph of where the articles
came from (`sources`, only if a sheet says) and, only if a sheet marks facts as
outside knowledge, a graph of those. Each fact kind writes its own triples
(`cubakg.facts`) through a `FactWriter`; this module writes what is common to all.

Quads are strings (`cubakg.terms.Quad`), written straight into the list that the
validate and publish stages read.
"""

from __future__ import annotations

from dataclasses import dataclass

from cubakg import mint
from cubakg.facts.observation import ATTRIBUTES, DIMENSIONS, STATISTICS
from cubakg.mint import Minter
from cubakg.namespaces import CKG, DCTERMS, OA, ORG, OWL_NS, PROV, QB, RDF_TYPE, RDFS_NS, SDO, SKOS, TIME, XSD
from cubakg.read import LoadedRegistry
from cubakg.records import ArticleRecord, FactRecord, ResolvedInterval, ResolvedTime
from cubakg.sheets import Entity
from cubakg.terms import Quad, boolean, date, en, integer, iri, text, typed

GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
WEEKDAYS = [TIME.Monday, TIME.Tuesday, TIME.Wednesday, TIME.Thursday, TIME.Friday, TIME.Saturday, TIME.Sunday]
UNITS = {"day": TIME.unitDay, "month": TIME.unitMonth, "year": TIME.unitYear}
SHARED_GRAPH = mint.graph_iri("shared")
SOURCES_GRAPH = mint.graph_iri("sources")

# Registry (sub)types → classes.
ENTITY_CLASSES: dict[tuple[str, str | None], list[str]] = {
    ("person", None): [SDO.Person, PROV.Agent],
    ("group", None): [CKG.UnnamedGroup],
    ("organization", "government-agency"): [CKG.GovernmentAgency],
    ("organization", "national-government"): [CKG.NationalGovernment],
    ("organization", "administration"): [CKG.Administration],
    ("organization", "diplomatic-mission"): [CKG.DiplomaticMission],
    ("outlet", None): [CKG.NewsOutlet],
    ("country", None): [SDO.Country],
    ("place", "city"): [SDO.City],
    ("place", "border"): [CKG.Border],
    ("place", None): [SDO.Place],
    ("post", None): [ORG.Post],
    ("event", "talks-series"): [CKG.DiplomaticTalks],
    ("event", "talks-round"): [CKG.TalksRound],
    ("event", "conference"): [CKG.Conference],
    ("event", None): [CKG.ContextEvent],
    ("policy", None): [CKG.Policy],
}


class Quads:
    """The list of quads being written, and the graph they currently go to."""

    def __init__(self) -> None:
        self.items: list[Quad] = []

    def add(self, graph: str, subject: str, predicate: str, obj: str | None) -> None:
        if obj is not None:
            self.items.append((graph, subject, predicate, obj))


@dataclass
class FactWriter:
    """What a fact kind writes its triples with: the fact's IRIs and small helpers."""

    quads: Quads
    minter: Minter
    article_record: ArticleRecord
    record: FactRecord
    section_positions: dict[str, int]

    mint = mint  # kinds mint the few IRIs they need (datasets, concepts) through this

    @property
    def node(self) -> str:
        """The node the fact describes (see `describes` in cubakg.facts.base)."""
        return self.record.iri

    @property
    def article_iri(self) -> str:
        return self.article_record.iri

    def add(self, subject: str, predicate: str, obj: str | None) -> None:
        self.quads.add(self.record.graph, subject, predicate, obj)

    def key_iri(self, key: str) -> str:
        return self.minter.key(key)

    def entity(self, key: str) -> Entity:
        return self.minter.index[key].entity

    def ref(self, subject: str, predicate: str, key: str | None) -> None:
        if key:
            self.add(subject, predicate, iri(self.minter.key(key)))

    def refs(self, subject: str, predicate: str, keys: list[str]) -> None:
        for key in keys:
            self.ref(subject, predicate, key)

    def fact_iri(self, fact_id: str) -> str:
        return mint.fact_iri(self.article_record.id, fact_id)

    def fact_ref(self, subject: str, predicate: str, fact_id: str | None) -> None:
        """Link to the node another fact of the sheet describes (its n-ary node, or its entity)."""
        if fact_id:
            node = next(r.iri for r in self.article_record.facts if r.fact.id == fact_id)
            self.add(subject, predicate, iri(node))

    def fact_refs(self, subject: str, predicate: str, fact_ids: list[str]) -> None:
        for fact_id in fact_ids:
            self.fact_ref(subject, predicate, fact_id)

    def section_position(self) -> int:
        return self.section_positions[self.record.fact.id]

    def fact_node(self, cls: str) -> str:
        """The fact's own node (an n-ary fact), typed, with its provenance."""
        self.add(self.node, RDF_TYPE, iri(cls))
        self.provenance()
        return self.node

    def provenance(self) -> None:
        """The fact's node derives from the article and its evidence; summary, attribution, basis."""
        node, fact = self.node, self.record.fact
        self.add(node, PROV.wasDerivedFrom, iri(self.article_record.iri))
        for evidence in self.record.evidence:
            self.add(node, PROV.wasDerivedFrom, iri(evidence))
        if fact.summary:
            self.add(node, CKG.summary, en(fact.summary))
        self.ref(node, CKG.reportedBy, fact.reported_by)
        if fact.outside:
            self.add(node, CKG.basis, en(fact.outside.basis))

    def time(self, subject: str, predicate: str, slot: str, date_property: str | None = None) -> None:
        """Link the time of `slot`, write its node, and the plain date when the day is fixed."""
        resolved = self.record.times.get(slot)
        if resolved is None:
            return
        node = self.record.time_nodes[slot]
        self.add(subject, predicate, iri(node))
        if isinstance(resolved, ResolvedInterval):
            self.interval(node, resolved)
            return
        instant = node
        if slot == "since":
            instant = mint.beginning_iri(node)
            self.add(node, RDF_TYPE, iri(TIME.ProperInterval))
            self.add(node, TIME.hasBeginning, iri(instant))
        self.instant(instant, resolved)
        if date_property and resolved.date:
            self.add(subject, date_property, date(resolved.date))

    def interval(self, node: str, resolved: ResolvedInterval) -> None:
        """A time:ProperInterval with what the text fixes of its bounds and its length."""
        self.add(node, RDF_TYPE, iri(TIME.ProperInterval))
        self.add(node, CKG.asWritten, text(resolved.as_written))
        self.ref(node, CKG.withinTimeOf, resolved.within)
        for bound, predicate, bound_node in ((resolved.begins, TIME.hasBeginning, mint.beginning_iri(node)),
                                             (resolved.ends, TIME.hasEnd, mint.end_iri(node))):
            if bound is not None:
                self.add(node, predicate, iri(bound_node))
                self.instant(bound_node, bound)
        duration = resolved.duration
        if duration:
            self.add(node, TIME.hasXSDDuration, typed(duration.iso, XSD + "duration"))
            description = mint.duration_iri(node)
            self.add(node, TIME.hasDurationDescription, iri(description))
            self.add(description, RDF_TYPE, iri(TIME.GeneralDurationDescription))
            self.add(description, TIME.hasTRS, iri(GREGORIAN))
            for amount, unit in ((duration.years, TIME.years), (duration.months, TIME.months), (duration.days, TIME.days)):
                if amount:
                    self.add(description, unit, typed(str(amount), XSD + "decimal"))

    def instant(self, node: str, resolved: ResolvedTime) -> None:
        self.add(node, RDF_TYPE, iri(TIME.Instant))
        self.add(node, CKG.asWritten, text(resolved.as_written))
        self.ref(node, CKG.withinTimeOf, resolved.within)
        if resolved.anchor == "dateline":
            self.add(node, CKG.anchor, iri(self.article_record.iri))
        elif resolved.anchor == "event":
            self.ref(node, CKG.anchor, resolved.anchor_event)
            self.add(node, CKG.offsetDays, integer(resolved.offset_days))
        self.ref(node, CKG.afterEvent, resolved.after)
        self.ref(node, CKG.beforeEvent, resolved.before)
        if resolved.derivation:
            self.add(node, CKG.derivation, en(resolved.derivation))
        year, month, day = resolved.year, resolved.month, resolved.day
        if resolved.date:
            self.add(node, TIME.inXSDDate, date(resolved.date))
        elif year and month and day is None and resolved.weekday is None:
            self.add(node, TIME.inXSDgYearMonth, typed(f"{year:04d}-{month:02d}", XSD + "gYearMonth"))
        elif year and month is None:
            self.add(node, TIME.inXSDgYear, typed(f"{year:04d}", XSD + "gYear"))
        if resolved.fixes_nothing:
            return  # the text fixes no part ("Since these talks began"): nothing to describe
        description = mint.description_iri(node)
        self.add(node, TIME.inDateTime, iri(description))
        self.add(description, RDF_TYPE, iri(TIME.GeneralDateTimeDescription))
        self.add(description, TIME.hasTRS, iri(GREGORIAN))
        self.add(description, TIME.unitType, iri(UNITS[resolved.unit]))
        if year:
            self.add(description, TIME.year, typed(f"{year:04d}", XSD + "gYear"))
        if month:
            self.add(description, TIME.month, typed(f"--{month:02d}", XSD + "gMonth"))
        if day:
            self.add(description, TIME.day, typed(f"---{day:02d}", XSD + "gDay"))
        if resolved.weekday is not None:
            self.add(description, TIME.dayOfWeek, iri(WEEKDAYS[resolved.weekday]))


# --- the shared graph -------------------------------------------------------------------


def emit_registry(quads: Quads, registry: LoadedRegistry, minter: Minter) -> None:
    entities = registry.registry.entities
    for key in sorted(entities):
        emit_entity(quads, key, entities[key], minter)
    for scheme_key, scheme in sorted(registry.registry.schemes.items()):
        node = mint.scheme_iri(scheme_key)
        quads.add(SHARED_GRAPH, node, RDF_TYPE, iri(SKOS.ConceptScheme))
        quads.add(SHARED_GRAPH, node, SKOS.prefLabel, en(scheme.label))
        quads.add(SHARED_GRAPH, node, SKOS.definition, en(scheme.definition))
        for key, concept in sorted(scheme.concepts.items()):
            concept_node = mint.concept_iri(scheme_key, key)
            quads.add(SHARED_GRAPH, concept_node, RDF_TYPE, iri(SKOS.Concept))
            quads.add(SHARED_GRAPH, concept_node, SKOS.inScheme, iri(node))
            quads.add(SHARED_GRAPH, concept_node, SKOS.prefLabel, en(concept.label))
            quads.add(SHARED_GRAPH, concept_node, SKOS.definition, en(concept.definition))
            for alias in other_names(concept.label, concept.aliases):
                quads.add(SHARED_GRAPH, concept_node, SKOS.altLabel, en(alias))
            if concept.broader:
                quads.add(SHARED_GRAPH, concept_node, SKOS.broader, iri(mint.concept_iri(scheme_key, concept.broader)))
            else:
                quads.add(SHARED_GRAPH, concept_node, SKOS.topConceptOf, iri(node))
                quads.add(SHARED_GRAPH, node, SKOS.hasTopConcept, iri(concept_node))


def other_names(label: str, aliases: list[str]) -> list[str]:
    """The aliases that are not the label itself: SKOS keeps a concept's preferred and
    alternative labels apart (integrity condition S13), and an entity's label repeated as
    an alias says nothing. The registry may list the label among the aliases all the same.

    >>> other_names("Cubans", ["Cubans", "Cuban migrants"])
    ['Cuban migrants']
    """
    return [alias for alias in aliases if alias != label]


def emit_entity(quads: Quads, key: str, entity: Entity, minter: Minter) -> None:
    node = minter.key(key)
    classes = ENTITY_CLASSES.get((entity.type, entity.subtype)) or ENTITY_CLASSES[(entity.type, None)]
    for cls in classes:
        quads.add(SHARED_GRAPH, node, RDF_TYPE, iri(cls))
    if classes == [CKG.ContextEvent] and entity.subtype:
        quads.add(SHARED_GRAPH, node, CKG.eventCategory, text(entity.subtype))
    quads.add(SHARED_GRAPH, node, RDFS_NS.label, en(entity.label))
    for alias in other_names(entity.label, entity.aliases):
        quads.add(SHARED_GRAPH, node, SKOS.altLabel, en(alias))
    if entity.description:
        quads.add(SHARED_GRAPH, node, SDO.description, en(entity.description))
    if entity.wikidata:
        quads.add(SHARED_GRAPH, node, OWL_NS.sameAs, iri(mint.wikidata_iri(entity.wikidata)))
    if entity.post_in:
        quads.add(SHARED_GRAPH, node, ORG.postIn, iri(minter.key(entity.post_in)))


def emit_statistics_structure(quads: Quads, ontology) -> None:
    """Data Cube datasets and structures, and the component declarations they need."""
    for statistic in STATISTICS.values():
        dataset, structure = mint.dataset_iri(statistic.dataset), mint.structure_iri(statistic.dataset)
        label = statistic.label
        quads.add(SHARED_GRAPH, dataset, RDF_TYPE, iri(QB.DataSet))
        quads.add(SHARED_GRAPH, dataset, RDFS_NS.label, en(label))
        quads.add(SHARED_GRAPH, dataset, QB.structure, iri(structure))
        quads.add(SHARED_GRAPH, structure, RDF_TYPE, iri(QB.DataStructureDefinition))
        quads.add(SHARED_GRAPH, structure, RDFS_NS.label, en(f"Structure of {label[0].lower()}{label[1:]}"))
        components = [(p, QB.dimension, integer(order), QB.order) for order, p in enumerate(DIMENSIONS, 1)]
        components.append((statistic.measure, QB.measure, None, None))
        components += [(p, QB.attribute, boolean(required), QB.componentRequired) for p, required in ATTRIBUTES]
        for prop, kind, extra, extra_property in components:
            component = mint.component_iri(structure, prop)
            quads.add(SHARED_GRAPH, structure, QB.component, iri(component))
            quads.add(SHARED_GRAPH, component, RDF_TYPE, iri(QB.ComponentSpecification))
            quads.add(SHARED_GRAPH, component, kind, iri(prop))
            if extra_property:
                quads.add(SHARED_GRAPH, component, extra_property, extra)
            for predicate, value in ontology.declaration(prop):
                quads.add(SHARED_GRAPH, prop, predicate, value)


# --- articles --------------------------------------------------------------------------


def emit_article(quads: Quads, article: ArticleRecord, minter: Minter) -> None:
    node, graph = article.iri, article.graph
    header = article.sheet.sheet.article
    quads.add(graph, node, RDF_TYPE, iri(SDO.NewsArticle))
    quads.add(graph, node, DCTERMS.identifier, text(article.id))
    quads.add(graph, node, SDO.inLanguage, text(header.language))
    quads.add(graph, node, SDO.text, text(article.text))
    if header.draft:
        quads.add(graph, node, CKG.draft, boolean(True))
    emit_source(quads, article, minter)
    sections = sorted((r for r in article.facts if r.fact.kind == "section"), key=lambda r: min(s.start for s in r.spans))
    positions = {record.fact.id: n for n, record in enumerate(sections, 1)}
    for record in article.facts:
        for span, evidence in zip(record.spans, record.evidence):
            emit_evidence(quads, article, span, evidence)
        record.fact.emit(FactWriter(quads, minter, article, record, positions))
    for key in sorted(mentioned_entities(article, minter)):
        quads.add(graph, node, SDO.mentions, iri(minter.key(key)))


def emit_source(quads: Quads, article: ArticleRecord, minter: Minter) -> None:
    """Where the article came from, in the `sources` graph: metadata, not what the text says."""
    source = article.sheet.sheet.article.source
    if source is None:
        return
    node = article.iri
    if source.url:
        quads.add(SOURCES_GRAPH, node, SDO.url, iri(source.url))
    if source.outlet:
        quads.add(SOURCES_GRAPH, node, SDO.publisher, iri(minter.key(source.outlet)))
    if source.published:
        quads.add(SOURCES_GRAPH, node, SDO.datePublished, date(source.published))
    if source.retrieved:
        quads.add(SOURCES_GRAPH, node, CKG.dateRetrieved, date(source.retrieved))


def emit_evidence(quads: Quads, article: ArticleRecord, span, node: str) -> None:
    graph = article.graph
    quote, position = mint.quote_selector_iri(node), mint.position_selector_iri(node)
    quads.add(graph, node, RDF_TYPE, iri(OA.SpecificResource))
    quads.add(graph, node, OA.hasSource, iri(article.iri))
    quads.add(graph, node, OA.hasSelector, iri(quote))
    quads.add(graph, node, OA.hasSelector, iri(position))
    quads.add(graph, quote, RDF_TYPE, iri(OA.TextQuoteSelector))
    quads.add(graph, quote, OA.exact, text(span.exact))
    if span.prefix:
        quads.add(graph, quote, OA.prefix, text(span.prefix))
    if span.suffix:
        quads.add(graph, quote, OA.suffix, text(span.suffix))
    quads.add(graph, position, RDF_TYPE, iri(OA.TextPositionSelector))
    quads.add(graph, position, OA.start, typed(str(span.start), XSD + "nonNegativeInteger"))
    quads.add(graph, position, OA.end, typed(str(span.end), XSD + "nonNegativeInteger"))


def mentioned_entities(article: ArticleRecord, minter: Minter) -> set[str]:
    """Every registry entity (not concept) the article's facts name."""
    keys = set()
    for record in article.facts:
        for _name, _offset, key in record.fact.keys():
            if minter.index[key].entity is not None:
                keys.add(key)
    return keys


def emit_shared(registry: LoadedRegistry, minter: Minter, ontology) -> list[Quad]:
    """The shared graph: the registry, the concept schemes, the Data Cube structures."""
    quads = Quads()
    emit_registry(quads, registry, minter)
    emit_statistics_structure(quads, ontology)
    return quads.items


def emit_one(article: ArticleRecord, minter: Minter) -> list[Quad]:
    """One article's quads: its graph, and its lines in the sources and outside-knowledge graphs."""
    quads = Quads()
    emit_article(quads, article, minter)
    return quads.items


def emit(articles: list[ArticleRecord], registry: LoadedRegistry, minter: Minter, ontology) -> list[Quad]:
    """Every quad of the release: the shared graph, then each article's."""
    quads = emit_shared(registry, minter, ontology)
    for article in articles:
        quads += emit_one(article, minter)
    return quads
