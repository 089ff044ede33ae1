"""The site as the build writes it: `site/…` and `w3id/.htaccess` beside the release's files.

The publish stage's last step (`cubakg.build` calls `write_site` once the release is
staged and checked): it reads the quads from the release's TriG and the VoID and
ontology page from the staging folder, and writes each file as it is rendered, in a
forked process. On a large release a second forked process shares the rendering from
the same index: the pages made for each article (its facts, times and the article
itself) are dealt out a few articles at a time to whichever of the two processes is free
(`ArticleUnits`), so that both cores stay busy to the end (see docs/publishing.md, Cost).
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from cubakg import resources as res
from cubakg.site.htaccess import w3id_htaccess
from cubakg.site.answers import answers_in_background
from cubakg.resources import NS_ID
from cubakg.site.paths import REDIRECTS, page_of
from cubakg.site.render import Site, prepared_site

SITE_DIR = "site"
W3ID_FILE = "w3id/.htaccess"
# Measured: two forked workers were slower than one (copy-on-write of the index, results sent back).
WORKERS = 1
# Rendered by a second process on a release this large (its TriG, in bytes); a small one does not repay it.
SHARE_FROM_BYTES = 20_000_000
# The kinds of page made one folder per article (id/KIND/ARTICLE/…), dealt out UNIT_ARTICLES articles at a
# time (about 0.3 s of rendering at 1,000 articles): a fixed split between the two processes left one
# of them idle for 6 s there, as their speeds changed with the machine's load.
ARTICLE_KINDS = frozenset({"fact", "time", "article"})
# The IRIs that may be shown on those pages alone: of those kinds, and of the kinds described on an article's
# page (paths.REDIRECTS). What a unit cached about them is forgotten when it is done (`ArticleUnits.claimed`).
_SHOWN_ON_ARTICLES = {rule.pattern.split("/", 1)[0] for rule in REDIRECTS if rule.page.startswith("article/")}
PER_ARTICLE_PREFIXES = tuple(sorted(NS_ID + kind + "/" for kind in ARTICLE_KINDS | _SHOWN_ON_ARTICLES))
UNIT_ARTICLES = 8
ANSWERS_CHECKED_EVERY = 1000  # files written between two looks at whether the saved queries' answers have come


def article_of(iri: str) -> str | None:
    """The article whose folder holds the page of `iri`, for the kinds of page made per article.

    >>> article_of("https://w3id.org/cubakg/id/fact/003_04d8b4ff46bc92ce/blinken-secretary-of-state")
    '003_04d8b4ff46bc92ce'
    """
    target = page_of(iri)
    if target is None:  # not one of ours
        return None
    parts = target.page.split("/")  # id/KIND/ARTICLE[/…]
    return parts[2] if len(parts) > 2 and parts[1] in ARTICLE_KINDS else None


class ArticleUnits:
    """The planned pages of a site, split into the per-article ones, in units of UNIT_ARTICLES
    articles, and the others. Processes forked after it is made share the count of units
    claimed: each unit is rendered by the process that claims it first (`claimed`)."""

    def __init__(self, planned: list[str]):
        by_article: dict[str, list[str]] = defaultdict(list)
        self.others: list[str] = []
        for iri in planned:
            article = article_of(iri)
            if article is None:
                self.others.append(iri)
            else:
                by_article[article].append(iri)
        articles = sorted(by_article)
        self.units = [[iri for article in articles[start:start + UNIT_ARTICLES] for iri in by_article[article]]
                      for start in range(0, len(articles), UNIT_ARTICLES)]
        self._next = multiprocessing.get_context("fork").Value("i", 0)

    def claimed(self, site: Site):
        """The units this process claims, one at a time, until none is left, for `site` to render.

        When the next is asked for, what `site` cached about the articles of the one before is
        forgotten: no later page shows their facts, evidence or times (an article's pages are all in
        one unit), and the next unit reuses its memory. Kept, it made the second process fault in
        twice the pages at 1,000 articles, 0.33 million rather than 0.16 (docs/publishing.md, Cost).
        Which IRIs are the articles' is told by their prefix (`PER_ARTICLE_PREFIXES`): told by
        `article_of`, the 6,000 keys a unit adds took 11 ms rather than 5 (1.4 CPU-seconds for the
        125 units of 1,000 articles against 0.6), each a lookup of its page far away in memory.
        A shared graph's IRI, which the prefix takes too, is only made again when asked for."""
        while True:
            with self._next.get_lock():
                number = self._next.value
                self._next.value = number + 1
            if number >= len(self.units):
                return
            with site.forgetting(PER_ARTICLE_PREFIXES):
                yield self.units[number]


def write_site(store: ox.Store | Path, staging, ontology_turtle: bytes, share: bool | None = None) -> None:
    """Write `site/…` and `w3id/.htaccess` for the release into `staging` (a publish.Staging); the
    saved queries are answered on `store`, the release's store in memory or the folder of its
    on-disk store (opened by the processes that answer: see answers.py). `share`: whether a second
    process shares the rendering of the per-article pages (`ArticleUnits`; default: `shares_rendering`).

    The site is made by a forked process (`site_files_of`), so that the index of the release
    and its caches (1.5 GB at 1,000 articles) are neither held nor freed here: freeing them (3 GB
    then) took 2.7 s. A process running threads must not fork (`parallel.can_fork`): one that does makes the
    site itself, in one process."""
    from cubakg import parallel
    from cubakg.publish import received

    root = Path(staging.root)
    if share is None:
        share = shares_rendering(root)
    if parallel.can_fork():
        making = parallel.aside(site_files_of, store, root, ontology_turtle, share, True, own_group=True)  # ending
        try:
            records = making.result()
        except BaseException:  # every process it started is stopped before the caller removes the staging folder
            making.stop()
            raise
    else:
        records = site_files_of(store, root, ontology_turtle, False)
    staging.files.update(received(records))
    staging.write(W3ID_FILE, w3id_htaccess())


