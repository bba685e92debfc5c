"""The attribute ruler as table lookups (briefgen.nlp.attributes) against spaCy's own.

Both rulers get the same patterns and copies of the same Doc; every token must come out
with the same tag, part of speech, morphology, lemma and dependency label.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from briefgen.nlp.attributes import TableRuler, Unsupported, use_table_ruler

WORDS = ["the", "The", "a", "that", "but", "n't", "nt", "y'", "all", "thin'", " ", "\n", "Bank"]
WORDS += ["go"]
TAGS = ["DT", "WDT", "IN", "CC", "RB", "NN", "VB", "_SP", "TO"]
DEPS = ["det", "nsubj", "aux", "advmod", "dep", "ROOT", ""]


def rule(patterns: list[list[dict[str, Any]]], index: int = 0, **attrs: str) -> dict[str, Any]:
    return {"patterns": patterns, "attrs": attrs, "index": index}


PATTERNS: list[dict[str, Any]] = [
    rule([[{"TAG": "DT"}]], POS="DET"),
    rule([[{"TAG": "NN"}], [{"TAG": "VB"}]], POS="NOUN", MORPH="Number=Sing"),
    rule([[{"TAG": "DT", "LOWER": "the"}]], MORPH="Definite=Def|PronType=Art"),
    rule([[{"TAG": "IN", "LOWER": {"IN": ["that", "but", "a"]}}]], POS="SCONJ"),
    rule([[{"TAG": {"NOT_IN": ["TO", ""]}, "DEP": {"IN": ["aux"]}}]], POS="AUX"),
    rule([[{"LOWER": {"REGEX": "^n'?t$"}}]], LEMMA="not", POS="PART"),
    rule([[{"LOWER": {"REGEX": "^y'?$"}}, {"LOWER": "all"}]], LEMMA="you"),
    rule([[{"LOWER": "the"}, {"TAG": "NN"}]], 1, POS="PROPN"),
    rule([[{"LOWER": "a"}, {"LOWER": "bank"}, {"IS_SPACE": False}]], -2, LEMMA="x"),
    rule([[{"IS_SPACE": True, "DEP": {"NOT_IN": [""]}}]], DEP="dep"),
    rule([[{"TEXT": "go", "DEP": "ROOT"}]], LEMMA="going", TAG="VB"),
    rule([[{"TAG": "DT"}]], POS="PRON"),  # later: wins over the first
]


def _doc(vocab: Any, tokens: list[tuple[str, str, str]]) -> Doc:
    words = [w for w, _, _ in tokens]
    return Doc(
        vocab,
        words=words,
        spaces=[False] * len(words),
        tags=[t for _, t, _ in tokens],
        deps=[d or "dep" for _, _, d in tokens],
        heads=list(range(len(words))),
    )


def _state(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


@functools.cache
def _rulers() -> tuple[Any, TableRuler]:
    """spaCy's ruler and the table, of :data:`PATTERNS`, sharing one vocabulary."""
    return _both(PATTERNS)


def _both(patterns: list[dict[str, Any]]) -> tuple[Any, TableRuler]:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return ruler, TableRuler(nlp.vocab, ruler.patterns)  # type: ignore[attr-defined]


token = st.tuples(st.sampled_from(WORDS), st.sampled_from(TAGS), st.sampled_from(DEPS))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(token, min_size=1, max_size=12))
def test_table_agrees_with_spacy_ruler(tokens: list[tuple[str, str, str]]) -> None:
    ruler, table = _rulers()
    expected = ruler(_doc(ruler.vocab, tokens))
    got = table(_doc(ruler.vocab, tokens))
    assert _state(got) == _state(expected)


def test_later_rule_wins_and_index_names_the_token() -> None:
    ruler, table = _both(PATTERNS)
    doc = table(_doc(ruler.vocab, [("The", "DT", "det"), ("Bank", "NN", "nsubj")]))
    assert doc[0].pos_ == "PRON"  # the last DT rule, not the first
    assert str(doc[0].morph) == "Definite=Def|PronType=Art"
    assert doc[1].pos_ == "PROPN"  # "the" + NN, index 1: the second token
    assert doc[1].morph.get("Number") == ["Sing"]


def test_memo_gives_the_same_answer_twice() -> None:
    ruler, table = _both(PATTERNS)
    tokens = [("n't", "RB", "advmod"), ("y'", "NN", "nsubj"), ("all", "DT", "det")]
    first = _state(table(_doc(ruler.vocab, tokens)))
    second = _state(table(_doc(ruler.vocab, tokens)))
    assert first == second == _state(ruler(_doc(ruler.vocab, tokens)))
    assert first[0][4] == "not" and first[1][4] == "you"


@pytest.mark.parametrize(
    "pattern",
    [
        [{"TAG": "NN", "OP": "+"}],
        [{"LENGTH": {">=": 3}}],
        [{"LOWER": {"FUZZY": "bank"}}],
        [{"ENT_TYPE": "PERSON"}],
        [{"IS_SPACE": "yes"}],
    ],
)
def test_patterns_beyond_the_table_are_refused(pattern: list[dict[str, Any]]) -> None:
    nlp = spacy.blank("en")
    with pytest.raises(Unsupported):
        TableRuler(nlp.vocab, [{"patterns": [pattern], "attrs": {"POS": "NOUN"}}])


@pytest.mark.parametrize("attrs", [{"IS_STOP": True}, {"_": {"x": 1}}, {"SHAPE": "Xx"}])
def test_rules_setting_a_words_attributes_are_refused(attrs: dict[str, Any]) -> None:
    nlp = spacy.blank("en")
    with pytest.raises(Unsupported):
        TableRuler(nlp.vocab, [{"patterns": [[{"TAG": "NN"}]], "attrs": attrs}])


def test_use_table_ruler_keeps_spacys_for_a_pattern_it_cannot_express() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"TAG": "NN", "OP": "+"}]], {"POS": "NOUN"})  # type: ignore[attr-defined]
    assert use_table_ruler(nlp) is False
    assert type(nlp.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"


def test_use_table_ruler_swaps_in_place_under_the_same_name() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("attribute_ruler").add_patterns(PATTERNS)  # type: ignore[attr-defined]
    nlp.add_pipe("sentencizer", name="last")
    assert use_table_ruler(nlp) is True
    assert nlp.pipe_names == ["sentencizer", "attribute_ruler", "last"]
    assert isinstance(nlp.get_pipe("attribute_ruler"), TableRuler)
    assert use_table_ruler(nlp) is False  # nothing left to swap


def test_the_real_model_gives_the_same_tokens(nlp: Any, stock_nlp: Any) -> None:
    """briefgen's pipeline (the table) against the model as spaCy ships it."""
    stock = stock_nlp
    assert type(stock.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"
    assert isinstance(nlp.get_pipe("attribute_ruler"), TableRuler)
    text = (
        "The minister, who didn't attend, said y'all should've known that the bank was "
        "closing.\n\nThose were the days: nothin' left but rain, and that's that. "
        "Officials in Seoul said on Tuesday that talks would resume, though it wasn't clear when."
    )
    ours = nlp(text)
    theirs = stock(text)
    assert [(t.pos_, str(t.morph), t.lemma_, t.tag_) for t in ours] == [
        (t.pos_, str(t.morph), t.lemma_, t.tag_) for t in theirs
    ]
