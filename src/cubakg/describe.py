"""The release's own description: VoID statistics and DCAT distributions (void.ttl).

The statistics are gathered as the release is assembled, graph by graph
(`Statistics.add`), so the union never has to be held whole.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from cubakg import mint
from cubakg import resources as res
from cubakg.namespaces import DCAT, DCTERMS, OWL, OWL_NS, RDF_TYPE, RDFS, SPDX, VOID, XSD, pick
from cubakg.rdf_formats import media_type
from cubakg.read import Ontology
from cubakg.terms import en, integer, iri, literal_parts, text, typed

VOID_PREFIXES = pick("rdf", "rdfs", "xsd", "owl", "dcat", "spdx", "dcterms", "void")
# Namespaces whose terms name partitions (`…/class/schema-Person`) and count as vocabularies used.
VOCABULARIES = pick("ckg", "schema", "org", "prov", "oa", "time", "qb", "skos", "dcterms", "owl", "rdfs", "xsd")


class FileRecord(NamedTuple):
    """A file of the release: its size in bytes and its SHA-256 (hex), or None where no digest is
    taken (the site's files: nothing publishes or reads theirs). A tuple, so that the site's
    200,000 records cross between processes as plain tuples (`publish.sendable`)."""

    size: int
    sha256: str | None


@dataclass
class Statistics:
    """Counts over the union of all graphs, fed with disjoint sets of distinct triples."""

    triples: int = 0
    subjects: int = 0
    typed_subjects: int = 0
    object_hashes: set[int] = field(default_factory=set)  # distinct objects, by hash: ints cost little
    properties: Counter = field(default_factory=Counter)
    classes: Counter = field(default_factory=Counter)
    graph_sizes: dict[str, int] = field(default_factory=dict)
    first_typed: dict[str, str] = field(default_factory=dict)  # kind → least IRI under id/KIND/ with an rdf:type

    def add(self, triples) -> None:
        """Distinct triples, none of them given before, whose subjects no other call gives."""
        triples = list(triples)
        self.triples += len(triples)
        self.subjects += len(set(map(itemgetter(0), triples)))
        self.object_hashes.update(map(hash, map(itemgetter(2), triples)))
        self.properties.update(map(itemgetter(1), triples))
        types = [(s, o) for s, p, o in triples if p == RDF_TYPE and o.startswith("<")]
        self.classes.update(o[1:-1] for _, o in types)
        self.typed_subjects += len({s for s, _ in types})
        for subject, _ in types:
            if subject.startswith(res.NS_ID):
                self._note_typed(subject[len(res.NS_ID):].split("/", 1)[0], subject)

    def _note_typed(self, kind: str, subject: str) -> None:
        first = self.first_typed.get(kind)
        if first is None or subject < first:
            self.first_typed[kind] = subject


    def merge(self, other: "Statistics") -> None:
        """Add another's counts (of triples disjoint from these, about other subjects)."""
        self.triples += other.triples
        self.subjects += other.subjects
        self.typed_subjects += other.typed_subjects
        self.object_hashes |= other.object_hashes
        self.properties.update(other.properties)
        self.classes.update(other.classes)
        self.graph_sizes.update(other.graph_sizes)
        for kind, subject in other.first_typed.items():
            self._note_typed(kind, subject)


def describe_release(stats: Statistics, files: dict[str, FileRecord], ontology: Ontology) -> set[tuple[str, str, str]]:
    """The VoID and DCAT triples of the release."""
    out: set[tuple[str, str, str]] = set()

    def add(s: str, p: str, o: str) -> None:
        out.add((s, p, o))

    ontology_iri = ontology.subjects(RDF_TYPE, iri(OWL + "Ontology"))[0]
    version_term = ontology.objects(ontology_iri, OWL + "versionInfo")[0]
    version = literal_parts(version_term)[0]
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
    _statistics(add, release, stats)
    for graph, size in sorted(stats.graph_sizes.items()):
        subset = mint.subset_iri(graph)
        add(release, VOID.subset, iri(subset))
        add(subset, RDF_TYPE, iri(VOID.Dataset))
        add(subset, RDFS + "label", text(f"named graph {graph}"))
        add(subset, VOID.triples, integer(size))
        add(subset, DCTERMS.identifier, text(graph))
    for name, record in sorted(files.items()):
        distribution = mint.distribution_iri(version, name)
        checksum = mint.checksum_iri(distribution)
        add(release, DCAT.distribution, iri(distribution))
        add(distribution, RDF_TYPE, iri(DCAT.Distribution))
        add(distribution, DCTERMS.title, text(name))
        add(distribution, DCAT.downloadURL, iri(distribution))
        add(distribution, DCAT.mediaType, iri(f"https://www.iana.org/assignments/media-types/{media_type(name)}"))
        add(distribution, DCAT.byteSize, typed(str(record.size), XSD + "nonNegativeInteger"))
        add(distribution, SPDX.checksum, iri(checksum))
        add(checksum, RDF_TYPE, iri(SPDX.Checksum))
        add(checksum, SPDX.algorithm, iri(SPDX.checksumAlgorithm_sha256))
        add(checksum, SPDX.checksumValue, typed(record.sha256, XSD + "hexBinary"))
        if name.startswith("cubakg."):
            add(release, VOID.dataDump, iri(distribution))
    return out


def _statistics(add, release: str, stats: Statistics) -> None:
    add(release, VOID.triples, integer(stats.triples))
    add(release, VOID.distinctSubjects, integer(stats.subjects))
    add(release, VOID.distinctObjects, integer(len(stats.object_hashes)))
    add(release, VOID.properties, integer(len(stats.properties)))
    add(release, VOID.classes, integer(len(stats.classes)))
    add(release, VOID.entities, integer(stats.typed_subjects))
    for cls in sorted(stats.classes):
        partition = mint.partition_iri("class", cls, VOCABULARIES)
        add(release, VOID.classPartition, iri(partition))
        add(partition, VOID["class"], iri(cls))
        add(partition, VOID.entities, integer(stats.classes[cls]))
    for prop in sorted(stats.properties):
        partition = mint.partition_iri("property", prop, VOCABULARIES)
        add(release, VOID.propertyPartition, iri(partition))
        add(partition, VOID.property, iri(prop))
        add(partition, VOID.triples, integer(stats.properties[prop]))
    used = set(stats.properties) | set(stats.classes)
    for namespace in sorted({ns for ns in VOCABULARIES.values() for term in used if term.startswith(ns)}):
        add(release, VOID.vocabulary, iri(namespace))


