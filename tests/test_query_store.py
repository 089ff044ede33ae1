"""Saved queries on a corpus: the on-disk store agrees with --data and rdflib, is never stale,
serves several processes at once, and large answers page and stream in little memory.

The corpus is the release's article graphs copied under new identifiers
(query_support.copy_corpus), made once per session; the store lives in the test
session's own cache folder (conftest.py sets $CUBAKG_CACHE_DIR).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from cubakg.query import load_saved_queries, parse_parameter, run_query
from query_support import RELEASE, SEED_TRIG, copy_corpus, corpus_article_id, cubakg_in_process, cubakg_process, finish

REPO = Path(__file__).resolve().parents[1]
SAVED = load_saved_queries()
ID = "https://w3id.org/cubakg/id/"
# A value for each required parameter, chosen in the corpus (article 3 is a copy of a seed article).
PARAMETERS = {
    "entity": ["entity=De Cossio"],
    "article-facts": [f"article={corpus_article_id(3)[:6]}"],
    "cq11-evidence": [f"fact=<{ID}event/talks-round-washington-2022-04>"],
}

pytestmark = pytest.mark.skipif(not SEED_TRIG.is_file(), reason=f"no release at {RELEASE} (run `cubakg build`)")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """A release folder of 10 articles."""
    return copy_corpus(SEED_TRIG, 10, tmp_path_factory.mktemp("corpus-10"))


def answer(name: str, **where) -> tuple[list[str], list[tuple]]:
    found = run_query(name, [parse_parameter(p) for p in PARAMETERS.get(name, [])], **where).result
    return found.variables, [tuple(sorted(row.items())) for row in found.rows]


def test_every_required_parameter_has_a_value():
    for query in SAVED:
        assert set(query.required_parameters) <= {p.split("=")[0] for p in PARAMETERS.get(query.name, [])}


@pytest.mark.parametrize("name", [q.name for q in SAVED])
def test_the_store_data_files_and_rdflib_give_the_same_rows_on_a_corpus(corpus, name):
    store = answer(name, release=corpus)
    trig = answer(name, data=[corpus / "cubakg.trig"])
    cross_check = answer(name, data=[corpus / "cubakg.trig"], engine="rdflib")
    assert store == trig  # in the same order: every saved query orders its rows completely
    assert store[0] == cross_check[0] and Counter(store[1]) == Counter(cross_check[1])
    if name not in ("cq12-outside-knowledge",):  # the corpus has no outside knowledge
        assert store[1], f"{name} answers nothing on the corpus: the comparison would prove nothing"


def test_answers_grow_with_the_corpus_not_with_its_square(tmp_path):
    """Twice and three times the articles of the release: cq10 gives each person in several
    articles a row per copy of each article that names them, so its rows grow by half, and
    each person's article count with them (not with the pairs of articles)."""
    seeds = len({row["item"].value for row in run_query("overview", release=RELEASE).result.rows
                 if row["kind"].value == "nodes derived from article"})
    small = copy_corpus(SEED_TRIG, 2 * seeds, tmp_path / "small")
    large = copy_corpus(SEED_TRIG, 3 * seeds, tmp_path / "large")
    rows = {name: len(answer("cq10-people-in-several-articles", release=path)[1]) for name, path in
            (("small", small), ("large", large))}
    assert rows["large"] * 2 == rows["small"] * 3

    def counts(release: Path) -> dict[str, int]:
        return {row["name"].value: int(row["articles"].value) for row in run_query("cq10", release=release).result.rows}

    # Joe Biden and Carlos Fernandez de Cossio are named in both seed articles (000 and 003).
    for name in ("Joe Biden", "Carlos Fernandez de Cossio"):
        assert counts(large)[name] * 2 == counts(small)[name] * 3 and counts(small)[name] >= 4


def test_a_rebuilt_release_is_never_answered_from_the_old_store(tmp_path):
    from cubakg.query.store import store_path

    release = copy_corpus(SEED_TRIG, 3, tmp_path / "release")
    before = store_path(release)
    assert len(_articles(release)) == 3
    # Rebuilt in place, one article more, as `cubakg build` replaces dist/ (new files).
    rebuilt = copy_corpus(SEED_TRIG, 4, tmp_path / "rebuilt")
    for name in ("cubakg.trig", "cubakg.nt"):
        os.replace(rebuilt / name, release / name)
    assert _articles(release) == sorted(ID + "article/" + corpus_article_id(n) for n in range(4))
    assert store_path(release) != before


