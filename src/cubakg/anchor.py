"""Stage 2, anchor: find every evidence quote in its article and record its offsets;
check that every sentence is covered by some evidence.

Offsets are Unicode code points, end exclusive, as Python indexes a `str`. The
article is matched exactly as stored: curly quotes and no-break spaces are never
"normalised", so a quote typed with straight quotes fails with the nearest match.
"""

from __future__ import annotations

import difflib
from typing import Callable

from cubakg import coverage
from cubakg.errors import InputError, Location, Problems, locate
from cubakg.read import LoadedSheet
from cubakg.records import ArticleRecord, FactRecord, Span

CONTEXT_CHARS = 32


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every (possibly overlapping) occurrence of `quote`.

    >>> occurrences("a-a-a", "a-a")
    [0, 2]
    """
    found, at = [], text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def nearest_match(text: str, quote: str) -> tuple[int, str]:
    """The stretch of `text` most like `quote`, for "did you mean" messages."""
    matcher = difflib.SequenceMatcher(None, text, quote, autojunk=False)
    block = matcher.find_longest_match(0, len(text), 0, len(quote))
    best_start, best_ratio = max(0, block.a - block.b), -1.0
    for start in range(max(0, block.a - block.b - 8), min(len(text), block.a - block.b + 9)):
        ratio = difflib.SequenceMatcher(None, text[start:start + len(quote)], quote, autojunk=False).ratio()
        if ratio > best_ratio:
            best_start, best_ratio = start, ratio
    return best_start, text[best_start:best_start + len(quote)]


def _first_difference(a: str, b: str) -> str:
    for index, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"first difference at character {index + 1}: article has {x!r} (U+{ord(x):04X}), quote has {y!r} (U+{ord(y):04X})"
    return "the quote runs past the end of the article's text" if len(b) > len(a) else ""


def span_at(loaded: LoadedSheet, start: int, length: int) -> Span:
    text = loaded.text
    end = start + length
    return Span(
        article_id=loaded.article_id,
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS):start],
        suffix=text[end:end + CONTEXT_CHARS],
    )


def anchor_quote(loaded: LoadedSheet, quote: str, occurrence: int | None, where: Location | Callable[[], Location]) -> Span:
    """Locate one quote; fail with the nearest match or the competing occurrences."""
    found = occurrences(loaded.text, quote)
    if len(found) == 1 and occurrence in (None, 1):
        return span_at(loaded, found[0], len(quote))
    article = loaded.path.with_suffix(".txt").name  # for the messages below
    if not found:
        start, near = nearest_match(loaded.text, quote)
        line, column = line_and_column(loaded.text, start)
        raise InputError(
            f"quote not found in {article}: {quote!r}",
            locate(where),
            hint=f"nearest match at {article}:{line}:{column}: {near!r}; {_first_difference(near, quote)}".rstrip("; "),
        )
    if occurrence is None and len(found) > 1:
        places = ", ".join("{}:{}".format(*line_and_column(loaded.text, at)) for at in found)
        raise InputError(
            f"quote occurs {len(found)} times in {article} (at {places}): {quote!r}",
            locate(where),
            hint="add `occurrence: N` (1-based) to say which one, or quote more words",
        )
    if occurrence is not None and occurrence > len(found):
        raise InputError(
            f"occurrence {occurrence} asked for, but the quote occurs {len(found)} time(s) in {article}",
            locate(where),
        )
    return span_at(loaded, found[(occurrence or 1) - 1], len(quote))


def anchor_sheet(loaded: LoadedSheet, problems: Problems) -> ArticleRecord:
    """The article's facts with their evidence spans, in sheet order, and its coverage gaps."""
    records, failures = [], len(problems)
    for position, fact in enumerate(loaded.sheet.facts):
        spans = []
        for q_index, quote in enumerate(fact.quotes()):
            where = lambda p=position, q=q_index: loaded.source.location("facts", p, "evidence", q)  # noqa: E731
            with problems.collect():
                spans.append(anchor_quote(loaded, quote.quote, quote.occurrence, where))
        records.append(FactRecord(sheet=loaded, position=position, fact=fact, spans=tuple(spans)))
    # Coverage is judged only when every quote was found, or missing quotes would show as gaps.
    complete = len(problems) == failures
    gaps = coverage.uncovered(loaded.text, [(s.start, s.end) for r in records for s in r.spans]) if complete else []
    return ArticleRecord(sheet=loaded, facts=tuple(records), gaps=tuple(gaps))


def coverage_problem(article: ArticleRecord) -> InputError:
    """The words no evidence covers, sentence by sentence, as one problem at the sheet's top."""
    name = article.sheet.path.with_suffix(".txt").name
    lines = []
    for gap in article.gaps:
        line = article.text.count("\n", 0, gap.sentence.start) + 1
        sentence = gap.sentence.text if len(gap.sentence.text) <= 160 else gap.sentence.text[:157] + "…"
        lines.append(f"  {name}:{line}: {sentence!r}\n    uncovered: {' '.join(gap.words)}")
    words = sum(len(gap.words) for gap in article.gaps)
    return InputError(
        f"{words} word(s) in {len(article.gaps)} sentence(s) of {name} are covered by no evidence:\n" + "\n".join(lines),
        article.sheet.source.key_location("facts"),
        hint="every sentence must be inside the evidence of some fact: add a fact (a `claim` if no other kind fits) "
             "or extend a quote; a sheet marked `draft: true` builds with a warning instead",
    )


def anchor(sheets: list[LoadedSheet]) -> tuple[list[ArticleRecord], list[str]]:
    """Every sheet anchored; uncovered words fail a reviewed sheet and warn for a draft.

    Returns the articles and the warnings; raises every problem found at once.
    """
    problems = Problems()
    articles, warnings = [], []
    for loaded in sheets:
        article = anchor_sheet(loaded, problems)
        articles.append(article)
        if article.gaps:
            gap = coverage_problem(article)
            if article.draft:
                warnings.append(f"{gap.location}: draft: {gap.message}")
            else:
                problems.found.append(gap)
    problems.raise_if_any()
    return articles, warnings
