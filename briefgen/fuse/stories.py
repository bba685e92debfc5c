"""Stories: the pile's documents grouped by what they report, compared as whole documents.

Topic detection and tracking compares whole documents, not sentences: outlets word one
event differently, but their articles share its names, places, figures, dates and
vocabulary. Each document's term profile (:mod:`briefgen.extract.profile`: lemmas and
named entities, headline and lead weighted up, figures and day dates) is weighed by
inverse document frequency — from the pile, blended with a background table shipped
with the package (:mod:`briefgen.data`, ``background_df.tsv``) so that a pile of three
articles still knows that "say" is common and "tanker" is not — and compared by cosine.

* **Candidates, never all pairs.** An inverted index from each document's heaviest
  terms (:data:`TOP_TERMS`) proposes the pairs that share one that is selective (among
  the heaviest of at most :data:`MAX_POSTINGS` documents, or :data:`MAX_POSTINGS_SHARE`
  of the pile); only those are compared.
* **Time.** Reports published far apart are less likely one story: the similarity of
  two dated documents is divided by ``1 + max(0, days - 3) / 14``.
* **Clustering.** Average linkage over the sparse similarity graph (a pair never
  proposed counts as 0), merging while the mean similarity of two stories is at least
  :data:`THRESHOLD`. Two similar events (two earthquakes) differ in their places,
  dates, people and figures — heavy, rare terms — and stay apart; follow-up reports
  share them and join.

Each story yields one key development (:func:`story_development`): its most
representative sentence among its documents' developments, corroborated by its
independent documents.
"""

from __future__ import annotations

import functools
import gzip
import heapq
import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

import numpy as np

from briefgen.fuse.developments import (
    Sources,
    _confidence,
    contradictions,
    grading,
)
from briefgen.fuse.simindex import words
from briefgen.fuse.timeline import CAPTION, STAMP
from briefgen.model import Contradiction, DayCount, DocFacts, Evidence, KeyDevelopment, Story
from briefgen.watchlist import mentions_topic

THRESHOLD = 0.12
#: Term classes weighed up: names (``e:``), figures (``n:``) and day dates (``d:``) tell
#: two similar events apart.
CLASS_WEIGHT = {"e:": 1.0, "n:": 1.0, "d:": 1.0, "y:": 2.0}
#: Within a story, documents are clustered again at this similarity (IDF of the story
#: alone: :func:`split_story`); parts of at least ``SPLIT_MIN`` documents become stories.
SPLIT_THRESHOLD = 0.12
SPLIT_MIN = 4
MAX_POSTINGS = 60
#: How many of a document's heaviest terms find its candidate pairs.
TOP_TERMS = 40
MAX_POSTINGS_SHARE = 0.3
MIN_PAIR = 0.05
DAYS_SAME = 3
DAYS_HALF = 14


#: How many documents the background table (:func:`background_df`) counts as in a
#: pile's IDF: in a pile of three reports it decides which words are common; in a pile
#: of hundreds the pile's own counts do.
BACKGROUND_DOCS = 20.0
_BACKGROUND_FILE = "background_df.tsv.gz"


@functools.lru_cache(maxsize=1)
def background_df() -> tuple[int, Mapping[str, int]]:
    """The background table shipped in :mod:`briefgen.data` (``background_df.tsv.gz``,
    built by ``benchmarks/build_background_df.py``): how many documents it counts, and
    lemma → how many of them hold it. ``(0, {})`` when it is missing or unreadable (a
    pile's IDF is then its own)."""
    try:
        raw = resources.files("briefgen.data").joinpath(_BACKGROUND_FILE).read_bytes()
        lines = gzip.decompress(raw).decode("utf-8").splitlines()
    except (OSError, EOFError, UnicodeDecodeError, ModuleNotFoundError):
        return 0, {}
    total = 0
    table: dict[str, int] = {}
    for line in lines:
        term, _, count = line.partition("\t")
        if not count.isdigit():
            continue
        if term == "# documents":
            total = int(count)
        else:
            table[term] = int(count)
    return (total, table) if total > 0 else (0, {})


def _idf_values(df: Sequence[int], terms: Sequence[str], n: int, background: bool) -> array[float]:
    """Smoothed IDF of each term (see :func:`idf_table`), in the order of ``terms``."""
    total, table = background_df() if background else (0, {})
    if not total:
        return array("d", [math.log((n + 1) / (k + 1)) + 1.0 for k in df])
    m = BACKGROUND_DOCS
    out = array("d", bytes(8 * len(terms)))
    for i, (t, k) in enumerate(zip(terms, df, strict=True)):
        if t[1:2] == ":":
            out[i] = math.log((n + 1) / (k + 1)) + 1.0
        else:
            rate = table.get(t, 0) / total
            out[i] = math.log((n + m + 1) / (k + m * rate + 1)) + 1.0
    return out


def idf_table(profiles: Sequence[Mapping[str, float]], background: bool = True) -> dict[str, float]:
    """Smoothed IDF of every term of the pile, ``log((n + 1) / (df + 1)) + 1``, its lemma
    terms blended with the background table: the table counts as :data:`BACKGROUND_DOCS`
    documents of the pile, each holding a lemma at the table's rate (0 for a lemma it
    lacks, a rare one). Names, figures and dates keep the pile's own counts.

    (:meth:`Profiles.idf` computes it for a whole pile held compactly.)"""
    return dict(Profiles.of_profiles(profiles).idf_map(background))


#: What a story the last brief did not report gains: more than recency can (0.3 at
#: most), less than a third more independent documents (1.5 × log(1 + n) grows by 0.43),
#: so coverage ranks first, then novelty.
NOVELTY_WEIGHT = 0.35
#: A summary sharing this share of its words with one of the last brief's is not new
#: (the run state's rule, :data:`briefgen.store.state.SAME_SUMMARY`).
SAME_SUMMARY = 0.6
_KEY_WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)


