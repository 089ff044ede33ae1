"""Find, guard and parse the files to validate.

Everything is parsed by pyoxigraph (fast, and it never touches the network: a
JSON-LD remote context is an error, not a download). Before parsing, each file is
checked for what would crash or exhaust a parser: binary or UTF-16 content, RDF/XML
entity declarations (external entities, entity-expansion bombs) and nesting deeper
than the parsers handle safely (pyoxigraph's JSON-LD parser overflows the stack
past about 10,000 levels; its RDF/XML parser slows quadratically with depth).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from cubakg.errors import InputError, Location, UsageError

# name → (pyoxigraph RdfFormat attribute, holds quads, line-based text format)
FORMATS: dict[str, tuple[str, bool, bool]] = {
    "turtle": ("TURTLE", False, True),
    "ntriples": ("N_TRIPLES", False, True),
    "nquads": ("N_QUADS", True, True),
    "trig": ("TRIG", True, True),
    "jsonld": ("JSON_LD", True, False),
    "rdfxml": ("RDF_XML", False, False),
}
FORMAT_ALIASES = {
    "ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "nq": "nquads", "n-quads": "nquads",
    "json-ld": "jsonld", "xml": "rdfxml", "rdf/xml": "rdfxml", "rdf": "rdfxml", "owl": "rdfxml",
}
EXTENSIONS = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "ntriples", ".ntriples": "ntriples",
    ".nq": "nquads", ".nquads": "nquads", ".trig": "trig", ".jsonld": "jsonld", ".json-ld": "jsonld",
    ".rdf": "rdfxml", ".xml": "rdfxml", ".owl": "rdfxml",
}
STDIN = "-"
# Deeper nesting than this is refused before parsing (real data nests a few levels).
MAX_NESTING = 512
# An RDF/XML file may declare internal entities (ontology editors write
# <!ENTITY owl "http://…#">) but their expansion may add at most this many bytes.
MAX_ENTITY_EXPANSION = 16 * 1024 * 1024


@dataclass
class Source:
    """One input: a file (or standard input) and the format it is read as."""

    label: str  # the path as the user wrote it, or "<stdin>"
    path: Path | None
    format: str
    triples: int = 0

    @property
    def line_based(self) -> bool:
        return FORMATS[self.format][2]


def normalise_format(name: str) -> str:
    """`ttl`, `Turtle`, `json-ld` … → the canonical format name, or a usage error."""
    key = name.strip().lower()
    key = FORMAT_ALIASES.get(key, key)
    if key not in FORMATS:
        raise UsageError(
            f"unknown input format {name!r}",
            hint="use one of: " + ", ".join(FORMATS) + " (or ttl, nt, nq, json-ld, xml)",
        )
    return key


def discover(arguments: list[str], input_format: str | None) -> list[Source]:
    """Expand the command's arguments into sources: files, every RDF file of a directory, `-`."""
    forced = normalise_format(input_format) if input_format else None
    sources: list[Source] = []
    for argument in arguments:
        if argument == STDIN:
            sources.append(Source("<stdin>", None, forced or "turtle"))
            continue
        path = Path(argument)
        if path.is_dir():
            found = sorted(
                candidate for candidate in path.rglob("*")
                if candidate.is_file()
                and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
                and (forced or candidate.suffix.lower() in EXTENSIONS)
            )
            if not found:
                raise InputError(
                    "the directory holds no RDF file",
                    Location(argument),
                    hint="RDF files are recognised by extension: " + " ".join(sorted(EXTENSIONS)),
                )
            sources.extend(Source(str(file), file, forced or EXTENSIONS[file.suffix.lower()]) for file in found)
            continue
        if not path.exists():
            raise InputError("no such file or directory", Location(argument))
        if not path.is_file():
            raise InputError("not a regular file", Location(argument))
        fmt = forced or EXTENSIONS.get(path.suffix.lower())
        if fmt is None:
            raise UsageError(
                f"cannot tell the RDF format of {argument} from its extension {path.suffix or '(none)'!r}",
                hint="name the format with --input-format (turtle, ntriples, nquads, trig, jsonld, rdfxml)",
            )
        sources.append(Source(argument, path, fmt))
    return sources


def read_bytes(source: Source) -> bytes:
    """The raw content of a source; unreadable files are input errors."""
    try:
        if source.path is None:
            return sys.stdin.buffer.read()
        return source.path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror or error}", Location(source.label)) from None


