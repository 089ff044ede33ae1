"""Meetings, talks and who takes part in them.

- "X and Y (officials) are due to meet / met / plan to resume their talks in
  PLACE on DAY": an event (the registry round of that place and month, or a
  proposed one) with place, time and status, and X and Y as parties;
- "Leading the X delegation will be P", "P led the X delegation", "the
  delegation was headed by P": P heads the delegation, on behalf of X;
- "received by P": P hosts; "ORG has sent P1 and P2 for EVENT": ORG sends, P1 and
  P2 are delegation members; "expected to meet with GROUP": GROUP is the counterpart.
"""

from __future__ import annotations

import calendar
import re

from cubakg.draft import times
from cubakg.draft.context import Context, slug
from cubakg.draft.lexicon import Mention
from cubakg.draft.model import DraftFact

MEETING = re.compile(
    r"\b(?P<modal>are due to|is due to|will|plan to|plans to|are expected to|are scheduled to|are set to|to)?\s*"
    r"(?P<verb>meet|met|hold talks|held talks|resume (?:their |the )?talks|resumed (?:their |the )?talks|hold (?:their |the )?(?:next |first )?round)\b"
)
LEADS = [
    re.compile(r"\bLeading the (?P<side>[A-Z][\w.]+ )?delegation (?P<modal>will be|is|was)\b"),
    re.compile(r"\b(?P<modal>will lead|leads|led|is leading|heads|headed|will head) the (?P<side>[A-Z][\w.]+ )?delegation\b"),
    re.compile(r"\b[Tt]he (?P<side>[A-Z][\w.]+ )?delegation(?:,)? (?P<modal>(?:will be |was |is )?(?:led|headed)) by\b"),
]
FUTURE = re.compile(r"\b(?:will|due|plan|planned|expected|scheduled|set to)\b")
ROUND_SUBTYPES = ("talks-round", "meeting", "conference")
MEETING_SUBTYPES = ("talks-round", "meeting")  # what "X and Y officials met" can be


ATTEND = re.compile(r"\b(?P<modal>(?:is|are) (?P<neg>not )?(?:due|expected|scheduled|set) to|will(?P<neg2> not)?|plans? to)?\s*"
                    r"(?P<verb>attend|attended|wrap up|wrapped up|open|opened|join|joined|take part in|took part in)\b")


def draft(ctx: Context) -> None:
    for sentence in ctx.article.sentences:
        meetings(ctx, sentence)
        leaders(ctx, sentence)
        hosts_and_senders(ctx, sentence)
        attendance(ctx, sentence)


def attendance(ctx: Context, sentence) -> None:
    """"X and Y are due to wrap up a conference", "Cuba is not due to attend that conference"."""
    for match in ATTEND.finditer(sentence.text):
        at, after = sentence.start + match.start(), sentence.start + match.end()
        event = next((m for m in ctx.mentions_in(after, sentence.end, "event") if not m.weak and m.start - after <= 3), None)
        if event is None:
            continue
        titles = ctx.any_mentions_in(sentence.start, at, "post")
        subjects = [m for m in ctx.any_mentions_in(sentence.start, at, "person", "group", "country", "organization")
                    if not m.weak and not any(t.start < m.end and m.start < t.end for t in titles)]
        if not subjects:
            continue
        negative = bool(match.group("neg") or match.group("neg2"))
        future = bool(match.group("modal"))
        status = "not-expected" if negative else "expected" if future else "took-part"
        if not ctx.has_scheme("participation-statuses", status) or not ctx.has_scheme("participation-roles", "attendee"):
            continue
        for subject in subjects:
            ctx.add(DraftFact("participation", {"event": event.key, "participant": subject.key, "role": "attendee",
                                                "status": status}, [(subject.start, event.end)],
                              f"{subject.text!r} {match.group().strip()} {event.text!r}"))


def _future(text: str) -> bool:
    return bool(FUTURE.search(text))


