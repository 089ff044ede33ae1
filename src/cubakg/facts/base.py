"""What every fact kind shares: evidence, time expressions, and the declarations
each kind module makes about itself.

A kind is one pydantic model in its own module (`cubakg/facts/<kind>.py`) that
declares everything about the kind in one place:

- its fields (the sheet's YAML keys, checked by pydantic);
- `references`: which registry entries each key field may name (entity types, or
  `scheme:NAME` for a concept of a scheme);
- `fact_references`: fields naming other facts of the same sheet (one id or a list),
  and the kinds those facts may be;
- `time_slots`: fields holding a `TimeSpec` (an instant, or an interval with what the
  text fixes of its bounds), resolved by the resolve stage;
- `verbatim`: fields whose value is as written, so must occur inside the fact's own evidence;
- `describes`: the node the fact's triples describe — `"fact"` (an n-ary fact node of its
  own), `"article"`, `"article-part"`, or the name of a key field (the entity the
  fact describes);
- `emit(out)`: the triples, written through `cubakg.emit.FactWriter`.

Adding a kind means adding one module here (listed in `cubakg.facts.KINDS`), plus
its terms in the ontology and its shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from cubakg.emit import FactWriter

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Key = Annotated[str, Field(pattern=SLUG, description="a registry key")]
FactId = Annotated[str, Field(pattern=SLUG, description="unique within a sheet")]

# Registry types a field may name.
AGENTS = ("person", "group", "organization", "outlet", "country")
PLACES = ("place", "country")
ANY = ("*",)
# An ISO 8601 duration in whole years, months or days ("P4Y", "P1Y6M"): what news copy writes.
DURATION = r"^P(\d+Y(\d+M)?(\d+D)?|\d+M(\d+D)?|\d+D)$"
# Registry types a period (`within`) may name: something with a time of its own.
PERIODS = ("event", "organization")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quote(Strict):
    """A verbatim quote; `occurrence` (1-based) picks one when it occurs more than once."""

    quote: Annotated[str, Field(min_length=1)]
    occurrence: Annotated[int, Field(ge=1)] | None = None


class EventOffset(Strict):
    """Anchor a time on another event's date, shifted by whole days."""

    event: Key
    offset_days: int = 0


class ExplicitParts(Strict):
    """What a time expression may say beside its words: the events it comes after or
    before, and explicit parts for what the resolver cannot read, with a `derivation`."""

    after: Key | None = None
    before: Key | None = None
    year: int | None = None
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    day: Annotated[int, Field(ge=1, le=31)] | None = None
    derivation: str | None = None

    @model_validator(mode="after")
    def _explicit_parts_need_derivation(self):
        if (self.year or self.month or self.day) and not self.derivation:
            raise ValueError("explicit year/month/day need a `derivation` saying how the text fixes them")
        return self


class Bound(ExplicitParts):
    """One end of an interval, as far as the text fixes it.

    `at`: the end is the moment of that event (its date, where this sheet's own event
    fact fixes it, gives the end's parts). `within`: the end lies somewhere in the time
    of that event or administration ("since the Trump administration"). `after` /
    `before`: the end comes after / before that event. `text`: the end's own words,
    read like a `TimeSpec`'s (anchored on the dateline unless `anchor: none`). Explicit
    `year`/`month`/`day` need a `derivation`. A bound may say nothing but its link.
    """

    text: Annotated[str, Field(min_length=1)] | None = None
    anchor: Literal["dateline", "none"] = "dateline"
    direction: Literal["past", "future"] = "past"
    at: Key | None = None
    within: Key | None = None


