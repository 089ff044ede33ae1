"""Stage 3, resolve: turn what the text says into values, keeping both.

Times: "on Thursday" in an article datelined 2022-04-18 resolves to 2022-04-21;
"on Tuesday" in an undated article is only a weekday. Numbers: "220,000" is the
integer 220000, marked approximate because it is a round figure. Keys: every
registry key a sheet uses must exist and be of the right kind.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

from cubakg.errors import InputError, Location, Problems, locate
from cubakg.facts.base import ANY, PERIODS, Bound, EventOffset, TimeSpec
from cubakg.facts.dateline import Dateline
from cubakg.read import LoadedRegistry
from cubakg.records import ArticleRecord, Duration, FactRecord, Figure, ResolvedInterval, ResolvedTime
from cubakg.sheets import Concept, Entity

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
# News style abbreviates months in datelines and dates ("Nov. 16", "Sept. 3").
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}
_LEADING_WORDS = re.compile(r"^(?:(?:just|back|on|in|since|by|during|from|of)\s+)+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:’s|'s)$")


# --- registry index ----------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """What a key names: an entity, or a concept in a scheme."""

    key: str
    entity: Entity | None = None
    scheme: str | None = None
    concept: Concept | None = None


def index_registry(loaded: LoadedRegistry) -> dict[str, Term]:
    """Every key of the registry; keys are unique across entities and concepts."""
    index: dict[str, Term] = {key: Term(key, entity=entity) for key, entity in loaded.registry.entities.items()}
    for scheme_key, scheme in loaded.registry.schemes.items():
        for key, concept in scheme.concepts.items():
            if key in index:
                raise InputError(
                    f"key `{key}` names both a concept of `{scheme_key}` and another registry entry",
                    loaded.source.location("schemes", scheme_key, "concepts", key),
                    hint="keys are unique across entities and concepts; rename one",
                )
            index[key] = Term(key, scheme=scheme_key, concept=concept)
    for key, entity in loaded.registry.entities.items():
        if entity.type == "post":
            post_in = index.get(entity.post_in or "")
            if not post_in or not post_in.entity or post_in.entity.type not in ("organization", "outlet"):
                raise InputError(f"post `{key}` needs `post_in`: the key of the organisation the post is in",
                                 loaded.source.location("entities", key))
    return index


def _describe(term: Term) -> str:
    return f"a {term.entity.type}" if term.entity else f"a concept of `{term.scheme}`"


def check_key(index: dict[str, Term], key: str, allowed: tuple[str, ...], where: Callable[[], Location]) -> Term:
    """The term a key names, if it is of an allowed kind; `where` gives the location for an error."""
    term = index.get(key)
    if term is None:
        import difflib

        close = difflib.get_close_matches(key, index.keys(), n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "add it to seeds/registry.yaml"
        raise InputError(f"unknown entity key `{key}`", where(), hint=hint)
    if allowed != ANY:
        fits = (term.entity and term.entity.type in allowed) or (
            term.scheme and f"scheme:{term.scheme}" in allowed
        )
        if not fits:
            wanted = ", ".join(a.replace("scheme:", "a concept of ") for a in allowed)
            raise InputError(f"`{key}` is {_describe(term)}, but this field takes {wanted}", where())
    return term


def check_references(record: FactRecord, index: dict[str, Term], fact_kinds: dict[str, str]) -> None:
    """Every key the fact names exists in the registry and is of the kind its field takes."""
    fact = record.fact
    references = fact.all_references()
    for name, offset, key in fact.keys():
        keys = (name,) if offset is None else (name, offset)
        check_key(index, key, references[name], lambda: record.location(*keys))
    for slot in fact.time_slots:
        spec = getattr(fact, slot)
        if spec is not None:
            for key in spec.event_keys():
                check_key(index, key, ("event",), lambda: record.location(slot))
            for key in spec.period_keys():
                check_key(index, key, PERIODS, lambda: record.location(slot))
    for name, offset, fact_id in fact.fact_ids():
        kinds = fact.fact_references[name]
        if fact_kinds.get(fact_id) not in kinds:
            keys = (name,) if offset is None else (name, offset)
            raise InputError(
                f"`{name}: {fact_id}` must be the id of a {' or '.join(kinds)} fact in this sheet",
                record.location(*keys),
            )


# --- numbers -----------------------------------------------------------------


def parse_count(as_written: str) -> Figure:
    """A count written with digits and thousands separators.

    >>> parse_count("220,000")
    Figure(as_written='220,000', value=220000, approximate=True)
    >>> parse_count("16,531").approximate
    False
    """
    text = as_written.strip()
    hedged = re.match(r"^(about|around|nearly|almost|some|roughly|more than|over)\s+", text, re.IGNORECASE)
    digits = text[hedged.end():] if hedged else text
    if not re.fullmatch(r"\d{1,3}(,\d{3})*|\d+", digits):
        raise ValueError(f"cannot read {as_written!r} as a count: write the figure as it appears, e.g. \"16,531\"")
    value = int(digits.replace(",", ""))
    # A figure ending in three zeros is a rounded one in news copy.
    approximate = bool(hedged) or (value >= 1000 and value % 1000 == 0)
    return Figure(as_written, value, approximate)


def parse_rank(as_written: str) -> Figure:
    """A rank written as an ordinal.

    >>> parse_rank("second-largest").value
    2
    >>> parse_rank("largest").value
    1
    """
    text = as_written.strip().lower()
    match = re.fullmatch(r"(?:the\s+)?(?:(\w+?)(?:-|\s+))?(largest|biggest|highest)", text)
    digits = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", text)
    if digits:
        return Figure(as_written, int(digits.group(1)), False)
    if match and (match.group(1) is None or match.group(1) in ORDINALS):
        return Figure(as_written, ORDINALS.get(match.group(1) or "first", 1), False)
    raise ValueError(f"cannot read {as_written!r} as a rank: write it as an ordinal, e.g. \"second-largest\"")


# --- times -------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    relative: str | None = None  # "last month", "last year", "this year", "now"


def parse_expression(text: str) -> Parsed:
    """Read a date expression as news copy writes it.

    >>> parse_expression("on Thursday").weekday
    3
    >>> parse_expression("in January 2021")
    Parsed(year=2021, month=1, day=None, weekday=None, relative=None)
    """
    words = _POSSESSIVE.sub("", _LEADING_WORDS.sub("", text.strip())).strip().lower()
    words = re.sub(r"\s+", " ", words.replace("\u00a0", " "))
    if words in WEEKDAYS:
        return Parsed(weekday=WEEKDAYS[words])
    if words in ("last month", "last year", "this year", "this month", "currently", "now", "today"):
        return Parsed(relative={"currently": "now", "today": "now"}.get(words, words))
    match = re.fullmatch(r"([a-z]+)\.?(?: (\d{1,2})(?:st|nd|rd|th)?)?(?:,? (\d{4}))?", words)
    if match and match.group(1) in MONTHS:
        day = int(match.group(2)) if match.group(2) else None
        year = int(match.group(3)) if match.group(3) else None
        return Parsed(year=year, month=MONTHS[match.group(1)], day=day)
    if re.fullmatch(r"\d{4}", words):
        return Parsed(year=int(words))
    raise ValueError(
        f"cannot read the date expression {text!r}; the resolver reads weekdays, months, "
        "month and day, month and year, years, 'last month', 'last year', 'this year', 'currently'; "
        "for anything else give year/month/day with a `derivation`"
    )


def _shift_to(parsed: Parsed, anchor: dt.date, direction: str) -> tuple[int | None, int | None, int | None]:
    """Fill the year (and for weekdays the date) from the anchor date."""
    if parsed.relative == "now":
        return anchor.year, anchor.month, anchor.day
    if parsed.relative == "last month":
        first = anchor.replace(day=1) - dt.timedelta(days=1)
        return first.year, first.month, None
    if parsed.relative == "this month":
        return anchor.year, anchor.month, None
    if parsed.relative in ("last year", "this year"):
        return anchor.year - (parsed.relative == "last year"), None, None
    if parsed.weekday is not None:
        step = 1 if direction == "future" else -1
        day = anchor + dt.timedelta(days=step)
        while day.weekday() != parsed.weekday:
            day += dt.timedelta(days=step)
        return day.year, day.month, day.day
    if parsed.month is not None and parsed.year is None:
        here = (anchor.month, anchor.day if parsed.day else 0)
        there = (parsed.month, parsed.day or 0)
        if direction == "past":
            year = anchor.year if there <= here else anchor.year - 1
        else:
            year = anchor.year if there >= here else anchor.year + 1
        return year, parsed.month, parsed.day
    return parsed.year, parsed.month, parsed.day


def resolve_time(
    spec: TimeSpec, dateline: dt.date | None, event_dates: dict[str, dt.date], where: Location | Callable[[], Location],
    event_times: dict[str, ResolvedTime] | None = None,
) -> ResolvedTime | ResolvedInterval:
    """Resolve one time expression against its anchor (see `TimeSpec`).

    `event_times` are the times this article gives its events (for interval bounds `at` an event).
    """
    if spec.is_interval:
        return resolve_interval(spec, dateline, event_times or {}, where)
    common = dict(as_written=spec.text, after=spec.after, before=spec.before, derivation=spec.derivation)
    if isinstance(spec.anchor, EventOffset):
        base = event_dates.get(spec.anchor.event)
        if base is None:
            raise InputError(
                f"unparseable date: `{spec.text}` is anchored on event `{spec.anchor.event}`, "
                "which no sheet dates to the day",
                locate(where),
                hint="date that event with a `when` the resolver can fix to a day, or anchor on the dateline",
            )
        date = base + dt.timedelta(days=spec.anchor.offset_days)
        return ResolvedTime(
            anchor="event", anchor_event=spec.anchor.event, offset_days=spec.anchor.offset_days,
            year=date.year, month=date.month, day=date.day, weekday=date.weekday(), **common,
        )
    try:
        parsed = parse_expression(spec.text)
    except ValueError as error:
        if spec.derivation:
            parsed = Parsed()
        else:
            raise InputError(f"unparseable date: {error}", locate(where)) from None
    if spec.anchor == "dateline":
        if dateline is None:
            raise InputError(
                f"unparseable date: `{spec.text}` is anchored on the dateline, but this article has no dated dateline",
                locate(where),
                hint="use `anchor: none` to record only what the words say",
            )
        year, month, day = _shift_to(parsed, dateline, spec.direction)
    else:
        if parsed.relative:
            raise InputError(
                f"unparseable date: `{spec.text}` is relative, but `anchor: none` gives it nothing to be relative to",
                locate(where),
            )
        year, month, day = parsed.year, parsed.month, parsed.day
    for name, explicit, found in (("year", spec.year, year), ("month", spec.month, month), ("day", spec.day, day)):
        if explicit is not None and found is not None and explicit != found:
            raise InputError(f"`{name}: {explicit}` contradicts `{spec.text}`, which gives {found}", locate(where))
    year, month, day = spec.year or year, spec.month or month, spec.day or day
    weekday = parsed.weekday
    if year and month and day:
        try:
            weekday = dt.date(year, month, day).weekday()
        except ValueError:
            raise InputError(f"unparseable date: {year}-{month:02d}-{day:02d} is not a calendar date", locate(where)) from None
    return ResolvedTime(anchor=spec.anchor if spec.anchor != "none" else None,
                        year=year, month=month, day=day, weekday=weekday, **common)


# --- intervals ------------------------------------------------------------------


def parse_duration(iso: str) -> Duration:
    """An ISO 8601 duration in whole years, months and days.

    >>> parse_duration("P4Y")
    Duration(iso='P4Y', years=4, months=0, days=0)
    """
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?", iso)
    years, months, days = (int(part or 0) for part in match.groups())
    return Duration(iso, years, months, days)


def _words(duration: Duration) -> str:
    parts = [(duration.years, "year"), (duration.months, "month"), (duration.days, "day")]
    return " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n)


def _shifted(known: ResolvedTime, duration: Duration, sign: int) -> tuple[int, int | None] | None:
    """(year, month) of `known` moved by the duration, to its precision (the month at most); None if unknowable."""
    if known.year is None or duration.days or (known.month is None and duration.months):
        return None
    if known.month is None:
        return known.year + sign * duration.years, None
    months = known.year * 12 + known.month - 1 + sign * (duration.years * 12 + duration.months)
    return months // 12, months % 12 + 1


def _position(time: ResolvedTime) -> str:
    return f"{time.year:04d}-{time.month:02d}" if time.month else f"{time.year:04d}"


def resolve_bound(
    bound: Bound, interval_text: str, dateline: dt.date | None, event_times: dict[str, ResolvedTime],
    where: Location | Callable[[], Location],
) -> ResolvedTime:
    """One end of an interval: its words, the event it is at, or explicit parts (see `Bound`)."""
    links = dict(after=bound.after, before=bound.before, within=bound.within)
    if bound.text:
        spec = TimeSpec(text=bound.text, anchor=bound.anchor, direction=bound.direction, year=bound.year,
                        month=bound.month, day=bound.day, derivation=bound.derivation)
        read = resolve_time(spec, dateline, {}, where)
        return dataclasses.replace(read, **links)
    year, month, day, weekday, derivation = bound.year, bound.month, bound.day, None, bound.derivation
    anchor = anchor_event = None
    if bound.at:
        anchor, anchor_event = "event", bound.at
        known = event_times.get(bound.at)
        if known is not None and not known.fixes_nothing:
            for name, explicit, found in (("year", year, known.year), ("month", month, known.month), ("day", day, known.day)):
                if explicit is not None and found is not None and explicit != found:
                    raise InputError(f"`{name}: {explicit}` contradicts the date this article gives `{bound.at}`", locate(where))
            year, month, day, weekday = year or known.year, month or known.month, day or known.day, known.weekday
            derivation = derivation or f"The moment of that event, which this article dates “{known.as_written}”."
    return ResolvedTime(as_written=interval_text, anchor=anchor, anchor_event=anchor_event, year=year, month=month,
                        day=day, weekday=weekday, derivation=derivation, **links)


def resolve_interval(
    spec: TimeSpec, dateline: dt.date | None, event_times: dict[str, ResolvedTime], where: Location | Callable[[], Location],
) -> ResolvedInterval:
    """An interval: its bounds as the text fixes them; a bound it leaves open but the
    duration and the other bound fix is computed, to that bound's precision."""
    begins = resolve_bound(spec.begins, spec.text, dateline, event_times, where) if spec.begins else None
    ends = resolve_bound(spec.ends, spec.text, dateline, event_times, where) if spec.ends else None
    duration = parse_duration(spec.duration) if spec.duration else None
    if duration:
        for known, missing, sign, side, other in ((begins, ends, 1, "after its beginning", "ends"),
                                                   (ends, begins, -1, "before its end", "begins")):
            if known is None or (missing is not None and not missing.fixes_nothing):
                continue
            shifted = _shifted(known, duration, sign)
            if shifted is None:
                continue
            year, month = shifted
            derivation = f"{_words(duration).capitalize()} {side} ({_position(known)}), to the {'month' if month else 'year'}."
            computed = dataclasses.replace(missing or ResolvedTime(as_written=spec.text, anchor=None),
                                           year=year, month=month, day=None, weekday=None, derivation=derivation)
            if other == "ends":
                ends = computed
            else:
                begins = computed
    return ResolvedInterval(as_written=spec.text, begins=begins, ends=ends, duration=duration, within=spec.within)


