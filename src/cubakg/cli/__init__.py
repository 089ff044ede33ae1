"""The command-line interface: a thin Typer layer over the library.

Each command lives in its own module and registers itself on `app`; this module
maps library errors to the documented exit codes and never shows a traceback
for a user error.
"""

from __future__ import annotations

import sys

import typer

from cubakg.cli.app import app, report_error
from cubakg.errors import EXIT_INTERNAL, CubakgError

# Each import registers its commands on `app`.
from cubakg.cli import build as _build  # noqa: F401,E402
from cubakg.cli import query as _query  # noqa: F401,E402
from cubakg.cli import validate as _validate  # noqa: F401,E402
from cubakg.cli import load as _load  # noqa: F401,E402


def main() -> None:
    """Entry point of the `cubakg` console script and `python -m cubakg`."""
    try:
        app(standalone_mode=False)
    except CubakgError as error:
        report_error(error)
        sys.exit(error.exit_code)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        sys.stderr.write("Aborted.\n")
        sys.exit(130)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    except Exception as error:  # click's usage errors
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(error.exit_code)
        sys.stderr.write(
            f"cubakg: internal error: {type(error).__name__}: {error}\n"
            "This is a bug in cubakg; please report it with the command you ran.\n"
        )
        sys.exit(EXIT_INTERNAL)
