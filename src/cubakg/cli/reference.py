"""docs/cli.md, the command-line reference, made from each command's `--help`.

    python -m cubakg.cli.reference > docs/cli.md      (or: make docs)

tests/test_cli_reference.py fails when docs/cli.md differs from what this prints, so
a change to a command's options or help is a change to the reference too.
"""

from __future__ import annotations

import sys

from cubakg.cli import app

WIDTH = 80  # help is laid out for this width, whatever the terminal, so the file is stable

INTRODUCTION = """\
# Command-line reference

<!-- Made by `python -m cubakg.cli.reference > docs/cli.md` (`make docs`) from each
command's --help; tests/test_cli_reference.py fails when it is stale. Edit the help
in src/cubakg/cli/, not this file. -->

`cubakg COMMAND --help` prints the same text. `python -m cubakg` works like
`cubakg`. Exit codes, for every command: `0` success / conforms, `1` data does not
conform, `2` usage error, `3` input cannot be read or parsed, `4` internal error.

On a terminal, output has colour and tables fit the window; in a pipe or a file it
is plain text (no colour, no escape codes, nothing fitted to a width), the same on
every machine. `NO_COLOR=1` turns colour off; `FORCE_COLOR=1` gives a pipe the
terminal's output. Remarks such as "no results" go to standard error, so
`cubakg … > file` holds only the answer. `-` in place of a file name reads standard
input (`cubakg validate - < data.ttl`, `--shapes -`).

## Shell completion

Commands, options and file names complete with Tab in bash, zsh, fish and
PowerShell:

```sh
cubakg --install-completion          # adds completion to your shell's start-up file; open a new shell
cubakg --show-completion             # or print the script, to install it yourself
```

## Commands
"""


def command_help(path: list[str]) -> str:
    """The --help text of `cubakg PATH…`, laid out for WIDTH columns."""
    from typer.main import get_command

    layout = {"terminal_width": WIDTH, "max_content_width": WIDTH, "resilient_parsing": True}
    command = get_command(app)
    context = command.make_context("cubakg", [], **layout)
    for name in path:
        command = command.get_command(context, name)
        context = command.make_context(name, [], parent=context, **layout)
    return command.get_help(context)


def command_names() -> list[str]:
    """The commands in the order `cubakg --help` lists them."""
    from typer.main import get_command

    group = get_command(app)
    return list(group.list_commands(group.make_context("cubakg", [], resilient_parsing=True)))


def reference() -> str:
    """The whole of docs/cli.md."""
    sections = [INTRODUCTION]
    for path in [[], *([name] for name in command_names())]:
        title = " ".join(["cubakg", *path])
        sections.append(f"### `{title}`\n\n```text\n{command_help(path).rstrip()}\n```\n")
    return "\n".join(sections)


def main() -> None:
    sys.stdout.write(reference())


if __name__ == "__main__":
    main()
