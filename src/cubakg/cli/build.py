"""`cubakg build`: the release from the seeds."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer

from cubakg.cli.app import app
from cubakg.cli.console import note, say
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
                                 help="The project folder: seeds/, ontology/ and shapes/, as in a clone of the "
                                      "cubakg repository."),
    out: Path = typer.Option(None, "--out", "-o", metavar="DIR", help="Where to write the release (default: PROJECT/dist)."),
    site: bool = typer.Option(True, "--site/--no-site",
                              help="Write the browsable site (site/, w3id/) with the graph files; --no-site leaves "
                                   "it out, which on a large corpus more than halves the build."),
) -> None:
    """Build the release: read the fact sheets, anchor every quote, resolve dates and
    numbers, mint IRIs, emit RDF, validate it with SHACL, and write dist/ atomically.

    Example:  cubakg build            (then: ls dist/)
    """
    from cubakg.build import build as run_build
    from cubakg.conformance.report import plural

    check_project_folder(project)
    progress = progress_on_terminal()
    try:
        summary = run_build(project, out, progress=progress, site=site)
    finally:
        if progress:
            sys.stderr.write("\r\033[K")
    for warning in summary.notes:
        note(f"warning: {warning}", "warning")
    say(f"Built {summary.out_dir}: {summary.triples} triples from {len(summary.articles)} articles.", "header")
    if len(summary.articles) <= 20:
        for article, facts in summary.articles.items():
            draft = " (draft)" if article in summary.drafts else ""
            say(f"  article {article}: {facts} facts{draft}")
    elif summary.drafts:
        say(f"  {len(summary.drafts)} of them from draft sheets: {', '.join(summary.drafts[:10])}"
            + (" …" if len(summary.drafts) > 10 else ""))
    say("Facts by kind: " + ", ".join(f"{kind} {n}" for kind, n in summary.facts_by_kind.items()))
    say(f"SHACL: conforms ({plural(summary.warnings, 'warning')}). Files: {len(summary.files)}.", "ok")
    say(f"\nQ: {summary.example_question}")
    for line in summary.example_answer or ["(no answer in the graph)"]:
        say(f"A: {line}")
