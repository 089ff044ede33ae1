"""The saved queries' answers on the release, for their pages, each within a time budget.

Each query runs in a forked process that shares the store; one that has not
answered within `budget_s` is stopped (by its process id) and its page says to run
it with `cubakg query` instead. A query whose cost grows with pairs of articles
cannot then hold up, or exhaust the memory of, the build of a large corpus.
"""

from __future__ import annotations

import multiprocessing

from cubakg.site.render import SavedAnswer

BUDGET_S = 2.0  # what the saved queries are to meet at 1,000 articles (issue 15)


def _answer(store, text: str, connection) -> None:
    from cubakg.query.engines import _from_oxigraph

    answer = store.query(text, use_default_graph_as_union=True)
    connection.send(_from_oxigraph(answer, "construct"))
    connection.close()


def saved_answers(queries, store, budget_s: float = BUDGET_S) -> list[SavedAnswer]:
    """Each saved query with its answer on `store` (queries see the union of its graphs).

    Queries that need a parameter, or that outrun the budget, are listed without an answer.
    """
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    answers = []
    for query in queries:
        needs = [p.name for p in query.parameters if p.required]
        result = None
        if not needs:
            result = _within_budget(store, query.text, budget_s, context)
        answers.append(SavedAnswer(query.name, query.title, query.question, query.text, needs, result,
                                   timed_out=not needs and result is None))
    return answers


def _within_budget(store, text: str, budget_s: float, context):
    if context is None:  # no fork (not on Linux or macOS): answer in this process
        from cubakg.query.engines import _from_oxigraph

        return _from_oxigraph(store.query(text, use_default_graph_as_union=True), "construct")
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
