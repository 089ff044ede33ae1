"""`write_site` as the build calls it, run in a fresh process by tests/test_site_render.py.

The second rendering process is forked, which a process running threads must not do
(`parallel.can_fork`): the test process may have opened an on-disk store, which runs
RocksDB's threads, so these runs get a process of their own.

    python tests/site_writing.py RELEASE OUT_DIR SHARE FAIL

writes the site of the release in RELEASE into OUT_DIR/site (SHARE: "auto", "yes" or
"no", as `write_site`'s `share`, or "auto-large": "auto" with any release counted
large); with FAIL "yes", the build's process fails once the
second process has written a fact page. Prints one line of JSON: the process ids of
the process making the site and of the second rendering process (null for none), and
the error raised, if any.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from cubakg import parallel
from cubakg.publish import Staging
from cubakg.query.store import fill, release_graphs
from cubakg.resources import DESCRIPTION, GRAPH_TRIG, ONTOLOGY_DOC, ONTOLOGY_FILE
from cubakg.site import build as site_build
from cubakg.site.render import Site

FAIL_WITHIN_S = 120  # at the latest: the test then finds the second process finished rather than hanging


def main(release: Path, out_dir: Path, share: str, fail: bool) -> dict:
    # Every call `write_site` gives to another process, from this process or from the one making the
    # site, is logged as "FUNCTION PID" to a file outside OUT_DIR's folder (which must be left empty).
    log = Path(tempfile.mkstemp(prefix="cubakg-asides-")[1])
    real_aside = parallel.aside

    def logged_aside(function, *args, **kwargs):
        aside = real_aside(function, *args, **kwargs)
        with log.open("a", encoding="utf-8") as lines:
            lines.write(f"{function.__name__} {aside.pid}\n")
        return aside

    parallel.aside = logged_aside
    if share == "auto-large":
        site_build.SHARE_FROM_BYTES = 0
    staging = Staging(out_dir)
    if fail:
        _fail_once_the_second_process_writes(staging.root / "site" / "id" / "fact")
    error = None
    try:
        with staging:
            for name in (GRAPH_TRIG, DESCRIPTION, ONTOLOGY_DOC):
                shutil.copy(release / name, staging.root / name)
            store = ox.Store()
            fill(store, release_graphs(staging.root))
            site_build.write_site(store, staging, ONTOLOGY_FILE.read_bytes(), share={"yes": True, "no": False}.get(share))
            staging.commit()
    except RuntimeError as raised:
        error = str(raised)
    asides = dict(line.split() for line in log.read_text(encoding="utf-8").splitlines())
    log.unlink()
    return {"site": _pid(asides.get("site_files_of")), "second": _pid(asides.get("render_claimed")), "error": error}


def _pid(logged: str | None) -> int | None:
    return int(logged) if logged and logged != "None" else None


def _fail_once_the_second_process_writes(facts: Path) -> None:
    """The build's process fails (in `Site.other_files`, which the second process does not call)
    once a fact page is written."""
    def failing_files(site: Site, *arguments, **options):
        deadline = time.monotonic() + FAIL_WITHIN_S
        while time.monotonic() < deadline and not (facts.is_dir() and any(facts.rglob("*.html"))):
            time.sleep(0.005)
        raise RuntimeError("rendering failed")
        yield  # a generator, as Site.other_files is

    Site.other_files = failing_files


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4] == "yes")))
