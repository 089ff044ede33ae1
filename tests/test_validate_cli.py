"""`cubakg validate`: output formats, line numbers, --with-graph, --shapes fallback, the release.

Expected values are written from the input files: tests/validate_cases/files/
negative-count.ttl holds one observation (its first triple on line 11) whose
ckg:personCount is -16531; with the shape tests' context it breaks exactly one
constraint, sh:minInclusive 0 of cks:ObservationShape.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from validate_support import CASES, REPO, run_cli

FILES = CASES / "files"
CONTEXT = REPO / "tests" / "shapes" / "context.ttl"
NEGATIVE = FILES / "negative-count.ttl"
FACT = "https://w3id.org/cubakg/id/fact/999_0123456789abcdef/caught-feb"
PERSON_COUNT = "https://w3id.org/cubakg/ontology#personCount"
SH = "http://www.w3.org/ns/shacl#"


def test_help_shows_an_example_and_the_exit_codes() -> None:
    completed = run_cli("--help")
    assert completed.returncode == 0
    text = " ".join(completed.stdout.split())  # help is wrapped to the terminal width
    assert "cubakg validate new-facts.ttl" in text
    assert "Exit codes: 0 conforms, 1 does not conform, 2 usage error, 3 unreadable or unparseable input, 4 internal error" in text


def test_text_report_groups_by_focus_node_with_its_line() -> None:
    completed = run_cli(str(CONTEXT), str(NEGATIVE))
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == f"id:fact/999_0123456789abcdef/caught-feb  ({NEGATIVE}:11)"
    assert lines[1].startswith("  Violation: ckg:personCount must be a whole number of people ≥ 0")
    assert lines[2].startswith('    path ckg:personCount · value "-16531"^^xsd:integer · '
                               "sh:MinInclusiveConstraintComponent · shape ")
    # The property shape is named by its IRI, or after its node shape when it is a blank node.
    assert "cks:ObservationShape" in lines[2]
    assert lines[-1].endswith("1 violation, 0 warnings — does not conform (--severity violation)")
    assert lines[-1].startswith("2 files, ")


def test_json_report_fields() -> None:
    completed = run_cli(str(CONTEXT), str(NEGATIVE), "--format", "json")
    assert completed.returncode == 1
    document = json.loads(completed.stdout)
    assert document["conforms"] is False
    assert document["failOn"] == "violation"
    assert document["summary"]["files"] == 2
    assert document["summary"]["violations"] == 1
    assert document["summary"]["warnings"] == 0
    assert [f["format"] for f in document["files"]] == ["turtle", "turtle"]
    assert document["files"][1]["path"] == str(NEGATIVE)
    (result,) = document["results"]
    shape = {"sourceShape": result.pop("sourceShape"), "ownerShape": result.pop("ownerShape")}
    assert result == {
        "focusNode": FACT, "focusNodeKind": "iri", "file": str(NEGATIVE), "line": 11,
        "severity": "Violation", "message": result["message"], "path": f"<{PERSON_COUNT}>",
        "value": '"-16531"^^<http://www.w3.org/2001/XMLSchema#integer>',
        "sourceConstraintComponent": SH + "MinInclusiveConstraintComponent", "check": "shacl",
    }
    # A property shape with an IRI is named by it; a blank one by the node shape that holds it.
    assert (shape["sourceShape"] or "").startswith("https://w3id.org/cubakg/shapes#ObservationShape") \
        or shape == {"sourceShape": None, "ownerShape": "cks:ObservationShape"}, shape
    assert result["message"].startswith("ckg:personCount must be a whole number of people ≥ 0")
    # The summary goes to standard error, so standard output stays pure JSON.
    assert "1 violation, 0 warnings — does not conform" in completed.stderr


def test_turtle_report_is_a_shacl_validation_report() -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF, SH as SH_NS, XSD

    completed = run_cli(str(CONTEXT), str(NEGATIVE), "--format", "turtle")
    assert completed.returncode == 1
    report = Graph().parse(data=completed.stdout, format="turtle")
    (node,) = report.subjects(RDF.type, SH_NS.ValidationReport)
    assert report.value(node, SH_NS.conforms) == Literal(False)
    (result,) = report.objects(node, SH_NS.result)
    assert report.value(result, SH_NS.focusNode) == URIRef(FACT)
    assert report.value(result, SH_NS.resultPath) == URIRef(PERSON_COUNT)
    assert report.value(result, SH_NS.value) == Literal("-16531", datatype=XSD.integer)
    assert report.value(result, SH_NS.resultSeverity) == SH_NS.Violation
    assert report.value(result, SH_NS.sourceConstraintComponent) == SH_NS.MinInclusiveConstraintComponent
    assert report.value(result, SH_NS.sourceShape) is not None
    assert str(report.value(result, SH_NS.resultMessage)).startswith("ckg:personCount must be")


def test_line_numbers_in_n_triples(tmp_path: Path) -> None:
    data = tmp_path / "export.nt"
    data.write_text(
        '<https://example.org/a> <https://example.org/b> "c" .\n'
        "# a comment line\n"
        "<https://w3id.org/cubakg/id/fact/x> <https://w3id.org/cubakg/ontology#personcount> \"5\" .\n",
        encoding="utf-8")
    completed = run_cli(str(data))
    assert completed.returncode == 1
    assert f"id:fact/x  ({data}:3)" in completed.stdout
    assert "did you mean ckg:personCount?" in completed.stdout


def test_with_graph_lets_new_data_refer_to_the_release(tmp_path: Path, monkeypatch) -> None:
    from cubakg import resources
    from cubakg.conformance.run import Options, validate

    release = tmp_path / "release"
    release.mkdir()
    (release / resources.GRAPH_TRIG).write_text(
        "<https://w3id.org/cubakg/id/graph/shared> {\n"
        "  <https://w3id.org/cubakg/id/person/nobody-at-all> a <https://schema.org/Person> .\n}\n", encoding="utf-8")
    monkeypatch.setattr(resources, "RELEASE_DIR", release)
    alone = validate(Options(paths=[str(FILES / "dangling.ttl")]))
    assert [r.check for r in alone.everything] == ["dangling-reference"]
    together = validate(Options(paths=[str(FILES / "dangling.ttl")], with_graph=True))
    # The person now exists (this tiny release lacks its label: the shapes say so, but nothing dangles).
    assert [r for r in together.checks if r.check == "dangling-reference"] == []
    assert {r.focus.value for r in together.results} == {"https://w3id.org/cubakg/id/person/nobody-at-all"}


def test_with_graph_without_a_release_says_how_to_get_one(tmp_path: Path, monkeypatch) -> None:
    from cubakg import resources
    from cubakg.conformance.run import Options, validate
    from cubakg.errors import InputError

    monkeypatch.setattr(resources, "RELEASE_DIR", tmp_path / "nowhere")
    with pytest.raises(InputError, match="--with-graph needs the published graph"):
        validate(Options(paths=[str(FILES / "plain.ttl")], with_graph=True))


def test_qualified_value_shapes_disjoint_is_run_by_the_engine(tmp_path: Path) -> None:
    # plain.ttl: <https://example.org/a> <https://example.org/b> "c" . — one value, an IRI neither way.
    shapes = tmp_path / "disjoint.shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/> .\n"
        "ex:Disjoint a sh:NodeShape ; sh:targetSubjectsOf ex:b ;\n"
        "  sh:property [ sh:path ex:b ; sh:qualifiedValueShape [ sh:nodeKind sh:IRI ] ;\n"
        "                sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ] .\n", encoding="utf-8")
    completed = run_cli(str(FILES / "plain.ttl"), "--shapes", str(shapes))
    assert completed.returncode == 1, completed.stderr
    assert "pyshacl" not in completed.stdout
    assert "sh:QualifiedMinCountConstraintComponent" in completed.stdout


def test_shapes_beyond_the_engine_go_to_pyshacl_and_it_says_so(tmp_path: Path) -> None:
    """A SHACL-AF custom target (sh:target with a SPARQL target): pyshacl runs that shape, and only that one."""
    shapes = tmp_path / "custom-target.shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/> .\n"
        "ex:Custom a sh:NodeShape ;\n"
        "  sh:target [ a sh:SPARQLTarget ; sh:select \"SELECT ?this WHERE { ?this <https://example.org/b> ?o }\" ] ;\n"
        "  sh:property [ sh:path ex:b ; sh:nodeKind sh:IRI ; sh:message \"custom target found it\" ] .\n", encoding="utf-8")
    completed = run_cli(str(FILES / "plain.ttl"), "--shapes", str(shapes), "--verbose", "--format", "json")
    assert completed.returncode == 1, completed.stderr
    assert "uses sh:target (SHACL Advanced Features)" in completed.stderr
    assert "pyshacl validated it" in completed.stderr
    document = json.loads(completed.stdout)
    assert [(r["focusNode"], r["message"]) for r in document["results"]] == [("https://example.org/a", "custom target found it")]


RELEASE_TRIG = REPO / "dist" / "cubakg.trig"


@pytest.mark.skipif(not RELEASE_TRIG.exists(), reason="no release in dist/ yet (cubakg build makes it)")
def test_the_whole_release_conforms_with_graph() -> None:
    completed = run_cli(str(RELEASE_TRIG), "--with-graph", timeout=300)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr
    assert "0 violations" in completed.stdout


@pytest.mark.skipif(not RELEASE_TRIG.exists(), reason="no release in dist/ yet (cubakg build makes it)")
def test_with_graph_leaves_out_what_the_input_does_not_mention() -> None:
    completed = run_cli(str(FILES / "plain.ttl"), "--with-graph")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "results about nodes the input does not mention are left out" in completed.stdout
    assert completed.stdout.splitlines()[-1].startswith("1 file, 1 triple: 0 violations, 0 warnings — conforms")


def test_standard_input_closed_is_an_input_error() -> None:
    import os
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "-m", "cubakg", "validate", "-"], capture_output=True, timeout=120,
                               preexec_fn=lambda: os.close(0), env=dict(os.environ, PYTHONPATH=str(REPO / "src")))
    assert completed.returncode == 3, completed.stderr
    assert b"standard input is closed" in completed.stderr and b"Traceback" not in completed.stderr


def test_endless_standard_input_is_refused_at_the_limit() -> None:
    """An endless stream (`yes`) is read up to 1 GiB, then refused with the limit (not read until memory runs out)."""
    import os
    import subprocess
    import sys

    from cubakg.conformance.inputs import STDIN_LIMIT

    endless = subprocess.Popen(["yes", '<https://example.org/a> <https://example.org/b> "c" .'], stdout=subprocess.PIPE)
    try:
        completed = subprocess.run([sys.executable, "-m", "cubakg", "validate", "-"], stdin=endless.stdout,
                                   capture_output=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(REPO / "src")))
    finally:
        endless.kill()
        endless.wait()
    assert completed.returncode == 3, completed.stderr[-2000:]
    assert f"standard input is longer than {STDIN_LIMIT:,} bytes".encode() in completed.stderr
