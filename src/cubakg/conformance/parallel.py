"""Two processes for the validation: pyoxigraph keeps the GIL while a query's rows are read,
so threads do not run queries side by side; a forked process does, sharing the loaded store
copy-on-write.

>>> both(lambda: 1 + 1, lambda: 2 + 2)
(2, 4)
"""

from __future__ import annotations

import multiprocessing
import os
import pickle


def available() -> bool:
    """Whether a child may be forked now: the platform forks, and no other thread runs."""
    from cubakg.parallel import can_fork

    return can_fork() and "fork" in multiprocessing.get_all_start_methods()


def both(here, there):
    """`here()` in this process and `there()` in a forked child, side by side: (here(), there()).

    The child's result comes back pickled; an exception in the child is raised here. Without
    fork (Windows), both run here, one after the other. Call it while no other thread runs.
    """
    if not available():
        return here(), there()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave without running the parent's clean-up
        os.close(reader)
        try:
            try:
                payload = pickle.dumps(("ok", there()))
            except BaseException as error:  # noqa: BLE001 - handed to the parent, which raises it
                try:
                    payload = pickle.dumps(("error", error))
                except Exception:
                    payload = pickle.dumps(("error", RuntimeError(f"{type(error).__name__}: {error}")))
            with os.fdopen(writer, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(writer)
    try:
        mine = here()
    finally:
        with os.fdopen(reader, "rb") as stream:
            data = stream.read()
        os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("the second validation process ended without an answer")
    status, value = pickle.loads(data)
    if status == "error":
        raise value
    return mine, value


class Counter:
    """A counter two forked processes share: `take()` gives each call the next number, once."""

    def __init__(self):
        self.value = multiprocessing.get_context("fork").Value("l", 0) if available() else None
        self.local = 0

    def take(self) -> int:
        if self.value is None:
            self.local += 1
            return self.local - 1
        with self.value.get_lock():
            number = self.value.value
            self.value.value = number + 1
        return number
