"""`claim`: what no other kind captures, said in plain words (`summary`) about some things.

`period` is the time the claim covers, such as the interval of "the first talks …
since the Trump administration" (an interval whose bounds are what the text fixes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import Field

from cubakg.facts.base import ANY, FactBase, Key, TimeSpec
from cubakg.namespaces import CKG, SDO

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Claim(FactBase):
    kind: Literal["claim"]
    about: Annotated[list[Key], Field(min_length=1)]
    summary: str
    period: TimeSpec | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {"about": ANY}
    time_slots: ClassVar[tuple[str, ...]] = ("period",)

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.Claim)
        out.refs(node, SDO.about, self.about)
        out.time(node, CKG.refPeriod, "period")