@dataclass(frozen=True)
class Seen:
    """The last brief's developments, as the run state keeps them: a story is known when
    one of its reports cites a span they cited or its summary shares most of its words
    with one of theirs (the rule of ``since_last``)."""

    spans: frozenset[str]
    summaries: tuple[frozenset[str], ...]

    @classmethod
    def of(cls, spans: Iterable[str], summaries: Iterable[Iterable[str]]) -> Seen:
        return cls(frozenset(spans), tuple(frozenset(w) for w in summaries))

    @property
    def active(self) -> bool:
        """Whether there was a last brief to compare with."""
        return bool(self.spans or self.summaries)

    def known(self, summary: str, spans: Iterable[Evidence | str]) -> bool:
        """Whether a story's key development (its summary and evidence, or the spans
        ``doc:start:end`` the run state keeps of it) was in the last brief."""
        keys = {e if isinstance(e, str) else f"{e.doc}:{e.start}:{e.end}" for e in spans}
        if keys & self.spans:
            return True
        mine = {w.lower() for w in _KEY_WORD.findall(summary)}
        return bool(mine) and any(
            len(mine & o) / len(mine | o) >= SAME_SUMMARY for o in self.summaries if o
        )

    def known_words(self, words: Iterable[str], spans: Iterable[str]) -> bool:
        """:meth:`known` from the words the run state keeps of a summary."""
        if set(spans) & self.spans:
            return True
        mine = set(words)
        return bool(mine) and any(
            len(mine & o) / len(mine | o) >= SAME_SUMMARY for o in self.summaries if o
        )


class _IdfView(Mapping[str, float]):
    """Term → IDF, read from :class:`Profiles`' arrays (no dictionary of its own)."""

    def __init__(self, ids: Mapping[str, int], terms: Sequence[str], idf: array[float]) -> None:
        self._ids = ids
        self._terms = terms
        self._idf = idf

    def __getitem__(self, term: str) -> float:
        return self._idf[self._ids[term]]

    def __contains__(self, term: object) -> bool:
        return term in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._terms)

    def __len__(self) -> int:
        return len(self._terms)


@dataclass
class _Vectors:
    """Unit TF-IDF vectors of documents, flat: document ``i``'s terms are
    ``tids[starts[i]:starts[i + 1]]`` (in its profile's order) with values ``values[…]``;
    ``terms`` names the term ids (their order breaks ties between equal weights)."""

    tids: array[int]
    values: array[float]
    starts: array[int]
    terms: Sequence[str]

    def __len__(self) -> int:
        return len(self.starts) - 1

    @classmethod
    def of_dicts(cls, vecs: Sequence[Mapping[str, float]]) -> _Vectors:
        ids: dict[str, int] = {}
        tids, values, starts = array("i"), array("d"), array("q", [0])
        for v in vecs:
            for t, x in v.items():
                tids.append(ids.setdefault(t, len(ids)))
                values.append(x)
            starts.append(len(tids))
        return cls(tids, values, starts, list(ids))

    def as_dicts(self) -> list[dict[str, float]]:
        out = []
        for i in range(len(self)):
            a, b = self.starts[i], self.starts[i + 1]
            out.append(
                {self.terms[t]: x for t, x in zip(self.tids[a:b], self.values[a:b], strict=True)}
            )
        return out


@dataclass
class _Pairs:
    """Pairs of documents ``(first[k], second[k])`` and their similarity ``sim[k]``, in
    the order they were found (16 bytes a pair; a dictionary of tuples takes ~200)."""

    first: array[int] = field(default_factory=lambda: array("i"))
    second: array[int] = field(default_factory=lambda: array("i"))
    sim: array[float] = field(default_factory=lambda: array("d"))

    def add(self, i: int, j: int, s: float) -> None:
        self.first.append(i)
        self.second.append(j)
        self.sim.append(s)

    def __len__(self) -> int:
        return len(self.sim)

    @classmethod
    def of_dict(cls, pairs: Mapping[tuple[int, int], float]) -> _Pairs:
        out = cls()
        for (i, j), s in pairs.items():
            out.add(i, j, s)
        return out

    def as_dict(self) -> dict[tuple[int, int], float]:
        return {(i, j): s for i, j, s in zip(self.first, self.second, self.sim, strict=True)}

    def override(self, fixed: Mapping[tuple[int, int], float]) -> None:
        """Set the similarity of the pairs ``fixed`` names (added after the others when
        absent), as assigning them in a dictionary of the pairs would."""
        if not fixed:
            return
        left = dict(fixed)
        firsts = {i for i, _ in left}
        for k, i in enumerate(self.first):
            if i in firsts:
                s = left.pop((i, self.second[k]), None)
                if s is not None:
                    self.sim[k] = s
        for (i, j), s in left.items():
            self.add(i, j, s)


