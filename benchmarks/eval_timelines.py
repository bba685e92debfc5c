"""Timelines on t17-dev: date F1 of the brief's day dates against the gold timeline's,
and alignment ROUGE-1 F of the entry texts, beside the date-frequency baseline computed
in the same run.

    python benchmarks/eval_timelines.py [--corpus PATH] [--cache DIR] [--task NAME] [--json OUT]

Each task is built as its ``config.yaml`` asks: the period and ``sections.timeline``
(the gold timeline's number of dates). Absent corpus: prints ``corpus not found at …;
skipping`` and exits 0.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus_facts import DEFAULT_CACHE, facts_of, fuse_pile, read_docs  # noqa: E402
from benchmarks.eval_stories import default_corpus, stop_words  # noqa: E402
from benchmarks.story_scoring import (  # noqa: E402
    Rouge1,
    align_rouge1,
    centrality,
    date_prf,
    f1,
    read_gold_timeline,
)
from briefgen.config import Sections  # noqa: E402
from briefgen.extract.dates import _PATTERNS, _RELATIVE, _WEEKDAY, parse_date  # noqa: E402
from briefgen.fuse import FuseOptions  # noqa: E402
from briefgen.model import Document, Period  # noqa: E402

_EXPRESSIONS = [*_PATTERNS[:5], _RELATIVE, _WEEKDAY]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"\n\s*\n|(?<=[.!?])\s+(?=[A-Z])", text) if s.strip()]


def day_mentions(sentence: str, ref: date | None) -> set[str]:
    """Day dates a sentence mentions, resolved against the publication date."""
    out = set()
    for pattern in _EXPRESSIONS:
        for m in pattern.finditer(sentence):
            val = parse_date(m.group(0), ref=ref)
            if val is not None and val.date and val.precision == "day":
                out.add(val.date)
    return out


def date_frequency(
    documents: list[Document], start: str, end: str, limit: int, stop: frozenset[str]
) -> dict[str, list[str]]:
    """The baseline: the ``limit`` dates mentioned most (publication dates count too),
    inside the period, each with its most central mentioning sentence."""
    count: Counter[str] = Counter()
    said: dict[str, list[str]] = defaultdict(list)
    for d in documents:
        ref = date.fromisoformat(d.published) if d.published else None
        sents = sentences(d.text)
        if d.published:
            count[d.published] += 1
        for s in sents:
            for iso in day_mentions(s, ref):
                count[iso] += 1
                said[iso].append(s)
        if d.published and sents and not said.get(d.published):
            said.setdefault("pub:" + d.published, []).append(sents[min(1, len(sents) - 1)])
    inside = [k for k in count if start <= k <= end]
    top = sorted(inside, key=lambda k: (-count[k], k))[:limit]
    out = {}
    for k in top:
        cands = said.get(k) or said.get("pub:" + k) or []
        if not cands:
            continue
        c = centrality(cands, stop)
        out[k] = [cands[max(range(len(cands)), key=lambda i: c[i])]]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=default_corpus())
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--task", action="append", help="only these tasks (repeatable)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show", type=int, default=0, help="print N entries per task")
    args = ap.parse_args(argv)
    root = args.corpus / "t17-dev"
    if not root.is_dir():
        print(f"corpus not found at {root}; skipping")
        return 0
    stop = stop_words()
    rouge = Rouge1(stop)
    tasks = sorted(p.parent for p in root.glob("*/task.json"))
    if args.task:
        tasks = [t for t in tasks if t.name in args.task]
    rows = []
    print(
        f"{'task':22}{'docs':>6}{'l':>4} | {'P':>6}{'R':>6}{'F':>6}{'R1-F':>7} | "
        f"{'P':>6}{'R':>6}{'F':>6}{'R1-F':>7}   (briefgen | date frequency)"
    )
    t_all = time.perf_counter()
    for task in tasks:
        meta = json.loads((task / "task.json").read_text(encoding="utf-8"))
        cfg = yaml.safe_load((task / "config.yaml").read_text(encoding="utf-8"))
        start, end = str(cfg["period"]["since"]), str(cfg["period"]["until"])
        limit = int(cfg["sections"]["timeline"])
        gold = read_gold_timeline((task / "gold-timeline.txt").read_text(encoding="utf-8"))
        documents = read_docs(sorted((task / "docs").glob("*.md")))
        facts, _ = facts_of(documents, args.cache, label=f"t17-{task.name}")
        options = FuseOptions(
            title=task.name,
            period=Period(start=start, end=end),
            sections=Sections(timeline=limit),
        )
        brief = fuse_pile(documents, facts, options)
        ours: dict[str, list[str]] = defaultdict(list)
        for e in brief.timeline:
            if e.date and e.precision == "day" and start <= e.date <= end:
                ours[e.date].append(e.text)
        base = date_frequency(documents, start, end, limit, stop)
        row = {}
        for name, pred in (("ours", ours), ("base", base)):
            p, r = date_prf(set(pred), set(gold))
            rp, rr, rf = align_rouge1(pred, gold, rouge)
            row[name] = {"p": p, "r": r, "rouge_p": rp, "rouge_r": rr, "rouge_f": rf}
        rows.append(row)
        o, b = row["ours"], row["base"]
        print(
            f"{task.name:22}{len(documents):>6}{limit:>4} | {o['p']:6.3f}{o['r']:6.3f}"
            f"{f1(o['p'], o['r']):6.3f}{o['rouge_f']:7.3f} | {b['p']:6.3f}{b['r']:6.3f}"
            f"{f1(b['p'], b['r']):6.3f}{b['rouge_f']:7.3f}",
            flush=True,
        )
        for e in brief.timeline[: args.show]:
            mark = "*" if e.date in gold else " "
            print(f"   {mark} {e.date} [{len(e.documents)}] {e.text[:120]}")
        del meta
    summary = {}
    for name in ("ours", "base"):
        p = sum(r[name]["p"] for r in rows) / len(rows)
        r_ = sum(r[name]["r"] for r in rows) / len(rows)
        rp = sum(r[name]["rouge_p"] for r in rows) / len(rows)
        rr = sum(r[name]["rouge_r"] for r in rows) / len(rows)
        summary[name] = {"date_p": p, "date_r": r_, "date_f1": f1(p, r_), "rouge1_f": f1(rp, rr)}
    o, b = summary["ours"], summary["base"]
    print(
        f"{'mean (F of means)':32} | {o['date_p']:6.3f}{o['date_r']:6.3f}{o['date_f1']:6.3f}"
        f"{o['rouge1_f']:7.3f} | {b['date_p']:6.3f}{b['date_r']:6.3f}{b['date_f1']:6.3f}"
        f"{b['rouge1_f']:7.3f}"
    )
    print(f"time: {time.perf_counter() - t_all:.1f} s")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
