"""Date expressions and figures from the two articles, resolved by hand.

Article 003 is datelined April 18th, 2022-04-18 (a Monday); article 000 has no date.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cubakg.errors import InputError, Location
from cubakg.facts.base import TimeSpec
from cubakg.records import Duration, ResolvedInterval, ResolvedTime
from cubakg.resolve import parse_count, parse_duration, parse_rank, resolve_time

DATELINE = dt.date(2022, 4, 18)
HERE = Location("sheet.yaml", 1)

# (expression, anchor, direction, expected year, month, day, weekday 0=Monday)
TIMES = [
    ("on Thursday", "dateline", "future", 2022, 4, 21, 3),
    ("in February", "dateline", "past", 2022, 2, None, None),
    ("in November", "dateline", "past", 2021, 11, None, None),
    ("last month", "dateline", "past", 2022, 3, None, None),
    ("last year", "dateline", "past", 2021, None, None, None),
    ("this year", "dateline", "past", 2022, None, None, None),
    ("in January 2021", "dateline", "past", 2021, 1, None, None),
    ("currently", "dateline", "past", 2022, 4, 18, 0),
    ("on Tuesday", "none", "past", None, None, None, 1),
    ("back in April", "none", "past", None, 4, None, None),
    ("on January 4", "none", "future", None, 1, 4, None),
    ("in 2022", "none", "past", 2022, None, None, None),
]


@pytest.mark.parametrize("text,anchor,direction,year,month,day,weekday", TIMES)
def test_time_expressions(text, anchor, direction, year, month, day, weekday):
    spec = TimeSpec(text=text, anchor=anchor, direction=direction)
    resolved = resolve_time(spec, DATELINE if anchor == "dateline" else None, {}, HERE)
    assert (resolved.year, resolved.month, resolved.day, resolved.weekday) == (year, month, day, weekday)
    assert resolved.as_written == text


def test_a_day_before_another_event():
    spec = TimeSpec.model_validate({"text": "just a day after", "anchor": {"event": "talks", "offset_days": -1}})
    resolved = resolve_time(spec, DATELINE, {"talks": dt.date(2022, 4, 21)}, HERE)
    assert resolved.date == dt.date(2022, 4, 20)
    assert (resolved.anchor, resolved.anchor_event, resolved.offset_days) == ("event", "talks", -1)


@pytest.mark.parametrize("text,anchor", [("to discuss", "dateline"), ("last month", "none"), ("on Tuesday", "dateline")])
def test_unresolvable_times_fail_with_location(text, anchor):
    spec = TimeSpec(text=text, anchor=anchor)
    with pytest.raises(InputError) as error:
        resolve_time(spec, None if text == "on Tuesday" else DATELINE, {}, HERE)
    assert error.value.location == HERE


@pytest.mark.parametrize("written,value,approximate", [("220,000", 220000, True), ("16,531", 16531, False), ("about 300", 300, True)])
def test_counts(written, value, approximate):
    figure = parse_count(written)
    assert (figure.value, figure.approximate, figure.as_written) == (value, approximate, written)


@pytest.mark.parametrize("written,value", [("second-largest", 2), ("largest", 1), ("third-largest", 3), ("2nd", 2)])
def test_ranks(written, value):
    assert parse_rank(written).value == value


@pytest.mark.parametrize("written", ["many", "220.000.0", "second"])
def test_unreadable_figures(written):
    with pytest.raises(ValueError):
        (parse_rank if written == "second" else parse_count)(written)


# --- intervals: what the text fixes of their bounds ------------------------------------------

# 003: "since Biden took office in January 2021"; the talks "on Thursday", 2022-04-21.
EVENT_TIMES = {
    "biden-takes-office": ResolvedTime(as_written="in January 2021", anchor="dateline", year=2021, month=1),
    "talks": ResolvedTime(as_written="on Thursday", anchor="dateline", year=2022, month=4, day=21, weekday=3),
}


def interval(**spec) -> ResolvedInterval:
    resolved = resolve_time(TimeSpec.model_validate(spec), DATELINE, {}, HERE, EVENT_TIMES)
    assert isinstance(resolved, ResolvedInterval)
    return resolved


def parts(time) -> tuple:
    return (time.year, time.month, time.day) if time else None


def test_a_four_year_hiatus_ending_in_2022_began_in_2018_known_to_the_year():
    # 003: "after a four-year hiatus": four years, ending with the restart in 2022.
    hiatus = interval(text="a four-year hiatus", duration="P4Y", ends={"year": 2022, "derivation": "the restart, 2022"})
    assert parts(hiatus.ends) == (2022, None, None)
    assert parts(hiatus.begins) == (2018, None, None)
    assert (hiatus.duration.years, hiatus.duration.months, hiatus.duration.days) == (4, 0, 0)
    assert "before its end (2022)" in hiatus.begins.derivation


def test_the_first_year_in_office_runs_a_year_from_taking_office():
    # 003: "during Biden’s first year in office", he "took office in January 2021".
    year = interval(text="during Biden’s first year in office", begins={"at": "biden-takes-office"}, duration="P1Y")
    assert (year.begins.anchor, year.begins.anchor_event, parts(year.begins)) == ("event", "biden-takes-office", (2021, 1, None))
    assert parts(year.ends) == (2022, 1, None)


def test_a_bound_at_an_event_this_article_does_not_date_is_only_a_link():
    # 000 never dates Biden taking office: "since Biden took office".
    since = resolve_time(TimeSpec(text="since Biden took office", begins={"at": "biden-takes-office"}), None, {}, HERE, {})
    assert since.begins.anchor_event == "biden-takes-office" and since.begins.fixes_nothing
    assert since.ends is None and since.duration is None


def test_a_bound_within_an_administration_and_a_bound_at_a_dated_event():
    # 000: "the first talks ... since the Trump administration" (the April round).
    since = interval(text="since the Trump administration", begins={"within": "trump-administration"}, ends={"at": "talks"})
    assert since.begins.within == "trump-administration" and since.begins.fixes_nothing
    assert parts(since.ends) == (2022, 4, 21)


def test_a_computed_bound_is_never_finer_than_the_month():
    eighteen_months = interval(text="for eighteen months", duration="P18M", begins={"at": "talks"})
    assert parts(eighteen_months.ends) == (2023, 10, None)


def test_a_duration_in_days_computes_no_bound_from_a_month():
    weeks = interval(text="for ten days", duration="P10D", begins={"at": "biden-takes-office"})
    assert weeks.ends is None


def test_an_interval_bound_may_be_read_from_its_own_words():
    since = interval(text="since last year", begins={"text": "last year"})
    assert parts(since.begins) == (2021, None, None)


def test_a_bound_contradicting_its_event_date_is_refused():
    with pytest.raises(InputError) as error:
        interval(text="since 2020", begins={"at": "biden-takes-office", "year": 2020, "derivation": "wrong"})
    assert "contradicts" in error.value.message and error.value.location == HERE


@pytest.mark.parametrize("spec", [
    {"text": "a hiatus", "duration": "P4Y", "year": 2022, "derivation": "parts belong on the bounds"},
    {"text": "a hiatus", "duration": "four years"},
    {"text": "a hiatus", "duration": "P"},
    {"text": "a hiatus", "ends": {"year": 2022}},
])
def test_ill_formed_intervals_are_refused_by_the_sheet_model(spec):
    with pytest.raises(ValueError):
        TimeSpec.model_validate(spec)


@pytest.mark.parametrize("iso,years,months,days", [("P4Y", 4, 0, 0), ("P1Y6M", 1, 6, 0), ("P10D", 0, 0, 10)])
def test_durations(iso, years, months, days):
    assert parse_duration(iso) == Duration(iso, years, months, days)
