"""The w3id.org redirects: an `.htaccess` for the `cubakg/` folder of the perma-id/w3id.org repository.

It is written from the same table as the site (`paths.REDIRECTS`) and the same
representations (`paths.REPRESENTATIONS`), so w3id.org, `cubakg serve` and the
site never disagree on where an IRI is described. Apache's mod_rewrite cannot
weigh the q-values of an Accept header, so the rules pick the first of: HTML if
the client names `text/html` or XHTML (every browser does), then Turtle (also for
clients asking for N-Triples, which a static host cannot make; `cubakg serve`
can), then JSON-LD; with no Accept header, or none of these, HTML. Every redirect
is a 303 See Other: the IRI names a thing, the target is a document about it.
"""

from __future__ import annotations

import re

from cubakg.site import hosting
from cubakg.site.paths import HTML, ID_PREFIX, ONTOLOGY_PAGE, REDIRECTS

# (Accept pattern, extension), tried in order; the first that matches picks the representation.
ACCEPT_RULES = (
    (r"text/html|application/xhtml\+xml", ".html"),
    (r"text/turtle|application/x-turtle|application/n-triples", ".ttl"),
    (r"application/ld\+json", ".jsonld"),
)
EXTENSION_VARIABLE = "CUBAKG_EXT"


def _apache(replacement: str) -> str:
    """A Python `\\1` group reference as Apache's `$1`."""
    return re.sub(r"\\(\d)", r"$\1", replacement)


def w3id_htaccess(site_url: str | None = None) -> bytes:
    site = site_url or hosting.SITE_URL
    ext = f"%{{ENV:{EXTENSION_VARIABLE}}}"
    lines = [
        "# w3id.org/cubakg: a knowledge graph of US–Cuba migration diplomacy, built from news articles.",
        "# Written by `cubakg build` (src/cubakg/site/htaccess.py); do not edit by hand.",
        f"# The site is served from {site}",
        "Options +FollowSymLinks",
        "RewriteEngine on",
        "",
        "# Which representation: the first rule whose Accept pattern matches (mod_rewrite cannot weigh q-values).",
        f"RewriteRule ^ - [E={EXTENSION_VARIABLE}:html]",
    ]
    for pattern, extension in reversed(ACCEPT_RULES[1:]):
        lines += [f"RewriteCond %{{HTTP_ACCEPT}} {pattern} [NC]", f"RewriteRule ^ - [E={EXTENSION_VARIABLE}:{extension[1:]}]"]
    html_pattern = ACCEPT_RULES[0][0]
    lines += [f"RewriteCond %{{HTTP_ACCEPT}} {html_pattern} [NC]", f"RewriteRule ^ - [E={EXTENSION_VARIABLE}:html]", ""]
    lines += [
        "# A document asked for by its own name.",
        rf"RewriteRule ^({ID_PREFIX}.+|{ONTOLOGY_PAGE})\.(html|ttl|jsonld)$ {site}$1.$2 [R=302,L]",
        "",
    ]
    for rule in REDIRECTS:
        page, fragment = _apache(rule.page), _apache(rule.fragment)
        lines += [
            f"# {rule.why}",
            f"RewriteCond %{{ENV:{EXTENSION_VARIABLE}}} ={HTML.extension[1:]}",
            f"RewriteRule ^{ID_PREFIX}{rule.pattern}$ {site}{ID_PREFIX}{page}.html#{fragment} [R=303,NE,L]",
            f"RewriteRule ^{ID_PREFIX}{rule.pattern}$ {site}{ID_PREFIX}{page}.{ext} [R=303,L]",
        ]
    lines += [
        "# Every other IRI under id/ has its own page.",
        f"RewriteRule ^{ID_PREFIX}(.+)$ {site}{ID_PREFIX}$1.{ext} [R=303,L]",
        "# The ontology (and its versions) and the site's home.",
        f"RewriteRule ^{ONTOLOGY_PAGE}(/[0-9][0-9.]*)?$ {site}{ONTOLOGY_PAGE}.{ext} [R=303,L]",
        f"RewriteRule ^$ {site}index.html [R=302,L]",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")
