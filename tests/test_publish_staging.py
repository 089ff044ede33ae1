"""The site's files written into the release's staging folder, by a process of their own
(`FilesAside`) or by the process rendering them (`FilesHere`): the same bytes and records
(sizes, and no digests: only the graph files' are published)."""

from __future__ import annotations

import hashlib

import pytest

from cubakg.publish import FilesAside, FilesHere, Staging, received

WRITERS = pytest.mark.parametrize("writer", [FilesAside, FilesHere])

# (name, bytes): nested folders, a name outside ASCII, an empty file, and one larger than the pipe.
FILES = [
    ("site/index.html", b"<!DOCTYPE html>\n<title>cubakg</title>\n"),
    ("site/id/person/joe-biden.ttl", "<https://w3id.org/cubakg/id/person/joe-biden> a <Person> .\n".encode()),
    ("site/id/place/habana-\u00f1.html", "La Habana \u2014 \u00f1\n".encode("utf-8")),
    ("site/empty.txt", b""),
    ("site/id/fact/003/large.jsonld", bytes(range(256)) * (3 * 4096 + 17)),
    ("w3id/.htaccess", b"RewriteEngine on\n"),
]


@WRITERS
def test_files_written_are_the_bytes_sent_and_recorded(tmp_path, writer):
    with Staging(tmp_path / "dist") as staging:
        with writer(staging.root) as files:
            for name, data in FILES:
                files.write(name, data)
        staging.files.update(received(files.records))
        for name, data in FILES:
            assert (staging.root / name).read_bytes() == data, name
            record = staging.files[name]
            assert record == (len(data), None), name
        staging.write("cubakg.ttl", b"<a> <b> <c> .\n")  # a graph file: its digest is taken
        assert staging.files["cubakg.ttl"] == (14, hashlib.sha256(b"<a> <b> <c> .\n").hexdigest())
        staging.commit()
    assert sorted(p.relative_to(tmp_path / "dist").as_posix() for p in (tmp_path / "dist").rglob("*") if p.is_file()) \
        == sorted([name for name, _ in FILES] + ["cubakg.ttl"])


@WRITERS
def test_an_error_writing_a_file_is_raised_in_the_caller(tmp_path, writer):
    with Staging(tmp_path / "dist") as staging:
        (staging.root / "site").write_bytes(b"a file where a folder must go")
        with pytest.raises(OSError) as raised:
            with writer(staging.root) as files:
                files.write("site/index.html", b"<!DOCTYPE html>")
        assert "site" in str(raised.value.filename), raised.value
        assert files.records == {}


@WRITERS
def test_an_error_while_rendering_stops_the_writer_and_leaves_no_release(tmp_path, writer):
    out = tmp_path / "dist"
    with pytest.raises(RuntimeError, match="rendering failed"):
        with Staging(out) as staging:
            with writer(staging.root) as files:
                files.write("site/index.html", b"<!DOCTYPE html>")
                raise RuntimeError("rendering failed")
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [], "the staging folder was left behind"
