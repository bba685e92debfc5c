"""A guard in front of spaCy's tokenizer: long runs without a space are not given to it.

spaCy's tokenizer looks for prefixes, suffixes, infixes and URL matches in each
whitespace-free run, and for some runs (``a:b:b:…``, ``http://a.b/http://a.b/…``: a
60 KB URL-like token) that takes time quadratic in the run's length. :class:`GuardedTokenizer`
hands the text to the real tokenizer in pieces, and cuts every run longer than
:data:`LONG_RUN` characters into tokens of :data:`PIECE` characters itself, so tokenizing
is linear in the text. The Doc's text is the input text exactly (offsets are unchanged);
only such runs (never words of prose) are tokenized differently.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Longest whitespace-free run given to spaCy's tokenizer.
LONG_RUN = 1000
#: Length of the tokens a longer run is cut into.
PIECE = 100
_RUN = re.compile(r"\S{" + str(LONG_RUN + 1) + ",}")


class GuardedTokenizer:
    """Wraps a spaCy tokenizer (``nlp.tokenizer = GuardedTokenizer(nlp.tokenizer)``);
    everything but the call is the wrapped tokenizer's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __call__(self, text: str) -> Doc:
        if len(text) <= LONG_RUN or _RUN.search(text) is None:
            return self.inner(text)
        from spacy.tokens import Doc

        docs = []
        pos = 0
        for match in _RUN.finditer(text):
            if match.start() > pos:
                docs.append(self.inner(text[pos : match.start()]))
            run = match.group()
            words = [run[i : i + PIECE] for i in range(0, len(run), PIECE)]
            docs.append(Doc(self.inner.vocab, words=words, spaces=[False] * len(words)))
            pos = match.end()
        if pos < len(text):
            docs.append(self.inner(text[pos:]))
        return Doc.from_docs(docs, ensure_whitespace=False)

    def pipe(self, texts: Any, batch_size: int = 1000) -> Any:
        for text in texts:
            yield self(text)


def guard_tokenizer(nlp: Any) -> None:
    """Put :class:`GuardedTokenizer` in front of ``nlp``'s tokenizer (once)."""
    if not isinstance(nlp.tokenizer, GuardedTokenizer):
        nlp.tokenizer = GuardedTokenizer(nlp.tokenizer)
