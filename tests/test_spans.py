"""Re-joining tokens as the source wrote them (:func:`briefgen.extract.spans.join_tokens`)."""

from __future__ import annotations

import spacy

from briefgen.extract.spans import join_tokens


def test_commas_around_a_left_out_phrase_go_with_it() -> None:
    doc = spacy.blank("en")("Le Pen's niece Marion, 26, and her father have endorsed him.")
    kept = [t for t in doc if t.text != "26"]
    assert join_tokens(kept) == "Le Pen's niece Marion and her father have endorsed him."
    # nothing left out: the commas stay as written
    assert join_tokens(list(doc)) == "Le Pen's niece Marion, 26, and her father have endorsed him."


def test_a_doubled_comma_in_the_source_reads_as_one() -> None:
    doc = spacy.blank("en")("He said yes,, then left.")
    assert join_tokens(list(doc)) == "He said yes, then left."
