"""Pathological articles: how long one hostile text takes, end to end.

    python benchmarks/bench_hostile.py              # every attack text
    python benchmarks/bench_hostile.py --only talks,url

Each text (written here, never taken from a corpus) is read, parsed and extracted by
``briefgen extract`` in its own process, timed wall-clock, with its peak memory (from
``wait4``) and the warnings it printed (what was cut). A normal article of the same
length is the yardstick. The texts are those of issue 15: one-word sentences, Markdown
emphasis runs, hyphen chains, a 60 KB URL-like token, short quotations. Prints one table;
it is a measurement, not a test. Target: every text within a small multiple of the
normal article's time (the work per document is bounded: see SECURITY.md).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NORMAL = (
    "Delegations from Ukraine and Russia met in Geneva on Tuesday to discuss grain exports "
    "through the Black Sea, the Turkish foreign ministry said in a statement. The talks "
    "lasted six hours and ended without an agreement, officials said.\n\n"
)

TEXTS = {
    "normal": ("normal.txt", "Grain talks\n\n" + NORMAL * 850),
    "talks": ("talks.txt", "Talks\n\n" + "Talks.\n\n" * 30_000),
    "stars": ("stars.md", "# Stars\n\n" + "*a " * 100_000),
    "hyphens": ("hyphens.txt", "Hyphens\n\n" + "a-" * 500_000),
    "url": ("url.txt", "Link\n\nSee http://a.b/" + "http://a.b/" * 5_500 + " for more.\n"),
    "colons": ("colons.txt", "Colons\n\nSee " + "a:b" * 20_000 + " here.\n"),
    "quotes": ("quotes.txt", "Quotes\n\n" + "\u201cYes,\u201d he said. " * 12_000),
}


def run_one(briefgen: Path, path: Path, out: Path) -> tuple[float, float, list[str]]:
    """Seconds, peak resident MB and warning lines of ``briefgen extract`` on ``path``."""
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(briefgen), "extract", "--out", str(out), str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024  # kB on Linux
    warnings = [line for line in err.splitlines() if "warning" in line or "error" in line]
    if proc.returncode != 0:
        warnings.append(f"exit code {proc.returncode}")
    return seconds, peak, warnings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma-separated names: " + ", ".join(TEXTS))
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(TEXTS)
    briefgen = Path(sys.executable).with_name("briefgen")
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        root = Path(tmp)
        print(f"{'text':<8} {'chars':>9} {'seconds':>8} {'peak MB':>8}  what was cut")
        for name in names:
            file, text = TEXTS[name]
            path = root / file
            path.write_text(text, encoding="utf-8")
            seconds, peak, warnings = run_one(briefgen, path, root / "out")
            what = "; ".join(w.split(": ", 2)[-1][:90] for w in warnings) or "-"
            print(f"{name:<8} {len(text):>9,} {seconds:>8.1f} {peak:>8.0f}  {what}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
