"""The site step alone, as `cubakg build` runs it, on a release already built:
`python bench/site_only.py RELEASE_DIR [--repeat N]` (say bench/out/dist-1000, left by
`python bench/site.py 1000`).

Makes the release's query store if it has none (in $CUBAKG_CACHE_DIR, as the build does),
copies the files the site is made from (its TriG, VoID, ontology and ontology page) to a
scratch folder beside the release, then runs what `write_site` runs: `site_files_of` in a
forked process that answers the saved queries in the background, indexes the release, forks
the second rendering process and writes every file. Prints, for each run, the wall time and
the CPU time of all the processes the step started, the kernel's share of it and their page
faults. Runs the same work as the build's site step without the rest of the build around it,
so that two versions of the code can be compared by taking turns (the machine's speed moves).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
SOURCES = ("cubakg.trig", "void.ttl", "ontology.html", "ontology.ttl")


def children() -> tuple[float, float, int]:
    """CPU seconds, the kernel's of them, and page faults of the ended child processes waited for."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime, used.ru_stime, used.ru_minflt


def run_once(release: Path, store: Path, scratch: Path) -> dict:
    from cubakg import parallel
    from cubakg.site.build import shares_rendering, site_files_of

    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for name in SOURCES:
        shutil.copyfile(release / name, scratch / name)
    ontology = (scratch / "ontology.ttl").read_bytes()
    cpu, kernel, faults = children()
    start = time.perf_counter()
    making = parallel.aside(site_files_of, store, scratch, ontology, shares_rendering(scratch), True, own_group=True)
    files = making.result()
    wall = time.perf_counter() - start
    cpu_after, kernel_after, faults_after = children()
    shutil.rmtree(scratch)
    return {"wall_s": wall, "cpu_s": cpu_after - cpu, "kernel_s": kernel_after - kernel,
            "faults": faults_after - faults, "files": len(files)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("release", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    from cubakg.query.store import prepare_store

    release = args.release.resolve()
    store = prepare_store(release)  # the folder of the release's on-disk store, made if need be
    scratch = release.parent / f"{release.name}-site-only"
    print("| run | site step | CPU, all its processes | of it the kernel's | page faults | files |\n"
          "|---:|---:|---:|---:|---:|---:|", flush=True)
    for number in range(1, args.repeat + 1):
        run = run_once(release, store, scratch)
        print(f"| {number} | {run['wall_s']:.1f} s | {run['cpu_s']:.1f} s | {run['kernel_s']:.1f} s | "
              f"{run['faults']:,} | {run['files']:,} |", flush=True)


if __name__ == "__main__":
    main()