def meetings(ctx: Context, sentence) -> None:
    body = sentence.text
    match = MEETING.search(body)
    if not match:
        return
    at = sentence.start + match.start("verb")
    clause = sentence.start + _clause_start(ctx, sentence, match.start())
    sides = ctx.countries_in(clause, at)
    if len(sides) < 2 or re.search(r"[.;]", ctx.text[clause:at]):
        return
    rest_start = sentence.start + match.end()
    place = next((m for m in ctx.mentions_in(rest_start, sentence.end, "place", "country")
                  if ctx.text[max(sentence.start, m.start - 3):m.start] == "in "), None)
    if place and re.match(r"\s[A-Z][a-z]", ctx.text[place.end:place.end + 3]):
        place = None  # "Panama City" is not Panama
    place = place or _new_place(ctx, rest_start, sentence.end)
    when = next(iter(ctx.times_in(rest_start, sentence.end)), None)
    future = _future(match.group(0)) or bool(match.group("modal"))
    slot, resolved, note = times.time_slot(when, body, ctx.dateline) if when else (None, None, "")
    event = _event_for(ctx, sentence, place.key if place else None, resolved)
    if event is None:
        return
    span = (clause, sentence.start + match.end())
    if place:
        span = (span[0], max(span[1], place.end))
    if when and slot:
        span = (span[0], max(span[1], when.end))
    fields = {"event": event, "status": "planned" if future else "held", "place": place.key if place else None,
              "when": slot, "agents": sides}
    topics = [m.key for m in ctx.mentions_in(sentence.start, sentence.end, "scheme:topics")]
    if topics:
        fields["topics"] = sorted(set(topics))
    why = f"{' and '.join(ctx.label(s) for s in sides)} meet" + (f"; {when.text!r} is {note}" if when and slot else "")
    if when and not slot:
        why += f"; time not drafted: {note}"
    ctx.add(DraftFact("event", fields, [span], why))
    for side in sides:
        ctx.add(DraftFact("participation", {
            "event": event, "participant": side, "role": "party", "status": "expected" if future else "took-part",
        }, [span], "a side of the meeting"))


def _new_place(ctx: Context, start: int, end: int) -> Mention | None:
    """"met in Panama City": a place the registry lacks, proposed."""
    found = re.match(r"(?:\s+\w+){0,4}?\s+in\s+((?:[A-Z][a-zé]+)(?:\s+[A-Z][a-zé]+){0,2})\b", ctx.text[start:end])
    if not found or found.group(1) in times.MONTH_NAMES:
        return None
    known = ctx.mentions_in(start + found.start(1), start + found.end(1))
    if known and (known[0].start, known[0].end) == (start + found.start(1), start + found.end(1)):
        return None
    name = found.group(1)
    at = start + found.start(1)
    key = ctx.propose(slug(name), {"type": "place", "label": name, "aliases": [name]}, (at, at + len(name)),
                      f"the place of a meeting, {name!r}, not in the registry")
    return Mention(at, at + len(name), key, "place", None, name, 0, 0, False)


def _clause_start(ctx: Context, sentence, before: int) -> int:
    """Where the clause holding `before` starts: after the dateline, a dash or a semicolon."""
    body = sentence.text
    start = 0
    for fact in ctx.facts:
        if fact.kind in ("dateline", "publisher") and sentence.start <= fact.spans[0][1] <= sentence.start + before:
            start = max(start, fact.spans[0][1] - sentence.start)
    for separator in ("  ", "; ", " - ", " — ", " – "):
        cut = body.rfind(separator, start, before)
        if cut >= 0:
            start = cut + len(separator)
    return start


def _event_for(ctx: Context, sentence, place: str | None, resolved) -> str | None:
    """The registry event the meeting is: mentioned in the sentence, or the round of that place and month."""
    for m in ctx.mentions_in(sentence.start, sentence.end, "event"):
        if m.subtype in ROUND_SUBTYPES and not m.weak:
            return m.key
    month = f"{calendar.month_name[resolved.month]} {resolved.year}" if resolved and resolved.year and resolved.month else None
    candidates = []
    for key, entity in sorted(ctx.registry.entities.items()):
        if entity.type == "event" and entity.subtype in MEETING_SUBTYPES and place:
            label = entity.label + " " + (entity.description or "")
            dated = re.findall(rf"(?:{'|'.join(calendar.month_name[1:])}) \d{{4}}", label)
            if ctx.label(place) in label and not (month and dated and month not in dated):
                candidates.append((bool(month and month in label), key))  # a round of another month is another round
    if candidates:
        return max(candidates)[1]
    if not place:
        return None  # nothing to tell this meeting from another
    where = ctx.label(place)
    key = slug(f"talks {where} {resolved.year or '' if resolved else ''} "
               f"{f'{resolved.month:02d}' if resolved and resolved.month else ''}")
    label = f"Talks in {where}" + (f", {month}" if month else "")
    return ctx.propose(key, {"type": "event", "subtype": "talks-round", "label": label, "aliases": []},
                       (sentence.start, sentence.end), "a meeting the registry has no event for")


def _context_event(ctx: Context, offset: int) -> str | None:
    """The talks round the text speaks of at `offset`: the last one named or drafted before it."""
    best = None
    for m in ctx.mentions:
        if m.type == "event" and m.subtype in ROUND_SUBTYPES and m.start < offset and not m.weak:
            best = (m.start, m.key)
    for fact in ctx.facts:
        if fact.kind == "event" and fact.start < offset and (best is None or fact.start > best[0]):
            entity = ctx.registry.entities.get(fact.fields["event"])
            if fact.fields["event"] in ctx.proposals or (entity and entity.subtype in ROUND_SUBTYPES):
                best = (fact.start, fact.fields["event"])
    if best is None:
        for m in ctx.mentions:
            if m.type == "event" and m.subtype in ROUND_SUBTYPES:
                return m.key
    return best[1] if best else None


