"""Property: whatever bytes `cubakg validate` is given, it answers 0, 1 or 3 and never a traceback.

Random bytes and randomly damaged Turtle go through the CLI's entry point
in-process (fast enough for many examples) and, for a few examples, through a
real subprocess.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validate_support import CASES, run_cli

SEED_TURTLE = (CASES / "files" / "negative-count.ttl").read_bytes()
EXTENSIONS = [".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf"]
ALLOWED = {0, 1, 3}


def run_in_process(path: Path) -> tuple[int, str]:
    """The CLI's main() on one file: exit code and everything it printed."""
    from cubakg.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["cubakg", "validate", str(path)]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    finally:
        sys.argv = argv
    return code, out.getvalue() + err.getvalue()


@st.composite
def damaged_turtle(draw) -> bytes:
    """The seed Turtle with a few random cuts, insertions and duplications."""
    data = bytearray(SEED_TURTLE)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["cut", "insert", "duplicate", "byte"]))
        if kind == "cut":
            del data[at:at + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from([b"[", b"]", b"(", b'"', b"<", b">", b";", b".", b"@prefix", b"^^",
                                                b"\\u00", b"_:b", b"\n", b"ckg:personcount", b"\"\"\""]))
        elif kind == "duplicate":
            data[at:at] = data[at:at + draw(st.integers(1, 200))]
        elif at < len(data):
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


inputs = st.one_of(st.binary(max_size=3000), damaged_turtle())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=inputs, extension=st.sampled_from(EXTENSIONS))
def test_any_bytes_in_process(tmp_path: Path, data: bytes, extension: str) -> None:
    path = tmp_path / f"input{extension}"
    path.write_bytes(data)
    code, printed = run_in_process(path)
    assert code in ALLOWED, printed[-2000:]
    assert "Traceback" not in printed, printed[-2000:]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=inputs, extension=st.sampled_from(EXTENSIONS))
def test_any_bytes_through_a_subprocess(tmp_path: Path, data: bytes, extension: str) -> None:
    path = tmp_path / f"input{extension}"
    path.write_bytes(data)
    completed = run_cli(str(path))
    assert completed.returncode in ALLOWED, completed.stderr[-2000:]
    assert "Traceback" not in completed.stdout + completed.stderr
