"""Run `cubakg …` inside the test process: the same entry point as the console script, without
the half second a new Python process costs. Use a subprocess only where the process itself is
what is tested (signals, a server, `python -m cubakg`, stdin of a real pipe).

    from cli_support import run_in_process
    done = run_in_process("query", "cq01", "--format", "csv")
    assert done.returncode == 0, done.stderr
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def _swapped(argv: list[str], stdin: bytes, cwd: Path | None, env: dict[str, str] | None):
    out, err = io.BytesIO(), io.BytesIO()
    saved = (sys.argv, sys.stdin, sys.stdout, sys.stderr, os.getcwd(), dict(os.environ))
    sys.argv = argv
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    if cwd is not None:
        os.chdir(cwd)
    if env is not None:
        os.environ.update(env)
    try:
        yield out, err
    finally:
        sys.argv, sys.stdin, sys.stdout, sys.stderr = saved[:4]
        os.chdir(saved[4])
        os.environ.clear()
        os.environ.update(saved[5])


def run_in_process(*arguments: str, stdin: bytes = b"", cwd: Path | None = None,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`cubakg ARGUMENTS…` through `cubakg.cli.main`; stdout and stderr as text, the exit code."""
    from cubakg.cli import main

    with _swapped(["cubakg", *arguments], stdin, cwd, env) as (out, err):
        try:
            main(prog_name="cubakg")  # else click names it after the test runner's __main__
            code = 0
        except SystemExit as leaving:
            code = leaving.code if isinstance(leaving.code, int) else (0 if leaving.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()  # before the wrappers close them
    return subprocess.CompletedProcess(
        ["cubakg", *arguments], code, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace")
    )
