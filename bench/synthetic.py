"""A corpus of any size from the release's own articles, until bench/corpus.py (issue 10) lands.

Each new article is a copy of one of the release's article graphs under a new
article identifier: every IRI and literal naming the old identifier names the new
one, so evidence, facts and times are minted per article as the builder mints
them, while the shared entities (people, events, places) are shared by all
copies, as in a real corpus. The shared graph is kept once.

    python bench/synthetic.py 100 /tmp/corpus-100     # writes cubakg.trig there
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

GRAPH_PREFIX = "https://w3id.org/cubakg/id/graph/"


def article_id(number: int) -> str:
    """`NNNN_<16 hex>`: the shape of the builder's identifiers, distinct for each number."""
    return f"{number:04d}_{hashlib.sha256(str(number).encode()).hexdigest()[:16]}"


def synthetic_release(source_trig: Path, articles: int, out_dir: Path) -> Path:
    """Write `out_dir/cubakg.trig` with `articles` copies of the source's article graphs; return its path."""
    import pyoxigraph as ox

    quads = list(ox.parse(path=str(source_trig), format=ox.RdfFormat.TRIG))
    by_graph: dict[str, list] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name.value, []).append(quad)
    seeds = sorted(name[len(GRAPH_PREFIX):] for name in by_graph
                   if name.startswith(GRAPH_PREFIX) and name[len(GRAPH_PREFIX):][:1].isdigit())
    shared = [q for name, qs in by_graph.items() if name[len(GRAPH_PREFIX):] not in seeds for q in qs]

    def renamed(term, old: str, new: str):
        if isinstance(term, ox.NamedNode) and old in term.value:
            return ox.NamedNode(term.value.replace(old, new))
        if isinstance(term, ox.Literal) and term.value == old:
            return ox.Literal(new, datatype=term.datatype)
        return term

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "cubakg.trig"

    def generate():
        yield from shared
        for number in range(articles):
            old = seeds[number % len(seeds)]
            new = article_id(number)
            for q in by_graph[GRAPH_PREFIX + old]:
                yield ox.Quad(renamed(q.subject, old, new), q.predicate, renamed(q.object, old, new),
                              ox.NamedNode(GRAPH_PREFIX + new))

    with path.open("wb") as sink:
        ox.serialize(generate(), sink, format=ox.RdfFormat.TRIG)
    return path


if __name__ == "__main__":
    repo = Path(__file__).resolve().parents[1]
    print(synthetic_release(repo / "dist" / "cubakg.trig", int(sys.argv[1]), Path(sys.argv[2])))
