"""Risks and open questions across documents: the same one reported twice is merged."""

from __future__ import annotations

import math
from collections.abc import Sequence

from briefgen.fuse.simindex import SetIndex, jaccard, words
from briefgen.fuse.sources import dedupe_evidence
from briefgen.model import (
    OpenQuestion,
    Risk,
)


def merge_risks(risks: Sequence[Risk]) -> list[Risk]:
    out: list[Risk] = []
    sigs: list[set[str]] = []
    docs: list[set[str]] = []
    index = SetIndex()
    for r in risks:
        sig = words(r.summary)
        match = next(
            (
                i
                for i in index.candidates(sig)
                if out[i].category == r.category and jaccard(sig, sigs[i]) >= 0.5
            ),
            None,
        )
        if match is None:
            out.append(r.model_copy(update={"evidence": list(r.evidence)}))
            sigs.append(sig)
            docs.append({ev.doc for ev in r.evidence})
            index.add(sig)
        else:
            out[match].evidence = dedupe_evidence(out[match].evidence + r.evidence)
            docs[match] |= {ev.doc for ev in r.evidence}
    order = {
        id(r): r.score + 0.3 * math.log(max(1, len(d))) for r, d in zip(out, docs, strict=True)
    }
    out.sort(key=lambda r: -order[id(r)])
    return out


class QuestionMerge:
    """Open questions merged as they come (one at a time): the
    same question asked in several documents is one, citing them all."""

    def __init__(self) -> None:
        self._out: list[OpenQuestion] = []
        self._sigs: list[set[str]] = []
        self._index = SetIndex()

    def add(self, q: OpenQuestion) -> None:
        sig = words(q.question)
        sigs = self._sigs
        match = next((i for i in self._index.candidates(sig) if jaccard(sig, sigs[i]) >= 0.6), None)
        if match is None:
            self._out.append(q.model_copy(update={"evidence": list(q.evidence)}))
            sigs.append(sig)
            self._index.add(sig)
        else:
            self._out[match].evidence = dedupe_evidence(self._out[match].evidence + q.evidence)

    def result(self) -> list[OpenQuestion]:
        """The questions, most important first."""
        out = sorted(self._out, key=lambda q: -q.score)
        self._out, self._sigs, self._index = [], [], SetIndex()
        return out