def line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def guard(source: Source, data: bytes) -> bytes:
    """Refuse what would crash or exhaust the parser; return the bytes to parse."""
    where = Location(source.label)
    if not data.strip():
        raise InputError(
            "the file is empty: there is nothing to validate", where,
            hint="give a file with RDF data in it",
        )
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head and re.match(rb"^(.\x00){4}|^(\x00.){4}", head, re.S)):
        raise InputError(
            "the file is UTF-16 encoded; RDF text formats must be UTF-8", where,
            hint=f"convert it, e.g. iconv -f UTF-16 -t UTF-8 {source.label} > fixed.{source.format}",
        )
    nul = data.find(b"\x00", 0, 1 << 20)
    if nul >= 0:
        line, column = line_and_column(data, nul)
        raise InputError(
            "this looks like a binary file, not RDF text (it contains a NUL byte)",
            Location(source.label, line, column),
            hint="give a Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML file",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte order mark is harmless; the parsers do not expect it
    if source.format == "jsonld":
        check_json_nesting(source, data)
    elif source.format == "rdfxml":
        check_xml(source, data)
    return data


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def check_json_nesting(source: Source, data: bytes) -> None:
    """Refuse JSON nested deeper than MAX_NESTING (pyoxigraph would overflow its stack)."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    # Peel innermost pairs level by level: the number of rounds is the depth.
    for _ in range(MAX_NESTING):
        if not brackets:
            return
        shorter = brackets.replace(b"{}", b"").replace(b"[]", b"")
        if shorter == brackets:
            return  # unbalanced: let the parser report where
        brackets = shorter
    if brackets:
        raise InputError(
            f"the JSON is nested more than {MAX_NESTING} levels deep; cubakg refuses it rather than risk the parser",
            Location(source.label),
            hint="real JSON-LD nests a few levels: flatten the document (e.g. with a JSON-LD flattening tool)",
        )


def check_xml(source: Source, data: bytes) -> None:
    """Scan RDF/XML with expat (no DTD loading) before pyoxigraph sees it.

    Refuses external entities and DTDs (they would read files or URLs), parameter
    entities, entities defined through other entities (the "billion laughs"), a
    total expansion above MAX_ENTITY_EXPANSION, and element nesting deeper than
    MAX_NESTING. Malformed XML is reported with expat's line and column.
    """
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    entities: dict[str, int] = {}
    depth = 0

    def refuse(message: str, hint: str) -> None:
        raise InputError(message, Location(source.label, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1), hint=hint)

    def on_entity(name, is_parameter, value, base, system_id, public_id, notation):
        if is_parameter:
            refuse(f"the DTD declares a parameter entity %{name};, which cubakg does not process",
                   "remove the DOCTYPE declaration; RDF/XML does not need one")
        if value is None or system_id or public_id:
            refuse(f"the DTD declares an external entity &{name}; (it would read {system_id or public_id!r}); "
                   "external entities are never read", "remove the entity, or write its text in place")
        if "&" in value or "%" in value:
            refuse(f"the entity &{name}; is defined through other entities; nested entities are refused "
                   "(they can expand exponentially)", "define each entity with plain text, e.g. <!ENTITY ex \"http://example.org/\">")
        entities[name] = len(value.encode("utf-8"))

    def on_doctype(name, system_id, public_id, has_internal_subset):
        if system_id or public_id:
            refuse(f"the DOCTYPE names an external DTD ({system_id or public_id!r}); it is never read",
                   "remove the external identifier from the DOCTYPE")

    def on_start(name, attributes):
        nonlocal depth
        depth += 1
        if depth > MAX_NESTING:
            refuse(f"elements are nested more than {MAX_NESTING} levels deep; cubakg refuses it rather than risk the parser",
                   "real RDF/XML nests a few levels: write nested descriptions as separate rdf:Description elements")

    def on_end(name):
        nonlocal depth
        depth -= 1

    def on_external_reference(context, base, system_id, public_id):
        refuse("the file refers to an external entity; it is never read", "remove the reference")
        return 0

    parser.EntityDeclHandler = on_entity
    parser.StartDoctypeDeclHandler = on_doctype
    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.ExternalEntityRefHandler = on_external_reference

    def check_expansion() -> None:
        # Runs at the end of the DOCTYPE, before expat expands any reference.
        if not entities:
            return
        total = 0
        for name, size in entities.items():
            total += data.count(b"&" + name.encode("utf-8") + b";") * size
        if total > MAX_ENTITY_EXPANSION:
            refuse(f"expanding the file's entities would add {total:,} bytes (more than {MAX_ENTITY_EXPANSION:,})",
                   "write the values in place instead of through entities")

    def on_doctype_end():
        check_expansion()

    parser.EndDoctypeDeclHandler = on_doctype_end
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        raise InputError(
            f"not well-formed XML: {xml.parsers.expat.ErrorString(error.code)}",
            Location(source.label, error.lineno, error.offset + 1),
            hint="fix the XML at that place (RDF/XML must be well-formed XML, UTF-8 encoded)",
        ) from None
    except RecursionError:
        raise InputError("the XML is nested too deeply to check safely", Location(source.label)) from None


def syntax_error(source: Source, error: Exception) -> InputError:
    """pyoxigraph's SyntaxError → an InputError at file:line:column with a hint."""
    message = str(error)
    line = column = None
    details = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], tuple) else ()
    if len(details) >= 3:
        line, column = details[1], details[2]
    match = re.match(r"Parser error (?:at|between) line \d+ column \d+(?: and line \d+ column \d+)?: ", message)
    if match:
        message = message[match.end():]
    if len(message) > 300:
        message = message[:300] + "…"
    hint = "fix the syntax at that place"
    lowered = message.lower()
    if "remote context" in lowered or "loaddocumentcallback" in lowered:
        message = "the JSON-LD document uses a remote @context; cubakg never fetches one (no network access while validating)"
        hint = "inline the context: replace the URL in @context with the context object itself"
    elif "utf-8" in lowered:
        hint = "the file must be UTF-8; if it is Latin-1 or Windows-1252, convert it: iconv -f WINDOWS-1252 -t UTF-8"
    elif source.path is None:
        hint = "standard input is read as Turtle unless --input-format says otherwise"
    return InputError(f"cannot parse {FORMAT_LABELS[source.format]}: {message}", Location(source.label, line, column), hint=hint)