def check_dateline(fact: Dateline, where: Location | Callable[[], Location]) -> None:
    """The sheet's dateline date must agree with the month and day as written."""
    if fact.date is None:
        return
    match = re.search(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?", fact.as_written)
    if not match or match.group(1).lower() not in MONTHS:
        raise InputError(f"unparseable date: no month and day in dateline {fact.as_written!r}", locate(where))
    month, day = MONTHS[match.group(1).lower()], int(match.group(2))
    if (fact.date.month, fact.date.day) != (month, day):
        raise InputError(f"dateline date {fact.date} does not match {fact.as_written!r}", locate(where))


def dateline_date(article: ArticleRecord) -> dt.date | None:
    for record in article.facts:
        if isinstance(record.fact, Dateline):
            check_dateline(record.fact, lambda: record.location("date"))
            return record.fact.date
    return None


# --- values as written ---------------------------------------------------------


def check_verbatim(record: FactRecord) -> None:
    """Values given 'as written' must occur inside one of the fact's own quotes."""
    fact = record.fact
    if not fact.verbatim and not fact.time_slots:
        return
    quotes = [q if isinstance(q, str) else q.quote for q in fact.evidence]  # as fact.quotes(), without making Quotes
    for name in fact.verbatim:
        value = getattr(fact, name)
        if isinstance(value, str) and not any(value in q for q in quotes):
            raise InputError(
                f"`{name}: {value!r}` is not inside any evidence quote of fact `{fact.id}`",
                record.location(name),
                hint="values as written must be copied from the article and covered by the fact's evidence",
            )
    for slot in fact.time_slots:
        spec = getattr(fact, slot)
        for words in spec.texts() if spec is not None else ():
            if not any(words in q for q in quotes):
                raise InputError(
                    f"time `{words!r}` is not inside any evidence quote of fact `{fact.id}`",
                    record.location(slot, "text") if words == spec.text else record.location(slot),
                )


def read_figure(fact, where: Location | Callable[[], Location]) -> Figure:
    try:
        figure = parse_count(fact.value) if fact.measure == "count" else parse_rank(fact.value)
    except ValueError as error:
        raise InputError(str(error), locate(where)) from None
    if fact.approximate is not None:
        figure = Figure(figure.as_written, figure.value, fact.approximate)
    return figure


# --- the stage -------------------------------------------------------------------


def resolve(articles: list[ArticleRecord], registry: LoadedRegistry) -> tuple[list[ArticleRecord], dict[str, Term]]:
    """Check every key and value as written; resolve every time and figure.

    Times anchored on another event are resolved after all the others, since they
    need that event's date, which any sheet may give. Raises every problem at once.
    """
    problems = Problems()
    index = index_registry(registry)
    datelines: dict[str, dt.date | None] = {}
    times: dict[tuple[str, int], dict[str, ResolvedTime | ResolvedInterval]] = {}
    figures: dict[tuple[str, int], Figure] = {}
    for article in articles:
        datelines[article.id] = None
        with problems.collect():
            datelines[article.id] = dateline_date(article)
        source = article.sheet.sheet.article.source
        if source and source.outlet:
            with problems.collect():
                check_key(index, source.outlet, ("outlet", "organization"),
                          lambda: article.sheet.source.location("article", "source", "outlet"))
        fact_kinds = {record.fact.id: record.fact.kind for record in article.facts}
        for record in article.facts:
            with problems.collect():
                check_references(record, index, fact_kinds)
            with problems.collect():
                check_verbatim(record)
            if record.fact.kind == "observation":
                with problems.collect():
                    figures[(article.id, record.position)] = read_figure(record.fact, lambda: record.location("value"))
    problems.raise_if_any()

    # Instants first, then instants anchored on another event's date (any sheet may
    # give it), then intervals, whose bounds may be at events this sheet dates.
    event_dates: dict[str, dt.date] = {}
    event_times: dict[str, dict[str, ResolvedTime]] = {article.id: {} for article in articles}
    for phase in ("instant", "event-anchored", "interval"):
        for article in articles:
            for record in article.facts:
                for slot in record.fact.time_slots:
                    spec = getattr(record.fact, slot)
                    if spec is None or _phase(spec) != phase:
                        continue
                    with problems.collect():
                        resolved = resolve_time(spec, datelines[article.id], event_dates, lambda: record.location(slot),
                                                event_times[article.id])
                        times.setdefault((article.id, record.position), {})[slot] = resolved
                        _remember_event_date(record, slot, resolved, event_dates)
                        if record.fact.kind == "event" and slot == "when" and isinstance(resolved, ResolvedTime):
                            event_times[article.id].setdefault(record.fact.event, resolved)
    problems.raise_if_any()

    resolved_articles = []
    for article in articles:
        facts = tuple(
            dataclasses.replace(record, times=times.get((article.id, record.position), {}),
                                figure=figures.get((article.id, record.position)))
            for record in article.facts
        )
        resolved_articles.append(dataclasses.replace(article, facts=facts, dateline=datelines[article.id]))
    return resolved_articles, index


def _phase(spec: TimeSpec) -> str:
    if spec.is_interval:
        return "interval"
    return "event-anchored" if isinstance(spec.anchor, EventOffset) else "instant"


def _remember_event_date(record: FactRecord, slot: str, resolved, event_dates: dict[str, dt.date]) -> None:
    """An event's day, once fixed, is the same in every sheet."""
    if record.fact.kind != "event" or slot != "when" or not isinstance(resolved, ResolvedTime) or not resolved.date:
        return
    known = event_dates.setdefault(record.fact.event, resolved.date)
    if known != resolved.date:
        raise InputError(f"event `{record.fact.event}` is dated {resolved.date} here but {known} elsewhere",
                         record.location(slot))
