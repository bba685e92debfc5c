"""The bottom line up front: one to three sentences from the top developments and risks."""

from __future__ import annotations

import re
from datetime import date

from briefgen.model import (
    LIKELIHOOD_SCALE,
    BlufItem,
    KeyDevelopment,
    OpenQuestion,
    Risk,
    Story,
)

# --- the bottom line ----------------------------------------------------------------------


def _sentence(text: str) -> str:
    text = " ".join(text.split()).rstrip(" .;,")
    return text[:1].upper() + text[1:] + "."


#: Words that carry a likelihood themselves: a clause holding one needs no "It is … that".
LIKELIHOOD_WORDS = frozenset(
    {"likely", "unlikely", "probably", "almost certainly", "certainly", "very likely"}
)


def _likelihood_phrase(likelihood: str) -> str:
    if likelihood in ("roughly even chance", "almost no chance"):
        return f"There is {'a ' if likelihood.startswith('roughly') else ''}{likelihood} that"
    return f"It is {likelihood} that"


def span_text(first: str | None, last: str | None) -> str:
    """A reporting span in words: "25–28 October 2016", "30 October – 2 November 2016",
    "25 October 2016"; "" when undated."""
    if not first:
        return ""
    a = date.fromisoformat(first)
    b = date.fromisoformat(last) if last else a
    if a == b:
        return f"{a.day} {a:%B %Y}"
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {b:%B %Y}"
    if a.year == b.year:
        return f"{a.day} {a:%B} – {b.day} {b:%B %Y}"
    return f"{a.day} {a:%B %Y} – {b.day} {b:%B %Y}"


def coverage_text(story: Story) -> str:
    """How a story is covered: "reported by 12 documents from 6 outlets, 25–28 October
    2016" (independent documents; outlets when the publishers are known)."""
    n = story.corroboration
    text = f"reported by {n} document{'s' if n != 1 else ''}"
    if story.outlets:
        k = len(story.outlets)
        text += f" from {k} outlet{'s' if k != 1 else ''}"
    when = span_text(story.first_reported, story.last_reported)
    return f"{text}, {when}" if when else text


def story_judgments(
    devs: list[KeyDevelopment], stories: list[Story], limit: int = 3
) -> list[BlufItem]:
    """One key judgment per top story: its lead development, its coverage and an ICD 203
    confidence level (from corroboration and grading, :mod:`.developments`)."""
    by_id = {d.id: d for d in devs}
    items: list[BlufItem] = []
    for story in stories:
        lead = next((by_id[i] for i in story.developments if i in by_id), None)
        if lead is None:
            continue
        text = lead.summary.rstrip(" .")
        text += f" ({coverage_text(story)}; {lead.confidence} confidence)"
        items.append(BlufItem(text=_sentence(text), refs=[lead.id], evidence=lead.evidence[:2]))
        if len(items) >= limit:
            break
    return items


def write_bluf(
    devs: list[KeyDevelopment],
    risks: list[Risk],
    questions: list[OpenQuestion],
    stories: list[Story] | None = None,
) -> list[BlufItem]:
    """1–3 sentences. A pile of several stories: one key judgment per top story
    (:func:`story_judgments`). Otherwise: the main event with its sourcing, the top
    risk, the key unknown."""
    if stories and sum(1 for s in stories if s.developments) >= 2:
        return story_judgments(devs, stories)
    items: list[BlufItem] = []
    if devs:
        d = devs[0]
        text = d.summary.rstrip(" .")
        if d.sourcing:
            text += f" — {d.sourcing}"
        if d.corroboration > 1:
            text += f"; corroborated by {d.corroboration} sources"
        items.append(BlufItem(text=_sentence(text), refs=[d.id], evidence=d.evidence[:2]))
    if risks:
        r = risks[0]
        clause = (r.clause or r.summary).rstrip(" .")
        # ``clause`` is already cased to follow other words ("the deal would …", "Russia
        # plans …"): it is capitalised only when it opens the sentence.
        if r.likelihood is None:  # the source's "could"/"may" kept, no likelihood invented
            text = f"{clause} (likelihood not stated, {r.category})"
        else:
            low, high = LIKELIHOOD_SCALE[r.likelihood]
            said = re.search(rf"\b{re.escape(r.basis)}\b", clause, re.I) if r.basis else None
            if said is not None and r.basis.lower() in LIKELIHOOD_WORDS:  # "are likely to …"
                text = f"{clause} ({low}–{high}%, {r.category})"
            else:
                text = f"{_likelihood_phrase(r.likelihood)} {clause} ({low}–{high}%, {r.category})"
        if r.attributed_to:  # the source's holder's view, not the brief's
            if text.startswith(("It is ", "There is ")):
                text = text[:1].lower() + text[1:]
            text = f"According to {r.attributed_to}, {text}"
        text = text[:1].upper() + text[1:]
        items.append(BlufItem(text=_sentence(text), refs=[r.id], evidence=r.evidence[:1]))
    if questions:
        q = questions[0]
        items.append(
            BlufItem(text=f"Key unknown: {q.question}", refs=[q.id], evidence=q.evidence[:1])
        )
    elif len(devs) > 1:
        d = devs[1]
        items.append(BlufItem(text=_sentence(d.summary), refs=[d.id], evidence=d.evidence[:1]))
    return items[:3]
