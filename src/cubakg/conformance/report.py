"""Write a validation outcome as text (for people), JSON (for programs) or Turtle (SHACL).

JSON fields are documented in docs/validating.md and are stable: new fields may be
added, none renamed or removed.
"""

from __future__ import annotations

import json
import re

import pyoxigraph

from cubakg import namespaces
from cubakg.conformance.results import Result
from cubakg.conformance.run import Outcome
from cubakg.namespaces import SH, XSD

PREFIXES = namespaces.PREFIXES
SEVERITY_NAMES = {SH + "Violation": "Violation", SH + "Warning": "Warning", SH + "Info": "Info"}
SEVERITY_ORDER = {SH + "Violation": 0, SH + "Warning": 1, SH + "Info": 2}
VALUE_LIMIT = 200  # characters of a value shown in text and JSON


# -- terms ----------------------------------------------------------------------------------


def compact(iri: str) -> str:
    """prefix:name for the namespaces people know, <iri> otherwise (for people: `id:fact/…` keeps its slashes)."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-/]*", iri[len(namespace):] or "-"):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def compact_path(path: str | None) -> str | None:
    if path is None:
        return None
    return re.sub(r"<([^>]*)>", lambda m: compact(m.group(1)), path)


def term_text(term, limit: int | None = VALUE_LIMIT) -> str:
    """A data term in N-Triples syntax, long literals cut."""
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.Literal) and limit and len(term.value) > limit:
        cut = pyoxigraph.Literal(term.value[:limit], language=term.language) if term.language else \
            pyoxigraph.Literal(term.value[:limit], datatype=term.datatype)
        text = str(cut)
        quote = text.rfind('"')
        return text[:quote] + f'…[{len(term.value):,} characters]' + text[quote:]
    return str(term)


def term_kind(term) -> str:
    if isinstance(term, pyoxigraph.NamedNode):
        return "iri"
    if isinstance(term, pyoxigraph.BlankNode):
        return "blank"
    return "literal"


def display(term) -> str:
    """A data term for people: IRIs compacted where a prefix is well known."""
    if isinstance(term, pyoxigraph.NamedNode):
        return compact(term.value)
    if isinstance(term, pyoxigraph.Literal):
        text = term_text(term)
        if term.datatype and not term.language:
            text = text.replace(f"^^<{term.datatype.value}>", "^^" + compact(term.datatype.value))
        return text
    return term_text(term)


# -- lines of focus nodes --------------------------------------------------------------------

_PREFIX = re.compile(rb"(?:@prefix|PREFIX)\s+([A-Za-z][\w.\-]*)?:\s*<([^>]*)>", re.I)
_NAME_END = re.compile(rb"[\s;,()\[\]]")


def declared_prefixes(data: bytes) -> dict[bytes, bytes]:
    """Turtle/TriG prefix declarations, found with fast substring search (files are large)."""
    prefixes = {}
    for keyword in (b"@prefix", b"PREFIX", b"prefix", b"Prefix"):
        start = data.find(keyword)
        while start >= 0:
            match = _PREFIX.match(data, start)
            if match:
                prefixes[match.group(1) or b""] = match.group(2)
            start = data.find(keyword, start + len(keyword))
    return prefixes


def focus_lines(outcome: Outcome, wanted: set[str]) -> dict[str, tuple[str, int]]:
    """IRI → (file, line) of the first line that starts with it, for line-based inputs.

    Subjects at the start of a line win; indented ones (TriG graph blocks) are
    looked for only if some IRI is still missing. One pass over the lines, cheap
    per line (bytes, and a line with the previous line's subject is skipped at
    once): this runs on files of a million lines.
    """
    found: dict[bytes, tuple[str, int]] = {}
    targets = {iri.encode("utf-8") for iri in wanted}
    if not targets:
        return {}
    for indented in (False, True):
        for label, data in outcome.data.items():
            prefixes = declared_prefixes(data)
            previous = None
            for number, line in enumerate(data.split(b"\n"), 1):
                if indented:
                    line = line.lstrip()
                if not line or line[:1] in b"#@ \t}]).":
                    continue
                if line[:1] == b"<":
                    iri = line[1:line.find(b">")]
                else:
                    end = _NAME_END.search(line)
                    token = line[:end.start()] if end else line
                    prefix, colon, local = token.partition(b":")
                    if not colon or prefix not in prefixes:
                        continue
                    iri = prefixes[prefix] + local.replace(b"\\", b"")
                if iri == previous:
                    continue
                previous = iri
                if iri in targets and iri not in found:
                    found[iri] = (label, number)
                    if len(found) == len(targets):
                        break
            if len(found) == len(targets):
                break
        if len(found) == len(targets):
            break
    return {iri.decode("utf-8"): place for iri, place in found.items()}


def locate(outcome: Outcome) -> dict[str, tuple[str, int]]:
    wanted = {r.focus.value for r in outcome.everything if isinstance(r.focus, pyoxigraph.NamedNode)}
    return focus_lines(outcome, wanted)


# -- ordering ----------------------------------------------------------------------------------


def sort_key(result: Result):
    return (str(result.focus), SEVERITY_ORDER.get(result.severity, 3), result.path or "", result.component,
            str(result.value), str(result.shape), result.message)


def grouped(results: list[Result]) -> list[tuple[object, list[Result]]]:
    groups: dict = {}
    for result in sorted(results, key=sort_key):
        groups.setdefault(result.focus, []).append(result)
    return list(groups.items())


def summary_line(outcome: Outcome) -> str:
    if not outcome.everything:
        verdict = "conforms"
    elif outcome.passes:
        verdict = "passes: nothing reaches the severity that fails the run"
    else:
        verdict = "does not conform"
    infos = outcome.count("Info")
    return (f"{plural(len(outcome.sources), 'file')}, {plural(outcome.triples, 'triple')}: "
            f"{plural(outcome.count('Violation'), 'violation')}, {plural(outcome.count('Warning'), 'warning')}"
            + (f", {plural(infos, 'info')}" if infos else "")
            + f" — {verdict} (--severity {outcome.fail_on})")


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


# -- formats ---------------------------------------------------------------------------------------


def to_text(outcome: Outcome) -> str:
    lines = locate(outcome)
    out = []
    for focus, results in grouped(outcome.everything):
        where = lines.get(getattr(focus, "value", None))
        out.append(display(focus) if not where else f"{display(focus)}  ({where[0]}:{where[1]})")
        for result in results:
            head = f"  {SEVERITY_NAMES.get(result.severity, result.severity)}: {result.message}"
            out.append(head)
            details = []
            if result.path:
                details.append(f"path {compact_path(result.path)}")
            if result.value is not None:
                details.append(f"value {display(result.value)}")
            details.append(compact(result.component))
            if result.shape is not None and result.check == "shacl":
                details.append(f"shape {display(result.shape) if not _is_blank(result.shape) else 'of ' + _owner_name(outcome, result)}")
            out.append("    " + " · ".join(details))
        out.append("")
    out.extend(f"note: {note}" for note in outcome.notes)
    out.append(summary_line(outcome))
    return "\n".join(out) + "\n"


def _is_blank(node) -> bool:
    return isinstance(node, pyoxigraph.BlankNode)


def _owner_name(outcome: Outcome, result: Result) -> str:
    """A blank property shape is named after the node shape that holds it."""
    graph = outcome.shapes_graph
    if graph is None:
        return "a blank shape"
    owners = graph.subjects(pyoxigraph.NamedNode(SH + "property"), result.shape)
    owner = owners[0] if owners else None
    return display(owner) if owner is not None and not _is_blank(owner) else "a blank shape"


def to_json(outcome: Outcome) -> str:
    lines = locate(outcome)
    results = []
    for result in sorted(outcome.everything, key=sort_key):
        where = lines.get(getattr(result.focus, "value", None))
        results.append({
            "focusNode": term_text(result.focus, None) if term_kind(result.focus) != "iri" else result.focus.value,
            "focusNodeKind": term_kind(result.focus),
            "file": where[0] if where else None,
            "line": where[1] if where else None,
            "severity": SEVERITY_NAMES.get(result.severity, result.severity),
            "message": result.message,
            "path": result.path,
            "value": term_text(result.value) if result.value is not None else None,
            "sourceShape": None if result.shape is None or _is_blank(result.shape) else result.shape.value,
            "ownerShape": _owner_name(outcome, result) if _is_blank(result.shape) else None,
            "sourceConstraintComponent": result.component,
            "check": result.check,
        })
    document = {
        "conforms": outcome.conforms,
        "passes": outcome.passes,
        "failOn": outcome.fail_on,
        "summary": {
            "files": len(outcome.sources), "triples": outcome.triples,
            "violations": outcome.count("Violation"), "warnings": outcome.count("Warning"), "infos": outcome.count("Info"),
        },
        "files": [{"path": s.label, "format": s.format_key, "triples": s.triples} for s in outcome.sources],
        "notes": outcome.notes,
        "results": results,
    }
    # Compact: the C encoder (json's indenting one is pure Python, slow on 100,000 results).
    return json.dumps(document, ensure_ascii=False) + "\n"


CHECK_REPORT = namespaces.PREFIXES["cks"] + "CheckReport"
CHECK_RESULT = namespaces.PREFIXES["cks"] + "CheckResult"
CHECK_LINK = namespaces.PREFIXES["cks"] + "checkResult"


def report_triples(outcome: Outcome, report_iri: str | None = None) -> list:
    """The sh:ValidationReport (SHACL results only; sh:conforms true iff there are none, §3.6.1)
    and, beside it, a cks:CheckReport with the extra checks' findings. Deterministic:
    results sorted; with `report_iri`, the report and its results are IRIs
    (`{report_iri}/result/{n}`, `{report_iri}/check/{n}`); blank nodes (blank shapes,
    complex paths) get labels numbered in order."""
    iri = pyoxigraph.NamedNode
    labels: dict = {}

    def blank(key):
        if key not in labels:
            labels[key] = pyoxigraph.BlankNode(f"b{len(labels) + 1}")
        return labels[key]

    def node(kind: str, number: int):
        return iri(f"{report_iri}/{kind}/{number}") if report_iri else blank((kind, number))

    def shape_term(term):
        return blank(("shape", term)) if _is_blank(term) else term

    rdf_type = iri(namespaces.RDF + "type")
    # Made once, not once per result (a tenth of the report's time at 15,000 results).
    sh = {name: iri(SH + name) for name in ("focusNode", "resultSeverity", "sourceConstraintComponent", "resultMessage",
                                            "sourceShape", "sourceConstraint", "value", "resultPath")}
    triples = []
    report = iri(report_iri) if report_iri else blank(("report",))
    triples.append((report, rdf_type, iri(SH + "ValidationReport")))
    triples.append((report, iri(SH + "conforms"), pyoxigraph.Literal("true" if outcome.conforms else "false",
                                                                   datatype=iri(XSD + "boolean"))))
    copied: set = set()
    for kind, results, holder, link, result_type in (
            ("result", outcome.results, report, iri(SH + "result"), iri(SH + "ValidationResult")),
            ("check", outcome.checks, None, iri(CHECK_LINK), iri(CHECK_RESULT))):
        if holder is None:
            if not results:
                continue
            holder = iri(f"{report_iri}/checks") if report_iri else blank(("checks",))
            triples.append((holder, rdf_type, iri(CHECK_REPORT)))
        for number, result in enumerate(sorted(results, key=sort_key), 1):
            subject = node(kind, number)
            triples += [(holder, link, subject), (subject, rdf_type, result_type),
                        (subject, sh["focusNode"], result.focus),
                        (subject, sh["resultSeverity"], iri(result.severity)),
                        (subject, sh["sourceConstraintComponent"], iri(result.component)),
                        (subject, sh["resultMessage"], pyoxigraph.Literal(result.message))]
            if result.shape is not None:
                triples.append((subject, sh["sourceShape"], shape_term(result.shape)))
            if result.constraint is not None:
                triples.append((subject, sh["sourceConstraint"], shape_term(result.constraint)))
            if result.value is not None:
                triples.append((subject, sh["value"], result.value))
            if result.path_node is not None:
                triples.append((subject, sh["resultPath"], shape_term(result.path_node)))
                if _is_blank(result.path_node) and result.path_node not in copied:
                    copied.add(result.path_node)
                    triples += copy_structure(result.path_graph, result.path_node, shape_term)
    return triples


def report_turtle(outcome: Outcome, report_iri: str | None = None) -> str:
    prefixes = namespaces.pick("sh", "rdf", "xsd", "ckg", "cks")
    quads = (pyoxigraph.Triple(*t) for t in report_triples(outcome, report_iri))
    return pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")


def to_turtle(outcome: Outcome) -> str:
    return report_turtle(outcome)


def copy_structure(graph, node, convert) -> list:
    """The triples below a blank node of the shapes graph (a property path), blank nodes relabelled."""
    triples, todo, seen = [], [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for predicate, obj in graph.predicate_objects(current):
            triples.append((convert(current), predicate, convert(obj)))
            if _is_blank(obj):
                todo.append(obj)
    return triples


def render(outcome: Outcome, output_format: str) -> str:
    return {"text": to_text, "json": to_json, "turtle": to_turtle}[output_format](outcome)
