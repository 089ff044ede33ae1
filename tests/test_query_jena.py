"""Every saved query gives, on a generated corpus, the very answer Apache Jena gives: the same
rows, in the same order, written the same way in the SPARQL TSV results format.

Jena is a second, independent engine (`tools/jena`, Debian's Jena 4.5; `.ci/run` installs
it). It reads the release's merge, `cubakg.nt`, which is the default graph `cubakg query`
answers from; cubakg answers from the release's store. A parameter is given to Jena as a
`VALUES` block at the top of the query's WHERE clause (cubakg substitutes it). The two differ
where a subquery uses the variable (a VALUES block does not reach into it); none of the
saved queries with a required parameter does.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cubakg.query import load_saved_queries
from differential_support import JENA, jena_installed
from query_support import RELEASE, SEED_TRIG, copy_corpus, corpus_article_id, cubakg_in_process

SAVED = load_saved_queries()
ID = "https://w3id.org/cubakg/id/"
# (the --param given to cubakg, the same value as a SPARQL term for Jena's VALUES block)
PARAMETERS = {
    "entity": ("entity=De Cossio", '"De Cossio"'),
    "article-facts": (f"article={corpus_article_id(3)}", f'"{corpus_article_id(3)}"'),
    "cq11-evidence": (f"fact=<{ID}event/talks-round-washington-2022-04>", f"<{ID}event/talks-round-washington-2022-04>"),
}

pytestmark = [
    pytest.mark.skipif(not SEED_TRIG.is_file(), reason=f"no release at {RELEASE} (run `cubakg build`)"),
    pytest.mark.skipif(not jena_installed(), reason="Apache Jena is not installed (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A release folder of 10 articles (copies of the seeds under new identifiers)."""
    return copy_corpus(SEED_TRIG, 10, tmp_path_factory.mktemp("jena-corpus"))


def with_values(text: str, variable: str, term: str) -> str:
    """The query with `VALUES ?variable { term }` first in its (outermost) WHERE clause."""
    select = text.index("SELECT")
    where = text.index("WHERE {", select) + len("WHERE {")
    return f"{text[:where]}\n  VALUES ?{variable} {{ {term} }}{text[where:]}"


def test_every_required_parameter_has_a_value():
    for query in SAVED:
        for name in query.required_parameters:
            assert query.name in PARAMETERS and PARAMETERS[query.name][0].startswith(f"{name}="), query.name


@pytest.mark.parametrize("query", SAVED, ids=[q.name for q in SAVED])
def test_same_answer_as_jena(query, corpus, tmp_path):
    text = query.text
    ours = ["query", query.name, "--release", str(corpus), "--format", "tsv"]
    if query.name in PARAMETERS:
        given, term = PARAMETERS[query.name]
        ours += ["--param", given]
        text = with_values(text, given.split("=")[0], term)
    done = cubakg_in_process(*ours)
    assert done.returncode == 0, done.stderr
    query_file = tmp_path / f"{query.name}.rq"
    query_file.write_text(text, encoding="utf-8")
    theirs = subprocess.run([str(JENA), "sparql", "--data", str(corpus / "cubakg.nt"), "--query", str(query_file),
                             "--results", "TSV"], capture_output=True, text=True, timeout=300)
    assert theirs.returncode == 0, theirs.stderr
    assert done.stdout.count("\n") > 1 or query.name == "cq12-outside-knowledge", "no rows: the comparison proves nothing"
    assert done.stdout.splitlines() == theirs.stdout.splitlines()
