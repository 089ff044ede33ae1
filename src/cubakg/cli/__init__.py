"""The command-line interface: a thin Typer layer over the library.

Each command lives in its own module and registers itself on `app`; this module
maps library errors to the documented exit codes and never shows a traceback
for a user error.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys

from cubakg.cli.app import app, report_error
from cubakg.errors import EXIT_INTERNAL, CubakgError

# Each import registers its commands on `app`.
from cubakg.cli import build as _build  # noqa: F401,E402
from cubakg.cli import query as _query  # noqa: F401,E402
from cubakg.cli import validate as _validate  # noqa: F401,E402
from cubakg.cli import load as _load  # noqa: F401,E402
from cubakg.cli import draft as _draft  # noqa: F401,E402
from cubakg.cli import serve as _serve  # noqa: F401,E402


# Objects `program` leaves to the operating system when the process ends (None: `main` alone runs).
_left_at_exit: list | None = None


def leave_at_exit(thing) -> None:
    """Keep `thing` until the process ends, never freed object by object (see `program`)."""
    if _left_at_exit is not None:
        _left_at_exit.append(thing)


def program() -> None:
    """The `cubakg` program (the console script and `python -m cubakg`): `main`, then the exit.

    When a command has left something at exit (`cubakg validate`: the store of its input), the
    process ends once the exit handlers have run and the output is flushed, without freeing the
    interpreter's objects one by one: freeing the store of a million triples took 0.4 s of a 10 s
    validation, which the operating system does at once. Tests call `main`, which only returns.
    """
    global _left_at_exit
    _left_at_exit = []
    _stop_on_sigterm()
    try:
        main()
        code = 0
    except SystemExit as ending:
        code = ending.code
    if not _left_at_exit:
        sys.exit(code)
    if code is not None and not isinstance(code, int):  # as sys.exit: a message, then status 1
        sys.stderr.write(f"{code}\n")
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be written
            pass
    os._exit(code or 0)


def _stop_on_sigterm() -> None:
    """SIGTERM (`kill`, a CI's timeout) stops the program as Ctrl-C does: what it was writing is
    removed and the processes it started are stopped (a build leaves `dist/` as it was, and no
    staging folder), then it exits with 143. Processes forked from this one keep the default
    (to end at once), as multiprocessing expects of them."""
    import signal

    program_pid = os.getpid()

    def stop(number, frame) -> None:
        if os.getpid() != program_pid:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise Terminated

    with contextlib.suppress(ValueError, AttributeError):  # not the main thread; no SIGTERM here
        signal.signal(signal.SIGTERM, stop)


class Terminated(BaseException):
    """Raised in the program's process by SIGTERM, unwinding it as Ctrl-C does (what cleans up after
    any exception cleans up after it). Not a KeyboardInterrupt, which Typer turns into exit 130."""


def main(prog_name: str | None = None) -> None:
    """Entry point of the `cubakg` console script and `python -m cubakg`.

    Typer reports usage errors itself (exit 2); library errors carry their exit
    code; anything else is a bug, reported in one line with exit code 4.
    `prog_name` names the program in usage lines (default: as it was started).
    """
    try:
        app(prog_name=prog_name)
    except CubakgError as error:
        report_error(error)
        sys.exit(error.exit_code)
    except Terminated:
        sys.stderr.write("Terminated.\n")
        sys.exit(143)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        sys.exit(0)
    except Exception as error:
        sys.stderr.write(
            f"cubakg: internal error: {type(error).__name__}: {error}\n"
            "This is a bug in cubakg; please report it with the command you ran.\n"
        )
        sys.exit(EXIT_INTERNAL)
