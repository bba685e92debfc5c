"""Statements across documents: ranked by speaker salience, speakers spread out."""

from __future__ import annotations

import heapq
from collections import defaultdict

from briefgen.fuse.developments import Sources
from briefgen.model import (
    Actor,
    Statement,
)


def _statement_rank(st: Statement, salience: dict[str, float], order: int) -> float:
    sal = salience.get(st.speaker.actor_id or "", 0.0)
    return sal + (0.2 if st.direct else 0.0) + (0.3 if st.speaker.actor_id else 0.0) - 0.01 * order


def rank_statements(
    statements: list[Statement], actors: list[Actor], sources: Sources
) -> list[Statement]:
    """Statements by the salience of their speaker among the actors shown, direct quotes
    and resolved speakers first, earlier in their document first; a wire copy's repeat
    of a statement is left out."""
    salience = {a.id: a.salience for a in actors}
    seen: set[tuple[str, str]] = set()
    unique: list[Statement] = []
    for s in statements:  # a wire copy's quote is the same statement
        key = ((s.speaker_name or s.speaker.text).lower(), " ".join(s.content.text.split()))
        if key in seen and sources.original.get(s.doc):
            continue
        seen.add(key)
        unique.append(s)
    position: dict[str, int] = defaultdict(int)
    keyed: list[tuple[float, int, Statement]] = []
    for i, s in enumerate(unique):
        keyed.append((-_statement_rank(s, salience, position[s.doc]), i, s))
        position[s.doc] += 1
    keyed.sort(key=lambda k: (k[0], k[1]))
    return _spread_speakers([(-score, s) for score, _, s in keyed])


#: How much a speaker's rank drops with each of their statements already listed.
SPEAKER_REPEAT_PENALTY = 0.35


def _spread_speakers(ranked: list[tuple[float, Statement]]) -> list[Statement]:
    """``ranked`` (score, statement), best first, reordered so that one voice does not
    fill the section: each statement's score drops by ``SPEAKER_REPEAT_PENALTY`` for every
    statement of the same speaker already taken (greedy, one heap entry per speaker)."""
    queues: dict[str, list[tuple[float, int, Statement]]] = defaultdict(list)
    for i, (score, st) in enumerate(ranked):
        who = st.speaker.actor_id or (st.speaker_name or st.speaker.text).lower()
        queues[who].append((score, i, st))
    heap = [(-q[0][0], q[0][1], who, 0) for who, q in queues.items()]
    heapq.heapify(heap)
    out: list[Statement] = []
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
