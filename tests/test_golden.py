"""The redesigned build writes what the old one wrote for the same inputs (tests/golden/README.md)."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "pre-redesign.tar.gz"


def test_the_pre_redesign_inputs_give_the_pre_redesign_trig(tmp_path):
    from rdflib import Dataset
    from rdflib.compare import isomorphic

    from cubakg.build import build

    with tarfile.open(GOLDEN) as archive:
        archive.extractall(tmp_path, filter="data")
    project = tmp_path / "project"
    for text in (ROOT / "seeds").glob("*.txt"):
        if (project / "seeds" / text.with_suffix(".yaml").name).exists():
            shutil.copy(text, project / "seeds" / text.name)

    build(project, tmp_path / "dist")

    written = (tmp_path / "dist" / "cubakg.trig").read_bytes()
    expected = (tmp_path / "cubakg.trig").read_bytes()
    if written != expected:
        old, new = Dataset(), Dataset()
        old.parse(data=expected, format="trig")
        new.parse(data=written, format="trig")
        assert isomorphic(old, new), "the redesigned build says something else than the old one"
        raise AssertionError("the same graph, but not the same bytes: serialisation order or prefixes changed")
