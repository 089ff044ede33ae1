"""Trends, routes, policy changes and relations between states, from cue words.

- a trend cue ("rising numbers of", "an uptick in", "a growing portion", "record
  numbers of", "a mass exodus of") with a population ("Cubans", "migrants");
- a route of the registry's `routes` scheme ("via rafts", "by going through
  Mexico"), with the population and the destination;
- a policy change: an actor, a change verb ("lifted", "will restart", "tightening")
  and a policy instrument of the registry ("visa requirements", "sanctions"), with
  place ("in Havana"), population ("for Cubans") and time;
- "X, a close regional ally of Y" and "X's old foe" as relations.
Only keys the registry's schemes hold are used.
"""

from __future__ import annotations

import re

from cubakg.draft import times
from cubakg.draft.context import Context
from cubakg.draft.model import DraftFact

TRENDS = [
    (r"\b(?:rising|growing|increasing) (?:numbers?|flows?) of\b|\b(?:increase|rise|uptick|surge|spike) in\b|\bmore and more\b|\bincreases\b", "increase"),
    (r"\brecord numbers? of\b|\ba record number of\b", "record-high"),
    (r"\bgrowing (?:portion|share|proportion)\b", "growing-share"),
    (r"\b(?:mass )?exodus of\b", "mass-exodus"),
    (r"\b(?:even )?higher numbers\b|\bexpected to (?:rise|increase|grow)\b", "expected-increase"),
]
CHANGES = [
    (r"\b(?:restart|resume|reopen|reinstate)\w*\b|\bagain begin\b", "restart"),
    (r"\blift(?:ed|s|ing)?\b|\bscrap(?:ped|s)?\b", "lift"),
    (r"\bclos(?:e|ed|es|ing)\b|\bshut\b", "close"),
    (r"\btighten\w*\b", "tighten"),
    (r"\bexpand\w*\b", "expand"),
    (r"\bprioriti[sz]\w*\b", "prioritise"),
]
AGENTS = ("country", "organization", "person", "group")
RELATIONS = re.compile(r",\s+(?:a|an|the|its)\s+(?:[\w-]+\s+){0,3}?(?P<word>ally|partner|foe|adversary|enemy|rival)\s+of\s+$")


def draft(ctx: Context) -> None:
    for sentence in ctx.article.sentences:
        trends(ctx, sentence)
        routes(ctx, sentence)
        policy_changes(ctx, sentence)
        relations(ctx, sentence)


def trends(ctx: Context, sentence) -> None:
    for pattern, key in TRENDS:
        if not ctx.has_scheme("trends", key):
            continue
        for cue in re.finditer(pattern, sentence.text, re.I):
            at = sentence.start + cue.start()
            populations = ctx.any_mentions_in(sentence.start, sentence.end, "scheme:populations")
            after = [m for m in populations if m.start >= at and m.start - at < 60]
            population = after[0] if after else None
            if population is None:
                continue
            end = max(sentence.start + cue.end(), population.end)
            area = next((m for m in ctx.any_mentions_in(end, sentence.end, "place", "country") if m.start - end < 40), None)
            if area:
                end = area.end
            fields = {"population": population.key, "trend": key, "area": area.key if area else None}
            ctx.add(DraftFact("trend", fields, [(at, end)], f"the trend cue {cue.group()!r}"))


def routes(ctx: Context, sentence) -> None:
    for m in ctx.mentions_in(sentence.start, sentence.end, "scheme:routes"):
        if m.weak and not re.search(r"\b(?:via|by|over|across)\s+(?:\w+\s+)?$", ctx.text[sentence.start:m.start]):
            continue
        populations = ctx.mentions_in(sentence.start, sentence.end, "scheme:populations")
        population = min(populations, key=lambda p: abs(p.start - m.start), default=None)
        if population is None:
            continue
        destination = next((d for d in ctx.mentions_in(sentence.start, sentence.end, "country", "place")
                            if re.search(r"\b(?:to|enter|reach)\s+(?:the\s+)?$", ctx.text[sentence.start:d.start])), None)
        via = [k for k, t in ctx.lexicon.inside(m.text) if t in ("country", "place")]
        start = min(m.start, population.start, destination.start if destination else m.start)
        fields = {"route": m.key, "population": population.key, "via": via,
                  "destination": destination.key if destination else None}
        ctx.add(DraftFact("route", fields, [(start, max(m.end, population.end))], f"the route {m.text!r}"))


def _instruments(ctx: Context, start: int, end: int):
    for m in ctx.any_mentions_in(start, end, "scheme:policy-instruments"):
        yield m, m.key


def policy_changes(ctx: Context, sentence) -> None:
    body = sentence.text
    for pattern, change in CHANGES:
        if not ctx.has_scheme("policy-change-kinds", change):
            continue
        for verb in re.finditer(pattern, body, re.I):
            at, after = sentence.start + verb.start(), sentence.start + verb.end()
            found = next((pair for pair in _instruments(ctx, after, sentence.end) if pair[0].start - after <= 30), None)
            if not found:
                continue
            instrument, policy = found
            actors = ctx.outermost([m for m in ctx.any_mentions_in(sentence.start, at, *AGENTS) if not m.weak])
            if not actors:
                continue
            actor = actors[-1]  # the nearest agent before the verb: "… President Donald Trump who … tightening"
            end = instrument.end
            rest = ctx.text[end:sentence.end]
            place = re.match(r"[\"”]?\s+in\s+", rest)
            fields = {"actor": actor.key, "change": change, "policy": policy}
            if place:
                found_place = next(iter(ctx.any_mentions_in(end + place.end(), sentence.end, "place", "country")), None)
                if found_place and found_place.start == end + place.end():
                    fields["place"], end = found_place.key, found_place.end
            population = re.match(r"\s+for\s+", ctx.text[end:sentence.end])
            if population:
                found_population = next(iter(ctx.any_mentions_in(end, sentence.end, "scheme:populations")), None)
                if found_population and found_population.start == end + population.end():
                    fields["population"], end = found_population.key, found_population.end
            when = next((t for t in ctx.times_in(end, sentence.end) if t.start - end <= 3), None)
            if when:
                slot, _resolved, note = times.time_slot(when, body, ctx.dateline)
                if slot:
                    fields["effective"], end = slot, when.end
            end += ctx.text[end:end + 1] in "\"”"  # the closing quotation mark of a quoted instrument
            ctx.add(DraftFact("policy-change", fields, [(actor.start, end)],
                              f"{actor.text!r} + {verb.group()!r} + {instrument.text!r}"))


def relations(ctx: Context, sentence) -> None:
    for m in ctx.mentions_in(sentence.start, sentence.end, "country", "organization"):
        cue = RELATIONS.search(ctx.text[sentence.start:m.start])
        if not cue:
            continue
        subjects = [s for s in ctx.mentions_in(sentence.start, sentence.start + cue.start(), "country", "organization")
                    if sentence.start + cue.start() - s.end <= 1]
        if not subjects or subjects[0].key == m.key:
            continue
        predicate = "ally-of" if cue.group("word") in ("ally", "partner") else "adversary-of"
        ctx.add(DraftFact("relation", {"subject": subjects[0].key, "predicate": predicate, "object": m.key},
                          [(subjects[0].start, m.end)], f"{cue.group('word')!r} of"))
