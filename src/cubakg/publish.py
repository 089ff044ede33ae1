"""Stage 7, publish: the release files, written into dist/ atomically and deterministically.

The quads are sorted and de-duplicated once; N-Triples and N-Quads are written
straight from them, Turtle and TriG by pyoxigraph from those, JSON-LD by
`compact_jsonld`. Everything is written into a temporary folder beside dist/ and
swapped in only when complete, so a failed build leaves dist/ exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph

from cubakg import mint
from cubakg import resources as res
from cubakg.resources import NS_ONTOLOGY
from cubakg.namespaces import (
    DCAT, DCTERMS, OWL, OWL_NS, PREFIXES, RDF_TYPE, RDFS, SPDX, VOID, XSD, pick,
)
from cubakg.rdf_formats import media_type
from cubakg.read import Ontology
from cubakg.terms import Quad, en, integer, iri, text, typed

# Prefixes written in the graph files. Our own IRIs stay whole: as `id:` prefixed
# names their slashes would need escaping in Turtle.
GRAPH_PREFIXES = pick("ckg", "schema", "org", "prov", "oa", "time", "qb", "skos", "dcterms", "owl", "rdfs", "xsd")
VOID_PREFIXES = pick("rdf", "rdfs", "xsd", "owl", "dcat", "spdx", "dcterms", "void")
REPORT_PREFIXES = pick("rdf", "sh", "cks", "xsd", "ckg", "schema", "org", "prov", "oa", "time", "qb", "skos", "dcterms", "rdfs", "owl")

Triple = tuple[str, str, str]


# --- order and plain text forms --------------------------------------------------------------


def triple_key(triple: Triple) -> tuple:
    # rdf:type first within a subject reads best; otherwise N-Triples order.
    subject, predicate, obj = triple
    return (subject, predicate != RDF_TYPE, predicate, obj)


def union_triples(quads: list[Quad]) -> list[Triple]:
    """The merge of every graph: distinct triples, sorted."""
    return sorted({(q.subject, q.predicate, q.object) for q in quads}, key=triple_key)


def sorted_quads(quads: list[Quad]) -> list[Quad]:
    """Distinct quads, graph by graph."""
    return sorted(set(quads), key=lambda q: (q.graph, q.subject, q.predicate != RDF_TYPE, q.predicate, q.object))


def ntriples(triples: list[Triple]) -> bytes:
    return "".join([f"<{s}> <{p}> {o} .\n" for s, p, o in triples]).encode("utf-8")


def nquads(quads: list[Quad]) -> bytes:
    return "".join([f"<{q.subject}> <{q.predicate}> {q.object} <{q.graph}> .\n" if q.graph
                    else f"<{q.subject}> <{q.predicate}> {q.object} .\n" for q in quads]).encode("utf-8")


def reformat(data: bytes, source: pyoxigraph.RdfFormat, target: pyoxigraph.RdfFormat, prefixes: dict[str, str]) -> bytes:
    """N-Triples/N-Quads → Turtle/TriG by pyoxigraph, keeping the order (so subjects stay grouped)."""
    return pyoxigraph.serialize(pyoxigraph.parse(data, format=source), format=target, prefixes=prefixes)


def turtle(triples: list[Triple], prefixes: dict[str, str]) -> bytes:
    return reformat(ntriples(triples), pyoxigraph.RdfFormat.N_TRIPLES, pyoxigraph.RdfFormat.TURTLE, prefixes)


# --- JSON-LD with a context a web developer can use -----------------------------------------

# schema.org, PROV and Web Annotation terms people use most, with short names.
EXTRA_TERMS = (
    ("headline", "schema:headline", None), ("text", "schema:text", None),
    ("startDate", "schema:startDate", "xsd:date"), ("endDate", "schema:endDate", "xsd:date"),
    ("dateCreated", "schema:dateCreated", "xsd:date"), ("datePublished", "schema:datePublished", "xsd:date"),
    ("url", "schema:url", "@id"), ("location", "schema:location", "@id"),
    ("about", "schema:about", "@id"), ("mentions", "schema:mentions", "@id"),
    ("publisher", "schema:publisher", "@id"), ("author", "schema:author", "@id"),
    ("wasDerivedFrom", "prov:wasDerivedFrom", "@id"), ("sameAs", "owl:sameAs", "@id"),
    ("exact", "oa:exact", None), ("prefix", "oa:prefix", None), ("suffix", "oa:suffix", None),
    ("start", "oa:start", "xsd:nonNegativeInteger"), ("end", "oa:end", "xsd:nonNegativeInteger"),
    ("hasSource", "oa:hasSource", "@id"), ("hasSelector", "oa:hasSelector", "@id"),
)
JSONLD_PREFIXES = pick("ckg", "id", "schema", "org", "prov", "oa", "time", "qb", "skos", "dcterms", "owl", "rdfs", "xsd")


def jsonld_context(ontology: Ontology) -> dict:
    """Prefixes, plus a short name for every ckg: term (typed where the range says).

    A term never takes the name of a prefix (ckg:time stays `ckg:time`, so `time:` keeps
    meaning OWL-Time).
    """
    context: dict[str, object] = dict(JSONLD_PREFIXES)
    context["label"] = {"@id": "rdfs:label", "@container": "@language"}

    def short(term: str) -> str | None:
        name = term[len(NS_ONTOLOGY):]
        return None if name in JSONLD_PREFIXES or name in context else name

    for term in ontology.subjects(RDF_TYPE, iri(OWL + "ObjectProperty")):
        if term.startswith(NS_ONTOLOGY) and (name := short(term)):
            context[name] = {"@id": f"ckg:{term[len(NS_ONTOLOGY):]}", "@type": "@id"}
    for term in ontology.subjects(RDF_TYPE, iri(OWL + "DatatypeProperty")):
        if term.startswith(NS_ONTOLOGY) and (name := short(term)):
            entry: dict[str, str] = {"@id": f"ckg:{term[len(NS_ONTOLOGY):]}"}
            ranges = [r[1:-1] for r in ontology.objects(term, RDFS + "range") if r.startswith(f"<{XSD}")]
            if len(ranges) == 1 and ranges[0] != XSD + "string":
                entry["@type"] = f"xsd:{ranges[0][len(XSD):]}"
            context[name] = entry
    for name, term_iri, coercion in EXTRA_TERMS:
        context.setdefault(name, {"@id": term_iri, **({"@type": coercion} if coercion else {})})
    return dict(sorted(context.items(), key=lambda item: (isinstance(item[1], dict), item[0])))


class _Compactor:
    """Writes node objects with the context's short names; see `compact_jsonld`."""

    def __init__(self, context: dict):
        self.prefixes = sorted(((ns, p) for p, ns in context.items() if isinstance(ns, str)), key=lambda x: -len(x[0]))
        self.terms: dict[str, tuple[str, str | None, str | None]] = {}  # predicate IRI → (term, coercion, container)
        for name, definition in context.items():
            if isinstance(definition, dict):
                self.terms[self.expand(definition["@id"])] = (name, definition.get("@type"), definition.get("@container"))
        self._compact: dict[str, str] = {}

    def expand(self, value: str) -> str:
        prefix, _, local = value.partition(":")
        return PREFIXES[prefix] + local if prefix in PREFIXES and not local.startswith("//") else value

    def iri(self, value: str) -> str:
        found = self._compact.get(value)
        if found is None:
            found = value
            for namespace, prefix in self.prefixes:
                if value.startswith(namespace) and len(value) > len(namespace):
                    found = f"{prefix}:{value[len(namespace):]}"
                    break
            self._compact[value] = found
        return found

    def node(self, subject: str, pairs: list[tuple[str, str]]) -> dict:
        node: dict[str, object] = {"@id": self.iri(subject)}
        by_key: dict[str, list] = defaultdict(list)
        types = sorted(self.iri(o[1:-1]) for p, o in pairs if p == RDF_TYPE and o.startswith("<"))
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for predicate, obj in pairs:
            if predicate == RDF_TYPE and obj.startswith("<"):
                continue
            key, value = self.value(predicate, obj)
            by_key[key].append(value)
        for key in sorted(by_key):
            values = by_key[key]
            if isinstance(values[0], tuple):  # a language map
                languages: dict[str, list[str]] = defaultdict(list)
                for language, text in values:
                    languages[language].append(text)
                node[key] = {lang: (texts[0] if len(texts) == 1 else sorted(texts)) for lang, texts in sorted(languages.items())}
            else:
                ordered = sorted(values, key=_value_order)
                node[key] = ordered[0] if len(ordered) == 1 else ordered
        return node

    def value(self, predicate: str, obj: str) -> tuple[str, object]:
        """(key, value) for one object: the short term where its coercion fits, else an explicit value."""
        term, coercion, container = self.terms.get(predicate, (None, None, None))
        literal = _literal_parts(obj)
        if literal is None:  # an IRI
            if term and coercion == "@id":
                return term, self.iri(obj[1:-1])
            return term if term and coercion is None and not container else self.iri(predicate), {"@id": self.iri(obj[1:-1])}
        text, datatype, language = literal
        if term and container == "@language" and language:
            return term, (language, text)
        if term and coercion and not language and datatype and self.expand(coercion) == datatype:
            return term, text
        explicit: dict[str, str] = {"@value": text}
        if language:
            explicit["@language"] = language
        elif datatype and datatype != XSD + "string":
            explicit["@type"] = self.iri(datatype)
        key = term if term and coercion is None and not container else self.iri(predicate)
        if len(explicit) == 1 and key == term:
            return key, text
        return key, explicit


