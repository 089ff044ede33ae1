"""The Typer application object shared by the command modules."""

from __future__ import annotations

import sys

import typer

from cubakg.errors import CubakgError

app = typer.Typer(
    name="cubakg",
    help=(
        "A knowledge graph of US–Cuba migration diplomacy, built from news articles.\n\n"
        "Exit codes: 0 success/conforms, 1 does not conform, 2 usage error, "
        "3 unreadable or unparseable input, 4 internal error."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def report_error(error: CubakgError) -> None:
    """Print an error for a person: location, message, hint; never a traceback."""
    sys.stderr.write(f"cubakg: {error}\n")
    details = getattr(error, "details", "")
    if details:
        sys.stderr.write(details.rstrip("\n") + "\n")
