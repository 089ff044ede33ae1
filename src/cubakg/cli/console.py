"""Terminal output for every command: colour and tables on a terminal, plain stable text in pipes.

A command prints through this module so that all commands behave alike:

- On a terminal, output has colour and tables are drawn by `rich`, fitted to the
  terminal's width (long cells wrap, or are cut with `…` where `wrap=False`).
- In a pipe or a file, output is plain: no colour, no escape codes, no box
  drawing, never fitted to a width, so scripts and diffs see the same bytes on
  every machine. `NO_COLOR=1` turns colour off on a terminal; `FORCE_COLOR=1`
  (or `TTY_COMPATIBLE=1`) makes a pipe behave like a terminal.
- Remarks that are not the answer (progress, "no results", summaries) go to
  standard error, so `cubakg … > file` holds only the answer.

Usage in a command module:

    from cubakg.cli import console

    console.print_table(["who", "post"], [[console.Cell(console.short_iri(iri), "iri"), "Deputy Minister"]],
                        footer="(1 row)", max_cell=60)
    console.note("no results")                    # on standard error, dimmed on a terminal
    console.say("SHACL: conforms", "ok")          # green on a terminal, plain in a pipe

IRIs are shown with the prefixes of `cubakg.namespaces` (or those given):
`short_iri("https://w3id.org/cubakg/id/person/joe-biden") == "id:person/joe-biden"`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Iterable, Sequence, TextIO

if TYPE_CHECKING:  # rich is imported when something is printed, not when the CLI starts
    from rich.console import Console
    from rich.table import Table
    from rich.theme import Theme

ELLIPSIS = "…"

# Styles by meaning, so commands say what a piece of text is, not which colour it has.
STYLES = {
    "iri": "cyan",
    "literal": "default",
    "number": "magenta",
    "muted": "dim",
    "header": "bold",
    "ok": "green",
    "warning": "yellow",
    "error": "bold red",
}


@cache
def theme() -> "Theme":
    from rich.theme import Theme

    return Theme(STYLES)


def escape(text: str) -> str:
    """`text` with rich markup (`[bold]`) taken literally, and printable (see `printable`)."""
    from rich.markup import escape as rich_escape

    return rich_escape(printable(text))


# Control characters but line feed and tab: ESC (\x1b) and its kin would be read by the terminal
# as commands (clear the screen, set the title, move the cursor), and they can come from any data.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""`text` with each control character but line feed and tab written as an escape, so that
    words from data (a literal, a message from a shapes file) cannot drive the terminal.

    >>> printable("red\x1b[31m")
    'red\\u001B[31m'
    """
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04X}", text)


@dataclass(frozen=True)
class Cell:
    """A table cell with a meaning (`iri`, `literal`, `number`, `muted` …) that picks its style."""

    text: str
    style: str | None = None

    def __str__(self) -> str:
        return self.text


CellLike = str | Cell | None


def stdout() -> "Console":
    """A console on standard output (made on each call, so redirections and test captures apply).

    Text is never wrapped (`soft_wrap`): only tables are fitted to the width.
    """
    from rich.console import Console

    return Console(theme=theme(), highlight=False, soft_wrap=True)


def stderr() -> "Console":
    """A console on standard error."""
    from rich.console import Console

    return Console(theme=theme(), highlight=False, soft_wrap=True, stderr=True)


def say(text: str, style: str | None = None) -> None:
    """A line of the answer on standard output, in `style` on a terminal, as it is in a pipe."""
    console = stdout()
    if console.is_terminal:
        console.print(escape(text), style=style or "")
    else:
        sys.stdout.write(printable(text) + "\n")


def on_terminal(stream: TextIO | None = None) -> bool:
    """Whether `stream` (standard output by default) is a terminal, as rich judges it (FORCE_COLOR …)."""
    if stream is None or stream is sys.stdout:
        return stdout().is_terminal
    if stream is sys.stderr:
        return stderr().is_terminal
    from rich.console import Console

    return Console(file=stream).is_terminal


