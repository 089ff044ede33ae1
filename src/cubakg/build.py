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


def build(project_dir: Path, out_dir: Path | None = None, progress: Progress | None = None,
          site: bool = True) -> BuildSummary:
    """Build the release of the project in `project_dir` into `out_dir` (default dist/).

    `site=False` leaves out the browsable site (site/ and w3id/): on a large corpus it
    costs more than the rest of the build, and the graph files, queries and store do
    not need it.
    """
    from cubakg import anchor, describe, emit, jsonld, mint, parallel, publish, read, resolve, validate
    from cubakg.query.store import remember_sha256
    from cubakg.site.build import write_site
    from cubakg.site.void import add_publication

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
    minter = mint.Minter(index)  # each article is minted where it is emitted, in the emitting processes
    say("emitting RDF")
    with publish.Staging(out_dir) as staging:
        assembly = publish.Assembly(staging, jsonld.jsonld_context(ontology))
        assembly.add(emit.emit_shared(registry, minter, ontology))
        job = ArticleJob(articles, minter, assembly.compactor)
        for done, part in enumerate(parallel.map(_assemble_article, range(len(articles)), state=job), 1):
            assembly.take(part)
            if done % 100 == 0:
                say(f"emitting RDF: {done:,} of {len(articles):,} articles")
        nquads = assembly.finish()

        # SHACL runs in another process while the files are written; nothing reaches
        # out_dir before it passes. It reads the union of the graphs, written first.
        say(f"validating {assembly.stats.triples:,} triples with SHACL, writing the release")
        assembly.write_ntriples(res.GRAPH_NTRIPLES)
        checking = validate.start_check(staging.root / res.GRAPH_NTRIPLES, project.shapes, ontology)
        write_graph_files(assembly)
        write_other_files(staging, ontology, project)
        checksums = graph_checksums(staging)
        readings = query_store(staging, checksums, say, notes, nquads)
        outcome = checking.result()
        if not outcome.conforms:
            raise NonConformingError(
                f"the built graph does not conform to {project.shapes.relative_to(project.root)}: "
                f"{len(outcome.violations)} violation(s); dist/ was left unchanged",
                details=validate.format_findings(outcome.violations),
            )
        staging.write(res.SHACL_REPORT, publish.turtle(validate.report_triples(outcome), publish.REPORT_PREFIXES))
        void = describe.describe_release(assembly.stats, staging.files, ontology)
        add_publication(void, readings.publication, assembly.stats.first_typed)  # the site issue's additions: endpoint, examples, links, publisher
        staging.write(res.DESCRIPTION, publish.turtle(void, describe.VOID_PREFIXES))
        if site:
            say("writing the site")
            write_site(readings.store, staging, ontology.data)
        files = sorted(staging.files)
        staging.commit()
    for name, digest in checksums.items():
        remember_sha256(out_dir / name, digest)

    facts_by_kind = Counter(record.fact.kind for article in articles for record in article.facts)
    question, answer = readings.example
    return BuildSummary(
        out_dir=out_dir, triples=assembly.stats.triples,
        articles={article.id: len(article.facts) for article in articles},
        facts_by_kind=dict(sorted(facts_by_kind.items())), files=files,
        warnings=len(outcome.warnings), notes=notes, drafts=[a.id for a in articles if a.draft],
        example_question=question, example_answer=answer,
    )


@dataclass(frozen=True)
class ArticleJob:
    """What emitting an article needs; worker processes see it without it being sent."""

    articles: list
    minter: object
    compactor: object


def _assemble_article(index: int):
    from cubakg import emit, mint, parallel, publish

    job: ArticleJob = parallel.state()
    article = mint.mint_article(job.articles[index], job.minter)
    return publish.assemble_article(emit.emit_one(article, job.minter), article.graph, mint.own_nodes(article.id),
                                    job.compactor)


def write_graph_files(assembly) -> None:
    """The graph in Turtle, TriG and JSON-LD, after N-Triples (`Assembly.write_ntriples`)."""
    assembly.write_turtle(res.GRAPH_TURTLE, res.GRAPH_NTRIPLES)
    assembly.write_trig(res.GRAPH_TRIG)
    assembly.write_jsonld(res.GRAPH_JSONLD)


