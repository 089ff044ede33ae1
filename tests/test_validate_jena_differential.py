"""Generated shapes and data (tests/shacl_generator.py): the engine gives Apache Jena's answer.

The second engine beside pyshacl (tests/test_validate_differential.py), written
independently of both. Compared as there: sh:conforms and the results as a multiset of
(focus node, constraint component, path, severity, value). Jena 4.5 departs from the
spec in seven places (`differential_support.jena_departure`, each with its section);
cases that touch one are not compared, and a test checks that at least a fifth are.

Jena starts a JVM per case (about a second), so every run checks SEEDS cases and
`pytest -m slow` (the benchmark job) checks MANY.
"""

from __future__ import annotations

import pytest

from differential_support import jena, jena_departure, jena_installed, ours
from shacl_generator import generate

SEEDS = range(0, 110)
MANY = range(5000, 5600)

pytestmark = pytest.mark.skipif(not jena_installed(), reason="Apache Jena is not installed (.ci/run installs it)")


def comparable(seeds: range) -> list[int]:
    return [seed for seed in seeds if jena_departure(generate(seed)) is None]


def compare(seed: int, folder) -> None:
    case = generate(seed)
    ours_conforms, ours_found = ours(case)
    their_conforms, their_found = jena(case, folder)
    assert ours_found == their_found, (
        f"only cubakg: {sorted((ours_found - their_found).elements())}\n"
        f"only Jena: {sorted((their_found - ours_found).elements())}\n{case.text()}")
    assert ours_conforms == their_conforms == (not ours_found)


def test_most_cases_are_compared() -> None:
    """Jena's departures leave most generated cases comparable, and the compared ones break things."""
    kept = comparable(SEEDS)
    assert len(kept) >= len(SEEDS) // 5, f"only {len(kept)} of {len(SEEDS)} cases avoid Jena 4.5's departures"
    assert sum(bool(ours(generate(seed))[1]) for seed in kept) > len(kept) // 2


@pytest.mark.parametrize("seed", comparable(SEEDS))
def test_same_results_as_jena(seed: int, tmp_path) -> None:
    compare(seed, tmp_path)


@pytest.mark.slow
def test_same_results_as_jena_on_many_cases(tmp_path) -> None:
    failures = []
    for seed in comparable(MANY):
        try:
            compare(seed, tmp_path)
        except AssertionError as error:
            failures.append(f"seed {seed}: {str(error)[:1500]}")
    assert not failures, f"{len(failures)} cases differ:\n" + "\n\n".join(failures[:5])
