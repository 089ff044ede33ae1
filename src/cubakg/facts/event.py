"""`event`: what an article says of an event of the registry — status, time, place,
the series it belongs to, its order among rounds, who takes part as agents, topics.

The event node is the registry's (`id:event/{key}`); each article's statements
about it stay in that article's graph, so "planned" (before) and "held" (after)
both stand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import Field

from cubakg.facts.base import AGENTS, PLACES, FactBase, Key, TimeSpec
from cubakg.namespaces import CKG, SDO
from cubakg.terms import integer, iri

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Event(FactBase):
    kind: Literal["event"]
    event: Key
    status: Key | None = None
    when: TimeSpec | None = None
    ends: TimeSpec | None = None
    place: Key | None = None
    part_of: Key | None = None
    ordinal: Annotated[int, Field(ge=1)] | None = None
    follows: Key | None = None
    agents: list[Key] = []
    topics: list[Key] = []

    describes: ClassVar[str] = "event"
    references: ClassVar[dict[str, tuple[str, ...]]] = {
        "event": ("event",), "status": ("scheme:event-statuses",), "place": PLACES, "part_of": ("event",),
        "follows": ("event",), "agents": AGENTS, "topics": ("scheme:topics",),
    }
    time_slots: ClassVar[tuple[str, ...]] = ("when", "ends")

    def emit(self, out: "FactWriter") -> None:
        node = out.node
        out.ref(node, CKG.eventStatus, self.status)
        out.ref(node, SDO.location, self.place)
        if self.part_of:
            out.ref(node, SDO.superEvent, self.part_of)
            out.add(out.key_iri(self.part_of), SDO.subEvent, iri(node))
        if self.ordinal:
            out.add(node, CKG.roundNumber, integer(self.ordinal))
        out.ref(node, CKG.follows, self.follows)
        out.refs(node, CKG.agent, self.agents)
        out.refs(node, SDO.about, self.topics)
        out.time(node, CKG.time, "when", date_property=SDO.startDate)
        out.time(node, CKG.endTime, "ends", date_property=SDO.endDate)
        out.provenance()
