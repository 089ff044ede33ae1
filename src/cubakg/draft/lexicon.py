"""Registry mentions: every alias of every entity and concept, found with spaCy.

spaCy's blank English pipeline (a tokenizer, no statistical model, nothing to
download) and its `PhraseMatcher` find the aliases as whole tokens, so "US" never
matches inside "USCIS". Aliases match as written (`ORTH`); aliases of two words or
more also match in any case (`LOWER`), since copy desks differ on "State
Department" and "state department". Overlapping matches keep the longest.

Each token of a mention carries the entity's key and type in `token._.ckg_key`
and `token._.ckg_type`, so the `Matcher` patterns of the rules can ask for "a post
title followed by a person".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cubakg.sheets import Registry

# Words that make a bare alias generic ("the meeting", "The official"): such a
# mention names the registry entry only if the article is about the same story.
DETERMINERS = {"the", "a", "an", "that", "this", "these", "those", "its", "their", "his", "her"}
# Concept labels are surface forms too ("visa requirement"), in these schemes; where one
# phrase names concepts of two schemes, the earlier scheme wins.
LABELLED_SCHEMES = ("policy-instruments", "populations", "measure-kinds", "routes", "topics")


@lru_cache(maxsize=1)
def nlp():
    """spaCy's blank English pipeline: rule-based tokenizer, no model."""
    try:
        import spacy
        from spacy.tokens import Token
    except ImportError:
        from cubakg.errors import UsageError

        raise UsageError("drafting needs spaCy, which this installation of cubakg lacks",
                         hint="install it with: pip install 'cubakg[draft]'") from None

    for name in ("ckg_key", "ckg_type"):
        if not Token.has_extension(name):
            Token.set_extension(name, default=None)
    return spacy.blank("en")


@dataclass(frozen=True)
class Mention:
    start: int  # character offsets
    end: int
    key: str
    type: str  # entity type ("person", "post", …) or "scheme:NAME" for a concept
    subtype: str | None
    text: str
    token_start: int
    token_end: int
    weak: bool  # matched a generic alias ("the meeting")

    @property
    def is_entity(self) -> bool:
        return not self.type.startswith("scheme:")


# Head nouns that name a class of things, not one thing: "the meeting", "The official".
GENERIC_HEADS = {
    "meeting", "meetings", "talks", "move", "official", "officials", "government", "delegation", "spokesperson",
    "spokesman", "spokeswoman", "island", "conference", "administration", "country", "nation", "agency", "ministry",
    "department", "office", "embassy", "president", "minister", "plan", "deal", "agreement", "decision", "visit",
    "crisis", "policy", "program", "programme", "measure", "measures", "summit", "round", "statement", "group",
}


def is_weak(alias: str) -> bool:
    """A generic alias: at most two lowercase words once determiners are dropped, ending in a
    class noun ("the meeting", "The official") or starting with a verb ("took office"), which
    names the registry entry only when the article is about the same story.

    >>> is_weak("The official"), is_weak("took office"), is_weak("cold war"), is_weak("the Cuban government")
    (True, True, False, False)
    """
    words = [w for w in alias.split() if w.lower() not in DETERMINERS]
    if not 0 < len(words) <= 2 or not all(w[:1].islower() for w in words):
        return False
    return words[-1].lower() in GENERIC_HEADS or bool(re.fullmatch(r"[a-z]+(?:ed|ook|ent|eld|one)", words[0]))


class Lexicon:
    """The registry's surface forms, ready to match."""

    def __init__(self, registry: Registry):
        from spacy.matcher import PhraseMatcher

        self.registry = registry
        self.types: dict[str, tuple[str, str | None]] = {}
        self.exact = PhraseMatcher(nlp().vocab, attr="ORTH")
        self.caseless = PhraseMatcher(nlp().vocab, attr="LOWER")
        forms: dict[str, set[str]] = {}
        for key, entity in registry.entities.items():
            self.types[key] = (entity.type, entity.subtype)
            forms[key] = {*entity.forms, entity.label}
        self.priority: dict[str, int] = {}
        for scheme, concepts in registry.schemes.items():
            for key, concept in concepts.concepts.items():
                self.types[key] = (f"scheme:{scheme}", None)
                forms[key] = set(concept.forms)
                if scheme in LABELLED_SCHEMES:
                    forms[key] |= {concept.label, concept.label + "s"}
                    self.priority[key] = len(LABELLED_SCHEMES) - LABELLED_SCHEMES.index(scheme)
        tokenizer = nlp().tokenizer
        for key in sorted(forms):
            aliases = sorted(a for a in forms[key] if a.strip())
            if not aliases:
                continue
            self.exact.add(key, [tokenizer(a) for a in aliases])
            long = [a for a in aliases if len(a.split()) >= 2]
            if long:
                self.caseless.add(key, [tokenizer(a) for a in long])

    def nested(self, doc, entity_type: str) -> list[Mention]:
        """Mentions of one entity type, also those inside a longer alias of something else
        ("President Donald Trump" inside the event alias "undone by President Donald Trump")."""
        from spacy.util import filter_spans

        keys = {}
        for match_id, start, end in [*self.exact(doc), *self.caseless(doc)]:
            key = doc.vocab.strings[match_id]
            if self.types[key][0] == entity_type:
                keys[(start, end)] = key
        spans = filter_spans([doc[s:e] for s, e in sorted(keys)])
        return [Mention(s.start_char, s.end_char, keys[(s.start, s.end)], entity_type, self.types[keys[(s.start, s.end)]][1],
                        s.text, s.start, s.end, is_weak(s.text))
                for s in sorted(spans, key=lambda s: s.start)]

    def inside(self, words: str) -> list[tuple[str, str]]:
        """(key, type) of the entities named inside a phrase ("state department" in "a state department spokesperson")."""
        doc = nlp().make_doc(words)
        found = sorted({(start, end, doc.vocab.strings[i]) for i, start, end in [*self.exact(doc), *self.caseless(doc)]})
        return [(key, self.types[key][0]) for start, end, key in found if (start, end) != (0, len(doc))]

    def mentions(self, doc) -> list[Mention]:
        """Every registry mention in the document, longest first where they overlap."""
        from spacy.util import filter_spans

        found = {}
        for matcher, rank in ((self.exact, 1), (self.caseless, 0)):
            for match_id, start, end in matcher(doc):
                key = doc.vocab.strings[match_id]
                # Entities before concepts, exact before caseless, then by key: deterministic.
                score = (end - start, rank, self.types[key][0].startswith("scheme:") is False,
                         self.priority.get(key, 0), key)
                if (start, end) not in found or score > found[(start, end)][0]:
                    found[(start, end)] = (score, key)
        spans = filter_spans([doc[s:e] for s, e in sorted(found, key=lambda se: (-(se[1] - se[0]), se))])
        result = []
        for span in sorted(spans, key=lambda s: s.start):
            key = found[(span.start, span.end)][1]
            kind, subtype = self.types[key]
            for token in span:
                token._.ckg_key, token._.ckg_type = key, kind
            result.append(Mention(
                span.start_char, span.end_char, key, kind, subtype, span.text, span.start, span.end,
                is_weak(span.text),
            ))
        return result
