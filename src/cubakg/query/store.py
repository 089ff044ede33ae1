"""An on-disk Oxigraph store for a release: made once, then opened read-only by every query.

    from cubakg.query.store import prepare_store, open_store
    prepare_store(Path("dist"))            # what `cubakg build` does before publishing dist/
    store = open_store(Path("dist"))       # what `cubakg query` uses; makes the store if missing

The store is a RocksDB folder in the user's cache ($CUBAKG_CACHE_DIR, else the
platform's cache folder for cubakg, e.g. ~/.cache/cubakg), never in the checkout.
Its name is a checksum of the release's graph files (with the store layout and
pyoxigraph's version), so a rebuilt release gets a new store and a stale one is
never opened. The SHA-256 of a file is remembered with the file's identity (device,
inode, size, modification and change times), so opening does not re-read a large
release; any rewrite of the file changes that identity.

What the store holds is what `--data cubakg.trig` gives: every named graph of the
TriG, and as default graph their merge (each triple once), taken from the
release's `cubakg.nt` (the same merge, written by the build) when present.

Making a store is race-free: it is built in a temporary folder beside its final
place and renamed into place when complete, under a lock file so that two
processes wanting the same store build it once. Opened read-only, one store
serves any number of queries at once, in any number of processes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cubakg import rdf_formats
from cubakg.errors import InputError, Location
from cubakg.resources import GRAPH_NTRIPLES, GRAPH_TRIG, GRAPH_TURTLE

CACHE_ENV = "CUBAKG_CACHE_DIR"
# Bump when what a store holds, or how it is made, changes: old stores are then never opened.
STORE_LAYOUT = 1
# Stores kept besides the ones in use; older ones (by last use) are removed when a store is made.
KEEP_STORES = 4
# A store used this recently is never removed: another process may be reading it.
IN_USE_SECONDS = 600
# An unfinished build older than this crashed: its folder is removed.
ABANDONED_SECONDS = 24 * 3600


def cache_dir() -> Path:
    """$CUBAKG_CACHE_DIR, else the platform's user cache folder for cubakg."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("cubakg", appauthor=False))


@dataclass(frozen=True)
class ReleaseGraphs:
    """The files a store is made from: the named graphs (TriG) and/or their merge (N-Triples or Turtle)."""

    named: Path | None
    merged: Path | None

    @property
    def files(self) -> list[Path]:
        return [path for path in (self.named, self.merged) if path]


def release_graphs(release_dir: Path) -> ReleaseGraphs:
    """The graph files of the release in `release_dir`; an InputError when it holds none."""
    release_dir = Path(release_dir)
    if not release_dir.is_dir():
        raise InputError(f"no release folder at {release_dir}", location=Location(str(release_dir)),
                         hint="give the folder `cubakg build` wrote (dist/), or RDF files instead")
    named = release_dir / GRAPH_TRIG
    merged = next((release_dir / name for name in (GRAPH_NTRIPLES, GRAPH_TURTLE) if (release_dir / name).is_file()),
                  None)
    if not named.is_file() and merged is None:
        raise InputError(
            f"{release_dir} holds no release graph: neither {GRAPH_TRIG}, {GRAPH_NTRIPLES} nor {GRAPH_TURTLE}",
            location=Location(str(release_dir)),
            hint="build it with `cubakg build`, or give RDF files instead",
        )
    return ReleaseGraphs(named if named.is_file() else None, merged)


def store_path(release_dir: Path) -> Path:
    """Where the store of the release in `release_dir` is (or will be)."""
    graphs = release_graphs(release_dir)
    return cache_dir() / "stores" / store_key(graphs)


def store_key(graphs: ReleaseGraphs, checksums: Mapping[str, str] | None = None) -> str:
    """A name that changes with the content of the files, the store layout and pyoxigraph's version.

    `checksums` gives the SHA-256 of files by name where the caller knows it (the
    build hashes what it writes), sparing a second reading of a large release.
    """
    import pyoxigraph

    known = checksums or {}
    digest = hashlib.sha256(f"cubakg-store {STORE_LAYOUT} pyoxigraph {pyoxigraph.__version__}\n".encode())
    for role, path in (("named", graphs.named), ("merged", graphs.merged)):
        if path:
            digest.update(f"{role} {path.name} {known.get(path.name) or file_sha256(path)}\n".encode())
    return digest.hexdigest()[:32]


