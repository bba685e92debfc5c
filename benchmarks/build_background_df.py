"""Regenerate ``briefgen/data/background_df.tsv.gz``: the background document frequencies
that story detection blends with a small pile's own (:func:`briefgen.fuse.stories.idf_table`).

    python benchmarks/build_background_df.py [--corpus PATH] [--cache DIR] [--min-df 3]

Built from the general-news parts of the development corpus (``../shared/corpus``):
``polnear-train/text`` (840 US political articles, 7 publishers, 2015–16),
``reuters-dev/text`` (774 Reuters wire stories, 1987) and ``bbc-dev/article`` (50 BBC
articles, 2004–05) — never from ``ecb-dev`` or ``t17-dev``, on which stories and
timelines are scored. Each document's term profile is computed as a build computes it
(:func:`briefgen.extract.profile.term_profile`, through the same parse and extraction);
only its plain lemma terms count (not names, figures or dates, which tell one pile's
stories apart and belong to it; nor a lemma that is a word of one of the document's
names). The table keeps, per lemma, the number of documents
whose profile holds it, for lemmas in at least ``--min-df`` documents: derived counts,
no text. The output is deterministic (sorted, gzip without a time stamp).
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus_facts import ROOT, facts_of, read_docs  # noqa: E402
from benchmarks.eval_stories import default_corpus  # noqa: E402

#: The corpus folders read, and the files of each.
SOURCES = (
    ("polnear-train/text", "*.txt"),
    ("reuters-dev/text", "*.txt"),
    ("bbc-dev/article", "*.txt"),
)
OUT = ROOT / "briefgen" / "data" / "background_df.tsv.gz"


def plain(term: str) -> bool:
    """A lemma term of a profile (not ``e:`` a name, ``n:`` a figure, ``d:``/``y:`` a date)."""
    return term[1:2] != ":"


def document_frequencies(profiles: list[dict[str, float]]) -> Counter[str]:
    """Lemma → documents whose profile holds it, leaving out in each profile the words of
    its names ("trump" of ``e:donald trump``): a name is the pile's, not the language's."""
    df: Counter[str] = Counter()
    for p in profiles:
        names = {w for t in p if t.startswith("e:") for w in t[2:].split()}
        df.update(t for t in p if plain(t) and t not in names)
    return df


def write_table(df: Counter[str], documents: int, min_df: int, out: Path) -> int:
    """Write the table (``# documents\\tN`` line, then ``lemma\\tdf`` sorted by lemma);
    return how many lemmas it holds."""
    rows = sorted((t, k) for t, k in df.items() if k >= min_df and "\t" not in t)
    text = io.StringIO()
    text.write(f"# documents\t{documents}\n")
    for t, k in rows:
        text.write(f"{t}\t{k}\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    tmp.replace(out)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=default_corpus())
    ap.add_argument("--cache", type=Path, default=ROOT / "out" / "background-cache")
    ap.add_argument("--min-df", type=int, default=3)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not (args.corpus / SOURCES[0][0]).is_dir():
        print(f"corpus not found at {args.corpus}; skipping")
        return 0
    profiles: list[dict[str, float]] = []
    for folder, pattern in SOURCES:
        documents = read_docs(sorted((args.corpus / folder).glob(pattern)))
        facts, timings = facts_of(documents, args.cache, label="bg-" + folder.split("/")[0])
        profiles.extend(f.profile for f in facts)
        print(f"{folder}: {len(facts)} documents ({timings['parse'] + timings['extract']:.0f} s)")
    df = document_frequencies(profiles)
    kept = write_table(df, len(profiles), args.min_df, args.out)
    size = args.out.stat().st_size
    print(f"{args.out}: {kept} lemmas of {len(df)} (df ≥ {args.min_df}), {len(profiles)} documents")
    print(f"{size / 1024:.0f} KiB compressed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
