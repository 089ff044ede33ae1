"""The registry's names are the graph's labels; its cues are not.

For each thing, the registry lists the names it goes by (`aliases`, each a
skos:altLabel) and other words the articles use for it without naming it (`cues`:
"The official", "took office", "the island"), which only `cubakg draft` reads. A cue
that reached the graph as a label would tell a reader, or a query looking things up
by name, that "took office" is a name of an event. The test reads the registry the
release was built from, so it holds for any registry (one without cues leaves it
nothing to check, and pytest reports it skipped).
"""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import RDFS, SKOS

from conftest import articles_dir
from cubakg.read import read_registry
from cubakg.sheets import Concept, Entity

LABELS = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


def registry_entries() -> dict[str, Entity | Concept]:
    """Every entity and concept of the registry, by key."""
    registry = read_registry(articles_dir() / "registry.yaml").registry
    entries: dict[str, Entity | Concept] = dict(registry.entities)
    for scheme in registry.schemes.values():
        entries.update(scheme.concepts)
    return entries


ENTRIES = registry_entries()
NAMES = {name for entry in ENTRIES.values() for name in [entry.label, *entry.aliases]}
CUES = sorted((key, cue) for key, entry in ENTRIES.items() for cue in entry.cues if cue not in NAMES)


@pytest.mark.parametrize(("key", "cue"), CUES, ids=[f"{key}:{cue}" for key, cue in CUES])
def test_no_cue_is_a_label(release_graph, key: str, cue: str):
    labelled = {(str(node), str(predicate)) for predicate in LABELS for words in (Literal(cue, lang="en"), Literal(cue))
                for node in release_graph.subjects(predicate, words)}
    assert not labelled, f"the cue {cue!r} of {key} is a label in the release: {sorted(labelled)}"


def test_no_alias_repeats_its_label(release_graph):
    """An alias is another name: SKOS keeps a concept's preferred and alternative labels
    apart (integrity condition S13), and an entity's label repeated as an alias says nothing."""
    repeated = sorted(
        (str(node), str(alias))
        for node, alias in release_graph.subject_objects(SKOS.altLabel)
        if (node, RDFS.label, alias) in release_graph or (node, SKOS.prefLabel, alias) in release_graph
    )
    assert not repeated, f"aliases that repeat their node's label: {repeated[:10]}"
