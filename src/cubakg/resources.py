"""Where the packaged files are: ontology, shapes, saved queries and the release.

They are package data, so an installed `cubakg` finds them outside the checkout.
In a checkout, `cubakg/data/{ontology,shapes,release}` are links to the top-level
`ontology/`, `shapes/` and `dist/` folders, which stay the sources of truth.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
ONTOLOGY_FILE = DATA_DIR / "ontology" / "cubakg.ttl"
SHAPES_FILE = DATA_DIR / "shapes" / "cubakg.shapes.ttl"
QUERIES_DIR = PACKAGE_DIR / "queries"
RELEASE_DIR = DATA_DIR / "release"

# File names inside a release folder (dist/).
GRAPH_TURTLE = "cubakg.ttl"
GRAPH_NTRIPLES = "cubakg.nt"
GRAPH_JSONLD = "cubakg.jsonld"
GRAPH_TRIG = "cubakg.trig"
JSONLD_CONTEXT = "context.jsonld"
ONTOLOGY_RELEASE = "ontology.ttl"
SHAPES_RELEASE = "shapes.ttl"
DESCRIPTION = "void.ttl"
SHACL_REPORT = "shacl-report.ttl"
ONTOLOGY_DOC = "ontology.html"
QUERIES_RELEASE = "queries"

NS_ONTOLOGY = "https://w3id.org/cubakg/ontology#"
NS_ID = "https://w3id.org/cubakg/id/"
NS_SHAPES = "https://w3id.org/cubakg/shapes#"
SHARED_GRAPH = NS_ID + "graph/shared"
OUTSIDE_GRAPH = NS_ID + "graph/outside-knowledge"


def article_graph(article_id: str) -> str:
    """The named graph of one article, e.g. `…/id/graph/003_04d8b4ff46bc92ce`."""
    return f"{NS_ID}graph/{article_id}"
