"""The model's lemmatizer with its answers remembered: the same lemmas, found faster.

spaCy's rule lemmatizer works token by token in Python: for each token it makes a
``Token`` and a ``MorphAnalysis``, looks its (text, part of speech, morphology) up in its
cache, and sets the lemma through the string store. In ``en_core_web_sm`` that is about
a tenth of the whole parse, though a news article has only a few hundred distinct
(text, part of speech, morphology) triples. :class:`MemoLemmatizer` reads those three
values of every token at once (``Doc.to_array``), asks the model's own lemmatizer once
per triple it has not met before, and writes the lemmas back at once
(``Doc.from_array``). spaCy's English lemmatizer is a function of that triple (it keys
its own cache by it), so the lemmas are the same; tokens that already have one (set by
the attribute ruler) keep it unless the lemmatizer overwrites, as spaCy's does.

:func:`use_memo_lemmatizer` swaps it in for spaCy's ``Lemmatizer`` and
``EnglishLemmatizer`` (a subclass may read more of the token: it is left alone).
tests/test_nlp_lemmas.py checks the two agree.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: The factory name :func:`use_memo_lemmatizer` registers with spaCy.
FACTORY = "briefgen_lemma_memo"
#: The lemmatizer modes whose answer depends on the token's text, part of speech and
#: morphology only.
_MODES = frozenset({"rule", "lookup", "pos_lookup"})
#: Distinct (text, part of speech, morphology) triples remembered; past it, the memo
#: starts over.
_MEMO_MAX = 200_000


class MemoLemmatizer:
    """A pipeline component that sets each token's lemma as ``lemmatizer`` would, asking
    it once per distinct (text, part of speech, morphology)."""

    def __init__(self, name: str = "lemmatizer") -> None:
        self.name = name
        self.lemmatizer: Any = None
        self._memo: dict[tuple[int, int, int], str] = {}

    def bind(self, lemmatizer: Any) -> None:
        """Answer for ``lemmatizer`` (a spaCy ``Lemmatizer`` with its tables loaded)."""
        if not lemmatizer._validated:
            from spacy.errors import Errors

            lemmatizer._validate_tables(Errors.E1004)
        # The rules test each candidate form against the list of known words of its part
        # of speech (57,000 nouns): ``in`` a list reads it all, ``in`` a set does not.
        if lemmatizer.lookups.has_table("lemma_index"):
            index = lemmatizer.lookups.get_table("lemma_index")
            for pos, words in list(index.items()):
                if isinstance(words, list):
                    index[pos] = frozenset(words)
        self.lemmatizer = lemmatizer
        self._memo = {}

    def __call__(self, doc: Doc) -> Doc:
        if self.lemmatizer is None:
            raise RuntimeError(f"{self.name}: no lemmatizer to ask (use_memo_lemmatizer binds one)")
        if not len(doc):
            return doc
        import numpy
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        memo = self._memo
        if len(memo) > _MEMO_MAX:
            memo.clear()
        overwrite = bool(self.lemmatizer.overwrite)
        lemmatize = self.lemmatizer.lemmatize
        add = doc.vocab.strings.add
        # a hash is only good inside the memory zone the string was added in: per Doc
        hashes: dict[tuple[int, int, int], int] = {}
        lemmas: list[int] = []
        for i, (orth, pos, morph, lemma) in enumerate(
            doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        ):
            if lemma and not overwrite:
                lemmas.append(lemma)
                continue
            key = (orth, pos, morph)
            value = hashes.get(key)
            if value is None:
                text = memo.get(key)
                if text is None:
                    text = memo[key] = lemmatize(doc[i])[0]
                value = hashes[key] = add(text)
            lemmas.append(value)
        doc.from_array([LEMMA], numpy.asarray(lemmas, dtype=numpy.uint64))  # type: ignore[arg-type]
        return doc


def _make(nlp: Language, name: str) -> MemoLemmatizer:
    return MemoLemmatizer(name)


def use_memo_lemmatizer(nlp: Language, names: Iterable[str] = ("lemmatizer",)) -> bool:
    """Swap ``nlp``'s lemmatizer for a :class:`MemoLemmatizer` asking it, in its place and
    under its name; False (and nothing changed) when there is none or it is not spaCy's
    own ``Lemmatizer`` / ``EnglishLemmatizer`` in a mode keyed by the token alone."""
    from spacy.lang.en.lemmatizer import EnglishLemmatizer
    from spacy.language import Language as _Language
    from spacy.pipeline import Lemmatizer

    done = False
    for name in names:
        if name not in nlp.pipe_names:
            continue
        original: Any = nlp.get_pipe(name)
        if type(original) not in (Lemmatizer, EnglishLemmatizer):
            continue
        if original.mode not in _MODES:
            log.debug("keeping spaCy's %s: mode %s", name, original.mode)
            continue
        if FACTORY not in _Language.factories:
            _Language.factory(FACTORY, func=_make)
        memo = nlp.replace_pipe(name, FACTORY, validate=False)
        assert isinstance(memo, MemoLemmatizer)
        memo.bind(original)
        done = True
    return done
