"""Measure `cubakg draft` on the seed articles, each with its curated sheet set aside.

For every seed article: draft its sheet from the text and the registry alone (the
curated sheet is read only afterwards, to score), then score the draft against the
curated sheet:

- entity mentions: the registry entities the curated sheet names, and the share
  the draft's facts name too;
- evidence: the share of the curated sheet's evidence spans that a drafted fact
  of the same kind overlaps (per kind; the "mechanical" kinds; all kinds), and
  the share that any drafted evidence overlaps;
- agreement: the share of drafted facts that a curated fact of the same kind,
  with overlapping evidence, agrees with (same entities; same resolved dates and
  values); and every drafted date or figure that contradicts the curated sheet;
- that the draft builds as it is, in a copy of the project where it replaces
  the curated sheet, and is marked as a draft;
- the time to draft one article (in-process, after a warm-up; best of 5), and
  the whole command from a cold start.

    python bench/draft.py            # prints the tables of docs/drafting.md
    python bench/draft.py --json     # the same numbers as JSON
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from cubakg import anchor, resolve  # noqa: E402
from cubakg.build import build  # noqa: E402
from cubakg.draft import draft_article, render_sheet  # noqa: E402
from cubakg.read import read_registry, read_seeds, sheet_paths  # noqa: E402

MECHANICAL = ("headline", "dateline", "author", "publisher", "cites", "post", "participation", "observation",
              "statement", "event")
# The fields that say which fact it is, by kind: a drafted fact agrees when a curated one has the same values.
IDENTITY = {
    "headline": ("text",), "dateline": ("place", "date"), "publisher": ("publisher",), "author": ("author",),
    "section": ("title",), "related-link": ("relation", "title"), "video": ("title", "publisher"),
    "cites": ("source",), "event": ("event", "place", "status"), "participation": ("event", "participant", "role", "on_behalf_of"),
    "post": ("post", "holder"), "organization": ("org", "country", "headed_by"),
    "observation": ("measure", "population", "counted", "area", "source"), "statement": ("speaker", "mode"),
    "trend": ("population", "trend"), "route": ("route",), "policy-change": ("actor", "change", "policy"),
    "announcement": ("announcer",), "relation": ("subject", "predicate", "object"), "claim": ("about",),
}


def project_copy(root: Path, into: Path) -> Path:
    for part in ("seeds", "ontology", "shapes"):
        shutil.copytree(REPO / part, into / part)
    return into


def resolved_articles(seeds: Path):
    registry, sheets = read_seeds(seeds)
    articles, _ = anchor.anchor(sheets)
    articles, _index = resolve.resolve(articles, registry)
    return {article.id: article for article in articles}


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def spans(record) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in record.spans]


def times_of(record) -> dict:
    return {slot: (t.year, t.month, t.day, t.weekday) for slot, t in record.times.items()}


def entity_keys(record, index) -> set[str]:
    return {key for _n, _o, key in record.fact.keys() if index[key].entity is not None}


def agrees(drafted, curated) -> bool:
    for name in IDENTITY[drafted.fact.kind]:
        mine = getattr(drafted.fact, name, None)
        if mine in (None, []):
            continue
        theirs = getattr(curated.fact, name, None)
        if isinstance(mine, list):
            if not set(mine) <= set(theirs or []):
                return False
        elif str(mine) != str(theirs):
            return False
    return not contradictions(drafted, curated) and (drafted.figure is None or drafted.figure.value == curated.figure.value)


def contradictions(drafted, curated) -> list[str]:
    """Dates or figures of the draft that differ from those of the curated fact."""
    found = []
    theirs = times_of(curated)
    for slot, parts in times_of(drafted).items():
        if slot in theirs:
            for mine, other, name in zip(parts, theirs[slot], ("year", "month", "day", "weekday")):
                if mine is not None and other is not None and mine != other:
                    found.append(f"{drafted.fact.id}.{slot}: {name} {mine} where the curated sheet has {other}")
    if drafted.fact.kind == "dateline" and drafted.fact.date and curated.fact.date and drafted.fact.date != curated.fact.date:
        found.append(f"dateline {drafted.fact.date} where the curated sheet has {curated.fact.date}")
    if drafted.figure and curated.figure and drafted.fact.measure == curated.fact.measure and drafted.figure.value != curated.figure.value \
            and drafted.fact.value in curated.fact.value:
        found.append(f"{drafted.fact.id}: {drafted.figure.value} where the curated sheet has {curated.figure.value}")
    return found


def score(article_id: str, curated, drafted, index, suggested: set[str]) -> dict:
    curated_spans = [(r.fact.kind, span) for r in curated.facts for span in spans(r)]
    drafted_by_kind: dict[str, list] = {}
    for record in drafted.facts:
        drafted_by_kind.setdefault(record.fact.kind, []).extend(spans(record))
    all_drafted = [s for ss in drafted_by_kind.values() for s in ss]
    per_kind: dict[str, list[int]] = {}
    for kind, span in curated_spans:
        hit = any(overlaps(span, s) for s in drafted_by_kind.get(kind, []))
        per_kind.setdefault(kind, [0, 0, 0])
        per_kind[kind][0] += hit
        per_kind[kind][1] += 1
        per_kind[kind][2] += any(overlaps(span, s) for s in all_drafted)
    wanted = set().union(*(entity_keys(r, index) for r in curated.facts))
    found = set().union(*(entity_keys(r, index) for r in drafted.facts)) if drafted.facts else set()
    with_suggestions = found | {key for key in suggested if key in index and index[key].entity is not None}
    agreement = Counter()
    problems, differing, unmatched = [], [], []
    for record in drafted.facts:
        matches = [c for c in curated.facts if c.fact.kind == record.fact.kind
                   and any(overlaps(a, b) for a in spans(record) for b in spans(c))]
        if not matches:
            agreement["no counterpart"] += 1
            unmatched.append(f"{record.fact.id}: {_identity(record)}")
            continue
        agreement["agrees" if any(agrees(record, c) for c in matches) else "differs"] += 1
        if not any(agrees(record, c) for c in matches):
            differing.append(f"{record.fact.id}: {_identity(record)} vs curated {[c.fact.id + ' ' + _identity(c) for c in matches][:3]}")
            same = [c for c in matches if all(getattr(record.fact, n, None) == getattr(c.fact, n, None)
                                              for n in IDENTITY[record.fact.kind][:1])]
            for c in same:
                problems += contradictions(record, c)
    return {
        "article": article_id, "per_kind": per_kind, "entities": [len(wanted & found), len(wanted)],
        "entities_with_suggestions": [len(wanted & with_suggestions), len(wanted)],
        "missed_entities": sorted(wanted - with_suggestions), "agreement": dict(agreement), "contradictions": sorted(set(problems)),
        "drafted_facts": len(drafted.facts), "differing": differing, "unmatched": unmatched,
    }


def _identity(record) -> str:
    return str({n: getattr(record.fact, n, None) for n in IDENTITY[record.fact.kind] if getattr(record.fact, n, None)})


def share(hit: int, total: int) -> str:
    return f"{hit}/{total} ({100 * hit / total:.0f}%)" if total else "–"


@dataclass(frozen=True)
class Case:
    """One article to draft and the curated sheet to score the draft against."""

    label: str
    text: Path
    sheet: Path
    additions: Path | None = None  # registry entries the curated sheet needs beyond seeds/registry.yaml
    paste_additions: bool = True  # whether the drafter sees them (False: a first draft of a new article)


def cases() -> list[Case]:
    found = [Case(p.stem, p.with_suffix(".txt"), p) for p in sheet_paths(REPO / "seeds")]
    # The corpus fixture of the build's tests: an article of the lead's writing, first drafted after
    # the rules were written (docs/drafting.md says what followed). Scored with its registry
    # entries pasted, and without.
    fixture = REPO / "tests" / "fixtures" / "third-article"
    for sheet in sorted(fixture.glob("*.yaml")) if fixture.is_dir() else []:
        if sheet.with_suffix(".txt").is_file():
            additions = fixture / "registry-additions.yaml"
            found.append(Case(f"{sheet.stem} (held out)", sheet.with_suffix(".txt"), sheet, additions))
            found.append(Case(f"{sheet.stem} (held out, registry without its entries)", sheet.with_suffix(".txt"),
                              sheet, additions, paste_additions=False))
    return [case for case in found if case.sheet.name != "registry-additions.yaml"]


def project_with(into: Path, case: Case, sheet_text: str, with_additions: bool) -> Path:
    """A copy of the project holding the case's article and `sheet_text` as its sheet."""
    project = project_copy(REPO, into)
    seeds = project / "seeds"
    if with_additions and case.additions:
        registry = seeds / "registry.yaml"
        lines = registry.read_text(encoding="utf-8").splitlines(keepends=True)
        at = lines.index("entities:\n") + 1
        registry.write_text("".join(lines[:at]) + case.additions.read_text(encoding="utf-8") + "".join(lines[at:]),
                            encoding="utf-8")
    shutil.copy(case.text, seeds / case.text.name)
    (seeds / case.sheet.name).write_text(sheet_text, encoding="utf-8")
    return project


