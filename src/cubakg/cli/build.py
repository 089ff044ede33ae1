"""`cubakg build`: the release from the seeds."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer

from cubakg.cli.app import app


def progress_on_terminal():
    """Stage messages with elapsed time on stderr when it is a terminal; nothing in a pipe."""
    if not sys.stderr.isatty():
        return None
    started = time.monotonic()

    def show(message: str) -> None:
        sys.stderr.write(f"\r\033[K[{time.monotonic() - started:5.1f} s] {message}…")
        sys.stderr.flush()

    return show


@app.command()
def build(
    project: Path = typer.Option(Path("."), "--project", "-C", metavar="DIR",
                                 help="The project folder (holds seeds/, ontology/, shapes/)."),
    out: Path = typer.Option(None, "--out", "-o", metavar="DIR", help="Where to write the release (default: PROJECT/dist)."),
) -> None:
    """Build the release: read the fact sheets, anchor every quote, resolve dates and
    numbers, mint IRIs, emit RDF, validate it with SHACL, and write dist/ atomically.

    Example:  cubakg build            (then: ls dist/)
    """
    from cubakg.build import build as run_build

    progress = progress_on_terminal()
    try:
        summary = run_build(project, out, progress=progress)
    finally:
        if progress:
            sys.stderr.write("\r\033[K")
    for note in summary.notes:
        typer.echo(f"warning: {note}", err=True)
    typer.echo(f"Built {summary.out_dir}: {summary.triples} triples from {len(summary.articles)} articles.")
    if len(summary.articles) <= 20:
        for article, facts in summary.articles.items():
            draft = " (draft)" if article in summary.drafts else ""
            typer.echo(f"  article {article}: {facts} facts{draft}")
    elif summary.drafts:
        typer.echo(f"  {len(summary.drafts)} of them from draft sheets: {', '.join(summary.drafts[:10])}"
                   + (" …" if len(summary.drafts) > 10 else ""))
    typer.echo("Facts by kind: " + ", ".join(f"{kind} {n}" for kind, n in summary.facts_by_kind.items()))
    typer.echo(f"SHACL: conforms ({summary.warnings} warnings). Files: {len(summary.files)}.")
    typer.echo(f"\nQ: {summary.example_question}")
    for line in summary.example_answer or ["(no answer in the graph)"]:
        typer.echo(f"A: {line}")