_ESCAPE = re.compile(r"\\(?:U([0-9A-Fa-f]{8})|u([0-9A-Fa-f]{4})|(.))")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match: re.Match) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _ECHAR[match.group(3)]


def _value_order(value) -> tuple:
    if isinstance(value, str):
        return (0, value, "", "")
    return (1, value.get("@id") or value.get("@value"), value.get("@type", ""), value.get("@language", ""))


def _literal_parts(term: str) -> tuple[str, str | None, str | None] | None:
    """(lexical form, datatype, language) of an N-Triples literal; None for an IRI."""
    if term.startswith("<"):
        return None
    end = term.rindex('"')
    lexical = term[1:end]
    if "\\" in lexical:
        lexical = _ESCAPE.sub(_unescape, lexical)
    rest = term[end + 1:]
    if rest.startswith("@"):
        return lexical, None, rest[1:]
    if rest.startswith("^^<"):
        return lexical, rest[3:-1], None
    return lexical, XSD + "string", None


def compact_jsonld(triples: list[Triple], context: dict) -> bytes:
    """Compacted JSON-LD with the context embedded: no remote context is ever needed.

    Written here rather than by a JSON-LD processor because the context is ours and
    simple (one IRI per term, at most a type coercion or a language container), and a
    general compaction algorithm is far too slow for a corpus; the result is checked
    by parsing it back with pyoxigraph and rdflib (tests/test_release_formats.py).
    """
    compactor = _Compactor(context)
    graph = []
    by_subject: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for subject, predicate, obj in triples:
        by_subject[subject].append((predicate, obj))
    for subject in sorted(by_subject, key=compactor.iri):
        graph.append(compactor.node(subject, by_subject[subject]))
    # One node a line: readable, diff-friendly, and written by json's fast C encoder.
    head = json.dumps({"@context": context}, ensure_ascii=False, indent=1)[:-2]
    nodes = ",\n".join([json.dumps(node, ensure_ascii=False) for node in graph])
    return f"{head},\n \"@graph\": [\n{nodes}\n ]\n}}\n".encode("utf-8")


