"""Benchmark the site: how much it adds to `cubakg build`, at 10, 100 and 1,000 articles.

For each size it makes the corpus (bench/corpus.py: the seeds copied and varied),
builds it in this process with the site, and times the site's part (writing
`dist/site/` and the w3id redirects, `cubakg.site.build.write_site`) apart from the
rest of the build, in the same run. Prints wall times, the site's CPU time (in the build's
process, and in all the processes it made the site with; how much of it the kernel's, and
the page faults), the ratio the issue bounds
(site ÷ the build without it: at most 0.5), files and bytes written, and the
process's peak memory. Beside it, the floor: the site's files written again by
plain os calls, with nothing rendered (bench/disk.py). The previous release is
removed before the clock starts, and each timed step waits for a quiet disk (see
bench/disk.py: on the development machine, creating files right after a large
deletion costs ten to thirty times more); the probe's µs per file are printed.
Results are appended to bench/out/site.jsonl.

    python bench/site.py                 # 10 100 1000
    python bench/site.py 10 100
    python bench/site.py 1000 --repeat 3 # three builds: each run's row, then their median ratio
    CUBAKG_BENCH_OUT=/dev/shm/cubakg-bench python bench/site.py 1000   # on a tmpfs

The ratio compares two parts of one build, timed one after the other, and the
development machine's speed changes from minute to minute by up to half: one build's
ratio ranged from 0.50 to 0.80 on one afternoon. `--repeat` gives the median of several.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Where corpora, releases and floors go: $CUBAKG_BENCH_OUT (say, a tmpfs, to time the site without
# this disk's cost of creating files), else bench/out.
OUT = Path(os.environ.get("CUBAKG_BENCH_OUT") or REPO / "bench" / "out")
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))


def measure(size: int) -> dict:
    from corpus import generate
    from disk import remove_then_settle, write_floor

    import cubakg.site.build as site_build
    from cubakg.build import build

    project = generate(size, OUT / f"corpus-{size}")
    # An empty cache: the build makes the query store, as the first build of new articles does.
    cache = OUT / "site-cache"
    os.environ["CUBAKG_CACHE_DIR"] = str(cache)
    probe_us = remove_then_settle([OUT / f"dist-{size}", cache])
    spent = {"site": 0.0}
    write_site = site_build.write_site

    def children_cpu() -> float:  # of the processes ended and waited for: the site's, once it returns
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime

    def kernel_and_faults() -> tuple[float, int]:
        """System CPU and page faults of this process and its ended children: where a page fault is
        dear (on one machine of the same kind, 3-14 µs), they are much of the site's cost."""
        mine, theirs = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return mine.ru_stime + theirs.ru_stime, mine.ru_minflt + theirs.ru_minflt

    def timed(*args, **kwargs):
        start, cpu, others = time.perf_counter(), time.process_time(), children_cpu()
        kernel, faults = kernel_and_faults()
        try:
            return write_site(*args, **kwargs)
        finally:
            spent["site"] += time.perf_counter() - start
            spent["site_cpu"] = spent.get("site_cpu", 0.0) + time.process_time() - cpu
            spent["site_all_cpu"] = spent.get("site_all_cpu", 0.0) + time.process_time() - cpu + children_cpu() - others
            kernel_after, faults_after = kernel_and_faults()
            spent["site_kernel_cpu"] = spent.get("site_kernel_cpu", 0.0) + kernel_after - kernel
            spent["site_faults"] = spent.get("site_faults", 0) + faults_after - faults

    site_build.write_site = timed
    available = available_mb()
    try:
        start = time.perf_counter()
        summary = build(project, OUT / f"dist-{size}")
        total = time.perf_counter() - start
    finally:
        site_build.write_site = write_site
    site_dir = OUT / f"dist-{size}" / "site"
    files = [p for p in site_dir.rglob("*") if p.is_file()]
    rest = total - spent["site"]
    scratch = OUT / f"site-floor-{size}"
    floor_probe_us = remove_then_settle([scratch])
    floor_s = write_floor(site_dir, scratch)
    return {
        "articles": size, "triples": summary.triples, "build_s": round(total, 1), "without_site_s": round(rest, 1),
        "site_s": round(spent["site"], 1), "site_main_cpu_s": round(spent.get("site_cpu", 0.0), 1),
        "site_all_cpu_s": round(spent.get("site_all_cpu", 0.0), 1), "ratio": round(spent["site"] / rest, 2), "site_files": len(files),
        "site_kernel_cpu_s": round(spent.get("site_kernel_cpu", 0.0), 1), "site_page_faults": spent.get("site_faults", 0),
        "site_mb": round(sum(p.stat().st_size for p in files) / 1e6), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        # The largest of the processes it started (SHACL, the store, the site's second process and writer).
        "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
        "floor_write_s": floor_s, "site_over_floor": round(spent["site"] / floor_s, 1) if floor_s else None,
        "probe_us": probe_us, "floor_probe_us": floor_probe_us, "available_mb": available,
    }


def available_mb() -> int | None:
    """The memory the kernel says is available (Linux's MemAvailable), as the build starts: with
    little to spare (say, a tmpfs holding earlier releases), each page fault costs more, and the
    site's kernel CPU trebled on the development machine (28 s rather than 9 s at 1,000 articles)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def main(sizes: list[int], repeat: int = 1) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    print("| articles | triples | build without the site | site (CPU: the build's process, all; of it the kernel's; page faults) | site ÷ build | site files "
          "| site MB | peak RSS (largest other process) | floor: writing the files | site ÷ floor | µs per new file (build, floor) "
          "| memory available at the start |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for size in sizes:
        ratios = [one_build(size)["ratio"] for _ in range(repeat)]
        if repeat > 1:
            print(f"| {size:,} | median of {repeat} builds | | | **{round(statistics.median(ratios), 2)}** "
                  f"({', '.join(map(str, ratios))}) | | | | | | | |", flush=True)


def one_build(size: int) -> dict:
    """Build a corpus of `size` articles in a fresh process (so peak memory is that build's);
    its row, printed and logged."""
    done = subprocess.run([sys.executable, __file__, "--one", str(size)], capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr[-2000:])
        raise SystemExit(done.returncode)
    row = json.loads(done.stdout.strip().splitlines()[-1])
    memory = f"{row['available_mb']:,} MB" if row.get("available_mb") is not None else "–"
    with open(OUT / "site.jsonl", "a", encoding="utf-8") as log:
        log.write(json.dumps(row) + "\n")
    print(f"| {row['articles']:,} | {row['triples']:,} | {row['without_site_s']} s | {row['site_s']} s "
          f"({row['site_main_cpu_s']} s, {row.get('site_all_cpu_s', '–')} s; {row.get('site_kernel_cpu_s', '–')} s; "
          f"{row.get('site_page_faults', 0):,}) | "
          f"{row['ratio']} | {row['site_files']:,} | {row['site_mb']} | {row['peak_mb']:,} MB "
          f"({row['children_peak_mb']:,} MB) "
          f"| {row['floor_write_s']} s | {row['site_over_floor']}× | {row['probe_us']}, {row['floor_probe_us']} "
          f"| {memory} |",
          flush=True)
    return row


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(int(sys.argv[2]))))
    else:
        parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
        parser.add_argument("sizes", nargs="*", type=int, default=[10, 100, 1000])
        parser.add_argument("--repeat", type=int, default=1, help="builds of each size (their median ratio is printed)")
        options = parser.parse_args()
        main(options.sizes, max(options.repeat, 1))
