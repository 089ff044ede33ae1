"""A draft as YAML, written the way a person writes a fact sheet (docs/fact-sheets.md).

Metadata first, then the facts in the article's order under a comment naming the
paragraph; each fact with the rule that drafted it. Facts the drafter is unsure of,
or that name an entry still to be added to the registry, are commented out.
"""

from __future__ import annotations

import json
import re

from cubakg.draft.model import Draft, DraftFact, quote_for

METADATA_KINDS = ("headline", "dateline", "publisher", "author", "section", "related-link", "video", "cites")
_PLAIN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and _PLAIN.match(value) and not re.fullmatch(r"[\d_]+|true|false|null|yes|no|on|off", value):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def flow(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    return scalar(value)


def order(draft: Draft) -> list[DraftFact]:
    def rank(fact: DraftFact):
        meta = fact.kind in METADATA_KINDS and fact.kind != "cites"
        return (0 if meta else 1, METADATA_KINDS.index(fact.kind) if meta else 0, fact.start, fact.kind)

    return sorted(draft.facts, key=rank)


def render_fact(fact: DraftFact, text: str) -> list[str]:
    from cubakg.facts import KINDS

    lines = [f"- id: {fact.id}", f"  kind: {fact.kind}"]
    common = ["summary", "reported_by"]
    # The kind's own fields in the order the model (and docs/fact-sheets.md) gives, then the common ones.
    declared = [n for n in KINDS[fact.kind].model_fields if n not in common] + common
    for name in sorted(fact.fields, key=lambda n: declared.index(n) if n in declared else len(declared)):
        value = fact.fields[name]
        if value is None or value == []:
            continue
        lines.append(f"  {name}: {flow(value)}")
    lines.append("  evidence:")
    seen = set()
    for start, end in fact.spans:
        if (start, end) not in seen:
            seen.add((start, end))
            lines.append(f"    - {flow(quote_for(text, start, end))}")
    return lines


def render_sheet(draft: Draft, source_name: str) -> str:
    out = [
        f"# Fact sheet DRAFTED by `cubakg draft` from {source_name}: review every fact before",
        "# removing `draft: true`. Commented-out facts are suggestions the drafter is unsure of",
        "# or that need a registry entry first; `cubakg coverage` lists what no fact covers yet.",
    ]
    out += [f"# {line}" for note in draft.notes for line in _wrap(note)]
    if draft.proposals:
        out.append("#")
        out.append(f"# {len(draft.proposals)} registry proposal(s), printed beside this sheet; once")
        out.append("# pasted into seeds/registry.yaml, draft again: the facts naming them become facts.")
    out += ["", "article:"]
    for name, value in draft.header.items():
        out.append(f"  {name}: {flow(value)}")
    out.append("facts:")
    paragraph = None
    for fact in order(draft):
        if fact.kind not in METADATA_KINDS:
            number = _paragraph(draft, fact)
            if number != paragraph:
                paragraph = number
                first = draft.text[fact.start:fact.start + 60].split("\n")[0]
                out.append(f"  # --- ¶{number}: {first} …".rstrip())
        elif paragraph is None and fact is order(draft)[0]:
            out.append("  # --- article metadata")
        comments = [f"# {fact.why}"] if fact.why else []
        if fact.needs:
            comments.append(f"# needs the proposed registry entr{'y' if len(fact.needs) == 1 else 'ies'}: {', '.join(sorted(fact.needs))}")
        if fact.unsure:
            comments.append(f"# unsure: {fact.unsure}")
        body = render_fact(fact, draft.text)
        if not fact.active:
            body = ["# " + line for line in body]
        out += ["  " + line for line in comments + body]
    return "\n".join(out) + "\n"


def _paragraph(draft: Draft, fact: DraftFact) -> int:
    return draft.text.count("\n\n", 0, fact.start) + 1


def render_proposals(draft: Draft) -> str:
    """The proposed registry entries, indented to paste under `entities:` in seeds/registry.yaml."""
    out = []
    for proposal in draft.proposals:
        out.append(f"  # proposed for article {draft.article_id}: {proposal.why}")
        out.append(f"  {proposal.key}:")
        for name, value in proposal.entry.items():
            out.append(f"    {name}: {flow(value)}")
        if proposal.entry["type"] == "post" and "post_in" not in proposal.entry:
            out.append("    # post_in: KEY   <- required: the organisation the post is in")
    return "\n".join(out) + ("\n" if out else "")


def _wrap(note: str, width: int = 86) -> list[str]:
    import textwrap

    return textwrap.wrap(note, width) or [""]
