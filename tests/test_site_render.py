"""`cubakg.site.render_site` on its own: determinism, escaping, overlapping evidence, the IRI table."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cubakg.site import render_site
from cubakg.site.paths import page_of
from cubakg.site.render import marked_segments
from conftest import REPO_ROOT, release_dir

ID = "https://w3id.org/cubakg/id/"
ONTOLOGY = (REPO_ROOT / "ontology" / "cubakg.ttl").read_bytes()


@pytest.fixture(scope="module")
def release_quads():
    return list(ox.parse(path=str(release_dir() / "cubakg.trig"), format=ox.RdfFormat.TRIG))


def test_the_same_quads_in_any_order_give_the_same_bytes(release_quads):
    first = render_site(release_quads, ONTOLOGY, ontology_html="<html><head></head><body><h1>o</h1></body></html>")
    again = render_site(list(reversed(release_quads)), ONTOLOGY,
                        ontology_html="<html><head></head><body><h1>o</h1></body></html>")
    assert list(first) == list(again)
    assert [name for name in first if first[name] != again[name]] == []


def test_rendering_leaves_the_cyclic_collector_nothing_to_free(release_quads):
    """The site is rendered with the cyclic collector paused (`Site.rendered`): that is only sound
    while rendering makes no reference cycles, which would then be kept until the process ends."""
    import gc

    from cubakg.memory import collector_paused
    from cubakg.site.render import prepared_site

    with prepared_site(release_quads, ONTOLOGY) as site, collector_paused():
        gc.collect()  # the site's own cycles (its template environment) are alive: only new garbage counts
        # The pages rendered as `Site.rendered` does, but without its freeze, which would hide garbage.
        files = dict(site.render_chunk(site.planned))
        files.update(site.files(batches=(), ontology_html="<html><head></head><body><h1>o</h1></body></html>"))
        assert any(name.startswith("id/fact/") for name in files) and "index.html" in files
        del files
        assert gc.collect() == 0, "rendering made reference cycles: see gc.garbage with gc.DEBUG_SAVEALL"


def test_text_from_the_data_is_escaped():
    person = ox.NamedNode(ID + "person/mallory")
    graph = ox.NamedNode(ID + "graph/shared")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    quads = [ox.Quad(person, label, ox.Literal("<script>alert('x')</script> & co", language="en"), graph)]
    page = render_site(quads, ONTOLOGY, ontology_html="<html><head></head><body><h1>o</h1></body></html>")[
        "id/person/mallory.html"].decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in page


def test_overlapping_spans_are_cut_into_pieces_each_naming_its_spans():
    # "abcdefghij": A covers cdef (2-6), B covers efgh (4-8), C covers ef (4-6).
    segments = marked_segments("abcdefghij", [(2, 6, "A", 1), (4, 6, "C", 2), (4, 8, "B", 3)])
    pieces = [(text, sorted(spans.split())) for text, spans, _, _ in segments]
    assert pieces == [("ab", []), ("cd", ["A"]), ("ef", ["A", "B", "C"]), ("gh", ["B"]), ("ij", [])]
    ends = {text: [n for _, n in ending] for text, _, _, ending in segments}
    assert ends["ef"] == [1, 2] and ends["gh"] == [3] and ends["ab"] == []


@pytest.mark.parametrize("iri, page, fragment", [
    (ID + "person/joe-biden", "id/person/joe-biden", ""),
    (ID + "article/003_x/section-one", "id/article/003_x/section-one", ""),
    (ID + "evidence/003_x/10-20", "id/article/003_x", "ev-10-20"),
    (ID + "evidence/003_x/10-20/position", "id/article/003_x", "ev-10-20"),
    (ID + "time/003_x/round/since/beginning/description", "id/article/003_x", "time-round-since"),
    (ID + "time/003_x/round/when", "id/article/003_x", "time-round-when"),
    (ID + "graph/outside-knowledge", "id/dataset/cubakg", "graph-outside-knowledge"),
    (ID + "graph/003_x", "id/article/003_x", "graph"),
    (ID + "structure/migration/refPeriod", "id/structure/migration", "refPeriod"),
    (ID + "dataset/cubakg/class/schema-Person", "id/dataset/cubakg", "class-schema-Person"),
    (ID + "person/.hidden...", "id/person/.hidden...", ""),  # a dot starts or ends a name, not a segment of its own
    (ID + "fact/003_x/evidence/10-20", "id/fact/003_x/evidence/10-20", ""),  # the kind decides, not a later segment
])
def test_where_an_iri_is_described(iri, page, fragment):
    target = page_of(iri)
    assert (target.page, target.fragment) == (page, fragment)


@pytest.mark.parametrize("iri", [ID + "person/../../etc/passwd", ID + "person/a b", ID, "https://example.org/id/x",
                                 ID + "person//x", ID + "person/.", ID + "person/x/..", ID + "person/x/", ID + "..",
                                 ID + "person/caf%C3%A9", ID + "person/a?b"])
def test_iris_that_cannot_be_a_file_have_no_page(iri):
    assert page_of(iri) is None


def _write_site_in_a_fresh_process(tmp_path, share: str, fail: bool = False, workers: str | None = None) -> dict:
    """tests/site_writing.py: `write_site` in a process of its own (see there why), into tmp_path/dist."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    if workers:
        env["CUBAKG_WORKERS"] = workers
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tests" / "site_writing.py"), str(release_dir()), str(tmp_path / "dist"),
         share, "yes" if fail else "no"], capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("share", ["no", "yes"], ids=["one process", "pages shared with a second process"])
