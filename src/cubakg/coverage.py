"""Which words of an article no evidence covers: the rule "every sentence covered".

A word is covered when every letter and digit in it lies inside some evidence
span; punctuation and spaces between quotes need no evidence. The sentences are
found (with pySBD) only when something is uncovered, to say where.

>>> text = "Cuba met the US. Talks went well."
>>> [gap.words for gap in uncovered(text, [(0, 16)])]
[('Talks', 'went', 'well')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

_WORD = re.compile(r"\w+(?:[’'.-]\w+)*")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Gap:
    """A sentence with words no evidence covers."""

    sentence: Sentence
    words: tuple[str, ...]
    starts: tuple[int, ...]  # offset of each word in the article


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans joined, in order."""
    result: list[list[int]] = []
    for start, end in sorted(spans):
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return [(start, end) for start, end in result]


def uncovered_words(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, str]]:
    """(offset, word) of each word with a letter or digit outside every span."""
    words = []
    position = 0
    for start, end in [*merged(spans), (len(text), len(text))]:
        gap = text[position:start]
        if any(c.isalnum() for c in gap):
            for match in _WORD.finditer(text, position, start):
                words.append((match.start(), match.group()))
        position = max(position, end)
    # A word cut by a span edge is reported whole.
    whole = {}
    for offset, _ in words:
        match = _whole_word(text, offset)
        whole[match[0]] = match[1]
    return sorted(whole.items())


def _whole_word(text: str, offset: int) -> tuple[int, str]:
    start = offset
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    match = _WORD.match(text, start)
    return start, match.group() if match else text[offset]


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentences(text: str) -> list[Sentence]:
    """The article's sentences and headings, with their offsets (lines never join)."""
    found = []
    line_start = 0
    for line in text.split("\n"):
        if line.strip():
            for piece in _segmenter().segment(line):
                body = piece.sent.strip()
                if body:
                    start = line_start + piece.start + (len(piece.sent) - len(piece.sent.lstrip()))
                    found.append(Sentence(start, start + len(body), body))
        line_start += len(line) + 1
    return found


def uncovered(text: str, spans: Iterable[tuple[int, int]]) -> list[Gap]:
    """The sentences with uncovered words, each with those words (empty when all is covered)."""
    words = uncovered_words(text, spans)
    if not words:
        return []
    gaps = []
    remaining = list(words)
    for sentence in sentences(text):
        inside = [(offset, word) for offset, word in remaining if sentence.start <= offset < sentence.end]
        if inside:
            gaps.append(Gap(sentence, tuple(w for _, w in inside), tuple(o for o, _ in inside)))
    return gaps
