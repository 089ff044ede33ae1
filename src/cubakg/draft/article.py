"""The article to draft from: read safely, split into lines, sentences and tokens.

An article must be UTF-8 text of at most `MAX_BYTES` with at least one sentence;
anything else is refused with a message saying what is wrong and how to fix it
(`cubakg.errors.InputError`, exit code 3), never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from cubakg import coverage
from cubakg.errors import InputError, Location

# News articles are a few kilobytes; a megabyte is a book chapter, not an article.
MAX_BYTES = 1_000_000


def decode_article(data: bytes, where: str) -> str:
    """The text of an article file, or an `InputError` saying why it is not one."""
    location = Location(where)
    if not data.strip():
        raise InputError("the article is empty", location, hint="give the text of a news article, as UTF-8")
    if len(data) > MAX_BYTES:
        raise InputError(
            f"the article is {len(data) / 1e6:.1f} MB; an article is at most {MAX_BYTES / 1e6:.0f} MB of text",
            location, hint="draft one article at a time, as plain text (not a whole site or a PDF)",
        )
    if b"\x00" in data[:8192] or data.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff")):
        raise InputError("this is a binary file, not text", location,
                         hint="save the article as plain UTF-8 text (.txt) first")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        guess = _legacy_encoding(data)
        hint = (f"it looks like {guess}: convert it with `iconv -f {guess} -t UTF-8 FILE > FILE.txt`"
                if guess else "save the file as UTF-8")
        raise InputError(f"not valid UTF-8 at byte {error.start}", location, hint=hint) from None
    if text.startswith("\ufeff"):
        raise InputError("the text starts with a byte-order mark", location,
                         hint="save it as UTF-8 without BOM, so that offsets count from the first letter")
    if sum(ch.isalpha() for ch in text) < 10 or not coverage.sentences(text):
        raise InputError("the text holds no sentences to draft facts from", location,
                         hint="give the article's words, not only numbers, symbols or markup")
    controls = [ch for ch in text if ord(ch) < 32 and ch not in "\n\r\t"]
    if controls:
        raise InputError(f"the text holds control characters (U+{ord(controls[0]):04X})", location,
                         hint="save the article as plain text")
    return text


def _legacy_encoding(data: bytes) -> str | None:
    """A guess at a one-byte encoding of Western text (what editors save by default)."""
    try:
        decoded = data.decode("cp1252")
    except UnicodeDecodeError:
        return "ISO-8859-1"
    return "WINDOWS-1252" if any(0x80 <= b <= 0x9F for b in data) and decoded else "ISO-8859-1"


def read_article(path: Path) -> str:
    try:
        if path.is_dir():
            raise InputError("this is a folder, not an article file", Location(str(path)))
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                data += handle.read()  # for the size in the message
    except FileNotFoundError:
        raise InputError("file not found", Location(str(path))) from None
    except PermissionError:
        raise InputError("cannot read the file (permission denied)", Location(str(path))) from None
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror}", Location(str(path))) from None
    return decode_article(data, str(path))


@dataclass(frozen=True)
class Line:
    """A non-empty line of the article (a paragraph, a heading, a byline…)."""

    number: int  # 1-based
    start: int
    end: int
    text: str


@dataclass
class Article:
    """The text and its parts, computed once."""

    text: str
    sentences: list[coverage.Sentence] = field(init=False)
    lines: list[Line] = field(init=False)

    def __post_init__(self) -> None:
        self.sentences = coverage.sentences(self.text)
        self.lines = []
        offset = 0
        for number, raw in enumerate(self.text.split("\n"), 1):
            body = raw.strip()
            if body:
                start = offset + len(raw) - len(raw.lstrip())
                self.lines.append(Line(number, start, start + len(body), body))
            offset += len(raw) + 1

    def sentence_at(self, offset: int) -> coverage.Sentence | None:
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None

    def line_at(self, offset: int) -> Line | None:
        for line in self.lines:
            if line.start <= offset < line.end:
                return line
        return None

    def paragraph_number(self, offset: int) -> int:
        """1-based number of the non-empty line holding `offset`."""
        for number, line in enumerate(self.lines, 1):
            if offset < line.end:
                return number
        return len(self.lines)

    @cached_property
    def doc(self):
        from cubakg.draft.lexicon import nlp

        return nlp()(self.text)