def note(message: str, style: str = "muted") -> None:
    """A remark for the person at the terminal, on standard error: `note("no results")`."""
    console = stderr()
    if console.is_terminal:
        console.print(escape(message), style=style)
    else:
        sys.stderr.write(printable(message) + "\n")
        sys.stderr.flush()


def short_iri(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """`prefix:rest` with the longest namespace that fits, else the IRI in angle brackets.

    For reading, not for Turtle: the rest may hold `/`, as in `id:person/joe-biden`.
    >>> short_iri("http://example.org/x")
    '<http://example.org/x>'
    """
    if prefixes is None:
        from cubakg.namespaces import PREFIXES as prefixes
    best = max(
        ((prefix, ns) for prefix, ns in prefixes.items() if iri.startswith(ns) and len(iri) > len(ns)),
        key=lambda pair: len(pair[1]), default=None,
    )
    if best is None:
        return f"<{iri}>"
    return f"{best[0]}:{iri[len(best[1]):]}"


def elide(text: str, width: int) -> str:
    """`text` cut to `width` characters, the last an ellipsis when anything was cut (0: never cut)."""
    if width <= 0 or len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + ELLIPSIS


def elide_middle(text: str, width: int) -> str:
    """`text` cut to `width` characters in the middle, keeping both ends: IRIs differ at the end."""
    if width <= 0 or len(text) <= width:
        return text
    if width < 3:
        return elide(text, width)
    head = (width - 1) // 2
    tail = width - 1 - head
    return text[:head] + ELLIPSIS + text[len(text) - tail:]


def one_line(text: str) -> str:
    """Whitespace runs (line breaks included) as single spaces, control characters escaped: a
    cell stays on its row."""
    return printable(" ".join(text.split()))


def plain_table(columns: Sequence[str], rows: Iterable[Sequence[CellLike]], max_cell: int = 0) -> str:
    """Aligned columns separated by two spaces, a rule under the header; the form used in pipes.

    Cells are made one-line; `max_cell` > 0 cuts longer cells (IRIs in the middle).
    """
    text_rows = [[_plain(cell, max_cell) for cell in row] for row in rows]
    widths = [max([len(name)] + [len(row[i]) for row in text_rows]) for i, name in enumerate(columns)]
    lines = [_aligned(list(columns), widths), _aligned(["─" * w for w in widths], widths)]
    lines.extend(_aligned(row, widths) for row in text_rows)
    return "\n".join(lines) + "\n"


def _plain(cell: CellLike, max_cell: int) -> str:
    if cell is None:
        return ""
    text = one_line(str(cell))
    if isinstance(cell, Cell) and cell.style == "iri":
        return elide_middle(text, max_cell)
    return elide(text, max_cell)


def _aligned(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()


def rich_table(columns: Sequence[str], rows: Iterable[Sequence[CellLike]], wrap: bool = True,
               title: str | None = None) -> "Table":
    """A rich Table that fits the console: long cells wrap (or, with `wrap=False`, end in `…`)."""
    from rich import box
    from rich.table import Table

    table = Table(title=title, header_style="header", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name in columns:
        table.add_column(escape(name), overflow="fold" if wrap else "ellipsis", no_wrap=not wrap)
    for row in rows:
        table.add_row(*[_rich_cell(cell) for cell in row])
    return table


def _rich_cell(cell: CellLike):
    from rich.text import Text

    if cell is None:
        return Text("")
    if isinstance(cell, Cell):
        return Text(one_line(cell.text), style=cell.style or "")
    return Text(one_line(cell))


def print_table(columns: Sequence[str], rows: Iterable[Sequence[CellLike]], *, footer: str | None = None,
                max_cell: int = 0, wrap: bool = True) -> None:
    """Print a table on standard output: rich and fitted on a terminal, `plain_table` in a pipe.

    `footer` (e.g. "(3 rows)") follows the table; `max_cell` cuts cells in pipes only
    (a terminal fits the table to its width instead).
    """
    rows = list(rows)
    console = stdout()
    if console.is_terminal:
        console.print(rich_table(columns, rows, wrap=wrap))
        if footer:
            console.print(escape(footer), style="muted")
        return
    sys.stdout.write(plain_table(columns, rows, max_cell))
    if footer:
        sys.stdout.write(footer + "\n")
