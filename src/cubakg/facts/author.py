"""`author`: the article's author, from its byline ("Written by: …")."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import FactBase, Key
from cubakg.namespaces import SDO

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Author(FactBase):
    kind: Literal["author"]
    author: Key

    describes: ClassVar[str] = "article"
    references: ClassVar[dict[str, tuple[str, ...]]] = {"author": ("person",)}

    def emit(self, out: "FactWriter") -> None:
        out.ref(out.node, SDO.author, self.author)
        out.provenance()
