"""What no drafted fact holds becomes a commented-out `claim`, for the reviewer.

- a sentence with words no fact covers: a claim naming what the sentence mentions;
- a covered sentence mentioning registry entities that no fact over it names
  ("his predecessor Barack Obama"): a claim about those, so that every mention of
  a registry entity is in the sheet, as a fact or as a suggestion.

The claims are suggestions, never facts: the summary is the reviewer's to write.
"""

from __future__ import annotations

from cubakg import coverage
from cubakg.draft.context import Context
from cubakg.draft.model import DraftFact

KINDS = ("person", "group", "organization", "country", "place", "event", "policy", "outlet", "post",
         "scheme:topics", "scheme:populations", "scheme:policy-instruments")
ENTITIES = ("person", "group", "organization", "country", "place", "event", "policy", "outlet", "post")
TODO = "TODO: what this sentence claims, in plain words"


def draft(ctx: Context) -> None:
    spans = [span for fact in ctx.facts if fact.active for span in fact.spans]
    gaps = {gap.sentence.start: gap for gap in coverage.uncovered(ctx.text, spans)}
    for sentence in ctx.article.sentences:
        mentioned = [m for m in ctx.any_mentions_in(sentence.start, sentence.end, *KINDS) if m.key in ctx.lexicon.types]
        gap = gaps.get(sentence.start)
        if gap:
            about = list(dict.fromkeys(m.key for m in mentioned))
            why = f"left uncovered: {' '.join(gap.words[:12])}" + (" …" if len(gap.words) > 12 else "")
        else:
            named = {key for fact in ctx.facts for key in fact.keys()
                     if any(s < sentence.end and sentence.start < e for s, e in fact.spans)}
            about = list(dict.fromkeys(m.key for m in mentioned if m.type in ENTITIES and m.key not in named))
            if not about:
                continue
            why = "mentioned here, named by no drafted fact: " + ", ".join(
                dict.fromkeys(m.text for m in mentioned if m.key in about))
        ctx.add(DraftFact("claim", {"about": about, "summary": TODO}, [(sentence.start, sentence.end)], why,
                          unsure="a claim needs your summary (and `about` checked)"))
