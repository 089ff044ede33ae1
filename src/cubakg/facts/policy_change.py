"""`policy-change`: a change of policy — who makes it, what kind of change, to which
instrument, where, for whom, effective when. Kept apart from its announcement.

`actor` only where the text names who makes the change ("a decision to close the
American consular section in Havana" names none). `provider` is the office whose
service changes (the consular section); `resumes_after` the pause a restart ends
("after a four-year hiatus"), an interval.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import AGENTS, PLACES, FactBase, Key, TimeSpec
from cubakg.namespaces import CKG, SDO

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class PolicyChange(FactBase):
    kind: Literal["policy-change"]
    actor: Key | None = None
    change: Key
    policy: Key
    place: Key | None = None
    population: Key | None = None
    provider: Key | None = None
    effective: TimeSpec | None = None
    resumes_after: TimeSpec | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {
        "actor": AGENTS, "change": ("scheme:policy-change-kinds",), "policy": ("scheme:policy-instruments",),
        "place": PLACES, "population": ("scheme:populations",), "provider": ("organization",),
    }
    time_slots: ClassVar[tuple[str, ...]] = ("effective", "resumes_after")

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.PolicyChange)
        out.ref(node, CKG.actor, self.actor)
        out.ref(node, CKG.changeKind, self.change)
        out.ref(node, CKG.policyInstrument, self.policy)
        out.ref(node, SDO.location, self.place)
        out.ref(node, CKG.population, self.population)
        out.ref(node, SDO.provider, self.provider)
        out.time(node, CKG.effectiveTime, "effective", date_property=SDO.startDate)
        out.time(node, CKG.resumesAfter, "resumes_after")
