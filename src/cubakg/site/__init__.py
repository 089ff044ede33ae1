"""The browsable release: one page per resource, its data beside it, and the redirects to reach them.

    from cubakg.site import render_site
    files = render_site(quads, ontology_turtle, void=void_triples, saved_queries=saved_answers(queries, store))
    for path, data in site_files(quads, ontology_turtle, ...): ...   # the same, one file at a time

The build's publish stage calls `write_site(store, staging, ontology_turtle)`, which
writes `site/…` and `w3id/.htaccess` into its staging folder as they are rendered.

See docs/publishing.md.
"""

from cubakg.site.answers import answers_in_background, saved_answers
from cubakg.site.build import write_site
from cubakg.site.htaccess import w3id_htaccess
from cubakg.site.render import SavedAnswer, render_site, site_files

__all__ = ["SavedAnswer", "answers_in_background", "render_site", "saved_answers", "site_files", "w3id_htaccess",
           "write_site"]
