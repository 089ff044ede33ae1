"""Reading the vendored W3C test suites (tests/external/): manifests, expected reports, comparison keys."""

from __future__ import annotations

import contextlib
import io
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import rdflib
from rdflib import RDF, Namespace, URIRef

from cubakg.conformance.fallback import path_text, report_conforms, report_multiset

EXTERNAL = Path(__file__).resolve().parent / "external"
SHACL_SUITE = EXTERNAL / "w3c-shacl-core"
RDF_SUITE = EXTERNAL / "w3c-rdf-tests"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
RDFT = Namespace("http://www.w3.org/ns/rdftest#")
SH = Namespace("http://www.w3.org/ns/shacl#")
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)  # the suites hold ill-typed literals on purpose


def parse_as_written(path: Path | None = None, data: str | None = None, fmt: str = "turtle") -> rdflib.Graph:
    """An rdflib graph with every literal as written.

    rdflib normalises "4.0" and the like unless told not to, and its Turtle parser turns
    the integer token `01` into "1" even then; so the document is read by pyoxigraph,
    which keeps each token's lexical form (RDF 1.1 Turtle §7.2), and handed to rdflib
    as N-Triples (`to_rdflib_graph`), which rdflib reads as written.
    """
    from cubakg.conformance.fallback import to_rdflib_graph

    formats = {"turtle": pyoxigraph.RdfFormat.TURTLE, "nt": pyoxigraph.RdfFormat.N_TRIPLES}
    quads = pyoxigraph.parse(data.encode("utf-8") if path is None else None, path=None if path is None else str(path),
                             format=formats[fmt], base_iri=path.resolve().as_uri() if path is not None else None)
    return to_rdflib_graph(quad.triple for quad in quads)


@dataclass
class ShaclTest:
    name: str
    data: Path
    shapes: Path
    conforms: bool
    expected: Counter  # (focus, component, path, severity) → count


def file_of(uri) -> Path:
    return Path(str(uri).removeprefix("file://"))


def shacl_tests() -> list[ShaclTest]:
    """Every sht:Validate entry of the W3C suite's manifests, in manifest order."""
    tests = []
    top = parse_as_written(SHACL_SUITE / "manifest.ttl")
    for include in sorted(top.objects(None, MF.include), key=str):
        folder_manifest = file_of(include)
        folder = parse_as_written(folder_manifest)
        for entry_file in folder.objects(None, MF.include):
            tests += validate_entries(file_of(entry_file), folder_manifest.parent.name)
    return tests


def validate_entries(path: Path, prefix: str, with_value: bool = False) -> list[ShaclTest]:
    """The sht:Validate entries of one manifest file (data, shapes and expected report)."""
    graph = parse_as_written(path)
    tests = []
    for manifest in graph.subjects(RDF.type, MF.Manifest):
        for entry in graph.items(graph.value(manifest, MF.entries)):
            if (entry, RDF.type, SHT.Validate) not in graph:
                continue
            action = graph.value(entry, MF.action)
            report = graph.value(entry, MF.result)
            expected = rdflib.Graph()
            for triple in closure(graph, report):
                expected.add(triple)
            expected.add((report, RDF.type, SH.ValidationReport))
            name = f"{prefix}/{Path(str(entry)).name.split('#')[-1]}"
            tests.append(ShaclTest(
                name=name, data=file_of(graph.value(action, SHT.dataGraph)),
                shapes=file_of(graph.value(action, SHT.shapesGraph)),
                conforms=str(graph.value(report, SH.conforms)) == "true",
                expected=report_multiset(expected, with_value=with_value),
            ))
    return tests


def closure(graph: rdflib.Graph, node) -> list:
    """The triples about a node and every blank node below it."""
    found, todo, seen = [], [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in graph.predicate_objects(current):
            found.append((current, p, o))
            if isinstance(o, rdflib.BNode):
                todo.append(o)
    return found


def term_key(term) -> str:
    """A pyoxigraph term for comparing engines: blank nodes all read `_:`."""
    import pyoxigraph

    if term is None:
        return ""
    if type(term) is pyoxigraph.NamedNode:
        return term.value
    if type(term) is pyoxigraph.BlankNode:
        return "_:"
    return str(term)


def shown(expected: Counter, found: Counter) -> str:
    return f"expected only: {sorted((expected - found).elements())}\nfound only: {sorted((found - expected).elements())}"


def outcome_multiset(results, with_value: bool = False) -> Counter:
    """The same keys from the library's results (pyoxigraph terms)."""
    key = term_key
    return Counter((key(r.focus), r.component, r.path or "", r.severity) + ((key(r.value),) if with_value else ())
                   for r in results)


def run_main(*arguments: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """`cubakg …` in this process (the CLI's own entry point): exit code, stdout, stderr."""
    from cubakg.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv, real_stdin = sys.argv, sys.stdin
    sys.argv = ["cubakg", *arguments]
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv, sys.stdin = argv, real_stdin
    return code, out.getvalue(), err.getvalue()


def report_of(turtle: str, with_value: bool = False) -> tuple[bool | None, Counter]:
    graph = parse_as_written(data=turtle)
    return report_conforms(graph), report_multiset(graph, with_value=with_value)


__all__ = ["path_text", "URIRef"]