class Profiles:
    """Every document's term profile (:func:`profile_of`), held compactly: terms interned
    as ids, weights in flat arrays (12 bytes a term, against ~80 in a dictionary), each
    document's terms in its profile's order; with the documents' ids and publication
    days. Built in one pass over the facts (:meth:`of`); story detection
    (:func:`detect_stories`), :func:`topicality` and the IDF that
    :func:`build_story` weighs with (:meth:`idf_map`) read it and never the facts again,
    and compute exactly what they compute from the profiles as dictionaries."""

    def __init__(self) -> None:
        self.terms: list[str] = []
        self._ids: dict[str, int] = {}
        self.tids = array("i")
        self.weights = array("d")
        self.starts = array("q", [0])
        self.docs: list[str] = []
        self.days: list[int | None] = []
        #: How many documents had no profile of their own (one made from their title and
        #: developments, :func:`profile_of`).
        self.derived = 0
        self._idf: dict[bool, array[float]] = {}
        self._vectors: _Vectors | None = None
        self._released = False

    @classmethod
    def of(cls, facts: Iterable[DocFacts]) -> Profiles:
        """The profiles of ``facts`` (any iterable: each document is read once)."""
        out = cls()
        for f in facts:
            if not f.profile:
                out.derived += 1
            out.add(profile_of(f), f.document.id, _day(f.document.published))
        return out

    @classmethod
    def of_profiles(
        cls,
        profiles: Iterable[Mapping[str, float]],
        days: Iterable[int | None] | None = None,
    ) -> Profiles:
        """Profiles given as dictionaries (documents named by their index)."""
        out = cls()
        when = iter(days) if days is not None else None
        for i, p in enumerate(profiles):
            out.add(p, str(i), next(when) if when is not None else None)
        return out

    def add(self, profile: Mapping[str, float], doc: str, day: int | None) -> None:
        self._check()
        ids, terms = self._ids, self.terms
        for t, w in profile.items():
            k = ids.get(t)
            if k is None:
                k = ids[t] = len(terms)
                terms.append(t)
            self.tids.append(k)
            self.weights.append(w)
        self.starts.append(len(self.tids))
        self.docs.append(doc)
        self.days.append(day)
        self._idf.clear()
        self._vectors = None

    def __len__(self) -> int:
        return len(self.docs)

    def release(self) -> None:
        """Drop the profiles and vectors once detection and :func:`topicality` are done,
        keeping what :meth:`idf_map` (the pile's IDF), ``docs`` and ``days`` answer: at
        100,000 documents the profiles and vectors are ~230 MB."""
        self.idf()
        self._released = True
        self._vectors = None
        self.tids, self.weights, self.starts = array("i"), array("d"), array("q", [0])

    def _check(self) -> None:
        if self._released:
            raise RuntimeError("Profiles.release() dropped the profiles: read them before")

    def subset(self, members: Sequence[int]) -> Profiles:
        """The profiles of documents ``members`` (in that order), as a pile of their own."""
        self._check()
        out = Profiles()
        local: dict[int, int] = {}
        for i in members:
            a, b = self.starts[i], self.starts[i + 1]
            for t in self.tids[a:b]:
                k = local.get(t)
                if k is None:
                    k = local[t] = len(out.terms)
                    out.terms.append(self.terms[t])
                out.tids.append(k)
            out.weights.extend(self.weights[a:b])
            out.starts.append(len(out.tids))
            out.docs.append(self.docs[i])
            out.days.append(self.days[i])
        out._ids = {t: k for k, t in enumerate(out.terms)}
        return out

    def idf(self, background: bool = True) -> array[float]:
        """IDF of each term id (:func:`idf_table`'s)."""
        if background not in self._idf:
            self._check()
            df = array("i", bytes(4 * len(self.terms)))
            for t in self.tids:
                df[t] += 1
            self._idf[background] = _idf_values(df, self.terms, len(self.docs), background)
        return self._idf[background]

    def idf_map(self, background: bool = True) -> Mapping[str, float]:
        """Term → IDF, as :func:`idf_table` gives it, without a dictionary of its own."""
        return _IdfView(self._ids, self.terms, self.idf(background))

    def vectors(self, idf: Sequence[float] | None = None) -> _Vectors:
        """Unit-length TF-IDF vectors (sub-linear term weights) of every document, with
        ``idf`` by term id (the pile's, :meth:`idf`, by default: kept)."""
        if idf is None and self._vectors is not None:
            return self._vectors
        self._check()
        weigh = self.idf() if idf is None else idf
        cw = [CLASS_WEIGHT.get(t[:2], 1.0) for t in self.terms]
        tids, weights, starts = self.tids, self.weights, self.starts
        values = array("d")
        kept = array("i")
        every = True
        vstarts = array("q", [0])
        for i in range(len(self.docs)):
            a, b = starts[i], starts[i + 1]
            v = [
                (t, (1.0 + math.log(w)) * weigh[t] * cw[t])
                for t, w in zip(tids[a:b], weights[a:b], strict=True)
                if w > 0
            ]
            norm = math.sqrt(sum(x * x for _, x in v)) or 1.0
            values.extend(x / norm for _, x in v)
            if len(v) != b - a:
                every = False
            kept.extend(t for t, _ in v)
            vstarts.append(len(values))
        # Where every weight is positive (always, for profiles the extractor makes), the
        # vectors' terms are the profiles': one array for both.
        out = _Vectors(tids, values, starts, self.terms) if every else None
        if out is None:
            out = _Vectors(kept, values, vstarts, self.terms)
        if idf is None:
            self._vectors = out
        return out


