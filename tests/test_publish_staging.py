"""The release's staging folder: files written by a process of their own (`Staging.writing_aside`)."""

from __future__ import annotations

import hashlib

import pytest

from cubakg.publish import Staging

# (name, bytes): nested folders, a name outside ASCII, an empty file, and one larger than the pipe.
FILES = [
    ("site/index.html", b"<!DOCTYPE html>\n<title>cubakg</title>\n"),
    ("site/id/person/joe-biden.ttl", "<https://w3id.org/cubakg/id/person/joe-biden> a <Person> .\n".encode()),
    ("site/id/place/habana-\u00f1.html", "La Habana \u2014 \u00f1\n".encode("utf-8")),
    ("site/empty.txt", b""),
    ("site/id/fact/003/large.jsonld", bytes(range(256)) * (3 * 4096 + 17)),
    ("w3id/.htaccess", b"RewriteEngine on\n"),
]


def test_files_written_aside_are_the_bytes_sent_and_recorded(tmp_path):
    with Staging(tmp_path / "dist") as staging:
        with staging.writing_aside() as write:
            for name, data in FILES:
                write(name, data)
        for name, data in FILES:
            assert (staging.root / name).read_bytes() == data, name
            record = staging.files[name]
            assert (record.size, record.sha256) == (len(data), hashlib.sha256(data).hexdigest()), name
        staging.commit()
    assert sorted(p.relative_to(tmp_path / "dist").as_posix() for p in (tmp_path / "dist").rglob("*") if p.is_file()) \
        == sorted(name for name, _ in FILES)


def test_an_error_in_the_writing_process_is_raised_in_the_caller(tmp_path):
    with Staging(tmp_path / "dist") as staging:
        (staging.root / "site").write_bytes(b"a file where a folder must go")
        with pytest.raises(OSError) as raised:
            with staging.writing_aside() as write:
                write("site/index.html", b"<!DOCTYPE html>")
        assert "site" in str(raised.value.filename), raised.value
        assert "site/index.html" not in staging.files


def test_an_error_while_rendering_stops_the_writer_and_leaves_no_release(tmp_path):
    out = tmp_path / "dist"
    with pytest.raises(RuntimeError, match="rendering failed"):
        with Staging(out) as staging:
            with staging.writing_aside() as write:
                write("site/index.html", b"<!DOCTYPE html>")
                raise RuntimeError("rendering failed")
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [], "the staging folder was left behind"
