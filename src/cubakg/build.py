"""The pipeline: read → anchor → resolve → mint → emit → validate → publish.

>>> summary = build(Path("."))          # doctest: +SKIP
>>> summary.triples > 0                  # doctest: +SKIP
True
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cubakg import resources as res
from cubakg.errors import NonConformingError

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildSummary:
    """What a build wrote, for the command's report."""

    out_dir: Path
    triples: int
    articles: dict[str, int]  # article id → facts in its sheet
    facts_by_kind: dict[str, int]
    files: list[str]
    warnings: int  # SHACL warnings
    notes: list[str] = field(default_factory=list)  # other warnings: draft sheets' gaps
    drafts: list[str] = field(default_factory=list)
    example_question: str = ""
    example_answer: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Project:
    """Where a project's inputs are."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / res.ONTOLOGY_FILE.name

    @property
    def shapes(self) -> Path:
        return self.root / "shapes" / res.SHAPES_FILE.name


def build(project_dir: Path, out_dir: Path | None = None, progress: Progress | None = None) -> BuildSummary:
    """Build the release of the project in `project_dir` into `out_dir` (default dist/)."""
    from cubakg import anchor, emit, mint, publish, read, resolve, validate

    say = progress or (lambda message: None)
    project = Project(project_dir.resolve())
    out_dir = (out_dir or project.root / "dist").resolve()

    say("reading the fact sheets")
    registry, sheets = read.read_seeds(project.seeds)
    ontology = read.Ontology(project.ontology)
    say(f"anchoring the evidence of {len(sheets)} articles")
    articles, notes = anchor.anchor(sheets)
    say("resolving keys, dates and figures")
    articles, index = resolve.resolve(articles, registry)
    minter = mint.Minter(index)
    articles = mint.mint(articles, minter)
    say("emitting RDF")
    quads = emit.emit(articles, registry, minter, ontology)

    say(f"validating {len(quads):,} quads with SHACL")
    outcome = validate.shacl_check(quads, project.shapes, ontology)
    if not outcome.conforms:
        raise NonConformingError(
            f"the built graph does not conform to {project.shapes.relative_to(project.root)}: "
            f"{len(outcome.violations)} violation(s); dist/ was left unchanged",
            details=validate.format_findings(outcome.violations),
        )

    say("writing the release")
    triples = publish.union_triples(quads)
    files = release_files(triples, quads, ontology, project, outcome)
    files[res.DESCRIPTION] = publish.describe_release(triples, quads, files, ontology)
    publish.write_release(out_dir, files)

    facts_by_kind = Counter(record.fact.kind for article in articles for record in article.facts)
    question, answer = example_answer(files[res.GRAPH_NTRIPLES])
    return BuildSummary(
        out_dir=out_dir, triples=len(triples),
        articles={article.id: len(article.facts) for article in articles},
        facts_by_kind=dict(sorted(facts_by_kind.items())), files=sorted(files),
        warnings=len(outcome.warnings), notes=notes, drafts=[a.id for a in articles if a.draft],
        example_question=question, example_answer=answer,
    )


def release_files(triples, quads, ontology, project: Project, outcome) -> dict[str, bytes]:
    import pyoxigraph

    from cubakg import publish, validate

    context = publish.jsonld_context(ontology)
    ordered = publish.sorted_quads(quads)
    files = {
        res.GRAPH_NTRIPLES: publish.ntriples(triples),
        res.GRAPH_TURTLE: publish.turtle(triples, publish.GRAPH_PREFIXES),
        res.GRAPH_TRIG: publish.reformat(publish.nquads(ordered), pyoxigraph.RdfFormat.N_QUADS,
                                         pyoxigraph.RdfFormat.TRIG, publish.GRAPH_PREFIXES),
        res.GRAPH_JSONLD: publish.compact_jsonld(triples, context),
        res.JSONLD_CONTEXT: (json.dumps({"@context": context}, indent=1) + "\n").encode(),
        res.ONTOLOGY_RELEASE: ontology.data,
        res.SHAPES_RELEASE: project.shapes.read_bytes(),
        res.SHACL_REPORT: publish.turtle(
            publish.union_triples(validate.report_quads(outcome)), publish.REPORT_PREFIXES),
    }
    files.update(_documentation(ontology))
    files.update(_queries())
    return files


def _documentation(ontology) -> dict[str, bytes]:
    from cubakg.ontology_doc import render_html

    return {res.ONTOLOGY_DOC: render_html(ontology.graph()).encode("utf-8")}


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


def example_answer(ntriples: bytes) -> tuple[str, list[str]]:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    rows = store.query(EXAMPLE_QUERY)
    return EXAMPLE_QUESTION, [row["name"].value + (f" — {row['post'].value}" if row["post"] else "") for row in rows]
