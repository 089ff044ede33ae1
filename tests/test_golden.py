"""The redesigned build writes what the old one wrote for the same inputs (tests/golden/README.md)."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "pre-redesign.tar.gz"


def test_the_pre_redesign_inputs_give_the_pre_redesign_trig(tmp_path):
    from cubakg.build import build

    with tarfile.open(GOLDEN) as archive:
        archive.extractall(tmp_path, filter="data")
    project = tmp_path / "project"
    for text in (ROOT / "seeds").glob("*.txt"):
        if (project / "seeds" / text.with_suffix(".yaml").name).exists():
            shutil.copy(text, project / "seeds" / text.name)

    build(project, tmp_path / "dist")

    written = (tmp_path / "dist" / "cubakg.trig").read_bytes()
    expected = (tmp_path / "cubakg.trig").read_bytes()
    if written != expected:
        old, new = graphs_of(expected), graphs_of(written)
        differences = [difference for name in sorted(old.keys() | new.keys())
                       if (difference := graph_difference(name, old.get(name, Graph()), new.get(name, Graph())))]
        assert not differences, "the build says something else than the golden TriG:\n" + "\n".join(differences)
        raise AssertionError("the same graphs, but not the same bytes: serialisation order or prefixes changed")


def graphs_of(trig: bytes) -> dict[str, Graph]:
    """The named graphs of a TriG document, by name (the default graph as "")."""
    dataset = Dataset()
    dataset.parse(data=trig, format="trig")
    found = {}
    for graph in dataset.graphs():
        if len(graph):
            name = "" if graph.identifier == DATASET_DEFAULT_GRAPH_ID else str(graph.identifier)
            found[name] = Graph() + graph
    return found


def graph_difference(name: str, old: Graph, new: Graph, shown: int = 10) -> str:
    """What `new` says that `old` does not, and the reverse, a few triples of each ("" if isomorphic)."""
    if isomorphic(old, new):
        return ""
    _, only_old, only_new = graph_diff(to_isomorphic(old), to_isomorphic(new))
    lines = [f"graph <{name}>: {len(only_old)} triples only in the golden TriG, {len(only_new)} only in the build's"]
    for sign, triples in (("-", only_old), ("+", only_new)):
        for triple in sorted(triples)[:shown]:
            lines.append(f"  {sign} " + " ".join(term.n3() for term in triple))
    return "\n".join(lines)
