"""Synthetic data shaped like the cubakg graph, at any size, with about 1% defects.

The template is the shape tests' shared context (an article, its evidence, the
entities, concepts and data sets) plus every conforming shape case (observations,
participations, statements, posts, policy changes, rounds, times …), all written
by hand after docs/model.md. Triples about the article's own nodes (article,
facts, evidence, times) are copied once per synthetic article under a fresh
article id; shared entities are written once. About 1% of the triples are then
damaged by one of a few realistic mistakes (a negative count, a count written as a
string, a missing headline, a place that is a person, a misspelt ckg: term, an
offset that is a string, a dangling id/ IRI).

    python bench/generate.py 100000 bench/out/data-100k.ttl

Output is N-Triples syntax in a .ttl file (valid Turtle), deterministic for a size.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "tests" / "shapes" / "cases"
CONTEXT = REPO / "tests" / "shapes" / "context.ttl"
TEMPLATE_ARTICLE = "999_0123456789abcdef"
DEFECT_RATE = 0.01

CKG = "https://w3id.org/cubakg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# (name, pattern on one triple line, replacement): each makes that triple wrong.
DEFECTS = [
    ("negative count", re.compile(rf'(<{re.escape(CKG)}personCount> ")(\d)'), r"\1-\2"),
    ("count as string", re.compile(rf'(<{re.escape(CKG)}personCount> "[^"]*")\^\^<{re.escape(XSD)}integer>'), r"\1"),
    ("place is a person", re.compile(rf'(<{re.escape(CKG)}refArea> )<[^>]*>'),
     r"\1<https://w3id.org/cubakg/id/person/carlos-fernandez-de-cossio>"),
    ("misspelt term", re.compile(rf'<{re.escape(CKG)}valueAsWritten>'), f"<{CKG}valueaswritten>"),
    ("offset as string", re.compile(r'(<http://www.w3.org/ns/oa#start> "\d+")\^\^<[^>]*>'), r"\1"),
    ("dangling reference", re.compile(r'(<https://schema.org/publisher> )<[^>]*>'),
     r"\1<https://w3id.org/cubakg/id/org/no-such-outlet>"),
    ("language tag missing", re.compile(rf'(<{re.escape(CKG)}summary> "[^"]*")@en'), r"\1"),
    ("headline missing", re.compile(r'^<https://w3id.org/cubakg/id/article/[^>]*> <https://schema.org/headline> .*$'), ""),
]


def template_lines() -> list[str]:
    """The template as N-Triples lines (context + conforming cases), without duplicates."""
    import pyoxigraph

    lines: dict[str, None] = {}
    for path in [CONTEXT, *sorted(CASES.glob("*-conforms.ttl"))]:
        for quad in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
            lines[f"{quad.subject} {quad.predicate} {quad.object} ."] = None
    return list(lines)


def article_id(k: int) -> str:
    return f"{k % 1000:03d}_{k:016x}"


def generate(size: int, out, seed: int = 4) -> dict:
    """Write at least `size` triples (whole articles); return counts of triples and defects by kind."""
    lines = template_lines()
    own = [line for line in lines if TEMPLATE_ARTICLE in line.split(" ", 1)[0]]
    shared = [line for line in lines if line not in set(own)]
    random.seed(seed)
    written = 0
    defects: dict[str, int] = {}
    for line in shared:
        # Shared nodes that point into the template article point into the first copy.
        out.write(line.replace(TEMPLATE_ARTICLE, article_id(1)) + "\n")
        written += 1
    # Which template lines each kind of defect can damage.
    damageable = [(index, defect) for index, line in enumerate(own) for defect in DEFECTS if defect[1].search(line)]
    per_copy = DEFECT_RATE * len(own)
    k = 0
    while written < size:
        k += 1
        copy = [line.replace(TEMPLATE_ARTICLE, article_id(k)) for line in own]
        count = int(per_copy) + (1 if random.random() < per_copy - int(per_copy) else 0)
        damaged = set()
        for index, (name, pattern, replacement) in random.sample(damageable, min(count, len(damageable))):
            if index in damaged:
                continue
            damaged.add(index)
            copy[index] = pattern.sub(replacement, copy[index], count=1)
            defects[name] = defects.get(name, 0) + 1
        for line in copy:  # whole articles only: a cut one would add defects of its own
            if line:
                out.write(line + "\n")
                written += 1
    return {"triples": written, "articles": k, "defects": defects}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[0].isdigit():
        sys.stderr.write("usage: python bench/generate.py SIZE OUT.ttl\n")
        return 2
    target = Path(argv[1])
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as out:
        counts = generate(int(argv[0]), out)
    print(f"{target}: {counts['triples']:,} triples, {counts['articles']:,} articles, defects {counts['defects']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
