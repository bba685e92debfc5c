"""Stories on ecb-dev: B³ F1, distinct events among the top 8, purity and corroboration
recall of the top 8, beside the TF-IDF clustering baseline computed in the same run.

    python benchmarks/eval_stories.py [--corpus PATH] [--cache DIR] [--json OUT]
    python benchmarks/eval_stories.py --scale 1000,2000,4000,8000   # near-linear?

Absent corpus: prints ``corpus not found at …; skipping`` and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus_facts import DEFAULT_CACHE, facts_of, fuse_pile, read_docs  # noqa: E402
from benchmarks.story_scoring import (  # noqa: E402
    average_linkage,
    b_cubed,
    tfidf_matrix,
    top_k,
)
from briefgen.fuse import FuseOptions  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def default_corpus() -> Path:
    return Path(os.environ.get("BRIEFGEN_CORPUS") or ROOT.parent / "shared" / "corpus")


def read_key(folder: Path) -> dict[str, str]:
    out = {}
    for line in (folder / "key.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 2:
            out[parts[0]] = parts[1]
    return out


def stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def baseline(
    texts: list[str], ids: list[str]
) -> tuple[dict[str, str], list[tuple[list[str], int]]]:
    """TF-IDF of whole documents, average linkage at cosine 0.2, clusters ranked by size."""
    m = tfidf_matrix(texts, stop_words())
    labels = average_linkage(m @ m.T, 0.2)
    clusters: dict[int, list[str]] = {}
    for doc, lab in zip(ids, labels, strict=True):
        clusters.setdefault(lab, []).append(doc)
    ranked = sorted(clusters.values(), key=lambda c: -len(c))
    pred = {d: str(labels[i]) for i, d in enumerate(ids)}
    return pred, [(c, len(c)) for c in ranked]


def scale(sizes: list[int]) -> None:
    """Story detection alone on synthetic piles (topics of 60 terms, each document 30 of
    its topic's terms and 40 common ones): seconds and milliseconds per document, which
    stay flat when detection is near-linear."""
    import random

    from briefgen.fuse.stories import average_linkage, idf_table, similar_pairs, vectors

    rng = random.Random(1)
    vocab = [f"w{i}" for i in range(20000)]
    for n in sizes:
        topics = [rng.sample(vocab, 60) for _ in range(max(1, n // 8))]
        profiles = []
        for _ in range(n):
            topic = topics[rng.randrange(len(topics))]
            p = {w: float(rng.randint(1, 4)) for w in rng.sample(topic, 30)}
            p.update({w: 1.0 for w in rng.sample(vocab[:2000], 40)})
            profiles.append(p)
        t0 = time.perf_counter()
        vecs = vectors(profiles, idf_table(profiles))
        pairs = similar_pairs(vecs, [None] * n)
        labels = average_linkage(n, pairs, 0.12)
        dt = time.perf_counter() - t0
        print(
            f"scale: {n} documents, {len(pairs)} similar pairs, {len(set(labels))} stories: "
            f"{dt:.2f} s, {dt / n * 1000:.2f} ms per document"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=default_corpus())
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show", type=int, default=8, help="print the first N stories")
    ap.add_argument(
        "--scale", help="only time story detection on synthetic piles of these sizes (1000,4000)"
    )
    args = ap.parse_args(argv)
    if args.scale:
        scale([int(x) for x in args.scale.split(",")])
        return 0
    folder = args.corpus / "ecb-dev"
    if not folder.is_dir():
        print(f"corpus not found at {folder}; skipping")
        return 0
    key = read_key(folder)
    paths = sorted((folder / "docs").glob("*.md"))
    documents = read_docs(paths)
    gold = {d.id: key[p.name] for d, p in zip(documents, paths, strict=True) if p.name in key}
    t0 = time.perf_counter()
    facts, timings = facts_of(documents, args.cache, label="ecb")
    t1 = time.perf_counter()
    brief = fuse_pile(documents, facts, FuseOptions(title="ecb-dev"))
    t_fuse = time.perf_counter() - t1
    stories = getattr(brief, "stories", None) or []
    pred: dict[str, str] = {}
    if stories:
        for s in stories:
            for d in s.documents:
                pred[d] = s.id
    else:
        for k, dev in enumerate(brief.key_developments + brief.appendix.key_developments):
            for d in dev.documents or [ev.doc for ev in dev.evidence]:
                pred.setdefault(d, f"kd{k}")
    devs = [
        (list(dev.documents or {ev.doc for ev in dev.evidence}), dev.corroboration)
        for dev in brief.key_developments + brief.appendix.key_developments
    ]
    ours = b_cubed(pred, gold)
    ours_top = top_k(devs, gold)
    t2 = time.perf_counter()
    ids = [d.id for d in documents]
    base_pred, base_devs = baseline([d.text for d in documents], ids)
    t_base = time.perf_counter() - t2
    base = b_cubed(base_pred, gold)
    base_top = top_k(base_devs, gold)
    print(f"ecb-dev: {len(documents)} documents, {len(set(gold.values()))} events")
    print(f"{'':28}{'briefgen':>10}{'TF-IDF':>10}")
    rows = [
        ("B3 precision", ours[0], base[0]),
        ("B3 recall", ours[1], base[1]),
        ("B3 F1", ours[2], base[2]),
        ("distinct events in top 8", ours_top["distinct"], base_top["distinct"]),
        ("largest 8 events in top 8", ours_top["largest_in_top"], base_top["largest_in_top"]),
        ("purity@8", ours_top["purity"], base_top["purity"]),
        (
            "corroboration recall@8",
            ours_top["corroboration_recall"],
            base_top["corroboration_recall"],
        ),
    ]
    for name, a, b in rows:
        print(
            f"{name:28}{a:>10.3f}{b:>10.3f}" if isinstance(a, float) else f"{name:28}{a:>10}{b:>10}"
        )
    print(
        f"stories: {len(stories)}; time: facts {t1 - t0:.1f} s "
        f"(parse {timings['parse']:.1f}, extract {timings['extract']:.1f}), "
        f"fuse {t_fuse:.2f} s, baseline {t_base:.1f} s"
    )
    for k, dev in enumerate(brief.key_developments[: args.show]):
        events = Counter(gold.get(d, "?") for d in dev.documents)
        print(
            f"  {k + 1}. [{dev.corroboration} docs, {getattr(dev, 'outlets', '?')} outlets] "
            f"{dict(events.most_common(3))} {dev.summary[:110]}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "briefgen": dict(zip(("p", "r", "f1"), ours, strict=True)) | ours_top,
                    "baseline": dict(zip(("p", "r", "f1"), base, strict=True)) | base_top,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
