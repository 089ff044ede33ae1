"""Any number of articles: a third article added as a contributor would, draft sheets,
source metadata, and the corpus generator of the build benchmark.

The third article (tests/fixtures/third-article) is of the project's own writing.
Its release is judged by the same release checks as the seeds' release, and by its
own fact cases (tests/release_facts/state-dept-havana-round/).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "third-article"
FIXTURE_ID = "state-dept-havana-round"
ID = "https://w3id.org/cubakg/id/"
sys.path.insert(0, str(ROOT / "bench"))


def copy_project(dest: Path) -> Path:
    for part in ("seeds", "ontology", "shapes"):
        shutil.copytree(ROOT / part, dest / part)
    return dest


def add_fixture_article(project: Path) -> None:
    """What a contributor does: the article, its sheet, and the registry entries it needs (unless
    seeds/ holds the fixture already, as when a contributor added it for real)."""
    if (project / "seeds" / f"{FIXTURE_ID}.yaml").exists():
        return
    for suffix in (".txt", ".yaml"):
        shutil.copy(FIXTURE / f"{FIXTURE_ID}{suffix}", project / "seeds" / f"{FIXTURE_ID}{suffix}")
    registry = project / "seeds" / "registry.yaml"
    text = registry.read_text(encoding="utf-8")
    additions = (FIXTURE / "registry-additions.yaml").read_text(encoding="utf-8")
    entries = "".join(line for line in additions.splitlines(keepends=True) if not line.startswith("#"))
    assert text.count("\nschemes:") == 1
    registry.write_text(text.replace("\nschemes:", "\n" + entries + "\nschemes:"), encoding="utf-8")


def cubakg(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "cubakg", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def three_articles(tmp_path_factory) -> Path:
    """A copy of the project with the fixture article added, built."""
    project = copy_project(tmp_path_factory.mktemp("three") / "project")
    add_fixture_article(project)
    done = cubakg("build", "-C", str(project))
    assert done.returncode == 0, done.stderr
    assert "from 3 articles" in done.stdout
    return project


def test_the_release_checks_pass_on_three_articles(three_articles):
    """The release judges (tests/test_release_*.py) on the three-article release, the
    fixture's own fact cases included. Jena's parser checks are left to the main run."""
    env = {**os.environ, "CUBAKG_RELEASE_DIR": str(three_articles / "dist"),
           "CUBAKG_SEEDS_DIR": str(three_articles / "seeds")}
    judges = [str(ROOT / "tests" / f"test_release_{name}.py") for name in ("evidence", "formats", "datacube", "facts")]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-k", "not jena", *judges],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    skipped_fixture_cases = [line for line in done.stdout.splitlines() if "SKIPPED" in line and FIXTURE_ID in line]
    assert not skipped_fixture_cases, skipped_fixture_cases


def test_the_third_article_merges_with_the_seeds(three_articles):
    """One Havana round and one de Cossio across the articles: keys, not copies."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(path=three_articles / "dist" / "cubakg.trig", format=pyoxigraph.RdfFormat.TRIG)
    rows = store.query(f"""
        SELECT DISTINCT ?graph WHERE {{
          GRAPH ?graph {{ ?p <https://w3id.org/cubakg/ontology#participant> <{ID}person/carlos-fernandez-de-cossio> }}
        }}""")
    graphs = {row["graph"].value for row in rows}
    assert {f"{ID}graph/{FIXTURE_ID}", f"{ID}graph/000_ee45959db7efa7ef", f"{ID}graph/003_04d8b4ff46bc92ce"} <= graphs


def test_a_draft_sheet_with_uncovered_words_builds_with_a_warning(tmp_path):
    project = copy_project(tmp_path / "project")
    add_fixture_article(project)
    sheet = project / "seeds" / f"{FIXTURE_ID}.yaml"
    text = sheet.read_text(encoding="utf-8")
    text = text.replace("  id: state-dept-havana-round\n", "  id: state-dept-havana-round\n  draft: true\n", 1)
    # Leave the last sentence to nobody: the claim that covered it goes.
    text = text[: text.index("  - id: visa-processing-discussed")]
    sheet.write_text(text, encoding="utf-8")

    done = cubakg("build", "-C", str(project))

    assert done.returncode == 0, done.stderr
    assert "warning:" in done.stderr and "draft" in done.stderr
    assert "uncovered: The two sides discussed the resumption of immigrant visa processing at the U.S" in done.stderr
    assert f"article {FIXTURE_ID}: 10 facts (draft)" in done.stdout
    trig = (project / "dist" / "cubakg.trig").read_text(encoding="utf-8")
    assert f"<{ID}article/{FIXTURE_ID}> <https://w3id.org/cubakg/ontology#draft> true" in trig.replace("\n\t", " ") \
        or "ckg:draft true" in trig