def _articles(release: Path) -> list[str]:
    rows = run_query("overview", release=release).result.rows
    return sorted(row["item"].value for row in rows if row["kind"].value == "nodes derived from article")


def test_a_release_rewritten_with_the_same_size_and_time_is_still_seen(tmp_path):
    """The checksum memo keys on the file's identity, not only its size and time."""
    release = copy_corpus(SEED_TRIG, 3, tmp_path / "release")
    trig = release / "cubakg.trig"
    assert len(_articles(release)) == 3
    status = trig.stat()
    text = trig.read_bytes().replace(corpus_article_id(2).encode(), corpus_article_id(7).encode())
    merged = (release / "cubakg.nt").read_bytes().replace(corpus_article_id(2).encode(), corpus_article_id(7).encode())
    trig.write_bytes(text)
    (release / "cubakg.nt").write_bytes(merged)
    os.utime(trig, ns=(status.st_atime_ns, status.st_mtime_ns))  # same size, same modification time
    assert ID + "article/" + corpus_article_id(7) in _articles(release)


def test_two_query_processes_make_and_read_one_store_at_once(corpus, tmp_path):
    cache = {"CUBAKG_CACHE_DIR": str(tmp_path / "fresh-cache")}  # no store yet: both want to make it
    processes = [cubakg_process("query", "cq05", "--release", str(corpus), "--format", "csv", env=cache)
                 for _ in range(2)]
    results = [finish(process) for process in processes]
    for code, out, err, _ in results:
        assert code == 0, err.decode()
    assert results[0][1] == results[1][1]
    # The same rows as the query answered from the TriG, with no store at all.
    by_file = cubakg_in_process("query", "cq05", "--data", str(corpus / "cubakg.trig"), "--format", "csv")
    assert results[0][1].decode() == by_file.stdout and len(by_file.stdout.splitlines()) > 1
    stores = [p for p in (tmp_path / "fresh-cache" / "stores").iterdir() if p.is_dir()]
    assert len(stores) == 1 and not stores[0].name.startswith(".")  # one store, no leftover build folder
    # And two at once on the store that now exists.
    again = [finish(process) for process in
             [cubakg_process("query", "overview", "--release", str(corpus), "--format", "json", env=cache)
              for _ in range(2)]]
    assert [code for code, *_ in again] == [0, 0]
    assert again[0][1] == again[1][1] and json.loads(again[0][1])["results"]["bindings"]


def test_limit_and_offset_page_through_the_ordered_rows(corpus):
    everything = _csv_rows("query", "cq11", "--param", PARAMETERS["cq11-evidence"][0], "--release", str(corpus))
    assert len(everything) > 8
    page = _csv_rows("query", "cq11", "--param", PARAMETERS["cq11-evidence"][0], "--release", str(corpus),
                     "--limit", "5", "--offset", "3")
    assert page == everything[3:8]
    assert _csv_rows("query", "cq11", "--param", PARAMETERS["cq11-evidence"][0], "--release", str(corpus),
                     "--offset", str(len(everything))) == []


def _csv_rows(*arguments: str) -> list[list[str]]:
    done = cubakg_in_process(*arguments, "--format", "csv")
    assert done.returncode == 0, done.stderr
    return list(csv.reader(io.StringIO(done.stdout, newline="")))[1:]


def test_the_table_says_how_many_rows_it_left_out(corpus):
    done = cubakg_in_process("query", "cq10", "--release", str(corpus))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.rstrip("\n").split("\n")
    total = len(_csv_rows("query", "cq10", "--release", str(corpus)))
    assert total > 100
    assert len(lines) == 2 + 100 + 1  # header, rule, the first 100 rows, the footer
    assert lines[-1].startswith(f"(100 of {total:,} rows shown, {total - 100:,} left out")
    limited = cubakg_in_process("query", "cq10", "--release", str(corpus), "--limit", "150")
    assert limited.stdout.rstrip("\n").split("\n")[-1] == "(150 rows)"


