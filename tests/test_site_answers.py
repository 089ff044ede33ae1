"""The saved queries' answers for the site, from the on-disk store the build makes.

The build's process has that store open, so RocksDB's threads run in it; the answers are
supervised by a process started afresh, and the process answering them opens the store itself
(site/answers.py). They must be the answers the same release gives from memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph
import pytest

from cubakg.query import load_saved_queries
from cubakg.query.store import fill, open_store, prepare_store, release_graphs
from cubakg.site import tables
from cubakg.site.views import Link
from cubakg.site.answers import answers_in_background, saved_answers

RELEASE = Path(__file__).resolve().parents[1] / "dist"


def _release_store(on_disk: bool, tmp_path: Path, monkeypatch):
    """The release's on-disk query store (its folder, made in a cache under `tmp_path`), or the release in memory."""
    monkeypatch.setenv("CUBAKG_CACHE_DIR", str(tmp_path))
    if on_disk:
        return prepare_store(RELEASE)
    store = pyoxigraph.Store()
    fill(store, release_graphs(RELEASE))
    return store


def comparable(answer) -> tuple:
    result = answer.result
    if result is None:
        return (answer.name, None)
    return (answer.name, result.form, result.boolean, sorted(map(repr, result.rows)), sorted(map(repr, result.triples)))


@pytest.mark.skipif(not (RELEASE / "cubakg.trig").is_file(), reason="dist/ not built yet")
def test_answers_from_the_on_disk_store_are_those_from_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("CUBAKG_CACHE_DIR", str(tmp_path))
    queries = [query for query in load_saved_queries() if not query.required_parameters]
    assert queries
    folder = prepare_store(RELEASE)
    open_store(RELEASE)  # as in the build: this process now holds the store open
    threads = len(os.listdir("/proc/self/task")) if Path("/proc/self/task").is_dir() else None

    on_disk = list(answers_in_background(queries, folder, budget_s=30))

    if threads is not None:
        assert threads > 1, "the open store was expected to run threads of its own"
    in_memory = pyoxigraph.Store()
    fill(in_memory, release_graphs(RELEASE))
    expected = saved_answers(queries, in_memory, budget_s=30)
    assert [a.name for a in on_disk] == [q.name for q in queries]
    assert not [a.name for a in on_disk if a.timed_out]
    assert [comparable(a) for a in on_disk] == [comparable(a) for a in expected]


