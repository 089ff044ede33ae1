"""`cubakg draft` against what a careful reader takes from each article.

Each case in tests/draft_cases/*.yaml names an article (a seed, or one of our own
in tests/draft_cases/articles/) and what its draft must hold, written by hand from
the article: facts (`expect`, drafted as facts), suggestions (`suggested`,
commented out: unsure, or naming a proposed entry), registry `proposals`, facts that
must be `absent`, and sheet `notes`. Times are checked as the build resolves them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from cubakg import resolve
from cubakg.draft import draft_article
from cubakg.errors import Location
from cubakg.facts.base import TimeSpec
from cubakg.read import read_registry

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "tests" / "draft_cases").glob("*.yaml"))


@pytest.fixture(scope="module")
def registry():
    return read_registry(ROOT / "seeds" / "registry.yaml")


def drafted(case: dict, registry):
    path = ROOT / case["article"]
    published = dt.date.fromisoformat(case["published"]) if case.get("published") else None
    return draft_article(path.read_text(encoding="utf-8"), registry, article_id="case", published=published)


def matches(fact, expected: dict) -> bool:
    if fact.kind != expected["kind"]:
        return False
    for name, value in (expected.get("fields") or {}).items():
        mine = fact.fields.get(name)
        if isinstance(value, list):
            if not set(value) <= set(mine or []):
                return False
        elif str(mine) != str(value) and mine != value:
            return False
    if "evidence_count" in expected and len(set(fact.spans)) != expected["evidence_count"]:
        return False
    return True


def resolved(fact, slot: str, dateline: dt.date | None):
    return resolve.resolve_time(TimeSpec(**fact.fields[slot]), dateline, {}, Location("case"))


def check_time(fact, expected: dict, dateline) -> str | None:
    time = expected.get("time")
    if not time:
        return None
    spec = fact.fields.get(time["slot"])
    if not spec:
        return f"no `{time['slot']}`"
    if spec["text"] != time["text"]:
        return f"`{time['slot']}` is {spec['text']!r}, not {time['text']!r}"
    got = resolved(fact, time["slot"], dateline)
    for part in ("year", "month", "day", "weekday"):
        if part in time and getattr(got, part) != time[part]:
            return f"{spec['text']!r} resolves to {part} {getattr(got, part)}, not {time[part]}"
    return None


def dateline_of(draft) -> dt.date | None:
    for fact in draft.facts:
        if fact.kind == "dateline" and fact.active and fact.fields.get("date"):
            return dt.date.fromisoformat(fact.fields["date"])
    return None


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_draft_holds_what_the_article_says(path, registry):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    draft = drafted(case, registry)
    dateline = dateline_of(draft)
    failures = []
    for section, active in (("expect", True), ("suggested", False)):
        for expected in case.get(section) or []:
            candidates = [f for f in draft.facts if f.active == active and matches(f, expected)]
            problems = [check_time(f, expected, dateline) for f in candidates]
            if not candidates or all(problems):
                found = [f"{f.kind} {f.fields}{'' if f.active else ' (suggestion)'}" for f in draft.facts
                         if f.kind == expected["kind"]][:6]
                failures.append(f"{section}: no {'fact' if active else 'suggestion'} {expected.get('fields')} "
                                f"{'(' + '; '.join(filter(None, problems)) + ')' if any(problems) else ''}"
                                f" — {expected.get('why', '')}\n    drafted {expected['kind']}: {found}")
    for expected in case.get("absent") or []:
        wrong = [f for f in draft.facts if f.active and matches(f, expected)]
        if wrong:
            failures.append(f"absent: drafted {[w.fields for w in wrong]} — {expected.get('why', '')}")
    proposals = {p.key: p for p in draft.proposals}
    for expected in case.get("proposals") or []:
        proposal = proposals.get(expected["key"])
        if proposal is None:
            failures.append(f"proposals: no `{expected['key']}` among {sorted(proposals)}")
            continue
        for name, value in expected.items():
            if name != "key" and proposal.entry.get(name) != value:
                failures.append(f"proposals: `{expected['key']}`.{name} is {proposal.entry.get(name)!r}, not {value!r}")
    for expected in case.get("notes") or []:
        if not any(expected["contains"] in note for note in draft.notes):
            failures.append(f"notes: none says {expected['contains']!r}: {draft.notes}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_drafted_quote_anchors_once(path, registry):
    """Each evidence entry names exactly one place in the article (with `occurrence` where needed)."""
    from cubakg.anchor import occurrences
    from cubakg.draft.model import quote_for

    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    draft = drafted(case, registry)
    for fact in draft.facts:
        for start, end in fact.spans:
            entry = quote_for(draft.text, start, end)
            quote, occurrence = (entry, 1) if isinstance(entry, str) else (entry["quote"], entry["occurrence"])
            found = occurrences(draft.text, quote)
            assert found[occurrence - 1] == start, (fact.id, quote)
            assert isinstance(entry, dict) or len(found) == 1