def shares_rendering(release_dir: Path) -> bool:
    """Whether a second process shares the rendering of the release in `release_dir` (`write_site`'s
    default): on a release of SHARE_FROM_BYTES or more, where more than one core may be used."""
    from cubakg import parallel

    return (Path(release_dir) / res.GRAPH_TRIG).stat().st_size >= SHARE_FROM_BYTES and parallel.workers() > 1


# The index of a process that ends once its site is made: never freed (see `site_files_of`).
_KEPT_TO_THE_END: list = []


def site_files_of(store: ox.Store | Path, root: Path, ontology_turtle: bytes, share: bool,
                  ending: bool = False) -> dict[str, tuple[int, str | None]]:
    """Write `site/…` for the release in the folder `root`; the records of the files written
    (`publish.sendable`: they cross to the build's process).

    `share`: a second process, forked once the release is indexed, shares the rendering of the
    per-article pages (`ArticleUnits`); this one renders the others first, then the home page, the
    saved queries' pages and the sitemap (once the answers have come), then units. The processes this
    starts are in its process group: `write_site` stops them with it. `ending`: this process ends once this returns, so the index is kept
    rather than freed before the records are sent (2.7 s at 1,000 articles)."""
    from cubakg import parallel
    from cubakg.publish import FilesAside, FilesHere
    from cubakg.query import load_saved_queries

    answers = answers_in_background(load_saved_queries(), store)  # on the core the indexing leaves free
    helper = None
    try:
        with prepared_site(release_quads(root), ontology_turtle, void=_void(root)) as site:
            # Each process writes the facts' triples it shows (describe._chunk). Written here once before
            # the fork (until 2026-12-03), they were shared, but each one the second process read
            # had its page copied: 65,000 page faults more at 1,000 articles, for no less CPU.
            # Forked before this process opens the pipe to its own writing process, which the
            # second process would otherwise hold open (parallel.aside).
            if share and parallel.can_fork():
                units = ArticleUnits(site.planned)
                helper = parallel.aside(render_claimed, site, root, units)
            ontology_html = (root / res.ONTOLOGY_DOC).read_text(encoding="utf-8")
            # Written by a process of their own where a core would otherwise be idle (FilesHere).
            writing = FilesAside if helper is None and parallel.workers() > 1 else FilesHere
            with writing(root) as files:
                if helper is None:
                    _written(files, site.files(saved_queries=answers, ontology_html=ontology_html, workers=WORKERS), answers)
                else:
                    # The pages no unit holds, then the home page, the saved queries' and the sitemap if
                    # the answers are in, then units: left to the end, those kept this process busy for
                    # 0.7 s after the other had stopped (at 1,000 articles); now both end on units.
                    _written(files, site.resource_files(WORKERS, site.batches(units.others)), answers)
                    answers.receive_if_arrived()
                    others_first = answers.received
                    if others_first:
                        _written(files, site.other_files(answers, ontology_html), answers)
                    _written(files, site.resource_files(WORKERS, units.claimed(site)), answers)
                    if not others_first:
                        _written(files, site.other_files(answers, ontology_html), answers)
            records = files.records
            if ending:
                _KEPT_TO_THE_END.append(site)
            if helper:
                records.update(helper.result())
    except BaseException:
        answers.stop()
        if helper:
            helper.stop()
        raise
    return records


def _written(files, named_bytes, answers) -> None:
    """Write each (path, bytes) under site/, receiving the saved queries' answers as soon as they have
    come (looked for every ANSWERS_CHECKED_EVERY files), while pages are left to render."""
    for number, (path, data) in enumerate(named_bytes):
        files.write(f"{SITE_DIR}/{path}", data)
        if number % ANSWERS_CHECKED_EVERY == 0:
            answers.receive_if_arrived()


def render_claimed(site: Site, release_dir: Path, units: ArticleUnits) -> dict[str, tuple[int, str | None]]:
    """The second process of `site_files_of` (forked, sharing `site`): the files of the units of
    per-article pages it claims, written under `release_dir`/site; their records."""
    from cubakg.publish import FilesHere

    with FilesHere(release_dir) as files:
        for path, data in site.resource_files(WORKERS, units.claimed(site)):
            files.write(f"{SITE_DIR}/{path}", data)
    return files.records


def release_quads(release_dir: Path):
    """The quads of the release's named graphs, read from its TriG: parsing the file is six
    times faster than reading them back from the on-disk query store. Read leniently (IRIs and
    language tags not checked again): pyoxigraph wrote them, and SHACL and the store have read
    them (1.4 s rather than 1.7 s at 1,000 articles)."""
    return ox.parse(path=str(Path(release_dir) / res.GRAPH_TRIG), format=ox.RdfFormat.TRIG, lenient=True)


def _void(release_dir: Path):
    return ox.parse((Path(release_dir) / res.DESCRIPTION).read_bytes(), format=ox.RdfFormat.TURTLE)
