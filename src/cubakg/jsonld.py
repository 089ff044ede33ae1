"""JSON-LD with a context a web developer can use: short names for our terms, compact IRIs.

The release's JSON-LD is written one node object a line (readable, diff-friendly,
and fast: json's C encoder), with the context embedded so no remote context is
ever needed.
"""

from __future__ import annotations

import json
from collections import defaultdict

from cubakg.namespaces import OWL, PREFIXES, RDF_TYPE, RDFS, XSD, pick
from cubakg.read import Ontology
from cubakg.resources import NS_ONTOLOGY
from cubakg.terms import iri, literal_parts

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


class Compactor:
    """Writes node objects with the context's short names.

    Written here rather than by a JSON-LD processor because the context is ours and
    simple (one IRI per term, at most a type coercion or a language container), and a
    general compaction algorithm is far too slow for a corpus; the result is checked
    by parsing it back with pyoxigraph and rdflib (tests/test_release_formats.py).
    """

    def __init__(self, context: dict):
        self.prefixes = sorted(((ns, p) for p, ns in context.items() if isinstance(ns, str)), key=lambda x: -len(x[0]))
        self.terms: dict[str, tuple[str, str | None, str | None]] = {}  # predicate IRI → (term, coercion, container)
        for name, definition in context.items():
            if isinstance(definition, dict):
                self.terms[self.expand(definition["@id"])] = (name, definition.get("@type"), definition.get("@container"))
        self._compact: dict[str, str] = {}
        self._rules: dict[str, tuple] = {}

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
        types, by_key = [], {}
        for predicate, obj in pairs:
            if predicate == RDF_TYPE and obj[0] == "<":
                types.append(self.iri(obj[1:-1]))
                continue
            key, value = self.value(predicate, obj)
            if key in by_key:
                by_key[key].append(value)
            else:
                by_key[key] = [value]
        if types:
            node["@type"] = types[0] if len(types) == 1 else sorted(types)
        for key in sorted(by_key):
            values = by_key[key]
            if isinstance(values[0], tuple):  # a language map
                languages: dict[str, list[str]] = {}
                for language, text in values:
                    languages.setdefault(language, []).append(text)
                node[key] = {lang: (texts[0] if len(texts) == 1 else sorted(texts)) for lang, texts in sorted(languages.items())}
            elif len(values) == 1:
                node[key] = values[0]
            else:
                node[key] = sorted(values, key=_value_order)
        return node

    def _rule(self, predicate: str) -> tuple:
        """How a predicate's values are written: (term, coercion, its IRI, language map, key for explicit values)."""
        rule = self._rules.get(predicate)
        if rule is None:
            term, coercion, container = self.terms.get(predicate, (None, None, None))
            plain_term = term if term and coercion is None and not container else None
            rule = (term, coercion, self.expand(coercion) if coercion else None, container == "@language",
                    plain_term or self.iri(predicate))
            self._rules[predicate] = rule
        return rule

    def value(self, predicate: str, obj: str) -> tuple[str, object]:
        """(key, value) for one object: the short term where its coercion fits, else an explicit value."""
        term, coercion, coerced_to, language_map, explicit_key = self._rule(predicate)
        if obj[0] == "<":  # an IRI
            if coercion == "@id":
                return term, self.iri(obj[1:-1])
            return explicit_key, {"@id": self.iri(obj[1:-1])}
        text, datatype, language = literal_parts(obj)
        if language:
            if language_map:
                return term, (language, text)
            return explicit_key, {"@value": text, "@language": language}
        if coerced_to == datatype:
            return term, text
        if datatype == XSD + "string":
            return explicit_key, text if explicit_key == term else {"@value": text}
        return explicit_key, {"@value": text, "@type": self.iri(datatype)}


def _value_order(value) -> tuple:
    if isinstance(value, str):
        return (0, value, "", "")
    return (1, value.get("@id") or value.get("@value"), value.get("@type", ""), value.get("@language", ""))


def node_lines(triples, compactor: "Compactor") -> str:
    """JSON-LD node objects for these triples, one a line, subjects in the order of their short IRIs."""
    by_subject: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for subject, predicate, obj in triples:
        by_subject[subject].append((predicate, obj))
    return ",\n".join([json.dumps(compactor.node(subject, by_subject[subject]), ensure_ascii=False)
                        for subject in sorted(by_subject, key=compactor.iri)])


def document_head(context: dict) -> str:
    """The document up to its first node: the embedded context, then `"@graph": [`."""
    return json.dumps({"@context": context}, ensure_ascii=False, indent=1)[:-2] + ',\n "@graph": [\n'


DOCUMENT_TAIL = "\n ]\n}\n"