def run_case(case: Case) -> dict:
    article_id = case.sheet.stem
    text = case.text.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        curated_project = project_with(Path(tmp) / "curated", case, case.sheet.read_text(encoding="utf-8"), True)
        curated = resolved_articles(curated_project / "seeds")[article_id]
        full_registry = read_registry(curated_project / "seeds" / "registry.yaml")
        drafting_registry = full_registry if case.paste_additions else read_registry(REPO / "seeds" / "registry.yaml")
        draft_article(text, drafting_registry, article_id=article_id)  # warm-up: spaCy, the registry matcher
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            draft = draft_article(text, drafting_registry, article_id=article_id)
            runs.append(time.perf_counter() - started)
        project = project_with(Path(tmp) / "drafted", case, render_sheet(draft, case.text.name), case.paste_additions)
        summary = build(project, project / "dist")
        drafted = resolved_articles(project / "seeds")[article_id]
    suggested = {key for fact in draft.facts for key in fact.keys()}
    result = score(case.label, curated, drafted, resolve.index_registry(full_registry), suggested)
    result["builds_as_draft"] = article_id in summary.drafts
    result["seconds"] = round(min(runs), 3)
    result["proposals"] = [p.key for p in draft.proposals]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--details", action="store_true", help="also list the drafted facts that differ or have no counterpart")
    args = parser.parse_args()
    results = [run_case(case) for case in cases()]
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cubakg", "draft", str(REPO / "seeds" / "003_04d8b4ff46bc92ce.txt")],
                   capture_output=True, check=True, cwd=REPO, env={"PYTHONPATH": str(REPO / "src"), "PATH": ""})
    cold = time.perf_counter() - started
    if args.json:
        print(json.dumps({"articles": results, "cold_command_seconds": round(cold, 2)}, indent=1))
        return
    print_tables(results, cold)
    if args.details:
        for r in results:
            for line in r["differing"]:
                print(f"differs in {r['article']}: {line}")
            for line in r["unmatched"]:
                print(f"no counterpart in {r['article']}: {line}")


