"""`cubakg load` (release → a SPARQL 1.1 triple store) and `cubakg serve` (a local Oxigraph)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Optional

import typer

from cubakg.cli.app import app
from cubakg.errors import UsageError
from cubakg.resources import GRAPH_TRIG, RELEASE_DIR

DEFAULT_SERVE_PORT = 7878


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


@app.command(
    "load",
    epilog=(
        "Example:\n\n"
        "  cubakg serve &   # or any SPARQL 1.1 store\n\n"
        "  cubakg load --endpoint http://127.0.0.1:7878/query --per-article-graphs\n\n"
        "Credentials: CUBAKG_ENDPOINT_USER + CUBAKG_ENDPOINT_PASSWORD (HTTP Basic) or "
        "CUBAKG_ENDPOINT_TOKEN (Bearer) in the environment, or ~/.netrc.\n\n"
        "Write URLs derived from --endpoint: …/query → …/store, …/update (Oxigraph); "
        "…/sparql → …/data, …/update (Fuseki). Others: give --store / --update.\n\n"
        "Exit codes: 0 loaded and counted, 1 the counts differ, 2 usage, "
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
        help="gsp (Graph Store Protocol), update (SPARQL Update), or auto: gsp, else update.",
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
    """Upload the release into a SPARQL 1.1 triple store, replacing the target graphs, then check the triple counts."""
    from cubakg import load as loader

    if graph and per_article_graphs:
        raise UsageError("--graph and --per-article-graphs exclude each other", hint="choose one layout")
    layout = loader.LAYOUT_PER_ARTICLE if per_article_graphs else loader.LAYOUT_GRAPH if graph else loader.LAYOUT_DEFAULT
    progress = progress_printer()
    try:
        report = loader.load_release(
            endpoint, release, layout=layout, graph_iri=graph, protocol=protocol, store=store, update=update,
            timeout=timeout, batch_size=batch_size, progress=progress,
        )
    except KeyboardInterrupt:
        end_progress(progress)
        sys.stderr.write("cubakg: interrupted: the endpoint may hold a partial load; "
                         "run the same command again to replace it\n")
        raise
    finally:
        end_progress(progress)
    how = "Graph Store Protocol" if report.protocol == loader.PROTOCOL_GSP else "SPARQL Update"
    sys.stdout.write(f"loaded {release} into {report.endpoint} via {how} ({report.via})\n{report.table()}\n")


def interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


@app.command(
    "serve",
    epilog=(
        "Example:\n\n"
        "  cubakg serve --port 7878\n\n"
        "then open http://127.0.0.1:7878/ in a browser, or query http://127.0.0.1:7878/query. "
        "Ctrl-C stops the server and deletes its temporary store."
    ),
)
def serve_command(
    port: int = typer.Option(DEFAULT_SERVE_PORT, "--port", metavar="PORT", help="TCP port (0 picks a free one)."),
    host: str = typer.Option("127.0.0.1", "--host", metavar="ADDRESS", help="Address to listen on."),
    files: Optional[list[Path]] = typer.Option(
        None, "--file", help="RDF files to load instead of the release's TriG (repeatable).", metavar="FILE"
    ),
) -> None:
    """Run a local Oxigraph SPARQL server with the release loaded (named graphs kept; queries see their union)."""
    from cubakg.serve import OxigraphServer

    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, got {port}")
    to_load = files or [RELEASE_DIR / GRAPH_TRIG]
    # SIGTERM stops us like Ctrl-C does, so the server and its store are cleaned up. SIGINT
    # is set too: a shell starting `cubakg serve &` from a script leaves SIGINT ignored.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, interrupt)
    server = OxigraphServer(to_load, host=host, port=port, union_default_graph=True)
    try:
        server.start()
        sys.stdout.write(
            f"SPARQL endpoint: {server.query_url}\n"
            f"Browser page:    {server.base_url}/\n"
            f"Graph Store:     {server.store_url}   (pid {server.pid}; Ctrl-C to stop)\n"
        )
        sys.stdout.flush()
        code = server.wait()
        if code != 0:
            from cubakg.errors import RemoteError

            raise RemoteError(f"the Oxigraph server stopped by itself (exit code {code})")
    except KeyboardInterrupt:
        sys.stdout.write("stopping the server\n")
    finally:
        server.stop()
    sys.stdout.write("stopped\n")
