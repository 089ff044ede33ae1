"""`organization`: what an article says of an organisation — the organisation it is
part of, its country, who heads it (`org:headOf` on the person)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import FactBase, Key
from cubakg.namespaces import CKG, ORG
from cubakg.terms import iri

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Organization(FactBase):
    kind: Literal["organization"]
    org: Key
    part_of: Key | None = None
    country: Key | None = None
    headed_by: Key | None = None

    describes: ClassVar[str] = "org"
    references: ClassVar[dict[str, tuple[str, ...]]] = {
        "org": ("organization", "outlet"), "part_of": ("organization",), "country": ("country",),
        "headed_by": ("person",),
    }

    def emit(self, out: "FactWriter") -> None:
        out.ref(out.node, ORG.subOrganizationOf, self.part_of)
        out.ref(out.node, CKG.country, self.country)
        if self.headed_by:
            out.add(out.key_iri(self.headed_by), ORG.headOf, iri(out.node))
        out.provenance()