def test_the_same_sheet_not_marked_draft_is_refused(tmp_path):
    project = copy_project(tmp_path / "project")
    add_fixture_article(project)
    sheet = project / "seeds" / f"{FIXTURE_ID}.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text[: text.index("  - id: visa-processing-discussed")], encoding="utf-8")
    before = tree_digest(project / "seeds")

    done = cubakg("build", "-C", str(project))

    assert done.returncode == 3, done.stderr
    assert f"{FIXTURE_ID}.txt:7:" in done.stderr  # the line of the sentence in the article
    assert "uncovered: The two sides discussed" in done.stderr
    assert not (project / "dist").exists()
    assert tree_digest(project / "seeds") == before


def test_cubakg_validate_checks_a_sheet_as_the_build_would(tmp_path):
    """`cubakg validate seeds/ID.yaml`: anchoring, references, coverage and the shapes, no dist/."""
    from cubakg.build import check_sheet

    project = copy_project(tmp_path / "project")
    add_fixture_article(project)
    clean = check_sheet(project / "seeds" / f"{FIXTURE_ID}.yaml",
                        project / "shapes" / "cubakg.shapes.ttl", project / "ontology" / "cubakg.ttl")
    assert clean.conforms and clean.facts == 11
    assert not (project / "dist").exists()

    sheet = project / "seeds" / f"{FIXTURE_ID}.yaml"
    text = sheet.read_text(encoding="utf-8").replace("  id: state-dept-havana-round\n", "  id: state-dept-havana-round\n  draft: true\n", 1)
    sheet.write_text(text[: text.index("  - id: visa-processing-discussed")], encoding="utf-8")
    drafted = check_sheet(sheet, project / "shapes" / "cubakg.shapes.ttl", project / "ontology" / "cubakg.ttl")
    gaps = [f for f in drafted.findings if "uncovered" in f.message]
    assert gaps and gaps[0].severity == "Warning" and gaps[0].location.endswith(f"{FIXTURE_ID}.yaml:12")  # `facts:`


def test_the_corpus_generator_is_deterministic(tmp_path):
    from corpus import generate

    first, second = generate(5, tmp_path / "a"), generate(5, tmp_path / "b")
    assert tree_digest(first) == tree_digest(second)
    # The articles of seeds/ in turn, the n-th round of copies named -cN (whatever seeds/ holds).
    originals = sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
    expected = [originals[n % len(originals)] + (f"-c{n // len(originals)}" if n >= len(originals) else "")
                for n in range(5)]
    assert sorted(p.stem for p in (first / "seeds").glob("*.txt")) == sorted(expected)
    copy = first / "seeds" / "003_04d8b4ff46bc92ce-c1.txt"
    if copy.exists():  # a copy of seed 003 has its figures varied
        assert "reached 16,532 in February" in copy.read_text(encoding="utf-8")
        assert "16,531" not in copy.read_text(encoding="utf-8")


def test_a_ten_article_corpus_builds_byte_identically_twice(tmp_path):
    from corpus import generate

    from cubakg.build import build

    project = generate(10, tmp_path / "corpus")
    first = build(project, tmp_path / "dist1")
    build(project, tmp_path / "dist2")
    assert first.triples > 0 and len(first.articles) == 10
    assert tree_digest(tmp_path / "dist1") == tree_digest(tmp_path / "dist2")


SECOND_HEADLINE = """  - id: second-headline
    kind: headline
    text: "WASHINGTON, November 15"
    evidence:
      - "WASHINGTON, November 15"

"""


def test_validate_command_checks_sheets(tmp_path):
    """The command over check_sheet: a clean sheet passes, a shape violation names the fact's
    article line, a quote not in the article is exit 3 with its line."""
    import json

    from cli_support import run_in_process

    project = copy_project(tmp_path / "project")
    add_fixture_article(project)
    sheet = project / "seeds" / f"{FIXTURE_ID}.yaml"
    clean = run_in_process("validate", str(sheet))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "1 sheet(s), 11 facts: 0 violations" in clean.stderr

    text = sheet.read_text(encoding="utf-8")
    # A second headline: an article has at most one schema:headline (cks:ArticleShape-headline).
    sheet.write_text(text.replace("  - id: dateline", SECOND_HEADLINE + "  - id: dateline", 1), encoding="utf-8")
    twice = run_in_process("validate", str(sheet), "--format", "json")
    assert twice.returncode == 1, twice.stderr
    findings = json.loads(twice.stdout)["sheets"][0]["findings"]
    violations = [f for f in findings if f["severity"] == "Violation"]
    assert violations and any("schema:headline" in f["message"] for f in violations), findings
    assert all(f["location"].endswith(f"{FIXTURE_ID}.yaml:4") for f in violations), violations  # `article:`

    sheet.write_text(text.replace("the State Department said", "the State Department says"), encoding="utf-8")
    broken = run_in_process("validate", str(sheet))
    assert broken.returncode == 3
    assert "quote not found" in broken.stderr and f"{FIXTURE_ID}.yaml:30" in broken.stderr, broken.stderr
