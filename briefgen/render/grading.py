"""Admiralty (NATO) grading of sources, for the Sources table.

The configuration may grade publishers (``sources_grading: {Reuters: B}``);
fusion then gives each document a ``grading``. This module only reads it:
a letter (source reliability A–F), optionally followed by a digit (information
credibility 1–6) — ``"B"``, ``"B2"`` — or a mapping ``{reliability, credibility}``.
Documents without a grading, or briefs from before the key existed, give None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from briefgen.model import ADMIRALTY_RELIABILITY

RELIABILITY = ADMIRALTY_RELIABILITY
CREDIBILITY = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}
_CODE = re.compile(r"^\s*([A-Fa-f])\s*([1-6])?\s*$")


@dataclass(frozen=True)
class Grading:
    """One document's grade: ``code`` ("B2"), its parts and their meaning in words."""

    code: str
    reliability: str | None = None
    credibility: str | None = None

    @property
    def description(self) -> str:
        words = []
        if self.reliability:
            words.append(f"source {RELIABILITY[self.reliability]}")
        if self.credibility:
            words.append(f"information {CREDIBILITY[self.credibility]}")
        return "; ".join(words)

    def __str__(self) -> str:
        return self.code


def _raw(value: Any) -> Any:
    """The grading held by a document (attribute or extra key), or ``value`` itself."""
    if isinstance(value, (str, dict)) or value is None:
        return value
    grading = getattr(value, "grading", None)
    if grading is None:
        extra = getattr(value, "model_extra", None) or {}
        grading = extra.get("grading")
    return grading


def admiralty(value: Any) -> Grading | None:
    """A :class:`Grading` from a document, a code ("B", "B2") or a mapping; None if absent."""
    raw = _raw(value)
    if raw is None or raw == "":
        return None
    if isinstance(raw, dict):
        letter = str(raw.get("reliability") or raw.get("source") or "").strip().upper()
        digit = str(raw.get("credibility") or raw.get("information") or "").strip()
        raw = letter + digit
    match = _CODE.match(str(raw))
    if not match:
        text = " ".join(str(raw).split())[:20]
        return Grading(code=text) if text else None
    letter, digit = match.group(1).upper(), match.group(2)
    return Grading(code=letter + (digit or ""), reliability=letter, credibility=digit)
