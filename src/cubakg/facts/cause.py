"""`cause`: what the article, or someone it reports, says brings something about,
and whom it blames.

"It blames the US for the uptick in irregular migration, saying cold war-era
sanctions and a decision to close the American consular section in Havana
encourage Cubans to seek riskier routes": one `cause` holds the US responsible for
the uptick (a trend fact), another gives the sanctions and the closure as causes of
the riskier routes. Causes and effects are registry entries or other facts of the
sheet, or, where the text names no such thing, the words as written; `link` keeps
the words that make the link ("contributed to", "could lead to"), so a hedge stays
a hedge. `reported_by` is who says so; `stated_in` the statement fact that says it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import model_validator

from cubakg.facts.base import AGENTS, ANY, FactBase, FactId, Key
from cubakg.namespaces import CKG, PROV
from cubakg.terms import text

if TYPE_CHECKING:
    from cubakg.emit import FactWriter

FACTS = ("event", "policy-change", "trend", "observation", "route", "statement", "announcement", "claim",
         "participation", "outcome")


class Cause(FactBase):
    kind: Literal["cause"]
    causes: list[Key] = []
    cause_facts: list[FactId] = []
    cause_as_written: str | None = None
    effect: Key | None = None
    effect_fact: FactId | None = None
    effect_as_written: str | None = None
    link: str
    blamed: list[Key] = []
    stated_in: FactId | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {"causes": ANY, "effect": ANY, "blamed": AGENTS}
    fact_references: ClassVar[dict[str, tuple[str, ...]]] = {
        "cause_facts": FACTS, "effect_fact": FACTS, "stated_in": ("statement",),
    }
    verbatim: ClassVar[tuple[str, ...]] = ("link", "cause_as_written", "effect_as_written")

    @model_validator(mode="after")
    def _has_both_ends(self) -> "Cause":
        if not (self.causes or self.cause_facts or self.cause_as_written or self.blamed):
            raise ValueError("a cause needs what brings the effect about (`causes`, `cause_facts`, "
                             "`cause_as_written`) or whom it blames (`blamed`)")
        if not (self.effect or self.effect_fact or self.effect_as_written):
            raise ValueError("a cause needs its effect: `effect`, `effect_fact` or `effect_as_written`")
        return self

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.CausalClaim)
        out.refs(node, CKG.cause, self.causes)
        out.fact_refs(node, CKG.cause, self.cause_facts)
        out.ref(node, CKG.effect, self.effect)
        out.fact_ref(node, CKG.effect, self.effect_fact)
        if self.cause_as_written:
            out.add(node, CKG.causeAsWritten, text(self.cause_as_written))
        if self.effect_as_written:
            out.add(node, CKG.effectAsWritten, text(self.effect_as_written))
        out.add(node, CKG.linkAsWritten, text(self.link))
        out.refs(node, CKG.heldResponsible, self.blamed)
        out.fact_ref(node, PROV.wasDerivedFrom, self.stated_in)
