"""Every example in README.md and docs/*.md works as written.

Each fenced block is checked by its language:

- `turtle` / `trig`: parses (pyoxigraph). A doc's first Turtle block made only of
  `@base`/`@prefix` lines is its prologue, read before each later example of the
  doc (docs/model.md has one, and tests/test_model_doc.py also checks its examples
  against the release, triple by triple).
- `sparql`: parses (pyoxigraph, on an empty store).
- `sh` / `console` (the `$ ` lines): bash parses the block (`bash -n`), and every
  `cubakg …` command is parsed by cubakg's own argument parser, so each command and
  option exists and takes the values given. A usage synopsis
  (`cubakg load --endpoint URL [--graph IRI | …]`) has its option names checked.
- `python`: compiles. `yaml` and `ini` (a server's configuration): parse.
- Output shown (no language, `text`) is not code; `sql` is for a Virtuoso server.

Beyond parsing, per file:

- `<!-- doc-test: run -->` before a `sh`, `console` or `python` block runs it: each
  command line in a scratch folder holding `dist` (the release under test), a
  `cubakg` on PATH and the files in `tests/docs_examples/<doc>/` (e.g.
  `tests/docs_examples/README/my-question.rq`); each must exit 0 (`run exit=0,1`
  allows the listed codes, e.g. `validate` reporting data that does not conform).
- `<!-- tested: NAME -->` blocks are run by their owner's test (tests/test_load_docs.py).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli_support import run_in_process

REPO_ROOT = Path(__file__).resolve().parents[1]
RELEASE = Path(os.environ.get("CUBAKG_RELEASE_DIR", REPO_ROOT / "dist")).resolve()
DOCS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
EXAMPLE_FILES = REPO_ROOT / "tests" / "docs_examples"

TURTLE = {"turtle", "ttl", "trig"}
SPARQL = {"sparql", "rq"}
SHELL = {"sh", "bash", "shell", "console"}
NOT_CODE = {"", "text", "sql"}  # output shown; SQL for Virtuoso's isql
KNOWN = TURTLE | SPARQL | SHELL | NOT_CODE | {"python", "yaml", "ini"}

FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
MARKER = re.compile(r"<!--\s*(?P<kind>doc-test|tested):\s*(?P<text>[^>]*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    doc: str  # path relative to the repository, e.g. docs/model.md
    line: int  # line of the opening fence
    lang: str
    body: str
    marker: str  # "run", "run exit=0,1", "tested: NAME" or ""

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"

    @property
    def allowed_exits(self) -> set[int]:
        found = re.search(r"exit=([\d,]+)", self.marker)
        return {int(code) for code in found.group(1).split(",")} if found else {0}


PROLOGUE_LINE = re.compile(r"^\s*(@base|@prefix|BASE|PREFIX)\b|^\s*(#.*)?$")


def is_prologue(block: Block) -> bool:
    return block.lang in TURTLE and all(PROLOGUE_LINE.match(line) for line in block.body.splitlines())


def blocks_of(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    found, prologue = [], ""
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = MARKER.search(before)
        how = ""
        if marker:
            how = marker["text"] if marker["kind"] == "doc-test" else f"tested: {marker['text']}"
        block = Block(str(path.relative_to(REPO_ROOT)), text.count("\n", 0, match.start()) + 1,
                      match["lang"].lower(), match["body"], how)
        if is_prologue(block) and not prologue:
            prologue = block.body
            continue  # read with every later Turtle example of the doc, not on its own
        if prologue and block.lang in TURTLE:
            block = Block(block.doc, block.line, block.lang, prologue + block.body, block.marker)
        found.append(block)
    return found


BLOCKS = [block for doc in DOCS for block in blocks_of(doc)]


def of(langs: set[str]) -> list:
    return [pytest.param(b, id=b.id) for b in BLOCKS if b.lang in langs]


def test_every_block_has_a_language_this_test_knows():
    unknown = [f"{b.id} ```{b.lang}" for b in BLOCKS if b.lang not in KNOWN]
    assert not unknown, f"blocks in a language tests/test_docs.py does not check: {unknown}"


def test_the_docs_have_examples_of_each_kind():
    # Guards the block finder: if the fences' format changed, every test below would pass vacuously.
    assert {b.lang for b in BLOCKS} >= {"turtle", "sh", "console", "python"}
    assert any(b.marker.startswith("run") for b in BLOCKS)


# --- parsing ---------------------------------------------------------------------------


def parse_rdf(block: Block) -> None:
    import pyoxigraph

    fmt = pyoxigraph.RdfFormat.TRIG if block.lang == "trig" else pyoxigraph.RdfFormat.TURTLE
    try:
        triples = list(pyoxigraph.parse(block.body.encode("utf-8"), format=fmt, base_iri="http://example.org/doc"))
    except SyntaxError as error:
        pytest.fail(f"{block.id}: the example does not parse: {error}", pytrace=False)
    assert triples, f"{block.id}: the example holds no triple"


def parse_sparql(block: Block) -> None:
    import pyoxigraph

    store = pyoxigraph.Store()  # empty: parsing is what counts
    try:
        store.query(block.body)
    except SyntaxError as query_error:
        try:
            store.update(block.body)
        except SyntaxError:
            pytest.fail(f"{block.id}: the example is neither a SPARQL query nor an update: {query_error}", pytrace=False)


def parse_ini(block: Block) -> None:
    import configparser

    configparser.ConfigParser(strict=True).read_string(block.body, source=block.id)


def parse_yaml(block: Block) -> None:
    import yaml

    yaml.safe_load(block.body)


PARSERS = {**{lang: parse_rdf for lang in TURTLE}, **{lang: parse_sparql for lang in SPARQL},
           "python": lambda block: compile(block.body, block.id, "exec"), "yaml": parse_yaml, "ini": parse_ini}


@pytest.mark.parametrize("block", of(set(PARSERS)))
def test_example_parses(block: Block):
    PARSERS[block.lang](block)


def command_lines(block: Block) -> list[str]:
    """The commands of a shell block, one per logical line (continuations and synopsis lines joined)."""
    lines = block.body.splitlines()
    if block.lang == "console":
        lines = [line[2:] for line in lines if line.startswith("$ ")]
    joined: list[str] = []
    for line in lines:
        if joined and (joined[-1].endswith("\\") or re.match(r"\s+\[", line)):
            joined[-1] = joined[-1].rstrip("\\").rstrip() + " " + line.strip()
        elif line.strip() and not line.lstrip().startswith("#"):
            joined.append(line)
    return joined


def simple_commands(line: str) -> list[list[str]]:
    """The words of each simple command in a line: split at pipes, `&&`, `;` and `&`, without redirections."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    skip_next = False
    for token in lexer:
        if skip_next:
            skip_next = False
        elif token in ("|", "||", "&&", ";", "&"):
            commands.append([])
        elif token in (">", ">>", "<", "2>", "&>"):
            skip_next = True
        else:
            commands[-1].append(token)
    return [words for words in commands if words]


