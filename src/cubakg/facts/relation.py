"""`relation`: a relation between two things as the article states it — allies and
adversaries, a place within a place, an office in a city, or two names the article
does not say are one thing.

An n-ary node (`ckg:Relation`, an `rdf:Statement` of the triple it states) keeps
whether the relation still holds (`status`) and when it held (`during`). The triple
itself is asserted as a shortcut only for a relation that is not `former`: "its old
cold war foe" is a former adversary during the Cold War, not an adversary today.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from cubakg.facts.base import ANY, FactBase, Key, TimeSpec
from cubakg.namespaces import CKG, RDF_NS, RDF_TYPE, SDO, TIME
from cubakg.terms import iri

if TYPE_CHECKING:
    from cubakg.emit import FactWriter

PREDICATES = {
    "ally-of": CKG.allyOf,
    "adversary-of": CKG.adversaryOf,
    "contained-in": SDO.containedInPlace,  # a place within a place
    "located-in": SDO.location,  # an office or organisation in a place
    "possibly-same-as": CKG.possiblySameAs,  # two names the article does not say are one
}
STATUSES = "relation-statuses"


class Relation(FactBase):
    kind: Literal["relation"]
    subject: Key
    predicate: Literal["ally-of", "adversary-of", "contained-in", "located-in", "possibly-same-as"]
    object: Key
    status: Literal["current", "former"] | None = None
    during: TimeSpec | None = None

    references: ClassVar[dict[str, tuple[str, ...]]] = {"subject": ANY, "object": ANY}
    time_slots: ClassVar[tuple[str, ...]] = ("during",)

    def emit(self, out: "FactWriter") -> None:
        node = out.fact_node(CKG.Relation)
        out.add(node, RDF_TYPE, iri(RDF_NS.Statement))
        out.ref(node, RDF_NS.subject, self.subject)
        out.add(node, RDF_NS.predicate, iri(PREDICATES[self.predicate]))
        out.ref(node, RDF_NS.object, self.object)
        if self.status:
            out.add(node, CKG.relationStatus, iri(out.mint.concept_iri(STATUSES, self.status)))
        out.time(node, TIME.hasTime, "during")
        if self.status != "former":
            out.add(out.key_iri(self.subject), PREDICATES[self.predicate], iri(out.key_iri(self.object)))
