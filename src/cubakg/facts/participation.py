"""`participation`: who takes part in an event, in which role and with which status.

An n-ary fact node, so that "headed the Cuban delegation", "was sent" and
"received the US officials" stay distinct.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import AGENTS, FactBase, Key
from cubakg.namespaces import CKG

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Participation(FactBase):
    kind: Literal["participation"]
    event: Key
    participant: Key
    role: Key
    status: Key
    on_behalf_of: Key | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {
        "event": ("event",), "participant": AGENTS, "role": ("scheme:participation-roles",),
        "status": ("scheme:participation-statuses",), "on_behalf_of": ("country", "organization"),
    }

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.Participation)
        out.ref(node, CKG.event, self.event)
        out.ref(node, CKG.participant, self.participant)
        out.ref(node, CKG.role, self.role)
        out.ref(node, CKG.participationStatus, self.status)
        out.ref(node, CKG.onBehalfOf, self.on_behalf_of)