def prepare_store(release_dir: Path, progress=None, checksums: Mapping[str, str] | None = None,
                  named_nquads: list[Path] | None = None) -> Path:
    """Make the store of the release in `release_dir` unless it exists; return its folder.

    `cubakg build` makes it from the release it is about to publish (its site is
    read from it), so the first query is fast; `open_store` calls it too, so a
    release without a store (the one packaged with cubakg, or one copied from
    elsewhere) gets one on first use. `progress(message)` hears of each step of
    making one; `checksums` as for `store_key`.
    """
    graphs = release_graphs(release_dir)
    stores = cache_dir() / "stores"
    final = stores / store_key(graphs, checksums)
    if final.is_dir():
        return final
    try:
        stores.mkdir(parents=True, exist_ok=True)
        with _lock(stores / f"{final.name}.lock"):
            if not final.is_dir():  # another process may have made it while we waited
                say = progress or (lambda message: None)
                say(f"query store: making it for {Path(release_dir)}, once for this release, in {stores}")
                _make(final, graphs, say, named_nquads)
    except OSError as error:
        raise InputError(
            f"cannot make the query store in {stores}: {error.strerror or error}",
            location=Location(str(stores)),
            hint=f"free some disk space, or point {CACHE_ENV} at a writable folder",
        ) from None
    _remove_old_stores(stores, keep=final)
    return final


def open_store(release_dir: Path, progress=None, checksums: Mapping[str, str] | None = None):
    """The release's store, opened read-only (made first if it does not exist yet)."""
    path = prepare_store(release_dir, progress, checksums)
    with contextlib.suppress(OSError):
        os.utime(path)  # the last use, which decides which old stores are removed first
    return _read_only(str(path))


@functools.lru_cache(maxsize=8)
def _read_only(path: str):
    """One read-only handle per store and process: it serves any number of queries."""
    import pyoxigraph

    try:
        return pyoxigraph.Store.read_only(path)
    except OSError as error:
        raise InputError(f"cannot open the query store {path}: {error}", location=Location(path),
                         hint="remove that folder; the next query makes it again") from None


# --- making a store ------------------------------------------------------------------------


def _make(final: Path, graphs: ReleaseGraphs, say, named_nquads: list[Path] | None = None) -> None:
    """Build the store in a temporary folder beside `final`, then rename it into place."""
    import pyoxigraph

    building = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
    try:
        store = pyoxigraph.Store(str(building / "db"))
        fill(store, graphs, say, scratch=building / "merged.nt", named_nquads=named_nquads)
        # Bulk loading leaves overlapping files; compacted, every lookup reads one level
        # instead of each file (half the time for a saved query on 1,000 articles).
        say("query store: compacting")
        store.optimize()
        store.flush()
        del store  # closes the database before it moves
        try:
            os.rename(building / "db", final)
        except OSError:
            if not final.is_dir():  # made meanwhile by a process that could not take the lock: keep it
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)


# Quads handed to the bulk loader at a time. Loading a whole 1,000-article release in one
# call holds it all in memory (1.4 GB); in pieces of this size the loader holds 0.14 GB, for
# about a third more time (measured on that release: pieces of 100,000 and 300,000 quads took
# longer and held more).
LOAD_CHUNK = 50_000
# Bytes of an N-Triples or N-Quads file the bulk loader parses at a time (no Python object
# per quad: a fifth faster than LOAD_CHUNK quads at a time).
LOAD_BYTES = 4 << 20
_BLANK_NODE = re.compile(rb"_:")


def fill(store, graphs: ReleaseGraphs, say=lambda message: None, scratch: Path | None = None,
         named_nquads: list[Path] | None = None) -> None:
    """Load the release's named graphs into `store` (from `named_nquads` where given, the
    same quads as its TriG), and their merge as its default graph (read from the merged
    file, else computed, through `scratch` for a store on disk)."""
    if graphs.named:
        say(f"query store: loading the named graphs of {graphs.named.name}")
        for path in named_nquads or [graphs.named]:
            _bulk_load(store, path)
    say("query store: their merge as the default graph")
    if graphs.merged:
        _bulk_load(store, graphs.merged)  # a file of triples: read into the default graph
    else:
        merge_into_default_graph(store, scratch)


def _bulk_load(store, path: Path) -> None:
    import pyoxigraph

    fmt = rdf_formats.by_path(path)
    try:
        if fmt in rdf_formats.LINE_FORMATS:
            # The bulk loader names blank nodes afresh in each piece: lines with one are read
            # as the other files are, so that a blank node is one node in all the graphs.
            for piece in rdf_formats.whole_lines(path, LOAD_BYTES):
                for plain, marked in rdf_formats.marked_lines(piece, _BLANK_NODE):
                    if plain:
                        store.bulk_load(plain, format=fmt)
                    _extend(store, pyoxigraph.parse(marked, format=fmt))
        else:
            _extend(store, pyoxigraph.parse(path=str(path), format=fmt))
    except SyntaxError as error:
        if fmt in rdf_formats.LINE_FORMATS:
            error = _first_syntax_error(path, fmt) or error  # where in the file, not in the piece
        raise InputError(f"cannot parse the release graph: {error}", location=Location(str(path))) from None


