"""The repository needs nothing beside it: a user's clone has no team folder next to it.

`.ci/run` proves it by running `make test` in a copy of the clone with nothing beside
it; these checks say where, when a file starts reaching outside again.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from reference import EXTERNAL, JENA, REPO

# What the project runs: its code, tests, benchmarks, build and CI files.
RUN_FILES = [p for folder in ("src", "tests", "bench", ".ci") for p in sorted((REPO / folder).rglob("*"))
             if p.is_file() and p.suffix in ("", ".py", ".sh", ".toml", ".yaml", ".cfg") and "__pycache__" not in p.parts]
RUN_FILES += [REPO / "Makefile", REPO / "pyproject.toml"]
OUTSIDE = re.compile(r"\.\./shared|parents?\[?[2-9]\]?\s*/\s*[\"']shared|parent\s*/\s*[\"']shared[\"']")


def test_nothing_reads_a_folder_beside_the_checkout():
    this_file = Path(__file__).resolve()
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in RUN_FILES if path.resolve() != this_file
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not offenders, "reads outside the repository (vendor the file instead):\n" + "\n".join(offenders)


def listed_checksums() -> dict[str, str]:
    readme = (EXTERNAL / "README.md").read_text(encoding="utf-8")
    return {name: digest for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.M)}


def test_every_vendored_file_is_listed_with_its_checksum():
    vendored = {p.name for p in EXTERNAL.iterdir() if p.suffix == ".ttl"}
    assert vendored and set(listed_checksums()) == vendored


@pytest.mark.parametrize("name", sorted(listed_checksums()))
def test_vendored_file_is_the_unchanged_copy_its_readme_names(name: str):
    # Corrections belong in the tests that use a file, never in the copy.
    assert hashlib.sha256((EXTERNAL / name).read_bytes()).hexdigest() == listed_checksums()[name]


def test_the_jena_wrapper_is_in_the_repository_and_runnable():
    assert JENA.is_file() and JENA.stat().st_mode & 0o111, f"{JENA} must be an executable file"
    assert "httpclient-cache" in JENA.read_text(encoding="utf-8")  # Jena 4.5's JSON-LD 1.0 reader needs it
