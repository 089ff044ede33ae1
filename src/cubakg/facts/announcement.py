"""`announcement`: who announced a policy change of the same sheet, and when."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import AGENTS, FactBase, FactId, Key, TimeSpec
from cubakg.namespaces import CKG

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Announcement(FactBase):
    kind: Literal["announcement"]
    announcer: Key
    announces: FactId
    when: TimeSpec | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {"announcer": AGENTS}
    fact_references: ClassVar[dict[str, tuple[str, ...]]] = {"announces": ("policy-change",)}
    time_slots: ClassVar[tuple[str, ...]] = ("when",)

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.PolicyAnnouncement)
        out.ref(node, CKG.announcer, self.announcer)
        out.fact_ref(node, CKG.announces, self.announces)
        out.time(node, CKG.time, "when")
