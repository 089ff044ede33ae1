"""The saved queries shipped with cubakg: their comment headers, lookup by name, and the index.

Each `queries/*.rq` starts with a comment header, one field a line, longer values
continued on lines indented by two spaces:

    # title: Rounds of the US–Cuba migration talks
    # question: Which rounds … are reported, in order, with place and date
    #   as precise as the text allows?
    # competency: 1
    # param article (optional): the article, as its identifier or IRI
    # row: one report of a round in one article

`title`, `question` and `row` are required; `param NAME` may repeat and is
required unless marked `(optional)`; `competency` names the competency question.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from cubakg.errors import InputError, Location, UsageError

FIELD = re.compile(r"^#\s?(?P<key>title|question|row|competency|param\s+(?P<param>[A-Za-z_][A-Za-z_0-9]*)"
                   r"(?P<optional>\s*\(optional\))?)\s*:\s*(?P<value>.*)$")
CONTINUATION = re.compile(r"^#\s{2,}(?P<value>\S.*)$")
REQUIRED_FIELDS = ("title", "question", "row")
# Former names that still find their query: scripts written for the two seed articles used them.
FORMER_NAMES = {"cq10-people-in-both-articles": "cq10-people-in-several-articles"}


@dataclass(frozen=True)
class QueryParameter:
    name: str
    description: str
    required: bool


@dataclass(frozen=True)
class SavedQuery:
    """A saved query and what its header says about it."""

    name: str
    path: Path
    title: str
    question: str
    row: str
    parameters: tuple[QueryParameter, ...]
    competency: int | None
    text: str

    @property
    def required_parameters(self) -> list[str]:
        return [p.name for p in self.parameters if p.required]


def read_saved_query(path: Path) -> SavedQuery:
    """Parse one `.rq` file's header; a missing or malformed field names file:line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the query: {error}", location=Location(str(path))) from None
    fields: dict[str, str] = {}
    parameters: list[QueryParameter] = []
    last: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped == "#":
            continue
        if not stripped.startswith("#"):
            break
        if (continued := CONTINUATION.match(stripped)) and last:
            _extend(fields, parameters, last, continued.group("value"))
            continue
        match = FIELD.match(stripped)
        if not match:
            last = None
            continue
        key, value = match.group("key"), match.group("value").strip()
        if match.group("param"):
            parameters.append(QueryParameter(match.group("param"), value, not match.group("optional")))
            last = "param"
        else:
            if key in fields:
                raise InputError(f"the header gives `{key}` twice", location=Location(str(path), number))
            fields[key] = value
            last = key
    missing = [key for key in REQUIRED_FIELDS if not fields.get(key)]
    if missing:
        raise InputError(
            f"the query's comment header lacks: {', '.join(missing)}",
            location=Location(str(path), 1),
            hint="start the file with `# title: …`, `# question: …` and `# row: …` lines",
        )
    competency = fields.get("competency")
    return SavedQuery(
        name=path.stem, path=path, title=fields["title"], question=fields["question"], row=fields["row"],
        parameters=tuple(parameters), competency=int(competency) if competency and competency.isdigit() else None,
        text=text,
    )


def _extend(fields: dict[str, str], parameters: list[QueryParameter], last: str, more: str) -> None:
    if last == "param":
        previous = parameters[-1]
        parameters[-1] = QueryParameter(previous.name, f"{previous.description} {more}", previous.required)
    else:
        fields[last] = f"{fields[last]} {more}"


def load_saved_queries(directory: Path | None = None) -> list[SavedQuery]:
    """Every saved query, sorted by name."""
    from cubakg.resources import QUERIES_DIR

    folder = directory or QUERIES_DIR
    return [read_saved_query(path) for path in sorted(folder.glob("*.rq"))]


def find_saved_query(name: str, queries: list[SavedQuery]) -> SavedQuery:
    """The query called `name`, or the only one whose name starts with it (`cq01`)."""
    by_name = {query.name: query for query in queries}
    name = FORMER_NAMES.get(name, name)
    if name in by_name:
        return by_name[name]
    starting = [query for query in queries if query.name.startswith(name)]
    if len(starting) == 1:
        return starting[0]
    names = sorted(by_name)
    # Compare with the short form too ("cq02" for cq02-cuban-delegation-head), so "cq2" finds it.
    short_forms = {n.split("-")[0]: n for n in names if "-" in n}
    close = [n for n in names if n.startswith(name)]
    if not close:
        similar = difflib.get_close_matches(name, names + sorted(short_forms), n=5, cutoff=0.5)
        close = sorted({short_forms.get(n, n) for n in similar})
    hint = f"did you mean: {', '.join(close)}?" if close else "run `cubakg queries` to list them"
    what = "matches several saved queries" if len(starting) > 1 else "is not a saved query or a .rq file"
    raise UsageError(f"{name!r} {what}", hint=hint)


def render_index(queries: list[SavedQuery]) -> str:
    """A Markdown index of the saved queries: name, title, question, parameters, what a row is."""
    lines = [
        "# Saved queries",
        "",
        "Run any of them with `cubakg query NAME` (see `docs/querying.md`), or send the",
        "`.rq` file to a SPARQL endpoint that has the release loaded with its named",
        "graphs as the default graph (or the Turtle file loaded into the default graph).",
        "",
        "Each answers for the whole corpus, however many articles it holds. Where a row",
        "is one article's report, the row says so and the rows come in article order;",
        "no query pairs articles, so answers grow with the corpus, not with its square.",
        "",
        "| query | title | question |",
        "|---|---|---|",
    ]
    for query in sorted(queries, key=lambda q: q.name):
        lines.append(f"| [`{query.name}`]({query.name}.rq) | {_cell(query.title)} | {_cell(query.question)} |")
    for query in sorted(queries, key=lambda q: q.name):
        lines += ["", f"## {query.name}: {query.title}", "", query.question, ""]
        if query.competency:
            lines += [f"Competency question {query.competency}.", ""]
        for parameter in query.parameters:
            needed = "" if parameter.required else " (optional)"
            lines.append(f"- parameter `{parameter.name}`{needed}: {parameter.description}")
        lines.append(f"- each row: {query.row}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
