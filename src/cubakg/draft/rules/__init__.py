"""The drafting rules, one module per family of facts, run in this order.

Each rule reads the `Context` (article, mentions, what earlier rules drafted) and
adds facts, proposals and notes. Rules are written for news copy in general:
headlines and bylines, datelines, "TITLE Name", "X led the delegation", "said",
"according to", figures with their unit noun.
"""

from cubakg.draft.rules import dates, entities, figures, leftovers, metadata, migration, people, speech, talks

RULES = (entities.propose_names, metadata.draft, people.draft, talks.draft, figures.draft, speech.draft, migration.draft, entities.draft,
         leftovers.draft, dates.draft)
