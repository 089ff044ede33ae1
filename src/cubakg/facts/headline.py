"""`headline`: the article's headline, as written."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import FactBase
from cubakg.namespaces import SDO
from cubakg.terms import text

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Headline(FactBase):
    kind: Literal["headline"]
    text: str

    describes: ClassVar[str] = "article"
    verbatim: ClassVar[tuple[str, ...]] = ("text",)

    def emit(self, out: "FactWriter") -> None:
        out.add(out.node, SDO.headline, text(self.text))
        out.provenance()