def write_other_files(staging, ontology, project: Project) -> None:
    """The context, ontology and shapes, their documentation, the saved queries."""
    from cubakg import jsonld

    context = jsonld.jsonld_context(ontology)
    staging.write(res.JSONLD_CONTEXT, (json.dumps({"@context": context}, indent=1) + "\n").encode())
    staging.write(res.ONTOLOGY_RELEASE, ontology.data)
    staging.write(res.SHAPES_RELEASE, project.shapes.read_bytes())
    for name, data in {**_documentation(ontology), **_queries()}.items():
        staging.write(name, data)


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


# How much less CPU priority making the query store gets than the SHACL check it runs beside:
# the check is the longest part of a large build, and the store is needed only after it.
STORE_NICER = 10


@dataclass(frozen=True)
class StoreReadings:
    """The release's query store, and what the build reads from it."""

    store: "Path | pyoxigraph.Store"  # the folder of the on-disk store, or a store in memory
    publication: "PublicationFacts"  # for the VoID (cubakg.site.void)
    example: tuple[str, list[str]]  # the question the build's summary answers, and its answer


def query_store(staging, checksums: dict[str, str], say, notes: list[str], nquads: list[Path]) -> StoreReadings:
    """The query store of the release, made now: the site and the VoID read it, and the
    first `cubakg query` finds it ready. It is keyed by the files' checksums, so a build
    that fails later leaves only an unused store in the cache. Where the cache cannot
    hold it, the release is read into memory instead and `cubakg query` makes the store
    on first use: the store is a convenience, never a reason for a build to fail."""
    import pyoxigraph

    from cubakg import parallel
    from cubakg.errors import InputError
    from cubakg.query.store import fill, release_graphs
    from cubakg.site.void import publication_facts

    try:
        # Made in another process at a lower priority, so that it takes only the core SHACL leaves free.
        # Its named graphs from the N-Quads the TriG was written from: the same quads, read faster.
        return parallel.aside(made_and_read, staging.root, say, checksums, nquads, nicer=STORE_NICER).result()
    except InputError as error:
        notes.append(f"{error.message} ({error.hint}); the query store will be made on the first `cubakg query`")
    store = pyoxigraph.Store()
    fill(store, release_graphs(staging.root))
    return StoreReadings(store, publication_facts(store), example_answer(store))


def made_and_read(release_dir: Path, say, checksums: dict[str, str], nquads: list[Path]) -> StoreReadings:
    """Make the on-disk store of the release in `release_dir`, and read from it what the build needs.

    Read here, in the process that made it, so that the build's process never opens it: an
    open store runs RocksDB's threads, and the build's process forks the site's second
    rendering process later (`cubakg.site.build`), which a process running threads must not.
    """
    from cubakg.query.store import open_store, prepare_store
    from cubakg.site.void import publication_facts

    folder = prepare_store(release_dir, say, checksums, nquads)
    store = open_store(release_dir, progress=say, checksums=checksums)
    return StoreReadings(folder, publication_facts(store), example_answer(store))


def graph_checksums(staging) -> dict[str, str]:
    """The SHA-256 of the graph files the query store is made from, as the build wrote them."""
    return {name: staging.files[name].sha256 for name in (res.GRAPH_TRIG, res.GRAPH_NTRIPLES) if name in staging.files}


def example_answer(store) -> tuple[str, list[str]]:
    rows = store.query(EXAMPLE_QUERY)
    return EXAMPLE_QUESTION, [row["name"].value + (f" — {row['post'].value}" if row["post"] else "") for row in rows]


# --- checking one sheet (`cubakg validate seeds/ID.yaml`) ----------------------------------


@dataclass(frozen=True)
class SheetFinding:
    """Something wrong (or worth a look) in a sheet, where it is."""

    location: str  # file:line
    severity: str  # "Violation" or "Warning"
    message: str


