"""What the commands call: draft an article file against a project's registry, or
report the coverage of an existing sheet. The library never names CLI flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cubakg.draft import Draft, draft_article, read_article, render_proposals, render_sheet
from cubakg.draft.report import Covered, render_report, sentence_coverage
from cubakg.errors import InputError, Location
from cubakg.read import REGISTRY, read_registry


@dataclass(frozen=True)
class DraftResult:
    draft: Draft
    sheet: str
    proposals: str
    report: str
    registry_path: Path


def draft_file(article: Path, project: Path, *, article_id: str | None = None,
               published: dt.date | None = None, url: str | None = None, model: str | None = None) -> DraftResult:
    article_id = article_id or article.stem
    registry_path = project / "seeds" / REGISTRY
    if not registry_path.is_file():
        raise InputError("no registry here", Location(str(registry_path)),
                         hint="run inside a cubakg project, or point at one with -C PATH")
    text = read_article(article)
    registry = read_registry(registry_path)
    pipeline = None
    if model:
        from cubakg.draft.ner import load

        pipeline = load(model)
    draft = draft_article(text, registry, article_id=article_id, published=published, url=url, model=pipeline)
    facts = [Covered(fact.kind, tuple(fact.spans)) for fact in draft.facts if fact.active]
    return DraftResult(draft, render_sheet(draft, article.name), render_proposals(draft),
                       render_report(text, facts, article.name), registry_path)


def sheet_coverage(path: Path) -> tuple[str, bool]:
    """The coverage report of a finished sheet, and whether every sentence is covered."""
    from cubakg import anchor
    from cubakg.errors import Problems
    from cubakg.read import read_sheet

    loaded = read_sheet(path)
    problems = Problems()
    article = anchor.anchor_sheet(loaded, problems)
    problems.raise_if_any()
    facts = [Covered(record.fact.kind, tuple((s.start, s.end) for s in record.spans)) for record in article.facts]
    name = path.with_suffix(".txt").name
    complete = all(not row.uncovered for row in sentence_coverage(loaded.text, facts))
    return render_report(loaded.text, facts, name), complete
