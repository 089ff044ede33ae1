"""Every other mention of a registry organisation or event becomes a fact of its own.

An organisation named with its country ("the US government", "the Cuban
government") is an `organization` fact with that country; an administration named
after a person ("the Biden administration") is headed by that person. An event
named by its alias is an `event` fact. A generic alias ("the meeting") is only
suggested, since in a new article it may name another meeting.
"""

from __future__ import annotations

from cubakg.draft.context import Context
from cubakg.draft.model import DraftFact


def draft(ctx: Context) -> None:
    organisations: dict[str, DraftFact] = {}
    events: dict[str, DraftFact] = {}
    for m in ctx.mentions:
        if m.type == "organization":
            fact = organisations.get(m.key)
            if fact is None:
                fields = {"org": m.key}
                inner = ctx.lexicon.inside(m.text)
                country = next((k for k, t in inner if t == "country"), None)
                head = next((k for k, t in inner if t == "person"), None)
                if country:
                    fields["country"] = country
                if head and m.subtype == "administration":
                    fields["headed_by"] = head
                fact = ctx.add(DraftFact("organization", fields, [(m.start, m.end)], f"the organisation {m.text!r}",
                                         unsure=f"only the generic alias {m.text!r}" if m.weak else ""))
                organisations[m.key] = fact
            elif len(fact.spans) < 3 and not m.weak:
                fact.spans.append((m.start, m.end))
                fact.unsure = ""
        elif m.type == "event" and not any(
                f.kind == "event" and f.fields.get("event") == m.key and any(s <= m.start < e for s, e in f.spans)
                for f in ctx.facts):
            span = ctx.sentence_span(m.start)
            fact = events.get(m.key)
            if fact is None:
                fact = ctx.add(DraftFact("event", {"event": m.key}, [span], f"the event {m.text!r}",
                                         unsure=f"only the generic alias {m.text!r}" if m.weak else ""))
                events[m.key] = fact
            elif span not in fact.spans:
                fact.spans.append(span)
                if not m.weak:
                    fact.unsure = ""
