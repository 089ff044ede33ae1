"""Posts: "TITLE Name", "the TITLE, Name", "Name, the TITLE", "Country's TITLE Name".

A title maps to a registry post through the post's aliases; a title the registry
lacks, and a person it lacks, become proposals (printed, never added). A bare
one-word title ("President") names a registry post only for a person the
registry knows, since "President" alone says nothing of which country.
"""

from __future__ import annotations

import re

from cubakg.draft.context import Context, slug
from cubakg.draft.lexicon import Mention
from cubakg.draft.model import DraftFact

TITLE_HEADS = {
    "president", "secretary", "minister", "director", "ambassador", "spokesperson", "spokesman",
    "spokeswoman", "chief", "senator", "representative", "governor", "mayor", "commissioner",
    "administrator", "undersecretary", "envoy", "coordinator", "chairman", "chairwoman", "chair",
    "premier", "consul", "adviser", "advisor", "chargé", "attorney", "counselor", "head", "leader",
    "admiral", "adm.", "general", "gen.", "commander", "captain", "capt.", "colonel", "col.", "sen.", "rep.",
    "gov.", "commandant", "superintendent",
}
TITLE_WORDS = TITLE_HEADS | {
    "vice", "deputy", "assistant", "acting", "foreign", "general", "former", "prime", "principal",
    "senior", "special", "under", "state", "homeland", "security", "affairs", "national", "interior",
    "rear", "lt.", "lieutenant", "major", "brig.", "brigadier",
}
# Words that make a title another post than the one it ends with.
RANK_MODIFIERS = {"deputy", "assistant", "vice", "under", "associate", "principal", "acting", "former", "adjunct"}
PARTICLES = {"de", "del", "la", "da", "dos", "van", "von", "bin", "al", "di", "le"}
# Capitalised words that begin no person's name in news copy.
NOT_NAMES = {
    "The", "A", "An", "This", "That", "These", "Those", "But", "And", "Or", "If", "When", "While", "As",
    "In", "On", "At", "For", "From", "With", "After", "Before", "Since", "During", "Amid", "Even",
    "However", "Meanwhile", "Mr", "Mrs", "Ms", "Dr", "READ", "MORE", "WATCH", "U.S.", "US", "He", "She", "They", "It",
}
ORG_WORDS = {
    "department", "ministry", "agency", "service", "services", "bureau", "office", "commission", "embassy",
    "government", "administration", "council", "security", "protection", "affairs", "patrol", "guard",
    "house", "senate", "congress", "party", "post", "news", "press", "times", "court", "union", "nations",
}


def draft(ctx: Context) -> None:
    doc = ctx.article.doc
    people = [m for m in ctx.lexicon.nested(doc, "person") if not m.weak] + _unknown_people(ctx, doc)
    for person in sorted(people, key=lambda m: m.start):
        for title_span, country in [*_title_inside(ctx, person), *_titles_around(ctx, doc, person)]:
            _post_fact(ctx, person, title_span, country)
    _mention_proposed_people(ctx, doc)


def _mention_proposed_people(ctx: Context, doc) -> None:
    """Make the proposed people mentions, under their full name and their surname alone,
    so that later rules (speakers, participants) name them."""
    added = []
    for proposal in ctx.proposals.values():
        if proposal.entry["type"] != "person":
            continue
        name = proposal.entry["label"]
        surname = name.split()[-1]
        for form in (name, surname):
            for match in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", ctx.text):
                if any(m.start <= match.start() < m.end for m in ctx.mentions + added):
                    continue
                span = doc.char_span(match.start(), match.end())
                if span is None:
                    continue
                added.append(Mention(match.start(), match.end(), proposal.key, "person", None, form, span.start, span.end, False))
                if form == surname and surname not in proposal.entry["aliases"]:
                    proposal.entry["aliases"].append(surname)
    ctx.mentions = sorted(ctx.mentions + added, key=lambda m: m.start)


def _title_inside(ctx: Context, person: Mention):
    """A person's alias holding a post's alias: "President Joe Biden", "a state department spokesperson"."""
    for key, entity in sorted(ctx.registry.entities.items()):
        if entity.type == "post":
            for alias in sorted(entity.forms, key=len, reverse=True):
                found = re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", person.text)
                if found and found.group() != person.text:
                    yield (person.start + found.start(), person.start + found.end(), key), None
                    return


def _unknown_people(ctx: Context, doc) -> list[Mention]:
    """Name-like runs of capitalised words the registry does not know, next to a title."""
    found = []
    i = 0
    while i < len(doc):
        token = doc[i]
        if token._.ckg_key or not _name_word(token) or token.text in NOT_NAMES:
            i += 1
            continue
        j = i
        while j + 1 < len(doc) and not doc[j + 1]._.ckg_key and (
            _name_word(doc[j + 1]) or (doc[j + 1].lower_ in PARTICLES and j + 2 < len(doc) and _name_word(doc[j + 2]))
        ) and not doc[j].whitespace_ == "":
            j += 1
        run = doc[i:j + 1]
        # "Department of Homeland Security Ur Mendoza Jaddou": the name is what follows the last organisation word.
        words = [t for t in run]
        cut = max((k for k, t in enumerate(words) if t.lower_ in ORG_WORDS | TITLE_WORDS), default=-1)
        name = words[cut + 1:]
        if 2 <= len(name) <= 4 and name[0].text not in NOT_NAMES and name[0].lower_ not in PARTICLES:
            span = doc[name[0].i:name[-1].i + 1]
            found.append(Mention(span.start_char, span.end_char, "", "person?", None, span.text, span.start, span.end, False))
        i = j + 1
    return found


