"""`observation`: a figure the article reports, as an RDF Data Cube observation.

Counts go to `id:dataset/migration-counts` (measure `ckg:personCount`), ranks to
`id:dataset/migration-rankings` (measure `ckg:rank`); both share the dimensions
period, area, population and measure kind. The value is kept as written
("220,000") beside the integer, and round figures are marked approximate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import AGENTS, PLACES, FactBase, Key, TimeSpec
from cubakg.namespaces import CKG, QB
from cubakg.terms import boolean, integer, iri, text

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


@dataclass(frozen=True)
class Statistic:
    """A Data Cube dataset of observations of one measure."""

    dataset: str  # name: id:dataset/{name}, id:structure/{name}
    measure: str
    unit: str  # key of a concept in the `units` scheme
    label: str


STATISTICS = {
    "count": Statistic("migration-counts", CKG.personCount, "persons", "Counts of migrants reported in the articles"),
    "rank": Statistic("migration-rankings", CKG.rank, "rank-position", "Rankings of migrant groups reported in the articles"),
}
DIMENSIONS = [CKG.refPeriod, CKG.refArea, CKG.population, CKG.measureKind]
ATTRIBUTES = [  # (property, required)
    (CKG.unitOfMeasure, True), (CKG.valueAsWritten, True), (CKG.approximate, True),
    (CKG.recordQualifier, False), (CKG.sourceAgency, False), (CKG.reportedBy, False),
]


class Observation(FactBase):
    kind: Literal["observation"]
    measure: Literal["count", "rank"]
    value: str
    population: Key
    counted: Key
    area: Key
    period: TimeSpec
    source: Key | None = None
    record: str | None = None
    approximate: bool | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {
        "population": ("scheme:populations",), "counted": ("scheme:measure-kinds",), "area": PLACES,
        "source": AGENTS,
    }
    time_slots: ClassVar[tuple[str, ...]] = ("period",)
    verbatim: ClassVar[tuple[str, ...]] = ("value", "record")

    def emit(self, out: "FactWriter") -> None:
        statistic = STATISTICS[self.measure]
        figure = out.record.figure
        node = out.fact_node(QB.Observation)
        out.add(node, QB.dataSet, iri(out.mint.dataset_iri(statistic.dataset)))
        out.time(node, CKG.refPeriod, "period")
        out.ref(node, CKG.refArea, self.area)
        out.ref(node, CKG.population, self.population)
        out.ref(node, CKG.measureKind, self.counted)
        out.add(node, statistic.measure, integer(figure.value))
        out.add(node, CKG.unitOfMeasure, iri(out.mint.concept_iri("units", statistic.unit)))
        out.add(node, CKG.valueAsWritten, text(figure.as_written))
        out.add(node, CKG.approximate, boolean(figure.approximate))
        if self.record:
            out.add(node, CKG.recordQualifier, text(self.record))
        out.ref(node, CKG.sourceAgency, self.source)
