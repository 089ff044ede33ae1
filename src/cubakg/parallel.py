"""Spread per-article work over the machine's cores, in order and deterministically.

`map(function, items)` gives what `builtins.map` gives, in the same order; with
enough items on a machine with more than one core it runs them in forked worker
processes (which see the caller's memory as it was when they forked), so only
small tasks and their results cross between processes. Small jobs stay in this
process: starting workers costs more than it saves.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

from cubakg.memory import collector_paused

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
    if count < 2 or len(items) < MIN_ITEMS or not can_fork():
        yield from (function(item) for item in items)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(count) as pool:
        yield from pool.imap(function, items, chunksize=chunksize)


def can_fork() -> bool:
    # Forking a process that runs other threads can leave locks held in the child. Threads
    # started outside Python count too: an on-disk query store, once opened, runs RocksDB's
    # (a child forked beside them hung on a lock in the allocator).
    return hasattr(os, "fork") and _threads() == 1


def _threads() -> int:
    """The threads of this process: all of them where the system says (Linux), else Python's."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


class Aside:
    """The outcome of a call running in another process (see `aside`)."""

    def __init__(self, process=None, connection=None, value=None, own_group: bool = False):
        self._process, self._connection, self._value = process, connection, value
        self._own_group = own_group

    @property
    def pid(self) -> int | None:
        """The process's id (None where the call ran in this process, or has ended)."""
        return self._process.pid if self._process is not None else None

    def stop(self) -> None:
        """Kill the process (with `own_group`, its process group: the processes it started too)
        and wait for it; `result()` is then never given."""
        if self._process is None:
            return
        if self._own_group:
            stop_group(self._process.pid, self._process.join)
        else:
            self._process.kill()
            self._process.join()
        self._connection.close()
        self._process = None

    def result(self):
        """Wait for the call; its return value, or the exception it raised, raised here."""
        if self._process is not None:
            try:
                # A result may be hundreds of thousands of objects (the site's file records), and
                # this process may hold millions: made while the collector runs, they set off a
                # sweep of all of them.
                with collector_paused():
                    kind, value = self._connection.recv()
            except EOFError:
                kind, value = "error", None
            # Not before: interrupted while waiting (Ctrl-C), the caller's `stop()` still finds the process.
            process, self._process = self._process, None
            process.join()
            if kind == "error":
                if self._own_group:  # a call that failed leaves none of its processes running
                    stop_group(process.pid)
                raise value or RuntimeError(f"a worker process stopped (exit code {process.exitcode})")
            self._value = value
        return self._value


def aside(function: Callable[..., R], *args, nicer: int = 0, own_group: bool = False) -> Aside:
    """Start `function(*args)` in a forked process (here, where none can be forked); `.result()` waits.

    `nicer` lowers the process's CPU priority by that much, so that it takes a core only
    when the caller's other work leaves one free. `own_group`: the process leads a process
    group of its own, so that `.stop()` stops the processes it starts with it (which may
    be multiprocessing's too: it is not a daemon process). (It holds
    a copy of every file the caller has open: a pipe the caller writes to, opened
    before, does not end until this process does too.) The function's return value and
    any exception it raises must pickle; an exception that is neither ours nor an
    OSError comes back as a RuntimeError.
    """
    if not can_fork():
        return Aside(value=function(*args))
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_run_and_send, args=(sending, function, args, nicer, own_group), daemon=not own_group)
    process.start()
    sending.close()
    return Aside(process, receiving, own_group=own_group)


def _run_and_send(connection, function, args, nicer: int, own_group: bool = False) -> None:
    try:
        if own_group:
            os.setpgid(0, 0)
        if nicer:
            os.nice(nicer)
        connection.send(("ok", function(*args)))
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the caller, which reports it
        from cubakg.errors import CubakgError

        sent = error if isinstance(error, (CubakgError, OSError)) else RuntimeError(f"{type(error).__name__}: {error}")
        connection.send(("error", sent))
    finally:
        connection.close()


def python_process(statement: str, *args: str, buffer_bytes: int = -1,
                   own_group: bool = False) -> "subprocess.Popen[bytes]":
    """A new Python process running `statement` (which imports what it needs from cubakg), with
    `args` as its `sys.argv[1:]` and pipes to its standard input and output (buffered by
    `buffer_bytes` on this side). `own_group`: it leads a process group of its own, so that
    `stop_process` stops the processes it starts with it (where the system has groups).

    For work beside a process that may run threads (an open on-disk store runs RocksDB's),
    where a fork could wait forever on a lock one of them held; not a multiprocessing
    spawn, which would run the caller's main script again. It imports this same cubakg.

    >>> process = python_process("import sys; print(sys.argv[1])", "hello")   # doctest: +SKIP
    """
    import subprocess
    import sys

    import cubakg

    package_root = str(Path(cubakg.__file__).resolve().parents[1])  # where this cubakg is imported from
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    group = {"process_group": 0} if own_group and hasattr(os, "killpg") else {}
    return subprocess.Popen([sys.executable, "-c", statement, *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, bufsize=buffer_bytes, **group)


GROUP_GONE_S = 5.0  # how long `stop_process` waits for the processes of a group to end


def stop_process(process: "subprocess.Popen[bytes]", group: bool = False) -> None:
    """Kill `process` and wait for it. `group`: it was started to lead a process group
    (`python_process(own_group=True)`), and the whole group is stopped (`stop_group`)."""
    if group and hasattr(os, "killpg"):
        stop_group(process.pid, process.wait)
        return
    process.kill()
    process.wait()


def stop_group(leader: int, wait_for_leader: Callable[[], object] | None = None) -> None:
    """Kill the process group that process `leader` leads, wait for `leader` (our child, unless
    `wait_for_leader` is None: already waited for), then until the group's other members (not
    our children) are gone, so that none still writes once this returns."""
    import signal
    import time

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(leader, signal.SIGKILL)
    if wait_for_leader is not None:
        with contextlib.suppress(ProcessLookupError):  # not yet leading its group: the process alone
            os.kill(leader, signal.SIGKILL)
        wait_for_leader()
    deadline = time.monotonic() + GROUP_GONE_S
    while time.monotonic() < deadline and _group_alive(leader):
        time.sleep(0.01)


def _group_alive(group: int) -> bool:
    """Whether a process of `group` still runs (a killed one already reparented may stay a zombie
    for a moment, until its new parent reaps it; it writes nothing more)."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    for stat in proc.glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] not in "ZX":  # fields: state, ppid, pgrp, …
                return True
    return False