def _name_word(token) -> bool:
    return bool(re.fullmatch(r"[A-Z][a-záéíóúñü’'-]+(?:-[A-Z][a-z]+)?", token.text)) and token.text not in NOT_NAMES


def _titles_around(ctx: Context, doc, person: Mention):
    """(start, end) of each title beside the person, and the country the title names."""
    # Before: "... TITLE Name" and "the TITLE, Name".
    i = person.token_start - 1
    comma = i >= 0 and doc[i].text == ","
    if comma:
        i -= 1
    run_end = i
    while i >= 0:
        if _title_token(doc, i):
            i -= 1
        elif i >= 1 and doc[i].lower_ == "the" and doc[i - 1].lower_ in ("at", "of") and i + 1 <= run_end:
            i -= 2  # "Director of … at the Department of Homeland Security Name"
        else:
            break
    if run_end - i >= 1:
        yield from _title_in(ctx, doc, i + 1, run_end + 1, person)
    # After: "Name, the TITLE," / "Name, TITLE of X,".
    j = person.token_end
    if j < len(doc) and doc[j].text == ",":
        k = j + 1
        if k < len(doc) and doc[k].lower_ in ("the", "a", "an"):
            k += 1
        end = k
        while end < len(doc) and _title_token(doc, end):
            end += 1
        if end > k and (end == len(doc) or doc[end].text in (",", ".", ";", "—", "–")):
            yield from _title_in(ctx, doc, k, end, person)


def _title_token(doc, i: int) -> bool:
    token = doc[i]
    if token._.ckg_type == "post":
        return True
    if token._.ckg_type in ("country", "organization"):
        return True
    if token.lower_ in TITLE_WORDS or token.lower_ in ("of", "for", "and", "'s", "’s"):
        return True
    return token.is_title and token.text not in NOT_NAMES and token._.ckg_type not in ("person", "event")


def _title_in(ctx: Context, doc, start: int, end: int, person: Mention):
    tokens = doc[start:end]
    posts = [m for m in ctx.mentions if m.type == "post" and start <= m.token_start and m.token_end <= end]
    country = None
    for m in ctx.mentions:
        if m.type == "country" and start <= m.token_start < end:
            country = m.key
    # "Deputy Assistant Secretary of State" is not the post "Secretary of State".
    if posts and not (posts[-1].token_start > start and doc[posts[-1].token_start - 1].lower_ in RANK_MODIFIERS):
        post = posts[-1]
        yield (post.start, post.end, post.key), country
        return
    # A title the registry lacks: from the first title word to the last, before "at the …".
    words = [t for t in tokens]
    heads = [k for k, t in enumerate(words) if t.lower_ in TITLE_HEADS]
    if not heads:
        return
    first = next(k for k, t in enumerate(words) if t.lower_ in TITLE_WORDS)
    last = len(words) - 1
    while last > first and words[last].lower_ in ("of", "for", "and", "'s", "’s", "at"):
        last -= 1
    if first > heads[-1]:
        return
    yield (words[first].idx, words[last].idx + len(words[last].text), None), country


def _post_fact(ctx: Context, person: Mention, title, country: str | None) -> None:
    start, end, post = title
    title_text = ctx.text[start:end]
    holder = person.key
    unsure = ""
    if not holder:
        holder = ctx.propose(slug(person.text), {"type": "person", "label": person.text, "aliases": [person.text]},
                             (person.start, person.end), f"a person named beside the title {title_text!r}")
    if post and len(title_text.split()) == 1 and person.key == "":
        unsure = f"the bare title {title_text!r} does not say which country's post it is"
    if post is None:
        post = _propose_post(ctx, title_text, (start, end), country)
    span = (min(start, person.start), max(end, person.end))
    if ctx.covered("post", *span):
        return
    ctx.add(DraftFact("post", {"post": post, "holder": holder, "title": title_text}, [span],
                      f"the title {title_text!r} beside {person.text!r}", unsure=unsure))


def _propose_post(ctx: Context, title: str, span: tuple[int, int], country: str | None) -> str:
    entry = {"type": "post", "label": title[0].upper() + title[1:] + (f" of {ctx.label(country)}" if country else ""),
             "aliases": [title]}
    sentence = ctx.sentence_span(span[0])
    before = ctx.text[sentence[0]:span[0]]
    organisations = ctx.mentions_in(span[0], span[1], "organization") or [
        m for m in ctx.mentions_in(sentence[0], span[0], "organization") if not before[m.end - sentence[0]:].strip()]
    if organisations:
        entry["post_in"] = organisations[0].key
    elif country:
        government = _government_of(ctx, country)
        if government:
            entry["post_in"] = government
    key = slug(f"{country or ''} {title}")
    return ctx.propose(key, entry, span, f"the title {title!r}, which no registry post has as an alias"
                       + ("" if "post_in" in entry else "; add `post_in:` (the organisation the post is in)"))


def _government_of(ctx: Context, country: str) -> str | None:
    label = ctx.label(country)
    for key, entity in sorted(ctx.registry.entities.items()):
        if entity.type == "organization" and entity.subtype == "national-government" and entity.label.endswith(label):
            return key
    return None
