"""`cubakg load`: the release into a SPARQL 1.1 triple store (`cubakg serve` is in cli/serve.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from cubakg.cli.app import app
from cubakg.errors import UsageError
from cubakg.resources import RELEASE_DIR


def progress_printer():
    """A progress callback for a terminal; None in a pipe, so pipes stay quiet."""
    if not sys.stderr.isatty():
        return None

    def show(message: str) -> None:
        sys.stderr.write(f"\r\033[K{message}")
        sys.stderr.flush()

    return show


def end_progress(progress) -> None:
    if progress:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


LOAD_FLAG_WORDS = {
    "endpoint": "check --endpoint URL (the SPARQL query endpoint)",
    "store": "pass the store's Graph Store URL with --store URL",
    "update": "pass the store's SPARQL Update URL with --update URL",
    "graph": "pass an absolute IRI with --graph IRI",
    "layout": "load with --per-article-graphs or --graph IRI",
    "protocol": "pass --protocol auto, gsp or update",
    "timeout": "allow more time with --timeout SECONDS",
    "batch_size": "pass a positive --batch-size N",
}


@app.command(
    "load",
    epilog=(
        "Example:\n\n"
        "  cubakg serve &   # or any SPARQL 1.1 store\n\n"
        "  cubakg load --endpoint http://127.0.0.1:7878/query --per-article-graphs\n\n"
        "The triples go to fresh staging graphs first, are counted there, and only then replace the "
        "target graphs (SPARQL Update ADD and DROP); on any failure the targets stay as they were.\n\n"
        "Credentials: CUBAKG_ENDPOINT_USER + CUBAKG_ENDPOINT_PASSWORD (HTTP Basic or Digest) or "
        "CUBAKG_ENDPOINT_TOKEN (Bearer) in the environment, or ~/.netrc.\n\n"
        "Write URLs derived from --endpoint: …/query → …/store, …/update (Oxigraph); "
        "…/sparql → …/data, …/update (Fuseki). Others: give --store / --update.\n\n"
        "Exit codes: 0 loaded and counted, 1 the counts differ (nothing changed), 2 usage, "
        "3 release unreadable or endpoint down/slow/refusing (401/403/5xx)."
    ),
)
def load_command(
    endpoint: str = typer.Option(..., "--endpoint", help="The SPARQL query endpoint URL.", metavar="URL"),
    graph: Optional[str] = typer.Option(
        None, "--graph", help="Load the union into this named graph (default: the default graph).", metavar="IRI"
    ),
    per_article_graphs: bool = typer.Option(
        False, "--per-article-graphs", help="One named graph per article plus the shared graph, as in the TriG."
    ),
    protocol: str = typer.Option(
        "auto", "--protocol", metavar="auto|gsp|update",
        help="Stage with gsp (Graph Store Protocol), update (SPARQL Update), or auto: gsp, else update.",
    ),
    store: Optional[str] = typer.Option(None, "--store", help="Graph Store Protocol URL (overrides the derived one).", metavar="URL"),
    update: Optional[str] = typer.Option(None, "--update", help="SPARQL Update URL (overrides the derived one).", metavar="URL"),
    timeout: float = typer.Option(60.0, "--timeout", help="Seconds to wait for each answer.", metavar="SECONDS"),
    batch_size: int = typer.Option(10_000, "--batch-size", help="Triples per request.", metavar="N"),
    release: Path = typer.Option(
        RELEASE_DIR, "--release", help="Folder holding cubakg.ttl and cubakg.trig.", metavar="DIR",
        show_default="dist/, as packaged with cubakg",
    ),
) -> None:
    """Upload the release into a SPARQL 1.1 triple store, replacing the target graphs only once all of it arrived."""
    from cubakg import load as loader
    from cubakg.cli.flags import flag_words

    if graph and per_article_graphs:
        raise UsageError("--graph and --per-article-graphs exclude each other", hint="choose one layout")
    layout = loader.LAYOUT_PER_ARTICLE if per_article_graphs else loader.LAYOUT_GRAPH if graph else loader.LAYOUT_DEFAULT
    progress = progress_printer()
    try:
        with flag_words(LOAD_FLAG_WORDS):
            report = loader.load_release(
                endpoint, release, layout=layout, graph_iri=graph, protocol=protocol, store=store, update=update,
                timeout=timeout, batch_size=batch_size, progress=progress,
            )
    except loader.LoadInterrupted as interrupted:
        end_progress(progress)
        sys.stderr.write(f"cubakg: interrupted. {interrupted.outcome}\n")
        raise
    finally:
        end_progress(progress)
    sys.stdout.write(
        f"loaded {release} into {report.endpoint}: staged via {loader.PROTOCOL_NAMES[report.protocol]} "
        f"({report.via}), swapped in with SPARQL Update ({report.update})\n{report.table()}\n{report.changes()}\n"
    )
    for warning in report.warnings:
        sys.stderr.write(f"cubakg: warning: {warning}\n")

