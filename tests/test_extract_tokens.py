"""The cheaper ways extraction reads a Doc give what the plain ways give: the token list
of a Doc (:func:`~briefgen.extract.spans.doc_tokens`), a paragraph's start
(:func:`~briefgen.extract.statements.paragraph_start`) and the term profile's content
words."""

from __future__ import annotations

import random

import pytest
import spacy
from spacy.tokens import Doc

from briefgen.extract import statements
from briefgen.extract.profile import _content_lemmas
from briefgen.extract.spans import doc_tokens, span_text, span_tokens


def test_doc_tokens_are_the_docs_tokens_built_once() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("Talks resumed on Monday. Both sides said little. “Nothing yet,” she said.")
    tokens = doc_tokens(doc)
    assert [t.i for t in tokens] == list(range(len(doc)))
    assert [t.text for t in tokens] == [t.text for t in doc]
    assert doc_tokens(doc) is tokens  # the same list while the Doc is the one extracted
    for sent in doc.sents:
        assert [t.i for t in span_tokens(sent)] == [t.i for t in sent]
    other = nlp("Another document.")
    assert [t.text for t in doc_tokens(other)] == ["Another", "document", "."]
    assert doc_tokens(doc) is not tokens  # a new Doc took the slot; built again


def test_span_text_is_spacys_span_text() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("First line ends here.  \n\nThen   a gap. Last, with a space at the end ")
    spans = [*doc.sents, doc[0:0], doc[2:7], doc[len(doc) - 3 :]]
    for span in spans:
        assert span_text(span) == span.text


def _scan(text: str, pos: int) -> int:
    """The whole-window scan ``paragraph_start`` stands for."""
    lo = max(0, pos - statements._PARAGRAPH_WINDOW)
    ends = [m.end() for m in statements._PARAGRAPH.finditer(text, lo, pos)]
    return ends[-1] if ends else lo


@pytest.mark.parametrize(
    "text",
    [
        "No break at all here.",
        'He said so.\n"Then it ended," she said.',
        "A wrapped\nline of wire copy\nthat goes on.",
        "One.\n\n\nTwo, after blank lines.\n  \t\nThree.",
        "Ends with a break.\n\n",
        "“Quoted.”\n \n“Again.”\nlower case goes on\nUpper starts anew.",
    ],
)
def test_paragraph_start_is_the_last_break_of_the_window(text: str) -> None:
    for pos in range(len(text) + 1):
        assert statements.paragraph_start(text, pos) == _scan(text, pos), pos


@pytest.mark.parametrize("window", [4000, 5, 12, 40])
def test_paragraph_start_on_random_texts(monkeypatch: pytest.MonkeyPatch, window: int) -> None:
    # Breaks are runs of spaces, tabs and newlines after sentence ends and before capitals
    # or quotes; a short window cuts through such runs at every possible place.
    monkeypatch.setattr(statements, "_PARAGRAPH_WINDOW", window)
    rnd = random.Random(window)
    alphabet = ["a", "A", ".", "!", '"', "“", "”", "'", " ", "\t", "\n", "\n", "x"]
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 60)))
        pos = rnd.randint(0, len(text))
        assert statements.paragraph_start(text, pos) == _scan(text, pos), (text, pos)


def test_content_lemmas_follow_the_token_rules() -> None:
    vocab = spacy.blank("en").vocab
    words = ["The", "senators", "voted", "on", "it", "in", "Paris", "at", "10", "am", "ok"]
    pos = ["DET", "NOUN", "VERB", "ADP", "PRON", "ADP", "PROPN", "ADP", "NUM", "NOUN", "INTJ"]
    lemmas = ["the", "senator", "vote", "on", "it", "in", "", "at", "10", "am", "ok"]
    doc = Doc(vocab, words=words, pos=pos, lemmas=lemmas)
    # stop words, short words, non-letters and other parts of speech are left out; a
    # token without a lemma counts by its text
    assert _content_lemmas(doc) == [(1, "senator"), (2, "vote"), (6, "paris")]
    untagged = spacy.blank("en")("The Senators voted in Paris at 10 am")
    assert _content_lemmas(untagged) == [(1, "senators"), (2, "voted"), (4, "paris")]
