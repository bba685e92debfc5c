"""The nlp stage's batching: spaCy batches bounded by characters as well as documents."""

from __future__ import annotations

import spacy

from briefgen.nlp.stream import batches, pipe_streamed


def test_batches_hold_at_most_so_many_texts_and_characters() -> None:
    texts = ["a" * 10, "b" * 10, "c" * 25, "d" * 5, "e" * 5, "f" * 5, "g" * 5]
    got = list(batches(texts, batch_size=3, max_chars=30))
    assert got == [["a" * 10, "b" * 10], ["c" * 25, "d" * 5], ["e" * 5, "f" * 5, "g" * 5]]
    assert [t for batch in got for t in batch] == texts  # every text once, in order


def test_a_text_longer_than_the_bound_is_a_batch_of_its_own() -> None:
    texts = ["short", "x" * 100, "tiny", "y" * 100]
    assert list(batches(texts, batch_size=32, max_chars=50)) == [
        ["short"],
        ["x" * 100],
        ["tiny"],
        ["y" * 100],
    ]
    assert list(batches([], batch_size=32, max_chars=50)) == []


def test_pipe_streamed_gives_every_doc_in_input_order() -> None:
    nlp = spacy.blank("en")
    texts = [f"Text number {i} has {'many ' * (i % 5)}words." for i in range(40)]
    # small zones and batches, so that texts cross zone and batch boundaries
    docs = [doc.text for doc in pipe_streamed(nlp, texts, batch_size=4, zone_size=7, max_chars=60)]
    assert docs == texts
