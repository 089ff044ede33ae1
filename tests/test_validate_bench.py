"""The benchmark's data generator: deterministic, shaped like the graph, about 1% damaged."""

from __future__ import annotations

import io
import sys

from validate_support import REPO

sys.path.insert(0, str(REPO / "bench"))

from generate import DEFECT_RATE, generate  # noqa: E402


def test_same_size_same_bytes() -> None:
    first, second = io.StringIO(), io.StringIO()
    generate(3000, first)
    generate(3000, second)
    assert first.getvalue() == second.getvalue()


def test_about_one_percent_of_triples_damaged() -> None:
    counts = generate(20_000, io.StringIO())
    assert counts["triples"] >= 20_000
    damaged = sum(counts["defects"].values())
    assert 0.5 * DEFECT_RATE * counts["triples"] <= damaged <= 1.5 * DEFECT_RATE * counts["triples"], counts
    assert len(counts["defects"]) >= 5, "several kinds of mistakes, not one"


def test_output_is_n_triples_that_parse() -> None:
    import pyoxigraph

    out = io.StringIO()
    counts = generate(3000, out)
    triples = list(pyoxigraph.parse(out.getvalue().encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(triples) == counts["triples"]
