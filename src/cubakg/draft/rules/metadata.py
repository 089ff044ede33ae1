"""Article metadata: headline, sections, dateline, byline, publisher, related links, video.

These are lines of their own: a headline is a first line without a full stop; a
section is a later short title-case line; "READ MORE: …" is a related link;
"WATCH: TITLE - OUTLET" a video; "Written by: NAME" / "By NAME" a byline;
"HAVANA, April 18th" / "WASHINGTON, Nov 3 (Reuters) -" a dateline.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from cubakg import resolve
from cubakg.draft.context import Context, slug
from cubakg.draft.model import DraftFact

RELATED = re.compile(r"^(READ MORE|READ NEXT|RELATED|ALSO READ|SEE ALSO|MORE ON THIS|RECOMMENDED)\s*:\s*(\S.*)$", re.I)
VIDEO = re.compile(r"^(?:WATCH|VIDEO)\s*:\s*(\S.*?)\s+[-–—|]\s+(\S.*?)\s*$", re.I)
BYLINE = re.compile(r"^(?:Written by|By|Reporting by|Story by|Author)\s*:?\s+([A-Z]\S.*?)\s*[.;]?$")
OWNER = re.compile(r"(?:This (?:article|story|report) is (?:owned|published) by|Published by|©\s*(?:\d{4}\s+)?|Copyright\s+(?:\d{4}\s+)?)\s*(.+?)\s*\.?$", re.I)
_MONTH = "|".join(sorted([*calendar.month_name[1:], *(m + r"\.?" for m in calendar.month_abbr[1:])], key=len, reverse=True))
DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+)*(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)*)?)"
    rf"(?:,? (?P<date>(?:{_MONTH}) \d{{1,2}}(?:st|nd|rd|th)?(?:,? (?P<year>(?:19|20)\d\d))?))?"
    rf"(?:\s*\((?P<credit>[A-Za-z .]+)\))?(?=\s*[-–—:]|\s{{2,}}|\s+[A-Z])"
)
SENTENCE_END = re.compile(r"[.!?…][\"”’)]*$")


def draft(ctx: Context) -> None:
    lines = ctx.article.lines
    headline(ctx)
    for index, line in enumerate(lines):
        if related_link(ctx, line) or video(ctx, line) or byline(ctx, line) or publisher(ctx, line):
            continue
        if index > 0 and is_heading(line.text) and not _same_as_headline(ctx, line):
            ctx.add(DraftFact("section", {"title": line.text}, [(line.start, line.end)], "a short title-case line of its own"))
    dateline(ctx)


def is_heading(text: str) -> bool:
    """A title-like line: no full stop at the end, short, mostly capitalised words."""
    words = re.findall(r"[A-Za-z][\w’'.-]*", text)
    if not words or len(words) > 16 or SENTENCE_END.search(text) or ":" in text[:12]:
        return False
    capitalised = sum(w[0].isupper() for w in words if w.lower() not in ("a", "an", "the", "of", "in", "on", "to", "for", "and", "with", "at", "by", "as", "amid", "over", "from"))
    return capitalised >= 0.6 * len(words) or (len(words) >= 4 and not SENTENCE_END.search(text))


def headline(ctx: Context) -> None:
    first = ctx.article.lines[0]
    if len(ctx.article.lines) < 2 or SENTENCE_END.search(first.text) or len(first.text.split()) > 25:
        return
    if DATELINE.match(first.text) and first.text == first.text.upper():
        return
    repeats = [line for line in ctx.article.lines if line.text == first.text]
    spans = [(line.start, line.end) for line in repeats]
    why = "the first line, without a full stop" + (f" (repeated {len(repeats)} times)" if len(repeats) > 1 else "")
    ctx.add(DraftFact("headline", {"text": first.text}, spans, why))


def _same_as_headline(ctx: Context, line) -> bool:
    return any(f.kind == "headline" and f.fields["text"] == line.text for f in ctx.facts)


def related_link(ctx: Context, line) -> bool:
    match = RELATED.match(line.text)
    if not match:
        return False
    relation = "read-next" if "next" in match.group(1).lower() else "read-more"
    ctx.add(DraftFact("related-link", {"relation": relation, "title": match.group(2).strip()},
                      [(line.start, line.end)], f"a {match.group(1)!r} line"))
    return True


def video(ctx: Context, line) -> bool:
    match = VIDEO.match(line.text)
    if not match:
        return False
    title, outlet_text = match.group(1), match.group(2)
    outlet = _agent(ctx, line.start + match.start(2), line.start + match.end(2), outlet_text, "outlet")
    ctx.add(DraftFact("video", {"title": title, "publisher": outlet}, [(line.start, line.end)], "a 'WATCH: TITLE - OUTLET' line"))
    return True


def byline(ctx: Context, line) -> bool:
    match = BYLINE.match(line.text)
    if not match or len(match.group(1).split()) > 8:
        return False
    names = re.split(r"\s*(?:,|\band\b)\s*", re.split(r"\s*;", match.group(1))[0])  # not "; Editing by …"
    offset = line.start + match.start(1)
    for name in filter(None, names):
        start = ctx.text.index(name, offset)
        person = _agent(ctx, start, start + len(name), name, "person")
        ctx.add(DraftFact("author", {"author": person}, [(line.start, line.end)], "a byline"))
    return True


def publisher(ctx: Context, line) -> bool:
    match = OWNER.match(line.text)
    if not match or len(match.group(1).split()) > 6:
        return False
    outlet = _agent(ctx, line.start + match.start(1), line.start + match.end(1), match.group(1), "outlet")
    ctx.add(DraftFact("publisher", {"publisher": outlet}, [(line.start, line.end)], "an ownership or copyright line"))
    return True


def _agent(ctx: Context, start: int, end: int, name: str, kind: str) -> str:
    """The registry key of the outlet or person named at text[start:end], or a proposal."""
    found = [m for m in ctx.mentions_in(start, end) if m.type in (kind, "organization")]
    if found:
        return found[0].key
    return ctx.propose(slug(name), {"type": kind, "label": name, "aliases": [name]}, (start, end),
                       f"the {kind} {name!r}, not in the registry")


# --- dateline -------------------------------------------------------------------------


def dateline(ctx: Context) -> None:
    for line in ctx.article.lines[:4]:
        match = DATELINE.match(line.text)
        if not match or len(match.group("place")) < 3 or not any(c.isalpha() for c in match.group("place")):
            continue
        place_text = match.group("place").split(",")[0]
        if place_text.upper() != place_text or place_text in ("READ MORE", "WATCH"):
            continue
        _dateline_fact(ctx, line, match, place_text)
        return


def _dateline_fact(ctx: Context, line, match, place_text: str) -> None:
    start = line.start
    end = line.start + (match.end("date") if match.group("date") else match.end("place"))
    as_written = ctx.text[start:end]
    found = [m.key for m in ctx.mentions_in(start, start + len(place_text)) if m.type in ("place", "country")]
    # Datelines are in capitals: "WASHINGTON" is the registry's "Washington".
    found += [key for key, entity in sorted(ctx.registry.entities.items()) if entity.type in ("place", "country")
              and place_text.lower() in {entity.label.lower(), *(a.lower() for a in entity.forms)}]
    place = found[0] if found else ctx.propose(
        slug(place_text), {"type": "place", "subtype": "city", "label": place_text.title(), "aliases": [place_text]},
        (start, start + len(place_text)), f"the dateline's place {place_text!r}, not in the registry")
    fields: dict = {"as_written": as_written, "place": place}
    spans = [(start, end)]
    why = "a dateline: PLACE, Month Day"
    if match.group("date"):
        parsed = resolve.parse_expression(re.sub(r"\.(?= )", "", match.group("date")))
        year, derivation, extra = _dateline_year(ctx, match.group("date"), parsed)
        if year and parsed.month and parsed.day:
            try:
                ctx.dateline = dt.date(year, parsed.month, parsed.day)
            except ValueError:
                ctx.dateline = None
            if ctx.dateline:
                fields["date"] = ctx.dateline.isoformat()
                fields["derivation"] = derivation
                spans += extra
        else:
            ctx.notes.append(f"the dateline {as_written!r} gives no year and the text does not fix one: "
                             "times are anchored on nothing (give the publication date to fix the year)")
    if match.group("credit"):
        credit_start = line.start + match.start("credit")
        outlets = ctx.mentions_in(credit_start, line.start + match.end("credit"), "outlet")
        if outlets:
            ctx.add(DraftFact("publisher", {"publisher": outlets[0].key}, [(line.start, line.start + match.end())],
                              "the agency credit of the dateline"))
    ctx.add(DraftFact("dateline", fields, spans, why))


def _dateline_year(ctx: Context, date_text: str, parsed) -> tuple[int | None, str, list]:
    """The dateline's year, how it is known, and the evidence that fixes it."""
    if parsed.year:
        return parsed.year, f"The dateline gives the full date, {date_text!r}.", []
    inferred = _year_from_text(ctx)
    if inferred:
        year, derivation, spans = inferred
        return year, f"The dateline gives {date_text!r} without a year. {derivation}", spans
    if ctx.published:
        year = ctx.published.year
        if (parsed.month, parsed.day or 1) > (ctx.published.month, ctx.published.day):
            year -= 1  # a dateline is never after the publication
        return year, (f"The dateline gives {date_text!r} without a year; the article was published on "
                      f"{ctx.published.isoformat()} (article.source.published), so it is {year}."), []
    return None, "", []


def _year_from_text(ctx: Context):
    """"took office last year" and "took office in January 2021" fix the article's year: 2022.

    The same words before "last year" and before an explicit year name the same
    event, so the article was written the year after.
    """
    text = ctx.text
    for relative in re.finditer(r"\b((?:\w+ ){1,3})(last year|this year)\b", text):
        predicate = relative.group(1).strip()
        words = predicate.split()
        for size in range(len(words), 0, -1):
            tail = " ".join(words[-size:])
            if tail.lower() in ("in", "the", "of", "and", "since", "for"):
                continue
            explicit = re.search(rf"\b{re.escape(tail)} (?:in )?(?:(?:{_MONTH}) )?((?:19|20)\d\d)\b", text)
            if explicit:
                stated = int(explicit.group(1))
                year = stated + 1 if relative.group(2) == "last year" else stated
                derivation = (f"The article says {tail!r} {relative.group(2)!r} and {explicit.group(0)!r}, "
                              f"so {relative.group(2)!r} is {stated} and the article was written in {year}.")
                return year, derivation, [(relative.start(1) + relative.group(1).find(tail), relative.end(2)),
                                          (explicit.start(), explicit.end())]
    return None