def print_tables(results: list[dict], cold: float) -> None:
    kinds = sorted({k for r in results for k in r["per_kind"]}, key=lambda k: (k not in MECHANICAL, k))
    ids = [r["article"] for r in results]
    seeds = [r for r in results if "held out" not in r["article"]]  # the measure: the seeds together
    print("| evidence of the curated sheet overlapped by the draft (same kind) | " + " | ".join(ids) + " | seeds together |")
    print("|---|" + "---:|" * (len(ids) + 1))
    for kind in kinds:
        cells = [share(*r["per_kind"].get(kind, [0, 0, 0])[:2]) for r in results]
        total = [sum(r["per_kind"].get(kind, [0, 0, 0])[i] for r in seeds) for i in (0, 1)]
        print(f"| {kind}{' *' if kind in MECHANICAL else ''} | " + " | ".join(cells) + f" | {share(*total)} |")
    for label, chosen, column in (("mechanical kinds *", MECHANICAL, 0), ("all kinds", None, 0), ("all kinds, any drafted evidence", None, 2)):
        cells, total = [], [0, 0]
        for r in results:
            hit = sum(v[column] for k, v in r["per_kind"].items() if chosen is None or k in chosen)
            n = sum(v[1] for k, v in r["per_kind"].items() if chosen is None or k in chosen)
            cells.append(share(hit, n))
            if r in seeds:
                total = [total[0] + hit, total[1] + n]
        print(f"| **{label}** | " + " | ".join(cells) + f" | **{share(*total)}** |")
    print()
    print("| | " + " | ".join(ids) + " |")
    print("|---|" + "---|" * len(ids))
    print("| entity mentions (curated sheet's entities the draft's facts name) | " + " | ".join(share(*r["entities"]) for r in results) + " |")
    print("| entity mentions, in facts or commented suggestions | " + " | ".join(share(*r["entities_with_suggestions"]) for r in results) + " |")
    print("| entities missed by both | " + " | ".join(", ".join(r["missed_entities"]) or "none" for r in results) + " |")
    for key in ("agrees", "differs", "no counterpart"):
        print(f"| drafted facts: {key} | " + " | ".join(share(r["agreement"].get(key, 0), sum(r["agreement"].values())) for r in results) + " |")
    print("| dates or figures contradicting the curated sheet | " + " | ".join(str(len(r["contradictions"])) for r in results) + " |")
    print("| builds as it is, marked draft | " + " | ".join("yes" if r["builds_as_draft"] else "NO" for r in results) + " |")
    print("| time to draft (in-process, best of 5) | " + " | ".join(f"{r['seconds']:.3f} s" for r in results) + " |")
    print(f"\n`cubakg draft` of one article from a cold start (Python, spaCy and the registry loaded): {cold:.2f} s")
    for r in results:
        for problem in r["contradictions"]:
            print(f"contradiction in {r['article']}: {problem}")


if __name__ == "__main__":
    main()
