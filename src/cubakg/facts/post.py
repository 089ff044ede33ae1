"""`post`: a person holds a post, under the title the article writes.

A `ckg:PostHolding` (an `org:Membership`) keeps the title as written beside the
canonical post, so "deputy foreign minister" and "Vice Minister of Foreign
Affairs" are one post; `org:heldBy` on the post is the shortcut.
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

    references: ClassVar[dict[str, tuple[str, ...]]] = {"post": ("post",), "holder": ("person",)}
    time_slots: ClassVar[tuple[str, ...]] = ("since",)
    verbatim: ClassVar[tuple[str, ...]] = ("title",)

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.PostHolding)
        post = out.key_iri(self.post)
        out.add(post, ORG.heldBy, iri(out.key_iri(self.holder)))
        out.ref(node, ORG.member, self.holder)
        out.ref(node, ORG.organization, out.entity(self.post).post_in)
        out.add(node, CKG.post, iri(post))
        out.add(node, CKG.titleAsWritten, text(self.title))
        out.time(node, ORG.memberDuring, "since")
