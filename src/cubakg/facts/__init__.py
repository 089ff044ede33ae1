"""The kinds of fact a sheet may hold: one module each (see `base` for what a kind declares).

>>> KINDS["participation"].__name__
'Participation'
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from cubakg.facts.announcement import Announcement
from cubakg.facts.author import Author
from cubakg.facts.base import FactBase
from cubakg.facts.cause import Cause
from cubakg.facts.cites import Cites
from cubakg.facts.claim import Claim
from cubakg.facts.dateline import Dateline
from cubakg.facts.event import Event
from cubakg.facts.headline import Headline
from cubakg.facts.observation import Observation
from cubakg.facts.organization import Organization
from cubakg.facts.outcome import Outcome
from cubakg.facts.participation import Participation
from cubakg.facts.policy_change import PolicyChange
from cubakg.facts.post import PostHolding
from cubakg.facts.publisher import Publisher
from cubakg.facts.purpose import Purpose
from cubakg.facts.related_link import RelatedLink
from cubakg.facts.relation import Relation
from cubakg.facts.route import Route
from cubakg.facts.section import Section
from cubakg.facts.statement import Statement
from cubakg.facts.trend import Trend
from cubakg.facts.video import Video

# In the order docs/fact-sheets.md lists them.
KIND_CLASSES: tuple[type[FactBase], ...] = (
    Headline, Publisher, Author, Dateline, Section, RelatedLink, Video, Cites,
    Event, Participation, PostHolding, Organization, Relation, Observation,
    Trend, Statement, PolicyChange, Announcement, Route, Cause, Purpose, Outcome, Claim,
)
KINDS: dict[str, type[FactBase]] = {cls.model_fields["kind"].annotation.__args__[0]: cls for cls in KIND_CLASSES}

Fact = Annotated[Union[KIND_CLASSES], Field(discriminator="kind")]  # type: ignore[valid-type]

__all__ = ["KINDS", "KIND_CLASSES", "Fact", "FactBase"]
