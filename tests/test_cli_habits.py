"""What people expect of a command line: --version, completion, help without Python types,
colour only on a terminal, remarks on standard error, a useful word outside a project folder.

The commands run in-process (tests/cli_support.py); FORCE_COLOR=1 stands for a terminal.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys

import pytest

import cubakg
from cli_support import run_in_process
from cubakg.cli import console
from cubakg.cli.reference import reference

ESCAPE = "\x1b["
ID = "https://w3id.org/cubakg/id/"


def test_version_is_the_package_version():
    done = run_in_process("--version")
    assert (done.returncode, done.stdout) == (0, f"cubakg {cubakg.__version__}\n")
    assert importlib.metadata.version("cubakg") == cubakg.__version__  # pyproject takes it from the package


def test_python_dash_m_gives_the_version_too():
    done = subprocess.run([sys.executable, "-m", "cubakg", "--version"], capture_output=True, text=True, timeout=60)
    assert done.stdout == f"cubakg {cubakg.__version__}\n"


# The program ends without freeing the store `cubakg validate` leaves at exit (cubakg.cli.program):
# its whole report must still reach a pipe, with the exit code the command decided.
@pytest.mark.parametrize("data, report_format, code, ends_with", [
    ('<http://e/a> <http://e/p> "x" .', "text", 0, ""),
    ("<https://w3id.org/cubakg/id/person/x> a <https://schema.org/Person> .", "json", 1, "}\n"),
    ("<https://w3id.org/cubakg/id/person/x> a <https://schema.org/Person> .", "turtle", 1, " .\n"),
    ("<http://e/a> <http://e/p> .", "text", 3, ""),
])
def test_the_program_ends_with_its_output_flushed_and_its_exit_code(tmp_path, data, report_format, code, ends_with):
    path = tmp_path / "data.ttl"
    path.write_text(data + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "cubakg", "validate", str(path), "--format", report_format],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == code, done.stderr
    assert done.stdout.endswith(ends_with)
    if report_format == "json":
        assert json.loads(done.stdout)["conforms"] is False


@pytest.mark.parametrize("typed, expected", [
    ("cubakg qu", {"query", "queries"}),
    ("cubakg query --for", {"--format"}),
    ("cubakg validate --sev", {"--severity"}),
    ("cubakg --ver", {"--version"}),
])
def test_shell_completion_completes_commands_and_options(typed, expected):
    words = typed.split(" ")
    done = run_in_process(env={"_CUBAKG_COMPLETE": "complete_bash", "COMP_WORDS": typed,
                               "COMP_CWORD": str(len(words) - 1)})
    assert done.returncode == 0, done.stderr
    assert set(done.stdout.split()) == expected


def test_completion_can_be_installed():
    done = run_in_process("--help")
    assert "--install-completion" in done.stdout and "--show-completion" in done.stdout


def test_no_help_shows_a_python_type():
    # Typer's default labels: <str>, <int>, <float>, <path>, <list[str]> …
    found = re.findall(r"<(?:str|int|float|bool|path|file|list\[\w+\]|tuple\[[\w, ]+\])>", reference())
    assert not found, f"set a metavar on these options: {found}"


def test_an_error_is_red_on_a_terminal_and_plain_in_a_pipe():
    on_terminal = run_in_process("query", "no-such-query", env={"FORCE_COLOR": "1"})
    in_pipe = run_in_process("query", "no-such-query")
    assert on_terminal.returncode == in_pipe.returncode == 2
    assert ESCAPE in on_terminal.stderr
    assert ESCAPE not in in_pipe.stderr
    assert in_pipe.stderr.startswith("cubakg: 'no-such-query' is not a saved query")


def test_an_empty_answer_says_no_results_on_stderr_and_keeps_stdout_well_formed():
    done = run_in_process("query", "entity", "--param", "entity=Fidel Castro", "--format", "csv")
    assert done.returncode == 0
    assert done.stderr == "no results\n"
    assert done.stdout.splitlines()[0].startswith("match,")  # the CSV header, no rows
    assert len(done.stdout.splitlines()) == 1


def test_an_answer_with_rows_says_nothing_on_stderr():
    done = run_in_process("query", "cq02", "--format", "csv")
    assert done.returncode == 0 and done.stderr == ""


def test_build_outside_a_project_folder_says_what_one_is(tmp_path):
    done = run_in_process("build", cwd=tmp_path)
    assert done.returncode == 2
    assert "is not a cubakg project folder: it has no seeds/registry.yaml" in done.stderr
    assert "-C" in done.stderr and "seeds/" in done.stderr and "Traceback" not in done.stderr
    elsewhere = run_in_process("build", "-C", str(tmp_path / "nowhere"))
    assert elsewhere.returncode == 2 and "nowhere is not a cubakg project folder" in elsewhere.stderr
    assert not (tmp_path / "dist").exists()


# --- the console helpers ----------------------------------------------------------------


def test_iris_are_shortened_with_the_longest_prefix():
    assert console.short_iri(ID + "person/joe-biden") == "id:person/joe-biden"
    assert console.short_iri("https://w3id.org/cubakg/ontology#Statement") == "ckg:Statement"
    assert console.short_iri("http://example.org/x") == "<http://example.org/x>"
    assert console.short_iri("http://example.org/x", {"ex": "http://example.org/"}) == "ex:x"


def test_elision_keeps_the_width_and_the_distinguishing_end():
    assert console.elide("Carlos Fernandez de Cossio", 10) == "Carlos Fe…"
    assert console.elide_middle("id:fact/000_ee45959db7efa7ef/cossio-not-enough", 21) == "id:fact/00…not-enough"
    assert console.elide("short", 10) == "short" and console.elide("anything", 0) == "anything"


def test_a_table_in_a_pipe_is_plain_aligned_text(capsys):
    console.print_table(
        ["who", "said"],
        [[console.Cell("id:person/carlos-fernandez-de-cossio", "iri"), "were not\nenough"], ["id:org/reuters", None]],
        footer="(2 rows)", max_cell=20,
    )
    assert capsys.readouterr().out == (
        "who                   said\n"
        "────────────────────  ───────────────\n"
        "id:person…-de-cossio  were not enough\n"
        "id:org/reuters\n"
        "(2 rows)\n"
    )


def test_a_table_on_a_terminal_fits_its_width(monkeypatch, capsys):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "50")
    long_text = "the highest-level formal US-Cuba talks since Biden took office " * 3
    console.print_table(["fact", "text"], [[console.Cell(ID + "fact/003_04d8b4ff46bc92ce/cossio-heads-cuban-delegation", "iri"), long_text]])
    out = capsys.readouterr().out
    assert ESCAPE in out
    visible = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert max(len(line) for line in visible.splitlines()) <= 50
    assert "Biden took office" in visible.replace("\n", " ")  # wrapped, not cut