def cubakg_arguments(words: list[str]) -> list[str] | None:
    if words[0] in ("cubakg", ".venv/bin/cubakg"):
        return words[1:]
    if words[:3] in (["python", "-m", "cubakg"], ["python3", "-m", "cubakg"]):
        return words[3:]
    return None


def check_cubakg_command(arguments: list[str], line: str, where: str) -> None:
    """cubakg's own parser accepts the arguments (a synopsis: its options exist)."""
    from typer.main import get_command

    from cubakg.cli import app

    group = get_command(app)
    if arguments and arguments[0].startswith("-"):  # cubakg's own options act as they parse (--install-completion)
        known = {opt for param in group.params for opt in param.opts}
        assert set(arguments) <= known, f"{where}: cubakg has no option {sorted(set(arguments) - known)}"
        return
    if "[" in line:  # a usage synopsis: `[--graph IRI | --per-article-graphs]`
        name = arguments[0]
        command = group.get_command(None, name)
        assert command is not None, f"{where}: no command {name!r} in `{line}`"
        known = {opt for param in command.params for opt in param.opts}
        unknown = [opt for opt in re.findall(r"(?<![\w-])--[a-z][a-z-]*", line) if opt not in known]
        assert not unknown, f"{where}: `cubakg {name}` has no option {unknown} (in `{line}`)"
        return
    try:
        context = group.make_context("cubakg", list(arguments))
        rest = [*getattr(context, "_protected_args", []), *context.args]
        name, command, rest = group.resolve_command(context, rest)
        command.make_context(name, rest, parent=context)
    except Exception as error:
        if not any(kind.__name__ == "UsageError" for kind in type(error).__mro__):  # click's, as Typer ships it
            raise
        pytest.fail(f"{where}: `{line.strip()}` is not a valid cubakg command: {error}", pytrace=False)


@pytest.mark.parametrize("block", of(SHELL))
def test_shell_example_parses(block: Block):
    script = "\n".join(command_lines(block))
    done = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
    assert done.returncode == 0, f"{block.id}: bash cannot parse the example: {done.stderr}"
    for line in command_lines(block):
        for words in simple_commands(line):
            arguments = cubakg_arguments(words)
            if arguments:
                check_cubakg_command(arguments, line, block.id)


# --- running -----------------------------------------------------------------------------


def scratch_folder(block: Block, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder to run a doc's commands in, and the environment: `cubakg` first on PATH."""
    work = tmp_path / "work"
    examples = EXAMPLE_FILES / Path(block.doc).stem
    if examples.is_dir():
        shutil.copytree(examples, work)
    else:
        work.mkdir()
    (work / "dist").symlink_to(RELEASE, target_is_directory=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "cubakg"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cubakg "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return work, env


@pytest.mark.parametrize("block", [p for p in of(SHELL | {"python"}) if p.values[0].marker.startswith("run")])
def test_marked_example_runs(block: Block, tmp_path: Path):
    work, env = scratch_folder(block, tmp_path)
    if block.lang == "python":
        done = subprocess.run([sys.executable, "-c", block.body], cwd=work, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"{block.id}: the example failed:\n{done.stderr}"
        return
    for line in command_lines(block):
        assert not line.rstrip().endswith("&"), f"{block.id}: a server in a `run` block: test it like tests/test_load_docs.py"
        done = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=work, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode in block.allowed_exits, (
            f"{block.id}: `{line.strip()}` exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
        assert "Traceback" not in done.stderr, f"{block.id}: `{line.strip()}`:\n{done.stderr}"