# --- dataset description (VoID + DCAT) -------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def describe_release(triples: list[Triple], quads: list[Quad], files: dict[str, bytes], ontology: Ontology) -> bytes:
    """VoID statistics and DCAT distributions with media type, size and SHA-256, as Turtle."""
    out: list[Triple] = []

    def add(s: str, p: str, o: str) -> None:
        out.append((s, p, o))

    ontology_iri = ontology.subjects(RDF_TYPE, iri(OWL + "Ontology"))[0]
    version_term = ontology.objects(ontology_iri, OWL + "versionInfo")[0]
    version = _literal_parts(version_term)[0]
    release = mint.RELEASE_DATASET
    add(release, RDF_TYPE, iri(VOID.Dataset))
    add(release, RDF_TYPE, iri(DCAT.Dataset))
    add(release, DCTERMS.title, en("cubakg: US–Cuba migration diplomacy knowledge graph"))
    add(release, DCTERMS.description, en(
        "Facts about US–Cuba migration talks, officials, agencies, migration statistics, policy changes and "
        "statements, each with verbatim evidence (character offsets) from the news articles it comes from."))
    add(release, DCTERMS.license, iri("https://creativecommons.org/licenses/by/4.0/"))
    add(release, DCTERMS.creator, text("The cubakg team"))
    add(release, OWL_NS.versionInfo, version_term)
    for modified in ontology.objects(ontology_iri, DCTERMS.modified):
        add(release, DCTERMS.modified, modified)
    add(release, VOID.uriSpace, text(res.NS_ID))
    add(release, DCTERMS.conformsTo, iri(ontology_iri))
    _statistics(add, release, triples)
    for namespace in sorted(_vocabularies(triples)):
        add(release, VOID.vocabulary, iri(namespace))
    sizes = Counter(q.graph for q in set(quads))
    for graph in sorted(sizes):
        subset = mint.subset_iri(graph)
        add(release, VOID.subset, iri(subset))
        add(subset, RDF_TYPE, iri(VOID.Dataset))
        add(subset, RDFS + "label", text(f"named graph {graph}"))
        add(subset, VOID.triples, integer(sizes[graph]))
        add(subset, DCTERMS.identifier, text(graph))
    for name in sorted(files):
        data = files[name]
        distribution = mint.distribution_iri(version, name)
        checksum = mint.checksum_iri(distribution)
        add(release, DCAT.distribution, iri(distribution))
        add(distribution, RDF_TYPE, iri(DCAT.Distribution))
        add(distribution, DCTERMS.title, text(name))
        add(distribution, DCAT.downloadURL, iri(distribution))
        add(distribution, DCAT.mediaType, iri(f"https://www.iana.org/assignments/media-types/{media_type(name)}"))
        add(distribution, DCAT.byteSize, typed(str(len(data)), XSD + "nonNegativeInteger"))
        add(distribution, SPDX.checksum, iri(checksum))
        add(checksum, RDF_TYPE, iri(SPDX.Checksum))
        add(checksum, SPDX.algorithm, iri(SPDX.checksumAlgorithm_sha256))
        add(checksum, SPDX.checksumValue, typed(sha256(data), XSD + "hexBinary"))
        if name.startswith("cubakg."):
            add(release, VOID.dataDump, iri(distribution))
    return turtle(sorted(set(out), key=triple_key), VOID_PREFIXES)


