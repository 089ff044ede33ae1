"""Helpers for the `cubakg validate` tests: run the CLI, run pyshacl, compare verdicts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cubakg.conformance.fallback import json_keys, report_keys

REPO = Path(__file__).resolve().parents[1]
SHAPES_FILE = REPO / "shapes" / "cubakg.shapes.ttl"
ONTOLOGY_FILE = REPO / "ontology" / "cubakg.ttl"
CASES = Path(__file__).resolve().parent / "validate_cases"
JENA = REPO / "tools" / "jena"  # the wrapper that runs Debian's Apache Jena


def run_cli(*arguments: str, stdin: bytes | None = None, timeout: float = 120, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """`python -m cubakg validate …` as a user runs it; output as text."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    completed = subprocess.run(
        [sys.executable, "-m", "cubakg", "validate", *arguments],
        input=stdin if stdin is not None else b"", capture_output=True, timeout=timeout, env=env, cwd=cwd,
    )
    completed.stdout = completed.stdout.decode("utf-8", errors="replace")
    completed.stderr = completed.stderr.decode("utf-8", errors="replace")
    return completed


def cli_keys(*files: Path | str, extra: tuple[str, ...] = ()) -> set[tuple[str, str, str]]:
    """(focus, component, path) of every SHACL result `cubakg validate --format json` gives."""
    completed = run_cli(*map(str, files), "--format", "json", *extra)
    assert completed.returncode in (0, 1), completed.stderr
    assert "Traceback" not in completed.stderr
    return json_keys(json.loads(completed.stdout))


def pyshacl_keys(*files: Path | str) -> set[tuple[str, str, str]]:
    """The same keys from pyshacl on the same files, shapes and ontology."""
    from pyshacl import validate
    from rdflib import Graph

    data = Graph()
    for file in files:
        data.parse(str(file))
    shapes = Graph().parse(SHAPES_FILE)
    ontology = Graph().parse(ONTOLOGY_FILE)
    _conforms, report, _text = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True)
    return report_keys(report)


def jena_keys(*files: Path | str) -> set[tuple[str, str, str]] | None:
    """The same keys from Apache Jena's `shacl validate`, or None where Jena is not installed."""
    import tempfile

    from rdflib import Graph

    if not JENA.exists() or not Path("/usr/share/java/jena-core.jar").exists():
        return None
    from pyshacl.rdfutil.inoculate import inoculate

    data = Graph()
    for file in files:
        data.parse(str(file))
    # Jena has no ontology option: give it the axioms pyshacl's -e mixes in.
    data = inoculate(data, Graph().parse(ONTOLOGY_FILE))
    with tempfile.NamedTemporaryFile("wb", suffix=".nt", delete=False) as handle:
        handle.write(data.serialize(format="nt", encoding="utf-8"))
        merged = handle.name
    try:
        completed = subprocess.run([str(JENA), "shacl", "validate", "--shapes", str(SHAPES_FILE), "--data", merged],
                                   capture_output=True, timeout=300)
    finally:
        os.unlink(merged)
    if completed.returncode != 0:
        raise AssertionError(completed.stderr.decode("utf-8", "replace"))
    report = Graph().parse(data=completed.stdout.decode("utf-8"), format="turtle")
    return report_keys(report)