def test_the_site_the_build_writes_is_the_released_site(tmp_path, share):
    """`write_site` as the build calls it, with the per-article pages shared with a second process
    (each unit rendered by whichever claims it first) or not: the same files, byte for byte, as the
    release's site/."""
    outcome = _write_site_in_a_fresh_process(tmp_path, share)
    assert outcome["error"] is None and outcome["site"] and bool(outcome["second"]) is (share == "yes")
    released, written = release_dir() / "site", tmp_path / "dist" / "site"
    expected = sorted(p.relative_to(released).as_posix() for p in released.rglob("*") if p.is_file())
    assert sorted(p.relative_to(written).as_posix() for p in written.rglob("*") if p.is_file()) == expected
    assert [name for name in expected if (written / name).read_bytes() != (released / name).read_bytes()] == []


def test_the_article_units_deal_out_every_per_article_page_once():
    """Each page made per article (its facts, times, the article) is in one unit, the units in the
    order of their articles, and every other page is left to the process making the site."""
    from cubakg.site.build import UNIT_ARTICLES, ArticleUnits, article_of
    from cubakg.site.render import prepared_site

    planned = sorted({ID + name[len("id/"):-len(".html")] for name in _released_pages()})
    units = ArticleUnits(planned)
    with prepared_site([], ONTOLOGY) as site:
        claimed = list(units.claimed(site))
    dealt = [iri for unit in claimed for iri in unit]
    assert sorted(dealt + units.others) == planned and len(set(dealt)) == len(dealt)
    assert {article_of(iri) for iri in dealt} == {"000_ee45959db7efa7ef", "003_04d8b4ff46bc92ce"}
    assert ID + "person/carlos-fernandez-de-cossio" in units.others
    assert ID + "article/003_04d8b4ff46bc92ce" in dealt and ID + "fact/003_04d8b4ff46bc92ce/blinken-secretary-of-state" in dealt
    assert len(claimed) == -(-2 // UNIT_ARTICLES) and list(units.claimed(site)) == []  # each unit is claimed once


def test_the_per_article_prefixes_take_every_iri_shown_per_article_and_no_person_or_term(release_quads):
    """A unit forgets what it cached about the IRIs starting with `PER_ARTICLE_PREFIXES`: every IRI
    of the release whose page is made per article is among them (else its cache would be kept to
    the end), and the people, places and terms that other pages show are not."""
    from cubakg.site.build import PER_ARTICLE_PREFIXES, article_of

    iris = {term.value for quad in release_quads for term in (quad.subject, quad.object, quad.graph_name)
            if isinstance(term, ox.NamedNode)}
    per_article = {iri for iri in iris if article_of(iri)}
    assert per_article and [iri for iri in per_article if not iri.startswith(PER_ARTICLE_PREFIXES)] == []
    kept = [ID + "person/carlos-fernandez-de-cossio", ID + "place/cuba", ID + "org/us-state-department",
            "https://w3id.org/cubakg/ontology#PostHolding", "https://schema.org/NewsArticle"]
    assert [iri for iri in kept if iri.startswith(PER_ARTICLE_PREFIXES)] == []


def test_what_a_unit_cached_about_its_articles_is_forgotten_and_the_pages_are_the_same(release_quads, monkeypatch):
    """Each article's pages rendered as a unit of their own (`ArticleUnits.claimed`), after the
    other pages: the bytes are those of one rendering keeping everything, and once a unit is done
    what it cached about its facts, evidence, times and literals is forgotten, while what it cached
    about the people and terms its pages named is kept."""
    from cubakg.site.build import ArticleUnits, article_of
    from cubakg.site.render import prepared_site

    def iri_of(key):
        return key[0] if isinstance(key, tuple) else key if isinstance(key, str) else None

    def cached(site):
        return {(number, key) for number, cache in enumerate(site.caches()) for key in cache}

    with prepared_site(release_quads, ONTOLOGY) as site:
        kept = dict(site.render_chunk(site.planned))
    monkeypatch.setattr("cubakg.site.build.UNIT_ARTICLES", 1)  # a unit per article: the second forgets the first
    with prepared_site(release_quads, ONTOLOGY) as site:
        units = ArticleUnits(site.planned)
        assert len(units.units) == 2
        files = dict(site.render_chunk(units.others))
        before = cached(site)
        for unit in units.claimed(site):
            files.update(site.render_chunk(unit))
            made = cached(site) - before
            assert any(iri_of(key) and article_of(iri_of(key)) for _, key in made)  # while the unit is rendered
        remembered = cached(site) - before
    assert remembered and [key for _, key in remembered if iri_of(key) is None or article_of(iri_of(key))] == []
    assert sorted(files) == sorted(kept)
    assert [name for name in kept if files[name] != kept[name]] == []


def _released_pages() -> list[str]:
    site = release_dir() / "site"
    return [p.relative_to(site).as_posix() for p in (site / "id").rglob("*.html")]


@pytest.mark.parametrize("workers, forked", [("1", False), ("2", True)])
def test_a_large_release_is_rendered_by_a_second_process_unless_one_worker_is_asked_for(tmp_path, workers, forked):
    import cubakg.site.build as site_build

    assert (release_dir() / "cubakg.trig").stat().st_size < site_build.SHARE_FROM_BYTES  # the seeds: not large
    outcome = _write_site_in_a_fresh_process(tmp_path, "auto", workers=workers)
    assert outcome["error"] is None and outcome["second"] is None
    large = _write_site_in_a_fresh_process(tmp_path / "large", "auto-large", workers=workers)
    assert large["error"] is None and bool(large["second"]) is forked
    assert (tmp_path / "large" / "dist" / "site" / "index.html").is_file()


def _group_members(group: int) -> list[int]:
    """The running (not zombie) processes of a process group, from /proc."""
    from pathlib import Path

    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] not in "ZX":
            members.append(int(stat.parent.name))
    return members


