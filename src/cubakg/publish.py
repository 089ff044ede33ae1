"""Stage 7, publish: the release, assembled graph by graph and written into dist/ atomically.

Files are written into a temporary folder beside dist/ as they are made, each
hashed as it is written (`Staging`), and swapped in whole only when the build
has passed validation, so a failed build leaves dist/ exactly as it was.

The union of the graphs is never held whole: each article's triples about its own
nodes (the article, its parts, facts, evidence and times) are written out as soon
as the article is emitted (`Assembly.add`); triples about shared things (people,
places, events, concepts …) are kept, merged and written at the end. So the graph
files list the shared things first, then each article's own nodes, article by
article, each block sorted by subject with rdf:type first.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import pickle
import shutil
import struct
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from cubakg import jsonld
from cubakg.describe import FileRecord, Statistics
from cubakg.memory import collector_paused
from cubakg.namespaces import RDF_TYPE, pick
from cubakg.terms import Quad

# Prefixes written in the graph files. Our own IRIs stay whole: as `id:` prefixed
# names their slashes would need escaping in Turtle.
GRAPH_PREFIXES = pick("ckg", "schema", "org", "prov", "oa", "time", "qb", "skos", "dcterms", "owl", "rdfs", "xsd")
REPORT_PREFIXES = pick("rdf", "sh", "cks", "xsd", "ckg", "schema", "org", "prov", "oa", "time", "qb", "skos", "dcterms", "rdfs", "owl")

Triple = tuple[str, str, str]

# --- order and plain text forms --------------------------------------------------------------

# Lines are sorted as plain strings, which Python sorts far faster than tuples with a
# key function. While sorting, a subject ends with SUBJECT_END and a predicate with
# PREDICATE_END, both below any character an IRI may hold, so a subject sorts before
# the longer IRIs it is a prefix of (…/0-73 before …/0-73/quote); rdf:type is TYPE,
# lower still, so it comes first within a subject. Literals never hold these
# characters raw (N-Triples writes control characters as \\uXXXX).
SUBJECT_END, PREDICATE_END, TYPE = "\x02", "\x03", "\x01"


def sort_line(subject: str, predicate: str, obj: str) -> str:
    if predicate == RDF_TYPE:
        return f"<{subject}{SUBJECT_END}{TYPE}{obj} .\n"
    return f"<{subject}{SUBJECT_END}<{predicate}{PREDICATE_END}{obj} .\n"


_MARKS = ((f"{SUBJECT_END}{TYPE}".encode(), f"> <{RDF_TYPE}> ".encode()),
          (SUBJECT_END.encode(), b"> "), (PREDICATE_END.encode(), b"> "))


def as_ntriples(lines) -> bytes:
    """Sort lines, sorted, as N-Triples (marks replaced in UTF-8 bytes, where it is fastest)."""
    data = "".join(sorted(lines)).encode("utf-8")
    for mark, replacement in _MARKS:
        data = data.replace(mark, replacement)
    return data


def in_graph(ntriples: bytes, graph: str) -> bytes:
    """N-Triples as N-Quads of `graph` (no literal holds a raw newline)."""
    return ntriples.replace(b" .\n", f" <{graph}> .\n".encode("utf-8"))


def ntriples(triples) -> bytes:
    """Triples as sorted N-Triples."""
    return as_ntriples([sort_line(s, p, o) for s, p, o in triples])


def turtle(triples, prefixes: dict[str, str]) -> bytes:
    """Triples as Turtle (pyoxigraph), in the order of `ntriples`, so subjects stay grouped."""
    return pyoxigraph.serialize(pyoxigraph.parse(ntriples(triples), format=pyoxigraph.RdfFormat.N_TRIPLES),
                                format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes)


# --- writing files atomically ------------------------------------------------------------------


class HashingWriter:
    """A binary file that counts and hashes what is written to it."""

    def __init__(self, path: Path):
        self.file = open(path, "wb")
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        self.size += len(data)
        return self.file.write(data)

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> FileRecord:
        self.file.close()
        return FileRecord(self.size, self.hash.hexdigest())


class FolderWriter:
    """Files under `root`, each folder made once (the site's 200,000 files share a few thousand),
    and the record (size, SHA-256) of each file written, by name. `digests=False`: records
    without a SHA-256, for files whose digests nothing reads (the site's: the VoID publishes
    those of the graph files, written before the site; hashing the site's 1.4 GB took about
    1 CPU-second at 1,000 articles).

    `write` works on plain strings and file descriptors: with `pathlib` and a buffered
    file object per file, the site's 200,000 files took 6.3 CPU-seconds to write, and
    3.7 this way (on a tmpfs, where writing is all CPU)."""

    _FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)

    def __init__(self, root: Path, digests: bool = True):
        self.root = root
        self.digests = digests
        self.records: dict[str, FileRecord] = {}
        self._prefix = f"{root}/"
        self._folders = {str(root)}

    def open(self, name: str) -> HashingWriter:
        path = self._made(name)
        return HashingWriter(Path(path))

    def write(self, name: str, data: bytes) -> None:
        descriptor = os.open(self._made(name), self._FLAGS, 0o666)
        try:
            view = memoryview(data)
            while view:  # a write to a file may be partial (a signal, a full disk reports on the next)
                view = view[os.write(descriptor, view):]
        finally:
            os.close(descriptor)
        self.records[name] = FileRecord(len(data), hashlib.sha256(data).hexdigest() if self.digests else None)

    def _made(self, name: str) -> str:
        """The path of `name` (a relative path with `/`), its folder made if it was not."""
        path = self._prefix + name
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        return path


class Staging:
    """The release being written: a temporary folder beside `out_dir`, swapped in by `commit`.

    >>> with Staging(Path(tempfile.mkdtemp()) / "dist") as staging:   # doctest: +SKIP
    ...     staging.write("void.ttl", b"...")
    ...     staging.commit()
    """

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.resolve()
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}-new-", dir=self.out_dir.parent))
        self.work = self.root / ".work"  # scratch files, gone before the swap
        self.work.mkdir()
        self._writer = FolderWriter(self.root)
        self.files: dict[str, FileRecord] = self._writer.records

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if self.root.exists():  # not committed: a failure, leave no trace
            shutil.rmtree(self.root, ignore_errors=True)

    def open(self, name: str) -> HashingWriter:
        return self._writer.open(name)

    def close(self, name: str, writer: HashingWriter) -> None:
        self.files[name] = writer.close()

    def write(self, name: str, data: bytes) -> None:
        self._writer.write(name, data)

    def commit(self) -> None:
        """Swap the finished release in for `out_dir`, all or nothing."""
        shutil.rmtree(self.work)
        previous = self.out_dir.with_name(f".{self.out_dir.name}-old-{os.getpid()}")
        had_previous = self.out_dir.exists()
        if had_previous:
            os.rename(self.out_dir, previous)
        try:
            os.rename(self.root, self.out_dir)
        except BaseException:
            if had_previous:
                os.rename(previous, self.out_dir)
            raise
        if had_previous:
            shutil.rmtree(previous)


def sendable(records: dict[str, FileRecord]) -> dict[str, tuple[int, str | None]]:
    """Records as plain tuples, for another process: pickled and read back in a third of the time
    the named ones take (0.3 s rather than 0.9 s for the site's 200,000 files)."""
    return {name: tuple(record) for name, record in records.items()}


def received(sent: dict[str, tuple[int, str | None]]) -> dict[str, FileRecord]:
    """The records `sendable` sent (made with the collector paused: in the build's process, the
    site's 200,000 set off a sweep of everything it holds, 0.64 s at 1,000 articles)."""
    make = FileRecord._make
    with collector_paused():
        return {name: make(record) for name, record in sent.items()}


class FilesAside:
    """Files written by a new Python process (`parallel.python_process`), sent to it through a pipe.

    Not a fork: a fresh interpreter holds none of the caller's memory (the site's
    index), and the caller may run threads (an open query store runs RocksDB's), beside
    which a fork may hang. Each file goes as a header (the lengths of its name and its bytes),
    its name and its bytes; the process answers, once its input ends, with the record
    of every file (its size; no digest, `FolderWriter`), or with the error that stopped it. As a context
    manager: `.records` once the block ends, as `sendable` makes them (a caller in
    another process passes them on as they are), the process stopped if it fails.

    >>> with FilesAside(root) as files:        # doctest: +SKIP
    ...     files.write("site/index.html", b"<!DOCTYPE html>")
    >>> received(files.records)["site/index.html"].size  # doctest: +SKIP
    15
    """

    HEADER = struct.Struct("!IQ")
    PIPE_BYTES = 1 << 20  # fewer switches between the two processes than the default 64 KB

    def __init__(self, root: Path):
        from cubakg.parallel import python_process

        self.process = python_process("from cubakg.publish import write_files_sent; write_files_sent()", str(root),
                                      buffer_bytes=self.PIPE_BYTES)
        with contextlib.suppress(ImportError, AttributeError, OSError):  # Linux only; elsewhere the default pipe
            import fcntl

            fcntl.fcntl(self.process.stdin.fileno(), fcntl.F_SETPIPE_SZ, self.PIPE_BYTES)
        self.pipe = self.process.stdin
        self.records: dict[str, tuple[int, str | None]] = {}

    def __enter__(self) -> "FilesAside":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if error is None:
            self.records = self.finish()
        else:
            self.abandon()

    def write(self, name: str, data: bytes) -> None:
        encoded = name.encode("utf-8")
        try:
            self.pipe.write(self.HEADER.pack(len(encoded), len(data)))
            self.pipe.write(encoded)
            self.pipe.write(data)
        except BrokenPipeError:  # the writing process stopped: its own error says why
            self.finish()
            raise

    def finish(self) -> dict[str, tuple[int, str | None]]:
        """Wait for the process; the record of every file (`sendable`), or the error it met, raised here."""
        with contextlib.suppress(BrokenPipeError):
            self.pipe.close()
        try:
            outcome, value = pickle.load(self.process.stdout)
        except (EOFError, pickle.UnpicklingError):
            outcome, value = "error", (None, f"the process writing the files stopped (exit code {self.process.wait()})", None)
        self.process.stdout.close()
        self.process.wait()
        if outcome == "error":
            errno, message, filename = value
            raise OSError(errno, message, filename) if errno is not None else RuntimeError(message)
        return value

    def abandon(self) -> None:
        """Stop the process, and wait for it, before anything is removed."""
        self.process.kill()
        self.process.wait()
        for stream in (self.pipe, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()


class FilesHere:
    """`FilesAside`'s interface, the files written by this process: where every core is already busy
    (the site's two rendering processes), a writing process of its own is only overhead (the pipe,
    read and written, and the interpreter): at 1,000 articles the site step took 2 s longer with
    them, on a tmpfs and on this machine's disk alike.

    >>> with FilesHere(root) as files:        # doctest: +SKIP
    ...     files.write("site/index.html", b"<!DOCTYPE html>")
    """

    def __init__(self, root: Path):
        self._writer = FolderWriter(Path(root), digests=False)
        self.records: dict[str, tuple[int, str | None]] = {}

    def __enter__(self) -> "FilesHere":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if error is None:
            self.records = sendable(self._writer.records)

    def write(self, name: str, data: bytes) -> None:
        self._writer.write(name, data)


def write_files_sent() -> None:
    """The writing process of `FilesAside`: files from standard input into the folder `sys.argv[1]`,
    then their records (or the error that stopped it, as OSError's arguments) pickled to standard output."""
    source, out = sys.stdin.buffer, sys.stdout.buffer
    writer = FolderWriter(Path(sys.argv[1]), digests=False)
    try:
        while len(header := source.read(FilesAside.HEADER.size)) == FilesAside.HEADER.size:
            name_length, data_length = FilesAside.HEADER.unpack(header)
            writer.write(source.read(name_length).decode("utf-8"), source.read(data_length))
    except OSError as error:
        outcome = ("error", (error.errno, error.strerror, error.filename))
    except Exception as error:  # noqa: BLE001 - a bug: the caller reports it as it would its own
        outcome = ("error", (None, f"{type(error).__name__}: {error}", None))
    else:
        outcome = ("ok", sendable(writer.records))
    try:
        pickle.dump(outcome, out)
        out.flush()
    except BrokenPipeError:  # the caller was stopped: no one to tell
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())  # no second error when Python closes it


# --- assembling the graph files --------------------------------------------------------------


class Assembly:
    """The graph files of the release, assembled graph by graph as emit writes them."""

    def __init__(self, staging: Staging, context: dict):
        self.staging = staging
        self.compactor = jsonld.Compactor(context)
        self.context = context
        self.stats = Statistics()
        self._quads = open(staging.work / "articles.nq", "wb")  # each article graph's quads, sorted
        self._local = open(staging.work / "local.nt", "wb")  # each article's own nodes, sorted
        self._nodes = open(staging.work / "nodes.jsonl", "wb")  # their JSON-LD node objects
        self._blocks: dict[str, tuple[int, int]] = {}  # article graph → (offset, length) in articles.nq
        self._shared: set[Triple] = set()  # triples about shared things, from every graph
        self._other_graphs: dict[str, set[str]] = defaultdict(set)  # shared, sources, outside: sort lines

    def add(self, quads: list[Quad]) -> None:
        """Quads of the graphs shared by all articles (the registry, concepts, structures)."""
        for g, s, p, o in quads:
            self._other_graphs[g].add(sort_line(s, p, o))
        self._shared.update((s, p, o) for _, s, p, o in quads)

    def take(self, part: "ArticlePart") -> None:
        """One article's part (see `assemble_article`), in article order."""
        self._blocks[part.graph] = (self._quads.tell(), len(part.block))
        self._quads.write(part.block)
        self.stats.graph_sizes[part.graph] = part.graph_size
        for graph, lines in part.other_graphs.items():
            self._other_graphs[graph].update(lines)
        self._shared.update(part.shared)
        if part.local_ntriples:
            self._local.write(part.local_ntriples)
            self._nodes.write((b",\n" if self._nodes.tell() else b"") + part.nodes)
        self.stats.merge(part.stats)

    def finish(self) -> list[Path]:
        """Close the scratch files; the N-Quads of every graph, for the validation store."""
        for handle in (self._quads, self._local, self._nodes):
            handle.close()
        self.stats.add(self._shared)
        others = self.staging.work / "other.nq"
        with open(others, "wb") as out:
            for graph in sorted(self._other_graphs):
                block = in_graph(as_ntriples(self._other_graphs[graph]), graph)
                self._blocks[graph] = (-out.tell() - 1, len(block))  # negative: in other.nq
                out.write(block)
                self.stats.graph_sizes[graph] = len(self._other_graphs[graph])
        return [self.staging.work / "articles.nq", others]

    def write_ntriples(self, name: str) -> None:
        writer = self.staging.open(name)
        writer.write(ntriples(self._shared))
        _copy(self.staging.work / "local.nt", writer)
        self.staging.close(name, writer)

    def write_turtle(self, name: str, ntriples_name: str) -> None:
        """Turtle from the N-Triples file just written: same order, subjects grouped."""
        writer = self.staging.open(name)
        pyoxigraph.serialize(pyoxigraph.parse(path=str(self.staging.root / ntriples_name),
                                              format=pyoxigraph.RdfFormat.N_TRIPLES),
                             output=writer, format=pyoxigraph.RdfFormat.TURTLE, prefixes=GRAPH_PREFIXES)
        self.staging.close(name, writer)

    def write_trig(self, name: str) -> None:
        """TriG, one named graph after another in the order of their IRIs."""
        paths = (self.staging.work / "articles.nq", self.staging.work / "other.nq")
        with open(paths[0], "rb") as articles, open(paths[1], "rb") as others:
            def blocks():
                for graph in sorted(self._blocks):
                    offset, length = self._blocks[graph]
                    source = articles if offset >= 0 else others
                    source.seek(offset if offset >= 0 else -offset - 1)
                    yield pyoxigraph.parse(source.read(length), format=pyoxigraph.RdfFormat.N_QUADS)

            writer = self.staging.open(name)
            pyoxigraph.serialize(itertools.chain.from_iterable(blocks()), output=writer,
                                 format=pyoxigraph.RdfFormat.TRIG, prefixes=GRAPH_PREFIXES)
            self.staging.close(name, writer)

    def write_jsonld(self, name: str) -> None:
        writer = self.staging.open(name)
        writer.write(jsonld.document_head(self.context).encode("utf-8"))
        shared = jsonld.node_lines(self._shared, self.compactor)
        writer.write(shared.encode("utf-8"))
        if (self.staging.work / "nodes.jsonl").stat().st_size:
            writer.write(b",\n" if shared else b"")
            _copy(self.staging.work / "nodes.jsonl", writer)
        writer.write(jsonld.DOCUMENT_TAIL.encode("utf-8"))
        self.staging.close(name, writer)


@dataclass
class ArticlePart:
    """What one article adds to the graph files, made on its own (so in any process)."""

    graph: str
    block: bytes  # its graph, as sorted N-Quads
    graph_size: int
    local_ntriples: bytes  # triples about its own nodes, sorted
    nodes: bytes  # their JSON-LD node objects
    shared: set[Triple]  # triples about shared things
    other_graphs: dict[str, set[str]]  # its lines in other graphs (sources, outside knowledge), as sort lines
    stats: Statistics


def assemble_article(quads: list[Quad], graph: str, own: tuple[str, tuple[str, ...]],
                     compactor: jsonld.Compactor) -> ArticlePart:
    """One article's quads — its `graph`, and its `own` nodes (the article's IRI, and the
    prefixes of its parts, facts, evidence and times) — as its part of the release."""
    node, prefixes = own
    in_graph_lines, other_graphs = set(), defaultdict(set)
    local, shared = set(), set()
    for g, s, p, o in quads:
        if g == graph:
            in_graph_lines.add(sort_line(s, p, o))
        else:
            other_graphs[g].add(sort_line(s, p, o))
        if s == node or s.startswith(prefixes):
            local.add((s, p, o))
        else:
            shared.add((s, p, o))
    stats = Statistics()
    stats.add(local)
    return ArticlePart(
        graph=graph, block=in_graph(as_ntriples(in_graph_lines), graph), graph_size=len(in_graph_lines),
        local_ntriples=ntriples(local), nodes=jsonld.node_lines(local, compactor).encode("utf-8"),
        shared=shared, other_graphs=dict(other_graphs), stats=stats,
    )


def _copy(path: Path, writer: HashingWriter, chunk: int = 1 << 20) -> None:
    with open(path, "rb") as source:
        while data := source.read(chunk):
            writer.write(data)

