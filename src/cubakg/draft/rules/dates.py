"""Every time expression no drafted fact holds, listed in the sheet's notes with its
resolution, so that none goes unseen ("next month", "four-year hiatus")."""

from __future__ import annotations

from cubakg.draft import times
from cubakg.draft.context import Context


def draft(ctx: Context) -> None:
    placed = set()
    for fact in ctx.facts:
        for value in fact.fields.values():
            if isinstance(value, dict) and "text" in value:
                placed.add(value["text"])
        if fact.kind == "dateline":
            placed.add(fact.fields["as_written"])
    for expression in times.find(ctx.text):
        if expression.text in placed or any(expression.text in p for p in placed):
            continue
        sentence = ctx.article.sentence_at(expression.start)
        slot, _resolved, note = times.time_slot(expression, sentence.text if sentence else "", ctx.dateline)
        line = ctx.text.count("\n", 0, expression.start) + 1
        reading = f"resolves to {note}" if slot else note
        ctx.notes.append(f"line {line}: {expression.text!r} is in no drafted fact; {reading}")
