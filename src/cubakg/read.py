"""Stage 1, read: fact sheets and the registry from YAML into typed objects.

Every error names `file:line` and says what was expected, e.g.

    seeds/003_04d8b4ff46bc92ce.yaml:41: facts.3.event: unknown field `plase`

Problems in several sheets are reported together (`cubakg.errors.InputErrors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from cubakg import parallel
from cubakg.errors import InputError, Location, Problems
from cubakg.sheets import FactSheet, Registry


class SourceMap:
    """Finds the line of a value inside a YAML document by its path.

    The document's node tree is kept only while it is at hand (when reading); later it
    is parsed again from the text on the first question, which only an error asks.
    """

    def __init__(self, path: Path, text: str, root: yaml.Node | None = None):
        self.path = path
        self.text = text
        self._root = root

    def __getstate__(self) -> dict:  # sent between processes without the node tree
        return {"path": self.path, "text": self.text}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"], state["text"])

    def forget_nodes(self) -> "SourceMap":
        self._root = None
        return self

    @property
    def root(self) -> yaml.Node | None:
        if self._root is None and self.text:
            try:
                self._root = yaml.compose(self.text, Loader=_SheetLoader)
            except yaml.YAMLError:
                return None
        return self._root

    def line(self, *keys: str | int) -> int | None:
        """1-based line of the deepest node reachable along `keys`.

        >>> SourceMap(Path("x.yaml"), "a:\\n  - b: 1\\n").line("a", 0, "b")
        2
        """
        node = self.root
        if node is None:
            return None
        for key in keys:
            if _is_union_tag(node, key):
                continue  # pydantic names the kind of a fact in the path; it is no key
            child = _child(node, key)
            if child is not None:
                node = child
        return node.start_mark.line + 1

    def location(self, *keys: str | int) -> Location:
        return Location(str(self.path), self.line(*keys))

    def key_location(self, *keys: str) -> Location:
        """Where a mapping key itself is written (`facts:`), rather than its value."""
        parent = self.root
        for key in keys[:-1]:
            parent = _child(parent, key) if parent is not None else None
        if isinstance(parent, yaml.MappingNode):
            for key_node, _value in parent.value:
                if key_node.value == keys[-1]:
                    return Location(str(self.path), key_node.start_mark.line + 1)
        return self.location(*keys)


def _is_union_tag(node: yaml.Node, key: str | int) -> bool:
    kind = _child(node, "kind")
    return isinstance(kind, yaml.ScalarNode) and kind.value == key


def _child(node: yaml.Node, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node
    return None


@dataclass(frozen=True)
class LoadedSheet:
    """A fact sheet with its article text and where each value came from."""

    path: Path
    sheet: FactSheet
    text: str
    source: SourceMap

    @property
    def article_id(self) -> str:
        return self.sheet.article.id


@dataclass(frozen=True)
class LoadedRegistry:
    path: Path
    registry: Registry
    source: SourceMap


def read_text(path: Path) -> str:
    """An article's text, exactly as stored (UTF-8, no newline translation)."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError("file not found", Location(str(path))) from None
    except UnicodeDecodeError as error:
        raise InputError(
            f"not valid UTF-8 at byte {error.start}", Location(str(path)),
            hint="save the file as UTF-8",
        ) from None


# libyaml's parser when PyYAML has it (it has in every wheel), else the pure-Python one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SheetLoader(_SafeLoader):
    """Safe YAML that leaves dates as text, so a bad date is reported with its line."""


_SheetLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml(path: Path) -> tuple[Any, SourceMap]:
    text = read_text(path)
    try:
        # One parse: the node tree gives the line numbers, and the data is built from it.
        loader = _SheetLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Location(str(path), mark.line + 1, mark.column + 1) if mark else Location(str(path))
        raise InputError(f"malformed YAML: {error.problem or error.context}", where) from None
    source = SourceMap(path, text, root)
    _reject_duplicate_keys(root, path, set())
    return data, source


