"""Human-readable documentation of the ontology: one self-contained HTML page.

`render_html` turns the ontology graph into a page with the header metadata, then
every class and property in the ontology's namespace, sorted, each with its label,
IRI, definition, super-terms, domain and range, and a link to the ontology in
Turtle (`ontology.ttl`, beside the page in a release). The page is the Jinja2
template `templates/ontology.html.j2` (autoescaped); it loads nothing from anywhere
(no scripts, fonts or stylesheets from outside), and the same graph always gives
the same bytes, so `dist/ontology.html` diffs cleanly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from cubakg.namespaces import PREFIXES, compact
from cubakg.resources import NS_ONTOLOGY, ONTOLOGY_RELEASE

if TYPE_CHECKING:  # rdflib is imported inside the functions that need it.
    from rdflib import Graph

    import jinja2

ONTOLOGY_IRI = NS_ONTOLOGY.rstrip("#")
NAMESPACE = NS_ONTOLOGY


@dataclass
class Term:
    """One class or property of the ontology, as the page shows it."""

    iri: str
    kinds: list[str]
    label: str
    definition: str
    supers: list[str] = field(default_factory=list)
    subs: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    code_lists: list[str] = field(default_factory=list)
    used_by: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.iri[len(NAMESPACE):]

    def relations(self) -> list[tuple[str, list[str]]]:
        """The term's links to other terms, as the page lists them."""
        return [
            ("Sub-term of", self.supers), ("Super-term of", self.subs), ("Domain", self.domains),
            ("Range", self.ranges), ("Code list", self.code_lists), ("Used by", self.used_by),
        ]


def curie(iri: str) -> str:
    """`https://schema.org/Event` → `schema:Event`; unknown namespaces stay whole."""
    return compact(iri, PREFIXES)


def href(iri: str) -> str:
    """Where a link to a term goes: inside the page for our own terms, to the IRI otherwise."""
    return "#" + iri[len(NAMESPACE):] if iri.startswith(NAMESPACE) else iri


def english(graph: "Graph", subject, predicate) -> str:
    """The English (or untagged) value, else any value; the smallest if several, for determinism."""
    values = list(graph.objects(subject, predicate))
    preferred = [v for v in values if getattr(v, "language", None) in ("en", None)]
    chosen = sorted(str(v) for v in (preferred or values))
    return chosen[0] if chosen else ""


def iris(graph: "Graph", subject, predicate) -> list[str]:
    from rdflib import URIRef

    return sorted(str(o) for o in graph.objects(subject, predicate) if isinstance(o, URIRef))


def collect_terms(graph: "Graph") -> tuple[list[Term], list[Term]]:
    """Classes and properties in the ontology's namespace, each sorted by IRI."""
    from rdflib import URIRef
    from rdflib.namespace import OWL, QB, RDF, RDFS, SKOS

    class_types = {OWL.Class, RDFS.Class}
    property_types = {
        OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
        QB.DimensionProperty, QB.MeasureProperty, QB.AttributeProperty,
    }
    classes: list[Term] = []
    properties: list[Term] = []
    subjects = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(NAMESPACE)}
    for subject in sorted(subjects, key=str):
        types = set(graph.objects(subject, RDF.type))
        term = Term(
            iri=str(subject),
            kinds=sorted(curie(str(t)) for t in types),
            label=english(graph, subject, RDFS.label),
            definition=english(graph, subject, SKOS.definition) or english(graph, subject, RDFS.comment),
            domains=iris(graph, subject, RDFS.domain),
            ranges=iris(graph, subject, RDFS.range),
            code_lists=iris(graph, subject, QB.codeList),
        )
        if types & class_types:
            term.supers = iris(graph, subject, RDFS.subClassOf)
            term.subs = sorted(str(s) for s in graph.subjects(RDFS.subClassOf, subject))
            term.used_by = sorted(
                {str(p) for p in graph.subjects(RDFS.domain, subject)}
                | {str(p) for p in graph.subjects(RDFS.range, subject)}
            )
            classes.append(term)
        elif types & property_types:
            term.supers = iris(graph, subject, RDFS.subPropertyOf)
            term.subs = sorted(str(s) for s in graph.subjects(RDFS.subPropertyOf, subject))
            properties.append(term)
    return classes, properties


def header(graph: "Graph") -> tuple[str, str, list[tuple[str, str, bool]]]:
    """The page title, the description and the metadata rows (label, value, is it an IRI)."""
    from rdflib import URIRef
    from rdflib.namespace import DCTERMS, OWL, RDFS, VANN

    ontology = URIRef(ONTOLOGY_IRI)
    title = english(graph, ontology, DCTERMS.title) or english(graph, ontology, RDFS.label) or ONTOLOGY_IRI
    fields = [
        ("Ontology IRI", ontology),
        ("Version IRI", graph.value(ontology, OWL.versionIRI)),
        ("Version", graph.value(ontology, OWL.versionInfo)),
        ("Licence", graph.value(ontology, DCTERMS.license)),
        ("Creator", english(graph, ontology, DCTERMS.creator)),
        ("Created", graph.value(ontology, DCTERMS.created)),
        ("Modified", graph.value(ontology, DCTERMS.modified)),
        ("Preferred prefix", graph.value(ontology, VANN.preferredNamespacePrefix)),
        ("Namespace", graph.value(ontology, VANN.preferredNamespaceUri)),
    ]
    rows = [(name, str(value), isinstance(value, URIRef)) for name, value in fields if value is not None and value != ""]
    return title, english(graph, ontology, DCTERMS.description), rows


@cache
def templates() -> "jinja2.Environment":
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("cubakg", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(curie=curie, href=href)
    return environment


def render_html(ontology: "Graph", turtle: str = ONTOLOGY_RELEASE) -> str:
    """The documentation page of `ontology`, as a complete HTML document.

    `turtle` is where the page links to the ontology as RDF (relative to the page).
    """
    from importlib.resources import files

    from markupsafe import Markup

    title, description, metadata = header(ontology)
    classes, properties = collect_terms(ontology)
    style = files("cubakg").joinpath("templates", "ontology.css").read_text(encoding="utf-8")
    return templates().get_template("ontology.html.j2").render(
        title=title, description=description, metadata=metadata, classes=classes, properties=properties,
        turtle=turtle, style=Markup(style.strip()),
    )
