"""`cubakg validate` on every kind of input, good and hostile, through the real CLI.

The cases are tests/validate_cases/inputs.yaml; inputs too big, binary or
deeply nested to keep as files are made here by the generator each case names.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from validate_support import CASES, run_cli

FILES = CASES / "files"


# -- generators: each writes one input into a folder and returns its path ------------------


def gen_ntriples_as_txt(folder: Path) -> Path:
    path = folder / "export.txt"
    path.write_text('<https://example.org/a> <https://example.org/b> "c" .\n', encoding="utf-8")
    return path


def gen_png(folder: Path) -> Path:
    path = folder / "picture.ttl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return path


def gen_utf16(folder: Path) -> Path:
    path = folder / "utf16.ttl"
    path.write_bytes('<https://example.org/a> <https://example.org/b> "café" .\n'.encode("utf-16"))
    return path


def gen_latin1(folder: Path) -> Path:
    path = folder / "latin1.ttl"
    path.write_bytes('# Latin-1, not UTF-8\n<https://example.org/a> <https://example.org/b> "café" .\n'.encode("latin-1"))
    return path


def gen_utf8_bom(folder: Path) -> Path:
    path = folder / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + '<https://example.org/a> <https://example.org/b> "café" .\n'.encode("utf-8"))
    return path


def gen_empty(folder: Path) -> Path:
    path = folder / "empty.ttl"
    path.write_bytes(b"")
    return path


def gen_blank(folder: Path) -> Path:
    path = folder / "blank.nt"
    path.write_bytes(b"  \n\t\n\n")
    return path


def gen_long_literal(folder: Path) -> Path:
    # schema:text must be a plain string: a language tag makes the 5 MB value the offending one.
    path = folder / "long.ttl"
    path.write_text(
        "@prefix schema: <https://schema.org/> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "<https://w3id.org/cubakg/id/article/999_0123456789abcdef> a schema:NewsArticle ;\n"
        '  dcterms:identifier "999_0123456789abcdef" ; schema:inLanguage "en" ; schema:headline "H" ;\n'
        '  schema:publisher <https://w3id.org/cubakg/id/article/999_0123456789abcdef> ;\n'
        f'  schema:text "{"a" * 5_000_000}"@en .\n', encoding="utf-8")
    return path


def gen_deep_turtle(folder: Path) -> Path:
    depth = 100_000
    path = folder / "deep.ttl"
    path.write_text("<https://example.org/a> <https://example.org/p> " + "[ <https://example.org/p> " * depth
                    + "1" + " ]" * depth + " .\n", encoding="utf-8")
    return path


def gen_deep_sparql_shapes(folder: Path) -> Path:
    """A SHACL-SPARQL constraint nested 5,000 deep (it crashed Oxigraph's parser: SIGSEGV)."""
    path = folder / "deep-sparql-shapes.ttl"
    select = "SELECT $this WHERE " + "{ " * 5000 + "$this ?p ?o" + " }" * 5000
    path.write_text('@prefix sh: <http://www.w3.org/ns/shacl#> .\n<http://example.org/S> a sh:NodeShape ; '
                    f'sh:targetNode <http://example.org/a> ; sh:sparql [ sh:select "{select}" ] .\n', encoding="utf-8")
    return path


def gen_deep_path_shapes(folder: Path) -> Path:
    """A property path of 3,000 nested sh:inversePath (it was a RecursionError, exit 4)."""
    path_text = "<http://example.org/p>"
    for _ in range(3000):
        path_text = f"[ sh:inversePath {path_text} ]"
    path = folder / "deep-path-shapes.ttl"
    path.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<http://example.org/S> a sh:NodeShape ; "
                    f"sh:targetNode <http://example.org/a> ; sh:property [ sh:path {path_text} ; sh:minCount 1 ] .\n",
                    encoding="utf-8")
    return path


def gen_shape_chain(folder: Path) -> Path:
    """3,000 shapes, each sh:node the next (it was a RecursionError, exit 4)."""
    lines = ["@prefix sh: <http://www.w3.org/ns/shacl#> .",
             "<http://example.org/S0> a sh:NodeShape ; sh:targetNode <http://example.org/a> ; sh:node <http://example.org/S1> ."]
    lines += [f"<http://example.org/S{i}> a sh:NodeShape ; sh:node <http://example.org/S{i + 1}> ." for i in range(1, 3000)]
    lines.append("<http://example.org/S3000> a sh:NodeShape ; sh:nodeKind sh:IRI .")
    path = folder / "shape-chain.ttl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def gen_long_in_list(folder: Path) -> Path:
    """sh:in with 100,000 members, the data in the same file (it killed the process: SIGSEGV)."""
    members = " ".join(f'"v{i}"' for i in range(100_000))
    path = folder / "long-in.ttl"
    path.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<http://example.org/a> <http://example.org/p> \"v99999\", \"w\" .\n"
                    "<http://example.org/S> a sh:NodeShape ; sh:targetNode <http://example.org/a> ; "
                    f"sh:property [ sh:path <http://example.org/p> ; sh:in ( {members} ) ] .\n", encoding="utf-8")
    return path


