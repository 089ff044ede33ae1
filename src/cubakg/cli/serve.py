"""`cubakg serve`: the release's site and a SPARQL endpoint (Oxigraph) on one local address."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Optional

import typer

from cubakg.cli.app import app
from cubakg.errors import UsageError
from cubakg.resources import RELEASE_DIR

DEFAULT_SERVE_PORT = 7878


def interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


@app.command(
    "serve",
    epilog=(
        "Example:\n\n"
        "  cubakg serve --port 7878\n\n"
        "then open http://127.0.0.1:7878/ in a browser (the site: a page per person, event, article and fact), "
        "http://127.0.0.1:7878/query to ask in SPARQL, or look up an IRI: "
        "curl -L -H 'Accept: text/turtle' http://127.0.0.1:7878/id/person/joe-biden. "
        "With --file, the files are loaded into a temporary store, deleted when Ctrl-C stops the server; "
        "the release is served from its query store as it is (made once, as `cubakg query` makes it)."
    ),
)
def serve_command(
    port: int = typer.Option(DEFAULT_SERVE_PORT, "--port", help="TCP port (0 picks a free one).", metavar="PORT"),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on.", metavar="ADDRESS"),
    release: Optional[Path] = typer.Option(
        None, "--release", help="The release folder to serve (as `cubakg build` writes it).", metavar="DIR",
        show_default="the packaged release (dist/ in a checkout)",
    ),
    files: Optional[list[Path]] = typer.Option(
        None, "--file", help="RDF files to load instead of the release's graphs (repeatable).", metavar="FILE"
    ),
    site: Optional[Path] = typer.Option(
        None, "--site", help="The site to serve beside the endpoint.", metavar="DIR",
        show_default="the release's site/",
    ),
    allow_service: bool = typer.Option(
        False, "--allow-service", help="Let queries call remote endpoints with SERVICE (refused by default: "
        "a request to this server would make it fetch from other hosts)."),
) -> None:
    """Serve the release: its site with content negotiation at /id/…, and SPARQL at /query (read-only; named
    graphs kept, the default graph their merge as `cubakg query` has it)."""
    from cubakg.cli import console
    from cubakg.serve import release_server

    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, got {port}")
    if release is not None and files:
        raise UsageError("give --release or --file, not both")
    # SIGTERM stops us like Ctrl-C does, so the server and its store are cleaned up. SIGINT
    # is set too: a shell starting `cubakg serve &` from a script leaves SIGINT ignored.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, interrupt)
    server = release_server(release or RELEASE_DIR, site, files, progress=lambda step: console.note(f"cubakg: {step}"),
                            host=host, port=port, allow_service=allow_service)
    site = server.site_dir
    try:
        server.start()
        sys.stdout.write(
            f"SPARQL endpoint: {server.query_url}\n"
            f"Browser page:    {server.base_url}/\n"
            f"Graph Store:     {server.store_url}   (pid {server.pid}; Ctrl-C to stop)\n"
        )
        if not (site / "index.html").is_file():
            sys.stdout.write(f"(no site in {site}: build the release with `cubakg build` to browse it)\n")
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