@pytest.mark.skipif(not __import__("os").path.isdir("/proc/self"), reason="reads processes from /proc")
def test_a_failure_while_rendering_stops_every_process_making_the_site(tmp_path):
    """The build fails while the second process writes its pages: that process, and any it started,
    are stopped before the staging folder is removed, so nothing is left beside `dist/` and nothing
    is written after."""
    import time

    outcome = _write_site_in_a_fresh_process(tmp_path, "yes", fail=True)
    assert outcome["error"] == "RuntimeError: rendering failed" and outcome["second"], outcome
    time.sleep(1.0)  # a writer left running would go on making folders and files here
    assert _group_members(outcome["site"]) == [], "a process making the site still runs"
    assert [p.name for p in tmp_path.iterdir()] == [], "the staging folder was left behind, or written again"


# Terms whose N-Quads forms sort otherwise than their bare text: an IRI continued by a character
# below ">" ("-", "#", "/", a digit), a literal continued by a language tag or a datatype, literals
# and IRIs together, the default graph and named graphs.
_PREDICATES = ["https://schema.org/name", "https://schema.org/name-x", "https://schema.org/name1",
               "https://schema.org/name#x", "https://schema.org/nameZ"]
_OBJECTS = [ox.Literal("Ana"), ox.Literal("Ana", language="en"), ox.Literal("Ana B."),
            ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            ox.NamedNode(ID + "person/a"), ox.NamedNode(ID + "person/a-b"), ox.NamedNode(ID + "person/a1")]
