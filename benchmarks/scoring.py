"""Scoring functions of the extraction benchmark (pure: no spaCy, no corpus, no I/O).

The conventions are those of the development corpus README (``shared/corpus/README.md``):

* text is compared as **lower-cased word tokens**: maximal runs of Unicode letters and
  digits (``[^\\W_]+``); punctuation, quotation marks and whitespace are dropped, so
  ``"O’Malley’s"`` → ``o malley s``;
* **token F1** is the SQuAD-style bag-of-tokens F1 (multiset overlap); two empty texts
  score 1.0, one empty text scores 0.0;
* 5W: the best F1 against the gold phrases agreed by at least 2 coders;
* key developments: a selected sentence is a hit when its normalised text equals a
  normalised sentence of the human summary;
* statements: one-to-one greedy matching of predicted to gold contents by descending
  token F1, pairs below 0.5 never match.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_WORD = re.compile(r"[^\W_]+")

#: The agreement a 5W gold phrase needs (``coderPhraseCount``, out of 3 coders).
MIN_CODERS = 2
#: The content (and speaker) F1 from which a statement matches a gold attribution.
MATCH_THRESHOLD = 0.5


# --------------------------------------------------------------------------- tokens, F1


def tokens(text: str | None) -> list[str]:
    """Lower-cased word tokens of ``text`` (letters and digits only)."""
    return _WORD.findall((text or "").lower())


def normalise(text: str | None) -> str:
    """The text as its word tokens joined by single spaces (for exact comparison)."""
    return " ".join(tokens(text))


def token_f1(pred: str | None, gold: str | None) -> float:
    """Bag-of-tokens F1 of two texts (1.0 when both are empty, 0.0 when one is)."""
    p, g = tokens(pred), tokens(gold)
    if not p and not g:
        return 1.0
    if not p or not g:
        return 0.0
    common = sum((Counter(p) & Counter(g)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def best_match(pred: str | None, golds: Sequence[str]) -> tuple[float, str | None]:
    """The best token F1 of ``pred`` against any of ``golds``, and that gold phrase.

    ``(0.0, None)`` when there is no gold phrase at all.
    """
    best, best_gold = 0.0, None
    for gold in golds:
        f1 = token_f1(pred, gold)
        if best_gold is None or f1 > best:
            best, best_gold = f1, gold
    return best, best_gold


def mean(values: Iterable[float]) -> float | None:
    """The arithmetic mean, or ``None`` for no values."""
    vals = list(values)
    return sum(vals) / len(vals) if vals else None


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (0.0 where a denominator is 0)."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# --------------------------------------------------------------------------- 5W1H


FIVE_W = ("who", "what", "when", "where")


def gold_phrases(
    five_w_one_h: Mapping[str, Any], w: str, min_coders: int = MIN_CODERS
) -> list[str]:
    """The gold phrases of one W agreed by at least ``min_coders`` coders (Giveme5W1H JSON).

    ``five_w_one_h`` is the ``fiveWoneH`` object; phrases with no ``text`` (some
    annotations record only a count) or only whitespace are ignored; duplicates are
    kept once, in order.
    """
    entry = five_w_one_h.get(w) or {}
    out: list[str] = []
    for ann in entry.get("annotated") or []:
        text = (ann.get("text") or "").strip()
        if text and int(ann.get("coderPhraseCount") or 0) >= min_coders and text not in out:
            out.append(text)
    return out


def score_5w(
    pred: Mapping[str, str], golds: Mapping[str, Sequence[str]]
) -> dict[str, tuple[float, str | None]]:
    """Best-match F1 (and the gold phrase it matched) per W that has gold phrases.

    A W with no gold phrase agreed by 2 coders is left out (not scored as 0 or 1).
    """
    out: dict[str, tuple[float, str | None]] = {}
    for w in FIVE_W:
        phrases = list(golds.get(w) or [])
        if phrases:
            out[w] = best_match(pred.get(w, ""), phrases)
    return out


# --------------------------------------------------------------------------- P@3


def summary_hits(selected: Sequence[str], summary: Sequence[str]) -> list[bool]:
    """For each selected sentence: is it (normalised) one of the summary's sentences?"""
    gold = {normalise(s) for s in summary}
    gold.discard("")
    return [normalise(s) in gold for s in selected]


def precision_at(selected: Sequence[str], summary: Sequence[str]) -> float:
    """Share of ``selected`` sentences that are sentences of the summary (0.0 if none)."""
    hits = summary_hits(selected, summary)
    return sum(hits) / len(hits) if hits else 0.0


# --------------------------------------------------------------------------- brat


@dataclass
class TextSpan:
    """A text-bound brat annotation: its type, fragments ``[(start, end)]`` and text."""

    id: str
    type: str
    fragments: list[tuple[int, int]]
    text: str

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass
class GoldAttribution:
    """One ``Attribution`` (or ``Attribution-no-source``) event of a brat file."""

    id: str
    type: str
    content: TextSpan
    source: TextSpan | None = None
    cue: TextSpan | None = None
    extra: dict[str, TextSpan] = field(default_factory=dict)

    @property
    def content_text(self) -> str:
        return self.content.text

    @property
    def source_text(self) -> str:
        return self.source.text if self.source is not None else ""

    @property
    def cue_text(self) -> str:
        return self.cue.text if self.cue is not None else ""


_T_LINE = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t?(.*)$")
_E_LINE = re.compile(r"^(E\d+)\t(.+)$")