def test_a_query_with_its_own_limit_refuses_another(tmp_path):
    query = tmp_path / "limited.rq"
    query.write_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3\n", encoding="utf-8")
    done = cubakg_in_process("query", str(query), "--limit", "2")
    assert done.returncode == 2 and "own LIMIT" in done.stderr


# --- streaming --------------------------------------------------------------------------------

PAIRS = "SELECT ?a ?b WHERE { ?a <http://example.org/p> ?x . ?b <http://example.org/p> ?y }\n"
NODES = 600  # 360,000 rows of two IRIs: some 40 MB of CSV, hundreds of MB as Python objects


@pytest.fixture(scope="module")
def pairs(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("pairs")
    data = folder / "nodes.nt"
    data.write_text("".join(f"<http://example.org/n{i}> <http://example.org/p> \"{i}\" .\n" for i in range(NODES)),
                    encoding="utf-8")
    query = folder / "pairs.rq"
    query.write_text(PAIRS, encoding="utf-8")
    return data, query


@pytest.mark.parametrize("output_format", ["csv", "tsv", "json", "table"])
def test_a_large_answer_streams_in_little_memory(pairs, output_format):
    data, query = pairs
    small = finish(cubakg_process("query", str(query), "--data", str(data), "--format", output_format,
                                  "--limit", "1", stdout=subprocess.DEVNULL))
    large = finish(cubakg_process("query", str(query), "--data", str(data), "--format", output_format,
                                  stdout=subprocess.DEVNULL))
    assert small[0] == 0 and large[0] == 0, large[2].decode()
    # Held whole, 360,000 rows of Python objects would take hundreds of MB more.
    assert large[3] - small[3] < 30 * 1024, f"peak {large[3] // 1024} MB against {small[3] // 1024} MB"


def test_the_streamed_json_is_whole(pairs):
    data, query = pairs
    done = cubakg_in_process("query", str(query), "--data", str(data), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["results"]["bindings"]) == NODES * NODES


def test_a_whole_identifier_names_one_article_even_when_it_starts_another(tmp_path):
    # Identifiers as bench/corpus.py makes them: `X` and its copy `X-c1`.
    release = copy_corpus(SEED_TRIG, 2, tmp_path / "release")
    first, second = corpus_article_id(0), corpus_article_id(1)
    for name in ("cubakg.trig", "cubakg.nt"):
        path = release / name
        path.write_bytes(path.read_bytes().replace(second.encode(), f"{first}-c1".encode()))
    whole = run_query("article-facts", [parse_parameter(f"article={first}")], release=release).result.rows
    start = run_query("article-facts", [parse_parameter(f"article={first[:6]}")], release=release).result.rows
    assert {row["articleId"].value for row in whole} == {first}
    assert {row["articleId"].value for row in start} == {first, f"{first}-c1"}


def test_a_cache_folder_that_cannot_hold_the_store_is_an_input_error(corpus, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("CUBAKG_CACHE_DIR", str(blocked))
    done = cubakg_in_process("query", "overview", "--release", str(corpus))
    assert done.returncode == 3, done.stderr
    assert "cannot make the query store" in done.stderr and "CUBAKG_CACHE_DIR" in done.stderr
    assert "Traceback" not in done.stderr


def test_one_place_to_query_at_a_time(corpus):
    done = cubakg_in_process("query", "overview", "--release", str(corpus), "--data", str(corpus / "cubakg.trig"))
    assert done.returncode == 2 and "only one of" in done.stderr


def test_the_build_leaves_the_store_of_its_release_ready(tmp_path, monkeypatch):
    """`cubakg build` makes the store as it publishes, keyed by the files it wrote."""
    import shutil

    from cubakg.build import build
    from cubakg.query.store import store_path

    cache = tmp_path / "cache"
    monkeypatch.setenv("CUBAKG_CACHE_DIR", str(cache))
    out = tmp_path / "dist"
    build(REPO, out)
    made = [p for p in (cache / "stores").iterdir() if p.is_dir()]
    shutil.rmtree(cache / "checksums")  # the key again from the files' bytes, not from what the build noted
    assert made == [store_path(out)]
    done = cubakg_in_process("query", "overview", "--release", str(out), "--format", "csv")
    assert done.returncode == 0 and "making it" not in done.stderr
    # The build reads the named graphs from the N-Quads it wrote the TriG from: the same quads.
    import pyoxigraph

    from cubakg.query.store import open_store

    expected = pyoxigraph.Store()  # terms as a store keeps them (numbers by value)
    expected.load(path=str(out / "cubakg.trig"), format=pyoxigraph.RdfFormat.TRIG)
    expected.load(path=str(out / "cubakg.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert {str(quad) for quad in open_store(out)} == {str(quad) for quad in expected}


def test_a_build_whose_cache_cannot_hold_the_store_still_publishes(tmp_path, monkeypatch):
    """The store is a convenience: the build warns and reads the release in memory instead."""
    from cubakg.build import build

    blocked = tmp_path / "cache-is-a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("CUBAKG_CACHE_DIR", str(blocked))
    out = tmp_path / "dist"
    summary = build(REPO, out)
    assert any("cannot make the query store" in note for note in summary.notes)
    assert (out / "cubakg.trig").is_file() and (out / "site" / "index.html").is_file()
    assert summary.example_answer  # read from the release in memory
    site = sorted(path.relative_to(out) for path in (out / "site").rglob("*") if path.is_file())
    assert site and all((out / name).read_bytes() == (RELEASE / name).read_bytes() for name in site)


def test_a_blank_node_is_one_node_in_the_named_graphs_and_their_merge(tmp_path):
    # The merge (cubakg.nt) is read in pieces by the bulk loader, which names blank nodes
    # afresh in each piece; a blank node must still meet itself across the graphs.
    from cubakg.query.store import open_store

    release = tmp_path / "release"
    release.mkdir()
    (release / "cubakg.trig").write_text(
        '<http://example.org/g> { _:b <http://example.org/p> "1" . <http://example.org/s> <http://example.org/q> _:b . }\n',
        encoding="utf-8")
    (release / "cubakg.nt").write_text(
        '_:b <http://example.org/p> "1" .\n<http://example.org/s> <http://example.org/q> _:b .\n', encoding="utf-8")
    store = open_store(release)
    rows = list(store.query("SELECT ?g ?o WHERE { <http://example.org/s> <http://example.org/q> ?b . "
                            "?b <http://example.org/p> ?o . GRAPH ?g { ?b <http://example.org/p> ?o } }"))
    assert [(row["g"].value, row["o"].value) for row in rows] == [("http://example.org/g", "1")]


def test_a_broken_merge_file_is_reported_at_its_own_line(tmp_path, monkeypatch):
    import cubakg.query.store as store_module
    from cubakg.errors import InputError

    monkeypatch.setattr(store_module, "LOAD_BYTES", 100)  # many pieces: the error is in a late one
    release = tmp_path / "release"
    release.mkdir()
    (release / "cubakg.nt").write_text('<http://example.org/s> <http://example.org/p> "1" .\n' * 20
                                       + '<http://example.org/s> <http://example.org/p> "unterminated .\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        store_module.open_store(release)
    assert "line 21" in error.value.message


def test_a_store_a_server_holds_is_never_removed_as_old(tmp_path):
    """Old stores beyond the KEEP_STORES last used are removed when a store is made, but not one a
    server is reading (`store_held`), however long ago it was opened."""
    from cubakg.query.store import IN_USE_SECONDS, KEEP_STORES, _remove_old_stores, store_held

    stores = tmp_path / "stores"
    long_ago = time.time() - 10 * IN_USE_SECONDS
    old = []
    for number in range(KEEP_STORES + 2):  # the two used longest ago are beyond those kept
        folder = stores / f"store-{number}"
        folder.mkdir(parents=True)
        os.utime(folder, (long_ago - number, long_ago - number))
        old.append(folder)
    served, unheld = old[-1], old[-2]
    new = stores / "new"
    new.mkdir()
    with store_held(served):
        os.utime(served, (long_ago, long_ago - 100))  # opened long ago
        _remove_old_stores(stores, keep=new)
        assert served.is_dir() and not unheld.exists()
    _remove_old_stores(stores, keep=new)
    assert not served.exists()  # once the server let it go
