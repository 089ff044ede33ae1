"""The site as the build writes it: `site/…` and `w3id/.htaccess` beside the release's files.

Temporary glue for the build until its publish stage calls `site_files` itself: it
reads the quads from the release's TriG and the VoID and ontology page from the
staging folder, and writes each file as it is rendered. On a large release a second
process renders most of the pages made for each article (`shared_page`) from the same
files, so that the rendering takes both cores (see docs/publishing.md, Cost).
"""

from __future__ import annotations

import pickle
import sys
import zlib
from pathlib import Path

import pyoxigraph as ox

from cubakg import resources as res
from cubakg.site.htaccess import w3id_htaccess
from cubakg.site.answers import answers_in_background
from cubakg.site.paths import page_of
from cubakg.site.render import site_files

SITE_DIR = "site"
W3ID_FILE = "w3id/.htaccess"
# Measured: two forked workers were slower than one (copy-on-write of the index, results sent back).
WORKERS = 1
# Rendered by a second process on a release this large (its TriG, in bytes): it reads and
# indexes the release again (about 6 s at 1,000 articles), which a small one does not repay.
SHARE_FROM_BYTES = 20_000_000
# The second process renders the pages of these kinds, made one folder per article, for
# SHARED_ARTICLES of every 8 articles; the first renders the rest (the people, places and
# events that hundreds of articles name cost the most) and the home, queries and sitemap.
# At 1,000 articles, with 6 of 8 the first process waited 18 s for the second.
ARTICLE_KINDS = frozenset({"fact", "time", "article"})
SHARED_ARTICLES = 5


def shared_page(iri: str) -> bool:
    """Whether the second process renders the page of `iri` (see SHARED_ARTICLES)."""
    parts = page_of(iri).page.split("/")  # id/KIND/ARTICLE[/…]
    return len(parts) > 2 and parts[1] in ARTICLE_KINDS and zlib.crc32(parts[2].encode()) % 8 < SHARED_ARTICLES


def _not_shared(iri: str) -> bool:
    return not shared_page(iri)


def write_site(store: ox.Store | Path, staging, ontology_turtle: bytes, share: bool | None = None) -> None:
    """Write `site/…` and `w3id/.htaccess` for the release into `staging` (a publish.Staging); the
    saved queries are answered on `store`, the release's store in memory or the folder of its
    on-disk store (opened by the processes that answer: see answers.py). `share`: whether a second
    process renders the pages `shared_page` names (default: on a release of SHARE_FROM_BYTES or
    more, where more than one core may be used)."""
    from cubakg import parallel
    from cubakg.query import load_saved_queries

    written = Path(staging.root)
    if share is None:
        share = (written / res.GRAPH_TRIG).stat().st_size >= SHARE_FROM_BYTES and parallel.workers() > 1
    helper = _share_aside(written, ontology_turtle) if share else None
    answers = answers_in_background(load_saved_queries(), store)
    try:
        with staging.writing_aside() as write:  # creating 200,000 files is kernel time, spent on another core
            for path, data in site_files(
                release_quads(written), ontology_turtle, void=_void(written), saved_queries=answers,
                ontology_html=(written / res.ONTOLOGY_DOC).read_text(encoding="utf-8"), workers=WORKERS,
                pages=_not_shared if helper else None,
            ):
                write(f"{SITE_DIR}/{path}", data)
    except BaseException:  # every process stopped before the caller removes the staging folder
        answers.stop()
        if helper:
            helper.abandon()
        raise
    if helper:
        staging.files.update(helper.finish())
    staging.write(W3ID_FILE, w3id_htaccess())


def release_quads(release_dir: Path):
    """The quads of the release's named graphs, read from its TriG: parsing the file is six
    times faster than reading them back from the on-disk query store."""
    return ox.parse(path=str(Path(release_dir) / res.GRAPH_TRIG), format=ox.RdfFormat.TRIG)


def _void(release_dir: Path):
    return ox.parse((Path(release_dir) / res.DESCRIPTION).read_bytes(), format=ox.RdfFormat.TURTLE)


def _share_aside(release_dir: Path, ontology_turtle: bytes):
    """A new process writing the files of the pages `shared_page` names into `release_dir`/site
    (`publish.FilesAside`: `.finish()` gives their records)."""
    from cubakg.publish import FilesAside

    helper = FilesAside(release_dir, "from cubakg.site.build import render_shared; render_shared()", own_group=True)
    pickle.dump(ontology_turtle, helper.pipe)
    helper.pipe.close()
    return helper


def render_shared() -> None:
    """The second process of `write_site`: the ontology from standard input, the release from the
    folder `sys.argv[1]`, the files of the pages `shared_page` names written there (by a process of
    their own, as the first process's are), their records to standard output."""
    from cubakg.publish import FilesAside, answer_records

    ontology_turtle = pickle.load(sys.stdin.buffer)
    release_dir = Path(sys.argv[1])

    def write(records) -> None:
        files = FilesAside(release_dir)
        try:
            for path, data in site_files(release_quads(release_dir), ontology_turtle, void=_void(release_dir),
                                         pages=shared_page, others=False):
                files.write(f"{SITE_DIR}/{path}", data)
        except BaseException:
            files.abandon()
            raise
        records.records.update(files.finish())

    answer_records(write)
