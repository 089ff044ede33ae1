"""The command-line interface: a thin Typer layer over the library.

Each command lives in its own module and registers itself on `app`; this module
maps library errors to the documented exit codes and never shows a traceback
for a user error.
"""

from __future__ import annotations

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
