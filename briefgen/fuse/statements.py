"""Statements across documents: ranked by speaker salience, speakers spread out."""

from __future__ import annotations

import hashlib
import heapq
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from briefgen.fuse.developments import Sources
from briefgen.model import (
    Actor,
    Statement,
)


def _statement_rank(st: Statement, salience: dict[str, float], order: int) -> float:
    sal = salience.get(st.speaker.actor_id or "", 0.0)
    return sal + (0.2 if st.direct else 0.0) + (0.3 if st.speaker.actor_id else 0.0) - 0.01 * order


def ranked_statements(
    statements: Iterable[Statement],
    actors: list[Actor],
    sources: Sources,
    keep: Callable[[Statement], object],
) -> array[int]:
    """Statements by the salience of their speaker among the actors shown, direct quotes
    and resolved speakers first, earlier in their document first, a wire copy's repeat
    left out. Read once, in order: each statement kept is handed to ``keep`` (which may
    write it away) and the ranking comes back as positions in the order they were kept.
    Only numbers are held per statement (its score, speaker number and a 64-bit digest of
    its words): the statements of 100,000 documents rank in a few hundred megabytes."""
    salience = {a.id: a.salience for a in actors}
    seen: set[int] = set()
    position: dict[str, int] = defaultdict(int)
    speakers: dict[str, int] = {}
    scores = array("d")
    who = array("l")
    for s in statements:  # a wire copy's quote is the same statement
        key = _same_statement(s)
        if key in seen and sources.original.get(s.doc):
            continue
        seen.add(key)
        voice = s.speaker.actor_id or (s.speaker_name or s.speaker.text).lower()
        who.append(speakers.setdefault(voice, len(speakers)))
        scores.append(_statement_rank(s, salience, position[s.doc]))
        keep(s)
        position[s.doc] += 1
    del seen
    ranked = array("l", sorted(range(len(scores)), key=lambda k: -scores[k]))  # stable
    return _spread_speakers(ranked, scores, who)


def _same_statement(s: Statement) -> int:
    """The speaker and words of a statement, as one 64-bit digest (a statement's key is
    held for every statement of the pile)."""
    text = (s.speaker_name or s.speaker.text).lower() + "\0" + " ".join(s.content.text.split())
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


#: How much a speaker's rank drops with each of their statements already listed.
SPEAKER_REPEAT_PENALTY = 0.35


def _spread_speakers(ranked: Sequence[int], scores: array[float], who: array[int]) -> array[int]:
    """``ranked`` (positions, best first, with their ``scores`` and speakers ``who``)
    reordered so that one voice does not fill the section: each statement's score drops
    by ``SPEAKER_REPEAT_PENALTY`` for every statement of the same speaker already taken
    (greedy, one heap entry per speaker; ties to the earlier in ``ranked``). Arrays of
    positions throughout: a pile's statements may be millions."""
    rank_of = array("l", bytes(8 * len(scores)))  # position → its index in ranked
    queues: dict[int, array[int]] = {}
    for i, k in enumerate(ranked):
        rank_of[k] = i
        queue = queues.get(who[k])
        if queue is None:
            queue = queues[who[k]] = array("l")
        queue.append(k)
    heap = [(-scores[q[0]], rank_of[q[0]], speaker, 0) for speaker, q in queues.items()]
    heapq.heapify(heap)
    out = array("l")
    while heap:
        _, _, speaker, taken = heapq.heappop(heap)
        queue = queues[speaker]
        out.append(queue[taken])
        if taken + 1 < len(queue):
            k = queue[taken + 1]
            score = -(scores[k] - SPEAKER_REPEAT_PENALTY * (taken + 1))
            heapq.heappush(heap, (score, rank_of[k], speaker, taken + 1))
    return out
