"""Fusion at scale: time and peak memory of the fusion process on synthetic corpora.

    python benchmarks/bench_fusion.py                       # 10k and 30k documents
    python benchmarks/bench_fusion.py --sizes 10000,30000,100000 --max-gb 8
    python benchmarks/bench_fusion.py --sizes 10000 --facts spool,compact   # compare

The synthetic corpora are made from real facts: every PolNeAR training article
(``../shared/corpus/polnear-train/text/``) is parsed and extracted once (cached in
``--cache``, by default ``out/bench-fusion/cache``), then each size N is N documents'
``DocFacts``, document i a copy of article ``i mod 840`` with

* its own document id (and every evidence span pointing at it),
* perturbed names: every actor name's last word gets a suffix drawn from the copy number
  (``Trump`` → ``Trumpvel``), the same throughout the copy, so each copy's actors are
  partly new people and partly shared (copies sharing a suffix share the name),
* shifted dates: every ISO date in the facts moves by ``i mod 180`` days,
* perturbed wording: a few common words swapped for synonyms, chosen by the copy number.

Each size runs in its own process (``--child``), which hands the facts to fusion as a
build of that many documents does (``--facts spool``, the default: each document's facts
JSON written to a :class:`briefgen.store.spool.Spool` on disk, as
:func:`briefgen.facts.collect_facts` does from ``SPOOL_FROM`` documents on; ``held``:
validated and held as objects; ``compact``: held and compacted, as a smaller build does),
then runs :func:`briefgen.fuse.fuse` with the appendix written to a file as it is handed
over, and writes the brief's JSON. Printed per size: the time to load, to fuse and to
write the JSON, per-document fusion time, the resident memory once the facts are loaded
and the peak of the whole process (``ru_maxrss``). A watchdog stops a child whose memory
passes ``--max-gb`` (the machine is shared) and reports it. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_build  # noqa: E402 - corpus pick and project writing, shared

SUFFIXES = ["vel", "ko", "ard", "ini", "sen", "ov", "ez", "mann", "by", "ton", "ra", "ski"]
SYNONYMS = [
    ("said", "stated"),
    ("officials", "authorities"),
    ("announced", "declared"),
    ("meeting", "talks"),
    ("campaign", "drive"),
    ("president", "leader"),
    ("reported", "noted"),
]
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def base_facts(corpus: Path, cache: Path, articles: int | None = None) -> list[str]:
    """The facts of the PolNeAR training articles (all, or ``articles`` of them picked as
    ``bench_build.py`` picks) as cached JSON (parsed once)."""
    from briefgen.config import load_config
    from briefgen.facts import collect_facts
    from briefgen.ingest import ingest

    text_dir = corpus / "polnear-train" / "text"
    files = sorted(text_dir.glob("*.txt"))
    meta = bench_build.read_metadata(corpus)
    if articles:
        files = bench_build.pick(files, meta, articles)
    root = cache.parent / "project"
    root.mkdir(parents=True, exist_ok=True)
    args = argparse.Namespace(
        formats="json", model="auto", batch_size=32, n_process="auto", grade=[]
    )
    config_path = bench_build.write_project(root, files, meta, args)
    text = config_path.read_text(encoding="utf-8").replace("  dir: cache", f"  dir: {cache}")
    config_path.write_text(text, encoding="utf-8")
    config = load_config(config_path)
    documents = ingest(config).documents
    facts = collect_facts(config, documents)
    return [f.model_dump_json() for f in facts]


_PATTERNS: dict[str, re.Pattern[str] | None] = {}
_SYNONYM = re.compile(r"\b(" + "|".join(a for a, _ in SYNONYMS) + r")\b")


def _names(base: str) -> re.Pattern[str] | None:
    """One pattern for the last words of a document's actor names (cached per document)."""
    if base not in _PATTERNS:
        data = json.loads(base)
        names = set()
        for a in data.get("actors", []):
            names.add(a["name"])
            names.update(a.get("aliases", []))
        lasts = {n.split()[-1] for n in names if n.split() and n.split()[-1][:1].isupper()}
        alternation = "|".join(re.escape(w) for w in sorted(lasts, key=len, reverse=True))
        _PATTERNS[base] = re.compile(rf"\b({alternation})\b") if lasts else None
    return _PATTERNS[base]


