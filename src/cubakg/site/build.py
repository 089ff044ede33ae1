"""The site as the build writes it: `site/…` and `w3id/.htaccess` beside the release's files.

Temporary glue for the build until its publish stage calls `site_files` itself: it
reads the quads from the build's store and the VoID and ontology page from the
staging folder, and writes each file as it is rendered.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from cubakg import resources as res
from cubakg.site.htaccess import w3id_htaccess
from cubakg.site.answers import answers_in_background
from cubakg.site.render import site_files

SITE_DIR = "site"
W3ID_FILE = "w3id/.htaccess"
# Measured: two forked workers were slower than one (copy-on-write of the index, results sent back).
WORKERS = 1


def write_site(store: ox.Store | Path, staging, ontology_turtle: bytes) -> None:
    """Write `site/…` and `w3id/.htaccess` for the release into `staging` (a publish.Staging); the
    saved queries are answered on `store`, the release's store in memory or the folder of its
    on-disk store (opened by the processes that answer: see answers.py)."""
    from cubakg.query import load_saved_queries

    written = Path(staging.root)
    void = ox.parse((written / res.DESCRIPTION).read_bytes(), format=ox.RdfFormat.TURTLE)
    with staging.writing_aside() as write:  # creating 200,000 files is kernel time, spent on another core
        for path, data in site_files(
            release_quads(written), ontology_turtle, void=void,
            saved_queries=answers_in_background(load_saved_queries(), store),
            ontology_html=(written / res.ONTOLOGY_DOC).read_text(encoding="utf-8"), workers=WORKERS,
        ):
            write(f"{SITE_DIR}/{path}", data)
    staging.write(W3ID_FILE, w3id_htaccess())


def release_quads(release_dir: Path):
    """The quads of the release's named graphs, read from its TriG: parsing the file is six
    times faster than reading them back from the on-disk query store."""
    return ox.parse(path=str(Path(release_dir) / res.GRAPH_TRIG), format=ox.RdfFormat.TRIG)
