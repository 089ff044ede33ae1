"""`route`: a way migrants are reported to travel (by sea, over land through Mexico …)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import PLACES, FactBase, Key
from cubakg.namespaces import CKG

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Route(FactBase):
    kind: Literal["route"]
    route: Key
    population: Key
    via: list[Key] = []
    destination: Key | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {
        "route": ("scheme:routes",), "population": ("scheme:populations",), "via": PLACES, "destination": PLACES,
    }

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.RouteReport)
        out.ref(node, CKG.route, self.route)
        out.ref(node, CKG.population, self.population)
        out.refs(node, CKG.via, self.via)
        out.ref(node, CKG.destination, self.destination)
