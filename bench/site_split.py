"""What splitting the site's pages between two processes costs: `python bench/site_split.py RELEASE_DIR`.

Renders the resource pages of a built release (say bench/out/dist-1000, left by
`python bench/site.py 1000`) three times, each in a fresh process with its own index:
all of them, then the pages made per article (which the build's two processes share,
`ArticleUnits`), then the others. Prints the CPU time of the rendering alone (not the reading and
indexing) and the files of each: the two parts add up to more than the whole by
what each process computes for itself that the other computes too (each fact's Turtle
and JSON-LD, the statements and labels the pages show).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
PARTS = ("all", "per-article", "others")


def render(release: Path, part: str) -> tuple[int, float]:
    """(files, CPU seconds) of rendering the `part` of the release's resource pages."""
    from cubakg.site.build import ArticleUnits, _void, release_quads
    from cubakg.site.render import prepared_site

    with prepared_site(release_quads(release), (release / "ontology.ttl").read_bytes(), void=_void(release)) as site:
        units = ArticleUnits(site.planned)
        batches = {"all": None, "per-article": units.units, "others": site.batches(units.others)}[part]
        cpu, files = time.process_time(), 0
        for _ in site.resource_files(1, batches):
            files += 1
        return files, time.process_time() - cpu


def main(release: Path) -> None:
    print("| pages | files | rendering CPU |\n|---|---:|---:|")
    seconds = {}
    for part in PARTS:
        done = subprocess.run([sys.executable, __file__, "--one", str(release), part],
                              capture_output=True, text=True, check=True)
        files, seconds[part] = done.stdout.split()
        print(f"| {part} | {int(files):,} | {float(seconds[part]):.1f} s |", flush=True)
    both = float(seconds["per-article"]) + float(seconds["others"])
    print(f"\nper-article + others = {both:.1f} s: {both / float(seconds['all']):.2f}× rendering them all in one process")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        files, cpu = render(Path(sys.argv[2]), sys.argv[3])
        print(files, round(cpu, 1), flush=True)
        os._exit(0)  # the index is not freed: nothing is left to do
    main(Path(sys.argv[1]))
