"""The browsable release: one page per resource, its data beside it, and the redirects to reach them.

    from cubakg.site import render_site
    files = render_site(quads, ontology_turtle, void=void_triples, saved_queries=answers)

See docs/publishing.md.
"""

from cubakg.site.render import SavedAnswer, render_site, saved_answers

__all__ = ["SavedAnswer", "render_site", "saved_answers"]
