"""Large line-based documents (and Turtle written as N-Triples), read mostly by the store's
parser, give the store the ordinary way gives (tests/validate_cases/line_loader.yaml)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
import yaml

from cubakg.conformance.dataset import _MARKED, BY_VALUE_GRAPH, LINES_APART_FROM, Loader, may_be_ntriples
from cubakg.rdf_formats import marked_lines, whole_lines

CASES = yaml.safe_load((Path(__file__).parent / "validate_cases" / "line_loader.yaml").read_text(encoding="utf-8"))
FORMATS = {"ntriples": pyoxigraph.RdfFormat.N_TRIPLES, "nquads": pyoxigraph.RdfFormat.N_QUADS,
           "turtle": pyoxigraph.RdfFormat.TURTLE}


def padding(count: int) -> bytes:
    """Plain lines (no datatype, blank node or escape): the store's parser reads them."""
    return b"".join(b'<http://e.org/pad/%d> <http://e.org/label> "padding line %d" .\n' % (i, i) for i in range(count))


PAD_LINES = LINES_APART_FROM // 50 + 1_000  # each padding line is longer than 50 bytes


def document(case) -> bytes:
    pad = padding(PAD_LINES)
    half = pad.index(b"\n", len(pad) // 2) + 1
    return case.get("head", "").encode("utf-8") + pad[:half] + case["lines"].encode("utf-8") + b"\n" + pad[half:]


def ordinary(data: bytes, fmt, base_iri: str | None = None):
    loader = Loader()
    count = loader.add_quads(pyoxigraph.parse(data, format=fmt, base_iri=base_iri))
    return loader, count


def contents(store) -> set[str]:
    return {str(quad) for quad in store}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_large_line_based_documents_load_as_the_ordinary_way(case):
    fmt = FORMATS[case.get("format", "ntriples")]
    data = document(case)
    assert len(data) >= LINES_APART_FROM
    if fmt == pyoxigraph.RdfFormat.TURTLE:
        assert may_be_ntriples(data) is case.get("as_ntriples", True)
    loader = Loader()
    count = loader.add_bytes(data, fmt, case.get("base"))
    assert count == PAD_LINES + case["triples"]
    assert sorted(str(literal) for literal in loader.wrapped) == sorted(case["wrapped"])
    dataset = loader.finish()
    assert sorted(str(literal) for literal in dataset.ill_formed) == sorted(case["ill_formed"])
    for subject in case.get("subjects", []):
        assert any(str(quad.subject) == subject for quad in dataset.store)
    reference, reference_count = ordinary(data, fmt, case.get("base"))
    assert count == reference_count
    assert contents(loader.store) == contents(reference.store)


def test_a_file_read_in_pieces_loads_as_the_whole(tmp_path):
    case = CASES[0]
    data = document(case)
    path = tmp_path / "big.nt"
    path.write_bytes(data)
    loader = Loader()
    # Pieces far smaller than the file: every piece must end at a line's end.
    pieces = list(whole_lines(path, size=4096))
    assert b"".join(pieces) == data
    assert all(piece.endswith(b"\n") for piece in pieces[:-1])
    assert loader.add_file(path, pyoxigraph.RdfFormat.N_TRIPLES) == PAD_LINES + case["triples"]
    assert contents(loader.store) == contents(ordinary(data, pyoxigraph.RdfFormat.N_TRIPLES)[0].store)
    assert len(list(loader.store.quads_for_pattern(None, None, None, BY_VALUE_GRAPH))) == 2  # "01" and "5" (as xsd:integer)


def test_marked_lines_keep_every_byte_in_order():
    data = document(CASES[4]) + b"_:z <http://e.org/p> <http://e.org/o> ."
    pairs = list(marked_lines(data, _MARKED, batch=64))
    assert pairs[-1][1] == b""
    assert sorted(b"".join(plain + marked for plain, marked in pairs).split(b"\n")) == sorted(data.split(b"\n"))
    marked = b"".join(marked for _, marked in pairs)
    assert marked.count(b"\n") + (not marked.endswith(b"\n")) == 3  # the two lines of the case, and the last


def test_a_syntax_error_is_reported_as_the_ordinary_way_reports_it():
    data = padding(PAD_LINES) + b"<http://e.org/s> <http://e.org/p> \"unterminated .\n" + padding(10)
    with pytest.raises(SyntaxError) as fast:
        Loader().add_bytes(data, pyoxigraph.RdfFormat.N_TRIPLES)
    with pytest.raises(SyntaxError) as reference:
        ordinary(data, pyoxigraph.RdfFormat.N_TRIPLES)
    assert str(fast.value) == str(reference.value)
    assert f"line {PAD_LINES + 1}" in str(fast.value) or f"{PAD_LINES + 1}:" in str(fast.value)


def test_the_ontology_joins_the_views_of_the_data_but_not_the_input_view():
    from cubakg import resources
    from cubakg.conformance.run import load_ontology

    loader = Loader()
    loader.add_bytes(b'<http://e.org/s> <http://e.org/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .',
                     pyoxigraph.RdfFormat.N_TRIPLES)
    dataset = loader.finish()
    load_ontology(dataset, resources.ONTOLOGY_FILE)

    def quads(view):
        return [quad for graph in view for quad in dataset.store.quads_for_pattern(None, None, None, graph)]

    subclass = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
    for view in (dataset.view(), dataset.sparql_view()):
        assert any(quad.predicate.value == subclass for quad in quads(view))
    assert [str(quad.subject) for quad in quads(dataset.input_view())] == ["<http://e.org/s>"]
    assert len(dataset.view()) == 2  # the default graph and one graph beside it


@pytest.mark.parametrize("fmt, data", [
    (pyoxigraph.RdfFormat.TRIG, b'<http://e.org/a> { <http://e.org/s> <http://e.org/p> "x", 1.0 . }\n'
                                b'_:g { <http://e.org/s> <http://e.org/p> "x" . _:n <http://e.org/q> <http://e.org/s> . }\n'
                                b'<http://e.org/s> <http://e.org/p> "y" .'),
    (pyoxigraph.RdfFormat.N_QUADS, b'<http://e.org/s> <http://e.org/p> "x" <http://e.org/a> .\n'
                                   b'<http://e.org/s> <http://e.org/p> "1.0"^^<http://www.w3.org/2001/XMLSchema#decimal> <http://e.org/a> .\n'
                                   b'<http://e.org/s> <http://e.org/p> "x" _:g .\n_:n <http://e.org/q> <http://e.org/s> _:g .\n'
                                   b'<http://e.org/s> <http://e.org/p> "y" .\n' + padding(PAD_LINES).replace(b" .\n", b" <http://e.org/a> .\n")),
], ids=["trig", "nquads-line-based"])
def test_a_union_loader_merges_the_named_graphs_into_the_default_graph(fmt, data) -> None:
    # The data graph of a dataset is the merge of its graphs (a set): "x" stated in two graphs is
    # one triple; the blank node graph's triples are there too; no named graph of the input is left.
    dataset = Loader(union=True)
    dataset.add_bytes(data, fmt)
    data_set = dataset.finish()
    store = data_set.store
    assert data_set.input_graphs == [pyoxigraph.DefaultGraph()]
    default = list(store.quads_for_pattern(pyoxigraph.NamedNode("http://e.org/s"), pyoxigraph.NamedNode("http://e.org/p"),
                                           None, pyoxigraph.DefaultGraph()))
    assert sorted(q.object.value for q in default) == ["x", "y"]  # 1.0 is kept as written, in its own graph
    assert len(list(store.quads_for_pattern(None, pyoxigraph.NamedNode("http://e.org/q"), None, pyoxigraph.DefaultGraph()))) == 1
    assert not [g for g in store.named_graphs() if g.value.startswith("http://e.org/") or isinstance(g, pyoxigraph.BlankNode)]
