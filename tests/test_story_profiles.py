"""Story detection on profiles held compactly (issue 17, fusion in bounded memory).

:class:`briefgen.fuse.stories.Profiles` holds every document's term profile in flat
arrays, and the pairs and the clustering work on flat arrays one connected part at a
time: each must compute exactly — to the last bit, ties included — what the
dictionary-based computations did. The oracles below are those computations as they
were, run on small piles we generate (ties in weights, non-positive weights, empty
profiles, documents without a date, wire copies)."""

from __future__ import annotations

import heapq
import math
import random
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

import pytest

from briefgen.fuse.developments import Sources
from briefgen.fuse.stories import (
    CLASS_WEIGHT,
    DAYS_HALF,
    DAYS_SAME,
    MAX_POSTINGS,
    MAX_POSTINGS_SHARE,
    MIN_PAIR,
    TOP_TERMS,
    Profiles,
    _linkage,
    _Pairs,
    average_linkage,
    detect_stories,
    idf_table,
    profile_of,
    similar_pairs,
    split_story,
    topicality,
    vectors,
)
from briefgen.model import DocFacts, DocumentRef

# --- the dictionary-based computations, as they were ------------------------------------


def old_vectors(
    profiles: Sequence[Mapping[str, float]], idf: Mapping[str, float]
) -> list[dict[str, float]]:
    out = []
    for p in profiles:
        v = {
            t: (1.0 + math.log(w)) * idf[t] * CLASS_WEIGHT.get(t[:2], 1.0)
            for t, w in p.items()
            if w > 0
        }
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({t: x / norm for t, x in v.items()})
    return out


def old_pairs(
    vecs: Sequence[Mapping[str, float]], days: Sequence[int | None]
) -> dict[tuple[int, int], float]:
    n = len(vecs)
    cap = max(2, min(MAX_POSTINGS, max(int(MAX_POSTINGS_SHARE * n), 10)))
    tops = [
        [t for t, _ in sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]] for v in vecs
    ]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, top in enumerate(tops):
        for t in top:
            postings[t].append(i)
    pairs: dict[tuple[int, int], float] = {}
    for i, v in enumerate(vecs):
        seen: set[int] = set()
        for t in tops[i]:
            docs = postings[t]
            if len(docs) > cap:
                continue
            seen.update(j for j in docs if j > i)
        for j in seen:
            w = vecs[j]
            small, big = (v, w) if len(v) <= len(w) else (w, v)
            sim = sum(x * big[t] for t, x in small.items() if t in big)
            di, dj = days[i], days[j]
            if di is not None and dj is not None:
                sim /= 1.0 + max(0, abs(di - dj) - DAYS_SAME) / DAYS_HALF
            if sim >= MIN_PAIR:
                pairs[(i, j)] = sim
    return pairs