def _reject_duplicate_keys(node: yaml.Node | None, path: Path, visited: set[int]) -> None:
    """PyYAML keeps the last of two equal keys silently; a sheet must not. Nor may it reuse a
    node through a YAML alias (`*name`): a few lines of aliases of aliases stand for more
    values than any machine holds, and every later stage would walk them all."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in visited:
            raise InputError(
                f"the value that starts at line {node.start_mark.line + 1} is used again through a YAML alias (*name)",
                Location(str(path), node.start_mark.line + 1),
                hint="write each list or mapping out where it is used: sheets and the registry take no aliases of them",
            )
        visited.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.value in seen:
                raise InputError(
                    f"duplicate key `{key_node.value}` (first at line {seen[key_node.value]})",
                    Location(str(path), line),
                )
            seen[key_node.value] = line
            _reject_duplicate_keys(value_node, path, visited)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item, path, visited)


PATTERN_HINTS = {
    "key": "keys and fact ids are lowercase words joined by hyphens, e.g. carlos-fernandez-de-cossio",
    "article-id": "an article id is a lowercase slug of letters, digits, hyphens and underscores, "
                  "e.g. reuters-2022-04-18-migration-talks; see docs/fact-sheets.md",
    "url": "an absolute http(s) URL such as https://www.example.org/news/2022/11/15/talks",
    "wikidata": "a Wikidata item id such as Q6279",
}


def _validate(model: type[BaseModel], data: Any, source: SourceMap) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        where = ".".join(str(part) for part in loc) or "document"
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = f"unknown field `{loc[-1]}`"
        elif first["type"] == "missing":
            message = f"missing required field `{loc[-1]}`"
        elif first["type"] == "string_pattern_mismatch":
            hint_key = "article-id" if loc == ("article", "id") else str(loc[-1])
            message = f"{message} ({PATTERN_HINTS.get(hint_key, PATTERN_HINTS['key'])})"
        elif first["type"] == "union_tag_invalid":
            message = f"unknown kind; {message.split('. ', 1)[-1]}"
        more = f" (and {len(error.errors()) - 1} more problems)" if len(error.errors()) > 1 else ""
        raise InputError(f"{where}: {message}{more}", source.location(*loc)) from None


def read_registry(path: Path) -> LoadedRegistry:
    data, source = _load_yaml(path)
    registry = _validate(Registry, data, source)
    return LoadedRegistry(path, registry, source.forget_nodes())


def read_sheet(path: Path) -> LoadedSheet:
    """Read `{id}.yaml` and its article `{id}.txt` from the same folder."""
    data, source = _load_yaml(path)
    sheet = _validate(FactSheet, data, source)
    if sheet.article.id != path.stem:
        raise InputError(
            f"article.id `{sheet.article.id}` does not match the file name `{path.stem}`",
            source.location("article", "id"),
            hint="name each sheet after its article: {id}.yaml beside {id}.txt",
        )
    text = read_text(path.with_suffix(".txt"))
    first: dict[str, int] = {}
    for index, fact in enumerate(sheet.facts):
        if fact.id in first:
            raise InputError(
                f"fact id `{fact.id}` is used twice (first at line {source.line('facts', first[fact.id], 'id')})",
                source.location("facts", index, "id"),
                hint="give every fact of a sheet its own id",
            )
        first[fact.id] = index
    return LoadedSheet(path, sheet, text, source.forget_nodes())


REGISTRY = "registry.yaml"


class Ontology:
    """The ontology, read once: its triples as strings, and an rdflib graph for the few who need one.

    Subjects are bare IRIs (blank nodes `_:…`), objects N-Triples terms, as in the
    build's quads.
    """

    def __init__(self, path: Path):
        import pyoxigraph

        self.path = path
        try:
            self.data = path.read_bytes()
            parsed = list(pyoxigraph.parse(self.data, format=pyoxigraph.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
        except FileNotFoundError:
            raise InputError("file not found", Location(str(path))) from None
        except SyntaxError as error:
            raise InputError(f"cannot parse Turtle: {error}", Location(str(path))) from None
        self.triples = [(_subject(t.subject), t.predicate.value, str(t.object)) for t in parsed]
        self._by_subject: dict[str, list[tuple[str, str]]] = {}
        for subject, predicate, obj in self.triples:
            self._by_subject.setdefault(subject, []).append((predicate, obj))
        self._graph = None

    def about(self, subject: str) -> list[tuple[str, str]]:
        """(predicate, object) of every triple about `subject`."""
        return self._by_subject.get(subject, [])

    def objects(self, subject: str, predicate: str) -> list[str]:
        return [obj for p, obj in self.about(subject) if p == predicate]

    def subjects(self, predicate: str, obj: str) -> list[str]:
        return sorted(s for s, p, o in self.triples if p == predicate and o == obj)

    def declaration(self, prop: str) -> list[tuple[str, str]]:
        """What the Data Cube needs repeated beside the data: type, range, code list, label."""
        from cubakg.namespaces import QB, RDF_TYPE, RDFS

        wanted = {RDF_TYPE, RDFS + "range", QB.codeList, RDFS + "label"}
        return [(p, o) for p, o in self.about(prop) if p in wanted]

    def graph(self):
        """The ontology as an rdflib Graph (parsed on first use)."""
        if self._graph is None:
            from rdflib import Graph

            self._graph = Graph().parse(data=self.data, format="turtle", publicID=self.path.resolve().as_uri())
        return self._graph


def _subject(term) -> str:
    value = getattr(term, "value", None)
    return value if type(term).__name__ == "NamedNode" else str(term)


def sheet_paths(seeds_dir: Path) -> list[Path]:
    """Every fact sheet of a seeds folder, in file-name order."""
    return sorted(p for p in seeds_dir.glob("*.yaml") if p.name != REGISTRY)


def read_seeds(seeds_dir: Path) -> tuple[LoadedRegistry, list[LoadedSheet]]:
    """The registry and every fact sheet in `seeds_dir`, sheets in file-name order."""
    if not seeds_dir.is_dir():
        raise InputError(
            "no seeds/ folder here", Location(str(seeds_dir)),
            hint="a cubakg project folder holds seeds/ (articles, fact sheets, registry.yaml), "
                 "ontology/ and shapes/; run the command inside one, or point at one with -C PATH",
        )
    problems = Problems()
    registry = None
    with problems.collect():
        registry = read_registry(seeds_dir / REGISTRY)
    paths = sheet_paths(seeds_dir)
    if not paths:
        raise InputError("no fact sheets (*.yaml beside the article texts)", Location(str(seeds_dir)))
    sheets = []
    for path, outcome in zip(paths, parallel.map(_read_sheet_or_problem, paths)):
        if isinstance(outcome, LoadedSheet):
            sheets.append(outcome)
        else:
            problems.found.append(outcome)
    problems.raise_if_any()
    return registry, sorted(sheets, key=lambda sheet: sheet.article_id)


def _read_sheet_or_problem(path: Path) -> "LoadedSheet | InputError":
    """A sheet, or what is wrong with it (as a value: it may come from another process)."""
    try:
        return read_sheet(path)
    except InputError as error:
        return error
