"""Scoring for stories (ecb-dev) and timelines (t17-dev), and their baselines. Pure.

Conventions from the corpus README (see ``benchmarks/README.md``):

* B³ precision / recall / F1 of a document clustering against gold events.
* Top 8: the majority event of each of the first eight developments, how many distinct,
  purity@8 (mean share of a development's documents in its majority event) and
  corroboration recall@8 (mean of min(1, corroboration / documents of that event)).
* Timelines: date P/R/F1 of distinct day dates, and alignment ROUGE-1 F ("align+ m:1",
  Martschat & Markert 2018): each predicted date is aligned to the gold date that
  shares most unigrams with it, weighted by 1 / (1 + days apart); ROUGE-1 counts with
  Porter stemming and stop words removed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np

_WORD = re.compile(r"[a-z0-9]+")


# --- stories -----------------------------------------------------------------------------


def b_cubed(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """B³ (precision, recall, F1) of ``pred`` (doc → cluster) against ``gold`` (doc → event),
    over the documents of ``gold``; a document missing from ``pred`` stands alone."""
    docs = list(gold)
    clusters: dict[str, list[str]] = {}
    for d in docs:
        clusters.setdefault(pred.get(d, f"alone:{d}"), []).append(d)
    events: dict[str, list[str]] = {}
    for d in docs:
        events.setdefault(gold[d], []).append(d)
    p = r = 0.0
    for d in docs:
        mine = clusters[pred.get(d, f"alone:{d}")]
        same = sum(1 for x in mine if gold[x] == gold[d])
        p += same / len(mine)
        r += same / len(events[gold[d]])
    p, r = p / len(docs), r / len(docs)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def top_k(
    devs: Sequence[tuple[Sequence[str], int]], gold: Mapping[str, str], k: int = 8
) -> dict[str, float]:
    """``devs``: (documents, corroboration) of each ranked development."""
    size = Counter(gold.values())
    majors: list[str] = []
    purity: list[float] = []
    recall: list[float] = []
    for docs, corroboration in devs[:k]:
        events = Counter(gold[d] for d in docs if d in gold)
        if not events:
            continue
        event, n = events.most_common(1)[0]
        majors.append(event)
        purity.append(n / sum(events.values()))
        recall.append(min(1.0, corroboration / size[event]))
    return {
        "distinct": len(set(majors)),
        "purity": sum(purity) / len(purity) if purity else 0.0,
        "corroboration_recall": sum(recall) / len(recall) if recall else 0.0,
        "largest_in_top": len(set(majors) & {e for e, _ in size.most_common(k)}),
    }


def content_tokens(text: str, stop: frozenset[str]) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in stop]


def tfidf_matrix(texts: Sequence[str], stop: frozenset[str]) -> np.ndarray:
    """Rows: L2-normalised TF-IDF vectors (lower-cased word tokens, no stop words)."""
    counts = [Counter(content_tokens(t, stop)) for t in texts]
    vocab: dict[str, int] = {}
    for c in counts:
        for w in c:
            vocab.setdefault(w, len(vocab))
    df = np.zeros(len(vocab))
    for c in counts:
        for w in c:
            df[vocab[w]] += 1
    idf = np.log((1 + len(texts)) / (1 + df)) + 1
    m = np.zeros((len(texts), len(vocab)))
    for i, c in enumerate(counts):
        for w, n in c.items():
            m[i, vocab[w]] = n * idf[vocab[w]]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1, norms)


def average_linkage(sim: np.ndarray, threshold: float) -> list[int]:
    """Agglomerative clustering, average linkage on a similarity matrix: merge the most
    similar pair of clusters while their mean similarity is at least ``threshold``.
    Returns a cluster label per row."""
    n = len(sim)
    total = sim.astype(float).copy()  # sum of similarities between clusters
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    label = list(range(n))
    np.fill_diagonal(total, -np.inf)
    while True:
        avg = total / np.outer(size, size)
        avg[~alive, :] = -np.inf
        avg[:, ~alive] = -np.inf
        i, j = np.unravel_index(int(np.argmax(avg)), avg.shape)
        if avg[i, j] < threshold or i == j:
            break
        total[i, :] += total[j, :]
        total[:, i] += total[:, j]
        total[i, i] = -np.inf
        size[i] += size[j]
        alive[j] = False
        label = [i if x == j else x for x in label]
    return label


# --- timelines ---------------------------------------------------------------------------


def date_prf(pred: set[str], gold: set[str]) -> tuple[float, float]:
    tp = len(pred & gold)
    return (tp / len(pred) if pred else 0.0), (tp / len(gold) if gold else 0.0)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


class Rouge1:
    """ROUGE-1 counting as ROUGE-1.5.5 with ``-m`` (Porter stem) and ``-s`` (stop words)."""

    def __init__(self, stop: frozenset[str]) -> None:
        import snowballstemmer

        self.stem = snowballstemmer.stemmer("porter").stemWord
        self.stop = stop

    def bag(self, texts: Sequence[str]) -> Counter[str]:
        return Counter(self.stem(w) for t in texts for w in content_tokens(t, self.stop))


def align_rouge1(
    pred: Mapping[str, Sequence[str]], gold: Mapping[str, Sequence[str]], rouge: Rouge1
) -> tuple[float, float, float]:
    """Alignment-based ROUGE-1 (align+ m:1): (precision, recall, F1)."""
    pbags = {d: rouge.bag(t) for d, t in pred.items()}
    gbags = {d: rouge.bag(t) for d, t in gold.items()}
    pred_total = sum(sum(b.values()) for b in pbags.values())
    gold_total = sum(sum(b.values()) for b in gbags.values())
    hit = 0.0
    for pd, pb in pbags.items():
        best = 0.0
        for gd, gb in gbags.items():
            days = abs(date.fromisoformat(pd).toordinal() - date.fromisoformat(gd).toordinal())
            weight = 1.0 / (1.0 + days)
            overlap = sum((pb & gb).values())
            best = max(best, weight * overlap)
        hit += best
    p = hit / pred_total if pred_total else 0.0
    r = hit / gold_total if gold_total else 0.0
    return p, r, f1(p, r)


def read_gold_timeline(text: str) -> dict[str, list[str]]:
    """``gold-timeline.txt``: a date line, its summary sentences, ``-----`` between dates."""
    out: dict[str, list[str]] = {}
    for block in re.split(r"\n-{5,}\n?", text):
        lines = [x.strip() for x in block.strip().splitlines() if x.strip()]
        if lines and re.fullmatch(r"\d{4}-\d{2}-\d{2}", lines[0]):
            out.setdefault(lines[0], []).extend(lines[1:])
    return out


def centrality(sentences: Sequence[str], stop: frozenset[str]) -> list[float]:
    """Each sentence's mean cosine (TF-IDF) to the others: how central it is."""
    if len(sentences) < 2:
        return [1.0] * len(sentences)
    m = tfidf_matrix(sentences, stop)
    sim = m @ m.T
    return [(float(sim[i].sum()) - 1.0) / (len(sentences) - 1) for i in range(len(sentences))]


def log_or_zero(x: float) -> float:
    return math.log(x) if x > 0 else 0.0
