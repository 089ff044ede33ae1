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

ROOT = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((ROOT / "tests" / "build_failures.yaml").read_text(encoding="utf-8"))
PROJECT_PARTS = ("seeds", "ontology", "shapes")


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
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


def test_fresh_build_equals_committed_dist(tmp_path):
    result = run_build(ROOT, "--out", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr
    fresh, committed = tree_digest(tmp_path / "dist"), tree_digest(ROOT / "dist")
    assert sorted(fresh) == sorted(committed), "the set of files differs from the committed dist/"
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert not changed, f"a fresh build differs from the committed dist/ in {changed}: run `cubakg build` and commit"


def test_two_builds_are_byte_identical(tmp_path):
    digests = []
    for n in (1, 2):
        env_seed = {"PYTHONHASHSEED": str(n)}
        out = tmp_path / f"dist{n}"
        result = subprocess.run(
            [sys.executable, "-m", "cubakg", "build", "-C", str(ROOT), "--out", str(out)],
            capture_output=True, text=True, timeout=300,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **env_seed},
        )
        assert result.returncode == 0, result.stderr
        digests.append(tree_digest(out))
    assert digests[0] == digests[1]


def test_build_prints_a_summary_and_an_answer(tmp_path):
    result = run_build(ROOT, "--out", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr
    sheets = [p for p in (ROOT / "seeds").glob("*.yaml") if p.name != "registry.yaml"]
    assert f"from {len(sheets)} articles" in result.stdout
    assert "Facts by kind:" in result.stdout and "observation " in result.stdout
    assert "A: Carlos Fernandez de Cossio" in result.stdout


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

    result = run_build(project)

    assert result.returncode == case["exit"], result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for words in case["message"]:
        assert words in result.stderr, f"{words!r} not in:\n{result.stderr}"
    if line is not None:
        assert f"{path.name}:{line}" in result.stderr, f"expected {path.name}:{line} in:\n{result.stderr}"
    assert tree_digest(project / "dist") == before, "a failed build changed dist/"
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".dist-")]
    assert not leftovers, f"a failed build left {leftovers} behind"
