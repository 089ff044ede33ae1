"""`cubakg build`: determinism, the committed release, and refusal of broken input.

The failure cases are data: tests/build_failures.yaml.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
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


@pytest.mark.skipif(not Path("/proc/self").is_dir() or sys.platform == "win32", reason="signals; processes from /proc")
@pytest.mark.parametrize("stop_signal, code, said", [(signal.SIGTERM, 143, "Terminated."), (signal.SIGINT, 130, "")])
def test_a_build_stopped_while_writing_its_site_leaves_dist_as_it_was(tmp_path, stop_signal, code, said):
    """`kill` (or a CI's timeout) and Ctrl-C stop a build the same way: the release being written is
    removed, the previous one stays, and no process it started is left running or writing."""
    out = tmp_path / "dist"
    out.mkdir()
    (out / "previous.txt").write_text("the release before this build\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "cubakg", "build", "-C", str(ROOT), "-o", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "CUBAKG_CACHE_DIR": str(tmp_path / "cache")},
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and not any(tmp_path.glob(".dist-new-*/site/id")):
        time.sleep(0.002)
    assert process.poll() is None, "the build ended before its site was being written"
    process.send_signal(stop_signal)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == code, stderr
    assert said in stderr and "Traceback" not in stderr, stderr
    time.sleep(0.5)  # a process left running would go on writing here
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "dist"], "a staging folder was left beside dist/"
    assert [p.name for p in out.iterdir()] == ["previous.txt"]
    assert [pid for pid in _processes_naming(str(tmp_path))] == [], "a process the build started still runs"


def _processes_naming(text: str) -> list[int]:
    """The running processes whose command line holds `text` (the site's writers name their folder)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found
