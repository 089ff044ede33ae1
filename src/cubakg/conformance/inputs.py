"""Find, guard and parse the files to validate.

Everything is parsed by pyoxigraph (fast, conformant to the W3C RDF test suites, and
it never touches the network: a JSON-LD remote context is an error, not a download).
The guards are exact: whatever the RDF specs accept is read. Only three things are
refused before parsing, because they would crash or exhaust a parser:

- RDF/XML with external entities or DTDs (defusedxml), entities defined through
  entities, entity expansion above MAX_ENTITY_EXPANSION, or elements nested deeper
  than MAX_NESTING;
- JSON nested deeper than MAX_NESTING (pyoxigraph's JSON-LD parser overflows its
  stack past about 10,000 levels);
- standard input longer than STDIN_LIMIT (an endless stream would exhaust memory).

Anything else goes to the parser; when it fails, the message says why in words a
person can act on (binary data, UTF-16, Latin-1 …). A token longer than pyoxigraph's
16 MB buffer (a huge literal or IRI) is read by rdflib instead, in Turtle, TriG and
N-Triples; in N-Quads and JSON-LD (no second parser that is fast, or safe offline)
it is refused with the limit and the line.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from cubakg import rdf_formats
from cubakg.errors import InputError, Location, UsageError

RdfFormat = rdf_formats.RdfFormat
STDIN = "-"
STDIN_LIMIT = 1 << 30  # bytes read from standard input at most (1 GiB)
MAX_NESTING = 512  # JSON and XML nesting refused beyond this (real data nests a few levels)
MAX_ENTITY_EXPANSION = 16 * 1024 * 1024  # bytes RDF/XML entities may add when expanded
TOKEN_LIMIT = 16 * 1024 * 1024  # pyoxigraph's largest token (its buffer's maximal size)


@dataclass
class Source:
    """One input: a file (or standard input) and the format it is read as."""

    label: str  # the path as the user wrote it, or "<stdin>"
    path: Path | None
    format: RdfFormat
    triples: int = 0

    @property
    def line_based(self) -> bool:
        return self.format in rdf_formats.LINE_BASED

    @property
    def format_key(self) -> str:
        return rdf_formats.key(self.format)


def normalise_format(name: str) -> RdfFormat:
    """`ttl`, `Turtle`, `json-ld` … → the format, or a usage error."""
    fmt = rdf_formats.by_name(name)
    if fmt is None:
        raise UsageError(f"unknown input format {name!r}",
                         hint="use one of: " + ", ".join(rdf_formats.keys()) + " (or ttl, nt, nq, json-ld, xml)")
    return fmt


def discover(arguments: list[str], input_format: str | None) -> list[Source]:
    """Expand the command's arguments into sources: files, every RDF file of a directory, `-`."""
    forced = normalise_format(input_format) if input_format else None
    sources: list[Source] = []
    for argument in arguments:
        if argument == STDIN:
            sources.append(Source("<stdin>", None, forced or RdfFormat.TURTLE))
            continue
        path = Path(argument)
        if path.is_dir():
            found = sorted(
                candidate for candidate in path.rglob("*")
                if candidate.is_file()
                and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
                and (forced or rdf_formats.by_path(candidate))
            )
            if not found:
                raise InputError("the directory holds no RDF file", Location(argument),
                                 hint="RDF files are recognised by extension: " + " ".join(sorted(rdf_formats.EXTENSIONS)))
            sources.extend(Source(str(file), file, forced or rdf_formats.by_path(file)) for file in found)
            continue
        if not path.exists():
            raise InputError("no such file or directory", Location(argument))
        if not path.is_file():
            raise InputError("not a regular file", Location(argument))
        fmt = forced or rdf_formats.by_path(path)
        if fmt is None:
            raise UsageError(
                f"cannot tell the RDF format of {argument} from its extension {path.suffix or '(none)'!r}",
                hint="name the format with --input-format (" + ", ".join(rdf_formats.keys()) + ")",
            )
        sources.append(Source(argument, path, fmt))
    return sources


def read_bytes(source: Source, stdin_limit: int = STDIN_LIMIT) -> bytes:
    """The raw content of a source; unreadable files, closed or endless standard input are input errors."""
    if source.path is not None:
        try:
            return source.path.read_bytes()
        except OSError as error:
            raise InputError(f"cannot read the file: {error.strerror or error}", Location(source.label)) from None
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputError("standard input is closed: there is nothing to read", Location(source.label),
                         hint="pipe the data in (cubakg validate - < data.ttl) or name a file")
    try:
        data = stream.read(stdin_limit + 1)
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read standard input: {error}", Location(source.label)) from None
    if data is None:
        data = b""
    if len(data) > stdin_limit:
        raise InputError(f"standard input is longer than {stdin_limit:,} bytes, the most cubakg reads from it",
                         Location(source.label), hint="save the data to a file and validate the file")
    return data


