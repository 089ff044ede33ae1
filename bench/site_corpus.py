"""A synthetic corpus for measuring the site until bench/corpus.py (the corpus issue) lands.

The release's article graphs are copied under new article ids (`{id}-c0001` …):
every IRI and literal naming the article id is renamed, entity IRIs are kept, so
the copies pile up on the same people, events and concepts as a real corpus would.
The shared graph is kept once. Deterministic.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

NS_GRAPH = "https://w3id.org/cubakg/id/graph/"


def synthetic_quads(trig: Path, articles: int) -> list[ox.Quad]:
    """The quads of `articles` articles made from the article graphs of `trig` (taken in turn)."""
    quads = list(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    by_graph: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name.value, []).append(quad)
    seeds = sorted(g[len(NS_GRAPH):] for g in by_graph if g.startswith(NS_GRAPH) and g != NS_GRAPH + "shared")
    out = list(by_graph[NS_GRAPH + "shared"])
    for number in range(articles):
        seed = seeds[number % len(seeds)]
        new_id = seed if number < len(seeds) else f"{seed}-c{number // len(seeds):04d}"
        out.extend(_renamed(q, seed, new_id) for q in by_graph[NS_GRAPH + seed]) if new_id != seed else out.extend(by_graph[NS_GRAPH + seed])
    return out


def _renamed(quad: ox.Quad, old: str, new: str) -> ox.Quad:
    def term(t):
        if isinstance(t, ox.NamedNode) and old in t.value:
            return ox.NamedNode(t.value.replace(f"/{old}", f"/{new}"))
        if isinstance(t, ox.Literal) and t.value == old:
            return ox.Literal(new, datatype=t.datatype) if t.language is None else t
        return t

    return ox.Quad(term(quad.subject), quad.predicate, term(quad.object), term(quad.graph_name))