FORMAT_LABELS = {
    "turtle": "Turtle", "ntriples": "N-Triples", "nquads": "N-Quads", "trig": "TriG",
    "jsonld": "JSON-LD", "rdfxml": "RDF/XML",
}


def base_iri(source: Source) -> str:
    """Relative IRIs resolve against the file, as rdflib and pyshacl do."""
    if source.path is None:
        return "file:///dev/stdin"
    return source.path.resolve().as_uri()


XSD = "http://www.w3.org/2001/XMLSchema#"
# Datatypes the oxigraph store folds into another one ("5"^^xsd:int is stored as
# "5"^^xsd:integer); SHACL's sh:datatype needs the datatype as written.
FOLDED_DATATYPES = {XSD + name for name in (
    "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_MAYBE_FOLDED = re.compile(
    rb"[#:;](?:int|long|short|byte|nonNegativeInteger|positiveInteger|negativeInteger|nonPositiveInteger"
    rb"|unsigned(?:Int|Long|Short|Byte))\b")
_I64 = re.compile(r"[+-]?[0-9]+")


class Originals:
    """Literals as written where the store keeps another form: (s, p, stored) → written."""

    def __init__(self):
        self.by_triple: dict = {}
        self.by_value: dict = {}

    def __bool__(self) -> bool:
        return bool(self.by_triple)

    def record(self, quad) -> None:
        import pyoxigraph

        literal = quad.object
        stored = stored_form(literal, pyoxigraph)
        self.by_triple.setdefault((quad.subject, quad.predicate, stored), set()).add(literal)
        self.by_value.setdefault(stored, set()).add(literal)

    def written(self, subject, predicate, value) -> set:
        """How a stored value was written (the value itself if not folded)."""
        if subject is not None and predicate is not None:
            # Not recorded for this triple: the store kept it as written. (Falling back on
            # the value alone would judge "0"^^xsd:integer as another triple's
            # "0"^^xsd:nonNegativeInteger.)
            return self.by_triple.get((subject, predicate, value)) or {value}
        return self.by_value.get(value) or {value}


def stored_form(literal, pyoxigraph):
    """The literal the store keeps for a folded-datatype literal."""
    lexical = literal.value
    if _I64.fullmatch(lexical) and -(2 ** 63) <= int(lexical) < 2 ** 63:
        return pyoxigraph.Literal(str(int(lexical)), datatype=pyoxigraph.NamedNode(XSD + "integer"))
    return literal


def remember_folded(quads, originals: Originals):
    """Pass quads through, remembering each literal whose datatype the store folds."""
    import pyoxigraph

    literal_type = pyoxigraph.Literal
    for quad in quads:
        obj = quad.object
        if type(obj) is literal_type and obj.datatype.value in FOLDED_DATATYPES:
            originals.record(quad)
        yield quad


def load(store, source: Source, originals: Originals | None = None) -> bytes:
    """Guard and parse one source into the store (triple formats into the default graph).

    Returns the bytes parsed (kept by the caller only where it needs line numbers).
    """
    import pyoxigraph

    data = guard(source, read_bytes(source))
    before = len(store)
    fmt = getattr(pyoxigraph.RdfFormat, FORMATS[source.format][0])
    try:
        if originals is not None and _MAYBE_FOLDED.search(data):
            # One pass both fills the store and remembers the folded literals.
            store.extend(remember_folded(pyoxigraph.parse(data, format=fmt, base_iri=base_iri(source)), originals))
        else:
            store.load(data, format=fmt, base_iri=base_iri(source))
    except SyntaxError as error:
        raise syntax_error(source, error) from None
    except (ValueError, OSError) as error:
        raise InputError(f"cannot parse {FORMAT_LABELS[source.format]}: {error}", Location(source.label)) from None
    source.triples = len(store) - before
    return data
