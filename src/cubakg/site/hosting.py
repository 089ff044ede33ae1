"""Where the release is published: the one place to change before registering with w3id.org.

`SITE_URL` is where `dist/site/` is served from (any static host: GitHub Pages,
an Apache or nginx folder). The w3id.org redirects (`htaccess.py`) send our IRIs
there, and `sitemap.xml` lists the pages under it.
"""

from __future__ import annotations

SITE_URL = "https://cubakg.github.io/cubakg/"
