"""Run a loaded pipeline over texts in batches, inside spaCy memory zones."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Characters of text per spaCy batch, at most (a longer text is a batch of its own).
#: The parser works on a whole batch at once and holds a few kilobytes per token of it,
#: so a batch's memory grows with its text, not its number of documents: 32 of the
#: longest PolNeAR articles (465,000 characters) took a worker process to 1.5 GB, and
#: bounded to 40,000 characters the same articles took 290 MB and a quarter less CPU
#: time (the arrays of smaller batches stay in the processor's caches). On articles of
#: ordinary length (3,000 characters, so 32 of them in 100,000) bounded batches were 5-10 %
#: faster; 20,000 was no faster than 40,000.
BATCH_CHARS = 40_000


def memory_zone(nlp: Language) -> contextlib.AbstractContextManager[Any]:
    """``nlp.memory_zone()`` (spaCy ≥ 3.8): strings and lexemes added inside are freed
    on exit, so a long run does not grow the vocabulary; a no-op on older spaCy."""
    zone = getattr(nlp, "memory_zone", None)
    return zone() if zone is not None else contextlib.nullcontext()


def batches(texts: Iterable[str], batch_size: int, max_chars: int) -> Iterator[list[str]]:
    """``texts`` in order, in batches of at most ``batch_size`` texts and ``max_chars``
    characters (a longer text alone)."""
    batch: list[str] = []
    chars = 0
    for text in texts:
        if batch and (len(batch) >= batch_size or chars + len(text) > max_chars):
            yield batch
            batch, chars = [], 0
        batch.append(text)
        chars += len(text)
    if batch:
        yield batch


def pipe_streamed(
    nlp: Language,
    texts: Iterable[str],
    batch_size: int = 32,
    zone_size: int = 256,
    max_chars: int = BATCH_CHARS,
) -> Iterator[Doc]:
    """Docs in input order, ``zone_size`` texts per memory zone, parsed in batches of at
    most ``batch_size`` texts and ``max_chars`` characters (:data:`BATCH_CHARS`).

    Each Doc must be used before the next one is asked for: when a zone's last Doc
    has been consumed the zone closes and the strings its Docs added are freed. Only
    one batch of Docs is alive at a time, so memory stays flat however many texts.
    """
    it = iter(texts)
    while True:
        chunk = list(islice(it, zone_size))
        if not chunk:
            return
        with memory_zone(nlp):
            for batch in batches(chunk, max(1, batch_size), max_chars):
                yield from nlp.pipe(batch, batch_size=len(batch))
