"""A corpus of any size for measuring the build: the seed articles, copied and varied.

Each copy is a seed article under a new id (`{seed-id}-c{n}`), with its figures
changed in the text and in its sheet alike (so every quote still anchors and every
value as written still reads), sharing the seeds' registry. The result is a
project folder that `cubakg build -C` builds.

    python bench/corpus.py 100 bench/out/corpus-100

Deterministic: the same size gives the same files.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("ontology", "shapes")
# Figures of the seed articles: each copy writes its own, the same way round or not.
FIGURE = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")


def vary_figures(text: str, copy: int) -> dict[str, str]:
    """A replacement for each figure: `16,531` → `16,538`, `220,000` → `227,000` (round stays round)."""
    replacements = {}
    for figure in sorted(set(FIGURE.findall(text))):
        value = int(figure.replace(",", ""))
        step = 1000 if value % 1000 == 0 else 1
        replacements[figure] = f"{value + step * copy:,}"
    return replacements


def replace_all(text: str, replacements: dict[str, str]) -> str:
    if not replacements:
        return text
    pattern = re.compile("|".join(rf"\b{re.escape(old)}\b" for old in replacements))
    return pattern.sub(lambda match: replacements[match.group()], text)


def generate(size: int, out: Path, seeds: Path = REPO / "seeds") -> Path:
    """A project folder of `size` articles (the seeds first, then copies)."""
    if out.exists():
        shutil.rmtree(out)
    (out / "seeds").mkdir(parents=True)
    for part in PROJECT_PARTS:
        shutil.copytree(REPO / part, out / part)
    shutil.copy(seeds / "registry.yaml", out / "seeds" / "registry.yaml")
    originals = sorted(p.with_suffix("") for p in seeds.glob("*.txt"))
    for n in range(size):
        original = originals[n % len(originals)]
        copy = n // len(originals)
        article_id = original.name if copy == 0 else f"{original.name}-c{copy}"
        text = original.with_suffix(".txt").read_text(encoding="utf-8")
        sheet = original.with_suffix(".yaml").read_text(encoding="utf-8")
        replacements = vary_figures(text, copy)
        sheet = sheet.replace(f"id: {original.name}\n", f"id: {article_id}\n", 1)
        (out / "seeds" / f"{article_id}.txt").write_text(replace_all(text, replacements), encoding="utf-8", newline="")
        (out / "seeds" / f"{article_id}.yaml").write_text(replace_all(sheet, replacements), encoding="utf-8")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[0].isdigit():
        sys.stderr.write("usage: python bench/corpus.py ARTICLES OUT_DIR\n")
        return 2
    out = generate(int(argv[0]), Path(argv[1]))
    print(f"{argv[0]} articles in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
