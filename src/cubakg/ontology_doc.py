"""Human-readable documentation of the ontology: one self-contained HTML page.

`render_html` turns the ontology graph into a page with the header metadata, then
every class and property in the ontology's namespace, sorted, each with its label,
IRI, definition, super-terms, domain and range. The page loads nothing from
anywhere (no scripts, fonts or stylesheets from outside), and the same graph
always gives the same bytes, so `dist/ontology.html` diffs cleanly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rdflib is imported inside the functions that need it.
    from rdflib import Graph, URIRef

ONTOLOGY_IRI = "https://w3id.org/cubakg/ontology"
NAMESPACE = ONTOLOGY_IRI + "#"

# Prefixes for showing IRIs compactly; the ontology's own namespace is `ckg:`.
PREFIXES = {
    "ckg": NAMESPACE,
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #1a1a1a; }
h1 { margin-bottom: 0.2rem; }
h2 { border-bottom: 2px solid #ccc; margin-top: 2.5rem; }
code { font-family: ui-monospace, monospace; font-size: 0.92em; }
table.meta th { text-align: left; padding-right: 1rem; vertical-align: top; white-space: nowrap; }
nav ul { columns: 3; list-style: none; padding-left: 0; }
section.term { border: 1px solid #ddd; border-radius: 6px; padding: 0.6rem 1rem; margin: 1rem 0; }
section.term h3 { margin: 0.2rem 0; }
section.term dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; margin: 0.4rem 0; }
section.term dt { font-weight: 600; }
section.term dd { margin: 0; }
.iri { color: #555; }
"""


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


def curie(iri: str) -> str:
    """`https://schema.org/Event` → `schema:Event`; unknown namespaces stay whole."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def link(iri: str) -> str:
    """A link to a term: inside the page for our own terms, to the IRI otherwise."""
    href = "#" + iri[len(NAMESPACE):] if iri.startswith(NAMESPACE) else iri
    return f'<a href="{escape(href)}"><code>{escape(curie(iri))}</code></a>'


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


def render_term(term: Term) -> str:
    kinds = ", ".join(f"<code>{escape(k)}</code>" for k in term.kinds)
    rows = [("IRI", f'<code class="iri">{escape(term.iri)}</code>'), ("Type", kinds)]
    if term.definition:
        rows.append(("Definition", escape(term.definition)))
    named_lists = [
        ("Sub-term of", term.supers), ("Super-term of", term.subs), ("Domain", term.domains),
        ("Range", term.ranges), ("Code list", term.code_lists), ("Used by", term.used_by),
    ]
    rows += [(name, ", ".join(link(v) for v in values)) for name, values in named_lists if values]
    cells = "\n".join(f"    <dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return (
        f'<section class="term" id="{escape(term.anchor)}">\n'
        f"  <h3>{escape(term.label or term.anchor)} <small><code>{escape(curie(term.iri))}</code></small></h3>\n"
        f"  <dl>\n{cells}\n  </dl>\n</section>"
    )


def render_header(graph: "Graph") -> tuple[str, str]:
    """The page title and the metadata table of the owl:Ontology node."""
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
    rows = []
    for name, value in fields:
        if value is None or value == "":
            continue
        if isinstance(value, URIRef):
            shown = f'<a href="{escape(str(value))}"><code>{escape(str(value))}</code></a>'
        else:
            shown = escape(str(value))
        rows.append(f"  <tr><th>{name}</th><td>{shown}</td></tr>")
    description = english(graph, ontology, DCTERMS.description)
    body = f'<p>{escape(description)}</p>\n<table class="meta">\n' + "\n".join(rows) + "\n</table>"
    return title, body


def render_index(classes: list[Term], properties: list[Term]) -> str:
    def items(terms: list[Term]) -> str:
        return "\n".join(
            f'  <li><a href="#{escape(t.anchor)}">{escape(curie(t.iri))}</a></li>' for t in terms
        )

    return (
        f'<nav>\n<h2>Index</h2>\n<h3>Classes ({len(classes)})</h3>\n<ul>\n{items(classes)}\n</ul>\n'
        f"<h3>Properties ({len(properties)})</h3>\n<ul>\n{items(properties)}\n</ul>\n</nav>"
    )


def render_html(ontology: "Graph") -> str:
    """The documentation page of `ontology`, as a complete HTML document."""
    title, header = render_header(ontology)
    classes, properties = collect_terms(ontology)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        header,
        render_index(classes, properties),
        '<h2 id="classes">Classes</h2>',
        *(render_term(t) for t in classes),
        '<h2 id="properties">Properties</h2>',
        *(render_term(t) for t in properties),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"
