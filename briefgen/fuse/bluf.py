"""The bottom line up front: one to three sentences from the top developments and risks."""

from __future__ import annotations

import re

from briefgen.model import (
    LIKELIHOOD_SCALE,
    BlufItem,
    KeyDevelopment,
    OpenQuestion,
    Risk,
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


def write_bluf(
    devs: list[KeyDevelopment], risks: list[Risk], questions: list[OpenQuestion]
) -> list[BlufItem]:
    """1–3 sentences: the main event with its sourcing, the top risk, the key unknown."""
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
