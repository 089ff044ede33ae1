"""Fair timing of steps that create many files: remove old outputs first, and wait for a quiet disk.

On the 2-core development machine (ext4 mounted with `discard`, in a VM), creating
a file costs about 25 µs when the disk is quiet, but 200–700 µs of kernel time for a
minute or more after a large tree has been deleted, while the freed blocks are
discarded. The site writes about 200,000 files at 1,000 articles, so the same
build's site step measured 4.6 s or 70 s of pure writing depending on what ran
before it (`python bench/disk.py` prints the cost of creating a file now). A
benchmark therefore removes its previous outputs before it starts the clock, then
waits until `probe()` says the disk is quiet, and reports what the probe found.

    from disk import remove_then_settle, write_floor
    probe_us = remove_then_settle([old_dist])      # µs per new file when the clock starts
    seconds = write_floor(site_dir, scratch)       # the same files written by plain os calls
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

PROBE_FILES = 1_000
PROBE_BYTES = 8_000  # about a site page
QUIET_US = 60.0  # per file: a quiet disk here takes about 25 µs
SETTLE_LIMIT_SECONDS = 240.0
SETTLE_PAUSE_SECONDS = 10.0


def probe(folder: Path) -> float:
    """µs to create, write and close one small file in a new folder under `folder`.

    The probe's files are left in place (in `folder`): deleting them would itself
    slow the next creations down.
    """
    target = Path(tempfile.mkdtemp(prefix="probe-", dir=folder))
    data = b"x" * PROBE_BYTES
    started = time.perf_counter()
    for number in range(PROBE_FILES):
        handle = os.open(target / f"{number}.html", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(handle, data)
        os.close(handle)
    return (time.perf_counter() - started) / PROBE_FILES * 1e6


def remove_then_settle(paths: list[Path], probes: Path | None = None) -> float:
    """Remove `paths`, then wait (up to SETTLE_LIMIT_SECONDS) until creating a file is quick again.

    Returns the last probe's µs per file: what the timed step starts with.
    """
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)
    probes = probes or paths[0].parent / "disk-probes"  # on the disk the timed step writes to
    probes.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
    while True:
        cost = probe(probes)
        if cost <= QUIET_US or time.monotonic() >= deadline:
            return round(cost, 1)
        time.sleep(SETTLE_PAUSE_SECONDS)


def write_floor(source: Path, scratch: Path) -> float:
    """Seconds to write every file under `source` again, under `scratch`, by plain os calls.

    The files are read into memory first (not timed), so the time is the writing
    alone: the floor of any program writing the same files to this disk.
    """
    files = []
    for root, folders, names in os.walk(source):
        folders.sort()
        for name in sorted(names):
            path = Path(root) / name
            files.append((str(path.relative_to(source)), path.read_bytes()))
    made: set[str] = set()
    started = time.perf_counter()
    for relative, data in files:
        target = os.path.join(scratch, relative)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(handle, data)
        os.close(handle)
    return round(time.perf_counter() - started, 2)


if __name__ == "__main__":
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    print(f"{probe(out):.0f} µs to create a {PROBE_BYTES:,}-byte file in {out}")
