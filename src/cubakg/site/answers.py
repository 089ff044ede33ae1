"""The saved queries' answers on the release, for their pages, each within a time budget.

Each query runs in a forked process that shares the store; one that has not
answered within `budget_s` is stopped (by its process id) and its page says to run
it with `cubakg query` instead; past `TOTAL_BUDGET_S` for all of them, the rest are
not run. A query whose cost grows with pairs of articles
cannot then hold up, or exhaust the memory of, the build of a large corpus.
"""

from __future__ import annotations

import multiprocessing

from cubakg.site.render import SavedAnswer

BUDGET_S = 2.0  # what the saved queries are to meet at 1,000 articles (issue 15)
TOTAL_BUDGET_S = 8.0  # for all of them: past it, the rest are listed without answers


def _answer(store, text: str, connection) -> None:
    from cubakg.query.engines import _from_oxigraph

    answer = store.query(text)
    connection.send(_from_oxigraph(answer, "construct"))
    connection.close()


def saved_answers(queries, store, budget_s: float = BUDGET_S) -> list[SavedAnswer]:
    """Each saved query with its answer on `store` (queries see its default graph, the merge of the release's graphs, as `cubakg query` does).

    Queries that need a parameter, or that outrun the budget, are listed without an answer.
    """
    context = _fork()
    return [_answered(query, store, budget_s, context) for query in queries]


def answers_in_background(queries, store, budget_s: float = BUDGET_S):
    """`saved_answers`, computed by a forked process while the caller does other work.

    Returns an iterable that yields the answers, in order, waiting for them as needed:
    hand it to `site_files`, which reads it after the resource pages are written.
    """
    context = _fork()
    queries = list(queries)
    if context is None:
        return saved_answers(queries, store, budget_s)
    receiving, sending = context.Pipe(duplex=False)

    def supervise() -> None:
        import time

        deadline = time.monotonic() + TOTAL_BUDGET_S
        for query in queries:
            left = min(budget_s, deadline - time.monotonic())
            sending.send(_answered(query, store, left, context) if left > 0 else _unanswered(query))
        sending.close()

    supervisor = context.Process(target=supervise)  # not a daemon: it forks a process per query
    supervisor.start()
    sending.close()

    def collect():
        try:
            for query in queries:
                try:
                    yield receiving.recv()
                except EOFError:  # the supervisor failed: the rest go without answers
                    yield _unanswered(query)
        finally:
            supervisor.join()
            receiving.close()

    return collect()


def _fork():
    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def _unanswered(query) -> SavedAnswer:
    needs = [p.name for p in query.parameters if p.required]
    return SavedAnswer(query.name, query.title, query.question, query.text, needs, None, timed_out=not needs)


def _answered(query, store, budget_s: float, context) -> SavedAnswer:
    needs = [p.name for p in query.parameters if p.required]
    result = None if needs else _within_budget(store, query.text, budget_s, context)
    return SavedAnswer(query.name, query.title, query.question, query.text, needs, result,
                       timed_out=not needs and result is None)


def _within_budget(store, text: str, budget_s: float, context):
    if context is None:  # no fork (not on Linux or macOS): answer in this process
        from cubakg.query.engines import _from_oxigraph

        return _from_oxigraph(store.query(text), "construct")
    receiving, sending = context.Pipe(duplex=False)
    worker = context.Process(target=_answer, args=(store, text, sending), daemon=True)
    worker.start()
    sending.close()
    try:
        if receiving.poll(budget_s):
            return receiving.recv()
        return None
    except EOFError:  # the worker failed: no answer on the page
        return None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receiving.close()
