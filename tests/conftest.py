"""Shared fixtures: where things are, and the released graph parsed once.

The release tests judge `dist/` without importing the builder, so these fixtures
only know paths and parse files with rdflib. Set CUBAKG_RELEASE_DIR to judge a
release folder other than the checkout's `dist/`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def release_dir() -> Path:
    """The release folder under test: $CUBAKG_RELEASE_DIR, else `<repo>/dist`."""
    return Path(os.environ.get("CUBAKG_RELEASE_DIR", REPO_ROOT / "dist")).resolve()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def dist_dir() -> Path:
    return release_dir()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return REPO_ROOT / "seeds"


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
