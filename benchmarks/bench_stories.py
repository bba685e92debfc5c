"""Story detection at scale: time and memory of the stories' part of fusion.

    python benchmarks/bench_stories.py                          # 10k and 30k documents
    python benchmarks/bench_stories.py --sizes 10000,30000,100000

Synthetic piles as ``bench_fusion.py`` makes them (each real document's facts copied with
its own id, perturbed names, shifted dates and swapped words), from the real documents'
facts that ``bench_fusion.py`` saved (``--bases``, by default
``out/bench-fusion/project/bases.json``: run it once first). Each size runs in its own
process: the documents' profiles go into :class:`briefgen.fuse.stories.Profiles` one
document at a time (no facts are held), then the pile's IDF, vectors, story detection and
topicality run. Printed per step: its time, the peak resident memory over what was held
before it (sampled every 5 ms) and what it keeps. Not a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

_T = TypeVar("_T")


def _rss() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * 4096 / 1e6


def child(bases_file: Path, n: int) -> None:
    from bench_fusion import perturb

    from briefgen.fuse.developments import Sources
    from briefgen.fuse.stories import Profiles, _day, detect_stories, topicality

    bases = json.loads(bases_file.read_text(encoding="utf-8"))
    ids = [json.loads(b)["document"]["id"] for b in bases]
    peak = [0.0]

    def sample() -> None:
        while True:
            peak[0] = max(peak[0], _rss())
            time.sleep(0.005)

    threading.Thread(target=sample, daemon=True).start()
    gc.collect()
    gc.disable()  # as a build fuses
    t = time.perf_counter()
    base = _rss()
    pile = Profiles()
    published: dict[str, str | None] = {}
    for i in range(n):
        k = i % len(bases)
        data = json.loads(perturb(bases[k], ids[k], i // len(bases) * 97 + k))
        doc = data["document"]
        pile.add(data.get("profile") or {}, doc["id"], _day(doc.get("published")))
        published[doc["id"]] = doc.get("published")
    del bases, ids
    gc.collect()
    print(
        f"{n:>7} documents: profiles {time.perf_counter() - t:6.1f} s (with making the synthetic "
        f"facts), held +{_rss() - base:5.0f} MB, {len(pile.tids) / max(1, n):.0f} terms a "
        f"document, {len(pile.terms)} distinct",
        flush=True,
    )
    sources = Sources(published=published, order={d: k for k, d in enumerate(pile.docs)})

    def step(name: str, fn: Callable[[], _T]) -> _T:
        before = peak[0] = _rss()
        t = time.perf_counter()
        out = fn()
        took = time.perf_counter() - t
        time.sleep(0.02)
        print(
            f"{'':>9}{name:<11} {took:7.2f} s  peak +{peak[0] - before:5.0f} MB  "
            f"kept +{_rss() - before:5.0f} MB",
            flush=True,
        )
        return out

    step("idf", lambda: pile.idf_map())
    step("vectors", lambda: pile.vectors())
    groups = step("detect", lambda: detect_stories(pile, sources))
    step("topicality", lambda: topicality(pile))
    print(f"{'':>9}{len(groups)} stories", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,30000")
    parser.add_argument(
        "--bases", type=Path, default=REPO / "out" / "bench-fusion" / "project" / "bases.json"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.bases, args.child)
        return 0
    if not args.bases.is_file():
        print(f"no base facts at {args.bases}; run benchmarks/bench_fusion.py first (or --bases)")
        return 0
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        subprocess.run(
            [sys.executable, __file__, "--bases", str(args.bases), "--child", str(n)], check=False
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
