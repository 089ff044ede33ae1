"""`cubakg draft` and `cubakg coverage` as a person runs them: output, exit codes, and
hostile input refused with a message and the documented exit code, never a traceback.

The commands run in-process (`cubakg.cli.main`), so the suite stays fast.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cubakg.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "003_04d8b4ff46bc92ce"


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["cubakg", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1), out, err


def hostile_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, what the message must say)."""
    files = {
        "empty": (b"", "empty"),
        "blank": (b"  \n\n \t\n", "empty"),
        "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        "five-megabytes": (("Cuba and the United States held talks in Havana. " * 110_000).encode(), "MB"),
        "no-sentences": (b"1234 5678\n----\n**** ++ 90.5\n", "no sentences"),
        "latin-1": ("HAVANA, 18 de abril - Cuba y Estados Unidos hablarán de migración, dijo Fernández de Cossío.\n"
                    .encode("latin-1"), "UTF-8"),
    }
    result = {}
    for name, (data, says) in files.items():
        path = folder / f"{name}.txt"
        path.write_bytes(data)
        result[name] = (path, says)
    return result


@pytest.mark.parametrize("name", ["empty", "blank", "binary", "five-megabytes", "no-sentences", "latin-1"])
def test_hostile_article_gets_a_message_and_exit_3(name, tmp_path, monkeypatch, capsys):
    path, says = hostile_files(tmp_path)[name]
    code, out, err = run(monkeypatch, capsys, "draft", str(path), "-C", str(ROOT))
    assert code == 3, err
    assert str(path) in err and says in err, err
    assert "Traceback" not in err and out == ""


def test_latin_1_says_how_to_convert(tmp_path, monkeypatch, capsys):
    path, _ = hostile_files(tmp_path)["latin-1"]
    _, _, err = run(monkeypatch, capsys, "draft", str(path), "-C", str(ROOT))
    assert "iconv" in err


@pytest.mark.parametrize("args, says", [
    (["--published", "18 April 2022"], "YYYY-MM-DD"),
    (["--id", "Not An Id"], "article id"),
    (["--url", "ftp://example.org/a"], "http"),
])
def test_bad_options_are_usage_errors(args, says, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "draft", str(SEED.with_suffix(".txt")), "-C", str(ROOT), *args)
    assert code == 2 and says in err and "Traceback" not in err


def test_missing_article_and_missing_registry(tmp_path, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "draft", str(tmp_path / "nope.txt"), "-C", str(ROOT))
    assert code == 3 and "not found" in err
    code, _, err = run(monkeypatch, capsys, "draft", str(SEED.with_suffix(".txt")), "-C", str(tmp_path))
    assert code == 3 and "registry" in err


def test_draft_writes_the_sheet_and_reports_coverage(tmp_path, monkeypatch, capsys):
    out = tmp_path / "003.yaml"
    code, stdout, err = run(monkeypatch, capsys, "draft", str(SEED.with_suffix(".txt")), "-C", str(ROOT),
                            "-o", str(out), "--published", "2022-04-18", "--url", "https://example.org/003")
    assert code == 0, err
    sheet = out.read_text(encoding="utf-8")
    assert "draft: true" in sheet and "source: {url: \"https://example.org/003\", published: 2022-04-18}" in sheet
    assert stdout == ""
    # The report names every sentence that nothing covers, with its words.
    assert "Coverage of 003_04d8b4ff46bc92ce.txt:" in err and "uncovered:" in err


def test_coverage_of_a_curated_sheet_and_of_one_with_a_gap(tmp_path, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "coverage", str(SEED.with_suffix(".yaml")))
    assert code == 0 and "covered by no fact" in out and "✗" not in out
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED.with_suffix(".txt"), seeds)
    sheet = SEED.with_suffix(".yaml").read_text(encoding="utf-8")
    # Drop the only fact whose evidence holds "The Cuban government did not immediately respond".
    start = sheet.index("  - id: cuban-government-no-response")
    end = sheet.index("  # --- ¶13")
    (seeds / SEED.with_suffix(".yaml").name).write_text(sheet[:start] + sheet[end:], encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, "coverage", str(seeds / SEED.with_suffix(".yaml").name))
    assert code == 1
    assert "✗ 003_04d8b4ff46bc92ce.txt:25: The Cuban government did not immediately respond" in out
    assert "uncovered: The Cuban government did not immediately respond to questions seeking comment" in out


def test_help_does_not_load_spacy():
    """`cubakg --help` stays instant: the NLP libraries load inside the command only."""
    code = "import sys, cubakg.cli; print(sorted(m for m in ('spacy', 'pysbd') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_an_optional_model_adds_candidates(tmp_path, monkeypatch, capsys):
    """A saved spaCy pipeline with an entity recogniser (here a rule-based one, made on
    the spot: no download) proposes the names it finds; without it, none are."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "Tom Hale"}])
    nlp.to_disk(tmp_path / "model")
    article = ROOT / "tests" / "draft_cases" / "articles" / "havana-round-2022-11.txt"
    code, _, err = run(monkeypatch, capsys, "draft", str(article), "-C", str(ROOT), "--model", str(tmp_path / "model"))
    assert code == 0 and "tom-hale:" in err and "statistical model" in err
    code, _, err = run(monkeypatch, capsys, "draft", str(article), "-C", str(ROOT))
    assert code == 0 and "tom-hale:" not in err
    code, _, err = run(monkeypatch, capsys, "draft", str(article), "-C", str(ROOT), "--model", "no_such_model_xyz")
    assert code == 2 and "cannot load the spaCy model" in err and "Traceback" not in err


def test_the_same_article_drafts_byte_identically():
    """Two runs in fresh processes with different hash seeds write the same sheet."""
    import os

    outputs = []
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "cubakg", "draft", str(ROOT / "tests" / "draft_cases" / "articles" / "havana-round-2022-11.txt"),
             "-C", str(ROOT), "--report", str(os.devnull)],
            capture_output=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] and outputs[0]