def leaders(ctx: Context, sentence) -> None:
    body = sentence.text
    for pattern in LEADS:
        match = pattern.search(body)
        if not match:
            continue
        after = pattern.pattern.startswith(r"\bLeading") or "by" in match.group(0)[-3:]
        window = (sentence.start + match.end(), sentence.end) if after else (sentence.start, sentence.start + match.start())
        people = ctx.any_mentions_in(window[0], window[1], "person")
        if not people:
            continue
        leader = people[0] if after else people[-1]
        side_text = (match.group("side") or "").strip()
        side = next(iter(ctx.countries_in(sentence.start + match.start(), sentence.start + match.end())), None)
        event = _context_event(ctx, sentence.start + match.start())
        modal = match.group("modal")
        past = re.search(r"\b(?:led|headed|was)\b", modal) and not re.search(r"\bwill\b", modal)
        status = "took-part" if past else "expected"
        span = (min(sentence.start + match.start(), leader.start), max(sentence.start + match.end(), leader.end))
        fields = {"event": event, "participant": leader.key, "role": "head-of-delegation", "status": status,
                  "on_behalf_of": side}
        unsure = "" if event else "no talks event named before: set `event`"
        ctx.add(DraftFact("participation", fields, [(sentence.start, sentence.end)] if span[1] - span[0] < 12 else [span],
                          f"{leader.text!r} leads the {side_text + ' ' if side_text else ''}delegation", unsure=unsure))
        group = next((m for m in ctx.mentions_in(sentence.start + match.start(), sentence.start + match.end(), "group")), None)
        if group and event:
            # A registry delegation is one event's; whether it is this event's the registry cannot say.
            ctx.add(DraftFact("participation", {"event": event, "participant": group.key, "role": "delegation",
                                                "status": status, "on_behalf_of": side},
                              [(group.start, group.end)], "the delegation itself",
                              unsure=f"check that `{group.key}` is the delegation to this event"))
        return


def hosts_and_senders(ctx: Context, sentence) -> None:
    body = sentence.text
    people = ctx.any_mentions_in(sentence.start, sentence.end, "person")
    received = re.search(r"\b(?:were|was|will be) received by\b", body)
    if received:
        host = next((m for m in people if m.start >= sentence.start + received.end()), None)
        event = _context_event(ctx, sentence.start)
        if host and event:
            # "They were received by P": the subject, a pronoun or a short phrase, belongs in the quote.
            start = sentence.start if len(body[:received.start()].split()) <= 3 else sentence.start + received.start()
            ctx.add(DraftFact("participation", {"event": event, "participant": host.key, "role": "host",
                                                "status": "expected" if "will" in received.group() else "took-part"},
                              [(start, host.end)], f"received by {host.text!r}"))
    sent = re.search(r"\b(?:has|have|had)? ?sent\b", body)
    if sent:
        at = sentence.start + sent.start()
        senders = [m for m in ctx.mentions_in(sentence.start, at, "organization", "country") if not m.weak]
        delegates = [m for m in people if m.start > at]
        event = next((m.key for m in ctx.mentions_in(at, sentence.end, "event") if m.subtype in ROUND_SUBTYPES), None) \
            or _context_event(ctx, sentence.end)
        if event and senders:
            ctx.add(DraftFact("participation", {"event": event, "participant": senders[-1].key, "role": "sender",
                                                "status": "took-part"}, [(sentence.start, sentence.end)],
                              f"{senders[-1].text!r} sent delegates"))
        for person in delegates if event else []:
            ctx.add(DraftFact("participation", {"event": event, "participant": person.key, "role": "delegation-member",
                                                "status": "took-part"}, [(sentence.start, sentence.end)],
                              f"{person.text!r} was sent"))
    meet_with = re.search(r"\b(?:expected to |due to |will )?meet with\b", body)
    if meet_with:
        counterpart = next((m for m in ctx.mentions_in(sentence.start + meet_with.end(), sentence.end, "group", "organization")
                            if m.start - (sentence.start + meet_with.end()) <= 2), None)
        event = _context_event(ctx, sentence.start)
        if counterpart and event:
            future = bool(_future(meet_with.group()))
            ctx.add(DraftFact("participation", {"event": event, "participant": counterpart.key, "role": "counterpart",
                                                "status": "expected" if future else "took-part"},
                              [(sentence.start, sentence.end)], f"{counterpart.text!r} meets the delegation"))
