"""The site alone at one size, on a release already built: `python bench/site_only.py dist-dir-or-trig`.

Opens the release's query store (made first if need be, as the build does), then times
what the build's site step does: answering the saved queries (in the background),
rendering every page with two workers, and writing each file with its SHA-256 (as
the build's staging folder does), into a temporary folder. Prints wall time, CPU
time of this process, files, bytes and peak memory.
"""

from __future__ import annotations

import hashlib
import resource
import sys
import tempfile
import time
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def main(trig: Path) -> None:
    from cubakg.query import load_saved_queries
    from cubakg.site.answers import answers_in_background
    from cubakg.query.store import open_store, store_path
    from cubakg.site.build import WORKERS, release_quads
    from cubakg.site.render import site_files

    start = time.perf_counter()
    open_store(trig.parent)  # the release's query store, made if need be, as `cubakg build` makes it
    store = store_path(trig.parent)  # its folder: the answers open it in their own processes, as in the build
    loaded = time.perf_counter() - start
    ontology = (REPO / "ontology" / "cubakg.ttl").read_bytes()
    with tempfile.TemporaryDirectory(dir=REPO / "bench" / "out") as out:
        start, cpu = time.perf_counter(), time.process_time()
        files = size = 0
        for path, data in site_files(release_quads(trig.parent), ontology,
                                     saved_queries=answers_in_background(load_saved_queries(), store),
                                     workers=WORKERS):
            target = Path(out) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            hashlib.sha256(data).hexdigest()
            files += 1
            size += len(data)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"store loaded in {loaded:.1f} s; site: {wall:.1f} s wall, {cpu:.1f} s CPU in the main process, "
          f"{files:,} files, {size / 1e6:.0f} MB, peak {peak:,} MB (main process), {WORKERS} workers")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