@pytest.mark.skipif(not (RELEASE / "cubakg.trig").is_file(), reason="dist/ not built yet")
def test_a_script_without_a_main_guard_runs_once(tmp_path):
    # A new process for the answers must not run the caller's main script again (as a
    # multiprocessing spawn would): a user's script calling the library may have no guard.
    script = tmp_path / "answers.py"
    script.write_text(
        "from pathlib import Path\n"
        "from cubakg.query import load_saved_queries\n"
        "from cubakg.query.store import prepare_store\n"
        "from cubakg.site.answers import answers_in_background\n"
        f"folder = prepare_store(Path({str(RELEASE)!r}))\n"
        "queries = [q for q in load_saved_queries() if not q.required_parameters]\n"
        "answers = list(answers_in_background(queries, folder, budget_s=30))\n"
        "print('answered', sum(a.result is not None for a in answers), 'of', len(queries))\n",
        encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CUBAKG_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout
    answered, total = int(lines[0].split()[1]), int(lines[0].split()[3])
    assert answered == total > 0


@pytest.mark.skipif(not (RELEASE / "cubakg.trig").is_file(), reason="dist/ not built yet")
def test_a_query_over_its_budget_is_stopped_and_the_next_one_answers(tmp_path, monkeypatch):
    from cubakg.query.saved import SavedQuery

    monkeypatch.setenv("CUBAKG_CACHE_DIR", str(tmp_path))
    folder = prepare_store(RELEASE)

    def query(name: str, text: str) -> SavedQuery:
        return SavedQuery(name=name, path=tmp_path / f"{name}.rq", title=name, question=name, row="", parameters=(),
                          competency=None, text=text)

    # Three patterns joined on nothing: (triples)³ rows, far more than a second's work.
    endless = query("endless", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    quick = query("quick", "ASK { ?s ?p ?o }")
    answers: list = []
    reading = threading.Thread(target=lambda: answers.extend(answers_in_background([endless, quick], folder, budget_s=1.0)),
                               daemon=True)
    reading.start()
    reading.join(timeout=60)  # a budget not kept fails here, rather than hanging the test run
    assert not reading.is_alive(), "the answers did not come within a minute: the 1 s budget was not kept"
    assert [(a.name, a.timed_out, a.result is None) for a in answers] == [("endless", True, True), ("quick", False, False)]
    assert answers[1].result.boolean is True


@pytest.mark.skipif(not (RELEASE / "cubakg.trig").is_file(), reason="dist/ not built yet")
def test_answers_received_while_the_caller_works_are_those_it_reads(tmp_path, monkeypatch):
    """`receive_if_arrived` returns at once while a query still runs, and takes the answers once they come."""
    import time

    from cubakg.query.saved import SavedQuery

    monkeypatch.setenv("CUBAKG_CACHE_DIR", str(tmp_path))
    queries = [query for query in load_saved_queries() if not query.required_parameters]
    folder = prepare_store(RELEASE)
    slow = SavedQuery(name="slow", path=tmp_path / "slow.rq", title="slow", question="slow", row="", parameters=(),
                      competency=None, text="SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    answers = answers_in_background([*queries, slow], folder, budget_s=3.0)
    answers.receive_if_arrived()
    assert not answers.received, "received before the slow query's 3 s budget had run out"
    deadline = time.monotonic() + 60
    while not answers.received and time.monotonic() < deadline:
        answers.receive_if_arrived()
        time.sleep(0.05)
    assert answers.received
    got = list(answers)
    assert [a.name for a in got] == [q.name for q in queries] + ["slow"] and got[-1].timed_out
    store = pyoxigraph.Store()
    fill(store, release_graphs(RELEASE))
    assert [comparable(a) for a in got[:-1]] == [comparable(a) for a in saved_answers(queries, store)]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="reads processes from /proc")
@pytest.mark.parametrize("on_disk", [True, False], ids=["on-disk store", "store in memory"])
def test_stopped_answers_leave_no_process_answering(tmp_path, monkeypatch, on_disk):
    """A build that fails before it has read the answers stops the processes computing them,
    the query running in one included."""
    import time

    from cubakg.query.saved import SavedQuery

    store = _release_store(on_disk, tmp_path, monkeypatch)
    endless = SavedQuery(name="endless", path=tmp_path / "endless.rq", title="endless", question="endless", row="",
                         parameters=(), competency=None,
                         text="SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    before = _descendants(os.getpid())
    answers = answers_in_background([endless], store, budget_s=600)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_descendants(os.getpid()) - before) < 2:  # the supervisor and the query
        time.sleep(0.01)
    answering = _descendants(os.getpid()) - before
    assert len(answering) >= 2, "the query's process did not start"
    answers.stop()
    assert [pid for pid in answering if _running(pid)] == []


ASKER = """
import pickle, sys, time
from pathlib import Path
from cubakg.query.saved import SavedQuery
from cubakg.site.answers import answers_in_background
endless = SavedQuery(name="endless", path=Path("endless.rq"), title="endless", question="endless", row="",
                     parameters=(), competency=None,
                     text="SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
answers = answers_in_background([endless], Path(sys.argv[1]), budget_s=600)
print("asked", flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="reads processes from /proc")
def test_answers_stop_soon_after_the_process_that_asked_is_killed(tmp_path, monkeypatch):
    """A build killed outright (SIGKILL: it runs no code to stop them) leaves no query running
    for long: the supervisor sees, while it waits for the answer, that no one will read it."""
    import signal
    import time

    monkeypatch.setenv("CUBAKG_CACHE_DIR", str(tmp_path))
    folder = prepare_store(RELEASE)
    asker = subprocess.Popen([sys.executable, "-c", ASKER, str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert asker.stdout.readline().strip() == "asked"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_descendants(asker.pid)) < 2:  # the supervisor and the query
            time.sleep(0.01)
        answering = _descendants(asker.pid)
        assert len(answering) >= 2, "the query's process did not start"
    finally:
        asker.send_signal(signal.SIGKILL)
        asker.wait()
    deadline = time.monotonic() + 5  # the query alone would run for its 600 s budget
    while time.monotonic() < deadline and any(_running(pid) for pid in answering):
        time.sleep(0.05)
    left_running = [pid for pid in answering if _running(pid)]
    for pid in left_running:  # not left to spin after a failure
        os.kill(pid, signal.SIGKILL)
    assert left_running == []


def _descendants(pid: int) -> set[int]:
    """The running processes descended from `pid` (from /proc)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] not in "ZX":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in "ZX"


LONG = tables.MAX_ROWS + 7  # an answer longer than its page


@pytest.mark.parametrize("text, kept, total", [
    ("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", tables.MAX_ROWS, LONG),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", tables.MAX_ROWS, LONG),
    ("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 3", 3, 3),
], ids=["select", "construct", "short"])
def test_an_answer_keeps_the_rows_its_page_shows_and_counts_them_all(tmp_path, text, kept, total):
    from cubakg.query.saved import SavedQuery

    store = pyoxigraph.Store()
    subject, predicate = pyoxigraph.NamedNode("https://example.org/s"), pyoxigraph.NamedNode("https://example.org/p")
    for number in range(LONG):
        store.add(pyoxigraph.Quad(subject, predicate, pyoxigraph.Literal(f"{number:04d}"), pyoxigraph.DefaultGraph()))
    query = SavedQuery(name="long", path=tmp_path / "long.rq", title="long", question="long", row="", parameters=(),
                       competency=None, text=text)

    [answer] = saved_answers([query], store, budget_s=30)

    result = answer.result
    assert len(result.triples if result.returns_graph else result.rows) == kept
    if not result.returns_graph:
        assert [row["o"].value for row in result.rows[:2]] == ["0000", "0001"]  # the first, in the query's order
    table = tables.result_table(result, _Cells())
    assert (len(table["rows"]), table["total"]) == (kept, total)


class _Cells:
    """The parts of site.views.Views a table's cells use (the links themselves are tested with the site's pages)."""

    @staticmethod
    def made(link):
        return link

    @staticmethod
    def value(node):
        return Link(node.value)


@pytest.mark.skipif(not (RELEASE / "cubakg.trig").is_file(), reason="dist/ not built yet")
@pytest.mark.parametrize("on_disk", [True, False], ids=["on-disk store", "store in memory"])
def test_one_process_answers_query_after_query_until_one_runs_out_of_time(tmp_path, monkeypatch, on_disk):
    """The queries share one process, so that the memory one used is used again by the next. A query
    that fails has no answer; one that outruns its budget has none either, and is stopped with its
    process: the next is answered by a new one."""
    from cubakg.site.answers import Answerer, _fork

    store = _release_store(on_disk, tmp_path, monkeypatch)
    with Answerer(store, _fork()) as answerer:
        first = answerer.answer("ASK { ?s a <https://schema.org/Person> }", budget_s=30)
        pid = answerer.pid
        second = answerer.answer("ASK { ?s a <https://example.org/NoSuchClass> }", budget_s=30)
        assert answerer.pid == pid
        failed = answerer.answer("SELECT * WHERE { ?s ?p }", budget_s=30)  # not SPARQL
        after_failure = answerer.answer("ASK { ?s ?p ?o }", budget_s=30)
        assert answerer.pid == pid
        endless = answerer.answer("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", budget_s=1.0)
        assert answerer.pid is None, "the process running the query out of time was not stopped"
        after_endless = answerer.answer("ASK { ?s ?p ?o }", budget_s=30)
        assert answerer.pid not in (None, pid)
    assert answerer.pid is None
    assert (first.boolean, second.boolean, failed, after_failure.boolean, endless, after_endless.boolean) == \
        (True, False, None, True, None, True)
