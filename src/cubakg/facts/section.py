"""`section`: a sub-heading of the article, numbered in the order of the text."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import FactBase
from cubakg.namespaces import CKG, RDF_TYPE, SDO
from cubakg.terms import integer, iri, text

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Section(FactBase):
    kind: Literal["section"]
    title: str

    describes: ClassVar[str] = "article-part"
    verbatim: ClassVar[tuple[str, ...]] = ("title",)

    def emit(self, out: "FactWriter") -> None:
        out.add(out.article_iri, SDO.hasPart, iri(out.node))
        out.add(out.node, RDF_TYPE, iri(CKG.ArticleSection))
        out.add(out.node, SDO.headline, text(self.title))
        out.add(out.node, SDO.position, integer(out.section_position()))
        out.provenance()
