"""Near-duplicate documents: the same wire story run by several outlets.

Identical texts are already counted once at ingest; this finds the *near* copies
(a wire story with another headline, a trimmed or extended version, a different
byline or boilerplate) so that fusion counts them as one source, not as
independent corroboration.

How: each text becomes the set of its word 5-shingles (lower-cased word runs,
every 5 consecutive words hashed to 64 bits). MinHash signatures (64 hash
functions) cut into 32 bands of 2 rows propose candidate pairs through
locality-sensitive hashing (a pair with Jaccard similarity 0.5 becomes a
candidate with probability > 0.9999, one at 0.1 with about 0.27), so the work
grows with the corpus, not with its square. Each candidate is then confirmed on
the exact shingle sets: Jaccard ≥ 0.5, or containment ≥ 0.8 of the shorter
text in the longer (a wire story cut short or with a local paragraph added).
Confirmed pairs are joined (union-find); in each group the earliest published
document (then the first in input order) is the original and the others are its
copies. Texts under 10 words are never grouped.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SHINGLE = 5
HASHES = 64
BANDS = 32
ROWS = HASHES // BANDS
JACCARD = 0.5
CONTAINMENT = 0.8
MIN_WORDS = 10

_WORD = re.compile(r"\w+")
_rng = np.random.default_rng(20231114)  # fixed: signatures are reproducible
_A = _rng.integers(1, 2**63, size=HASHES, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=HASHES, dtype=np.uint64)
_MIX = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0x27D4EB2F165667C5,
        0xFF51AFD7ED558CCD,
    ],
    dtype=np.uint64,
)


@dataclass
class Fingerprint:
    """A document's shingle set (sorted unique hashes) and MinHash signature."""

    doc_id: str
    shingles: np.ndarray
    signature: np.ndarray


def fingerprint(doc_id: str, text: str) -> Fingerprint:
    words = _WORD.findall(text.lower())
    if len(words) < max(SHINGLE, MIN_WORDS):
        empty = np.zeros(0, dtype=np.uint64)
        return Fingerprint(doc_id, empty, empty)
    table = {w: zlib.crc32(w.encode("utf-8")) for w in set(words)}
    ids = np.fromiter(map(table.__getitem__, words), dtype=np.uint64, count=len(words))
    n = len(words) - SHINGLE + 1
    h = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):  # wrapping uint64 arithmetic: a fast, stable 64-bit mix
        h ^= ids[k : k + n] * _MIX[k]
        h = (h << np.uint64(13)) | (h >> np.uint64(51))
    shingles = np.unique(h)
    signature = (np.outer(_A, shingles) + _B[:, None]).min(axis=1)
    return Fingerprint(doc_id, shingles, signature)


def _similar(a: Fingerprint, b: Fingerprint) -> bool:
    inter = len(np.intersect1d(a.shingles, b.shingles, assume_unique=True))
    if not inter:
        return False
    small = min(len(a.shingles), len(b.shingles))
    union = len(a.shingles) + len(b.shingles) - inter
    return inter / union >= JACCARD or inter / small >= CONTAINMENT


def near_duplicates(
    prints: Sequence[Fingerprint], published: Sequence[str | None] = ()
) -> dict[str, str]:
    """``{copy id: original id}`` for every document that nearly duplicates an earlier one.

    ``published`` (parallel to ``prints``, ISO dates or None) decides which member of a
    group is the original: the earliest date, then the first in input order.
    """
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for i, fp in enumerate(prints):
        if not len(fp.signature):
            continue
        for band in range(BANDS):
            part = fp.signature[band * ROWS : (band + 1) * ROWS]
            buckets[(band, part.tobytes())].append(i)
    parent = list(range(len(prints)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                pair = (i, j)
                if pair in checked:
                    continue
                checked.add(pair)
                if find(i) != find(j) and _similar(prints[i], prints[j]):
                    parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(prints)):
        groups[find(i)].append(i)
    dates = list(published) + [None] * (len(prints) - len(published))
    out: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        original = min(members, key=lambda i: (dates[i] or "9999-99-99", i))
        for i in members:
            if i != original:
                out[prints[i].doc_id] = prints[original].doc_id
    return out
