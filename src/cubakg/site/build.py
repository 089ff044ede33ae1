"""The site as the build writes it: `dist/site/` and the w3id.org redirects, from the release's files.

Temporary glue for the current build (which hands over serialised files, not quads);
the publish stage of the new pipeline calls `render_site` with its quads directly.
"""

from __future__ import annotations

import pyoxigraph as ox

from cubakg import resources as res
from cubakg.site.htaccess import w3id_htaccess
from cubakg.site.render import render_site, saved_answers

SITE_DIR = "site"
W3ID_FILE = "w3id/.htaccess"


def site_files(release: dict[str, bytes], ontology_turtle: bytes) -> dict[str, bytes]:
    """`site/…` and `w3id/.htaccess` for a release given as its files (relative path → bytes)."""
    from cubakg.query import load_saved_queries
    from cubakg.query.engines import merge_into_default_graph

    quads = list(ox.parse(release[res.GRAPH_TRIG], format=ox.RdfFormat.TRIG))
    void = list(ox.parse(release[res.DESCRIPTION], format=ox.RdfFormat.TURTLE))
    store = ox.Store()
    store.bulk_extend(quads)
    merge_into_default_graph(store)
    answers = saved_answers(load_saved_queries(), store)
    site = render_site(quads, ontology_turtle, void=void, saved_queries=answers,
                       ontology_html=release[res.ONTOLOGY_DOC].decode("utf-8"))
    files = {f"{SITE_DIR}/{path}": data for path, data in site.items()}
    files[W3ID_FILE] = w3id_htaccess()
    return files
