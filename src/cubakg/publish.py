"""Stage 7, publish: write the release into dist/, atomically and deterministically.

Everything is written into a temporary folder beside dist/ and swapped in only
when complete, so a failed build leaves dist/ exactly as it was. Quads are
sorted before serialising, so the same graph always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, VOID

from cubakg import resources as res
from cubakg.emit import PREFIXES

SPDX = Namespace("http://spdx.org/rdf/terms#")
RELEASE_BASE = "https://w3id.org/cubakg/release/"
MEDIA_TYPES = {
    ".ttl": "text/turtle", ".nt": "application/n-triples", ".trig": "application/trig",
    ".jsonld": "application/ld+json", ".html": "text/html", ".rq": "application/sparql-query",
    ".md": "text/markdown",
}


# --- deterministic serialisation ----------------------------------------------------


def _to_oxigraph(term):
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = term.datatype or XSD.string
        return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))
    raise ValueError(f"blank node {term!r} in the release: every node must have a minted IRI")


def _triple_key(triple: tuple) -> tuple:
    # rdf:type first within a subject reads best; otherwise plain N-Triples order.
    subject, predicate, obj = triple
    return (str(subject), predicate != RDF.type, str(predicate), obj.n3())


def sorted_quads(dataset: Dataset) -> list[tuple]:
    """(graph, subject, predicate, object), graph by graph."""
    quads = {(getattr(g, "identifier", g), s, p, o) for s, p, o, g in dataset.quads((None, None, None, None))}
    return sorted(quads, key=lambda q: (str(q[0]), *_triple_key(q[1:])))


def sorted_triples(graph: Graph) -> list[tuple]:
    return sorted(graph, key=_triple_key)


def serialize(triples_or_quads: list[tuple], fmt: str, prefixes: dict[str, str]) -> bytes:
    """Serialise in the given order with pyoxigraph (Turtle, TriG, N-Triples, N-Quads)."""
    import pyoxigraph as ox

    formats = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
               "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS}
    if fmt in ("trig", "nq"):
        items = [ox.Quad(_to_oxigraph(s), _to_oxigraph(p), _to_oxigraph(o), _to_oxigraph(g))
                 for g, s, p, o in triples_or_quads]
    else:
        items = [ox.Triple(_to_oxigraph(s), _to_oxigraph(p), _to_oxigraph(o)) for s, p, o in triples_or_quads]
    use_prefixes = prefixes if fmt in ("turtle", "trig") else None
    return ox.serialize(items, format=formats[fmt], prefixes=use_prefixes)


def graph_turtle(graph: Graph) -> bytes:
    prefixes = {p: str(ns) for p, ns in graph.namespaces() if p}
    return serialize(sorted_triples(graph), "turtle", prefixes)


# --- JSON-LD with a context a web developer can use -----------------------------------


def jsonld_context(ontology: Graph) -> dict:
    """Prefixes, plus a short name for every ckg: term (typed where the range says)."""
    context: dict[str, object] = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    context["label"] = {"@id": "rdfs:label", "@container": "@language"}
    for term in sorted(set(ontology.subjects(RDF.type, OWL.ObjectProperty))):
        if str(term).startswith(res.NS_ONTOLOGY):
            context[str(term)[len(res.NS_ONTOLOGY):]] = {"@id": f"ckg:{term[len(res.NS_ONTOLOGY):]}", "@type": "@id"}
    for term in sorted(set(ontology.subjects(RDF.type, OWL.DatatypeProperty))):
        if str(term).startswith(res.NS_ONTOLOGY):
            name = str(term)[len(res.NS_ONTOLOGY):]
            ranges = [r for r in ontology.objects(term, RDFS.range) if str(r).startswith(str(XSD))]
            entry: dict[str, str] = {"@id": f"ckg:{name}"}
            if len(ranges) == 1 and ranges[0] != XSD.string:
                entry["@type"] = f"xsd:{str(ranges[0])[len(str(XSD)):]}"
            context[name] = entry
    for name, iri, kind in (
        ("headline", "schema:headline", None), ("text", "schema:text", None),
        ("startDate", "schema:startDate", "xsd:date"), ("endDate", "schema:endDate", "xsd:date"),
        ("dateCreated", "schema:dateCreated", "xsd:date"), ("location", "schema:location", "@id"),
        ("about", "schema:about", "@id"), ("mentions", "schema:mentions", "@id"),
        ("publisher", "schema:publisher", "@id"), ("author", "schema:author", "@id"),
        ("wasDerivedFrom", "prov:wasDerivedFrom", "@id"), ("sameAs", "owl:sameAs", "@id"),
        ("exact", "oa:exact", None), ("prefix", "oa:prefix", None), ("suffix", "oa:suffix", None),
        ("start", "oa:start", "xsd:nonNegativeInteger"), ("end", "oa:end", "xsd:nonNegativeInteger"),
        ("hasSource", "oa:hasSource", "@id"), ("hasSelector", "oa:hasSelector", "@id"),
    ):
        context.setdefault(name, {"@id": iri, **({"@type": kind} if kind else {})})
    return context


def _canonical_json(value):
    """Sort object keys and every array of nodes/values, so output never depends on hashing."""
    if isinstance(value, dict):
        return {key: _canonical_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def graph_jsonld(graph: Graph, context: dict) -> bytes:
    """Compacted JSON-LD with the context embedded: no remote context is ever needed."""
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    body = {key: value for key, value in data.items() if key != "@context"}
    canonical = {"@context": context, **_canonical_json(body)}
    return (json.dumps(canonical, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# --- dataset description (VoID + DCAT) ---------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def describe_release(union: Graph, dataset: Dataset, files: dict[str, bytes], ontology: Graph) -> Graph:
    """VoID statistics and DCAT distributions with media type, size and SHA-256."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in (("rdf", RDF), ("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("spdx", SPDX),
                       ("xsd", XSD), ("owl", OWL), ("rdfs", RDFS)):
        g.bind(prefix, ns)
    ontology_iri = next(ontology.subjects(RDF.type, OWL.Ontology))
    version = str(next(ontology.objects(ontology_iri, OWL.versionInfo)))
    modified = next(ontology.objects(ontology_iri, DCTERMS.modified), None)
    release = URIRef(f"{res.NS_ID}dataset/cubakg")
    base = f"{RELEASE_BASE}{version}/"
    g.add((release, RDF.type, VOID.Dataset))
    g.add((release, RDF.type, DCAT.Dataset))
    g.add((release, DCTERMS.title, Literal("cubakg: US–Cuba migration diplomacy knowledge graph", lang="en")))
    g.add((release, DCTERMS.description, Literal(
        "Facts about US–Cuba migration talks, officials, agencies, migration statistics, policy changes and "
        "statements, each with verbatim evidence (character offsets) from the news articles it comes from.", lang="en")))
    g.add((release, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((release, DCTERMS.creator, Literal("The cubakg team")))
    g.add((release, OWL.versionInfo, Literal(version)))
    if modified is not None:
        g.add((release, DCTERMS.modified, modified))
    g.add((release, VOID.uriSpace, Literal(res.NS_ID)))
    g.add((release, DCTERMS.conformsTo, ontology_iri))
    _void_statistics(g, release, union)
    for namespace in sorted(_vocabularies(union)):
        g.add((release, VOID.vocabulary, URIRef(namespace)))
    for graph in sorted(dataset.graphs(), key=lambda x: str(x.identifier)):
        if len(graph) == 0 or not isinstance(graph.identifier, URIRef):
            continue
        subset = URIRef(f"{release}/graph/{str(graph.identifier).rsplit('/', 1)[-1]}")
        g.add((release, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, RDFS.label, Literal(f"named graph {graph.identifier}")))
        g.add((subset, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
        g.add((subset, DCTERMS.identifier, Literal(str(graph.identifier))))
    for name in sorted(files):
        data = files[name]
        dist = URIRef(f"{base}{name}")
        checksum = URIRef(f"{dist}#sha256")
        media = MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")
        g.add((release, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(name)))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        g.add((dist, DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(sha256(data), datatype=XSD.hexBinary)))
        if name.startswith("cubakg."):
            g.add((release, VOID.dataDump, dist))
    from cubakg.site.void import add_publication  # endpoint, examples, Wikidata links, publisher, access URLs

    add_publication(g, release, union)
    return g


def _void_statistics(g: Graph, release: URIRef, union: Graph) -> None:
    count = lambda n: Literal(n, datatype=XSD.integer)  # noqa: E731
    g.add((release, VOID.triples, count(len(union))))
    g.add((release, VOID.distinctSubjects, count(len(set(union.subjects())))))
    g.add((release, VOID.distinctObjects, count(len(set(union.objects())))))
    g.add((release, VOID.properties, count(len(set(union.predicates())))))
    classes = sorted(set(union.objects(None, RDF.type)))
    g.add((release, VOID.classes, count(len(classes))))
    g.add((release, VOID.entities, count(len(set(union.subjects(RDF.type, None))))))
    for cls in classes:
        partition = URIRef(f"{release}/class/{_slug(cls)}")
        g.add((release, VOID.classPartition, partition))
        g.add((partition, VOID["class"], cls))
        g.add((partition, VOID.entities, count(len(set(union.subjects(RDF.type, cls))))))
    for prop in sorted(set(union.predicates())):
        partition = URIRef(f"{release}/property/{_slug(prop)}")
        g.add((release, VOID.propertyPartition, partition))
        g.add((partition, VOID.property, prop))
        g.add((partition, VOID.triples, count(len(list(union.triples((None, prop, None)))))))


def _slug(iri: URIRef) -> str:
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(str(ns)):
            return f"{prefix}-{str(iri)[len(str(ns)):]}"
    return hashlib.sha1(str(iri).encode()).hexdigest()[:12]


def _vocabularies(union: Graph) -> set[str]:
    used = set(union.predicates()) | set(union.objects(None, RDF.type))
    return {str(ns) for _, ns in PREFIXES.items() for term in used if str(term).startswith(str(ns))} - {res.NS_ID}


# --- atomic write ------------------------------------------------------------------------


def write_release(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write `files` (relative path → bytes) as the new `out_dir`, all or nothing."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-new-", dir=out_dir.parent))
    try:
        for name in sorted(files):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[name])
        previous = out_dir.with_name(f".{out_dir.name}-old-{os.getpid()}")
        had_previous = out_dir.exists()
        if had_previous:
            os.rename(out_dir, previous)
        try:
            os.rename(staging, out_dir)
        except BaseException:
            if had_previous:
                os.rename(previous, out_dir)
            raise
        if had_previous:
            shutil.rmtree(previous)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

