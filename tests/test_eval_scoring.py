"""Unit tests of the benchmark's scoring functions (benchmarks/scoring.py): pure, no corpus."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "scoring.py"
_spec = importlib.util.spec_from_file_location("briefgen_bench_scoring", _PATH)
assert _spec is not None and _spec.loader is not None
scoring = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = scoring
_spec.loader.exec_module(scoring)


# --------------------------------------------------------------------------- tokens, F1


def test_tokens_lowercase_words_only():
    assert scoring.tokens("O’Malley’s campaign, “says”: 76% — U.S.!") == [
        "o",
        "malley",
        "s",
        "campaign",
        "says",
        "76",
        "u",
        "s",
    ]
    assert scoring.tokens("") == []
    assert scoring.tokens(None) == []
    assert scoring.tokens("snake_case") == ["snake", "case"]
    assert scoring.tokens("Pyongyang’s Ünïcode") == ["pyongyang", "s", "ünïcode"]


def test_normalise():
    assert scoring.normalise('  "Hello,  World!" ') == "hello world"


def test_token_f1_exact_partial_and_empty():
    assert scoring.token_f1("Kim Jong-un", "kim jong un") == 1.0
    # pred 2 tokens, gold 4 (president elect donald trump), 2 in common: P=1, R=.5
    assert scoring.token_f1("Donald Trump", "President-elect Donald Trump") == pytest.approx(2 / 3)
    assert scoring.token_f1("a b", "c d") == 0.0
    assert scoring.token_f1("", "") == 1.0
    assert scoring.token_f1("", "gold") == 0.0
    assert scoring.token_f1("pred", "") == 0.0
    assert scoring.token_f1("...", "gold") == 0.0


def test_token_f1_counts_multiset_overlap():
    # "the" twice in pred, once in gold: only one counts.
    assert scoring.token_f1("the the cat", "the cat") == pytest.approx(0.8)


def test_prf_and_mean():
    assert scoring.prf(0, 0, 0) == (0.0, 0.0, 0.0)
    p, r, f = scoring.prf(3, 4, 6)
    assert (p, r) == (0.75, 0.5)
    assert f == pytest.approx(0.6)
    assert scoring.mean([]) is None
    assert scoring.mean([1.0, 0.0]) == 0.5


# --------------------------------------------------------------------------- 5W


FIVE = {
    "who": {
        "annotated": [
            {"coderPhraseCount": 2, "text": "Several people"},
            {"coderPhraseCount": 1, "text": "British Transport Police"},
            {"coderPhraseCount": 3, "text": "dozens injured"},
            {"coderPhraseCount": 2, "text": "Several people"},
        ]
    },
    "what": {"annotated": [{"coderPhraseCount": 3, "text": "tram derailment"}]},
    "when": {"annotated": [{"coderPhraseCount": 1, "text": "at around 6am"}]},
    "where": {"annotated": []},
    "why": {"annotated": [{"coderPhraseCount": 2}]},
}


def test_gold_phrases_agreement_filter():
    assert scoring.gold_phrases(FIVE, "who") == ["Several people", "dozens injured"]
    assert scoring.gold_phrases(FIVE, "who", min_coders=1)[1] == "British Transport Police"
    assert scoring.gold_phrases(FIVE, "when") == []
    assert scoring.gold_phrases(FIVE, "why") == []  # a count without text
    assert scoring.gold_phrases(FIVE, "how") == []  # absent W


def test_best_match_takes_the_best_gold():
    f1, gold = scoring.best_match("dozens were injured", ["Several people", "dozens injured"])
    assert gold == "dozens injured"
    assert f1 == pytest.approx(0.8)
    assert scoring.best_match("x", []) == (0.0, None)
    assert scoring.best_match("", ["a"]) == (0.0, "a")


def test_score_5w_skips_ws_without_gold():
    golds = {w: scoring.gold_phrases(FIVE, w) for w in scoring.FIVE_W}
    got = scoring.score_5w({"who": "Several people", "what": "", "when": "6am"}, golds)
    assert set(got) == {"who", "what"}  # no ≥2-coder gold for when and where
    assert got["who"] == (1.0, "Several people")
    assert got["what"] == (0.0, "tram derailment")


# --------------------------------------------------------------------------- P@3


SUMMARY = [
    "TimeWarner said fourth quarter sales rose 2% to $11.1bn from $10.9bn.",
    "Time Warner's fourth quarter profits were slightly better than analysts' expectations.",
]


def test_summary_hits_normalised_exact_sentences():
    picked = [
        "timewarner said fourth-quarter sales rose 2% to $11.1bn from $10.9bn",  # same words
        "Time Warner's fourth quarter profits were slightly better",  # a part only: no
        "Ad sales boost Time Warner profit",  # the title
    ]
    assert scoring.summary_hits(picked, SUMMARY) == [True, False, False]
    assert scoring.precision_at(picked, SUMMARY) == pytest.approx(1 / 3)
    assert scoring.precision_at([], SUMMARY) == 0.0
    assert scoring.summary_hits(["", "..."], ["", "x"]) == [False, False]


# --------------------------------------------------------------------------- brat


TEXT = (
    "O’Malley’s campaign says it will shift staff.\n"
    "The move was first reported by MSNBC.\n"
    "It was said\nthat the plan works."
)
ANN = (
    "T1\tSource 0 19\tO’Malley’s campaign\n"
    "T2\tCue 20 24\tsays\n"
    "T3\tContent 25 44\tit will shift staff\n"
    "T4\tAttribution 20 24\tsays\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    "T5\tContent 46 54\tThe move\n"
    "T6\tCue 55 76\twas first reported by\n"
    "T7\tSource 77 82\tMSNBC\n"
    "T8\tAttribution 55 76\twas first reported by\n"
    "E2\tAttribution:T8 Source:T7 Cue:T6 Content:T5\n"
    "T9\tCue 87 100\twas said\n"
    "that\n"  # brat wrote the span's newline into the file: a continuation line
    "T10\tContent 84 86;101 115\tIt the plan works\n"
    "T11\tAttribution-no-source 87 100\twas said\n"
    "E3\tAttribution-no-source:T11 Cue:T9 Content:T10\n"
    "T12\tDiscuss 0 10\tO’Malley’s\n"
    "E4\tAttribution:T4 Cue:T2\n"  # no content: skipped
    "#1\tAnnotatorNotes T3\ta note\n"
)


def test_parse_brat_events_roles_and_fragments():
    gold = scoring.parse_brat(ANN, TEXT)
    assert [g.id for g in gold] == ["E1", "E2", "E3"]
    first, second, third = gold
    assert first.type == "Attribution"
    assert (first.source_text, first.cue_text) == ("O’Malley’s campaign", "says")
    assert first.content_text == "it will shift staff"
    assert (first.content.start, first.content.end) == (25, 44)
    assert second.source_text == "MSNBC" and second.content_text == "The move"
    assert third.type == "Attribution-no-source"
    assert third.source is None and third.source_text == ""
    assert third.content.fragments == [(84, 86), (101, 115)]
    assert third.content_text == "It the plan works"  # fragments joined by a space
    assert third.cue_text == "was said\nthat"  # read from the text by offset


def test_parse_brat_without_text_uses_written_spans():
    gold = scoring.parse_brat(ANN)
    assert gold[0].content_text == "it will shift staff"
    assert gold[2].content_text == "It the plan works"
    assert gold[2].cue_text == "was said"  # the file's text stops at the newline


def test_parse_brat_content2_is_appended():
    ann = (
        "T1\tSource 0 2\tHe\nT2\tCue 3 7\tsaid\nT3\tContent 8 11\tyes\n"
        "T4\tContent 20 22\tno\nT5\tAttribution 3 7\tsaid\n"
        "E1\tAttribution:T5 Source:T1 Cue:T2 Content:T3 Content2:T4\n"
    )
    (g,) = scoring.parse_brat(ann)
    assert g.content_text == "yes no"
    assert g.content.fragments == [(8, 11), (20, 22)]


# --------------------------------------------------------------------------- matching


def test_greedy_match_one_to_one_by_descending_f1():
    preds = ["the plan will work", "the plan will work well", "nothing alike"]
    golds = ["the plan will work well", "the plan will work"]
    got = scoring.greedy_match(preds, golds)
    # both exact pairs (F1 = 1) are taken; the third prediction matches nothing
    assert sorted((i, j) for i, j, _ in got) == [(0, 1), (1, 0)]
    assert all(f1 == 1.0 for _, _, f1 in got)


def test_greedy_match_threshold_and_conflicts():
    # one gold, two candidates: the better one wins, the other stays unmatched
    got = scoring.greedy_match(["a b c d", "a b"], ["a b c d e"])
    assert [(i, j) for i, j, _ in got] == [(0, 0)]
    # below the threshold: no match (F1("a", "a b c d") = 0.4)
    assert scoring.greedy_match(["a"], ["a b c d"]) == []
    assert scoring.greedy_match(["a"], ["a b c d"], threshold=0.4)[0][:2] == (0, 0)
    assert scoring.greedy_match([], ["a"]) == []


def test_score_statements_counts_and_speakers():
    gold = scoring.parse_brat(ANN, TEXT)
    preds = [
        scoring.PredStatement(
            content="it will shift staff", speaker="the campaign", speaker_name="Martin O'Malley"
        ),
        scoring.PredStatement(
            content="The move", speaker="The Washington Post", speaker_name="MSNBC"
        ),
        scoring.PredStatement(content="the plan works", speaker="someone"),
        scoring.PredStatement(content="entirely unrelated words", speaker="x"),
    ]
    counts, matches = scoring.score_statements(preds, gold)
    assert (counts.n_pred, counts.n_gold, counts.matched) == (4, 3, 3)
    assert len(matches) == 3
    # E3 has no Source: it counts for P/R only
    assert counts.with_source == 2
    # "the campaign" vs "O’Malley’s campaign" (o malley s campaign) = F1 1/3: wrong, but its
    # speaker_name "Martin O'Malley" reaches 4/7; "The Washington Post" vs MSNBC: wrong, its
    # name MSNBC right; "someone" matched E3, which has no Source
    assert counts.speaker_text_ok == 0
    assert counts.speaker_best_ok == 2
    figs = counts.figures()
    assert figs["precision"] == 0.75 and figs["recall"] == 1.0
    assert figs["speaker_accuracy"] == 0.0 and figs["speaker_accuracy_best"] == 1.0
    total = scoring.StatementCounts()
    total.add(counts)
    total.add(counts)
    assert total.n_docs == 2 and total.matched == 6


def test_speaker_ok():
    assert scoring.speaker_ok(["O’Malley campaign"], "O’Malley’s campaign")  # F1 6/7
    assert scoring.speaker_ok(["Trump"], "Donald Trump")  # F1 0.67
    assert not scoring.speaker_ok(["he", None], "Donald Trump")
    assert scoring.speaker_ok(["he", "Donald J. Trump"], "Donald Trump")
    assert not scoring.speaker_ok([], "Donald Trump")