def parse_brat(ann: str, text: str | None = None) -> list[GoldAttribution]:
    """The attribution events of a PolNeAR brat ``.ann`` file, in file order.

    Text-bound lines (``T1\\tSource 201 220\\tO’Malley’s campaign``, discontinuous
    ``Content 10 20;25 40``) give the spans; event lines (``E1\\tAttribution:T4
    Content:T3 Cue:T2 Source:T1``) tie them. With ``text`` (the document) the span texts
    are read from the document by offset, fragments joined by a space; otherwise the
    text written in the file is used (brat breaks it across lines when it contains a
    newline: continuation lines, notes ``#``, relations ``R`` and attributes ``A`` are
    ignored). Events with no ``Content`` are skipped; ``Content2`` (a second content
    part) is appended to the content. Roles may repeat; the first one wins.
    """
    spans: dict[str, TextSpan] = {}
    events: list[tuple[str, str, list[tuple[str, str]]]] = []
    for line in ann.splitlines():
        m = _T_LINE.match(line)
        if m:
            tid, ttype, offsets, written = m.groups()
            frags: list[tuple[int, int]] = []
            for part in offsets.split(";"):
                bits = part.split()
                if len(bits) == 2:
                    frags.append((int(bits[0]), int(bits[1])))
            if not frags:
                continue
            span_text = " ".join(text[s:e] for s, e in frags) if text is not None else written
            spans[tid] = TextSpan(tid, ttype, frags, span_text)
            continue
        m = _E_LINE.match(line)
        if m:
            eid, args = m.groups()
            parts = [a.split(":", 1) for a in args.split() if ":" in a]
            if not parts:
                continue
            etype = parts[0][0]
            roles = [(role, ref) for role, ref in parts[1:]]
            events.append((eid, etype, roles))
    out: list[GoldAttribution] = []
    for eid, etype, roles in events:
        if not etype.startswith("Attribution"):
            continue
        found: dict[str, TextSpan] = {}
        for role, ref in roles:
            if ref in spans and role not in found:
                found[role] = spans[ref]
        content = found.pop("Content", None)
        if content is None:
            continue
        second = found.pop("Content2", None)
        if second is not None:
            content = TextSpan(
                content.id,
                content.type,
                content.fragments + second.fragments,
                content.text + " " + second.text,
            )
        out.append(
            GoldAttribution(
                id=eid,
                type=etype,
                content=content,
                source=found.pop("Source", None),
                cue=found.pop("Cue", None),
                extra=found,
            )
        )
    return out


# --------------------------------------------------------------------------- matching


def greedy_match(
    preds: Sequence[str], golds: Sequence[str], threshold: float = MATCH_THRESHOLD
) -> list[tuple[int, int, float]]:
    """One-to-one matching of predicted to gold texts, greedily by descending token F1.

    Every pair with F1 ≥ ``threshold`` is a candidate; the best pair is taken first,
    then the best among the remaining predictions and golds, and so on (ties: earlier
    prediction, then earlier gold). Returns ``[(pred_index, gold_index, f1)]`` in the
    order taken.
    """
    pairs: list[tuple[float, int, int]] = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            f1 = token_f1(p, g)
            if f1 >= threshold:
                pairs.append((f1, i, j))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    out: list[tuple[int, int, float]] = []
    for f1, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((i, j, f1))
    return out


def speaker_ok(
    speakers: Sequence[str | None], gold_source: str, threshold: float = MATCH_THRESHOLD
) -> bool:
    """Does any of the predicted speaker strings reach ``threshold`` F1 with the source?"""
    return any(s and token_f1(s, gold_source) >= threshold for s in speakers)


@dataclass
class StatementCounts:
    """Running totals of the statements scores over a corpus."""

    n_docs: int = 0
    n_pred: int = 0
    n_gold: int = 0
    matched: int = 0
    with_source: int = 0  # matched pairs whose gold attribution has a Source
    speaker_text_ok: int = 0
    speaker_best_ok: int = 0  # speaker.text or the resolved speaker_name

    def add(self, other: StatementCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict[str, float | int | None]:
        p, r, f = prf(self.matched, self.n_pred, self.n_gold)
        return {
            "precision": p,
            "recall": r,
            "f1": f,
            "speaker_accuracy": (
                self.speaker_text_ok / self.with_source if self.with_source else None
            ),
            "speaker_accuracy_best": (
                self.speaker_best_ok / self.with_source if self.with_source else None
            ),
            "docs": self.n_docs,
            "predicted": self.n_pred,
            "gold": self.n_gold,
            "matched": self.matched,
            "matched_with_source": self.with_source,
        }


@dataclass
class PredStatement:
    """A system's statement reduced to what is scored."""

    content: str
    speaker: str
    speaker_name: str | None = None
    cue: str = ""


def score_statements(
    preds: Sequence[PredStatement], golds: Sequence[GoldAttribution]
) -> tuple[StatementCounts, list[tuple[int, int, float]]]:
    """Counts for one document, and the matching ``[(pred, gold, f1)]``.

    Speaker accuracy is counted over matched pairs whose gold has a ``Source``
    (``Attribution-no-source`` events count for precision and recall only).
    """
    matches = greedy_match([p.content for p in preds], [g.content_text for g in golds])
    c = StatementCounts(n_docs=1, n_pred=len(preds), n_gold=len(golds), matched=len(matches))
    for i, j, _ in matches:
        gold = golds[j]
        if gold.source is None or not tokens(gold.source_text):
            continue
        c.with_source += 1
        if speaker_ok([preds[i].speaker], gold.source_text):
            c.speaker_text_ok += 1
        if speaker_ok([preds[i].speaker, preds[i].speaker_name], gold.source_text):
            c.speaker_best_ok += 1
    return c, matches
