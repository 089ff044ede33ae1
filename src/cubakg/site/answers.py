"""The saved queries' answers on the release, for their pages, each within a time budget.

The queries run one after another in a forked process (`Answerer`); one that has not
answered within `budget_s` is stopped with its process (by its process id), its page says
to run it with `cubakg query` instead, and a new process answers the next; past
`TOTAL_BUDGET_S` for all of them, the rest are not run. A query whose cost grows with
pairs of articles cannot then hold up, or exhaust the memory of, the build of a large corpus.

The store is an in-memory pyoxigraph Store, which the forked processes share, or the
folder of an on-disk store. A process that has an on-disk store open runs RocksDB's
threads, and a process forked beside threads may wait forever on a lock one of them
held: so the queries on an on-disk store are supervised by a new Python process (not a
multiprocessing spawn, which would run the caller's main script again), which never
opens the store, and the process answering them opens it read-only (in about 15 ms).
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


def _answer_each(store, tasks, answers) -> None:
    """The forked side of `Answerer`: the store opened once, then each query's answer (None where
    it failed) for each query text received, until there are no more."""
    opened = _opened(store)
    while True:
        try:
            text = tasks.recv()
        except EOFError:
            return
        try:
            answer = _shown(opened.query(text))
        except Exception:  # noqa: BLE001 - its page says to run it with `cubakg query`, which reports why
            answer = None
        answers.send(answer)


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
    with Answerer(store, _fork()) as answerer:
        return [_answered(query, answerer, budget_s) for query in queries]


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
    # Not a daemon: it forks the process that answers (Answerer). It leads a process group, stopped whole.
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
    import pyoxigraph  # noqa: F401 - imported once here, not again in the process that answers

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
    deadline = time.monotonic() + TOTAL_BUDGET_S
    asker = os.getppid()

    def wanted() -> bool:  # the process that asked has not gone (killed): someone will read them
        return os.getppid() == asker

    answers = []
    with Answerer(store, _fork()) as answerer:
        for query in queries:
            left = min(budget_s, deadline - time.monotonic())
            answer = _answered(query, answerer, left, wanted) if left > 0 else _unanswered(query)
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


def _answered(query, answerer: "Answerer", budget_s: float, wanted=lambda: True) -> SavedAnswer:
    needs = [p.name for p in query.parameters if p.required]
    result = None if needs else answerer.answer(query.text, budget_s, wanted)
    return SavedAnswer(query.name, query.title, query.question, query.text, needs, result,
                       timed_out=not needs and result is None)


class Answerer:
    """Queries answered on `store` one after another by one forked process, each within a budget.

    One process for all of them, rather than one each, so that the memory a query used is used
    again by the next: at 1,000 articles, a process per query took 0.33 million pages of memory
    new to it for the 20 saved queries (1.3 GB), each one a page fault (docs/publishing.md, Cost).
    A query that outruns its budget is stopped with its process, and the next starts another.
    Without fork (not on Linux or macOS), they are answered in this process, with no budget.

    >>> with Answerer(store, multiprocessing.get_context("fork")) as answerer:   # doctest: +SKIP
    ...     answer = answerer.answer("ASK { ?s ?p ?o }", budget_s=10.0)
    """

    def __init__(self, store, context):
        self._store, self._context = store, context
        self._worker = self._tasks = self._answers = None

    def __enter__(self) -> "Answerer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        """The id of the process answering (None while none runs)."""
        return self._worker.pid if self._worker is not None else None

    def answer(self, text: str, budget_s: float, wanted=lambda: True):
        """The query's answer, or None if it has none within `budget_s` (or failed); the query is
        stopped at once when `wanted()` turns false (checked every WANTED_CHECK_S)."""
        if self._context is None:
            return _shown(_opened(self._store).query(text))
        if self._worker is None:
            self._start()
        self._tasks.send(text)
        deadline = time.monotonic() + budget_s
        try:
            while not self._answers.poll(min(WANTED_CHECK_S, max(0.0, deadline - time.monotonic()))):
                if time.monotonic() >= deadline or not wanted():
                    self.stop()
                    return None
            return self._answers.recv()
        except EOFError:  # the process failed: no answer on the page, and another for the next query
            self.stop()
            return None

    def _start(self) -> None:
        receiving_tasks, self._tasks = self._context.Pipe(duplex=False)
        self._answers, sending_answers = self._context.Pipe(duplex=False)
        self._worker = self._context.Process(target=_answer_each, args=(self._store, receiving_tasks, sending_answers),
                                             daemon=True)
        self._worker.start()
        receiving_tasks.close()
        sending_answers.close()

    def stop(self) -> None:
        """Stop the answering process, if one runs (a query it runs included)."""
        if self._worker is None:
            return
        if self._worker.is_alive():
            self._worker.kill()
        self._worker.join()
        self._tasks.close()
        self._answers.close()
        self._worker = self._tasks = self._answers = None
