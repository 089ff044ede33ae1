"""`cubakg draft` and `cubakg coverage`: a fact sheet drafted from an article, and what it leaves uncovered."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cubakg.cli import console
from cubakg.cli.app import app

DRAFT_HELP = """Draft the fact sheet of a new article, to review rather than type.

Writes a sheet marked `draft: true` that builds as it is: headline, dateline,
byline, cited outlets, every registry entity it can place in a fact, posts,
meetings and who takes part, dates resolved against the dateline, figures,
quotations and reported speech. Facts it is unsure of are commented out with the
reason. New people, organisations, places and posts are printed as registry
proposals (never added). The coverage report (stderr, or --report FILE) lists
each sentence with what covers it and the words nothing covers.

Examples:

  cubakg draft story.txt -o seeds/story.yaml --published 2022-11-15

  cubakg draft story.txt --report - > /dev/null     (the report alone)

Exit codes: 0 drafted, 2 usage error, 3 unreadable article or registry.
"""

COVERAGE_HELP = """Show which sentences of an article a fact sheet covers, and the words nothing covers.

Example:  cubakg coverage seeds/003_04d8b4ff46bc92ce.yaml

Exit codes: 0 every sentence covered, 1 some words uncovered, 3 unreadable sheet.
"""


def _date(value: Optional[str], option: str) -> Optional[dt.date]:
    from cubakg.errors import UsageError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date", hint="write it as YYYY-MM-DD, e.g. 2022-11-15") from None


@app.command("draft", help=DRAFT_HELP)
def draft_command(
    article: Annotated[Path, typer.Argument(metavar="ARTICLE.txt", help="The article as UTF-8 text (.txt).", show_default=False)],
    article_id: Annotated[Optional[str], typer.Option("--id", metavar="ID", help="The article id (default: the file name without .txt).")] = None,
    published: Annotated[Optional[str], typer.Option("--published", metavar="YYYY-MM-DD", help="Publication date, YYYY-MM-DD: fixes the dateline's year when the text does not.")] = None,
    url: Annotated[Optional[str], typer.Option("--url", metavar="URL", help="Where the article was published.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", metavar="FILE", help="Write the sheet here (default: standard output).")] = None,
    report: Annotated[Optional[str], typer.Option("--report", metavar="FILE", help="Write the coverage report here (- for standard output; default: standard error).")] = None,
    proposals: Annotated[Optional[Path], typer.Option("--proposals", metavar="FILE", help="Also write the registry proposals to this file.")] = None,
    project: Annotated[Path, typer.Option("--project", "-C", metavar="DIR", help="The project folder (its seeds/registry.yaml is the registry).")] = Path("."),
    model: Annotated[Optional[str], typer.Option("--model", metavar="MODEL", help="An installed spaCy model (or the path of a saved pipeline) whose named entities add registry proposals. Optional: none is needed.")] = None,
) -> None:
    from cubakg.draft.service import draft_file

    _check(article_id or article.stem, url)
    result = draft_file(article, project, article_id=article_id, published=_date(published, "--published"), url=url,
                        model=model)
    _write(out, result.sheet)
    if proposals is not None:
        _write(proposals, result.proposals)
    _write(Path(report) if report and report != "-" else None, result.report, default=None if report == "-" else sys.stderr)
    if result.proposals and proposals is None:
        sys.stderr.write(f"\n{len(result.draft.proposals)} registry proposal(s): paste under `entities:` in "
                         f"{result.registry_path}, then draft again:\n{result.proposals}")
    if out is not None:
        active = sum(fact.active for fact in result.draft.facts)
        sys.stderr.write(f"Wrote {out}: {active} facts and {len(result.draft.facts) - active} suggestions.\n")


@app.command("coverage", help=COVERAGE_HELP)
def coverage_command(
    sheet: Annotated[Path, typer.Argument(metavar="SHEET.yaml", help="A fact sheet, seeds/ID.yaml (its article is seeds/ID.txt).", show_default=False)],
) -> None:
    from cubakg.draft.service import sheet_coverage
    from cubakg.errors import EXIT_NONCONFORMING

    text, complete = sheet_coverage(sheet)
    sys.stdout.write(console.printable(text))
    if not complete:
        sys.exit(EXIT_NONCONFORMING)


def _check(article_id: str, url: Optional[str]) -> None:
    """The sheet's own rules for ids and URLs (cubakg.sheets), before any work."""
    from pydantic import ValidationError

    from cubakg.errors import UsageError
    from cubakg.sheets import ArticleHeader, Source

    try:
        ArticleHeader(id=article_id)
    except ValidationError:
        raise UsageError(f"{article_id!r} is not an article id",
                         hint="give --id: a lowercase slug of letters, digits, '-' and '_', e.g. 2022-11-15-havana-talks") from None
    try:
        Source(url=url)
    except ValidationError:
        raise UsageError(f"--url {url!r} is not an absolute http(s) URL") from None


def _write(path: Optional[Path], text: str, default=None) -> None:
    from cubakg.errors import InputError, Location

    if path is None:
        (default or sys.stdout).write(text)
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write the file: {error.strerror}", Location(str(path))) from None
