"""The ontology: its header, its terms, and the terms everyone else uses.

Checks that a published vocabulary carries its header, that every `ckg:` term has
a label and a definition, that the terms docs/model.md uses are defined, and that
every term used from a reused vocabulary (in the ontology, the shapes and the
release) exists in that vocabulary.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib import namespace as ns
from rdflib.namespace import OWL, RDF, RDFS

from reference import OA_VOCABULARY

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = REPO / "ontology" / "cubakg.ttl"
SHAPES_FILE = REPO / "shapes" / "cubakg.shapes.ttl"
RELEASE_FILE = REPO / "dist" / "cubakg.ttl"
MODEL_DOC = REPO / "docs" / "model.md"
OA_FILE = OA_VOCABULARY

CKG = Namespace("https://w3id.org/cubakg/ontology#")
ONTOLOGY = URIRef("https://w3id.org/cubakg/ontology")
ID = "https://w3id.org/cubakg/id/"
OA_NS = "http://www.w3.org/ns/oa#"

TERM_TYPES = {
    OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    RDF.Property, ns.QB.DimensionProperty, ns.QB.MeasureProperty, ns.QB.AttributeProperty,
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@pytest.fixture(scope="module")
def release() -> Graph:
    if not RELEASE_FILE.exists():
        pytest.skip("dist/cubakg.ttl is not built yet")
    return Graph().parse(RELEASE_FILE, format="turtle")


def ckg_terms(graph: Graph) -> set[URIRef]:
    """The classes and properties the ontology declares in its own namespace."""
    return {
        s for t in TERM_TYPES for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(str(CKG))
    }


# --- header ------------------------------------------------------------------------------

HEADER = [
    (RDF.type, OWL.Ontology),
    (ns.DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")),
    (ns.DCTERMS.creator, Literal("The cubakg team")),
    (ns.DCTERMS.created, Literal("2026-11-24", datatype=ns.XSD.date)),
    (ns.DCTERMS.modified, Literal("2026-11-24", datatype=ns.XSD.date)),
    (OWL.versionIRI, URIRef("https://w3id.org/cubakg/ontology/0.1.0")),
    (OWL.versionInfo, Literal("0.1.0")),
    (ns.VANN.preferredNamespacePrefix, Literal("ckg")),
    (ns.VANN.preferredNamespaceUri, Literal("https://w3id.org/cubakg/ontology#")),
]


@pytest.mark.parametrize("predicate,value", HEADER, ids=[p.split("/")[-1].split("#")[-1] for p, _ in HEADER])
def test_header_field(ontology: Graph, predicate, value):
    assert (ONTOLOGY, predicate, value) in ontology


@pytest.mark.parametrize("predicate", [ns.DCTERMS.title, ns.DCTERMS.description, RDFS.label])
def test_header_text_in_english(ontology: Graph, predicate):
    values = list(ontology.objects(ONTOLOGY, predicate))
    assert len(values) == 1 and values[0].language == "en" and len(values[0]) >= 5


def test_one_ontology_header(ontology: Graph):
    assert list(ontology.subjects(RDF.type, OWL.Ontology)) == [ONTOLOGY]


# --- terms -----------------------------------------------------------------------------------


def test_every_term_has_label_definition_and_is_defined_by(ontology: Graph):
    problems = []
    for term in sorted(ckg_terms(ontology)):
        for predicate in (RDFS.label, ns.SKOS.definition):
            values = [v for v in ontology.objects(term, predicate) if getattr(v, "language", None) == "en"]
            if len(values) != 1:
                problems.append(f"{term}: needs exactly one {predicate.n3()} in English, has {len(values)}")
        if (term, RDFS.isDefinedBy, ONTOLOGY) not in ontology:
            problems.append(f"{term}: needs rdfs:isDefinedBy <{ONTOLOGY}>")
    assert not problems, "\n".join(problems)


def test_every_term_is_an_owl_class_or_property(ontology: Graph):
    owl_types = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    untyped = [t for t in ckg_terms(ontology) if not set(ontology.objects(t, RDF.type)) & owl_types]
    assert not untyped, f"terms without an OWL type: {sorted(untyped)}"


def test_every_term_docs_model_uses_is_defined(ontology: Graph):
    used = set(re.findall(r"\bckg:([A-Za-z][A-Za-z0-9]*)", MODEL_DOC.read_text(encoding="utf-8")))
    defined = {str(t)[len(str(CKG)):] for t in ckg_terms(ontology)}
    assert used, "docs/model.md names no ckg: term: has its format changed?"
    assert not used - defined, f"used in docs/model.md but not defined: {sorted(used - defined)}"


# What each minted term specialises, as docs/model.md and DESIGN.md say.
SPECIALISES = [
    (CKG.DiplomaticTalks, RDFS.subClassOf, ns.SDO.Event),
    (CKG.TalksRound, RDFS.subClassOf, ns.SDO.Event),
    (CKG.Conference, RDFS.subClassOf, ns.SDO.Event),
    (CKG.ContextEvent, RDFS.subClassOf, ns.SDO.Event),
    (CKG.GovernmentAgency, RDFS.subClassOf, ns.ORG.FormalOrganization),
    (CKG.GovernmentAgency, RDFS.subClassOf, ns.SDO.GovernmentOrganization),
    (CKG.NationalGovernment, RDFS.subClassOf, ns.SDO.GovernmentOrganization),
    (CKG.DiplomaticMission, RDFS.subClassOf, ns.SDO.GovernmentOrganization),
    (CKG.Administration, RDFS.subClassOf, ns.ORG.Organization),
    (CKG.NewsOutlet, RDFS.subClassOf, ns.SDO.NewsMediaOrganization),
    (CKG.NewsOutlet, RDFS.subClassOf, ns.ORG.FormalOrganization),
    (CKG.Border, RDFS.subClassOf, ns.SDO.Place),
    (CKG.PostHolding, RDFS.subClassOf, ns.ORG.Membership),
    (CKG.Claim, RDFS.subClassOf, ns.SDO.Claim),
    (CKG.reportedBy, RDFS.subPropertyOf, ns.PROV.wasAttributedTo),
    (CKG.speaker, RDFS.subPropertyOf, ns.PROV.wasAttributedTo),
    (CKG.agent, RDFS.subPropertyOf, ns.PROV.wasAssociatedWith),
    (CKG.time, RDFS.subPropertyOf, ns.TIME.hasTime),
    (CKG.citesSource, RDFS.subPropertyOf, ns.DCTERMS.references),
    (CKG.Relation, RDFS.subClassOf, RDF.Statement),
    (CKG.CausalClaim, RDFS.subClassOf, ns.SDO.Claim),
    (CKG.cause, RDFS.subPropertyOf, ns.SDO.about),
    (CKG.effect, RDFS.subPropertyOf, ns.SDO.about),
    (CKG.heldResponsible, RDFS.subPropertyOf, ns.SDO.about),
    (CKG.purposeOf, RDFS.subPropertyOf, ns.SDO.about),
    (CKG.aim, RDFS.subPropertyOf, ns.SDO.about),
    (CKG.intendedBy, RDFS.subPropertyOf, ns.PROV.wasAttributedTo),
    (CKG.outcomeOf, RDFS.subPropertyOf, ns.SDO.about),
    (CKG.resumesAfter, RDFS.subPropertyOf, ns.TIME.hasTime),
    (CKG.possiblySameAs, RDFS.seeAlso, OWL.sameAs),
    (CKG.withinTimeOf, RDFS.seeAlso, ns.TIME.intervalDuring),
]


@pytest.mark.parametrize("triple", SPECIALISES, ids=[f"{s.split('#')[-1]}-{o.split('/')[-1].split('#')[-1]}" for s, _, o in SPECIALISES])
def test_term_specialises_the_standard_term(ontology: Graph, triple):
    assert triple in ontology


POPULATIONS = URIRef(ID + "concept/populations")
MEASURE_KINDS = URIRef(ID + "concept/measure-kinds")
UNITS = URIRef(ID + "concept/units")

# (property, Data Cube type, rdfs:range, qb:codeList or None), from the task's list.
COMPONENTS = [
    (CKG.refPeriod, ns.QB.DimensionProperty, ns.TIME.TemporalEntity, None),
    (CKG.refArea, ns.QB.DimensionProperty, ns.SDO.Place, None),
    (CKG.population, ns.QB.DimensionProperty, ns.SKOS.Concept, POPULATIONS),
    (CKG.measureKind, ns.QB.DimensionProperty, ns.SKOS.Concept, MEASURE_KINDS),
    (CKG.personCount, ns.QB.MeasureProperty, ns.XSD.integer, None),
    (CKG.rank, ns.QB.MeasureProperty, ns.XSD.integer, None),
    (CKG.unitOfMeasure, ns.QB.AttributeProperty, ns.SKOS.Concept, UNITS),
    (CKG.valueAsWritten, ns.QB.AttributeProperty, ns.XSD.string, None),
    (CKG.approximate, ns.QB.AttributeProperty, ns.XSD.boolean, None),
    (CKG.recordQualifier, ns.QB.AttributeProperty, ns.XSD.string, None),
    (CKG.sourceAgency, ns.QB.AttributeProperty, ns.PROV.Agent, None),
    (CKG.reportedBy, ns.QB.AttributeProperty, ns.PROV.Agent, None),
]


@pytest.mark.parametrize("prop,kind,range_,code_list", COMPONENTS, ids=[c[0].split("#")[-1] for c in COMPONENTS])
def test_data_cube_component(ontology: Graph, prop, kind, range_, code_list):
    assert (prop, RDF.type, kind) in ontology
    assert list(ontology.objects(prop, RDFS.range)) == [range_]
    assert list(ontology.objects(prop, ns.QB.codeList)) == ([code_list] if code_list else [])


def test_every_domain_range_and_super_term_is_known(ontology: Graph):
    """A ckg: term named as domain, range or super-term must itself be defined."""
    defined = ckg_terms(ontology)
    referenced = {
        o for p in (RDFS.domain, RDFS.range, RDFS.subClassOf, RDFS.subPropertyOf)
        for o in ontology.objects(None, p) if str(o).startswith(str(CKG))
    }
    assert referenced <= defined, f"undefined: {sorted(referenced - defined)}"


# --- reused vocabularies ------------------------------------------------------------------

# rdflib's DefinedNamespace classes list the terms of each vocabulary.
DEFINED_NAMESPACES = [ns.SDO, ns.ORG, ns.PROV, ns.TIME, ns.QB, ns.SKOS, ns.DCTERMS, ns.VANN, ns.OWL, ns.RDFS, ns.RDF, ns.XSD, ns.DCAT, ns.VOID, ns.SH]


@pytest.fixture(scope="module")
def oa_terms() -> set[str]:
    if not OA_FILE.exists():
        pytest.fail(f"{OA_FILE} is missing: the Web Annotation vocabulary is vendored in tests/external/")
    oa = Graph().parse(OA_FILE, format="turtle")
    return {str(s) for s in oa.subjects() if str(s).startswith(OA_NS)}


def iris_in(graph: Graph) -> set[str]:
    """Every IRI a graph uses: subjects, predicates, objects and literal datatypes."""
    found = set()
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef):
                found.add(str(node))
            elif isinstance(node, Literal) and node.datatype is not None:
                found.add(str(node.datatype))
    return found


def unknown_reused_terms(iris: set[str], oa_terms: set[str]) -> list[str]:
    unknown = []
    for iri in sorted(iris):
        if iri.startswith(OA_NS):
            if iri not in oa_terms:
                unknown.append(iri)
            continue
        for namespace in DEFINED_NAMESPACES:
            if iri.startswith(str(namespace)) and iri != str(namespace):
                if iri not in namespace:
                    unknown.append(iri)
                break
    return unknown


def test_the_vocabulary_check_catches_invented_terms(oa_terms):
    invented = {str(ns.SDO) + "Spokesperson", OA_NS + "quote", str(ns.TIME) + "inXSDgMonth"}
    existing = {str(ns.ORG) + "holds", OA_NS + "exact", str(ns.TIME) + "inXSDgYearMonth"}
    assert unknown_reused_terms(invented | existing, oa_terms) == sorted(invented)


def test_ontology_uses_only_existing_terms(ontology: Graph, oa_terms):
    assert not unknown_reused_terms(iris_in(ontology), oa_terms)


def test_shapes_use_only_existing_terms(shapes: Graph, oa_terms):
    assert not unknown_reused_terms(iris_in(shapes), oa_terms)


@pytest.mark.parametrize("name", ["cubakg.ttl", "void.ttl"])
def test_release_uses_only_existing_terms(name: str, oa_terms):
    """The graph and its dataset description (VoID, DCAT) use only terms that exist."""
    path = REPO / "dist" / name
    if not path.exists():
        pytest.skip(f"dist/{name} is not built yet")
    assert not unknown_reused_terms(iris_in(Graph().parse(path, format="turtle")), oa_terms)


def test_every_ckg_term_in_the_shapes_is_defined(ontology: Graph, shapes: Graph):
    used = {URIRef(i) for i in iris_in(shapes) if i.startswith(str(CKG))}
    assert not used - ckg_terms(ontology), f"undefined: {sorted(used - ckg_terms(ontology))}"


def test_every_ckg_term_in_the_release_is_defined(ontology: Graph, release: Graph):
    used = {URIRef(i) for i in iris_in(release) if i.startswith(str(CKG))}
    assert not used - ckg_terms(ontology), f"undefined: {sorted(used - ckg_terms(ontology))}"


# --- the HTML documentation ---------------------------------------------------------------


class PageReader(HTMLParser):
    """Collects element ids, headings' text and anything that would load from outside."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.external_loads: list[str] = []
        self.alternates: list[tuple[str | None, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "link" and attributes.get("rel") == "alternate":
            self.alternates.append((attributes.get("type"), attributes.get("href")))  # a pointer, nothing loaded
        elif tag in {"script", "img", "iframe", "link", "object", "embed"} or "src" in attributes:
            self.external_loads.append(tag)

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def page(ontology: Graph) -> str:
    from cubakg.ontology_doc import render_html

    return render_html(ontology)


def test_page_is_deterministic(page: str):
    from cubakg.ontology_doc import render_html

    # A fresh parse gives triples in another order: the page must not change.
    assert render_html(Graph().parse(ONTOLOGY_FILE, format="turtle")) == page


def test_page_documents_every_term_once(ontology: Graph, page: str):
    reader = PageReader()
    reader.feed(page)
    anchors = [i for i in reader.ids if i not in {"classes", "properties"}]
    assert sorted(anchors) == sorted(str(t)[len(str(CKG)):] for t in ckg_terms(ontology))
    assert len(anchors) == len(set(anchors))


def test_page_shows_header_and_term_details(page: str):
    assert "<title>cubakg: an ontology of US–Cuba migration diplomacy</title>" in page
    assert "https://w3id.org/cubakg/ontology/0.1.0" in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page
    # ckg:PostHolding: its label, definition and super-classes, hand-copied from the ontology.
    assert "<h3>post holding <small><code>ckg:PostHolding</code></small></h3>" in page
    assert "A person holding a post in an organisation" in page
    assert '<a href="http://www.w3.org/ns/org#Membership"><code>org:Membership</code></a>' in page
    # ckg:participant's domain links inside the page.
    assert '<a href="#Participation"><code>ckg:Participation</code></a>' in page


def test_page_loads_nothing_from_outside(page: str):
    reader = PageReader()
    reader.feed(page)
    assert reader.external_loads == []


def test_page_points_to_the_ontology_in_turtle(page: str):
    reader = PageReader()
    reader.feed(page)
    assert reader.alternates == [("text/turtle", "ontology.ttl")]  # beside ontology.html in dist/
    assert '<a href="ontology.ttl" type="text/turtle">' in page


def test_page_escapes_what_the_ontology_says():
    from cubakg.ontology_doc import render_html

    hostile = Graph().parse(data=f"""
        @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{CKG}Evil> a owl:Class ; rdfs:label "<script>alert(1)</script>" ; rdfs:comment "Tom & Jerry's \\"x\\"" .
        """, format="turtle")
    page = render_html(hostile)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Tom &amp; Jerry" in page


def test_classes_come_before_properties_and_are_sorted(page: str):
    classes_at, properties_at = page.index('id="classes"'), page.index('id="properties"')
    class_ids = re.findall(r'<section class="term" id="([^"]+)"', page[classes_at:properties_at])
    assert class_ids == sorted(class_ids) and class_ids[0] == "Administration"
