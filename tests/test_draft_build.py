"""Drafts build as they are: each seed's draft in place of its curated sheet, and an
article of our own once its registry proposals are pasted in and it is drafted again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cubakg.build import build
from cubakg.draft import draft_article, render_proposals, render_sheet
from cubakg.read import read_registry, sheet_paths

ROOT = Path(__file__).resolve().parents[1]
OWN_ARTICLE = ROOT / "tests" / "draft_cases" / "articles" / "havana-round-2022-11.txt"
OWN_ID = OWN_ARTICLE.stem


def project_copy(into: Path) -> Path:
    for part in ("seeds", "ontology", "shapes"):
        shutil.copytree(ROOT / part, into / part)
    return into


def draft_into(project: Path, text: str, article_id: str):
    registry = read_registry(project / "seeds" / "registry.yaml")
    draft = draft_article(text, registry, article_id=article_id)
    (project / "seeds" / f"{article_id}.txt").write_text(text, encoding="utf-8")
    (project / "seeds" / f"{article_id}.yaml").write_text(render_sheet(draft, f"{article_id}.txt"), encoding="utf-8")
    return draft


def graph(out: Path) -> str:
    return (out / "cubakg.nt").read_text(encoding="utf-8")


@pytest.mark.parametrize("sheet", sheet_paths(ROOT / "seeds"), ids=lambda p: p.stem)
def test_seed_draft_builds_as_it_is_and_is_marked_draft(sheet, tmp_path):
    project = project_copy(tmp_path / "project")
    article_id = sheet.stem
    draft_into(project, sheet.with_suffix(".txt").read_text(encoding="utf-8"), article_id)
    summary = build(project, tmp_path / "dist")
    assert summary.drafts == [article_id]
    article = f"<https://w3id.org/cubakg/id/article/{article_id}>"
    assert f'{article} <https://w3id.org/cubakg/ontology#draft> "true"^^<http://www.w3.org/2001/XMLSchema#boolean>' in graph(tmp_path / "dist")


def test_a_new_person_is_proposed_and_builds_once_pasted(tmp_path):
    project = project_copy(tmp_path / "project")
    text = OWN_ARTICLE.read_text(encoding="utf-8")
    first = draft_into(project, text, OWN_ID)
    ramos = [p for p in first.proposals if p.key == "julio-cesar-ramos"]
    assert ramos and ramos[0].entry["type"] == "person"
    naming = [f for f in first.facts if "julio-cesar-ramos" in f.keys()]
    assert naming and not any(f.active for f in naming), "facts naming a proposed entry wait for it"
    build(project, tmp_path / "dist1")  # the draft builds as it is, before the paste

    registry = project / "seeds" / "registry.yaml"
    lines = registry.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index("entities:\n") + 1
    registry.write_text("".join(lines[:at]) + render_proposals(first) + "".join(lines[at:]), encoding="utf-8")

    second = draft_into(project, text, OWN_ID)
    assert not second.proposals
    posts = [f for f in second.facts if f.active and f.kind == "post" and f.fields["holder"] == "julio-cesar-ramos"]
    assert [f.fields["post"] for f in posts] == ["cuba-interior-minister"]
    build(project, tmp_path / "dist2")
    nt = graph(tmp_path / "dist2")
    person = "<https://w3id.org/cubakg/id/person/julio-cesar-ramos>"
    assert f"<https://w3id.org/cubakg/id/post/cuba-interior-minister> <http://www.w3.org/ns/org#heldBy> {person}" in nt
