"""What a draft holds: facts with their evidence spans, registry proposals, notes.

A `DraftFact` is one fact of the sheet in the making: its kind, its fields in the
order `docs/fact-sheets.md` lists them, and its evidence as offsets into the
article. A fact that names a proposed (not yet registered) entity, or that the
drafter is unsure of, is written commented out, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cubakg.anchor import occurrences


@dataclass
class DraftFact:
    kind: str
    fields: dict[str, Any]
    spans: list[tuple[int, int]]
    why: str = ""  # which rule drafted it, shown as a comment
    unsure: str = ""  # set: written commented out, with this reason
    needs: set[str] = field(default_factory=set)  # proposed keys it names
    id: str = ""

    @property
    def start(self) -> int:
        return min(start for start, _ in self.spans)

    @property
    def active(self) -> bool:
        return not self.unsure and not self.needs

    def keys(self) -> list[str]:
        """Every key among the fields (flat)."""
        found = []
        for value in self.fields.values():
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, list):
                found.extend(v for v in value if isinstance(v, str))
        return found


@dataclass
class Proposal:
    """A new registry entry the article calls for, never added silently."""

    key: str
    entry: dict[str, Any]
    span: tuple[int, int]
    why: str


@dataclass
class Draft:
    article_id: str
    text: str
    header: dict[str, Any]
    facts: list[DraftFact]
    proposals: list[Proposal]
    notes: list[str]  # sheet-level comments (how the year was found, …)

    def active_spans(self) -> list[tuple[int, int]]:
        return [span for fact in self.facts if fact.active for span in fact.spans]


def quote_for(text: str, start: int, end: int) -> str | dict[str, Any]:
    """The evidence entry for text[start:end]: the quote, with `occurrence` when it repeats.

    >>> quote_for("a b a b", 4, 7)
    {'quote': 'a b', 'occurrence': 2}
    """
    quote = text[start:end]
    found = occurrences(text, quote)
    if len(found) == 1:
        return quote
    return {"quote": quote, "occurrence": found.index(start) + 1}


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without surrounding spaces."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
