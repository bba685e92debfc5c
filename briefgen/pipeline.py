"""The whole job, stage after stage: ``build(config) -> BuildResult``.

sources → ingest → nlp → extract → fuse → render → atomic write. The Brief is
assembled and every format rendered in memory before any file is written, so a
failed run leaves the previous brief intact.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Brief, DocFacts, Document

if TYPE_CHECKING:
    from spacy.language import Language

    from .config import Config
    from .ingest import Skipped

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    brief: Brief
    paths: list[Path]
    skipped: list[Skipped] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def now() -> datetime:
    """Build time; ``SOURCE_DATE_EPOCH`` pins it for reproducible builds and golden files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def load_nlp(model: str, base_dir: Path | None, watch_actors: Sequence[str] = ()) -> Language:
    from .nlp import add_sentence_fixer, add_watchlist_ruler, resolve_model

    nlp = resolve_model(model, base_dir)
    add_sentence_fixer(nlp)
    add_watchlist_ruler(nlp, list(watch_actors))
    return nlp


def extract_documents(
    nlp: Language,
    documents: Sequence[Document],
    watch_actors: Sequence[str] = (),
    watch_topics: Sequence[str] = (),
    batch_size: int = 32,
    n_process: int = 1,
) -> Iterator[DocFacts]:
    """Parse documents in batches and extract each one's facts, in input order."""
    from .extract import ExtractOptions, extract
    from .nlp import model_name, pipe

    opts = ExtractOptions(tuple(watch_actors), tuple(watch_topics))
    name = model_name(nlp)
    texts = (d.text for d in documents)
    for doc, document in zip(pipe(nlp, texts, batch_size, n_process), documents):
        facts = extract(doc, document, opts)
        facts.model = name
        yield facts


def build(
    config: Config,
    formats: Sequence[str] | None = None,
    out_dir: Path | None = None,
    generated_at: datetime | None = None,
) -> BuildResult:
    """Run the whole pipeline for one configuration and write the outputs."""
    from .fuse import FuseOptions, fuse
    from .ingest import ingest
    from .render import render, write_outputs

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    ingested = ingest(config)
    timings["ingest"] = time.perf_counter() - t0
    log.info("ingest: %d document(s), %d skipped (%.2f s)", len(ingested.documents),
             len(ingested.skipped), timings["ingest"])

    t1 = time.perf_counter()
    nlp = load_nlp(config.nlp.model, config.base_dir, config.watchlist.actors)
    timings["model"] = time.perf_counter() - t1
    log.info("nlp: loaded %s (%.2f s)", nlp.meta.get("name", "model"), timings["model"])

    t2 = time.perf_counter()
    facts = list(extract_documents(
        nlp, ingested.documents, config.watchlist.actors, config.watchlist.topics,
        config.nlp.batch_size, config.nlp.n_process,
    ))
    timings["extract"] = time.perf_counter() - t2
    log.info("extract: %d document(s) (%.2f s)", len(facts), timings["extract"])

    t3 = time.perf_counter()
    when = generated_at or now()
    brief = fuse(facts, FuseOptions(
        title=config.title, marking=config.marking_info(),
        watch_topics=tuple(config.watchlist.topics),
    ), when)
    timings["fuse"] = time.perf_counter() - t3
    log.info("fuse: %d development(s), %d actor(s), %d statement(s), %d risk(s), "
             "%d question(s), %d timeline entries (%.2f s)", len(brief.key_developments),
             len(brief.actors), len(brief.statements), len(brief.risks),
             len(brief.open_questions), len(brief.timeline), timings["fuse"])

    t4 = time.perf_counter()
    fmts = list(formats or config.output.formats)
    templates = config.resolve(config.templates) if config.templates else None
    outputs = render(brief, fmts, templates, author=config.author,
                     pdf_variant=config.output.pdf_variant)
    target = out_dir or config.output_dir()
    paths = write_outputs(outputs, target, config.output_stem(when.astimezone()))
    timings["render"] = time.perf_counter() - t4
    log.info("render: %s (%.2f s)", ", ".join(str(p) for p in paths), timings["render"])
    return BuildResult(brief=brief, paths=paths, skipped=list(ingested.skipped),
                       timings=timings)


def single_briefs(
    files: Sequence[Path], out_dir: Path, model: str = "auto", batch_size: int = 32,
    generated_at: datetime | None = None,
) -> tuple[list[Path], list[tuple[str, str]]]:
    """``briefgen extract``: one single-document Brief JSON per input file."""
    from .fuse import FuseOptions, fuse
    from .ingest import SkippedInput, display_path, read_file
    from .render import write_outputs

    documents: list[Document] = []
    stems: list[str] = []
    skipped: list[tuple[str, str]] = []
    for path in files:
        try:
            documents.append(read_file(path))
            stems.append(path.stem)
        except SkippedInput as exc:
            skipped.append((display_path(path, Path.cwd()), exc.reason))
            log.warning("skipped %s: %s", path, exc.reason)
        except OSError as exc:
            skipped.append((str(path), exc.strerror or str(exc)))
            log.warning("skipped %s: %s", path, exc.strerror or exc)
    written: list[Path] = []
    if not documents:
        return written, skipped
    nlp = load_nlp(model, Path.cwd())
    when = generated_at or now()
    for stem, facts in zip(stems, extract_documents(nlp, documents, batch_size=batch_size)):
        brief = fuse([facts], FuseOptions(title=facts.document.title), when)
        data = (brief.to_json() + "\n").encode("utf-8")
        written += write_outputs({"json": data}, out_dir, stem)
    return written, skipped