def _first_syntax_error(path: Path, fmt) -> SyntaxError | None:
    import pyoxigraph

    try:
        for _ in pyoxigraph.parse(path=str(path), format=fmt):
            pass
    except SyntaxError as error:
        return error
    return None


def _extend(store, quads) -> None:
    import itertools

    while chunk := list(itertools.islice(quads, LOAD_CHUNK)):
        store.bulk_extend(chunk)


def merge_into_default_graph(store, scratch: Path | None = None) -> None:
    """Make the default graph the RDF merge (a set) of all graphs of `store`.

    Oxigraph's `use_default_graph_as_union` gives a multiset: a triple stated in two
    article graphs comes back twice, and joins multiply. The merge gives the answers
    rdflib and a plain Turtle load give; GRAPH patterns still see every named graph.
    The triples go through N-Triples written and read by Oxigraph, not Python objects:
    in `scratch` (a file) for a store on disk, in memory otherwise.
    """
    import pyoxigraph

    union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    if scratch is None:
        store.bulk_load(union.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES),
                        format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.DefaultGraph())
        return
    union.serialize(str(scratch), format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.bulk_load(path=str(scratch), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.DefaultGraph())


@contextlib.contextmanager
def _lock(path: Path, shared: bool = False):
    """A lock on `path` for the duration, exclusive or `shared` (where the platform has flock)."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock; the atomic rename alone keeps stores whole
        yield
        return
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def store_held(store: Path):
    """`store` (a folder `prepare_store` made) kept for the duration: no other process removes it
    as an old store meanwhile (`_remove_old_stores`), however long a server reads it.

    >>> with store_held(prepare_store(release_dir)):   # doctest: +SKIP
    ...     serve_the_store_for_hours()
    """
    with contextlib.suppress(OSError):
        os.utime(store)  # its last use, as `open_store` marks it
    with _lock(store.parent / f"{store.name}.lock", shared=True):
        yield store


def _held(lock: Path) -> bool:
    """Whether a process holds the lock file `lock` (a store in use by a server: `store_held`)."""
    try:
        import fcntl
    except ImportError:
        return False
    try:
        with open(lock, "rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
    except FileNotFoundError:
        return False
    return False


def _remove_old_stores(stores: Path, keep: Path) -> None:
    """Remove stores beyond the KEEP_STORES last used, and abandoned builds; never one in use (used in
    the last IN_USE_SECONDS, or held by a server: `store_held`)."""
    now = time.time()
    finished, abandoned = [], []
    for entry in stores.iterdir():
        if entry.is_dir():
            (abandoned if entry.name.startswith(".") else finished).append(entry)
    with contextlib.suppress(OSError):
        finished.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
    for entry in finished[KEEP_STORES:]:
        with contextlib.suppress(OSError):
            lock = stores / f"{entry.name}.lock"
            if entry != keep and now - entry.stat().st_mtime > IN_USE_SECONDS and not _held(lock):
                shutil.rmtree(entry, ignore_errors=True)
                lock.unlink(missing_ok=True)
    for entry in abandoned:
        with contextlib.suppress(OSError):
            if now - entry.stat().st_mtime > ABANDONED_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)


# --- checksums ------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, remembered in the cache for as long as the file is not rewritten."""
    path = Path(path).resolve()
    try:
        status = path.stat()
    except OSError as error:
        raise InputError(f"cannot read the release graph: {error.strerror}", location=Location(str(path))) from None
    identity = _identity(status)
    memo = _memo(path)
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        remembered = json.loads(memo.read_text(encoding="utf-8"))
        if remembered["path"] == str(path) and remembered["identity"] == identity:
            return remembered["sha256"]
    try:
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as error:
        raise InputError(f"cannot read the release graph: {error.strerror}", location=Location(str(path))) from None
    _remember(memo, path, identity, digest)
    return digest


def remember_sha256(path: Path, digest: str) -> None:
    """Note the SHA-256 of a file just written (by the build), so a query does not read it again."""
    path = Path(path).resolve()
    with contextlib.suppress(OSError):
        _remember(_memo(path), path, _identity(path.stat()), digest)


def _identity(status) -> list[int]:
    """What changes whenever a file is rewritten (its change time even at the same size and mtime)."""
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]


def _memo(path: Path) -> Path:
    return cache_dir() / "checksums" / (hashlib.sha256(str(path).encode()).hexdigest()[:32] + ".json")


def _remember(memo: Path, path: Path, identity: list, digest: str) -> None:
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        memo.parent.mkdir(parents=True, exist_ok=True)
        scratch = memo.with_name(f".{memo.name}.{os.getpid()}")
        scratch.write_text(json.dumps({"path": str(path), "identity": identity, "sha256": digest}), encoding="utf-8")
        os.replace(scratch, memo)
