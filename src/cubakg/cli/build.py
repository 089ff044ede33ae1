"""`cubakg build`: the release from the seeds."""

from __future__ import annotations

from pathlib import Path

import typer

from cubakg.cli.app import app


@app.command()
def build(
    project: Path = typer.Option(Path("."), "--project", "-C", help="The project folder (holds seeds/, ontology/, shapes/)."),
    out: Path = typer.Option(None, "--out", "-o", help="Where to write the release (default: PROJECT/dist)."),
) -> None:
    """Build the release: read the fact sheets, anchor every quote, resolve dates and
    numbers, mint IRIs, emit RDF, validate it with SHACL, and write dist/ atomically.

    Example:  cubakg build            (then: ls dist/)
    """
    from cubakg.build import build as run_build

    summary = run_build(project, out)
    typer.echo(f"Built {summary.out_dir}: {summary.triples} triples from {len(summary.articles)} articles.")
    for article, facts in summary.articles.items():
        typer.echo(f"  article {article}: {facts} facts")
    typer.echo("Facts by kind: " + ", ".join(f"{kind} {n}" for kind, n in summary.facts_by_kind.items()))
    typer.echo(f"SHACL: conforms ({summary.warnings} warnings). Files: {len(summary.files)}.")
    typer.echo(f"\nQ: {summary.example_question}")
    for line in summary.example_answer or ["(no answer in the graph)"]:
        typer.echo(f"A: {line}")
