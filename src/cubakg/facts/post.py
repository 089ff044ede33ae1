"""`post`: a person holds a post, under the title the article writes.

A `ckg:PostHolding` (an `org:Membership`) keeps the title as written beside the
canonical post, so "deputy foreign minister" and "Vice Minister of Foreign
Affairs" are one post; `org:heldBy` on the post is the shortcut, stated only for a
holding that is not `former` (the text treats Trump as a former president: asking
who holds the post gives the current holder). `since` is when the holding began;
`during` is its time as an interval, with what the text fixes of its bounds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import FactBase, Key, TimeSpec
from cubakg.namespaces import CKG, ORG
from cubakg.terms import iri, text

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class PostHolding(FactBase):
    kind: Literal["post"]
    post: Key
    holder: Key
    title: str
    since: TimeSpec | None = None
    during: TimeSpec | None = None
    status: Literal["current", "former"] | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {"post": ("post",), "holder": ("person",)}
    time_slots: ClassVar[tuple[str, ...]] = ("since", "during")
    verbatim: ClassVar[tuple[str, ...]] = ("title",)

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.PostHolding)
        post = out.key_iri(self.post)
        if self.status != "former":
            out.add(post, ORG.heldBy, iri(out.key_iri(self.holder)))
        out.ref(node, ORG.member, self.holder)
        out.ref(node, ORG.organization, out.entity(self.post).post_in)
        out.add(node, CKG.post, iri(post))
        out.add(node, CKG.titleAsWritten, text(self.title))
        if self.status:
            out.add(node, CKG.relationStatus, iri(out.mint.concept_iri("relation-statuses", self.status)))
        out.time(node, ORG.memberDuring, "since")
        out.time(node, ORG.memberDuring, "during")
