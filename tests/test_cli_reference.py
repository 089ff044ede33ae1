"""docs/cli.md is the commands' --help as they are now (the habit sqlite-utils keeps with cog)."""

from __future__ import annotations

import difflib
from pathlib import Path

from cubakg.cli.reference import command_names, reference

CLI_DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_docs_cli_md_is_up_to_date():
    written, current = CLI_DOC.read_text(encoding="utf-8"), reference()
    diff = "".join(difflib.unified_diff(written.splitlines(True), current.splitlines(True),
                                        "docs/cli.md (committed)", "the commands' --help now", n=1))
    assert written == current, (
        "docs/cli.md is stale; remake it with `python -m cubakg.cli.reference > docs/cli.md` "
        f"(or `make docs`):\n{diff[:4000]}"
    )


def test_the_reference_has_a_section_for_every_command():
    text = reference()
    assert set(command_names()) >= {"build", "query", "queries", "validate", "load", "serve", "draft", "coverage"}
    for name in command_names():
        assert f"### `cubakg {name}`\n\n```text\nUsage: cubakg {name} " in text
