"""The saved queries' answers on the release, for their pages, each within a time budget.

Each query runs in a forked process; one that has not answered within `budget_s` is
stopped (by its process id) and its page says to run it with `cubakg query` instead;
past `TOTAL_BUDGET_S` for all of them, the rest are not run. A query whose cost grows
with pairs of articles cannot then hold up, or exhaust the memory of, the build of a
large corpus.

The store is an in-memory pyoxigraph Store, which the forked processes share, or the
folder of an on-disk store. A process that has an on-disk store open runs RocksDB's
threads, and a process forked beside threads may wait forever on a lock one of them
held: so the queries on an on-disk store are supervised by a new Python process (not a
multiprocessing spawn, which would run the caller's main script again), which never
opens the store, and each query's process opens it read-only (in about 15 ms).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import select
import sys
import time
from pathlib import Path

from cubakg.memory import collector_paused
from cubakg.site.render import SavedAnswer

# Generous, so that the pages do not depend on timing: at 1,000 articles each saved query answers
# within 2 s with the store's files cached (issue 15), and all of them are answered while the
# resource pages render (about 100 s); with 2 s and 8 s in all, 9 of 20 went without answers,
# which ones depending on the machine's load. A query that runs away is still stopped.
BUDGET_S = 10.0
TOTAL_BUDGET_S = 120.0  # for all of them: past it, the rest are listed without answers
WANTED_CHECK_S = 0.2  # how often a supervisor waiting for an answer checks that the build still wants it


def _answer(store, text: str, connection) -> None:
    connection.send(_shown(_opened(store).query(text)))
    connection.close()


def _shown(answer):
    """The rows of an answer its page shows, and how many it has: at 1,000 articles the saved
    queries give 75,000 rows, of which their pages show 7,000, and the others were converted,
    pickled twice and read back for nothing."""
    from cubakg.query.engines import _from_oxigraph
    from cubakg.site.tables import MAX_ROWS

    return _from_oxigraph(answer, "construct", keep=MAX_ROWS)


def saved_answers(queries, store, budget_s: float = BUDGET_S) -> list[SavedAnswer]:
    """Each saved query with its answer on `store` (queries see its default graph, the merge of the release's graphs, as `cubakg query` does).

    `store`: a pyoxigraph Store in memory, or the folder of an on-disk one (see above).
    Queries that need a parameter, or that outrun the budget, are listed without an answer.
    """
    context = _fork()
    return [_answered(query, store, budget_s, context) for query in queries]


def answers_in_background(queries, store, budget_s: float = BUDGET_S) -> "BackgroundAnswers":
    """`saved_answers`, computed by other processes while the caller does other work.

    Returns an iterable that yields the answers, in order, waiting for them as needed:
    hand it to `site_files`, which reads it after the resource pages are written. A
    caller that fails before reading them all calls its `stop()`.
    """
    context = _fork()
    queries = list(queries)
    if context is None:
        answers = iter(saved_answers(queries, store, budget_s))
        return BackgroundAnswers(queries, answers.__next__, lambda: None, lambda: None, lambda: True)
    if isinstance(store, Path):  # this process may run RocksDB's threads: a new process supervises
        return _supervisor_process(queries, store, budget_s)
    receiving, sending = context.Pipe(duplex=False)
    # Not a daemon: it forks a process per query. It leads a process group, stopped whole.
    supervisor = context.Process(target=_supervise_group, args=(queries, store, budget_s, sending.send_bytes))
    supervisor.start()
    sending.close()

    def finish() -> None:
        supervisor.join()
        receiving.close()

    def stop() -> None:
        from cubakg.parallel import stop_group

        stop_group(supervisor.pid, supervisor.join)
        receiving.close()

    return BackgroundAnswers(queries, lambda: pickle.loads(receiving.recv_bytes()), finish, stop,
                             lambda: receiving.poll(0))


class BackgroundAnswers:
    """The answers `answers_in_background` computes: iterate (once) to receive them in order.

    They are sent all at once, when all are answered. A caller busy with other work calls
    `receive_if_arrived()` now and then, so that they are read as soon as they come rather
    than when it needs them (at 1,000 articles, reading them took 2 s after the last page).
    """

    def __init__(self, queries, receive, finish, stop, arrived):
        self._queries, self._receive, self._finish, self._stop, self._arrived = queries, receive, finish, stop, arrived
        self._done = False
        self._answers: list[SavedAnswer] | None = None

    def __iter__(self):
        if self._answers is None:
            self._answers = self._received()
        yield from self._answers

    @property
    def received(self) -> bool:
        """Whether the answers have been received (or the supervisor has failed)."""
        return self._answers is not None

    def receive_if_arrived(self) -> None:
        """Receive the answers now if they have begun to come; return at once if they have not."""
        if self._answers is None and not self._done and self._arrived():
            self._answers = self._received()

    def _received(self) -> list[SavedAnswer]:
        answers = []
        try:
            for query in self._queries:
                # An answer may be tens of thousands of rows: read with the collector running, it took
                # 3.1 s for the saved queries at 1,000 articles, 0.6 s without.
                with collector_paused():
                    try:
                        answers.append(self._receive())
                    except EOFError:  # the supervisor failed: the rest go without answers
                        answers.append(_unanswered(query))
        finally:
            self._done = True
            self._finish()
        return answers

    def stop(self) -> None:
        """Stop answering (the processes that answer are killed), unless every answer was received."""
        if not self._done:
            self._done = True
            self._stop()


def _supervisor_process(queries, store: Path, budget_s: float) -> BackgroundAnswers:
    """A new Python process answering the queries on the on-disk store in `store`, leading the
    process group of the processes that answer each query."""
    from cubakg.parallel import python_process, stop_process

    process = python_process("from cubakg.site.answers import _serve; _serve()", own_group=True)
    pickle.dump((queries, store, budget_s), process.stdin)
    process.stdin.close()

    def receive() -> SavedAnswer:
        try:
            return pickle.load(process.stdout)
        except pickle.UnpicklingError:
            raise EOFError from None

    def finish() -> None:
        process.stdout.close()  # one left unread stops at its next answer (a broken pipe)
        process.wait()

    def stop() -> None:
        stop_process(process, group=True)
        process.stdout.close()

    def arrived() -> bool:
        return bool(select.select([process.stdout], [], [], 0)[0])

    return BackgroundAnswers(queries, receive, finish, stop, arrived)


def _serve() -> None:
    """The supervisor's side of `_supervisor_process`: the job from standard input, the answers,
    pickled one by one, to standard output."""
    import pyoxigraph  # noqa: F401 - imported once here, not again in each query's process

    import cubakg.query.engines  # noqa: F401

    queries, store, budget_s = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer

    def send(pickled: bytes) -> None:
        out.write(pickled)
        out.flush()

    try:
        _supervise(queries, store, budget_s, send)
    except BrokenPipeError:  # the caller stopped reading: nothing is left to do
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())  # no second error when Python closes it


def _opened(store):
    """`store`, or the on-disk store in the folder `store`, opened read-only."""
    if isinstance(store, Path):
        import pyoxigraph

        return pyoxigraph.Store.read_only(str(store))
    return store


def _supervise_group(queries, store, budget_s: float, send) -> None:
    """`_supervise` in a forked process that leads a process group of its own (see `BackgroundAnswers.stop`)."""
    os.setpgid(0, 0)
    _supervise(queries, store, budget_s, send)


def _supervise(queries, store, budget_s: float, send) -> None:
    with collector_paused():  # it keeps every answer, and makes no cycles (see BackgroundAnswers)
        _supervise_all(queries, store, budget_s, send)


def _supervise_all(queries, store, budget_s: float, send) -> None:
    context = _fork()
    deadline = time.monotonic() + TOTAL_BUDGET_S
    asker = os.getppid()

    def wanted() -> bool:  # the process that asked has not gone (killed): someone will read them
        return os.getppid() == asker

    answers = []
    for query in queries:
        left = min(budget_s, deadline - time.monotonic())
        answer = _answered(query, store, left, context, wanted) if left > 0 else _unanswered(query)
        answers.append(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))  # now, while the next one runs
        if not wanted():
            return
    # Sent once all are answered: the caller may read them only after its pages, and an answer
    # larger than the pipe would otherwise hold up every query after it until then (at 1,000
    # articles the build's process waited 14 s for answers that could have been ready).
    for pickled in answers:
        send(pickled)


def _fork():
    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def _unanswered(query) -> SavedAnswer:
    needs = [p.name for p in query.parameters if p.required]
    return SavedAnswer(query.name, query.title, query.question, query.text, needs, None, timed_out=not needs)


def _answered(query, store, budget_s: float, context, wanted=lambda: True) -> SavedAnswer:
    needs = [p.name for p in query.parameters if p.required]
    result = None if needs else _within_budget(store, query.text, budget_s, context, wanted)
    return SavedAnswer(query.name, query.title, query.question, query.text, needs, result,
                       timed_out=not needs and result is None)


def _within_budget(store, text: str, budget_s: float, context, wanted=lambda: True):
    """The query's answer, or None if it has none within `budget_s`; the query is stopped at once
    when `wanted()` turns false (checked every WANTED_CHECK_S)."""
    if context is None:  # no fork (not on Linux or macOS): answer in this process
        return _shown(_opened(store).query(text))
    receiving, sending = context.Pipe(duplex=False)
    worker = context.Process(target=_answer, args=(store, text, sending), daemon=True)
    worker.start()
    sending.close()
    try:
        deadline = time.monotonic() + budget_s
        while not receiving.poll(min(WANTED_CHECK_S, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline or not wanted():
                return None
        return receiving.recv()
    except EOFError:  # the worker failed: no answer on the page
        return None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receiving.close()
