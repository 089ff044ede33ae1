"""`purpose`: what something is done for, as the article says — why a policy was
made, what talks or a visit aim at, what a measure is to achieve.

"Nicaragua … said the move was intended to promote commercial exchange, tourism and
humanitarian family relations": the purpose `of_fact` the policy change, with
`aims` from the registry's `aims` scheme (or topics), the words `as_written`, whose
aim it is (`held_by`), who says so (`reported_by`) and the statement that says it
(`stated_in`). An aim may also be another fact of the sheet (`aim_facts`: "aim to
address the growing number of Cubans trying to enter", a trend).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import model_validator

from cubakg.facts.base import AGENTS, ANY, FactBase, FactId, Key
from cubakg.namespaces import CKG, PROV
from cubakg.terms import text

if TYPE_CHECKING:
    from cubakg.emit import FactWriter

DONE = ("policy-change", "participation", "announcement", "outcome", "event", "statement")
AIMED_AT = ("trend", "observation", "route", "policy-change", "event")


class Purpose(FactBase):
    kind: Literal["purpose"]
    of: Key | None = None
    of_fact: FactId | None = None
    aims: list[Key] = []
    aim_facts: list[FactId] = []
    as_written: str
    held_by: list[Key] = []
    stated_in: FactId | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {
        "of": ANY, "aims": ("scheme:aims", "scheme:topics"), "held_by": AGENTS,
    }
    fact_references: ClassVar[dict[str, tuple[str, ...]]] = {
        "of_fact": DONE, "aim_facts": AIMED_AT, "stated_in": ("statement",),
    }
    verbatim: ClassVar[tuple[str, ...]] = ("as_written",)

    @model_validator(mode="after")
    def _says_of_what(self) -> "Purpose":
        if (self.of is None) == (self.of_fact is None):
            raise ValueError("a purpose is the purpose of one thing: give `of` (a registry key) or `of_fact` (a fact id)")
        return self

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.Purpose)
        out.ref(node, CKG.purposeOf, self.of)
        out.fact_ref(node, CKG.purposeOf, self.of_fact)
        out.refs(node, CKG.aim, self.aims)
        out.fact_refs(node, CKG.aim, self.aim_facts)
        out.add(node, CKG.aimAsWritten, text(self.as_written))
        out.refs(node, CKG.intendedBy, self.held_by)
        out.fact_ref(node, PROV.wasDerivedFrom, self.stated_in)