def _statistics(add, release: str, triples: list[Triple]) -> None:
    subjects = {s for s, _, _ in triples}
    objects = {o for _, _, o in triples}
    properties = Counter(p for _, p, _ in triples)
    typed_subjects: dict[str, set[str]] = defaultdict(set)
    for s, p, o in triples:
        if p == RDF_TYPE and o.startswith("<"):
            typed_subjects[o[1:-1]].add(s)
    add(release, VOID.triples, integer(len(triples)))
    add(release, VOID.distinctSubjects, integer(len(subjects)))
    add(release, VOID.distinctObjects, integer(len(objects)))
    add(release, VOID.properties, integer(len(properties)))
    add(release, VOID.classes, integer(len(typed_subjects)))
    add(release, VOID.entities, integer(len(set().union(*typed_subjects.values())) if typed_subjects else 0))
    for cls in sorted(typed_subjects):
        partition = mint.partition_iri("class", cls, PARTITION_PREFIXES)
        add(release, VOID.classPartition, iri(partition))
        add(partition, VOID["class"], iri(cls))
        add(partition, VOID.entities, integer(len(typed_subjects[cls])))
    for prop in sorted(properties):
        partition = mint.partition_iri("property", prop, PARTITION_PREFIXES)
        add(release, VOID.propertyPartition, iri(partition))
        add(partition, VOID.property, iri(prop))
        add(partition, VOID.triples, integer(properties[prop]))


PARTITION_PREFIXES = pick("ckg", "schema", "org", "prov", "oa", "time", "qb", "skos", "dcterms", "owl", "rdfs", "xsd")


def _vocabularies(triples: list[Triple]) -> set[str]:
    used = {p for _, p, _ in triples} | {o[1:-1] for _, p, o in triples if p == RDF_TYPE and o.startswith("<")}
    return {ns for ns in GRAPH_PREFIXES.values() for term in used if term.startswith(ns)}


# --- atomic write ----------------------------------------------------------------------------


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
