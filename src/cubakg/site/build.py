"""The site as the build writes it: `site/…` and `w3id/.htaccess` beside the release's files.

Temporary glue for the build until its publish stage calls `render_site` itself:
it reads the quads from the build's store and the VoID and ontology page from
the staging folder.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from cubakg import resources as res
from cubakg.site.htaccess import w3id_htaccess
from cubakg.site.render import render_site, saved_answers

SITE_DIR = "site"
W3ID_FILE = "w3id/.htaccess"


def site_files(store: ox.Store, staging, ontology_turtle: bytes) -> dict[str, bytes]:
    """`site/…` and `w3id/.htaccess` for the release in `store`, whose other files are in `staging.root`."""
    from cubakg.query import load_saved_queries

    written = Path(staging.root)
    void = ox.parse((written / res.DESCRIPTION).read_bytes(), format=ox.RdfFormat.TURTLE)
    site = render_site(
        store.quads_for_pattern(None, None, None), ontology_turtle, void=void,
        saved_queries=saved_answers(load_saved_queries(), store),
        ontology_html=(written / res.ONTOLOGY_DOC).read_text(encoding="utf-8"),
    )
    files = {f"{SITE_DIR}/{path}": data for path, data in site.items()}
    files[W3ID_FILE] = w3id_htaccess()
    return files
