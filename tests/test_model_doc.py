"""docs/model.md: every Turtle example is valid Turtle, and says what the release says.

The first ```turtle block of the page is its prologue (@base and prefixes); each
later block is parsed after it. Examples may leave triples out, but every triple
they give about an IRI of the release's own id: space is a triple of the release,
so the page cannot drift from what the build writes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

REPO = Path(__file__).resolve().parents[1]
MODEL_DOC = REPO / "docs" / "model.md"
RELEASE = REPO / "dist" / "cubakg.ttl"
ID = "https://w3id.org/cubakg/id/"

BLOCKS = re.findall(r"```turtle\n(.*?)```", MODEL_DOC.read_text(encoding="utf-8"), re.S)
PROLOGUE, EXAMPLES = BLOCKS[0], BLOCKS[1:]


def parse(block: str) -> Graph:
    return Graph().parse(data=PROLOGUE + block, format="turtle")


def test_the_prologue_declares_the_base_and_prefixes():
    assert "@base    <https://w3id.org/cubakg/id/> ." in PROLOGUE
    assert len(parse("")) == 0 and len(EXAMPLES) >= 15


@pytest.mark.parametrize("block", EXAMPLES, ids=[f"block-{n}" for n in range(1, len(EXAMPLES) + 1)])
def test_each_example_is_valid_turtle(block):
    assert len(parse(block)) > 0


@pytest.fixture(scope="module")
def release() -> Graph:
    if not RELEASE.is_file():
        pytest.skip("dist/cubakg.ttl is not built yet")
    return Graph().parse(RELEASE, format="turtle")


def abridged(term) -> bool:
    """Literals the page shortens with an ellipsis, and the text of an article."""
    return isinstance(term, Literal) and "…" in str(term)


@pytest.mark.parametrize("block", EXAMPLES, ids=[f"block-{n}" for n in range(1, len(EXAMPLES) + 1)])
def test_each_example_triple_is_in_the_release(block, release: Graph):
    missing = [
        (s, p, o) for s, p, o in parse(block)
        if isinstance(s, URIRef) and str(s).startswith(ID) and not abridged(o) and (s, p, o) not in release
    ]
    assert not missing, "the page shows triples the release does not have:\n" + "\n".join(
        f"  {s.n3()} {p.n3()} {o.n3()}" for s, p, o in missing
    )
