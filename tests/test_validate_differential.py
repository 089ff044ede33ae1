"""Generated shapes and data (tests/shacl_generator.py): the engine gives pyshacl's answer.

Compared: sh:conforms and the results as a multiset of (focus node, constraint
component, path, severity, value), blank nodes as blank, language tags in lower
case (RDF 1.1 §3.3 lets pyoxigraph lower-case them). Where pyshacl departs from the
spec, tests/differential_support.py gives it the spec's answer, each place with its
section. Each seed is one case; a failure prints the case, to be kept as a
regression case.

Every run checks SEEDS cases; `pytest -m slow` (the benchmark job) checks MANY.
"""

from __future__ import annotations

import pyoxigraph
import pytest

from differential_support import ours, pyshacl
from shacl_generator import generate

SEEDS = range(0, 300)
MANY = range(1000, 3000)


def compare(seed: int) -> None:
    case = generate(seed)
    ours_conforms, ours_found = ours(case)
    their_conforms, their_found = pyshacl(case)
    assert ours_found == their_found, (
        f"only cubakg: {sorted((ours_found - their_found).elements())}\n"
        f"only pyshacl: {sorted((their_found - ours_found).elements())}\n{case.text()}")
    assert ours_conforms == their_conforms == (not ours_found)


def test_the_generator_breaks_constraints() -> None:
    """The cases are not all trivially conforming: most break something, of many kinds."""
    components = set()
    broken = 0
    for seed in SEEDS:
        _, found = ours(generate(seed))
        broken += bool(found)
        components.update(key[1].rsplit("#", 1)[-1] for key in found)
    assert broken > len(SEEDS) // 2
    assert len(components) >= 20, sorted(components)


@pytest.mark.parametrize("seed", SEEDS)
def test_same_results_as_pyshacl(seed: int) -> None:
    compare(seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_same_results_with_predicates_read_whole(seed: int, monkeypatch) -> None:
    """The hash joins the engine uses for large focus sets (`Engine.reading_all_pays`), on every case."""
    from cubakg.conformance import engine

    monkeypatch.setattr(engine, "READ_ALL_FROM", 1)
    monkeypatch.setattr(engine, "TRIPLES_PER_LOOKUP", 10**9)
    compare(seed)


@pytest.mark.slow
def test_same_results_as_pyshacl_on_many_cases() -> None:
    failures = []
    for seed in MANY:
        try:
            compare(seed)
        except AssertionError as error:
            failures.append(f"seed {seed}: {str(error)[:1500]}")
    assert not failures, f"{len(failures)} of {len(MANY)} cases differ:\n" + "\n\n".join(failures[:5])


def test_literals_left_unwrapped_are_kept_by_the_store_as_written() -> None:
    """terms.kept_as_written may say False when unsure, never True for a literal the store rewrites."""
    import itertools

    from cubakg.conformance.terms import kept_as_written, stored_forms
    from cubakg.namespaces import XSD

    forms = ["0", "-0", "01", "+1", "1", "-1", "123456789012345678", "1234567890123456789", "99999999999999999999",
             "true", "false", "1", "0", "2020-01-01", "2020-01-01Z", "2020-01-01+00:00", "2020-02-30", "0000-01-01",
             "2020-01-01T00:00:00", "2020-01-01T24:00:00", "2020-01-01T10:00:00Z", "2020-01-01T10:00:00.0Z",
             "2020", "0020", "-0020", "20200", "1.0", " 1", "abc"]
    datatypes = [XSD + name for name in ("integer", "boolean", "date", "dateTime", "gYear", "decimal", "int", "byte")]
    literals = [pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(dt))
                for lexical, dt in itertools.product(forms, datatypes)]
    stored = stored_forms(literals)
    unsafe = [str(lit) for lit in literals if kept_as_written(lit.value, lit.datatype.value) and stored[lit] != lit]
    assert not unsafe
