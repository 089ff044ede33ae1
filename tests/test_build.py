"""`cubakg build`: determinism, the committed release, and refusal of broken input.

The failure cases are data: tests/build_failures.yaml.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cli_support import run_in_process

ROOT = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((ROOT / "tests" / "build_failures.yaml").read_text(encoding="utf-8"))
PROJECT_PARTS = ("seeds", "ontology", "shapes")


def run_build(project: Path, *args: str, hash_seed: int | None = None) -> subprocess.CompletedProcess:
    """`python -m cubakg build` in a new process, as a user runs it (and with its own hash seed)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    if hash_seed is not None:
        env["PYTHONHASHSEED"] = str(hash_seed)
    return subprocess.run(
        [sys.executable, "-m", "cubakg", "build", "-C", str(project), *args],
        capture_output=True, text=True, env=env, timeout=300,
    )


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def copy_project(dest: Path) -> Path:
    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, dest / part)
    shutil.copytree(ROOT / "dist", dest / "dist")
    return dest


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """One build of the checkout into a temporary folder, shared by the tests that judge it."""
    out = tmp_path_factory.mktemp("fresh") / "dist"
    result = run_build(ROOT, "--out", str(out), hash_seed=1)
    assert result.returncode == 0, result.stderr
    return result, out


def test_fresh_build_equals_committed_dist(fresh_build):
    _, out = fresh_build
    fresh, committed = tree_digest(out), tree_digest(ROOT / "dist")
    assert sorted(fresh) == sorted(committed), "the set of files differs from the committed dist/"
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert not changed, f"a fresh build differs from the committed dist/ in {changed}: run `cubakg build` and commit"


def test_two_builds_are_byte_identical(fresh_build, tmp_path):
    _, first = fresh_build  # built with PYTHONHASHSEED=1
    second = tmp_path / "dist"
    result = run_build(ROOT, "--out", str(second), hash_seed=2)
    assert result.returncode == 0, result.stderr
    assert tree_digest(first) == tree_digest(second)


def test_a_build_without_the_site_writes_the_same_release_less_the_site(fresh_build, tmp_path):
    _, full = fresh_build
    lean = tmp_path / "dist"
    result = run_build(ROOT, "--out", str(lean), "--no-site", hash_seed=3)
    assert result.returncode == 0, result.stderr
    site_parts = ("site/", "w3id/")
    expected = {name: digest for name, digest in tree_digest(full).items() if not name.startswith(site_parts)}
    assert tree_digest(lean) == expected


def test_build_prints_a_summary_and_an_answer(fresh_build):
    result, _ = fresh_build
    sheets = [p for p in (ROOT / "seeds").glob("*.yaml") if p.name != "registry.yaml"]
    assert f"from {len(sheets)} articles" in result.stdout
    assert "Facts by kind:" in result.stdout and "observation " in result.stdout
    assert "A: Carlos Fernandez de Cossio" in result.stdout
    assert "\x1b[" not in result.stdout  # plain in a pipe


def apply_case(project: Path, case: dict) -> tuple[Path, int | None]:
    path = project / case["file"]
    text = path.read_text(encoding="utf-8")
    if "append" in case:
        path.write_text(text + case["append"], encoding="utf-8")
        return path, None
    assert text.count(case["old"]) == 1, f"case {case['id']}: `old` must occur exactly once in {case['file']}"
    edited = text.replace(case["old"], case["new"])
    path.write_text(edited, encoding="utf-8")
    line = edited[: edited.index(case["line_of"])].count("\n") + 1
    return path, line


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_broken_input_is_refused_and_dist_untouched(tmp_path, case):
    project = copy_project(tmp_path / "project")
    before = tree_digest(project / "dist")
    path, line = apply_case(project, case)

    result = run_in_process("build", "-C", str(project))  # refusals need no process of their own

    assert result.returncode == case["exit"], result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for words in case["message"]:
        assert words in result.stderr, f"{words!r} not in:\n{result.stderr}"
    if line is not None:
        assert f"{path.name}:{line}" in result.stderr, f"expected {path.name}:{line} in:\n{result.stderr}"
    assert tree_digest(project / "dist") == before, "a failed build changed dist/"
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".dist-")]
    assert not leftovers, f"a failed build left {leftovers} behind"
