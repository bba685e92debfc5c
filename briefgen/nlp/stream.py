"""Run a loaded pipeline over texts in batches, inside spaCy memory zones."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


def memory_zone(nlp: Language) -> contextlib.AbstractContextManager[Any]:
    """``nlp.memory_zone()`` (spaCy ≥ 3.8): strings and lexemes added inside are freed
    on exit, so a long run does not grow the vocabulary; a no-op on older spaCy."""
    zone = getattr(nlp, "memory_zone", None)
    return zone() if zone is not None else contextlib.nullcontext()


def pipe_streamed(
    nlp: Language, texts: Iterable[str], batch_size: int = 32, zone_size: int = 256
) -> Iterator[Doc]:
    """Docs in input order, ``zone_size`` texts per memory zone.

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
            yield from nlp.pipe(chunk, batch_size=batch_size)
