"""The pipeline: read → anchor → resolve → mint → emit → validate → publish.

>>> summary = build(Path("."))          # doctest: +SKIP
>>> summary.triples > 0                  # doctest: +SKIP
True
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cubakg import resources as res
from cubakg.errors import InputError, Location, NonConformingError


@dataclass(frozen=True)
class BuildSummary:
    """What a build wrote, for the command's report."""

    out_dir: Path
    triples: int
    articles: dict[str, int]  # article id → facts in its sheet
    facts_by_kind: dict[str, int]
    files: list[str]
    warnings: int
    example_question: str = ""
    example_answer: list[str] = field(default_factory=list)


def _parse_rdf(path: Path):
    from rdflib import Graph

    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise InputError("file not found", Location(str(path))) from None
    except Exception as error:  # rdflib raises several parser-specific types
        raise InputError(f"cannot parse Turtle: {error}", Location(str(path))) from None
    return graph


def build(project_dir: Path, out_dir: Path | None = None) -> BuildSummary:
    """Build the release of the project in `project_dir` into `out_dir` (default dist/)."""
    from cubakg import anchor, emit, publish, read, resolve, validate

    project_dir = project_dir.resolve()
    out_dir = (out_dir or project_dir / "dist").resolve()
    seeds_dir = project_dir / "seeds"
    ontology_path = project_dir / "ontology" / res.ONTOLOGY_FILE.name
    shapes_path = project_dir / "shapes" / res.SHAPES_FILE.name

    registry, sheets = read.read_seeds(seeds_dir)
    index = resolve.index_registry(registry)
    spans = {}
    for loaded in sheets:
        resolve.check_references(loaded, index)
        resolve.check_as_written(loaded)
        spans[loaded.article_id] = anchor.anchor_sheet(loaded)
    times = resolve.resolve_times(sheets)
    figures = resolve.resolve_figures(sheets)

    ontology = _parse_rdf(ontology_path)
    shapes = _parse_rdf(shapes_path)
    dataset = emit.emit(emit.EmitInput(registry, index, sheets, spans, times, figures, ontology))
    union = emit.union(dataset)

    outcome = validate.shacl_check(union, shapes, ontology)
    if not outcome.conforms:
        raise NonConformingError(
            f"the built graph does not conform to {shapes_path.relative_to(project_dir)}: "
            f"{len(outcome.violations)} violation(s); dist/ was left unchanged",
            details=validate.format_findings(outcome.violations),
        )

    files = _release_files(project_dir, dataset, union, ontology, ontology_path, shapes_path, outcome.report)
    files[res.DESCRIPTION] = publish.graph_turtle(publish.describe_release(union, dataset, files, ontology))
    # Temporary wiring of the site until the publish stage calls it (issue 10 rewrites build.py).
    from cubakg.site.build import site_files
    files.update(site_files(files, ontology_path.read_bytes()))
    publish.write_release(out_dir, files)

    facts_by_kind = Counter(f.kind for s in sheets for f in s.sheet.facts)
    question, answer = example_answer(union)
    return BuildSummary(
        out_dir=out_dir, triples=len(union),
        articles={s.article_id: len(s.sheet.facts) for s in sheets},
        facts_by_kind=dict(sorted(facts_by_kind.items())), files=sorted(files),
        warnings=len(outcome.warnings), example_question=question, example_answer=answer,
    )


def _release_files(project_dir, dataset, union, ontology, ontology_path, shapes_path, report) -> dict[str, bytes]:
    from cubakg import emit, publish

    # Our own IRIs stay whole in Turtle and TriG: as prefixed names their slashes would need escaping.
    prefixes = {p: str(ns) for p, ns in emit.PREFIXES.items() if p != "id"}
    context = publish.jsonld_context(ontology)
    files = {
        res.GRAPH_TURTLE: publish.serialize(publish.sorted_triples(union), "turtle", prefixes),
        res.GRAPH_NTRIPLES: publish.serialize(publish.sorted_triples(union), "nt", prefixes),
        res.GRAPH_TRIG: publish.serialize(publish.sorted_quads(dataset), "trig", prefixes),
        res.GRAPH_JSONLD: publish.graph_jsonld(union, context),
        res.JSONLD_CONTEXT: (publish.json.dumps({"@context": context}, indent=1, sort_keys=True) + "\n").encode(),
        res.ONTOLOGY_RELEASE: ontology_path.read_bytes(),
        res.SHAPES_RELEASE: shapes_path.read_bytes(),
        res.SHACL_REPORT: publish.graph_turtle(report),
    }
    files.update(_documentation(ontology))
    files.update(_queries())
    return files


def _documentation(ontology) -> dict[str, bytes]:
    from cubakg.ontology_doc import render_html

    return {res.ONTOLOGY_DOC: render_html(ontology).encode("utf-8")}


def _queries() -> dict[str, bytes]:
    """The saved queries and their index, as dist/queries/."""
    from cubakg.query import load_saved_queries, render_index

    files = {f"{res.QUERIES_RELEASE}/{p.name}": p.read_bytes() for p in sorted(res.QUERIES_DIR.glob("*.rq"))}
    files[f"{res.QUERIES_RELEASE}/index.md"] = render_index(load_saved_queries()).encode("utf-8")
    return files


EXAMPLE_QUESTION = "Who led the Cuban delegation at the April 2022 talks, and what is his post?"
EXAMPLE_QUERY = """
PREFIX ckg: <https://w3id.org/cubakg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?name ?post WHERE {
  ?p ckg:event <https://w3id.org/cubakg/id/event/talks-round-washington-2022-04> ;
     ckg:role <https://w3id.org/cubakg/id/concept/participation-roles/head-of-delegation> ;
     ckg:participant ?person .
  ?person rdfs:label ?name .
  OPTIONAL { ?postNode org:heldBy ?person ; rdfs:label ?post }
} ORDER BY ?name ?post
"""


def example_answer(union) -> tuple[str, list[str]]:
    rows = union.query(EXAMPLE_QUERY)
    return EXAMPLE_QUESTION, [f"{row.name}" + (f" — {row.post}" if row.post else "") for row in rows]
