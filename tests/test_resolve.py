"""Date expressions and figures from the two articles, resolved by hand.

Article 003 is datelined April 18th, 2022-04-18 (a Monday); article 000 has no date.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cubakg.errors import InputError, Location
from cubakg.resolve import parse_count, parse_rank, resolve_time
from cubakg.facts.base import TimeSpec

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
