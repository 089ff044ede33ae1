"""`cubakg build`: the release from the seeds."""

from __future__ import annotations

from pathlib import Path

import typer

from cubakg.cli.app import app
from cubakg.cli.console import say
from cubakg.errors import UsageError

# A project folder: the articles and their fact sheets (seeds/), with the registry the
# sheets name entities from; the ontology and shapes the build writes and checks against.
REGISTRY = Path("seeds") / "registry.yaml"


def check_project_folder(project: Path) -> None:
    """Refuse, before the pipeline starts, a folder that is not a cubakg project, saying what one is."""
    if (project / REGISTRY).is_file():
        return
    where = f"the current folder ({project.resolve()})" if project == Path(".") else str(project)
    raise UsageError(
        f"{where} is not a cubakg project folder: it has no {REGISTRY}",
        hint=(
            "a project folder holds seeds/ (each article's text <id>.txt, its fact sheet <id>.yaml, "
            "and registry.yaml), ontology/cubakg.ttl and shapes/cubakg.shapes.ttl, as a clone of the "
            "cubakg repository does; run `cubakg build` there, or point at it with "
            "`cubakg build -C PATH/TO/PROJECT`. The release that comes with cubakg needs no build: "
            "`cubakg query` and `cubakg load` use it as installed"
        ),
    )


@app.command()
def build(
    project: Path = typer.Option(Path("."), "--project", "-C", metavar="DIR", help="The project folder: seeds/, ontology/ and shapes/, as in a clone of the cubakg repository."),
    out: Path = typer.Option(None, "--out", "-o", metavar="DIR", help="Where to write the release (default: PROJECT/dist)."),
) -> None:
    """Build the release: read the fact sheets, anchor every quote, resolve dates and
    numbers, mint IRIs, emit RDF, validate it with SHACL, and write dist/ atomically.

    Example:  cubakg build            (then: ls dist/)
    """
    from cubakg.build import build as run_build

    check_project_folder(project)
    summary = run_build(project, out)
    say(f"Built {summary.out_dir}: {summary.triples} triples from {len(summary.articles)} articles.", "header")
    for article, facts in summary.articles.items():
        say(f"  article {article}: {facts} facts")
    say("Facts by kind: " + ", ".join(f"{kind} {n}" for kind, n in summary.facts_by_kind.items()))
    say(f"SHACL: conforms ({summary.warnings} warnings). Files: {len(summary.files)}.", "ok")
    say(f"\nQ: {summary.example_question}")
    for line in summary.example_answer or ["(no answer in the graph)"]:
        say(f"A: {line}")
