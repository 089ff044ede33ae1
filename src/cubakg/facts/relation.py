"""`relation`: a standing relation between two parties ("a close regional ally of Cuba")."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import ANY, FactBase, Key
from cubakg.namespaces import CKG

if TYPE_CHECKING:
    from cubakg.emit import FactWriter

PREDICATES = {"ally-of": CKG.allyOf, "adversary-of": CKG.adversaryOf}


class Relation(FactBase):
    kind: Literal["relation"]
    subject: Key
    predicate: Literal["ally-of", "adversary-of"]
    object: Key

    describes: ClassVar[str] = "subject"
    references: ClassVar[dict[str, tuple[str, ...]]] = {"subject": ANY, "object": ANY}

    def emit(self, out: "FactWriter") -> None:
        out.ref(out.node, PREDICATES[self.predicate], self.object)
        out.provenance()
