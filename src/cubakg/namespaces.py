"""The one table of prefixes: every module that writes or shows IRIs takes them from here.

>>> compact("https://w3id.org/cubakg/ontology#Statement")
'ckg:Statement'
"""

from __future__ import annotations

from cubakg.resources import NS_ID, NS_ONTOLOGY, NS_SHAPES

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"

# prefix → namespace. The order is the order prefixes are written in files.
PREFIXES: dict[str, str] = {
    "ckg": NS_ONTOLOGY,
    "cks": NS_SHAPES,
    "id": NS_ID,
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "time": "http://www.w3.org/2006/time#",
    "qb": "http://purl.org/linked-data/cube#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "vann": "http://purl.org/vocab/vann/",
    "spdx": "http://spdx.org/rdf/terms#",
    "sh": SH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "wd": "http://www.wikidata.org/entity/",
}


class Vocabulary:
    """A namespace whose attributes are its terms, as plain strings: `SDO.Person`.

    Not a `str` itself, so that terms named like string methods (`DCTERMS.title`)
    are terms too.

    >>> Vocabulary("http://purl.org/dc/terms/").title
    'http://purl.org/dc/terms/title'
    """

    def __init__(self, namespace: str):
        self.namespace = namespace

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        term = self.namespace + name
        setattr(self, name, term)  # found directly from now on
        return term

    def __getitem__(self, name: str) -> str:  # for terms that are Python keywords: VOID["class"]
        return self.namespace + name

    def __str__(self) -> str:
        return self.namespace


CKG = Vocabulary(NS_ONTOLOGY)
SDO = Vocabulary(PREFIXES["schema"])
ORG = Vocabulary(PREFIXES["org"])
PROV = Vocabulary(PREFIXES["prov"])
OA = Vocabulary(PREFIXES["oa"])
TIME = Vocabulary(PREFIXES["time"])
QB = Vocabulary(PREFIXES["qb"])
SKOS = Vocabulary(PREFIXES["skos"])
DCTERMS = Vocabulary(PREFIXES["dcterms"])
DCAT = Vocabulary(PREFIXES["dcat"])
VOID = Vocabulary(PREFIXES["void"])
SPDX = Vocabulary(PREFIXES["spdx"])
RDF_NS = Vocabulary(RDF)
RDFS_NS = Vocabulary(RDFS)
OWL_NS = Vocabulary(OWL)
XSD_NS = Vocabulary(XSD)
RDF_TYPE = RDF + "type"


def pick(*names: str) -> dict[str, str]:
    """A subset of PREFIXES, in the order given: `pick("sh", "xsd")`."""
    return {name: PREFIXES[name] for name in names}


def compact(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """`prefix:local` where a prefix fits and the local part is a plain name, else the IRI itself."""
    import re

    for prefix, namespace in (prefixes or PREFIXES).items():
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-]*", local) and not local.endswith("."):
                return f"{prefix}:{local}"
    return iri
