"""`related-link`: a "READ MORE: …" / "READ NEXT: …" link to another story."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import FactBase
from cubakg.namespaces import CKG, RDF_TYPE, SDO
from cubakg.terms import iri, text

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class RelatedLink(FactBase):
    kind: Literal["related-link"]
    relation: Literal["read-more", "read-next"]
    title: str

    describes: ClassVar[str] = "article-part"
    verbatim: ClassVar[tuple[str, ...]] = ("title",)

    def emit(self, out: "FactWriter") -> None:
        out.add(out.article_iri, CKG.relatedStory, iri(out.node))
        out.add(out.node, RDF_TYPE, iri(CKG.RelatedStory))
        out.add(out.node, SDO.headline, text(self.title))
        out.add(out.node, CKG.linkLabel, text(self.relation.replace("-", " ").upper()))
        out.provenance()
