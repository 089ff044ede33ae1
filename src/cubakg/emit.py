"""Stage 5, emit: the RDF graph, as docs/model.md lays it out.

One named graph per article (its facts, evidence and times), a shared graph (the
registry, concept schemes, Data Cube structures) and, only if a sheet marks facts
as outside knowledge, a graph of those.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, QB, SDO, TIME

from cubakg import mint
from cubakg.anchor import Span
from cubakg.read import LoadedRegistry, LoadedSheet
from cubakg.resolve import Figure, ResolvedTime, Term, TimeBook
from cubakg.resources import NS_ID, NS_ONTOLOGY
from cubakg.sheets import Entity

CKG = Namespace(NS_ONTOLOGY)
OA = Namespace("http://www.w3.org/ns/oa#")
GREGORIAN = URIRef("http://www.opengis.net/def/uom/ISO-8601/0/Gregorian")
WEEKDAY_IRIS = [TIME.Monday, TIME.Tuesday, TIME.Wednesday, TIME.Thursday, TIME.Friday, TIME.Saturday, TIME.Sunday]
UNIT_IRIS = {"day": TIME.unitDay, "month": TIME.unitMonth, "year": TIME.unitYear}

PREFIXES = {
    "ckg": CKG, "id": Namespace(NS_ID), "schema": SDO, "org": ORG, "prov": PROV, "oa": OA,
    "time": TIME, "qb": QB, "skos": SKOS, "dcterms": DCTERMS, "owl": OWL, "rdfs": RDFS, "xsd": XSD,
}

# Registry (sub)types → classes.
ENTITY_CLASSES: dict[tuple[str, str | None], list[URIRef]] = {
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

STATISTICS = {
    "count": ("migration-counts", CKG.personCount, "persons", "Counts of migrants reported in the articles"),
    "rank": ("migration-rankings", CKG.rank, "rank-position", "Rankings of migrant groups reported in the articles"),
}
DIMENSIONS = [CKG.refPeriod, CKG.refArea, CKG.population, CKG.measureKind]
ATTRIBUTES = [  # (property, required)
    (CKG.unitOfMeasure, True), (CKG.valueAsWritten, True), (CKG.approximate, True),
    (CKG.recordQualifier, False), (CKG.sourceAgency, False), (CKG.reportedBy, False),
]


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


@dataclass
class EmitInput:
    registry: LoadedRegistry
    index: dict[str, Term]
    sheets: list[LoadedSheet]
    spans: dict[str, dict[str, list[Span]]]  # article id → fact id → spans
    times: TimeBook
    figures: dict[tuple[str, str], Figure]  # (article id, fact id) → figure of an observation
    ontology: Graph


class Emitter:
    """Builds the dataset; one method per kind of fact."""

    def __init__(self, source: EmitInput):
        self.source = source
        self.dataset = Dataset()
        for prefix, namespace in PREFIXES.items():
            self.dataset.bind(prefix, namespace)
        self.shared = self.dataset.graph(mint.graph_iri("shared"))
        self.graph: Graph = self.shared
        self.article_id = ""

    # --- helpers ------------------------------------------------------------

    def iri(self, key: str) -> URIRef:
        term = self.source.index[key]
        if term.entity is not None:
            return mint.entity_iri(key, term.entity)
        return mint.concept_iri(term.scheme, key)

    def add(self, subject, predicate, obj) -> None:
        if obj is not None:
            self.graph.add((subject, predicate, obj))

    def add_key(self, subject, predicate, key: str | None) -> None:
        if key:
            self.add(subject, predicate, self.iri(key))

    def add_provenance(self, node: URIRef, fact) -> None:
        article = mint.article_iri(self.article_id)
        self.add(node, PROV.wasDerivedFrom, article)
        for span in self.source.spans[self.article_id][fact.id]:
            evidence = self.evidence(span)
            self.add(node, PROV.wasDerivedFrom, evidence)
        if fact.summary:
            self.add(node, CKG.summary, en(fact.summary))
        self.add_key(node, CKG.reportedBy, fact.reported_by)
        if fact.outside:
            self.add(node, CKG.basis, en(fact.outside.basis))

    def evidence(self, span: Span) -> URIRef:
        node = mint.evidence_iri(span.article_id, span.start, span.end)
        quote, position = URIRef(f"{node}/quote"), URIRef(f"{node}/position")
        g = self.dataset.graph(mint.graph_iri(span.article_id))
        g.add((node, RDF.type, OA.SpecificResource))
        g.add((node, OA.hasSource, mint.article_iri(span.article_id)))
        g.add((node, OA.hasSelector, quote))
        g.add((node, OA.hasSelector, position))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(span.exact)))
        if span.prefix:
            g.add((quote, OA.prefix, Literal(span.prefix)))
        if span.suffix:
            g.add((quote, OA.suffix, Literal(span.suffix)))
        g.add((position, RDF.type, OA.TextPositionSelector))
        g.add((position, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
        g.add((position, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))
        return node

    def time(self, fact, slot: str) -> URIRef | None:
        resolved = self.source.times.times.get((self.article_id, fact.id, slot))
        if resolved is None:
            return None
        node = mint.time_iri(self.article_id, fact.id, slot)
        instant = node
        if slot == "since":
            instant = URIRef(f"{node}/beginning")
            self.add(node, RDF.type, TIME.ProperInterval)
            self.add(node, TIME.hasBeginning, instant)
        self.instant(instant, resolved)
        return node

    def instant(self, node: URIRef, resolved: ResolvedTime) -> None:
        self.add(node, RDF.type, TIME.Instant)
        self.add(node, CKG.asWritten, Literal(resolved.as_written))
        if resolved.anchor == "dateline":
            self.add(node, CKG.anchor, mint.article_iri(self.article_id))
        elif resolved.anchor == "event":
            self.add_key(node, CKG.anchor, resolved.anchor_event)
            self.add(node, CKG.offsetDays, integer(resolved.offset_days))
        self.add_key(node, CKG.afterEvent, resolved.after)
        self.add_key(node, CKG.beforeEvent, resolved.before)
        if resolved.derivation:
            self.add(node, CKG.derivation, en(resolved.derivation))
        if resolved.date:
            self.add(node, TIME.inXSDDate, Literal(resolved.date.isoformat(), datatype=XSD.date))
        elif resolved.year and resolved.month and resolved.day is None and resolved.weekday is None:
            self.add(node, TIME.inXSDgYearMonth, Literal(f"{resolved.year:04d}-{resolved.month:02d}", datatype=XSD.gYearMonth))
        elif resolved.year and resolved.month is None:
            self.add(node, TIME.inXSDgYear, Literal(f"{resolved.year:04d}", datatype=XSD.gYear))
        if all(part is None for part in (resolved.year, resolved.month, resolved.day, resolved.weekday)):
            return  # the text fixes no part ("Since these talks began"): nothing to describe
        description = URIRef(f"{node}/description")
        self.add(node, TIME.inDateTime, description)
        self.add(description, RDF.type, TIME.GeneralDateTimeDescription)
        self.add(description, TIME.hasTRS, GREGORIAN)
        self.add(description, TIME.unitType, UNIT_IRIS[resolved.unit])
        if resolved.year:
            self.add(description, TIME.year, Literal(f"{resolved.year:04d}", datatype=XSD.gYear))
        if resolved.month:
            self.add(description, TIME.month, Literal(f"--{resolved.month:02d}", datatype=XSD.gMonth))
        if resolved.day:
            self.add(description, TIME.day, Literal(f"---{resolved.day:02d}", datatype=XSD.gDay))
        if resolved.weekday is not None:
            self.add(description, TIME.dayOfWeek, WEEKDAY_IRIS[resolved.weekday])

    def dated(self, subject: URIRef, time_node: URIRef | None, fact, slot: str, date_property: URIRef) -> None:
        """Link a time node, and the plain schema.org date when the day is fixed."""
        if time_node is None:
            return
        resolved = self.source.times.times[(self.article_id, fact.id, slot)]
        if resolved.date:
            self.add(subject, date_property, Literal(resolved.date.isoformat(), datatype=XSD.date))

    # --- shared graph -------------------------------------------------------

    def emit_registry(self) -> None:
        self.graph = self.shared
        registry = self.source.registry.registry
        for key in sorted(registry.entities):
            self.emit_entity(key, registry.entities[key])
        for scheme_key in sorted(registry.schemes):
            scheme = registry.schemes[scheme_key]
            node = mint.scheme_iri(scheme_key)
            self.add(node, RDF.type, SKOS.ConceptScheme)
            self.add(node, SKOS.prefLabel, en(scheme.label))
            self.add(node, SKOS.definition, en(scheme.definition))
            for key, concept in sorted(scheme.concepts.items()):
                iri = mint.concept_iri(scheme_key, key)
                self.add(iri, RDF.type, SKOS.Concept)
                self.add(iri, SKOS.inScheme, node)
                self.add(iri, SKOS.prefLabel, en(concept.label))
                self.add(iri, SKOS.definition, en(concept.definition))
                for alias in concept.aliases:
                    self.add(iri, SKOS.altLabel, en(alias))
                if concept.broader:
                    self.add(iri, SKOS.broader, mint.concept_iri(scheme_key, concept.broader))
                else:
                    self.add(iri, SKOS.topConceptOf, node)
                    self.add(node, SKOS.hasTopConcept, iri)

    def emit_entity(self, key: str, entity: Entity) -> None:
        node = mint.entity_iri(key, entity)
        classes = ENTITY_CLASSES.get((entity.type, entity.subtype)) or ENTITY_CLASSES[(entity.type, None)]
        for cls in classes:
            self.add(node, RDF.type, cls)
        if classes == [CKG.ContextEvent] and entity.subtype:
            self.add(node, CKG.eventCategory, Literal(entity.subtype))
        self.add(node, RDFS.label, en(entity.label))
        for alias in entity.aliases:
            self.add(node, SKOS.altLabel, en(alias))
        if entity.description:
            self.add(node, SDO.description, en(entity.description))
        if entity.wikidata:
            self.add(node, OWL.sameAs, mint.wikidata_iri(entity.wikidata))
        if entity.post_in:
            self.add_key(node, ORG.postIn, entity.post_in)

    def emit_statistics_structure(self) -> None:
        """Data Cube datasets and structures, and the component declarations they need."""
        self.graph = self.shared
        for name, measure, _unit, label in STATISTICS.values():
            dataset, structure = mint.dataset_iri(name), mint.structure_iri(name)
            self.add(dataset, RDF.type, QB.DataSet)
            self.add(dataset, RDFS.label, en(label))
            self.add(dataset, QB.structure, structure)
            self.add(structure, RDF.type, QB.DataStructureDefinition)
            self.add(structure, RDFS.label, en(f"Structure of {label[0].lower()}{label[1:]}"))
            components = [(p, QB.dimension, order) for order, p in enumerate(DIMENSIONS, 1)]
            components.append((measure, QB.measure, None))
            components += [(p, QB.attribute, required) for p, required in ATTRIBUTES]
            for prop, kind, extra in components:
                component = URIRef(f"{structure}/{prop.split('#')[-1]}")
                self.add(structure, QB.component, component)
                self.add(component, RDF.type, QB.ComponentSpecification)
                self.add(component, kind, prop)
                if kind == QB.dimension:
                    self.add(component, QB.order, integer(extra))
                if kind == QB.attribute:
                    self.add(component, QB.componentRequired, Literal(extra))
                self.copy_component_declaration(prop)

    def copy_component_declaration(self, prop: URIRef) -> None:
        for predicate in (RDF.type, RDFS.range, QB.codeList, RDFS.label):
            for value in self.source.ontology.objects(prop, predicate):
                self.add(prop, predicate, value)

    # --- articles -------------------------------------------------------------

    def emit_sheet(self, loaded: LoadedSheet) -> None:
        self.article_id = loaded.article_id
        article = mint.article_iri(self.article_id)
        self.graph = self.dataset.graph(mint.graph_iri(self.article_id))
        self.add(article, RDF.type, SDO.NewsArticle)
        self.add(article, DCTERMS.identifier, Literal(self.article_id))
        self.add(article, SDO.inLanguage, Literal(loaded.sheet.article.language))
        self.add(article, SDO.text, Literal(loaded.text))
        sections = [f for f in loaded.sheet.facts if f.kind == "section"]
        order = {f.id: n for n, f in enumerate(sorted(sections, key=lambda f: self.first_offset(f)), 1)}
        for fact in loaded.sheet.facts:
            target = self.outside_graph() if fact.outside else self.dataset.graph(mint.graph_iri(self.article_id))
            self.graph = target
            getattr(self, "fact_" + fact.kind.replace("-", "_"))(fact, article, order)
        self.graph = self.dataset.graph(mint.graph_iri(self.article_id))
        for key in sorted(self.mentioned_entities(loaded)):
            self.add(article, SDO.mentions, self.iri(key))

    def outside_graph(self) -> Graph:
        return self.dataset.graph(mint.graph_iri("outside-knowledge"))

    def first_offset(self, fact) -> int:
        return min(span.start for span in self.source.spans[self.article_id][fact.id])

    def mentioned_entities(self, loaded: LoadedSheet) -> set[str]:
        keys: set[str] = set()
        for fact in loaded.sheet.facts:
            for name, value in fact:
                values = value if isinstance(value, list) else [value]
                for item in values:
                    if isinstance(item, str) and name not in ("id", "kind", "summary") and item in self.source.index:
                        if self.source.index[item].entity is not None:
                            keys.add(item)
        return keys

    def fact_headline(self, fact, article, _order) -> None:
        self.add(article, SDO.headline, Literal(fact.text))
        self.add_provenance(article, fact)

    def fact_publisher(self, fact, article, _order) -> None:
        self.add_key(article, SDO.publisher, fact.publisher)
        self.add_provenance(article, fact)

    def fact_author(self, fact, article, _order) -> None:
        self.add_key(article, SDO.author, fact.author)
        self.add_provenance(article, fact)

    def fact_dateline(self, fact, article, _order) -> None:
        self.add(article, CKG.datelineText, Literal(fact.as_written))
        self.add_key(article, SDO.locationCreated, fact.place)
        if fact.date:
            self.add(article, SDO.dateCreated, Literal(fact.date.isoformat(), datatype=XSD.date))
            self.add(article, CKG.dateDerivation, en(fact.derivation))
        self.add_provenance(article, fact)

    def fact_section(self, fact, article, order) -> None:
        node = mint.article_part_iri(self.article_id, fact.id)
        self.add(article, SDO.hasPart, node)
        self.add(node, RDF.type, CKG.ArticleSection)
        self.add(node, SDO.headline, Literal(fact.title))
        self.add(node, SDO.position, integer(order[fact.id]))
        self.add_provenance(node, fact)

    def fact_related_link(self, fact, article, _order) -> None:
        node = mint.article_part_iri(self.article_id, fact.id)
        self.add(article, CKG.relatedStory, node)
        self.add(node, RDF.type, CKG.RelatedStory)
        self.add(node, SDO.headline, Literal(fact.title))
        self.add(node, CKG.linkLabel, Literal(fact.relation.replace("-", " ").upper()))
        self.add_provenance(node, fact)

    def fact_video(self, fact, article, _order) -> None:
        node = mint.article_part_iri(self.article_id, fact.id)
        self.add(article, SDO.video, node)
        self.add(node, RDF.type, SDO.VideoObject)
        self.add(node, SDO.name, Literal(fact.title))
        self.add_key(node, SDO.publisher, fact.publisher)
        self.add_provenance(node, fact)

    def fact_cites(self, fact, article, _order) -> None:
        self.add_key(article, CKG.citesSource, fact.source)
        self.add_provenance(article, fact)

    # --- facts about entities ---------------------------------------------------

    def fact_event(self, fact, _article, _order) -> None:
        node = self.iri(fact.event)
        self.add_key(node, CKG.eventStatus, fact.status)
        self.add_key(node, SDO.location, fact.place)
        if fact.part_of:
            self.add_key(node, SDO.superEvent, fact.part_of)
            self.add(self.iri(fact.part_of), SDO.subEvent, node)
        if fact.ordinal:
            self.add(node, CKG.roundNumber, integer(fact.ordinal))
        self.add_key(node, CKG.follows, fact.follows)
        for key in fact.agents:
            self.add_key(node, CKG.agent, key)
        for key in fact.topics:
            self.add_key(node, SDO.about, key)
        when = self.time(fact, "when")
        self.add(node, CKG.time, when)
        self.dated(node, when, fact, "when", SDO.startDate)
        ends = self.time(fact, "ends")
        self.add(node, CKG.endTime, ends)
        self.dated(node, ends, fact, "ends", SDO.endDate)
        self.add_provenance(node, fact)

    def fact_organization(self, fact, _article, _order) -> None:
        node = self.iri(fact.org)
        self.add_key(node, ORG.subOrganizationOf, fact.part_of)
        self.add_key(node, CKG.country, fact.country)
        if fact.headed_by:
            self.add(self.iri(fact.headed_by), ORG.headOf, node)
        self.add_provenance(node, fact)

    def fact_relation(self, fact, _article, _order) -> None:
        predicate = {"ally-of": CKG.allyOf, "adversary-of": CKG.adversaryOf}[fact.predicate]
        node = self.iri(fact.subject)
        self.add(node, predicate, self.iri(fact.object))
        self.add_provenance(node, fact)

    # --- n-ary facts --------------------------------------------------------------

    def new_fact(self, fact, cls: URIRef) -> URIRef:
        node = mint.fact_iri(self.article_id, fact.id)
        self.add(node, RDF.type, cls)
        self.add_provenance(node, fact)
        return node

    def fact_participation(self, fact, _article, _order) -> None:
        node = self.new_fact(fact, CKG.Participation)
        self.add_key(node, CKG.event, fact.event)
        self.add_key(node, CKG.participant, fact.participant)
        self.add_key(node, CKG.role, fact.role)
        self.add_key(node, CKG.participationStatus, fact.status)
        self.add_key(node, CKG.onBehalfOf, fact.on_behalf_of)

    def fact_post(self, fact, _article, _order) -> None:
        node = self.new_fact(fact, CKG.PostHolding)
        post = self.iri(fact.post)
        self.add(post, ORG.heldBy, self.iri(fact.holder))
        self.add_key(node, ORG.member, fact.holder)
        self.add_key(node, ORG.organization, self.source.index[fact.post].entity.post_in)
        self.add(node, CKG.post, post)
        self.add(node, CKG.titleAsWritten, Literal(fact.title))
        self.add(node, ORG.memberDuring, self.time(fact, "since"))

    def fact_observation(self, fact, _article, _order) -> None:
        name, measure, unit, _label = STATISTICS[fact.measure]
        node = self.new_fact(fact, QB.Observation)
        figure = self.source.figures[(self.article_id, fact.id)]
        self.add(node, QB.dataSet, mint.dataset_iri(name))
        self.add(node, CKG.refPeriod, self.time(fact, "period"))
        self.add_key(node, CKG.refArea, fact.area)
        self.add_key(node, CKG.population, fact.population)
        self.add_key(node, CKG.measureKind, fact.counted)
        self.add(node, measure, integer(figure.value))
        self.add(node, CKG.unitOfMeasure, mint.concept_iri("units", unit))
        self.add(node, CKG.valueAsWritten, Literal(figure.as_written))
        self.add(node, CKG.approximate, Literal(figure.approximate))
        if fact.record:
            self.add(node, CKG.recordQualifier, Literal(fact.record))
        self.add_key(node, CKG.sourceAgency, fact.source)

    def fact_trend(self, fact, _article, _order) -> None:
        node = self.new_fact(fact, CKG.MigrationTrend)
        self.add_key(node, CKG.population, fact.population)
        self.add_key(node, CKG.trend, fact.trend)
        self.add_key(node, CKG.refArea, fact.area)
        self.add(node, CKG.refPeriod, self.time(fact, "period"))

    def fact_statement(self, fact, _article, _order) -> None:
        node = self.new_fact(fact, CKG.Statement)
        if fact.mode == "quote":
            self.add(node, RDF.type, SDO.Quotation)
            self.add(node, SDO.text, Literal(fact.quote))
        mode = "verbatim" if fact.mode == "quote" else "paraphrase"
        self.add(node, CKG.statementMode, mint.concept_iri("statement-modes", mode))
        self.add_key(node, CKG.speaker, fact.speaker)
        for key in fact.about:
            self.add_key(node, SDO.about, key)
        self.add_key(node, CKG.addressee, fact.addressee)
        self.add_key(node, CKG.stance, fact.stance)
        self.add(node, CKG.time, self.time(fact, "when"))

    def fact_policy_change(self, fact, _article, _order) -> None:
        node = self.new_fact(fact, CKG.PolicyChange)
        self.add_key(node, CKG.actor, fact.actor)
        self.add_key(node, CKG.changeKind, fact.change)
        self.add_key(node, CKG.policyInstrument, fact.policy)
        self.add_key(node, SDO.location, fact.place)
        self.add_key(node, CKG.population, fact.population)
        effective = self.time(fact, "effective")
        self.add(node, CKG.effectiveTime, effective)
        self.dated(node, effective, fact, "effective", SDO.startDate)

    def fact_announcement(self, fact, _article, _order) -> None:
        node = self.new_fact(fact, CKG.PolicyAnnouncement)
        self.add_key(node, CKG.announcer, fact.announcer)
        self.add(node, CKG.announces, mint.fact_iri(self.article_id, fact.announces))
        self.add(node, CKG.time, self.time(fact, "when"))

    def fact_route(self, fact, _article, _order) -> None:
        node = self.new_fact(fact, CKG.RouteReport)
        self.add_key(node, CKG.route, fact.route)
        self.add_key(node, CKG.population, fact.population)
        for key in fact.via:
            self.add_key(node, CKG.via, key)
        self.add_key(node, CKG.destination, fact.destination)

    def fact_claim(self, fact, _article, _order) -> None:
        node = self.new_fact(fact, CKG.Claim)
        for key in fact.about:
            self.add_key(node, SDO.about, key)


def emit(source: EmitInput) -> Dataset:
    """The whole dataset: shared graph first, then one graph per article."""
    emitter = Emitter(source)
    emitter.emit_registry()
    emitter.emit_statistics_structure()
    for loaded in source.sheets:
        emitter.emit_sheet(loaded)
    return emitter.dataset


def union(dataset: Dataset) -> Graph:
    """All named graphs merged into one graph, with the dataset's prefixes."""
    merged = Graph()
    for prefix, namespace in dataset.namespaces():
        merged.bind(prefix, namespace, override=True)
    for graph in dataset.graphs():
        for triple in graph:
            merged.add(triple)
    return merged