def line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def guard(source: Source, data: bytes) -> bytes:
    """Refuse what would crash or exhaust the parser; return the bytes to parse."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte order mark is harmless; the parsers do not expect it
    if source.format == RdfFormat.JSON_LD:
        check_json_nesting(source, data)
    elif source.format == RdfFormat.RDF_XML:
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
    """Scan RDF/XML with defusedxml's expat parser before pyoxigraph sees it.

    defusedxml refuses external entities and external DTDs (they would read files or
    URLs). It cannot do the rest, which pyoxigraph needs: pyoxigraph's RDF/XML parser
    expands internal entities itself, so entities defined through other entities
    (the "billion laughs"), parameter entities and a total expansion above
    MAX_ENTITY_EXPANSION are refused here, and so is element nesting deeper than
    MAX_NESTING (pyoxigraph's parser slows quadratically with depth). Ontology
    editors' plain entities (<!ENTITY owl "http://…#">) are allowed.
    """
    import xml.sax
    from xml.sax.handler import ContentHandler

    from defusedxml import DefusedXmlException
    from defusedxml.expatreader import DefusedExpatParser

    entities: dict[str, int] = {}

    class Refused(Exception):
        pass

    class Parser(DefusedExpatParser):
        def reset(self):
            super().reset()
            self._parser.EntityDeclHandler = self.on_entity
            self._parser.EndDoctypeDeclHandler = self.on_doctype_end
            self._parser.StartDoctypeDeclHandler = self.on_doctype

        def on_doctype(self, name, system_id, public_id, has_internal_subset):
            if system_id or public_id:
                raise Refused(f"the DOCTYPE names an external DTD ({system_id or public_id!r}); it is never read",
                              "remove the external identifier from the DOCTYPE")

        def on_entity(self, name, is_parameter, value, base, system_id, public_id, notation):
            if is_parameter:
                raise Refused(f"the DTD declares a parameter entity %{name};, which cubakg does not process",
                              "remove the DOCTYPE declaration; RDF/XML does not need one")
            if value is None or system_id or public_id:
                raise Refused(f"the DTD declares an external entity &{name}; (it would read {system_id or public_id!r}); "
                              "external entities are never read", "remove the entity, or write its text in place")
            if "&" in value or "%" in value:
                raise Refused(f"the entity &{name}; is defined through other entities; nested entities are refused "
                              "(they can expand exponentially)",
                              'define each entity with plain text, e.g. <!ENTITY ex "http://example.org/">')
            entities[name] = len(value.encode("utf-8"))

        def on_doctype_end(self):
            # Runs at the end of the DOCTYPE, before any reference is expanded.
            total = sum(data.count(b"&" + name.encode("utf-8") + b";") * size for name, size in entities.items())
            if total > MAX_ENTITY_EXPANSION:
                raise Refused(f"expanding the file's entities would add {total:,} bytes (more than {MAX_ENTITY_EXPANSION:,})",
                              "write the values in place instead of through entities")

    class Depth(ContentHandler):
        depth = 0

        def startElement(self, name, attributes):
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise Refused(f"elements are nested more than {MAX_NESTING} levels deep; cubakg refuses it rather than "
                              "risk the parser",
                              "real RDF/XML nests a few levels: write nested descriptions as separate rdf:Description elements")

        def endElement(self, name):
            self.depth -= 1

    parser = Parser(forbid_dtd=False, forbid_entities=False, forbid_external=True)
    parser.setContentHandler(Depth())

    def where() -> Location:
        return Location(source.label, parser.getLineNumber(), parser.getColumnNumber() + 1)

    import io

    try:
        parser.parse(io.BytesIO(data))
    except Refused as refusal:
        message, hint = refusal.args
        raise InputError(message, where(), hint=hint) from None
    except DefusedXmlException:
        raise InputError("the file refers to an external entity; it is never read", where(),
                         hint="remove the reference, or write its text in place") from None
    except xml.sax.SAXParseException as error:
        raise InputError(f"not well-formed XML: {error.getMessage()}",
                         Location(source.label, error.getLineNumber(), error.getColumnNumber() + 1),
                         hint="fix the XML at that place (RDF/XML must be well-formed XML, UTF-8 encoded)") from None
    except RecursionError:
        raise InputError("the XML is nested too deeply to check safely", Location(source.label)) from None


def base_iri(source: Source) -> str:
    """Relative IRIs resolve against the file, as rdflib and pyshacl do."""
    if source.path is None:
        return "file:///dev/stdin"
    return source.path.resolve().as_uri()


def load(loader, source: Source, stdin_limit: int = STDIN_LIMIT) -> bytes:
    """Read, guard and parse one source into the loader (dataset.Loader); the bytes parsed."""
    data = guard(source, read_bytes(source, stdin_limit))
    try:
        source.triples = loader.add_bytes(data, source.format, base_iri(source))
    except SyntaxError as error:
        raise syntax_error(source, error, data) from None
    except MemoryError as error:
        if "buffer maximal size" not in str(error):
            raise
        source.triples = read_long_tokens(loader, source, data)
    except (ValueError, OSError) as error:
        raise InputError(f"cannot parse {source.format.name}: {error}", Location(source.label)) from None
    return data


# rdflib's Turtle and TriG parsers read long tokens in linear time (its N-Triples and N-Quads
# parsers do not: they rescan a growing buffer). N-Triples is a subset of Turtle; N-Quads is no
# subset of TriG, so it has no second parser here.
RDFLIB_FORMATS = {RdfFormat.TURTLE: "turtle", RdfFormat.N_TRIPLES: "turtle", RdfFormat.TRIG: "trig"}


def read_long_tokens(loader, source: Source, data: bytes) -> int:
    """A document with a token longer than pyoxigraph's buffer: parsed by rdflib (Turtle, TriG, N-Triples)."""
    offset = long_token_offset(data)
    line = line_and_column(data, offset)[0] if offset is not None else None
    if source.format not in RDFLIB_FORMATS:
        raise InputError(
            f"a token (string or IRI) is longer than {TOKEN_LIMIT:,} bytes, the longest cubakg reads in "
            f"{source.format.name}", Location(source.label, line),
            hint="shorten the value, or give the data as Turtle, TriG or N-Triples, where any length is read")
    import rdflib

    normalise = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False  # keep every literal as written
    try:
        graph = rdflib.Dataset()
        graph.parse(data=data, format=RDFLIB_FORMATS[source.format], publicID=base_iri(source))
        quads = [tuple(to_oxigraph(term) for term in quad) for quad in graph.quads((None, None, None, None))]
    except Exception as error:  # rdflib raises many types; all mean the document does not parse
        raise InputError(f"cannot parse {source.format.name}: {error}", Location(source.label, line)) from None
    finally:
        rdflib.NORMALIZE_LITERALS = normalise
    import pyoxigraph

    default = graph.default_context.identifier
    return loader.add_quads(pyoxigraph.Quad(s, p, o, pyoxigraph.DefaultGraph() if g is None or g.value == str(default) else g)
                            for s, p, o, g in quads)


def long_token_offset(data: bytes) -> int | None:
    """Where the first stretch of TOKEN_LIMIT bytes without a token boundary starts, if any."""
    for match in re.finditer(rb'[^\s<>"\']{1,}|"[^"]*"|<[^>]*>', data):
        if match.end() - match.start() > TOKEN_LIMIT:
            return match.start()
    return None


def to_oxigraph(term):
    """An rdflib term as a pyoxigraph term (None stays None)."""
    import pyoxigraph
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", str(term)))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    if hasattr(term, "identifier"):
        return to_oxigraph(term.identifier)
    raise TypeError(f"unexpected term {term!r}")


def syntax_error(source: Source, error: Exception, data: bytes = b"") -> InputError:
    """pyoxigraph's SyntaxError → an InputError at file:line:column with a hint a person can act on."""
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
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or re.match(rb"^(.\x00){4}|^(\x00.){4}", head, re.S):
        message = "the file is UTF-16 encoded; RDF text formats must be UTF-8"
        hint = f"convert it, e.g. iconv -f UTF-16 -t UTF-8 {source.label} > fixed.{source.format.file_extension}"
    elif b"\x00" in head and looks_binary(head):
        message = f"this looks like a binary file, not RDF text ({message})"
        hint = "give a Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML file"
    elif "remote context" in lowered or "loaddocumentcallback" in lowered:
        message = "the JSON-LD document uses a remote @context; cubakg never fetches one (no network access while validating)"
        hint = "inline the context: replace the URL in @context with the context object itself"
    elif "utf-8" in lowered:
        hint = "the file must be UTF-8; if it is Latin-1 or Windows-1252, convert it: iconv -f WINDOWS-1252 -t UTF-8"
    elif source.path is None:
        hint = "standard input is read as Turtle unless --input-format says otherwise"
    return InputError(f"cannot parse {source.format.name}: {message}", Location(source.label, line, column), hint=hint)


def looks_binary(head: bytes) -> bool:
    """Many control bytes (other than tab, newline, carriage return) or invalid UTF-8: not text."""
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13))
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the sample
            return True
    return controls > len(head) // 50
