"""The Typer application shared by the command modules: `--version`, shell completion, errors.

Command modules register on `app` (`@app.command(...)`) and print through
`cubakg.cli.console`, which gives colour and tables on a terminal and plain text in
pipes. Every option that takes a value names it with a metavar (`FILE`, `URL`, `N`),
so `--help` never shows Python types.

Shell completion is Typer's: `cubakg --install-completion` adds it to your shell
(bash, zsh, fish, PowerShell); `cubakg --show-completion` prints the script.
"""

from __future__ import annotations

from typing import Optional

import typer
import typer.core

from cubakg import __version__
from cubakg.errors import CubakgError

app = typer.Typer(
    name="cubakg",
    help=(
        "A knowledge graph of US–Cuba migration diplomacy, built from news articles.\n\n"
        "Exit codes: 0 success/conforms, 1 does not conform, 2 usage error, "
        "3 unreadable or unparseable input, 4 internal error."
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Help stays plain text everywhere: `docs/cli.md` is made from it, and rich markup
    # would eat the `[…]` of usage lines.
    rich_markup_mode=None,
)


def _argument_type(self: typer.core.TyperArgument, ctx) -> str | None:
    # Typer prints an argument's Python type beside its metavar (`NAME <str>`); the
    # metavar says it for people. Arguments without a metavar keep Typer's label.
    return None if self.metavar else _typer_argument_type(self, ctx)


_typer_argument_type = getattr(typer.core.TyperArgument, "display_type_rich", None)
if _typer_argument_type is not None:  # Typer versions that print argument types
    typer.core.TyperArgument.display_type_rich = _argument_type


def show_version(value: bool) -> None:
    if value:
        typer.echo(f"cubakg {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Optional[bool] = typer.Option(
        None, "--version", callback=show_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    # The options before the command; the app's help above describes cubakg.
    pass


def report_error(error: CubakgError) -> None:
    """Print an error for a person: location, message, hint; never a traceback.

    In red on a terminal; the same words, plain, in a pipe.
    """
    from cubakg.cli import console

    text = f"cubakg: {error}"
    details = getattr(error, "details", "")
    if details:
        text += "\n" + details.rstrip("\n")
    err = console.stderr()
    if err.is_terminal:
        first, _, rest = text.partition("\n")
        err.print(console.escape(first), style="error")
        if rest:
            err.print(console.escape(rest))
    else:
        import sys

        sys.stderr.write(console.printable(text) + "\n")
