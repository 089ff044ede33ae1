"""`cubakg draft`: a fact sheet drafted from a new article, and its coverage report.

>>> draft = draft_article(text, registry, article_id="my-article")   # doctest: +SKIP
>>> print(render_sheet(draft, "my-article.txt"))                      # doctest: +SKIP

The drafter finds registry mentions with spaCy's blank English pipeline (no model
to download), applies the rules of `cubakg.draft.rules` in order, resolves dates
and figures with the resolve stage, and checks that every drafted quote anchors.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from cubakg.draft.article import Article, decode_article, read_article
from cubakg.draft.context import Context, slug
from cubakg.draft.lexicon import Lexicon
from cubakg.draft.model import Draft, DraftFact, Proposal
from cubakg.draft.render import render_proposals, render_sheet
from cubakg.read import LoadedRegistry
from cubakg.sheets import Registry

__all__ = [
    "Draft", "DraftFact", "Proposal", "draft_article", "read_article", "decode_article",
    "render_sheet", "render_proposals", "lexicon_for",
]

_LEXICONS: dict[int, Lexicon] = {}


def lexicon_for(registry: Registry) -> Lexicon:
    """The registry's matcher, built once per registry object."""
    if id(registry) not in _LEXICONS:
        _LEXICONS.clear()
        _LEXICONS[id(registry)] = Lexicon(registry)
    return _LEXICONS[id(registry)]


def draft_article(
    text: str, registry: LoadedRegistry, *, article_id: str, published: dt.date | None = None, url: str | None = None,
    model=None,
) -> Draft:
    """Draft the fact sheet of one article (its text as stored) against the registry.

    `model`, a loaded spaCy pipeline with an entity recogniser (optional), adds the
    names it finds as registry proposals (`cubakg.draft.ner`).
    """
    from cubakg.draft.rules import RULES
    from cubakg.draft.verify import verify
    from cubakg.resolve import index_registry

    index = index_registry(registry)
    registry = registry.registry
    article = Article(text)
    lexicon = lexicon_for(registry)
    ctx = Context(article, registry, lexicon, lexicon.mentions(article.doc), published=published)
    for rule in RULES:
        rule(ctx)
    if model is not None:
        from cubakg.draft.ner import add_candidates

        add_candidates(ctx, model)
    facts = [fact for fact in ctx.facts if fact.spans]
    assign_ids(facts)
    draft = Draft(article_id, text, {}, facts, sorted(ctx.proposals.values(), key=lambda p: p.key), ctx.notes)
    verify(draft, index)
    header: dict = {"id": article_id, "language": "en", "draft": True}
    source = {k: v for k, v in (("url", url), ("published", published.isoformat() if published else None)) if v}
    if source:
        header["source"] = source
    draft.header = header
    return draft


# The field whose value names a fact, by kind.
NAMING_FIELD = {
    "headline": None, "dateline": None, "publisher": "publisher", "author": "author", "section": "title",
    "related-link": "title", "video": "title", "cites": "source", "event": "event", "participation": "participant",
    "post": "holder", "organization": "org", "relation": "subject", "observation": "value", "trend": "population",
    "statement": "speaker", "policy-change": "policy", "announcement": "announcer", "route": "route", "claim": None,
}


def assign_ids(facts: list[DraftFact]) -> None:
    """Readable, unique ids: `post-rena-bitter`, `statement-cuba-2`."""
    used: Counter = Counter()
    for fact in sorted(facts, key=lambda f: (f.start, f.kind)):
        name = NAMING_FIELD.get(fact.kind)
        value = fact.fields.get(name) if name else None
        base = fact.kind if not value else f"{fact.kind}-{slug(str(value))[:40].strip('-')}"
        used[base] += 1
        fact.id = base if used[base] == 1 else f"{base}-{used[base]}"