def perturb(base: str, base_id: str, copy: int) -> str:
    """Copy ``copy`` of one document's facts (JSON): new id, names, dates and wording."""
    new_id = f"{copy:08x}{base_id[8:]}"[: len(base_id)]
    text = base.replace(base_id, new_id)
    suffix = SUFFIXES[copy % len(SUFFIXES)] + SUFFIXES[(copy // len(SUFFIXES)) % len(SUFFIXES)]
    names = _names(base)
    if names is not None:
        text = names.sub(lambda m: m[0] + suffix, text)
    shift = timedelta(days=copy % 180)

    def move(m: re.Match[str]) -> str:
        try:
            return (date(int(m[1]), int(m[2]), int(m[3])) + shift).isoformat()
        except (ValueError, OverflowError):  # not a date, or the 9999 sort key
            return m[0]

    text = ISO.sub(move, text)
    swaps = {a: b for k, (a, b) in enumerate(SYNONYMS) if (copy >> k) & 1}
    if swaps:
        text = _SYNONYM.sub(lambda m: swaps.get(m[0], m[0]), text)
    return text


def child(sizes_file: Path, n: int, compact: bool, spill: bool, held: bool = False) -> None:
    """One size, in this process: load, fuse, serialise; print one JSON line of figures.

    The facts are written to a :class:`briefgen.store.spool.Spool` (on disk, as a build
    hands a large pile to fusion) unless ``held``: then they are held as objects
    (compacted when ``compact``), as before issue 17's item 4.

    ``spill``: as a build does it, the appendix written to a file as fusion hands it over
    and the JSON output spliced from it (:mod:`briefgen.store.spill`); else the whole
    brief serialised in memory (before issue 17's item 4)."""
    import tempfile

    from briefgen.fuse import FuseOptions, fuse
    from briefgen.model import DocFacts
    from briefgen.render.output import write_outputs
    from briefgen.store.heap import gc_paused
    from briefgen.store.spill import AppendixSpill, SplicedJson
    from briefgen.store.spool import Spool

    bases = json.loads(sizes_file.read_text(encoding="utf-8"))
    ids = [json.loads(b)["document"]["id"] for b in bases]
    t0 = time.perf_counter()
    facts: Any = [] if held else Spool(DocFacts, compress=True)
    compactor = None
    if compact and held:
        from briefgen.store.compact import Compactor

        compactor = Compactor()
    made = 0.0
    for i in range(n):
        k = i % len(bases)
        t = time.perf_counter()
        text = perturb(bases[k], ids[k], i // len(bases) * 97 + k)
        made += time.perf_counter() - t
        if not held:
            facts.append_json(text.encode("utf-8"))
            continue
        got = DocFacts.model_validate_json(text)
        facts.append(compactor.compact(got) if compactor else got)
    load = time.perf_counter() - t0 - made  # validating (and compacting): what a cache read costs
    compactor = None  # its tables go with collect_facts() in a build, before fusion
    del bases
    held_mb = _rss_mb()
    work = Path(tempfile.mkdtemp(prefix="bench-fusion-"))
    writer = AppendixSpill(work) if spill else None
    t1 = time.perf_counter()
    when = datetime(2024, 1, 1, tzinfo=timezone.utc)
    more: dict[str, int] = {}

    def sink(section: str, items: Sequence[Any]) -> None:
        more[section] = len(items)
        assert writer is not None
        writer.section(section, items)

    with gc_paused():  # as the build fuses
        brief = fuse(facts, FuseOptions(), when, appendix=sink if writer else None)
    if writer is None:
        more = {k: len(v) for k, v in brief.appendix}
    if not held:
        facts.close()
    del facts
    fragment = writer.finish() if writer else None
    fused = time.perf_counter() - t1
    after = _rss_mb()
    t2 = time.perf_counter()
    data = (
        SplicedJson.of_brief(brief, fragment)
        if fragment
        else (brief.to_json() + "\n").encode("utf-8")
    )
    [path] = write_outputs({"json": data}, work, "brief")
    size = path.stat().st_size
    dump = time.perf_counter() - t2
    for file in work.iterdir():
        file.unlink()
    work.rmdir()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "n": n,
                "make_s": round(made, 2),
                "load_s": round(load, 2),
                "fuse_s": round(fused, 2),
                "json_s": round(dump, 2),
                "held_mb": round(held_mb),
                "fused_mb": round(after),
                "peak_mb": round(peak),
                "json_mb": round(size / 1e6, 1),
                "stories": len(getattr(brief, "stories", []) or []),
                "developments": len(brief.key_developments) + more["key_developments"],
                "actors": len(brief.actors) + more["actors"],
            }
        )
    )


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(bases: Path, n: int, facts: str, max_gb: float, spill: bool) -> dict | None:
    cmd = [sys.executable, __file__, "--child", str(n), "--bases", str(bases)]
    cmd.append(f"--child-facts={facts}")
    if spill:
        cmd.append("--child-spill")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    killed = threading.Event()

    def watch() -> None:
        while proc.poll() is None:
            rss = bench_build._tree_rss_mb(proc.pid)
            if rss > max_gb * 1000:
                killed.set()
                proc.kill()
                return
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()
    out, _ = proc.communicate()
    if killed.is_set():
        print(f"  N={n}: stopped, resident memory passed {max_gb:g} GB", flush=True)
        return None
    if proc.returncode != 0:
        print(f"  N={n}: failed ({proc.returncode})", flush=True)
        return None
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,30000")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("BRIEFGEN_CORPUS", bench_build.DEFAULT_CORPUS)),
    )
    parser.add_argument("--cache", type=Path, default=REPO / "out" / "bench-fusion" / "cache")
    parser.add_argument(
        "--articles",
        type=int,
        help="use this many PolNeAR articles as the real facts (default all 840); "
        "bench_dask.py --keep DIR leaves 400 cached in DIR/local/cache",
    )
    parser.add_argument("--max-gb", type=float, default=8.0, help="stop a child above this")
    parser.add_argument(
        "--facts",
        default="spool",
        help="how the fusion process holds the facts, comma-separated modes to compare: "
        "spool (on disk, read in passes, as a build of a large pile does), held (as "
        "objects), compact (as objects with repeats shared: briefgen.store.compact)",
    )
    parser.add_argument(
        "--appendix",
        choices=["spill", "memory"],
        default="spill",
        help="write the appendix to a file as fusion hands it over (as a build does) or "
        "serialise the whole brief in memory (as before)",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--bases", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-facts", default="spool", help=argparse.SUPPRESS)
    parser.add_argument("--child-spill", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode = args.child_facts
        child(args.bases, args.child, mode == "compact", args.child_spill, mode != "spool")
        return 0
    if not (args.corpus / "polnear-train" / "text").is_dir():
        print(f"corpus not found at {args.corpus}; skipping")
        return 0
    t0 = time.perf_counter()
    bases = base_facts(args.corpus, args.cache.absolute(), args.articles)
    bases_file = args.cache.parent / "project" / "bases.json"
    bases_file.write_text(json.dumps(bases), encoding="utf-8")
    load = os.getloadavg()[0]
    print(
        f"fusion benchmark: {len(bases)} real documents' facts ({time.perf_counter() - t0:.0f} s "
        f"to get), sizes {args.sizes}, load average {load:.1f}",
        flush=True,
    )
    modes = [m.strip() for m in args.facts.split(",") if m.strip()]
    if not set(modes) <= {"spool", "held", "compact"}:
        parser.error("--facts: modes are spool, held and compact")
    head = (
        f"{'N':>7} {'facts':>7} {'load s':>7} {'fuse s':>7} {'ms/doc':>7} {'json s':>7} "
        f"{'held MB':>8} {'kB/doc':>7} {'peak MB':>8} {'JSON MB':>8} {'devs':>7} {'actors':>7}"
    )
    rows = []
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        for mode in modes:
            got = run_child(bases_file, n, mode, args.max_gb, args.appendix == "spill")
            if got is None:
                continue
            got["facts"] = mode
            rows.append(got)
            print(
                f"  N={n} facts={mode}: fuse {got['fuse_s']:.1f} s, peak {got['peak_mb']} MB",
                flush=True,
            )
    print(head)
    for r in rows:
        print(
            f"{r['n']:>7} {r['facts']:>7} {r['load_s']:>7.1f} "
            f"{r['fuse_s']:>7.1f} {1000 * r['fuse_s'] / r['n']:>7.2f} {r['json_s']:>7.1f} "
            f"{r['held_mb']:>8} {1000 * r['held_mb'] / r['n']:>7.0f} {r['peak_mb']:>8} "
            f"{r['json_mb']:>8} {r['developments']:>7} "
            f"{r['actors']:>7}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