_GRAPHS = [ox.DefaultGraph(), ox.NamedNode(ID + "graph/001_a"), ox.NamedNode(ID + "graph/001_a1"),
           ox.NamedNode(ID + "graph/001_a/x")]


@pytest.mark.parametrize("seed", range(3))
def test_a_subjects_statements_are_in_the_order_of_their_n_quads_lines(seed: int):
    """The index keeps each subject's statements in the order of their N-Quads lines, compared by
    code point (what makes the site the same for any order of the quads), though it keeps no lines."""
    import random

    from cubakg.site.index import SiteIndex

    subject = ox.NamedNode(ID + "person/ana")
    quads = [ox.Quad(subject, ox.NamedNode(p), o, g) for p in _PREDICATES for o in _OBJECTS for g in _GRAPHS]
    random.Random(seed).shuffle(quads)
    by_line = sorted(quads, key=str)  # each quad's N-Quads line
    expected = [(q.predicate.value, q.object, q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None)
                for q in by_line]
    index = SiteIndex.of(quads)
    assert [tuple(statement) for statement in index.by_subject[subject.value]] == expected


def test_a_subjects_statements_are_grouped_by_property_each_value_once_whatever_the_graphs_and_order():
    """`SiteIndex.properties` reads each subject's quads in their N-Quads order, where one property's
    quads, and one value's, come together: a value two graphs state is listed once."""
    from cubakg.site.index import SiteIndex

    person, other = ox.NamedNode(ID + "person/ana"), ox.NamedNode(ID + "person/bo")
    name, knows = ox.NamedNode("https://schema.org/name"), ox.NamedNode("https://schema.org/knows")
    first, second = ox.NamedNode(ID + "graph/001_a"), ox.NamedNode(ID + "graph/002_b")
    quads = [
        ox.Quad(person, name, ox.Literal("Ana"), second),
        ox.Quad(person, knows, other, first),
        ox.Quad(person, name, ox.Literal("Ana", language="es"), first),
        ox.Quad(person, name, ox.Literal("Ana"), first),
        ox.Quad(person, knows, other, second),
        ox.Quad(person, name, ox.Literal("Ana B."), ox.DefaultGraph()),
    ]
    # Properties and values in the order of their N-Quads lines, by code point: <…/knows> before
    # <…/name>; "Ana B." before "Ana" (a space before the closing quote), "Ana" before "Ana"@es.
    expected = {
        "https://schema.org/knows": [other],
        "https://schema.org/name": [ox.Literal("Ana B."), ox.Literal("Ana"), ox.Literal("Ana", language="es")],
    }
    for given in (quads, list(reversed(quads))):
        properties = SiteIndex.of(given).properties(person.value)
        assert properties == expected
        assert list(properties) == list(expected)


def test_a_batch_of_pages_is_bounded_by_its_resources_and_by_the_links_to_them(monkeypatch):
    """`Site.batches` keeps the order and cuts a batch at CHUNK resources or CHUNK_LINKS links to them,
    so that a hub's files are not held with hundreds of others; a resource with more links is alone."""
    from cubakg.site import render
    from cubakg.site.render import prepared_site

    monkeypatch.setattr(render, "CHUNK", 3)
    monkeypatch.setattr(render, "CHUNK_LINKS", 4)
    links = {"a": 0, "b": 1, "c": 5, "d": 2, "e": 2, "f": 0, "g": 0, "h": 0}
    knows = ox.NamedNode("https://schema.org/knows")
    quads = [ox.Quad(ox.NamedNode(f"{ID}fact/001_x/{name}-{n}"), knows, ox.NamedNode(f"{ID}person/{name}"), ox.DefaultGraph())
             for name, count in links.items() for n in range(count)]
    with prepared_site(quads, ONTOLOGY) as site:
        batches = site.batches([f"{ID}person/{name}" for name in links])
    assert [[iri.rsplit("/", 1)[1] for iri in batch] for batch in batches] == [["a", "b"], ["c"], ["d", "e", "f"], ["g", "h"]]
