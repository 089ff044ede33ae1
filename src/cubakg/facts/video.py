"""`video`: a video embedded in the article ("WATCH: …"), with its publisher."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import FactBase, Key
from cubakg.namespaces import RDF_TYPE, SDO
from cubakg.terms import iri, text

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Video(FactBase):
    kind: Literal["video"]
    title: str
    publisher: Key | None = None

    describes: ClassVar[str] = "article-part"
    references: ClassVar[dict[str, tuple[str, ...]]] = {"publisher": ("outlet", "organization")}
    verbatim: ClassVar[tuple[str, ...]] = ("title",)

    def emit(self, out: "FactWriter") -> None:
        out.add(out.article_iri, SDO.video, iri(out.node))
        out.add(out.node, RDF_TYPE, iri(SDO.VideoObject))
        out.add(out.node, SDO.name, text(self.title))
        out.ref(out.node, SDO.publisher, self.publisher)
        out.provenance()
