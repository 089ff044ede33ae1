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


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's shared folder (`../shared`): external reference files and tools."""
    return REPO_ROOT.parent / "shared"


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