def old_linkage(n: int, pairs: Mapping[tuple[int, int], float], threshold: float) -> list[int]:
    nbr: list[dict[int, float]] = [{} for _ in range(n)]
    for (i, j), s in pairs.items():
        nbr[i][j] = nbr[i].get(j, 0.0) + s
        nbr[j][i] = nbr[j].get(i, 0.0) + s
    size, version, alive, parent = [1] * n, [0] * n, [True] * n, list(range(n))
    heap = [(-s, i, j, 0, 0) for (i, j), s in pairs.items() if s >= threshold]
    heapq.heapify(heap)
    while heap:
        _, i, j, vi, vj = heapq.heappop(heap)
        if not (alive[i] and alive[j]) or version[i] != vi or version[j] != vj:
            continue
        if i > j:
            i, j = j, i
        alive[j] = False
        parent[j] = i
        for x, s in nbr[j].items():
            if x == i:
                continue
            nbr[i][x] = nbr[i].get(x, 0.0) + s
            del nbr[x][j]
            nbr[x][i] = nbr[i][x]
        nbr[i].pop(j, None)
        nbr[j] = {}
        size[i] += size[j]
        version[i] += 1
        for x, s in nbr[i].items():
            avg = s / (size[i] * size[x])
            if avg >= threshold:
                a, b = (i, x) if i < x else (x, i)
                heapq.heappush(heap, (-avg, a, b, version[a], version[b]))

    def root(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    return [root(k) for k in range(n)]


def old_topicality(facts: Sequence[DocFacts]) -> dict[str, float]:
    profiles = [profile_of(f) for f in facts]
    vecs = old_vectors(profiles, idf_table(profiles))
    centroid: defaultdict[str, float] = defaultdict(float)
    for v in vecs:
        for t, x in v.items():
            centroid[t] += x
    norm = math.sqrt(sum(x * x for x in centroid.values())) or 1.0
    sims = [sum(x * centroid[t] for t, x in v.items()) / norm for v in vecs]
    middle = sorted(sims)[len(sims) // 2] or 1.0
    return {f.document.id: min(1.0, s / middle) for f, s in zip(facts, sims, strict=True)}


# --- small generated piles ----------------------------------------------------------------

WORDS = [f"w{k}" for k in range(40)] + ["tanker", "missile", "say", "court", "vote"]
NAMES = [f"e:name {k}" for k in range(12)] + [f"n:{k} people" for k in range(5)]


def random_profiles(seed: int, n: int) -> list[dict[str, float]]:
    """Profiles of ``n`` documents in a few themes: shared words, shared names, ties in
    weight, the odd non-positive weight and an empty profile."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        theme = rng.randrange(4)
        p: dict[str, float] = {}
        for t in rng.sample(WORDS[theme * 10 : theme * 10 + 14], 7) + rng.sample(WORDS, 4):
            p[t] = float(rng.choice([1, 1, 2, 3, 5]))  # ties on purpose
        for t in rng.sample(NAMES[theme * 3 : theme * 3 + 5], 2):
            p[t] = float(rng.choice([2, 4]))
        p[f"d:2024-06-{10 + theme:02d}"] = 1.0
        if k % 13 == 5:
            p["w0"] = 0.0  # weighs nothing: counted in the IDF, never in a vector
        if k % 17 == 3:
            p = {}
        out.append(p)
    return out


def random_days(seed: int, n: int) -> list[int | None]:
    rng = random.Random(seed + 1)
    return [None if rng.random() < 0.2 else 738_000 + rng.randrange(30) for _ in range(n)]


def facts_of(profiles: Sequence[Mapping[str, float]], days: Sequence[int | None]) -> list[DocFacts]:
    out = []
    for k, (p, d) in enumerate(zip(profiles, days, strict=True)):
        published = None if d is None else f"2024-06-{1 + d - 738_000:02d}"
        document = DocumentRef(id=f"doc{k:03d}", title=f"Report {k}", sha256="0" * 64)
        document.published = published
        out.append(DocFacts(document=document, profile=dict(p)))
    return out


SEEDS = [1, 2, 3, 4]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("background", [True, False])
def test_idf_and_vectors_are_the_dictionaries_exactly(seed: int, background: bool) -> None:
    profiles = random_profiles(seed, 60)
    pile = Profiles.of_profiles(profiles)
    idf = idf_table(profiles, background)
    assert dict(pile.idf_map(background)) == idf
    assert list(pile.idf_map(background)) == list(idf)  # the same order
    assert vectors(profiles, idf) == old_vectors(profiles, idf)


@pytest.mark.parametrize("seed", SEEDS)
def test_pairs_are_the_dictionary_pairs_exactly_in_their_order(seed: int) -> None:
    profiles = random_profiles(seed, 80)
    days = random_days(seed, 80)
    vecs = old_vectors(profiles, idf_table(profiles))
    expected = old_pairs(vecs, days)
    assert expected  # the pile has similar documents
    got = similar_pairs(vecs, days)
    assert list(got.items()) == list(expected.items())


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("threshold", [0.12, 0.3, 0.6])
def test_linkage_by_connected_parts_is_the_whole_graph_linkage(seed: int, threshold: float) -> None:
    rng = random.Random(seed)
    n = 50
    pairs: dict[tuple[int, int], float] = {}
    for _ in range(160):
        i, j = sorted(rng.sample(range(n), 2))
        pairs[(i, j)] = rng.choice([0.05, 0.1, 0.12, 0.2, 0.3, 0.45, 0.6, 0.9, rng.random()])
    assert average_linkage(n, pairs, threshold) == old_linkage(n, pairs, threshold)


def test_linkage_keeps_a_part_whose_mean_rests_on_several_weak_pairs() -> None:
    # 0-1 merge (0.9); then {0,1}-2 averages (0.3 + 0.3) / 2 = 0.3 ≥ 0.25 although
    # each pair to 2 alone is above it: every merge happens inside one connected part.
    pairs = {(0, 1): 0.9, (0, 2): 0.3, (1, 2): 0.3, (3, 4): 0.2, (2, 3): 0.1}
    assert average_linkage(5, pairs, 0.25) == old_linkage(5, pairs, 0.25) == [0, 0, 0, 3, 4]


def test_pairs_override_sets_known_pairs_in_place_and_adds_new_ones_last() -> None:
    found = {(0, 3): 0.2, (1, 2): 0.4, (2, 5): 0.1}
    fixed = {(1, 2): 1.0, (0, 4): 1.0}
    pairs = _Pairs.of_dict(found)
    pairs.override(fixed)
    expected = dict(found)
    expected.update(fixed)
    assert list(pairs.as_dict().items()) == list(expected.items())
    assert _linkage(6, pairs, 0.12) == old_linkage(6, expected, 0.12)


@pytest.mark.parametrize("seed", SEEDS)
def test_topicality_from_profiles_is_the_facts_figure(seed: int) -> None:
    profiles = random_profiles(seed, 40)
    facts = facts_of(profiles, random_days(seed, 40))
    expected = old_topicality(facts)
    assert topicality(facts) == expected
    assert topicality(Profiles.of(facts)) == expected
    assert topicality([]) == {}


@pytest.mark.parametrize("seed", SEEDS)
def test_detect_stories_from_profiles_is_the_facts_grouping(seed: int) -> None:
    n = 90
    profiles = random_profiles(seed, n)
    days = random_days(seed, n)
    facts = facts_of(profiles, days)
    ids = [f.document.id for f in facts]
    sources = Sources(
        published={f.document.id: f.document.published for f in facts},
        original={ids[7]: ids[40], ids[60]: ids[2]},  # wire copies join their originals
        order={d: k for k, d in enumerate(ids)},
    )
    # The grouping as it was computed: pairs, wire copies, linkage, split, order (a
    # document with an empty profile is given one from its title: profile_of).
    profiles = [profile_of(f) for f in facts]
    vecs = old_vectors(profiles, idf_table(profiles))
    pairs = old_pairs(vecs, days)
    for copy, original in sources.original.items():
        a, b = sorted((ids.index(copy), ids.index(original)))
        pairs[(a, b)] = 1.0
    labels = old_linkage(n, pairs, 0.12)
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(lab, []).append(i)
    split = [part for g in groups.values() for part in split_story(g, profiles, days)]
    expected = [sorted(g, key=lambda i: sources.sort_key(ids[i])) for g in split]
    expected.sort(key=lambda g: sources.sort_key(ids[g[0]]))

    pile = Profiles.of(facts)
    assert detect_stories(pile, sources) == expected
    assert detect_stories(facts, sources) == expected
    assert any(len(g) > 1 for g in expected)
    assert labels[7] == labels[40]  # the copy joined its original's cluster


def test_split_story_on_profiles_is_the_split_on_dictionaries() -> None:
    # Two themes of one pile, 12 documents each: within the story they come apart.
    profiles = [p for p in random_profiles(9, 200) if p][:60]
    days: list[int | None] = [738_000] * len(profiles)
    members = list(range(len(profiles)))
    pile = Profiles.of_profiles(profiles, days)
    assert split_story(members, pile) == split_story(members, profiles, days)
    local = pile.subset(members[::2])
    assert local.docs == [pile.docs[i] for i in members[::2]]
    assert dict(local.idf_map(False)) == idf_table(profiles[::2], background=False)


class CountingPile(Sequence[DocFacts]):
    """A lazy pile (as a spool of facts is): counts how often a document is decoded."""

    def __init__(self, facts: list[DocFacts]) -> None:
        self._json = [f.model_dump_json() for f in facts]
        self.reads = 0

    def __len__(self) -> int:
        return len(self._json)

    def __getitem__(self, i: int) -> DocFacts:  # type: ignore[override]
        self.reads += 1
        return DocFacts.model_validate_json(self._json[i])

    def __iter__(self) -> Iterator[DocFacts]:
        for k in range(len(self)):
            yield self[k]


def test_profiles_read_each_document_once_and_answer_for_the_pile() -> None:
    profiles = random_profiles(5, 30)
    facts = facts_of(profiles, random_days(5, 30))
    lazy = CountingPile(facts)
    pile = Profiles.of(lazy)
    assert lazy.reads == len(facts)
    sources = Sources(published={f.document.id: f.document.published for f in facts})
    detect_stories(pile, sources)
    topicality(pile)
    idf = pile.idf_map()
    assert lazy.reads == len(facts)  # detection, topicality and IDF read the profiles only
    expected = idf_table([profile_of(f) for f in facts])
    assert idf.get("w1") == expected.get("w1") and idf.get("nowhere", 1.0) == 1.0
    assert ("tanker" in idf) == ("tanker" in expected) and len(idf) == len(expected)
    assert pile.docs == [f.document.id for f in facts] and pile.derived == 2  # empty profiles


def test_a_document_without_a_profile_of_its_own_is_counted() -> None:
    document = DocumentRef(id="d1", title="Tanker struck in the Red Sea", sha256="0" * 64)
    pile = Profiles.of([DocFacts(document=document)])
    assert pile.derived == 1
    assert dict(pile.idf_map()).keys() == profile_of(DocFacts(document=document)).keys()


def test_released_profiles_keep_the_idf_and_refuse_the_rest() -> None:
    profiles = random_profiles(6, 30)
    pile = Profiles.of_profiles(profiles)
    expected = idf_table(profiles)
    pile.vectors()
    pile.release()
    assert dict(pile.idf_map()) == expected and len(pile) == 30
    with pytest.raises(RuntimeError, match="release"):
        pile.vectors()
    with pytest.raises(RuntimeError, match="release"):
        pile.subset([0, 1])
