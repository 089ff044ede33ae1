"""Statements and cited sources: who said what, in their words or the article's.

- a quotation (“…” or "…", three words or more) with a speech verb and a speaker
  is a `quote` statement; a quotation sentence right after one continues it;
- a sentence with a speech verb ("said", "added", "stated", "urged", …) and a
  speaker is a `paraphrase` statement, its summary the sentence (to rewrite);
- the speaker is the agent before the verb ("X said", "X has said"), after it
  ("said X", ", X said"), or after "according to"; "he"/"she" is the last person
  named before (said so in a comment);
- "told X", "spoke with X" make X the addressee; an outlet or agency after
  "according to", or before "noted"/"reported", or an agency whose spokesperson
  speaks, is a `cites` fact.
"""

from __future__ import annotations

import re

from cubakg.coverage import Sentence
from cubakg.draft.context import Context
from cubakg.draft.lexicon import Mention
from cubakg.draft.model import DraftFact

SPEECH_VERBS = (
    r"said|says|say|added|adds|stated|states|told|tells|noted|notes|explained|wrote|urged|urges|stressed|"
    r"reiterated|admitted|warned|warns|insisted|argued|claimed|declared|acknowledged|expressed|hopes?|"
    r"believes?|blames?|declined to (?:confirm|comment)|denied|confirmed|called for|pointed out|"
    r"did not (?:immediately )?respond|has said|have said|according to|spoke with|spoke to"
)
VERB = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
# The verb gives the stance, where the registry's `stances` scheme has it.
STANCES = [
    (r"\burge[sd]?\b|\bcalled for\b|\bmust be\b|\bdemand", "demand"),
    (r"\bblames?\b|\bblamed\b", "blame"),
    (r"\b(?:expressed|voiced|raised) (?:\w+ )?concerns?\b|\bconcerned\b", "concern"),
    (r"\bhopes?\b", "hope"),
    (r"\bdeclined to confirm\b", "declines-to-confirm"),
    (r"\bdid not (?:immediately )?respond\b", "no-response"),
    (r"\bsupports?\b", "support"),
    (r"\bcriticiz|\bcriticis|\bnot enough\b", "criticism"),
]
QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
AGENTS = ("person", "group", "organization", "country", "outlet")
PRONOUNS = re.compile(r"\b(he|she|it|they)\s+(?:also\s+)?(?:has\s+|had\s+|have\s+)?$", re.I)
# Verbs after which the speaker may follow: "said a spokesperson".
INVERTED = re.compile(r"said|says|added|noted")
# Attitude verbs: "The US wants …, according to a source": the subject holds the view, the source reports it.
ATTITUDE = re.compile(r"^\s*(?:wants?|hopes?|seeks?|plans?|intends?|believes?|expects?|is seeking|is planning)\b")
ADDRESSEE = re.compile(r"\b(?:told|spoke (?:with|to)|in an interview with|speaking to)\s+$", re.I)
CITING = re.compile(r"\b(?:according to|told|spoke (?:with|to)|in an interview with)\s+$", re.I)


def draft(ctx: Context) -> None:
    previous_speaker: str | None = None
    previous_end = -1
    for sentence in ctx.article.sentences:
        start, end = ctx.after_dateline(sentence.start, sentence.end), sentence.end
        body = ctx.text[start:end]
        sentence = Sentence(start, end, body)
        cites(ctx, start, end)
        quotes = [(m.start(1) if m.group(1) else m.start(2), m.end(1) if m.group(1) else m.end(2)) for m in QUOTED.finditer(body)]
        quotes = [(start + a, start + b) for a, b in quotes if len(body[a:b].split()) >= 3]
        verbs = [m for m in VERB.finditer(body) if not _inside(start + m.start(), quotes)]
        speaker, note = _speaker(ctx, sentence, verbs, quotes, previous_speaker)
        reported_by = None
        holder = _attitude_holder(ctx, sentence) if speaker and note.startswith("the source after") else None
        if holder and holder != speaker:
            speaker, reported_by, note = holder, speaker, f"the subject holds the view; {note} reports it"
        continuing = not verbs and quotes and previous_speaker and _only_quotes(body) and previous_end >= 0 \
            and ctx.text[previous_end:start].count("\n\n") <= 1
        if continuing:
            speaker, note = previous_speaker, "continues the quotation of the sentence before"
        if not speaker:
            previous_speaker = None
            continue
        if ctx.entity_type(speaker) == "outlet":
            previous_speaker = None
            continue  # an outlet reporting is a `cites` fact, not a statement
        about = _about(ctx, start, end, speaker)
        stance = _stance(ctx, body)
        addressee = _addressee(ctx, start, end)
        common = {"speaker": speaker}
        if addressee and ctx.entity_type(addressee) == "outlet":
            reported_by = addressee
        extra = {"addressee": addressee, "reported_by": reported_by,
                 "about": about, "stance": stance}
        if quotes:
            for a, b in quotes:
                words = ctx.text[a:b].rstrip(" ,")
                if words[:1].islower():
                    words = words.rstrip(".")  # a fragment: the full stop is the article's
                fields = {**common, "mode": "quote", "quote": words, **extra}
                ctx.add(DraftFact("statement", fields, [(start, end)], f"a quotation; {note}"))
        else:
            fields = {**common, "mode": "paraphrase", **extra, "summary": " ".join(body.split())}
            ctx.add(DraftFact("statement", fields, [(start, end)],
                              f"reported speech ({verbs[0].group()!r}); {note}; summary to rewrite in plain words"))
        previous_speaker, previous_end = speaker, end


