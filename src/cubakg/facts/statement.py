"""`statement`: what someone said — their exact words (`quote`) or a paraphrase
(`summary`), about what, to whom, with what stance, reported by whom.

`addressee` is one key or a list ("They were received by …, who reiterated …": both
officials). Attribute a statement to an outlet only where its sentence names it: "De
Cossio added …" after "spoke with Reuters" does not say Reuters heard it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import model_validator

from cubakg.facts.base import AGENTS, ANY, FactBase, Key, TimeSpec
from cubakg.namespaces import CKG, RDF_TYPE, SDO
from cubakg.terms import iri, text

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Statement(FactBase):
    kind: Literal["statement"]
    speaker: Key
    mode: Literal["quote", "paraphrase"]
    quote: str | None = None
    about: list[Key] = []
    addressee: Key | list[Key] | None = None
    stance: Key | None = None
    when: TimeSpec | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {
        "speaker": AGENTS, "about": ANY, "addressee": AGENTS, "stance": ("scheme:stances",),
    }
    time_slots: ClassVar[tuple[str, ...]] = ("when",)
    verbatim: ClassVar[tuple[str, ...]] = ("quote",)

    @model_validator(mode="after")
    def _mode_needs_text(self) -> "Statement":
        if self.mode == "quote" and not self.quote:
            raise ValueError("a quoted statement needs `quote`: the speaker's exact words")
        if self.mode == "paraphrase" and not self.summary:
            raise ValueError("a paraphrased statement needs `summary`: what the speaker said, in plain words")
        return self

    @property
    def addressees(self) -> list[str]:
        return [self.addressee] if isinstance(self.addressee, str) else list(self.addressee or [])

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.Statement)
        if self.mode == "quote":
            out.add(node, RDF_TYPE, iri(SDO.Quotation))
            out.add(node, SDO.text, text(self.quote))
        mode = "verbatim" if self.mode == "quote" else "paraphrase"
        out.add(node, CKG.statementMode, iri(out.mint.concept_iri("statement-modes", mode)))
        out.ref(node, CKG.speaker, self.speaker)
        out.refs(node, SDO.about, self.about)
        out.refs(node, CKG.addressee, self.addressees)
        out.ref(node, CKG.stance, self.stance)
        out.time(node, CKG.time, "when")
