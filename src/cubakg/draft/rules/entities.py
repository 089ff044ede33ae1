"""Every other mention of a registry organisation or event becomes a fact of its own,
and names the registry lacks become proposals.

- an organisation named with its country ("the US government", "the Cuban
  government") is an `organization` fact with that country; an administration named
  after a person ("the Biden administration") is headed by that person;
- an event named by its alias is an `event` fact, with the place its alias or
  the words after it give ("a conference on migration in Panama"); a generic alias
  ("took office", "the meeting") counts only right after its agent ("Biden took
  office"), or after the event was named in full; otherwise it is a suggestion;
- a capitalised name ending in an organisation word ("the U.S. Coast Guard") or
  an agreement word ("the 1994 Migration Accords") the registry lacks is proposed.
"""

from __future__ import annotations

import re

from cubakg.draft.context import Context, slug
from cubakg.draft.model import DraftFact

AGENTS = ("person", "country", "organization", "group")
ORG_HEADS = ("Guard", "Department", "Ministry", "Agency", "Service", "Services", "Bureau", "Office", "Commission",
             "Embassy", "Council", "Patrol", "Protection", "Institute", "Committee", "Foundation", "Court", "Navy")
AGREEMENT_HEADS = ("Accord", "Accords", "Agreement", "Treaty", "Pact", "Protocol")
_CAP = r"(?:[A-Z][\w.’'-]*|of|for|and|on)"
NAME = re.compile(rf"\b(?:[A-Z][\w.’'-]*\s+)(?:{_CAP}\s+){{0,5}}?(?P<head>{'|'.join(ORG_HEADS + AGREEMENT_HEADS)})\b")


def draft(ctx: Context) -> None:
    organisations(ctx)
    events(ctx)


def organisations(ctx: Context) -> None:
    drafted: dict[str, DraftFact] = {}
    for m in ctx.any_mentions_in(0, len(ctx.text), "organization"):
        fact = drafted.get(m.key)
        if fact is None:
            fields = {"org": m.key}
            inner = ctx.lexicon.inside(m.text)
            country = next((k for k, t in inner if t == "country"), None)
            head = next((k for k, t in inner if t == "person"), None)
            if country:
                fields["country"] = country
            if head and m.subtype == "administration":
                fields["headed_by"] = head
            drafted[m.key] = ctx.add(DraftFact("organization", fields, [(m.start, m.end)], f"the organisation {m.text!r}",
                                               unsure=f"only the generic alias {m.text!r}" if m.weak else ""))
        elif not m.weak and len(fact.spans) < 3:
            fact.spans.append((m.start, m.end))
            fact.unsure = ""


def events(ctx: Context) -> None:
    drafted: dict[str, DraftFact] = {}
    for m in ctx.any_mentions_in(0, len(ctx.text), "event"):
        if any(f.kind == "event" and f.fields.get("event") == m.key and any(s <= m.start < e for s, e in f.spans)
               for f in ctx.facts):
            continue
        agent = _agent_before(ctx, m)
        weak = m.weak and not agent
        agent = agent or _agent_after(ctx, m)
        span = ctx.sentence_span(m.start)
        fact = drafted.get(m.key)
        if fact is None:
            series = "series" in (m.subtype or "")  # a series of talks has no one place
            fields = {"event": m.key, "place": None if series else _place(ctx, m), "agents": [agent] if agent else []}
            why = f"the event {m.text!r}" + (f", done by {ctx.label(agent)}" if agent else "")
            drafted[m.key] = ctx.add(DraftFact("event", fields, [span], why,
                                               unsure=f"only the generic alias {m.text!r}" if weak else ""))
        elif span not in fact.spans:
            fact.spans.append(span)
            if not weak:
                fact.unsure = ""
            if agent and agent not in fact.fields["agents"]:
                fact.fields["agents"].append(agent)
            if "series" not in (m.subtype or ""):
                fact.fields["place"] = fact.fields["place"] or _place(ctx, m)


def _agent_after(ctx: Context, m) -> str | None:
    """The agent of a relative clause after the event: "a rapprochement that his predecessor Barack Obama oversaw"."""
    for agent in ctx.any_mentions_in(m.end, m.end + 80, *AGENTS):
        if agent.weak:
            continue
        between = ctx.text[m.end:agent.start]
        if re.fullmatch(r"\s+(?:that|which)\s+(?:[\w’'-]+\s+){0,3}", between) and re.match(
                r"\s+(?:\w+ed|oversaw|led|began|brought|signed|won)\b", ctx.text[agent.end:agent.end + 20]):
            return agent.key
    return None


def _agent_before(ctx: Context, m) -> str | None:
    """The agent right before an alias that starts with a verb: "Biden took office"."""
    if not re.match(r"[a-z]+ed\b|took\b|began\b|held\b|undone\b", m.text):
        return None
    before = [a for a in ctx.any_mentions_in(max(0, m.start - 60), m.start, *AGENTS) if not a.weak]
    if before and re.fullmatch(r"\s*(?:has |had |have )?", ctx.text[before[-1].end:m.start]):
        return before[-1].key
    return None


def _place(ctx: Context, m) -> str | None:
    inside = ctx.any_mentions_in(m.start, m.end, "place", "country")
    if inside and re.search(r"\bin\s+$", ctx.text[m.start:inside[-1].start]):
        return inside[-1].key
    after = next(iter(ctx.any_mentions_in(m.end, m.end + 40, "place")), None)
    if after and re.fullmatch(r"\s+in\s+", ctx.text[m.end:after.start]):
        return after.key
    return None


def propose_names(ctx: Context) -> None:
    """Organisations and agreements the registry lacks: proposed, and mentioned from here on."""
    from cubakg.draft.lexicon import Mention

    known = [(m.start, m.end) for m in ctx.mentions if m.type != "country"]
    added = []
    for match in NAME.finditer(ctx.text):
        start, end = match.span()
        words = match.group()
        line = ctx.article.line_at(start)
        if line is None or any(s < end and start < e for s, e in known) or "\n" in words:
            continue
        if line.text.count(" ") < 6 or re.match(r"^(?:READ|WATCH)", line.text):
            continue  # a heading or a link: title case is no name there
        words = re.sub(r"^(?:The|A|An|This|That)\s+", "", words)
        start = end - len(words)
        countries = [m for m in ctx.mentions_in(start, end, "country")]
        bare = words[countries[0].end - start:].strip() if countries and countries[0].start == start else words
        agreement = match.group("head") in AGREEMENT_HEADS
        kind = "policy" if agreement else "organization"
        entry = {"type": kind, "label": words, "aliases": sorted({words, bare})}
        if agreement:
            entry["subtype"] = "agreement"
        key = ctx.propose(slug(bare), entry, (start, end), f"the {'agreement' if agreement else 'organisation'} {words!r}")
        for form in entry["aliases"]:
            for found in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", ctx.text):
                span = ctx.article.doc.char_span(found.start(), found.end())
                if span is not None and not any(m.start <= found.start() < m.end for m in added):
                    added.append(Mention(found.start(), found.end(), key, kind, None, form, span.start, span.end, False))
    overlapping = [(m.start, m.end) for m in added]
    ctx.mentions = sorted([m for m in ctx.mentions if not any(s <= m.start and m.end <= e for s, e in overlapping)] + added,
                          key=lambda m: m.start)
