"""The one table of RDF formats, built on pyoxigraph's `RdfFormat`.

pyoxigraph already knows each format's name, file extension, media type and
whether it holds named graphs; this module only adds the names people type
(`ttl`, `json-ld`, `xml`) and the extra extensions seen in the wild.

>>> by_name("ttl").name
'Turtle'
>>> by_path("release/cubakg.trig").supports_datasets
True
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

RdfFormat = pyoxigraph.RdfFormat

# The formats cubakg reads and writes (N3 and streaming JSON-LD are left out on purpose:
# N3 is not RDF 1.1, and streaming JSON-LD is a parsing mode of JSON-LD).
FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.N_QUADS, RdfFormat.TRIG, RdfFormat.JSON_LD, RdfFormat.RDF_XML,
)
# Names people type → format. The canonical names (pyoxigraph's, lowercased) come first.
_NAMES: dict[str, RdfFormat] = {fmt.name.lower(): fmt for fmt in FORMATS}
_NAMES.update({
    "ttl": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "ntriples": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS, "nquads": RdfFormat.N_QUADS, "jsonld": RdfFormat.JSON_LD,
    "xml": RdfFormat.RDF_XML, "rdf": RdfFormat.RDF_XML, "rdfxml": RdfFormat.RDF_XML,
})
# Extensions beyond each format's own (pyoxigraph's `file_extension`).
_EXTRA_EXTENSIONS = {
    "turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES, "nquads": RdfFormat.N_QUADS,
    "json-ld": RdfFormat.JSON_LD, "json": RdfFormat.JSON_LD, "xml": RdfFormat.RDF_XML, "owl": RdfFormat.RDF_XML,
}
EXTENSIONS: dict[str, RdfFormat] = {f".{fmt.file_extension}": fmt for fmt in FORMATS}
EXTENSIONS.update({f".{ext}": fmt for ext, fmt in _EXTRA_EXTENSIONS.items() if f".{ext}" not in EXTENSIONS})
# Line-based text formats: a parse error's line number points into the file as written.
LINE_BASED = frozenset({RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.N_QUADS, RdfFormat.TRIG})


# One short name per format, for options and machine-readable output (`--input-format ntriples`).
_KEYS = {RdfFormat.TURTLE: "turtle", RdfFormat.N_TRIPLES: "ntriples", RdfFormat.N_QUADS: "nquads",
         RdfFormat.TRIG: "trig", RdfFormat.JSON_LD: "jsonld", RdfFormat.RDF_XML: "rdfxml"}


def key(fmt: RdfFormat) -> str:
    """The format's short name: `turtle`, `ntriples`, `nquads`, `trig`, `jsonld`, `rdfxml`."""
    return _KEYS[fmt]


def keys() -> list[str]:
    return [_KEYS[fmt] for fmt in FORMATS]


def by_name(name: str) -> RdfFormat | None:
    """The format a user names (`turtle`, `ttl`, `N-Triples`, `json-ld` …), or None."""
    return _NAMES.get(name.strip().lower())


def by_path(path: str | Path) -> RdfFormat | None:
    """The format of a file, from its extension, or None."""
    return EXTENSIONS.get(Path(path).suffix.lower())


def names() -> list[str]:
    """The canonical names, for messages: Turtle, N-Triples, …"""
    return [fmt.name for fmt in FORMATS]


# Media types of the other files a release holds (RDF files take theirs from RdfFormat).
OTHER_MEDIA_TYPES = {
    ".html": "text/html", ".rq": "application/sparql-query", ".md": "text/markdown", ".json": "application/json",
    ".xml": "application/xml", ".txt": "text/plain", ".css": "text/css", ".js": "text/javascript",
    ".png": "image/png", ".svg": "image/svg+xml",
}


def media_type(path: str | Path) -> str:
    """The media type of a release file: `cubakg.ttl` → text/turtle, `index.html` → text/html."""
    suffix = Path(path).suffix.lower()
    if suffix in OTHER_MEDIA_TYPES:
        return OTHER_MEDIA_TYPES[suffix]
    fmt = by_path(path)
    return fmt.media_type if fmt else "application/octet-stream"
