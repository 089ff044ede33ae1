"""Run a local Oxigraph SPARQL server with RDF files loaded, for tests and `cubakg serve`.

The `oxigraph` PyPI package ships the server binary; we load the files into a
temporary on-disk store with `oxigraph load` (TriG keeps its named graphs), then
run `oxigraph serve` on that store and stop it by process id.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from cubakg.errors import InputError, RemoteError, UsageError

STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0
LOAD_TIMEOUT_S = 300.0


def find_oxigraph_binary() -> Path:
    """The `oxigraph` executable: next to this Python first (a venv), then on PATH."""
    beside_python = Path(sys.executable).parent / "oxigraph"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return beside_python
    on_path = shutil.which("oxigraph")
    if on_path:
        return Path(on_path)
    raise UsageError(
        "the Oxigraph server binary `oxigraph` was not found "
        f"(looked in {beside_python.parent} and on PATH)",
        hint="install it into this environment: pip install oxigraph",
    )


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on host:port (a port in TIME_WAIT counts as free)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now on `host` (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class OxigraphServer:
    """A context manager: an Oxigraph server on `host:port` with `files` loaded.

    `port=0` picks a free port. `union_default_graph=True` makes queries without
    `GRAPH` see every named graph (TriG loads keep their graphs). Exposes `.base_url`, `.query_url`, `.update_url`,
    `.store_url` (Graph Store Protocol) and `.pid` while running.
    """

    def __init__(
        self,
        files: list[Path] | tuple[Path, ...] = (),
        host: str = "127.0.0.1",
        port: int = 0,
        binary: Path | None = None,
        startup_timeout: float = STARTUP_TIMEOUT_S,
        union_default_graph: bool = False,
    ) -> None:
        self.files = [Path(f) for f in files]
        self.host = host
        self.port = port
        self.binary = binary
        self.startup_timeout = startup_timeout
        self.union_default_graph = union_default_graph
        self.process: subprocess.Popen[bytes] | None = None
        self.store_dir: Path | None = None
        self._log_file = None

    # -- URLs ---------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/store"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> "OxigraphServer":
        """Load the files into a fresh temporary store and start serving it."""
        binary = self.binary or find_oxigraph_binary()
        for path in self.files:
            if not path.is_file():
                raise InputError(f"{path}: file not found", hint="build the release first: cubakg build")
        self.store_dir = Path(tempfile.mkdtemp(prefix="cubakg-oxigraph-"))
        try:
            self._load_files(binary)
            if self.port == 0:
                self.port = free_port(self.host)
            elif port_in_use(self.host, self.port):
                # Checked first: otherwise the other server would answer our readiness probe.
                raise UsageError(
                    f"port {self.port} on {self.host} is already in use",
                    hint="choose another --port, or --port 0 for a free one",
                )
            self._log_file = open(self.store_dir.parent / f"{self.store_dir.name}.log", "w+b")
            command = [str(binary), "serve", "--location", str(self.store_dir), "--bind", f"{self.host}:{self.port}"]
            if self.union_default_graph:
                command.append("--union-default-graph")
            # Own session: a Ctrl-C on the terminal reaches us, and we stop the
            # server by pid, instead of it dying under us mid-request.
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=self._log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise
        return self

    def _load_files(self, binary: Path) -> None:
        # One `load` per file: the format is guessed from the extension, and
        # TriG/N-Quads keep their named graphs.
        for path in self.files:
            done = subprocess.run(
                [str(binary), "load", "--location", str(self.store_dir), "--file", str(path)],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=LOAD_TIMEOUT_S,
            )
            if done.returncode != 0:
                raise InputError(
                    f"{path}: Oxigraph could not load this file: {done.stderr.strip() or done.stdout.strip()}",
                    hint="check that the file parses: cubakg validate, or rebuild the release",
                )

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        probe = f"{self.query_url}?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RemoteError(
                    f"the Oxigraph server exited with code {self.process.returncode} "
                    f"before answering on {self.base_url}: {self._server_log()}",
                    hint="is the port already in use? try another --port",
                )
            try:
                with urllib.request.urlopen(probe, timeout=1.0) as response:
                    if response.status == 200 and self.process is not None and self.process.poll() is None:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        raise RemoteError(
            f"the Oxigraph server did not answer on {self.base_url} within {self.startup_timeout:.0f} s",
            hint="look for another process on that port, or a slow disk",
        )

    def _server_log(self) -> str:
        if self._log_file is None:
            return ""
        self._log_file.flush()
        self._log_file.seek(0)
        return self._log_file.read().decode("utf-8", "replace").strip()[-2000:]

    def stop(self) -> None:
        """Stop the server by pid (terminate, then kill) and remove the store."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)
        if self._log_file is not None:
            log_path = Path(self._log_file.name)
            self._log_file.close()
            self._log_file = None
            log_path.unlink(missing_ok=True)
        if self.store_dir is not None:
            shutil.rmtree(self.store_dir, ignore_errors=True)
            self.store_dir = None

    def wait(self) -> int:
        """Block until the server process exits; returns its exit code."""
        assert self.process is not None, "start() the server first"
        return self.process.wait()

    def __enter__(self) -> "OxigraphServer":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
