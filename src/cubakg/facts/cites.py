"""`cites`: a source the article cites ("According to El Pais", "told Reuters")."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import AGENTS, FactBase, Key
from cubakg.namespaces import CKG

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Cites(FactBase):
    kind: Literal["cites"]
    source: Key

    describes: ClassVar[str] = "article"
    references: ClassVar[dict[str, tuple[str, ...]]] = {"source": AGENTS}

    def emit(self, out: "FactWriter") -> None:
        out.ref(out.node, CKG.citesSource, self.source)
        out.provenance()