def _inside(offset: int, spans) -> bool:
    return any(a <= offset < b for a, b in spans)


def _only_quotes(body: str) -> bool:
    return body.lstrip()[:1] in "“\"" and body.rstrip(" .")[-1:] in "”\""


def _attitude_holder(ctx: Context, sentence) -> str | None:
    agents = ctx.mentions_in(sentence.start, sentence.end, *AGENTS)
    first = agents[0] if agents else None
    if first and _tokens_between(ctx, sentence.start, first.start) <= 1 and ATTITUDE.match(ctx.text[first.end:sentence.end]):
        return first.key
    return None


def _speaker(ctx: Context, sentence, verbs, quotes, previous: str | None) -> tuple[str | None, str]:
    """The speaker's key and how it was found, for the first speech verb with one."""
    for verb in verbs:
        at = sentence.start + verb.start()
        after = sentence.start + verb.end()
        # A possessive names no speaker: "according to Cuba's foreign ministry".
        agents = [m for m in ctx.mentions_in(sentence.start, sentence.end, *AGENTS)
                  if not _inside(m.start, quotes) and not re.match(r"['’]s\b", ctx.text[m.end:m.end + 2])]
        if verb.group().startswith("according to"):
            following = [m for m in agents if m.start >= after and m.start - after <= 3]
            if following and re.match(r"\s+(?:data|figures|statistics|records)\b", ctx.text[following[0].end:]):
                continue  # a source of figures, not a speaker
            if following:
                return following[0].key, f"the source after 'according to' ({following[0].text!r})"
            continue
        before = [m for m in agents if m.end <= at and _tokens_between(ctx, m.end, at) <= 5]
        if before:
            chosen = before[-1]
            return chosen.key, f"the speaker before {verb.group()!r} ({chosen.text!r})"
        pronoun = PRONOUNS.search(ctx.text[sentence.start:at])
        if pronoun:
            if pronoun.group(1).lower() in ("it", "they"):
                if previous:
                    return previous, f"{pronoun.group(1)!r} taken as the speaker of the sentence before"
                continue
            last = _last_person(ctx, sentence.start)
            if last:
                return last.key, f"{pronoun.group(1)!r} taken as the last person named before ({last.text!r})"
        following = [m for m in agents if m.start >= after and _tokens_between(ctx, after, m.start) <= 3]
        if following and INVERTED.fullmatch(verb.group()) and not ADDRESSEE.search(ctx.text[sentence.start:following[0].start]):
            return following[0].key, f"the speaker after {verb.group()!r} ({following[0].text!r})"
    return None, ""


def _tokens_between(ctx: Context, start: int, end: int) -> int:
    between = re.sub(r"^,\s*who\b[^.;“”\"]*,\s*", "", ctx.text[start:end])  # "X, who asked not to be named, declined"
    if re.search(r"[,.;:!?“”\"]", between):  # another subject: "Ramos, the ministry said"
        return 99
    return len(between.split())


def _last_person(ctx: Context, before: int) -> Mention | None:
    people = [m for m in ctx.mentions if m.type == "person" and m.end <= before]
    return people[-1] if people else None


def _about(ctx: Context, start: int, end: int, speaker: str) -> list[str]:
    keys = []
    for m in ctx.mentions_in(start, end):
        if m.key != speaker and m.key not in keys and not m.weak and m.type in (
                "country", "organization", "event", "policy", "group", "person", "place",
                "scheme:topics", "scheme:populations", "scheme:policy-instruments"):
            keys.append(m.key)
    return keys[:6]


def _stance(ctx: Context, body: str) -> str | None:
    for pattern, key in STANCES:
        if re.search(pattern, body, re.I) and ctx.has_scheme("stances", key):
            return key
    return None


def _addressee(ctx: Context, start: int, end: int) -> str | None:
    for m in ctx.mentions_in(start, end, *AGENTS):
        if ADDRESSEE.search(ctx.text[start:m.start]):
            return m.key
    return None


def cites(ctx: Context, start: int, end: int) -> None:
    """Outlets and agencies the sentence cites as its source."""
    for m in ctx.mentions_in(start, end, "outlet", "organization"):
        lead = ctx.text[start:m.start]
        cue = CITING.search(lead)
        tail = re.match(r"\s+(?:data|figures|statistics|noted|reported|said|says|reports)\b", ctx.text[m.end:end])
        if m.type == "outlet" and (cue or tail):
            span = (start + cue.start() if cue else m.start, m.end + (tail.end() if tail else 0))
        elif m.type == "organization" and cue and cue.group().lower().startswith("according"):
            span = (start + cue.start(), m.end + (tail.end() if tail else 0))
        else:
            continue
        if not ctx.covered("cites", *span):
            ctx.add(DraftFact("cites", {"source": m.key}, [span], "a source the article cites"))
    for m in ctx.mentions_in(start, end, "person", "group"):
        # "a state department spokesperson said": the agency is cited.
        if re.search(r"spokes(?:person|man|woman)", m.text, re.I):
            for key, kind in ctx.lexicon.inside(m.text):
                if kind == "organization":
                    tail = re.match(r"\s+(?:said|says|told|added)\b", ctx.text[m.end:end])
                    span = (m.start, m.end + (tail.end() if tail else 0))
                    if not ctx.covered("cites", *span):
                        ctx.add(DraftFact("cites", {"source": key}, [span], "an agency whose spokesperson speaks"))
