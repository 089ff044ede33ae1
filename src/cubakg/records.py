"""The typed records the pipeline hands from stage to stage.

One `FactRecord` per fact and one `ArticleRecord` per article. Each stage returns
new records with its part filled in (records are frozen):

    read     LoadedSheet (sheet, text, where each value came from)
    anchor   FactRecord.spans, ArticleRecord.gaps
    resolve  FactRecord.times, FactRecord.figure, ArticleRecord.dateline
    mint     FactRecord.iri / .evidence / .time_nodes / .graph, ArticleRecord.iri / .graph
    emit     quads (cubakg.terms.Quad)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cubakg.errors import Location

if TYPE_CHECKING:
    from cubakg.coverage import Gap
    from cubakg.facts.base import FactBase
    from cubakg.read import LoadedSheet


@dataclass(frozen=True, order=True)
class Span:
    """A verbatim piece of an article with its Web Annotation selectors' values."""

    article_id: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Figure:
    """A number as written and as a value."""

    as_written: str
    value: int
    approximate: bool


@dataclass(frozen=True)
class ResolvedTime:
    """A time as written, what it is anchored on, and the parts the text fixes."""

    as_written: str
    anchor: str | None  # "dateline", "event" or None
    anchor_event: str | None = None
    offset_days: int = 0
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday
    after: str | None = None
    before: str | None = None
    derivation: str | None = None

    @property
    def date(self) -> dt.date | None:
        if self.year and self.month and self.day:
            return dt.date(self.year, self.month, self.day)
        return None

    @property
    def unit(self) -> str:
        """The OWL-Time unit of the finest part known."""
        if self.day is not None or self.weekday is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def fixes_nothing(self) -> bool:
        return all(part is None for part in (self.year, self.month, self.day, self.weekday))

    within: str | None = None  # the event or administration within whose time it lies


@dataclass(frozen=True)
class Duration:
    """A length of time in whole years, months and days, as an ISO 8601 duration says."""

    iso: str  # "P4Y"
    years: int = 0
    months: int = 0
    days: int = 0


@dataclass(frozen=True)
class ResolvedInterval:
    """An interval as written, with what the text fixes of its bounds and its length."""

    as_written: str
    begins: ResolvedTime | None = None
    ends: ResolvedTime | None = None
    duration: Duration | None = None
    within: str | None = None


@dataclass(frozen=True)
class FactRecord:
    """One fact of a sheet, and what each stage learnt of it."""

    sheet: "LoadedSheet"
    position: int  # index in the sheet's `facts`
    fact: "FactBase"
    spans: tuple[Span, ...] = ()
    times: dict[str, ResolvedTime | ResolvedInterval] = field(default_factory=dict)  # slot → resolved time
    figure: Figure | None = None
    iri: str = ""  # the node the fact describes
    evidence: tuple[str, ...] = ()  # an IRI per span
    time_nodes: dict[str, str] = field(default_factory=dict)  # slot → IRI
    graph: str = ""  # the named graph its triples go to

    @property
    def article_id(self) -> str:
        return self.sheet.article_id

    def location(self, *keys: str | int) -> Location:
        return self.sheet.source.location("facts", self.position, *keys)


@dataclass(frozen=True)
class ArticleRecord:
    """One article: its sheet, its facts, and the article-wide results of the stages."""

    sheet: "LoadedSheet"
    facts: tuple[FactRecord, ...]
    gaps: tuple["Gap", ...] = ()  # sentences with words no evidence covers
    dateline: dt.date | None = None
    iri: str = ""
    graph: str = ""

    @property
    def id(self) -> str:
        return self.sheet.article_id

    @property
    def text(self) -> str:
        return self.sheet.text

    @property
    def draft(self) -> bool:
        return self.sheet.sheet.article.draft
