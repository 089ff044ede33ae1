"""`trend`: a direction of change the article reports ("rising numbers", "a growing portion")."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import PLACES, FactBase, Key, TimeSpec
from cubakg.namespaces import CKG

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Trend(FactBase):
    kind: Literal["trend"]
    population: Key
    trend: Key
    area: Key | None = None
    period: TimeSpec | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {
        "population": ("scheme:populations",), "trend": ("scheme:trends",), "area": PLACES,
    }
    time_slots: ClassVar[tuple[str, ...]] = ("period",)

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.MigrationTrend)
        out.ref(node, CKG.population, self.population)
        out.ref(node, CKG.trend, self.trend)
        out.ref(node, CKG.refArea, self.area)
        out.time(node, CKG.refPeriod, "period")
