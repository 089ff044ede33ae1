"""What every drafting rule sees and adds to: the article, its mentions, the draft so far."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

from cubakg.draft.article import Article
from cubakg.draft.lexicon import Lexicon, Mention
from cubakg.draft.model import DraftFact, Proposal, trim
from cubakg.sheets import Registry


def slug(words: str) -> str:
    """A registry key or fact id from words.

    >>> slug("Ur Mendoza Jaddou's")
    'ur-mendoza-jaddou'
    """
    import unicodedata

    plain = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    plain = re.sub(r"['’]s\b", "", plain.lower())
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60].strip("-") or "x"


@dataclass
class Context:
    article: Article
    registry: Registry
    lexicon: Lexicon
    mentions: list[Mention]
    dateline: dt.date | None = None
    published: dt.date | None = None
    facts: list[DraftFact] = field(default_factory=list)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _nested: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A generic alias ("that conference") names the entity when a specific one named it before.
        named = set()
        for index, m in enumerate(self.mentions):
            if m.weak and m.key in named:
                self.mentions[index] = dataclasses.replace(m, weak=False)
            elif not m.weak:
                named.add(m.key)

    @property
    def text(self) -> str:
        return self.article.text

    def add(self, fact: DraftFact) -> DraftFact:
        fact.spans = [trim(self.text, start, end) for start, end in fact.spans]
        fact.needs |= {key for key in fact.keys() if key in self.proposals}
        self.facts.append(fact)
        return fact

    def propose(self, key: str, entry: dict, span: tuple[int, int], why: str) -> str:
        """A new registry entry (once per key); returns its key."""
        if key in self.registry.entities or key in self.lexicon.types:
            key = f"{key}-{entry['type']}"
        self.proposals.setdefault(key, Proposal(key, entry, span, why))
        return key

    def mentions_in(self, start: int, end: int, *types: str) -> list[Mention]:
        """Mentions inside text[start:end], of the given types (all when none given)."""
        return [m for m in self.mentions if start <= m.start and m.end <= end and (not types or m.type in types)]

    def any_mentions_in(self, start: int, end: int, *types: str) -> list[Mention]:
        """Like `mentions_in`, but also the mentions inside a longer alias of something else."""
        found = []
        for kind in types:
            if kind not in self._nested:
                self._nested[kind] = self.lexicon.nested(self.article.doc, kind)
            found += [m for m in self._nested[kind] if start <= m.start and m.end <= end]
        proposed = [m for m in self.mentions if m.type in types and not m.key in self.lexicon.types]
        found += [m for m in proposed if start <= m.start and m.end <= end and m not in found]
        return sorted(found, key=lambda m: (m.start, -m.end))

    def outermost(self, mentions: list[Mention]) -> list[Mention]:
        """Mentions not inside another of the list ("U.S." inside "The U.S. Embassy")."""
        return [m for m in mentions if not any(o is not m and o.start <= m.start and m.end <= o.end
                                               and (o.end - o.start) > (m.end - m.start) for o in mentions)]

    def after_dateline(self, start: int, end: int) -> int:
        """Where the words of a sentence start once the dateline ("HAVANA, April 18th (Reuters) -") is left out."""
        for fact in self.facts:
            if fact.kind in ("dateline", "publisher") and start <= fact.spans[0][0] < end and fact.spans[0][1] < end:
                rest = re.match(r"[\s:–—-]*", self.text[fact.spans[0][1]:end])
                start = max(start, fact.spans[0][1] + rest.end())
        return start

    def times_in(self, start: int, end: int):
        """The time expressions in text[start:end], except the dateline's own date."""
        from cubakg.draft import times

        header = [span for fact in self.facts if fact.kind in ("dateline", "publisher") for span in fact.spans[:1]]
        return [t for t in times.find(self.text, start, end) if not any(s <= t.start < e for s, e in header)]

    def countries_in(self, start: int, end: int) -> list[str]:
        """Countries named in text[start:end], also inside other names ("Cuban officials" → cuba)."""
        found = []
        for m in self.mentions_in(start, end):
            keys = [m.key] if m.type == "country" else [k for k, t in self.lexicon.inside(m.text) if t == "country"]
            found += [k for k in keys if k not in found]
        return found

    def entity_type(self, key: str) -> str | None:
        if key in self.proposals:
            return self.proposals[key].entry["type"]
        entity = self.registry.entities.get(key)
        return entity.type if entity else None

    def label(self, key: str) -> str:
        if key in self.proposals:
            return self.proposals[key].entry["label"]
        entity = self.registry.entities.get(key)
        return entity.label if entity else key

    def covered(self, kind: str, start: int, end: int) -> bool:
        """Whether a fact of `kind` already has evidence over text[start:end]."""
        return any(f.kind == kind and any(s <= start and end <= e for s, e in f.spans) for f in self.facts)

    def sentence_span(self, offset: int) -> tuple[int, int]:
        sentence = self.article.sentence_at(offset)
        return (sentence.start, sentence.end) if sentence else (offset, offset)

    def has_scheme(self, scheme: str, key: str) -> bool:
        found = self.registry.schemes.get(scheme)
        return bool(found and key in found.concepts)