class TimeSpec(ExplicitParts):
    """A time as the text says it, resolved by `cubakg.resolve`.

    `text` is the expression as written ("on Thursday", "in February", "last month").
    `anchor` is what it is relative to: the article's dateline, another event, or
    nothing (the text gives no reference point). `direction` tells whether an
    expression without a year points back (past) or forward (future) from the anchor.
    Explicit parts (`year`, `month`, `day`) are only for expressions the resolver
    cannot read, and need a `derivation` saying how the text fixes them.

    With `begins`, `ends`, `duration` or `within` the time is an interval
    (`time:ProperInterval`): "a four-year hiatus" is `duration: P4Y` with the `ends`
    the text fixes; "during Biden's first year in office" `begins: {at: biden-takes-office}`
    and `duration: P1Y`. A bound the text leaves open but the duration and the other
    bound fix is computed, to the precision of the other bound. `text` is then the
    interval's words, not read as a date.
    """

    text: Annotated[str, Field(min_length=1)]
    anchor: Literal["dateline", "none"] | EventOffset = "dateline"
    direction: Literal["past", "future"] = "past"
    begins: Bound | None = None
    ends: Bound | None = None
    duration: Annotated[str, Field(pattern=DURATION)] | None = None
    within: Key | None = None

    @model_validator(mode="after")
    def _an_interval_is_given_by_its_bounds(self) -> "TimeSpec":
        if self.is_interval and (self.year or self.month or self.day or self.after or self.before
                                 or isinstance(self.anchor, EventOffset)):
            raise ValueError("an interval (begins/ends/duration/within) gives its parts on `begins` and `ends`, "
                             "not on the interval itself")
        return self

    @property
    def is_interval(self) -> bool:
        return any(v is not None for v in (self.begins, self.ends, self.duration, self.within))

    def bounds(self) -> list[tuple[str, Bound]]:
        return [(name, bound) for name, bound in (("begins", self.begins), ("ends", self.ends)) if bound is not None]

    def event_keys(self) -> list[str]:
        """The events this time refers to (after, before, anchor, and its bounds' at/after/before)."""
        anchored = self.anchor.event if isinstance(self.anchor, EventOffset) else None
        keys = [key for key in (self.after, self.before, anchored) if key]
        for _name, bound in self.bounds():
            keys += [key for key in (bound.at, bound.after, bound.before) if key]
        return keys

    def period_keys(self) -> list[str]:
        """The things (events, administrations) within whose time this time or a bound of it lies."""
        return [key for key in (self.within, *(b.within for _n, b in self.bounds())) if key]

    def texts(self) -> list[str]:
        """Every expression as written: the time's own and its bounds'."""
        return [self.text, *(b.text for _n, b in self.bounds() if b.text)]


class Outside(Strict):
    """Marks a fact as taken from outside the articles, with its basis."""

    basis: Annotated[str, Field(min_length=10)]


class FactBase(Strict):
    """Fields every fact has; see the module docstring for the declarations."""

    id: FactId
    evidence: Annotated[list[Quote | str], Field(min_length=1)]
    summary: str | None = None
    reported_by: Key | None = None
    outside: Outside | None = None

    describes: ClassVar[str] = "fact"
    references: ClassVar[dict[str, tuple[str, ...]]] = {}
    fact_references: ClassVar[dict[str, tuple[str, ...]]] = {}
    time_slots: ClassVar[tuple[str, ...]] = ()
    verbatim: ClassVar[tuple[str, ...]] = ()
    # Every fact may say who the article attributes it to.
    common_references: ClassVar[dict[str, tuple[str, ...]]] = {"reported_by": AGENTS}

    def quotes(self) -> list[Quote]:
        return [q if isinstance(q, Quote) else Quote(quote=q) for q in self.evidence]

    @classmethod
    def all_references(cls) -> dict[str, tuple[str, ...]]:
        return {**cls.common_references, **cls.references}

    def fact_ids(self):
        """(field, position in a list or None, fact id) of every other fact this fact names."""
        for name in self.fact_references:
            value = getattr(self, name)
            if isinstance(value, list):
                yield from ((name, index, fact_id) for index, fact_id in enumerate(value))
            elif value is not None:
                yield name, None, value

    def keys(self):
        """(field, position in a list or None, key) of every registry key the fact names."""
        for name in self.all_references():
            value = getattr(self, name)
            if isinstance(value, list):
                yield from ((name, index, key) for index, key in enumerate(value))
            elif value is not None:
                yield name, None, value

    def emit(self, out: "FactWriter") -> None:
        raise NotImplementedError
