"""Python's cyclic garbage collector around the stages that make many objects.

At hundreds of documents the collector's full collections, which walk every live
object, cost more than the stages themselves. The pipeline wraps its stages in
these: reading cached facts and fusion make only small acyclic objects
(:func:`gc_paused`); parsing makes Docs with reference cycles, collected at
checkpoints (:func:`gc_checkpoints`); rendering makes many short-lived objects
beside a large brief that stays (:func:`gc_frozen`).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the block runs."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def gc_frozen() -> Iterator[None]:
    """The objects alive now (facts, the brief) left out of collections (``gc.freeze``)
    while the block runs."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def gc_checkpoints() -> Iterator[Callable[[], None]]:
    """A ``checkpoint()`` that collects garbage (the parsed Docs, which hold reference
    cycles) and freezes what survives (the facts so far), so that later collections
    stop walking an ever larger heap; everything is unfrozen at the end."""

    def checkpoint() -> None:
        gc.collect()
        gc.freeze()

    try:
        yield checkpoint
    finally:
        gc.unfreeze()
