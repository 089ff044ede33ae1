"""The typed form of the inputs: fact sheets and the entity registry.

These models are the contract between the people who write `seeds/*.yaml` and the
builder. `docs/fact-sheets.md` explains each field with examples; the reader
(`cubakg.read`) turns YAML into these objects and reports errors as `file:line`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

Key = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="a registry key")]
FactId = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="unique within a sheet")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- evidence and time -------------------------------------------------------


class Quote(Strict):
    """A verbatim quote; `occurrence` (1-based) picks one when it occurs more than once."""

    quote: Annotated[str, Field(min_length=1)]
    occurrence: Annotated[int, Field(ge=1)] | None = None


class EventOffset(Strict):
    """Anchor a time on another event's date, shifted by whole days."""

    event: Key
    offset_days: int = 0


class TimeSpec(Strict):
    """A time as the text says it, resolved by `cubakg.resolve`.

    `text` is the expression as written ("on Thursday", "in February", "last month").
    `anchor` is what it is relative to: the article's dateline, another event, or
    nothing (the text gives no reference point). `direction` tells whether an
    expression without a year points back (past) or forward (future) from the anchor.
    Explicit parts (`year`, `month`, `day`) are only for expressions the resolver
    cannot read, and need a `derivation` saying how the text fixes them.
    """

    text: Annotated[str, Field(min_length=1)]
    anchor: Literal["dateline", "none"] | EventOffset = "dateline"
    direction: Literal["past", "future"] = "past"
    after: Key | None = None
    before: Key | None = None
    year: int | None = None
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    day: Annotated[int, Field(ge=1, le=31)] | None = None
    derivation: str | None = None

    @model_validator(mode="after")
    def _explicit_parts_need_derivation(self) -> "TimeSpec":
        if (self.year or self.month or self.day) and not self.derivation:
            raise ValueError("explicit year/month/day need a `derivation` saying how the text fixes them")
        return self


class Outside(Strict):
    """Marks a fact as taken from outside the articles, with its basis."""

    basis: Annotated[str, Field(min_length=10)]


# --- facts -------------------------------------------------------------------


class FactBase(Strict):
    id: FactId
    evidence: Annotated[list[Quote | str], Field(min_length=1)]
    summary: str | None = None
    reported_by: Key | None = None
    outside: Outside | None = None

    def quotes(self) -> list[Quote]:
        return [q if isinstance(q, Quote) else Quote(quote=q) for q in self.evidence]


class Headline(FactBase):
    kind: Literal["headline"]
    text: str


class Publisher(FactBase):
    kind: Literal["publisher"]
    publisher: Key


class Author(FactBase):
    kind: Literal["author"]
    author: Key


class Dateline(FactBase):
    kind: Literal["dateline"]
    as_written: str
    place: Key
    date: dt.date | None = None
    derivation: str | None = None

    @model_validator(mode="after")
    def _date_needs_derivation(self) -> "Dateline":
        if self.date and not self.derivation:
            raise ValueError("a dateline `date` needs a `derivation` saying how the text fixes the year")
        return self


class Section(FactBase):
    kind: Literal["section"]
    title: str


class RelatedLink(FactBase):
    kind: Literal["related-link"]
    relation: Literal["read-more", "read-next"]
    title: str


class Video(FactBase):
    kind: Literal["video"]
    title: str
    publisher: Key | None = None


class Cites(FactBase):
    kind: Literal["cites"]
    source: Key


class Event(FactBase):
    kind: Literal["event"]
    event: Key
    status: Key | None = None
    when: TimeSpec | None = None
    ends: TimeSpec | None = None
    place: Key | None = None
    part_of: Key | None = None
    ordinal: Annotated[int, Field(ge=1)] | None = None
    follows: Key | None = None
    agents: list[Key] = []
    topics: list[Key] = []


class Participation(FactBase):
    kind: Literal["participation"]
    event: Key
    participant: Key
    role: Key
    status: Key
    on_behalf_of: Key | None = None


class PostHolding(FactBase):
    kind: Literal["post"]
    post: Key
    holder: Key
    title: str
    since: TimeSpec | None = None


class Organization(FactBase):
    kind: Literal["organization"]
    org: Key
    part_of: Key | None = None
    country: Key | None = None
    headed_by: Key | None = None


class Relation(FactBase):
    kind: Literal["relation"]
    subject: Key
    predicate: Literal["ally-of", "adversary-of"]
    object: Key


class Observation(FactBase):
    kind: Literal["observation"]
    measure: Literal["count", "rank"]
    value: str
    population: Key
    counted: Key
    area: Key
    period: TimeSpec
    source: Key | None = None
    record: str | None = None
    approximate: bool | None = None


class Trend(FactBase):
    kind: Literal["trend"]
    population: Key
    trend: Key
    area: Key | None = None
    period: TimeSpec | None = None


class Statement(FactBase):
    kind: Literal["statement"]
    speaker: Key
    mode: Literal["quote", "paraphrase"]
    quote: str | None = None
    about: list[Key] = []
    addressee: Key | None = None
    stance: Key | None = None
    when: TimeSpec | None = None

    @model_validator(mode="after")
    def _mode_needs_text(self) -> "Statement":
        if self.mode == "quote" and not self.quote:
            raise ValueError("a quoted statement needs `quote`: the speaker's exact words")
        if self.mode == "paraphrase" and not self.summary:
            raise ValueError("a paraphrased statement needs `summary`: what the speaker said, in plain words")
        return self


class PolicyChange(FactBase):
    kind: Literal["policy-change"]
    actor: Key
    change: Key
    policy: Key
    place: Key | None = None
    population: Key | None = None
    effective: TimeSpec | None = None


class Announcement(FactBase):
    kind: Literal["announcement"]
    announcer: Key
    announces: FactId
    when: TimeSpec | None = None


class Route(FactBase):
    kind: Literal["route"]
    route: Key
    population: Key
    via: list[Key] = []
    destination: Key | None = None


class Claim(FactBase):
    kind: Literal["claim"]
    about: Annotated[list[Key], Field(min_length=1)]
    summary: str


Fact = Annotated[
    Union[
        Headline, Publisher, Author, Dateline, Section, RelatedLink, Video, Cites,
        Event, Participation, PostHolding, Organization, Relation, Observation,
        Trend, Statement, PolicyChange, Announcement, Route, Claim,
    ],
    Field(discriminator="kind"),
]


class ArticleHeader(Strict):
    id: Annotated[str, Field(pattern=r"^[0-9]{3}_[0-9a-f]{16}$")]
    language: str = "en"


class FactSheet(Strict):
    article: ArticleHeader
    facts: Annotated[list[Fact], Field(min_length=1)]


# --- registry ----------------------------------------------------------------

EntityType = Literal[
    "person", "group", "organization", "country", "place", "post", "event", "policy", "outlet",
]


class Entity(Strict):
    type: EntityType
    label: str
    aliases: list[str] = []
    # Subtype within the type, e.g. "government-agency" for organizations, "talks-round" for events.
    subtype: str | None = None
    # For posts: the organization the post is in.
    post_in: Key | None = None
    description: str | None = None
    wikidata: Annotated[str, Field(pattern=r"^Q[0-9]+$")] | None = None


class Concept(Strict):
    label: str
    definition: str
    broader: Key | None = None
    aliases: list[str] = []


class ConceptScheme(Strict):
    label: str
    definition: str
    concepts: dict[Key, Concept]


class Registry(Strict):
    entities: dict[Key, Entity]
    schemes: dict[Key, ConceptScheme]
