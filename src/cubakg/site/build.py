"""The site as the build writes it: `site/…` and `w3id/.htaccess` beside the release's files.

Temporary glue for the build until its publish stage calls `site_files` itself: it
reads the quads from the release's TriG and the VoID and ontology page from the
staging folder, and writes each file as it is rendered. On a large release a forked
process renders most of the pages made for each article (`shared_page`) from the same
index, so that the rendering takes both cores (see docs/publishing.md, Cost).
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pyoxigraph as ox

from cubakg import resources as res
from cubakg.site.htaccess import w3id_htaccess
from cubakg.site.answers import answers_in_background
from cubakg.site.paths import page_of
from cubakg.site.render import Site, prepared_site

SITE_DIR = "site"
W3ID_FILE = "w3id/.htaccess"
# Measured: two forked workers were slower than one (copy-on-write of the index, results sent back).
WORKERS = 1
# Rendered by a second process on a release this large (its TriG, in bytes); a small one does not repay it.
SHARE_FROM_BYTES = 20_000_000
# The second process renders the pages of these kinds, made one folder per article, for
# SHARED_ARTICLES of every 8 articles; the first renders the rest (the people, places and
# events that hundreds of articles name cost the most) and the home, queries and sitemap.
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
    more, where more than one core may be used). That process is forked once the index is
    built, so this one must run no threads then (`parallel.can_fork`); where it does, it renders
    every page itself."""
    from cubakg import parallel
    from cubakg.query import load_saved_queries

    written = Path(staging.root)
    if share is None:
        share = (written / res.GRAPH_TRIG).stat().st_size >= SHARE_FROM_BYTES and parallel.workers() > 1
    answers = answers_in_background(load_saved_queries(), store)  # on the core the indexing leaves free
    helper = None
    try:
        with prepared_site(release_quads(written), ontology_turtle, void=_void(written)) as site:
            # Forked before this process opens the pipe to its own writing process, which the
            # second process would otherwise hold open (parallel.aside).
            helper = parallel.aside(render_shared, site, written, own_group=True) if share and parallel.can_fork() else None
            with staging.writing_aside() as write:  # creating 200,000 files is kernel time, spent on another core
                for path, data in site.files(
                    saved_queries=answers, ontology_html=(written / res.ONTOLOGY_DOC).read_text(encoding="utf-8"),
                    workers=WORKERS, pages=_not_shared if helper else None,
                ):
                    write(f"{SITE_DIR}/{path}", data)
            if helper:
                staging.files.update(helper.result())
    except BaseException:  # every process stopped before the caller removes the staging folder
        answers.stop()
        if helper:
            helper.stop()
        raise
    staging.write(W3ID_FILE, w3id_htaccess())


def render_shared(site: Site, release_dir: Path) -> dict:
    """The second process of `write_site` (forked, sharing `site`): the files of the pages
    `shared_page` names, written under `release_dir`/site by a writing process of its own;
    their records."""
    from cubakg.publish import FilesAside

    files = FilesAside(release_dir)
    try:
        for path, data in site.resource_files(WORKERS, shared_page):
            files.write(f"{SITE_DIR}/{path}", data)
    except BaseException:
        files.abandon()
        raise
    return files.finish()


def release_quads(release_dir: Path):
    """The quads of the release's named graphs, read from its TriG: parsing the file is six
    times faster than reading them back from the on-disk query store."""
    return ox.parse(path=str(Path(release_dir) / res.GRAPH_TRIG), format=ox.RdfFormat.TRIG)


def _void(release_dir: Path):
    return ox.parse((Path(release_dir) / res.DESCRIPTION).read_bytes(), format=ox.RdfFormat.TURTLE)
