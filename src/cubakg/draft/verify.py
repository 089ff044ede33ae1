"""Check each drafted fact as the build will: model, anchoring, keys, values, dates, figures.

A fact that fails is not dropped silently: it is written commented out with the
build's own message, so the draft builds as it is.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import yaml
from pydantic import TypeAdapter, ValidationError

from cubakg import anchor, resolve
from cubakg.draft.model import Draft, DraftFact
from cubakg.draft.render import render_fact
from cubakg.errors import CubakgError, Location
from cubakg.facts import Fact
from cubakg.read import LoadedSheet, SourceMap
from cubakg.records import FactRecord
from cubakg.resolve import Term

_FACT = TypeAdapter(Fact)


def verify(draft: Draft, index: dict[str, Term]) -> None:
    """Comment out every active fact the build would refuse, saying why."""
    path = Path(f"{draft.article_id}.yaml")
    # The sheet is not written yet: the anchor stage needs only its id and text.
    header = SimpleNamespace(article=SimpleNamespace(id=draft.article_id, draft=True))
    loaded = LoadedSheet(path, header, draft.text, SourceMap(path, None))
    dateline = _dateline(draft)
    kinds = {fact.id: fact.kind for fact in draft.facts if fact.active}
    for position, fact in enumerate(draft.facts):
        if fact.active:
            problem = _problem(fact, draft, loaded, index, dateline, kinds, position)
            if problem:
                fact.unsure = f"the build would refuse it: {problem}"


def _dateline(draft: Draft) -> dt.date | None:
    for fact in draft.facts:
        if fact.kind == "dateline" and fact.active and fact.fields.get("date"):
            return dt.date.fromisoformat(fact.fields["date"])
    return None


def _problem(fact: DraftFact, draft: Draft, loaded, index, dateline, kinds, position) -> str | None:
    try:
        data = yaml.safe_load("\n".join(render_fact(fact, draft.text)))[0]
        model = _FACT.validate_python(data)
    except ValidationError as error:
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    where = Location(str(loaded.path))
    try:
        for quote in model.quotes():
            anchor.anchor_quote(loaded, quote.quote, quote.occurrence, where)
        record = FactRecord(sheet=loaded, position=position, fact=model)
        resolve.check_references(record, index, kinds)
        resolve.check_verbatim(record)
        for slot in model.time_slots:
            spec = getattr(model, slot)
            if spec is not None:
                resolve.resolve_time(spec, dateline, {}, where)
        if model.kind == "observation":
            resolve.read_figure(model, where)
        if model.kind == "dateline":
            resolve.check_dateline(model, where)
    except CubakgError as error:
        return error.message
    return None