def gen_many_ill_formed(folder: Path) -> Path:
    """20,000 distinct ill-formed xsd:integer literals under sh:datatype (the same chain, from the data)."""
    path = folder / "many-ill-formed.ttl"
    values = ", ".join(f'"x{i}"^^<http://www.w3.org/2001/XMLSchema#integer>' for i in range(20_000))
    path.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                    f"<http://example.org/a> <http://example.org/p> {values}, 7 .\n"
                    "<http://example.org/S> a sh:NodeShape ; sh:targetNode <http://example.org/a> ; "
                    "sh:property [ sh:path <http://example.org/p> ; sh:datatype "
                    "<http://www.w3.org/2001/XMLSchema#integer> ] .\n", encoding="utf-8")
    return path


def gen_deep_jsonld(folder: Path) -> Path:
    depth = 100_000
    path = folder / "deep.jsonld"
    path.write_text('{"@context": {"p": "https://example.org/p"}, "@id": "https://example.org/a", '
                    + '"p": {' * depth + '"p": 1' + "}" * depth + "}", encoding="utf-8")
    return path


def gen_deep_rdfxml(folder: Path) -> Path:
    depth = 100_000
    path = folder / "deep.rdf"
    path.write_text('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="https://example.org/">'
                    + "<rdf:Description><e:p>" * depth + "<rdf:Description/>" + "</e:p></rdf:Description>" * depth
                    + "</rdf:RDF>", encoding="utf-8")
    return path


def gen_quadratic_entities(folder: Path) -> Path:
    # No nesting, but one 10 kB entity used 10,000 times would expand to 100 MB.
    path = folder / "quadratic.rdf"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY big "{"x" * 10_000}"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="https://example.org/">'
        '<rdf:Description rdf:about="https://example.org/a"><e:p>' + "&big;" * 10_000 + "</e:p></rdf:Description></rdf:RDF>",
        encoding="utf-8")
    return path


def gen_extra_shapes(folder: Path) -> Path:
    path = folder / "extra.shapes.ttl"
    path.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/> .\n"
        "ex:BShape a sh:NodeShape ; sh:targetSubjectsOf ex:b ;\n"
        "  sh:property [ sh:path ex:b ; sh:nodeKind sh:IRI ; sh:message \"Every ex:b needs to be an IRI here\" ] .\n",
        encoding="utf-8")
    return path


def gen_huge_literal(folder: Path) -> Path:
    # 20 MB in one string: longer than pyoxigraph's 16 MB token buffer.
    path = folder / "huge.ttl"
    path.write_text('<https://example.org/a> <https://example.org/b> "' + "x" * 20_000_000 + '" .\n', encoding="utf-8")
    return path


def gen_huge_iri(folder: Path) -> Path:
    path = folder / "huge-iri.nt"
    path.write_text('<https://example.org/a> <https://example.org/b> <https://example.org/' + "i" * 30_000_000 + "> .\n",
                    encoding="utf-8")
    return path


def gen_huge_nquads_iri(folder: Path) -> Path:
    path = folder / "huge-iri.nq"
    path.write_text('<https://example.org/a> <https://example.org/b> "c" .\n'
                    '<https://example.org/a> <https://example.org/b> <https://example.org/' + "i" * 17_000_000 + "> .\n",
                    encoding="utf-8")
    return path


def gen_huge_jsonld_string(folder: Path) -> Path:
    path = folder / "huge.jsonld"
    path.write_text('{"@id": "https://example.org/a",\n "https://example.org/b": "' + "x" * 17_000_000 + '"}\n',
                    encoding="utf-8")
    return path


def gen_control_characters(folder: Path) -> Path:
    # Turtle strings may hold any character but the quote, backslash and line ends, raw NUL included.
    path = folder / "controls.ttl"
    path.write_bytes(b'<https://example.org/a> <https://example.org/b> "nul\x00 bell\x07 escape\x1b del\x7f" .\n')
    return path


def gen_triple_term(folder: Path) -> Path:
    path = folder / "triple-term.ttl"
    path.write_text('<https://example.org/a> <https://example.org/b> <<( <https://example.org/s> '
                    '<https://example.org/p> "o" )>> .\n', encoding="utf-8")
    return path


GENERATORS = {name[len("gen_"):]: function for name, function in globals().items() if name.startswith("gen_")}
CASE_LIST = yaml.safe_load((CASES / "inputs.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASE_LIST, ids=[case["name"] for case in CASE_LIST])
def test_input_case(case: dict, tmp_path: Path) -> None:
    # Run from a copy of the files, so that the messages name them as the case does.
    work = tmp_path / "files"
    shutil.copytree(FILES, work)
    generated = GENERATORS[case["generate"]](work) if case.get("generate") else None
    arguments = [str(argument).replace("{generated}", generated.name if generated else "") for argument in case["args"]]
    stdin = (FILES / case["stdin"]).read_bytes() if case.get("stdin") else None
    completed = run_cli(*arguments, stdin=stdin, cwd=work)
    shown = f"exit {completed.returncode}\nstdout:\n{completed.stdout[:3000]}\nstderr:\n{completed.stderr[:3000]}"
    assert completed.returncode == case["exit"], shown
    assert "Traceback" not in completed.stderr + completed.stdout, shown
    for text in case.get("stdout", []):
        assert text in completed.stdout, shown
    for text in case.get("stderr", []):
        assert text in completed.stderr, shown
    for text in case.get("absent", []):
        assert text not in completed.stdout + completed.stderr, shown
