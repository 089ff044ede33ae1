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


# --- documents of a triple (or quad) per line ------------------------------------------------

# In these formats a line is a whole triple or quad: a document may be cut at any line's end.
LINE_FORMATS = (RdfFormat.N_TRIPLES, RdfFormat.N_QUADS)


def whole_lines(path: Path, size: int):
    """A file's content in pieces of about `size` bytes, each ending at a line's end (but the last)."""
    with open(path, "rb") as handle:
        rest = b""
        while block := handle.read(size):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if cut:
                yield block[:cut]
        if rest:
            yield rest


def marked_lines(data: bytes, mark, batch: int = 1 << 20):
    """The document in order as pairs (lines where the regular expression `mark` finds nothing,
    lines where it finds something), the latter gathered about `batch` bytes at a time; the
    last pair has no marked lines.

    >>> import re
    >>> list(marked_lines(b'<a:s> <a:p> "x" .\\n<a:s> <a:p> _:b .\\n<a:s> <a:q> <a:o> .', re.compile(rb"_:")))
    [(b'<a:s> <a:p> "x" .\\n', b'<a:s> <a:p> _:b .\\n'), (b'<a:s> <a:q> <a:o> .', b'')]
    """
    plain, marked = [], []
    size = 0
    start = 0  # where the text not yet taken starts
    line_end = -1
    for match in mark.finditer(data):
        if match.start() < line_end:
            continue  # a second mark on a line already taken
        line_start = data.rfind(b"\n", 0, match.start()) + 1
        line_end = data.find(b"\n", match.end())
        line_end = len(data) if line_end < 0 else line_end + 1
        plain.append(data[start:line_start])
        marked.append(data[line_start:line_end])
        size += line_end - line_start
        start = line_end
        if size >= batch:
            yield b"".join(plain), b"".join(marked)
            plain, marked, size = [], [], 0
    plain.append(data[start:])
    if marked:
        yield b"".join(plain[:-1]), b"".join(marked)
        plain = plain[-1:]
    yield b"".join(plain), b""
