"""`publisher`: the outlet the article names as its publisher ("This article is owned by …")."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import FactBase, Key
from cubakg.namespaces import SDO

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Publisher(FactBase):
    kind: Literal["publisher"]
    publisher: Key

    describes: ClassVar[str] = "article"
    references: ClassVar[dict[str, tuple[str, ...]]] = {"publisher": ("outlet", "organization")}

    def emit(self, out: "FactWriter") -> None:
        out.ref(out.node, SDO.publisher, self.publisher)
        out.provenance()
