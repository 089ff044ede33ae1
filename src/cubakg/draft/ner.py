"""Candidates from an optional statistical model: names the rules did not propose.

The default needs no model. Given one (an installed model such as en_core_web_sm, or
the path of a saved pipeline), its named entities that are neither registry mentions nor already
proposed are added as registry proposals, marked as the model's candidates. They
never become facts by themselves: once pasted into the registry, the next draft
places them in facts like any other entry.
"""

from __future__ import annotations

from cubakg.draft.context import Context, slug
from cubakg.errors import UsageError

# spaCy's entity labels → registry types.
TYPES = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place"}


def load(name: str):
    import spacy

    try:
        return spacy.load(name)
    except (OSError, IOError, ValueError) as error:
        raise UsageError(f"cannot load the spaCy model {name!r}: {str(error).splitlines()[0][:200]}",
                         hint="install the model's package with pip, or give the path of a saved pipeline; "
                              "drafting works without a model") from None


def add_candidates(ctx: Context, model) -> None:
    doc = model(ctx.text)
    taken = [(m.start, m.end) for m in ctx.mentions] + [p.span for p in ctx.proposals.values()]
    for entity in doc.ents:
        kind = TYPES.get(entity.label_)
        if not kind or any(s < entity.end_char and entity.start_char < e for s, e in taken):
            continue
        name = entity.text.strip()
        if len(name) < 3 or not any(c.isupper() for c in name):
            continue
        entry = {"type": kind, "label": name, "aliases": [name]}
        if kind == "place":
            entry["subtype"] = "city"
        ctx.propose(slug(name), entry, (entity.start_char, entity.end_char),
                    f"a {entity.label_} the statistical model found (a candidate: check it)")
        taken.append((entity.start_char, entity.end_char))
