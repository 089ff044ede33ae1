"""Time expressions as news copy writes them, read and resolved by the resolve stage.

The finder only says where an expression is and how far it reaches ("on
Thursday", "back in April", "last month", "four-year hiatus"); reading it is
`cubakg.resolve.parse_expression`'s job and resolving it against the dateline is
`cubakg.resolve.resolve_time`'s, so a draft resolves exactly as the build will.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from cubakg import resolve
from cubakg.errors import CubakgError, Location
from cubakg.facts.base import TimeSpec
from cubakg.records import ResolvedTime

_MONTHS = "|".join(sorted({*calendar.month_name[1:], *(m + r"\.?" for m in calendar.month_abbr[1:] if m != "May")},
                          key=len, reverse=True))
_DAYS = "|".join(calendar.day_name)
MONTH_NAMES = set(calendar.month_name[1:]) | set(calendar.day_name)  # capitalised words that are times, not places
_NUMBER_WORDS = r"(?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d+)"
_LEAD = r"(?:(?:just |back |early |late |earlier )?(?:on|in|since|by|during|from|until|before|after) )?"

PATTERNS = [
    ("date", rf"{_LEAD}(?:{_MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?(?:,? (?:19|20)\d\d)?(?![\d,]\d)"),
    ("month", rf"{_LEAD}(?:{_MONTHS})(?:,? (?:19|20)\d\d)?\b"),
    ("weekday", rf"{_LEAD}(?:{_DAYS})(?:’s|'s)?\b"),
    ("year", rf"{_LEAD}(?:19|20)\d\d\b(?![,.]?\d)"),
    ("relative", r"\b(?:(?:[Ee]arlier|[Ll]ater) )?(?:[Ll]ast|[Tt]his|[Nn]ext) (?:week|month|year)\b|\b(?:[Cc]urrently|[Tt]oday|[Yy]esterday|[Tt]omorrow)\b"),
    ("duration", rf"\b{_NUMBER_WORDS}[- ](?:day|week|month|year|decade)s?[- ](?:hiatus|break|gap|pause|absence|freeze|suspension|ago|later|earlier)\b"),
]
_FINDER = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in PATTERNS))
# Words that put an undated expression in the future of the article.
FUTURE = re.compile(r"\b(?:will|due to|plans? to|planned|expected to|scheduled|set to|to hold|to resume|next|upcoming|are to|is to)\b", re.I)


@dataclass(frozen=True)
class TimeExpression:
    start: int
    end: int
    text: str
    shape: str  # date, month, weekday, year, relative, duration

    @property
    def readable(self) -> bool:
        """Whether the resolve stage reads it (durations and "next week" it does not)."""
        try:
            resolve.parse_expression(self.text)
        except ValueError:
            return False
        return True

    @property
    def relative(self) -> bool:
        return self.shape in ("relative", "weekday") or (self.shape in ("month", "date") and not re.search(r"\d{4}", self.text))


def find(text: str, start: int = 0, end: int | None = None) -> list[TimeExpression]:
    """Every time expression in text[start:end].

    >>> [t.text for t in find("They met on Thursday, after a four-year hiatus, in January 2021.")]
    ['on Thursday', 'four-year hiatus', 'in January 2021']
    """
    found = []
    for match in _FINDER.finditer(text, start, len(text) if end is None else end):
        words = match.group()
        if match.lastgroup == "month" and words.split()[-1].rstrip(".") in ("May", "March") and not words[0].islower():
            continue  # "May" and "March" alone are too often a verb or a name
        found.append(TimeExpression(match.start(), match.end(), words, match.lastgroup))
    return found


def direction(sentence: str) -> str:
    """"future" when the sentence speaks of what is yet to happen, else "past"."""
    return "future" if FUTURE.search(sentence) else "past"


def time_slot(expression: TimeExpression, sentence: str, dateline: dt.date | None) -> tuple[dict | None, ResolvedTime | None, str]:
    """The `when`-style field for a fact, its resolution, and a comment.

    Returns (None, None, why) when the build could not resolve the expression:
    the drafter then suggests it in a comment instead.
    """
    if not expression.readable:
        return None, None, f"{expression.text!r}: the resolver does not read it; give year/month/day with a derivation"
    if dateline is not None:
        spec = {"text": expression.text, "anchor": "dateline", "direction": direction(sentence)}
    elif expression.relative and expression.shape not in ("weekday", "month", "date"):
        return None, None, f"{expression.text!r} is relative to the article's date, which the text does not give"
    else:
        spec = {"text": expression.text, "anchor": "none"}
    try:
        resolved = resolve.resolve_time(TimeSpec(**spec), dateline, {}, Location("draft"))
    except (CubakgError, ValueError) as error:
        return None, None, f"{expression.text!r}: {getattr(error, 'message', error)}"
    if spec.get("direction") == "past":
        del spec["direction"]  # the default
    if spec.get("anchor") == "dateline":
        del spec["anchor"]  # the default
    return spec, resolved, describe(resolved)


def describe(resolved: ResolvedTime) -> str:
    """The resolution in words: "2022-04-21", "2022-02", "a Tuesday", "2022"."""
    if resolved.date:
        return resolved.date.isoformat()
    if resolved.year and resolved.month:
        return f"{resolved.year}-{resolved.month:02d}"
    if resolved.weekday is not None and not resolved.month:
        return f"a {calendar.day_name[resolved.weekday]} (weekday only)"
    if resolved.month and resolved.day:
        return f"{calendar.month_name[resolved.month]} {resolved.day} (no year)"
    if resolved.month:
        return f"{calendar.month_name[resolved.month]} (no year)"
    return str(resolved.year) if resolved.year else "nothing the text fixes"
