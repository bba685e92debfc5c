"""Statements across documents: ranked by speaker salience, speakers spread out."""

from __future__ import annotations

import hashlib
import heapq
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar

from briefgen.fuse.developments import Sources
from briefgen.model import (
    Actor,
    Statement,
)

_H = TypeVar("_H")


def _statement_rank(st: Statement, salience: dict[str, float], order: int) -> float:
    sal = salience.get(st.speaker.actor_id or "", 0.0)
    return sal + (0.2 if st.direct else 0.0) + (0.3 if st.speaker.actor_id else 0.0) - 0.01 * order


def rank_statements(
    statements: list[Statement], actors: list[Actor], sources: Sources
) -> list[Statement]:
    """Statements by the salience of their speaker among the actors shown, direct quotes
    and resolved speakers first, earlier in their document first; a wire copy's repeat
    of a statement is left out."""
    return ranked_statements(statements, actors, sources, lambda s: s)


def ranked_statements(
    statements: Iterable[Statement],
    actors: list[Actor],
    sources: Sources,
    hold: Callable[[Statement], _H],
) -> list[_H]:
    """:func:`rank_statements` of statements read once, in order: each kept one is
    handed to ``hold`` (which may write it away and return a handle) and only its rank
    key and speaker are kept beside the handle; the handles come back ranked."""
    salience = {a.id: a.salience for a in actors}
    seen: set[int] = set()
    position: dict[str, int] = defaultdict(int)
    keyed: list[tuple[float, int, str, _H]] = []
    for s in statements:  # a wire copy's quote is the same statement
        key = _same_statement(s)
        if key in seen and sources.original.get(s.doc):
            continue
        seen.add(key)
        who = sys.intern(s.speaker.actor_id or (s.speaker_name or s.speaker.text).lower())
        rank = -_statement_rank(s, salience, position[s.doc])
        keyed.append((rank, len(keyed), who, hold(s)))
        position[s.doc] += 1
    keyed.sort(key=lambda k: (k[0], k[1]))
    return _spread_speakers([(-score, who, h) for score, _, who, h in keyed])


def _same_statement(s: Statement) -> int:
    """The speaker and words of a statement, as one 64-bit digest (a statement's key is
    held for every statement of the pile)."""
    text = (s.speaker_name or s.speaker.text).lower() + "\0" + " ".join(s.content.text.split())
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


#: How much a speaker's rank drops with each of their statements already listed.
SPEAKER_REPEAT_PENALTY = 0.35


def _spread_speakers(ranked: list[tuple[float, str, _H]]) -> list[_H]:
    """``ranked`` (score, speaker, statement), best first, reordered so that one voice
    does not fill the section: each statement's score drops by ``SPEAKER_REPEAT_PENALTY``
    for every statement of the same speaker already taken (greedy, one heap entry per
    speaker)."""
    queues: dict[str, list[tuple[float, int, _H]]] = defaultdict(list)
    for i, (score, who, st) in enumerate(ranked):
        queues[who].append((score, i, st))
    heap = [(-q[0][0], q[0][1], who, 0) for who, q in queues.items()]
    heapq.heapify(heap)
    out: list[_H] = []
    while heap:
        _, _, who, taken = heapq.heappop(heap)
        queue = queues[who]
        out.append(queue[taken][2])
        if taken + 1 < len(queue):
            score, i, _ = queue[taken + 1]
            heapq.heappush(
                heap, (-(score - SPEAKER_REPEAT_PENALTY * (taken + 1)), i, who, taken + 1)
            )
    return out
