"""The SHACL shapes judged by pyshacl on small hand-written cases.

Each case in tests/shapes/cases/ is Turtle added to tests/shapes/context.ttl and
starts with one or more `# expect:` lines:

    # expect: conforms                        no result at all
    # expect: warns <component> <shape>       only warnings, among them this one
    # expect: fails <component> <shape>       at least one violation, among them this one

<component> is a SHACL constraint component (sh:MinCountConstraintComponent);
<shape> is the node shape that reports it, or that owns the property shape that
does (cks:ObservationShape).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from reference import JENA, jena_missing_reason

REPO = Path(__file__).resolve().parents[1]
SHAPES_FILE = REPO / "shapes" / "cubakg.shapes.ttl"
CASES_DIR = Path(__file__).resolve().parent / "shapes" / "cases"
CONTEXT_FILE = Path(__file__).resolve().parent / "shapes" / "context.ttl"
ONTOLOGY_FILE = REPO / "ontology" / "cubakg.ttl"
CKS = Namespace("https://w3id.org/cubakg/shapes#")

PREFIXES = {"sh:": str(SH), "cks:": str(CKS)}


def expand(curie: str) -> URIRef:
    for prefix, namespace in PREFIXES.items():
        if curie.startswith(prefix):
            return URIRef(namespace + curie[len(prefix):])
    raise ValueError(f"unknown prefix in {curie!r}: use sh: or cks:")


@dataclass(frozen=True)
class Expectation:
    verdict: str  # conforms | warns | fails
    component: URIRef | None = None
    shape: URIRef | None = None


def read_expectations(path: Path) -> list[Expectation]:
    expectations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        words = line.lstrip("#").split()
        if words[:1] != ["expect:"]:
            continue
        verdict, *names = words[1:]
        assert verdict in {"conforms", "warns", "fails"}, f"{path.name}: unknown verdict {verdict!r}"
        if verdict == "conforms":
            assert not names, f"{path.name}: `conforms` takes no component"
            expectations.append(Expectation("conforms"))
        else:
            assert len(names) == 2, f"{path.name}: `{verdict}` needs a component and a shape"
            expectations.append(Expectation(verdict, expand(names[0]), expand(names[1])))
    assert expectations, f"{path.name}: no `# expect:` line at the top"
    verdicts = {e.verdict for e in expectations}
    assert len(verdicts) == 1, f"{path.name}: mixes verdicts {sorted(verdicts)}"
    return expectations


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@pytest.fixture(scope="module")
def context() -> Graph:
    return Graph().parse(CONTEXT_FILE, format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def owning_shapes(shapes: Graph, shape) -> set:
    """The shape itself and, for a property shape, the node shapes that hold it."""
    owners = {shape}
    owners.update(shapes.subjects(SH.property, shape))
    return owners


def validate(shapes: Graph, data: Graph) -> list[tuple]:
    """(severity, component, owning shapes, message) of every result pyshacl reports."""
    from pyshacl import validate as pyshacl_validate

    _, report, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none", advanced=False)
    results = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        results.append((
            report.value(result, SH.resultSeverity),
            report.value(result, SH.sourceConstraintComponent),
            owning_shapes(shapes, report.value(result, SH.sourceShape)),
            str(report.value(result, SH.resultMessage)),
        ))
    return results


def describe(results) -> str:
    return "\n".join(
        f"  {str(severity).split('#')[-1]} {component.split('#')[-1]} "
        f"{sorted(s.split('#')[-1] for s in owners if not isinstance(s, BNode))}: {message}"
        for severity, component, owners, message in results
    ) or "  (no results)"


CASES = sorted(CASES_DIR.glob("*.ttl"))


# The build validates with the ontology mixed into the data (its rdfs:subClassOf
# widens class targets); `cubakg validate` on a contributor's file may not. The
# verdicts must be the same either way.
@pytest.mark.parametrize("with_ontology", [False, True], ids=["data-alone", "with-ontology"])
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case(case: Path, with_ontology: bool, shapes: Graph, context: Graph, ontology: Graph):
    expectations = read_expectations(case)
    data = Graph()
    data += context
    if with_ontology:
        data += ontology
    data.parse(case, format="turtle")
    results = validate(shapes, data)
    violations = [r for r in results if r[0] == SH.Violation]
    warnings = [r for r in results if r[0] == SH.Warning]
    verdict = expectations[0].verdict
    if verdict == "conforms":
        assert not results, f"expected no results, got:\n{describe(results)}"
        return
    if verdict == "warns":
        assert not violations, f"expected only warnings, got:\n{describe(results)}"
        pool = warnings
    else:
        assert violations, f"expected a violation, got:\n{describe(results)}"
        pool = violations
    for expected in expectations:
        assert any(
            component == expected.component and expected.shape in owners
            for _, component, owners, _ in pool
        ), f"expected {expected.component.n3()} from {expected.shape.n3()}, got:\n{describe(results)}"
    for _, _, _, message in results:
        assert message and message != "None", "every result must carry a message for a person"


def test_context_alone_conforms_without_warnings(shapes: Graph, context: Graph):
    results = validate(shapes, context)
    assert not results, describe(results)


def test_there_are_cases_of_each_verdict():
    verdicts = {read_expectations(case)[0].verdict for case in CASES}
    assert verdicts == {"conforms", "warns", "fails"}


# --- the shapes file itself ----------------------------------------------------------------

# Parameters of the SHACL Core constraint components (SHACL §4), plus sh:sparql.
CONSTRAINT_PARAMETERS = [
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minInclusive,
    SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH.pattern,
    SH["in"], SH.hasValue, SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint,
    SH.node, SH["not"], SH["and"], SH["or"], SH.xone, SH.qualifiedValueShape,
    SH.uniqueLang, SH.languageIn, SH.closed,
]


def list_members(shapes: Graph, parameter) -> set:
    """Shapes that are members of an sh:or / sh:xone / sh:and list."""
    from rdflib.collection import Collection

    members = set()
    for head in shapes.objects(None, parameter):
        members.update(Collection(shapes, head))
    return members


def test_every_constraint_has_a_message(shapes: Graph):
    """Each shape with a constraint, and each SPARQL constraint, says how to fix the data.

    Members of an sh:or list are exempt: a failed sh:or reports only the message of
    the shape that holds the list.
    """
    or_members = list_members(shapes, SH["or"]) | list_members(shapes, SH.xone)
    constrained = {s for parameter in CONSTRAINT_PARAMETERS for s in shapes.subjects(parameter, None)}
    constrained |= set(shapes.objects(None, SH.sparql))
    missing = [s for s in constrained - or_members if (s, SH.message, None) not in shapes]
    described = [
        shapes.value(s, SH.path) or s for s in missing
    ]
    assert not missing, f"shapes without sh:message: {described}"


def test_only_the_agreed_constraint_components_are_used(shapes: Graph):
    """A second SHACL engine must agree with pyshacl: keep to the common components."""
    agreed = {
        SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minInclusive,
        SH.maxInclusive, SH.minLength, SH.maxLength, SH.pattern, SH["in"], SH.hasValue,
        SH.lessThan, SH.node, SH.qualifiedValueShape, SH["or"],
        SH.disjoint,  # Jena 4.5 reports the case concept-alias-repeats-label.ttl as pyshacl does
    }
    used = {p for p in CONSTRAINT_PARAMETERS if (None, p, None) in shapes}
    assert used <= agreed, f"unexpected constraint components: {sorted(used - agreed)}"


CKG = Namespace("https://w3id.org/cubakg/ontology#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
TIME = Namespace("http://www.w3.org/2006/time#")
QB = Namespace("http://purl.org/linked-data/cube#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")

# Every class docs/model.md publishes.
PUBLISHED_CLASSES = [
    SCHEMA.NewsArticle, CKG.ArticleSection, CKG.RelatedStory, SCHEMA.VideoObject,
    SCHEMA.Person, PROV.Agent, CKG.UnnamedGroup, CKG.GovernmentAgency, CKG.NationalGovernment,
    CKG.Administration, CKG.DiplomaticMission, CKG.NewsOutlet, SCHEMA.Country, SCHEMA.City,
    SCHEMA.Place, CKG.Border, ORG.Post, CKG.DiplomaticTalks, CKG.TalksRound, CKG.Conference,
    CKG.ContextEvent, CKG.Policy,
    CKG.Participation, CKG.PostHolding, QB.Observation, CKG.MigrationTrend, CKG.Statement,
    SCHEMA.Quotation, CKG.PolicyChange, CKG.PolicyAnnouncement, CKG.RouteReport, CKG.Claim,
    CKG.Relation, CKG.CausalClaim, CKG.Purpose, CKG.Outcome,
    OA.SpecificResource, OA.TextQuoteSelector, OA.TextPositionSelector,
    TIME.Instant, TIME.ProperInterval, TIME.GeneralDateTimeDescription, TIME.GeneralDurationDescription,
    QB.DataSet, QB.DataStructureDefinition, QB.ComponentSpecification,
    QB.DimensionProperty, QB.MeasureProperty, QB.AttributeProperty, QB.CodedProperty,
    SKOS.Concept, SKOS.ConceptScheme,
]


@pytest.mark.parametrize("cls", PUBLISHED_CLASSES, ids=[c.n3() for c in PUBLISHED_CLASSES])
def test_every_published_class_has_a_node_shape(shapes: Graph, cls):
    assert (None, SH.targetClass, cls) in shapes, f"no node shape targets {cls}"


def test_every_class_in_the_release_has_a_node_shape(shapes: Graph):
    release = REPO / "dist" / "cubakg.ttl"
    if not release.exists():
        pytest.skip("dist/cubakg.ttl is not built yet")
    graph = Graph().parse(release, format="turtle")
    targeted = set(shapes.objects(None, SH.targetClass))
    # Property declarations copied from the ontology are typed owl:ObjectProperty
    # and the like too: those meta-classes describe terms, not published things.
    meta = (str(OWL), str(RDF), str(RDFS))
    used = {c for c in graph.objects(None, RDF.type) if not str(c).startswith(meta)}
    untargeted = used - targeted
    assert not untargeted, f"classes in the release with no node shape: {sorted(untargeted)}"


# --- a second engine -------------------------------------------------------------------------



def result_keys(report: Graph) -> set[tuple[str, str, str]]:
    """(focus node, constraint component, severity) of each result: what engines must agree on."""
    return {
        (
            str(report.value(r, SH.focusNode)),
            str(report.value(r, SH.sourceConstraintComponent)),
            str(report.value(r, SH.resultSeverity)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


def test_jena_agrees_with_pyshacl_on_the_release(shapes: Graph, ontology: Graph, tmp_path: Path):
    """Apache Jena's SHACL engine gives the same results as pyshacl on the built graph."""
    import subprocess

    from pyshacl import validate as pyshacl_validate

    release = REPO / "dist" / "cubakg.ttl"
    if not release.exists():
        pytest.skip("dist/cubakg.ttl is not built yet")
    if jena_missing_reason():
        pytest.skip(jena_missing_reason())
    data = Graph().parse(release, format="turtle")
    data += ontology  # as the build validates it
    data_file = tmp_path / "data.nt"
    data.serialize(data_file, format="nt", encoding="utf-8")
    run = subprocess.run(
        [str(JENA), "shacl", "validate", "--shapes", str(SHAPES_FILE), "--data", str(data_file)],
        capture_output=True, text=True, timeout=300,
    )
    if run.returncode != 0 or "ValidationReport" not in run.stdout:
        pytest.skip(f"Jena did not run: {run.stderr.strip()[:300]}")
    jena_report = Graph().parse(data=run.stdout, format="turtle")
    _, pyshacl_report, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none", advanced=False)
    assert result_keys(jena_report) == result_keys(pyshacl_report)
