"""Near-linear grouping of short texts by word overlap (Jaccard similarity).

Fusion compares every development, risk, question and timeline entry of a
corpus with the groups formed so far; comparing with all of them is quadratic
(tens of millions of comparisons at 800 articles). :class:`SetIndex` keeps an
inverted index from word to group and compares an item only with the groups
that share at least one *selective* word with it — a word held by more than
``max_postings`` groups (such as "trump" in a US election corpus) cannot make
two texts similar on its own and is not used to find candidates, though it still
counts in the similarity itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

STOP = frozenset(
    """a an the of to in on at by for with and or but from that this these those
is are was were be been being has have had will would could may might its it their his her
as into about over after before than then also said says""".split()
)

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> set[str]:
    """Content words of a text: lower-cased, no stop words, longer than two letters."""
    return {w for w in _WORD.findall(text.lower()) if w not in STOP and len(w) > 2}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class SetIndex:
    """Groups of word sets, found again by the words they share.

    ``add(sig)`` starts a group; ``extend(group, sig)`` adds words to a group's
    index; ``candidates(sig)`` yields the groups sharing a selective word with ``sig``
    (each once, in the order the groups were made).
    """

    def __init__(self, max_postings: int = 300) -> None:
        self.max_postings = max_postings
        self.postings: dict[str, set[int]] = defaultdict(set)
        self.size = 0

    def add(self, sig: Iterable[str]) -> int:
        group = self.size
        self.size += 1
        self.extend(group, sig)
        return group

    def extend(self, group: int, sig: Iterable[str]) -> None:
        for word in sig:
            self.postings[word].add(group)

    def candidates(self, sig: Iterable[str]) -> list[int]:
        found: set[int] = set()
        for word in sig:
            posting = self.postings.get(word)
            if posting and len(posting) <= self.max_postings:
                found |= posting
        return sorted(found)