@dataclass(frozen=True)
class SheetCheck:
    path: Path
    facts: int
    findings: list[SheetFinding]

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)


def check_sheet(sheet_path: Path, shapes: Path | None = None, ontology_path: Path | None = None) -> SheetCheck:
    """Check one fact sheet as the build would — anchoring, references, dates, coverage,
    and the SHACL shapes on the facts it would emit — without writing anything.

    The other sheets of its folder are read for what this one may lean on (dates of
    events they fix); their own problems are not this sheet's. Problems that stop the
    build raise `InputErrors` (exit 3); SHACL results and coverage gaps of a draft are
    returned as findings, each with `file:line`.
    """
    from cubakg import anchor, emit, mint, read, validate
    from cubakg.errors import CubakgError, Problems
    from cubakg.namespaces import compact

    seeds = sheet_path.parent
    registry = read.read_registry(seeds / read.REGISTRY)
    target = read.read_sheet(sheet_path)
    others = []
    for path in read.sheet_paths(seeds):
        if path.resolve() != sheet_path.resolve():
            try:
                others.append(read.read_sheet(path))
            except CubakgError:
                continue  # a neighbour's problem is not this sheet's
    article, notes = anchor.anchor([target])
    context = [anchor.anchor_sheet(sheet, Problems()) for sheet in others]
    articles, index = _resolve_leaning_on(article[0], context, registry)
    minter = mint.Minter(index)
    articles = mint.mint(articles, minter)
    ontology = read.Ontology(ontology_path or res.ONTOLOGY_FILE)
    quads = emit.emit(articles[:1], registry, minter, ontology)
    outcome = validate.shacl_check(validate.load_store(quads), shapes or res.SHAPES_FILE, ontology)
    where = _locations(articles[0])
    findings = [SheetFinding(str(gap_location), "Warning", message) for gap_location, message in _split_notes(notes)]
    for finding in outcome.findings:
        focus = finding.focus[1:-1] if finding.focus.startswith("<") else finding.focus
        if not _about_this_sheet(focus, articles[0], where):
            continue
        severity = finding.severity.rsplit("#", 1)[-1]
        path = f" {compact(finding.path[1:-1])}" if finding.path and finding.path.startswith("<") else ""
        findings.append(SheetFinding(where.get(focus, str(target.source.key_location("article"))), severity,
                                     f"{compact(focus)}{path}: {finding.message}"))
    return SheetCheck(sheet_path, len(target.sheet.facts), findings)


def _resolve_leaning_on(article, context, registry):
    """Resolve the sheet with its neighbours; neighbours that do not resolve are left out."""
    from cubakg import resolve
    from cubakg.errors import InputErrors

    while True:
        try:
            return resolve.resolve([article, *context], registry)
        except InputErrors as errors:
            mine = [p for p in errors.problems if p.location and Path(p.location.path).resolve() == article.sheet.path.resolve()]
            if mine or not context:
                raise InputErrors(mine or errors.problems) from None
            failing = {Path(p.location.path).resolve() for p in errors.problems if p.location}
            context = [a for a in context if a.sheet.path.resolve() not in failing]


def _locations(article) -> dict[str, str]:
    """IRI → file:line of the fact that made it (its node, evidence, times)."""
    from cubakg import mint

    where: dict[str, str] = {article.iri: str(article.sheet.source.key_location("article"))}
    for record in article.facts:
        line = str(record.location())
        evidence = [(e, mint.quote_selector_iri(e), mint.position_selector_iri(e)) for e in record.evidence]
        times = [(t, mint.description_iri(t), mint.beginning_iri(t), mint.description_iri(mint.beginning_iri(t)))
                 for t in record.time_nodes.values()]
        for node in (record.iri, *[n for group in evidence + times for n in group]):
            where.setdefault(node, line)
    return where


def _about_this_sheet(focus: str, article, where: dict[str, str]) -> bool:
    return focus in where or article.id in focus


def _split_notes(notes: list[str]):
    for note in notes:
        location, _, message = note.partition(": ")
        yield location, message
