"""Unit tests of the stories / timelines scoring (benchmarks/story_scoring.py): pure, no
corpus."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "story_scoring.py"
_spec = importlib.util.spec_from_file_location("briefgen_bench_story_scoring", _PATH)
assert _spec is not None and _spec.loader is not None
scoring = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = scoring
_spec.loader.exec_module(scoring)


def test_b_cubed_of_a_perfect_and_a_lumped_clustering() -> None:
    gold = {"a": "1", "b": "1", "c": "2", "d": "2"}
    assert scoring.b_cubed({"a": "x", "b": "x", "c": "y", "d": "y"}, gold) == (1.0, 1.0, 1.0)
    p, r, f = scoring.b_cubed({d: "x" for d in gold}, gold)
    assert (p, r) == (0.5, 1.0) and f == pytest.approx(2 / 3)
    # A document in no cluster stands alone.
    p, r, _ = scoring.b_cubed({"a": "x", "b": "x", "c": "y"}, gold)
    assert p == 1.0 and r == pytest.approx(0.75)


def test_top_k_distinct_purity_and_corroboration_recall() -> None:
    gold = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "2"}
    devs = [(["a", "b", "d"], 3), (["c"], 1), (["e"], 1)]
    got = scoring.top_k(devs, gold, k=8)
    assert got["distinct"] == 2
    assert got["purity"] == pytest.approx((2 / 3 + 1 + 1) / 3)
    assert got["corroboration_recall"] == pytest.approx((1 + 1 / 3 + 1 / 2) / 3)


def test_average_linkage_baseline() -> None:
    sim = np.array([[1, 0.9, 0.1], [0.9, 1, 0.2], [0.1, 0.2, 1]])
    labels = scoring.average_linkage(sim, 0.5)
    assert labels[0] == labels[1] != labels[2]


def test_gold_timeline_and_alignment_rouge() -> None:
    pytest.importorskip("snowballstemmer")
    gold = scoring.read_gold_timeline(
        "2010-04-20\nThe rig explodes .\n--------\n2010-07-15\nThe well is capped .\n"
    )
    assert gold == {"2010-04-20": ["The rig explodes ."], "2010-07-15": ["The well is capped ."]}
    rouge = scoring.Rouge1(frozenset({"the", "is"}))
    exact = scoring.align_rouge1(gold, gold, rouge)
    assert exact == pytest.approx((1.0, 1.0, 1.0))
    # A day late: the unigrams count half (1 / (1 + 1 day)).
    late = {"2010-04-21": ["The rig exploded."]}
    p, r, _ = scoring.align_rouge1(late, gold, rouge)
    assert p == pytest.approx(0.5) and r == pytest.approx(0.5 * 2 / 4)
    assert scoring.date_prf({"2010-04-20", "2010-05-01"}, set(gold)) == (0.5, 0.5)
