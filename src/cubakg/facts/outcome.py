"""`outcome`: what happened to the people a figure, trend or route counts.

"220,000 Cubans were caught at the U.S.-Mexico border in 2022 … though a vast
majority of them were still allowed into the U.S.": an outcome `of` the observation
of the 220,000, of kind `allowed-into-country` (the `outcomes` scheme), for the
share the text gives as written ("a vast majority"), in a place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import PLACES, FactBase, FactId, Key
from cubakg.namespaces import CKG, SDO
from cubakg.terms import text

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Outcome(FactBase):
    kind: Literal["outcome"]
    of: FactId
    outcome: Key
    as_written: str
    share: str | None = None
    place: Key | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {"outcome": ("scheme:outcomes",), "place": PLACES}
    fact_references: ClassVar[dict[str, tuple[str, ...]]] = {"of": ("observation", "trend", "route")}
    verbatim: ClassVar[tuple[str, ...]] = ("as_written", "share")

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.Outcome)
        out.fact_ref(node, CKG.outcomeOf, self.of)
        out.ref(node, CKG.outcomeKind, self.outcome)
        out.add(node, CKG.outcomeAsWritten, text(self.as_written))
        if self.share:
            out.add(node, CKG.shareAsWritten, text(self.share))
        out.ref(node, SDO.location, self.place)