def vectors(
    profiles: Sequence[Mapping[str, float]], idf: Mapping[str, float]
) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (sub-linear term weights)."""
    pile = Profiles.of_profiles(profiles)
    return pile.vectors(array("d", [idf[t] for t in pile.terms])).as_dicts()


def topicality(facts: Sequence[DocFacts] | Profiles) -> dict[str, float]:
    """Document id → how much it is about the pile's subject: the cosine of its TF-IDF
    vector with the pile's centroid, over the median document's, at most 1. A radio
    schedule in a pile about a trial weighs little; most documents weigh 1.

    ``facts`` may be the pile's :class:`Profiles` (the same figures when every document
    has a profile of its own: ``Profiles.derived == 0``)."""
    if not facts:
        return {}
    pile = facts if isinstance(facts, Profiles) else Profiles.of(facts)
    vecs = pile.vectors()
    tids, values, starts = vecs.tids, vecs.values, vecs.starts
    centroid = array("d", bytes(8 * len(pile.terms)))
    seen = bytearray(len(pile.terms))
    order = array("i")  # the centroid's terms in the order they first occur
    for q in range(starts[-1]):
        t = tids[q]
        centroid[t] += values[q]
        if not seen[t]:
            seen[t] = 1
            order.append(t)
    norm = math.sqrt(sum(centroid[t] * centroid[t] for t in order)) or 1.0
    sims = []
    for i in range(len(pile)):
        a, b = starts[i], starts[i + 1]
        sims.append(
            sum(x * centroid[t] for t, x in zip(tids[a:b], values[a:b], strict=True)) / norm
        )
    middle = sorted(sims)[len(sims) // 2] or 1.0
    return {doc: min(1.0, s / middle) for doc, s in zip(pile.docs, sims, strict=True)}


def _day(iso: str | None) -> int | None:
    try:
        return date.fromisoformat(iso).toordinal() if iso else None
    except ValueError:
        return None


def similar_pairs(
    vecs: Sequence[Mapping[str, float]],
    days: Sequence[int | None],
) -> dict[tuple[int, int], float]:
    """Cosine (time-discounted) of the pairs of documents that share one of their
    :data:`TOP_TERMS` heaviest terms, at least :data:`MIN_PAIR`.

    Only each document's heaviest terms are indexed and looked up, and a term that is
    among the heaviest of more than :data:`MAX_POSTINGS` documents (or
    :data:`MAX_POSTINGS_SHARE` of the pile) proposes no pair: the pairs compared grow
    with the pile, not with its square."""
    return _similar(_Vectors.of_dicts(vecs), days).as_dict()


def _similar(vecs: _Vectors, days: Sequence[int | None]) -> _Pairs:
    """:func:`similar_pairs` of vectors held flat, the pairs in flat arrays."""
    n = len(vecs)
    cap = max(2, min(MAX_POSTINGS, max(int(MAX_POSTINGS_SHARE * n), 10)))
    tids, values, starts, terms = vecs.tids, vecs.values, vecs.starts, vecs.terms
    # Each document's heaviest terms (ties by term), flat.
    tops = array("i")
    top_starts = array("q", [0])
    for i in range(n):
        a, b = starts[i], starts[i + 1]
        ts, xs = tids[a:b], values[a:b]
        heaviest = sorted(range(b - a), key=lambda k: (-xs[k], terms[ts[k]]))[:TOP_TERMS]
        tops.extend(ts[k] for k in heaviest)
        top_starts.append(len(tops))
    # Postings, flat: term t's documents (ascending) are docs[at[t]:at[t + 1]].
    count = array("q", bytes(8 * (len(terms) + 1)))
    for t in tops:
        count[t + 1] += 1
    for t in range(len(terms)):
        count[t + 1] += count[t]
    at = count
    fill = array("q", at)
    docs = array("i", bytes(4 * len(tops)))
    for i in range(n):
        for t in tops[top_starts[i] : top_starts[i + 1]]:
            docs[fill[t]] = i
            fill[t] += 1
    del fill
    # Candidates are scored in bulk first (numpy, summed in its own order): only those
    # that could reach MIN_PAIR — most do not — get the exact sum, in the order a
    # dictionary lookup of the smaller vector's terms in the other's would add them.
    tid_np = np.frombuffer(tids, dtype=np.intc) if len(tids) else np.zeros(0, np.intc)
    val_np = np.frombuffer(values, dtype=np.float64) if len(values) else np.zeros(0)
    begin = np.frombuffer(starts, dtype=np.int64)
    when = np.array([np.nan if d is None else float(d) for d in days], dtype=np.float64)
    dense = np.zeros(len(terms))
    place = np.full(len(terms), -1, dtype=np.int32)
    bound = MIN_PAIR - 1e-9  # far above the rounding of either sum
    pairs = _Pairs()
    for i in range(n):
        seen: set[int] = set()
        for t in tops[top_starts[i] : top_starts[i + 1]]:
            a, b = at[t], at[t + 1]
            if b - a > cap:
                continue
            seen.update(j for j in docs[a:b] if j > i)
        if not seen:
            continue
        a, b = starts[i], starts[i + 1]
        cands = np.fromiter(seen, dtype=np.int64, count=len(seen))  # the set's order
        lo = begin[cands]
        lengths = begin[cands + 1] - lo
        if not lengths.all():  # a document without terms is similar to none
            cands, lo, lengths = cands[lengths > 0], lo[lengths > 0], lengths[lengths > 0]
            if not len(cands):
                continue
        first = np.cumsum(lengths) - lengths  # each candidate's place in the gathered terms
        idx = np.arange(int(first[-1] + lengths[-1])) + np.repeat(lo - first, lengths)
        dense[tid_np[a:b]] = val_np[a:b]
        dots = np.add.reduceat(dense[tid_np[idx]] * val_np[idx], first)
        dense[tid_np[a:b]] = 0.0
        gap = np.abs(when[cands] - when[i])
        rough = dots / np.where(
            np.isnan(gap), 1.0, 1.0 + np.maximum(0.0, gap - DAYS_SAME) / DAYS_HALF
        )
        likely = cands[rough >= bound]
        if not len(likely):
            continue
        # The exact sums: each pair's shared terms in the smaller vector's order (this
        # document's, or the other's when it has fewer terms), their products summed
        # one by one as Python adds them.
        place[tid_np[a:b]] = np.arange(b - a, dtype=np.int32)
        lo = begin[likely]
        lengths = begin[likely + 1] - lo
        idx = np.arange(int(lengths.sum())) + np.repeat(
            lo - (np.cumsum(lengths) - lengths), lengths
        )
        seg = np.repeat(np.arange(len(likely)), lengths)
        mine = place[tid_np[idx]]
        place[tid_np[a:b]] = -1
        shared = mine >= 0
        idx, seg, mine = idx[shared], seg[shared], mine[shared]
        key = np.where((b - a <= lengths)[seg], mine, idx)
        order = np.lexsort((key, seg))
        products = (val_np[a + mine[order]] * val_np[idx[order]]).tolist()
        ends = np.cumsum(np.bincount(seg, minlength=len(likely))).tolist()
        day = days[i]
        start = 0
        for j, end in zip(likely.tolist(), ends, strict=True):
            sim = sum(products[start:end])
            start = end
            other = days[j]
            if day is not None and other is not None:
                gap_days = abs(day - other)
                sim /= 1.0 + max(0, gap_days - DAYS_SAME) / DAYS_HALF
            if sim >= MIN_PAIR:
                pairs.add(i, j, sim)
    return pairs


def average_linkage(n: int, pairs: Mapping[tuple[int, int], float], threshold: float) -> list[int]:
    """Cluster label of each of ``n`` items: average linkage over a sparse similarity
    graph (absent pairs count 0), merging while the mean similarity ≥ ``threshold``."""
    return _linkage(n, _Pairs.of_dict(pairs), threshold)


def _linkage(n: int, pairs: _Pairs, threshold: float) -> list[int]:
    """:func:`average_linkage` of pairs held flat, one connected part at a time.

    Two clusters whose mean similarity reaches the threshold hold a pair that reaches it
    (a mean is at most the largest term), so merges happen only inside the parts that
    pairs at the threshold connect: each part is clustered on its own, with only its
    own pairs' neighbour tables in memory, merged in the order the whole graph would
    merge it (the heap's order restricted to the part)."""
    first, second, sim = pairs.first, pairs.second, pairs.sim
    # A margin far above rounding keeps every pair a rounded mean could rest on.
    low = threshold - abs(threshold) * 1e-9 if threshold > 0 else -math.inf
    part = list(range(n))

    def find(k: int) -> int:
        while part[k] != k:
            part[k] = part[part[k]]
            k = part[k]
        return k

    for i, j, s in zip(first, second, sim, strict=True):
        if s >= low:
            a, b = find(i), find(j)
            if a != b:
                part[max(a, b)] = min(a, b)
    edges: dict[int, array[int]] = {}
    for k, (i, j) in enumerate(zip(first, second, strict=True)):
        r = find(i)
        if r == find(j):
            edges.setdefault(r, array("i")).append(k)
    size = [1] * n
    version = [0] * n
    alive = [True] * n
    parent = list(range(n))
    for ks in edges.values():
        nbr: dict[int, dict[int, float]] = {}
        for k in ks:
            i, j, s = first[k], second[k], sim[k]
            ni = nbr.setdefault(i, {})
            nj = nbr.setdefault(j, {})
            ni[j] = ni.get(j, 0.0) + s
            nj[i] = nj.get(i, 0.0) + s
        heap = [(-sim[k], first[k], second[k], 0, 0) for k in ks if sim[k] >= threshold]
        heapq.heapify(heap)
        while heap:
            _, i, j, vi, vj = heapq.heappop(heap)
            if not (alive[i] and alive[j]) or version[i] != vi or version[j] != vj:
                continue
            if i > j:
                i, j = j, i
            alive[j] = False
            parent[j] = i
            ni = nbr[i]
            for x, s in nbr[j].items():
                if x == i:
                    continue
                ni[x] = ni.get(x, 0.0) + s
                del nbr[x][j]
                nbr[x][i] = ni[x]
            ni.pop(j, None)
            nbr[j] = {}
            size[i] += size[j]
            version[i] += 1
            for x, s in ni.items():
                avg = s / (size[i] * size[x])
                if avg >= threshold:
                    a, b = (i, x) if i < x else (x, i)
                    heapq.heappush(heap, (-avg, a, b, version[a], version[b]))

    def root(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    return [root(k) for k in range(n)]


_PROPER = re.compile(r"(?<!^)\b[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*")


def profile_of(f: DocFacts) -> dict[str, float]:
    """The document's term profile; for facts without one (cached before profiles, or
    built by hand), one made from its title and developments: their content words,
    crudely stemmed, and the names of their actors and places."""
    if f.profile:
        return f.profile
    out: defaultdict[str, float] = defaultdict(float)
    for w in words(f.document.title or ""):
        out[stem(w)] += 3.0
    for d in f.key_developments:
        for w in words(d.summary):
            out[stem(w)] += 1.0
        for name in [*d.who, *d.where]:
            out["e:" + " ".join(name.lower().split())] += 2.0
        for name in _PROPER.findall(d.what):
            out["e:" + " ".join(name.lower().split())] += 2.0
        if d.when.date and d.when.precision == "day":
            out["d:" + d.when.date] += 1.0
    return dict(out)


def detect_stories(facts: Sequence[DocFacts] | Profiles, sources: Sources) -> list[list[int]]:
    """Indices of ``facts`` grouped into stories; each story earliest report first.

    ``facts`` may be the pile's :class:`Profiles` (read once into it by the caller: the
    facts themselves are then not read at all). A wire copy joins the story of its
    original whatever its profile says."""
    pile = facts if isinstance(facts, Profiles) else Profiles.of(facts)
    pairs = _similar(pile.vectors(), pile.days)
    index = {doc: i for i, doc in enumerate(pile.docs)}
    copies: dict[tuple[int, int], float] = {}
    for i, doc in enumerate(pile.docs):
        original = sources.original.get(doc)
        if original in index and index[original] != i:
            a, b = sorted((i, index[original]))
            copies[(a, b)] = 1.0
    pairs.override(copies)
    labels = _linkage(len(pile), pairs, THRESHOLD)
    del pairs
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(lab, []).append(i)
    split: list[list[int]] = []
    for g in groups.values():
        split.extend(split_story(g, pile))
    docs = pile.docs
    out = [sorted(g, key=lambda i: sources.sort_key(docs[i])) for g in split]
    out.sort(key=lambda g: sources.sort_key(docs[g[0]]))
    return out


def split_story(
    members: list[int],
    profiles: Profiles | Sequence[Mapping[str, float]],
    days: Sequence[int | None] | None = None,
) -> list[list[int]]:
    """A story's documents re-clustered on what sets them apart *within* it.

    Two similar events (two pirate attacks in one gulf) share most of their vocabulary,
    so across the pile they look like one story; within it, the terms they all share
    weigh little (IDF computed over the story alone) and the ship's name, the place, the
    figures weigh much. The story's documents are clustered again on those weights
    (:data:`SPLIT_THRESHOLD`); parts of at least :data:`SPLIT_MIN` documents (and
    :data:`SPLIT_SHARE` of the story) become stories, and each smaller part goes back to
    the one it resembles most, so a story splits only into substantial events.

    ``profiles``: the pile's :class:`Profiles`, or its profiles as dictionaries with
    ``days`` (publication days)."""
    if len(members) < 2 * SPLIT_MIN:
        return [members]
    pile = (
        profiles
        if isinstance(profiles, Profiles)
        else Profiles.of_profiles(profiles, days if days is not None else [None] * len(profiles))
    )
    local = pile.subset(members)
    found = _similar(local.vectors(local.idf(background=False)), local.days)
    labels = _linkage(len(members), found, SPLIT_THRESHOLD)
    parts: dict[int, list[int]] = {}
    for k, lab in enumerate(labels):
        parts.setdefault(lab, []).append(k)
    least = SPLIT_MIN
    big = [p for p in parts.values() if len(p) >= least]
    if len(big) < 2:
        return [members]
    sims: dict[tuple[int, int], float] = {}
    for a, b, sim in zip(found.first, found.second, found.sim, strict=True):
        sims[(a, b)] = sims[(b, a)] = sim
    for k in (k for p in parts.values() if len(p) < least for k in p):
        best = max(
            range(len(big)),
            key=lambda j: (sum(sims.get((k, x), 0.0) for x in big[j]) / len(big[j]), -j),
        )
        big[best].append(k)
    return [[members[k] for k in p] for p in big]


# --- one key development per story ---------------------------------------------------------

_SUFFIX = re.compile(r"(?:ing|ed|es|s)$")
_QUOTES = set('"“”„«»')


def stem(word: str) -> str:
    """A crude stem that lets a surface word meet its lemma ("killed" / "kill")."""
    return _SUFFIX.sub("", word) if len(word) > 4 else word


def _stems(text: str) -> set[str]:
    return {stem(w) for w in words(text)}


def _headline(title: str) -> bool:
    """A title that reads as a headline (three words or more), not a file name
    ("2011 09 27 1127") that a document without a title was given."""
    return sum(1 for w in title.split() if any(ch.isalpha() for ch in w)) >= 3


def _event_day(dev: KeyDevelopment) -> int | None:
    return _day(dev.when.date) if dev.when.precision == "day" else None


def _fragment(summary: str) -> bool:
    """A caption or a fragment ("A 61-year-old man."): too short to report an event."""
    return len(summary.split()) < 6


def _quoted(summary: str) -> bool:
    return sum(1 for ch in summary if ch in _QUOTES) >= 2 or summary[:1] in _QUOTES


_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_MONTH_WORD = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
#: A page's or a wire's stamp opening the text: "| Wed Apr 29, IST CAIRO …",
#: "Sun Apr 26, 10:12 The U.N. …", "ZURICH | Thu Apr 30, 2009 …".
_OPENING_STAMP = re.compile(
    rf"^\s*\|?\s*{_WEEKDAY}\s+(?:{_MONTH_WORD}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH_WORD})\b"
    r"|^[^|]{0,40}\|",
    re.I,
)
#: A sentence that opens on a pronoun names no one: it leans on the one before.
_PRONOUN_START = re.compile(r"(?:he|she|they|it|we|i|you|this|that|these|those)\b", re.I)
#: A definition: "X is a …/was an … of/that/which/who …".
_DEFINITION = re.compile(
    r"^.{0,160}?\b(?:is|was|are|were)\s+(?:a|an)\s+(?:\w+\s+){0,3}?\w+\s+"
    r"(?:of|that|which|who)\b",
    re.I,
)
_YEAR_WORD = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _caption(summary: str) -> bool:
    """A photo caption or a page's stamp, not a report."""
    return bool(CAPTION.search(summary) or _OPENING_STAMP.search(summary))


def _background(dev: KeyDevelopment, published: str | None) -> bool:
    """A line of background: the event it dates, or every year it names, lies two years
    or more before its document's publication ("The Exxon Valdez leaked 11 million
    gallons in 1989", "Asia battled SARS in 2003")."""
    if not published:
        return False
    year = int(published[:4])
    if dev.when.date and dev.when.basis == "text" and int(dev.when.date[:4]) <= year - 2:
        return True
    years = [int(y) for y in _YEAR_WORD.findall(dev.summary)]
    return bool(years) and max(years) <= year - 2


@dataclass
class _Candidate:
    dev: KeyDevelopment
    doc: str
    rank: int  # rank of the development in its document
    position: int  # rank of the document in the story, earliest first
    stems: set[str]
    published: str | None = None


def _story_weights(facts: Sequence[DocFacts], idf: Mapping[str, float]) -> dict[str, float]:
    """Stem → share of the story's documents whose profile has it, times its IDF."""
    df: Counter[str] = Counter()
    for f in facts:
        profile = profile_of(f)
        df.update(
            {stem(t) for t in profile if t[1:2] != ":"}
            | {stem(w) for t in profile if t.startswith("e:") for w in t[2:].split()}
        )
    n = max(1, len(facts))
    return {s: (k / n) * idf.get(s, 1.0) for s, k in df.items()}


def _representative(
    cands: Sequence[_Candidate], weights: Mapping[str, float], documents: int
) -> _Candidate:
    """The candidate that best represents the story: central to its documents, early, a
    reported event. Centrality (terms the story's documents share) says nothing inside
    one document, where every term is shared: a one-document story keeps its document's
    own ranking (the extractor's, which already leaves fragments and hypotheticals out;
    passing over its first development for a quote or a short one lost 5W F1 0.557 →
    0.540 on 5w1h-train)."""

    def unfit(c: _Candidate) -> float:
        s = 0.0
        if _fragment(c.dev.summary):
            s += 2.0
        if _quoted(c.dev.summary):
            s += 0.8
        if STAMP.search(c.dev.summary):
            s += 1.5  # "5 January 2011 Last updated at 06:50 GMT": page furniture
        if _PRONOUN_START.match(c.dev.summary):
            s += 0.8  # "He did not know whether …": whose account, of what?
        if _DEFINITION.match(c.dev.summary):
            s += 0.6  # "The Bureau … was an agency of …": background, not news
        return s

    def score(c: _Candidate) -> float:
        if not c.stems:
            return -10.0
        central = sum(weights.get(s, 0.0) for s in c.stems) / math.sqrt(len(c.stems))
        s = central
        s += 0.3 if c.rank == 0 else 0.1 if c.rank == 1 else 0.0
        s += 0.2 / (1 + c.position)  # early reports
        s += 0.2 * c.dev.score
        if c.dev.hedges or c.dev.confidence == "low":
            s -= 0.5
        return s - unfit(c)

    if documents <= 1:
        # The extractor's ranking, past lines of background only: passing over a first
        # development that reads like a caption ("was photographed protesting …", a lead
        # behind a "Photo" label) lost 5W F1 0.557 → 0.545 on 5w1h-train.
        own = [c for c in cands if not _background(c.dev, c.published)] or list(cands)
        return min(own, key=lambda c: (c.rank, c.position))
    # Never a caption or a line of background while the story has another report.
    fit = [c for c in cands if not _caption(c.dev.summary)] or list(cands)
    fit = [c for c in fit if not _background(c.dev, c.published)] or fit
    return max(fit, key=lambda c: (score(c), -c.position, -c.rank))


def story_development(
    facts: Sequence[DocFacts],
    devs: Mapping[str, Sequence[KeyDevelopment]],
    sources: Sources,
    idf: Mapping[str, float],
) -> tuple[KeyDevelopment | None, list[KeyDevelopment]]:
    """The story's key development (None when no document has one) and the per-document
    developments that report the same event (its corroborating reports)."""
    cands: list[_Candidate] = []
    for position, f in enumerate(facts):
        for rank, d in enumerate(devs.get(f.document.id, ())):
            cands.append(
                _Candidate(
                    d, f.document.id, rank, position, _stems(d.summary), f.document.published
                )
            )
    if not cands:
        return None, []
    best = _representative(cands, _story_weights(facts, idf), len(facts))
    # Each other document's development closest to the chosen one reports it too.
    reports = [best]
    by_doc: dict[str, list[_Candidate]] = defaultdict(list)
    for c in cands:
        if c.doc != best.doc:
            by_doc[c.doc].append(c)
    lead_day = _event_day(best.dev)
    for cs in by_doc.values():
        top = max(cs, key=lambda c: (len(c.stems & best.stems), -c.rank))
        day = _event_day(top.dev)
        if lead_day is not None and day is not None and abs(day - lead_day) > 1:
            continue  # an event on another day: a sub-event of the story, not a report
        if len(top.stems & best.stems) >= 2:
            reports.append(top)
    reports.sort(key=lambda c: c.position)
    return best.dev, [c.dev for c in reports]


def story_contradictions(
    reports: Sequence[KeyDevelopment],
    members: Sequence[DocFacts],
    devs: Mapping[str, Sequence[KeyDevelopment]],
    sources: Sources,
) -> list[Contradiction]:
    """Where a story's reports disagree: any figure or date between the reports of its
    lead event (:func:`~briefgen.fuse.developments.contradictions`), and counts of people
    with the same fate ("people missing", "people killed") between any of its documents'
    developments — a story has one toll, however each outlet words it."""
    found = contradictions(reports, sources)
    about = {c.about for c in found}
    everything = [d for f in members for d in devs.get(f.document.id, ())]
    for c in contradictions(everything, sources):
        if c.kind == "figure" and c.about.startswith("people ") and c.about not in about:
            found.append(c)
            about.add(c.about)
    return found


def _evidence(
    reports: Sequence[KeyDevelopment], lead: KeyDevelopment, sources: Sources, limit: int = 5
) -> list[Evidence]:
    """The lead's sentence and one from each other report's document, up to ``limit``
    documents (the lead's always among them), earliest document first."""
    out = list(lead.evidence[:2])
    docs = {ev.doc for ev in out}
    for d in reports:
        if len(docs) >= limit:
            break
        if d.evidence and d.evidence[0].doc not in docs:
            out.append(d.evidence[0])
            docs.add(d.evidence[0].doc)
    return sorted(out, key=lambda ev: sources.sort_key(ev.doc))


def _names(items: Sequence[str], limit: int = 4) -> str:
    shown = list(items[:limit])
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def outlet_count(docs: Sequence[str], sources: Sources) -> int:
    """Distinct outlets of ``docs``: named publishers, and each independent document
    without one counted as its own."""
    unnamed = {sources.source(d) for d in docs if not sources.publisher.get(sources.source(d))}
    return len(outlet_names(docs, sources)) + len(unnamed)


def outlet_names(docs: Sequence[str], sources: Sources) -> list[str]:
    """Distinct publishers of ``docs`` in order (a copy counts as its original's)."""
    out: dict[str, str] = {}
    for d in docs:
        name = sources.publisher.get(sources.source(d)) or ""
        key = " ".join(name.split()).casefold()
        if key:
            out.setdefault(key, " ".join(name.split()))
    return list(out.values())


def independent_docs(
    docs: Sequence[str], sources: Sources, repeats: Mapping[str, str] | None = None
) -> list[str]:
    """One document per independent report: a wire copy stands for its original, and an
    outlet's repeat of its own report (``repeats``: :func:`_repeats`) for its first."""
    again = repeats or {}
    return list(dict.fromkeys(again.get(sources.source(d), sources.source(d)) for d in docs))


def _repeats(reports: Sequence[KeyDevelopment], sources: Sources) -> dict[str, str]:
    """Document → the earlier document of the same outlet that reported the same event
    in the same words (half its content words or more): an outlet repeating itself
    corroborates nothing. Follow-up reports that say something new still count."""
    first: dict[str, list[tuple[str, set[str]]]] = {}
    out: dict[str, str] = {}
    for d in reports:
        if not d.evidence:
            continue
        doc = sources.source(d.evidence[0].doc)
        outlet = " ".join((sources.publisher.get(doc) or "").split()).casefold()
        if not outlet:
            continue
        sig = _stems(d.summary)
        for earlier, other in first.get(outlet, []):
            if earlier != doc and sig and len(sig & other) / len(sig | other) >= 0.5:
                out[doc] = earlier
                break
        else:
            first.setdefault(outlet, []).append((doc, sig))
    return out


def coverage(docs: Sequence[str], sources: Sources) -> list[DayCount]:
    days = Counter(p for d in docs if (p := sources.published.get(d)))
    return [DayCount(date=k, documents=v) for k, v in sorted(days.items())]


def _top_names(facts: Sequence[DocFacts], places: bool, limit: int) -> list[str]:
    """Names most documents of the story give, most documents first."""
    count: Counter[str] = Counter()
    first: dict[str, float] = {}
    for f in facts:
        seen = set()
        for a in f.actors:
            is_place = a.type in ("location", "state")
            if is_place != places or a.salience < 0.2 or a.name in seen:
                continue
            seen.add(a.name)
            count[a.name] += 1
            first[a.name] = max(first.get(a.name, 0.0), a.salience)
    ranked = sorted(count, key=lambda k: (-count[k], -first[k], k))
    return ranked[:limit]


def build_story(
    number: int,
    members: Sequence[DocFacts],
    devs: Mapping[str, Sequence[KeyDevelopment]],
    sources: Sources,
    idf: Mapping[str, float],
    watch_topics: tuple[str, ...],
    newest: int | None,
    span_days: int,
    seen: Seen | None = None,
) -> tuple[Story, KeyDevelopment | None, list[KeyDevelopment]]:
    """One story, its key development and the documents' developments that report it
    (ids are set by the caller)."""
    docs = [f.document.id for f in members]
    outlets = outlet_names(docs, sources)
    dates = sorted(p for d in docs if (p := sources.published.get(d)))
    lead, reports = story_development(members, devs, sources, idf)
    independent = independent_docs(docs, sources, _repeats(reports, sources))
    label = lead.summary if lead is not None else (members[0].document.title or "")
    title_of = {f.document.id: f.document.title for f in members}
    headline = title_of.get(lead.evidence[0].doc, "") if lead and lead.evidence else ""
    if _headline(headline):
        label = headline
    story = Story(
        id=f"s{number}",
        label=" ".join(label.split())[:200],
        documents=docs,
        outlets=outlets,
        first_reported=dates[0] if dates else None,
        last_reported=dates[-1] if dates else None,
        actors=_top_names(members, False, 6),
        places=_top_names(members, True, 4),
        corroboration=max(1, len(independent)),
        coverage=coverage(docs, sources),
    )
    # Ranking: independent coverage first, then outlets, novelty against the last brief,
    # recency and the watchlist.
    score = 1.5 * math.log(1 + len(independent)) + 0.3 * math.log(1 + len(outlets))
    last = _day(story.last_reported)
    if newest is not None and last is not None and span_days > 0:
        score += 0.3 * (1 - min(1.0, (newest - last) / span_days))
    if lead is None:
        story.score = round(score, 4)
        return story, None, []
    evidence = _evidence(reports, lead, sources)
    if seen is not None and seen.active and not seen.known(lead.summary, evidence):
        score += NOVELTY_WEIGHT  # not in the last brief
    if watch_topics and any(mentions_topic(d.summary, watch_topics) for d in reports):
        score += 0.3
    if any(d.watchlist for d in reports):
        score += 0.3
    score += 0.1 * lead.score
    found = story_contradictions(reports, members, devs, sources) if len(independent) > 1 else []
    hedges = sorted(set(lead.hedges))
    letters = [sources.grade.get(d) for d in independent]
    confidence = _confidence(lead.confidence, len(independent), hedges, letters, bool(found))
    known = [x for x in letters if x and x != "F"]
    if known:
        score += {"A": 0.15, "B": 0.1, "C": 0.0, "D": -0.1, "E": -0.15}[min(known)]
    sourcing = lead.sourcing
    if len(independent) > 1:
        also = f"reported by {_names(outlets)}" if outlets else "reported"
        also += f" in {len(independent)} independent documents"
        copies = sum(1 for d in docs if d in sources.original)
        if copies:
            also += f" ({copies} wire cop{'y' if copies == 1 else 'ies'} counted once)"
        sourcing = f"{sourcing}; {also}" if sourcing else also
    if found:
        sourcing += f"; reports differ on {_names([c.about for c in found])}"
    story.score = round(score, 4)
    dev = lead.model_copy(
        update={
            "evidence": evidence,
            "documents": docs,
            "corroboration": max(1, len(independent)),
            "outlets": max(1, outlet_count(docs, sources)),
            "first_reported": story.first_reported,
            "hedges": hedges,
            "who": list(dict.fromkeys(lead.who)),
            "where": list(dict.fromkeys(w for d in reports for w in d.where))[:4],
            "actor_ids": list(dict.fromkeys(a for d in reports for a in d.actor_ids)),
            "watchlist": any(d.watchlist for d in reports),
            "contradictions": found,
            "confidence": confidence,
            "grading": grading(
                independent, sources, bool(hedges) or lead.confidence == "low" or bool(found)
            ),
            "sourcing": sourcing,
            "score": round(score, 4),
        }
    )
    return story, dev, reports
