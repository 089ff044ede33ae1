"""The coverage report: each sentence with what covers it, and the words nothing covers.

The same report serves a draft (`cubakg draft`) and a finished sheet (`cubakg
coverage seeds/ID.yaml`); words and sentences are those of `cubakg.coverage`,
the module the build checks coverage with.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from cubakg import coverage


@dataclass(frozen=True)
class Covered:
    """One fact's contribution: its label (kind or id) and its evidence spans."""

    label: str
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class SentenceCoverage:
    sentence: coverage.Sentence
    line: int
    facts: tuple[str, ...]
    uncovered: tuple[str, ...]


def sentence_coverage(text: str, facts: list[Covered]) -> list[SentenceCoverage]:
    gaps = {gap.sentence.start: gap for gap in coverage.uncovered(text, [s for f in facts for s in f.spans])}
    result = []
    for sentence in coverage.sentences(text):
        labels = Counter(f.label for f in facts if any(s < sentence.end and sentence.start < e for s, e in f.spans))
        gap = gaps.get(sentence.start)
        result.append(SentenceCoverage(
            sentence, text.count("\n", 0, sentence.start) + 1,
            tuple(f"{label}×{n}" if n > 1 else label for label, n in sorted(labels.items())),
            gap.words if gap else (),
        ))
    return result


def render_report(text: str, facts: list[Covered], name: str, width: int = 72) -> str:
    rows = sentence_coverage(text, facts)
    open_rows = [row for row in rows if row.uncovered]
    words = sum(len(row.uncovered) for row in rows)
    lines = [f"Coverage of {name}: {len(rows) - len(open_rows)} of {len(rows)} sentences fully covered; "
             f"{words} word(s) in {len(open_rows)} sentence(s) covered by no fact."]
    for row in rows:
        mark = "  " if not row.uncovered else "✗ "
        excerpt = row.sentence.text if len(row.sentence.text) <= width else row.sentence.text[:width - 1] + "…"
        lines.append(f"{mark}{name}:{row.line}: {excerpt}")
        lines.append(f"      covered by: {', '.join(row.facts) if row.facts else 'nothing'}")
        if row.uncovered:
            lines.append(f"      uncovered: {' '.join(row.uncovered)}")
    if open_rows:
        lines.append("To do: cover each ✗ sentence with a fact (a `claim` where no other kind fits), "
                     "or extend a quote; the build fails on uncovered words unless the sheet says `draft: true`.")
    return "\n".join(lines) + "\n"
