"""The typed form of the inputs: fact sheets and the entity registry.

These models are the contract between the people who write `seeds/*.yaml` and the
builder. `docs/fact-sheets.md` explains each field with examples; the reader
(`cubakg.read`) turns YAML into these objects and reports errors as `file:line`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from cubakg.facts import Fact
from cubakg.facts.base import Key, Strict

# An article id: a lowercase slug, which becomes part of IRIs and file names (docs/fact-sheets.md).
ArticleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=100)]


class Source(Strict):
    """Where the article came from: metadata, not what the text says (kept apart in the graph)."""

    url: Annotated[str, Field(pattern=r"^https?://[^\x00-\x20<>\"{}|\\^`]+$", description="an absolute http(s) URL")] | None = None
    outlet: Key | None = None
    published: dt.date | None = None
    retrieved: dt.date | None = None


class ArticleHeader(Strict):
    id: ArticleId
    language: str = "en"
    # A draft sheet (e.g. written by `cubakg draft`) builds with warnings where a reviewed one fails.
    draft: bool = False
    source: Source | None = None


class FactSheet(Strict):
    article: ArticleHeader
    facts: Annotated[list[Fact], Field(min_length=1)]


# --- registry ----------------------------------------------------------------

EntityType = Literal[
    "person", "group", "organization", "country", "place", "post", "event", "policy", "outlet",
]


class Entity(Strict):
    type: EntityType
    label: str
    # Other names it goes by, each a skos:altLabel ("De Cossio", "U.S.").
    aliases: list[str] = []
    # Other words the articles use for it that are not names ("The official", "took office"):
    # `cubakg draft` looks for them, but the graph does not carry them as labels.
    cues: list[str] = []
    # Subtype within the type, e.g. "government-agency" for organizations, "talks-round" for events.
    subtype: str | None = None
    # For posts: the organization the post is in.
    post_in: Key | None = None
    description: str | None = None
    wikidata: Annotated[str, Field(pattern=r"^Q[0-9]+$")] | None = None

    @property
    def forms(self) -> list[str]:
        """The words `cubakg draft` looks for besides the label: the aliases, then the cues."""
        return [*self.aliases, *self.cues]


class Concept(Strict):
    label: str
    definition: str
    broader: Key | None = None
    aliases: list[str] = []  # as for Entity
    cues: list[str] = []  # as for Entity

    forms = Entity.forms  # the same property: aliases, then cues


class ConceptScheme(Strict):
    label: str
    definition: str
    concepts: dict[Key, Concept]


class Registry(Strict):
    entities: dict[Key, Entity]
    schemes: dict[Key, ConceptScheme]
