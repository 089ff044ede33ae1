"""Spread per-article work over the machine's cores, in order and deterministically.

`map(function, items)` gives what `builtins.map` gives, in the same order; with
enough items on a machine with more than one core it runs them in forked worker
processes (which see the caller's memory as it was when they forked), so only
small tasks and their results cross between processes. Small jobs stay in this
process: starting workers costs more than it saves.
"""

from __future__ import annotations

import os
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 16  # below this, workers cost more than they save
MAX_WORKERS = 4


def workers() -> int:
    """Cores this process may use (the affinity mask, not the machine's count), or
    $CUBAKG_WORKERS where set (1: everything in this process)."""
    if os.environ.get("CUBAKG_WORKERS", "").isdigit():
        return max(1, int(os.environ["CUBAKG_WORKERS"]))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


_STATE: object = None


def state():
    """The `state` given to the `map` this call runs in (workers inherit it when they fork)."""
    return _STATE


def map(function: Callable[[T], R], items: Iterable[T], chunksize: int = 4, state: object = None) -> Iterator[R]:  # noqa: A001
    """`function` over `items`, results in order; in worker processes when it pays.

    `state` is what every call may read with `parallel.state()`: large data the
    workers see without it being sent to them.
    """
    global _STATE
    _STATE = state
    items = list(items)
    count = workers()
    if count < 2 or len(items) < MIN_ITEMS or not _can_fork():
        yield from (function(item) for item in items)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(count) as pool:
        yield from pool.imap(function, items, chunksize=chunksize)


def _can_fork() -> bool:
    import threading

    # Forking a process that runs other threads can leave locks held in the child.
    return hasattr(os, "fork") and threading.active_count() == 1
