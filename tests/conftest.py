"""Shared fixtures: where things are, and the released graph parsed once.

The release tests judge `dist/` without importing the builder, so these fixtures
only know paths and parse files with rdflib. Set CUBAKG_RELEASE_DIR to judge a
release folder other than the checkout's `dist/`, and CUBAKG_SEEDS_DIR to the
folder of the articles it was built from (tests/test_corpus.py does both).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def release_dir() -> Path:
    """The release folder under test: $CUBAKG_RELEASE_DIR, else `<repo>/dist`."""
    return Path(os.environ.get("CUBAKG_RELEASE_DIR", REPO_ROOT / "dist")).resolve()


def articles_dir() -> Path:
    """The folder of the articles the release was built from: $CUBAKG_SEEDS_DIR, else `<repo>/seeds`."""
    return Path(os.environ.get("CUBAKG_SEEDS_DIR", REPO_ROOT / "seeds")).resolve()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def dist_dir() -> Path:
    return release_dir()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return articles_dir()


@pytest.fixture(scope="session", autouse=True)
def sparql_parsed_once():
    """rdflib parses each SPARQL text once per session and reuses the parsed query.

    pyshacl hands rdflib the text of every SPARQL constraint for every validation, and
    rdflib's pyparsing-based parser took about two thirds of the time of the shape and
    Data Cube tests. A parsed query is reusable with other bindings (that is what
    rdflib's `prepareQuery` is for), so results are the same, only sooner.
    """
    from rdflib.plugins.sparql import processor
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    original = processor.SPARQLProcessor.query
    parsed: dict = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803 (rdflib's names)
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items())))
            if key not in parsed:
                parsed[key] = translateQuery(parseQuery(strOrQuery), base, initNs)
            strOrQuery = parsed[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query
    yield
    processor.SPARQLProcessor.query = original


@pytest.fixture(scope="session")
def release_graph(dist_dir: Path):
    """dist/cubakg.ttl parsed by rdflib, once per session. Do not modify it."""
    import rdflib

    path = dist_dir / "cubakg.ttl"
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the release first (python -m cubakg build)", pytrace=False)
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="session", autouse=True)
def query_store_cache(tmp_path_factory):
    """`cubakg query` keeps the release's store in a cache folder: the tests' own, never the user's."""
    path = tmp_path_factory.mktemp("cubakg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CUBAKG_CACHE_DIR", str(path))
        yield path
