"""What it costs here to use memory for the first time: µs per page touched, a gigabyte at a time.

On a virtual machine whose kernel hands free memory back to its host (free page
reporting, `/sys/module/page_reporting`), a page handed back costs far more to use
again than one the machine kept: on the development machine (2026-12-03) the first
four gigabytes touched took 1.6–2 µs a page, the next four about 66 µs, the eight after
them about 12 µs (of 15 GB free). Every page the site takes (its index, the
pages copied after a fork, the files' page cache) may be such a page, so this cost,
not the site's own work, is what moves its kernel CPU from one run to the next.
Run it just before `bench/site.py` to see which kind of machine the run will meet.

    python bench/memory.py          # 8 GB, in 1 GB steps
    python bench/memory.py 4        # 4 GB
"""

from __future__ import annotations

import mmap
import sys
import time

GB = 1 << 30
PAGE = mmap.PAGESIZE


def touch(gigabytes: int) -> list[float]:
    """µs per page for each gigabyte of fresh memory touched; all of it held until the end."""
    held, costs = [], []
    for _ in range(gigabytes):
        block = mmap.mmap(-1, GB)
        started = time.perf_counter()
        for offset in range(0, GB, PAGE):
            block[offset] = 1
        costs.append((time.perf_counter() - started) / (GB // PAGE) * 1e6)
        held.append(block)
    for block in held:
        block.close()
    return costs


def main() -> None:
    gigabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    for number, cost in enumerate(touch(gigabytes), start=1):
        print(f"gigabyte {number}: {cost:.1f} µs a page", flush=True)


if __name__ == "__main__":
    main()
