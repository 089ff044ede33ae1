"""Figures: a count or a rank with its unit noun, place, period, source and record.

"220,000 Cubans were caught at the U.S.-Mexico border in 2022" and "The number of
Cubans apprehended at the US-Mexico border reached 16,531 in February" are
observations: the number (read by the resolve stage's `parse_count`), the
population and what was counted (concepts of the registry's `populations` and
`measure-kinds`), the area (a place), the period (a time expression), the
source ("according to US Customs and Border Protection data") and any record
qualifier ("the highest single-month total on record", "shattered previous
records"). A figure missing one of them is suggested in a comment.
"""

from __future__ import annotations

import re

from cubakg import resolve
from cubakg.draft import times
from cubakg.draft.context import Context
from cubakg.draft.model import DraftFact

COUNT = re.compile(r"(?<![\w,.])(?:(?i:about|around|nearly|almost|some|roughly|more than|over) )?\d{1,3}(?:,\d{3})+(?![\d,]\d)|(?<![\w,.])\d{3,}(?![\d,.]\d)")
RANK = re.compile(r"\b(?:(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)-)?(?:largest|biggest|highest)\b(?= (?:group|nationality|source|number))")
RECORD = re.compile(r"\b(?:the )?(?:highest|largest|lowest|biggest)\b[\w\s-]{0,40}?\bon record\b|\ba record\b|\brecord[- ]high\b|\ball-time high\b|\b(?:shattered|broke|set) (?:previous |a |the )?records?\b")
SOURCE = re.compile(r"\baccording to\s+$")


def draft(ctx: Context) -> None:
    for index, sentence in enumerate(ctx.article.sentences):
        for match in COUNT.finditer(sentence.text):
            if re.fullmatch(r"(?:19|20)\d\d", match.group()):
                continue  # a year
            _observation(ctx, index, sentence, sentence.start + match.start(), sentence.start + match.end(), "count")
        for population in ctx.mentions_in(sentence.start, sentence.end, "scheme:populations"):
            small = re.search(r"(?<![\w,.])(\d{1,2}) $", ctx.text[sentence.start:population.start])  # "92 Cuban migrants"
            if small:
                at = sentence.start + small.start(1)
                _observation(ctx, index, sentence, at, at + len(small.group(1)), "count")
        for match in RANK.finditer(sentence.text):
            _observation(ctx, index, sentence, sentence.start + match.start(), sentence.start + match.end(), "rank")


def _observation(ctx: Context, index: int, sentence, start: int, end: int, measure: str) -> None:
    value = ctx.text[start:end]
    try:
        figure = resolve.parse_count(value) if measure == "count" else resolve.parse_rank(value)
    except ValueError:
        return
    s, e = sentence.start, sentence.end
    population = _nearest(ctx, ctx.mentions_in(s, e, "scheme:populations"), start)
    counted = _nearest(ctx, ctx.mentions_in(s, e, "scheme:measure-kinds"), start)
    area = _nearest(ctx, [m for m in ctx.mentions_in(s, e, "place", "country") if m.start > (population.start if population else s)], start)
    period_expression = next((t for t in ctx.times_in(s, e) if t.shape != "duration"), None)
    period, resolved, note = times.time_slot(period_expression, sentence.text, ctx.dateline) if period_expression else (None, None, "")
    source = next((m.key for m in ctx.mentions_in(s, e, "organization", "outlet")
                   if SOURCE.search(ctx.text[s:m.start])), None)
    spans = [(s, e)]
    record = RECORD.search(sentence.text)
    record_text = record.group() if record else None
    if not record and index + 1 < len(ctx.article.sentences):
        following = ctx.article.sentences[index + 1]
        follow = re.match(r"(?:This|That|It|The figure|The number) ((?:shattered|broke|set) (?:previous |a |the )?records?)", following.text)
        if follow:
            record_text = follow.group(1)
            spans.append((following.start, following.start + follow.end()))
    fields = {
        "measure": measure, "value": value, "population": population.key if population else None,
        "counted": counted.key if counted else None, "area": area.key if area else None, "period": period,
        "source": source, "record": record_text,
    }
    if measure == "count":
        fields["approximate"] = figure.approximate
    missing = [name for name in ("population", "counted", "area", "period") if not fields[name]]
    why = f"the figure {value!r} = {figure.value}" + (", approximate" if figure.approximate else "")
    if resolved:
        why += f", for {note}"
    ctx.add(DraftFact("observation", fields, spans, why,
                      unsure=f"no {', no '.join(missing)} found in the sentence" if missing else ""))


def _nearest(ctx: Context, mentions, offset: int):
    return min(mentions, key=lambda m: abs(m.start - offset), default=None)
