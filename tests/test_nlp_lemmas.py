"""The memoised lemmatizer (briefgen.nlp.lemmas) against spaCy's own.

Both get rule tables built the same way and copies of the same Doc; every token must
come out with the same lemma.
"""

from __future__ import annotations

from typing import Any

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

from briefgen.nlp.lemmas import MemoLemmatizer, use_memo_lemmatizer

RULES = {
    "noun": [["s", ""], ["ies", "y"], ["ves", "f"]],
    "verb": [["ed", ""], ["ing", ""], ["s", ""], ["ied", "y"]],
    "adj": [["er", ""], ["est", ""]],
}
INDEX = {"noun": ["cat", "city", "leaf"], "verb": ["walk", "carry", "say"], "adj": ["fast"]}
EXC = {"noun": {"mice": ["mouse"]}, "verb": {"ran": ["run"], "said": ["say"]}}
WORDS = ["cats", "Cats", "cities", "leaves", "mice", "walked", "walking", "carried"]
WORDS += ["ran", "said", "faster", "fastest", "Paris", "the", "zebras", "", "1990s"]
POS = ["NOUN", "VERB", "ADJ", "PROPN", "DET", "SPACE", "X", ""]
MORPHS = ["", "Number=Sing", "Number=Plur", "VerbForm=Inf", "Tense=Past|VerbForm=Fin"]
MORPHS += ["Degree=Pos", "Degree=Cmp", "Tense=Pres|VerbForm=Fin"]


def _lemmatizer(nlp: Any, overwrite: bool = False, name: str = "lemmatizer") -> Any:
    lemmatizer = nlp.add_pipe(
        "lemmatizer", name=name, config={"mode": "rule", "overwrite": overwrite}
    )
    lookups = Lookups()
    lookups.add_table("lemma_rules", RULES)
    lookups.add_table("lemma_index", INDEX)
    lookups.add_table("lemma_exc", EXC)
    lemmatizer.lookups = lookups
    return lemmatizer


def _doc(vocab: Any, tokens: list[tuple[str, str, str, str]]) -> Doc:
    return Doc(
        vocab,
        words=[w or "x" for w, _, _, _ in tokens],
        pos=[p for _, p, _, _ in tokens],
        morphs=[m for _, _, m, _ in tokens],
        lemmas=[lemma for _, _, _, lemma in tokens],  # "" is no lemma yet
    )


token = st.tuples(
    st.sampled_from(WORDS),
    st.sampled_from(POS),
    st.sampled_from(MORPHS),
    st.sampled_from(["", "", "", "preset"]),
)


@pytest.mark.filterwarnings("ignore::UserWarning")  # spaCy's W108: a token without POS
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(token, min_size=1, max_size=14), st.booleans())
def test_memo_agrees_with_spacys_lemmatizer(
    tokens: list[tuple[str, str, str, str]], overwrite: bool
) -> None:
    nlp = spacy.blank("en")
    theirs = _lemmatizer(nlp, overwrite, "theirs")
    memo = MemoLemmatizer()
    memo.bind(_lemmatizer(nlp, overwrite, "source"))
    a, b = _doc(nlp.vocab, tokens), _doc(nlp.vocab, tokens)
    for _ in range(2):  # the second time from the memo
        assert [t.lemma_ for t in memo(b.copy())] == [t.lemma_ for t in theirs(a.copy())]


def test_rule_lemmas_come_from_the_tables() -> None:
    """The comparison above is not between two empty answers."""
    nlp = spacy.blank("en")
    memo = MemoLemmatizer()
    memo.bind(_lemmatizer(nlp))
    doc = _doc(
        nlp.vocab,
        [
            ("cities", "NOUN", "Number=Plur", ""),
            ("mice", "NOUN", "Number=Plur", ""),
            ("carried", "VERB", "Tense=Past|VerbForm=Fin", ""),
            ("walked", "VERB", "Tense=Past|VerbForm=Fin", "preset"),
            ("Paris", "PROPN", "Number=Sing", ""),
        ],
    )
    assert [t.lemma_ for t in memo(doc)] == ["city", "mouse", "carry", "preset", "Paris"]


def test_use_memo_lemmatizer_swaps_in_place_under_the_same_name() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    _lemmatizer(nlp)
    nlp.add_pipe("sentencizer", name="last")
    assert use_memo_lemmatizer(nlp) is True
    assert nlp.pipe_names == ["sentencizer", "lemmatizer", "last"]
    assert isinstance(nlp.get_pipe("lemmatizer"), MemoLemmatizer)
    assert use_memo_lemmatizer(nlp) is False  # nothing left to swap
    doc = nlp(Doc(nlp.vocab, words=["cities"], pos=["NOUN"], morphs=["Number=Plur"]))
    assert doc[0].lemma_ == "city"


class _ContextLemmatizer(Lemmatizer):
    """A lemmatizer that may read more of the token than its text, POS and morphology."""


@Language.factory("test_context_lemmatizer")
def _make_context(nlp: Language, name: str) -> _ContextLemmatizer:
    return _ContextLemmatizer(nlp.vocab, None, name, mode="rule")


def test_a_lemmatizer_of_another_kind_is_kept() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("test_context_lemmatizer", name="lemmatizer")
    assert use_memo_lemmatizer(nlp) is False
    assert type(nlp.get_pipe("lemmatizer")) is _ContextLemmatizer


def test_memo_needs_a_lemmatizer() -> None:
    nlp = spacy.blank("en")
    with pytest.raises(RuntimeError, match="no lemmatizer"):
        MemoLemmatizer()(Doc(nlp.vocab, words=["a"]))


def test_the_real_model_gives_the_same_lemmas(nlp: Any, stock_nlp: Any) -> None:
    """briefgen's pipeline (the memo) against the model's own lemmatizer."""
    stock = stock_nlp
    assert type(stock.get_pipe("lemmatizer")).__name__ == "EnglishLemmatizer"
    assert isinstance(nlp.get_pipe("lemmatizer"), MemoLemmatizer)
    text = (
        "The ministers, who hadn't attended, said the cities' leaves were falling faster "
        "than the mice ran.\n\nOfficials in Seoul were saying on Tuesday that talks would "
        "resume; the better-known negotiators had flown home. She sings, he sang, they've sung."
    )
    for _ in range(2):  # the second time from the memo
        ours, theirs = nlp(text), stock(text)
        assert [t.lemma_ for t in ours] == [t.lemma_ for t in theirs]
