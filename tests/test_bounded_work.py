"""Issue 15, item 2 and the run watchdog: the work on one document is bounded, and a run
that takes longer than ``run.timeout`` stops cleanly, saying where it was.

Times are measured by ``benchmarks/bench_hostile.py``; these tests check the mechanisms
(what is cut, what is computed) on small texts written here.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import spacy
from conftest import run_cli, write_project

from briefgen.extract import developments
from briefgen.ingest.base import MAX_TOKENS, limit_text
from briefgen.nlp.guard import LONG_RUN, PIECE, GuardedTokenizer
from briefgen.store import alarm


def pairwise(word_sets: list[set[str]]) -> list[float]:
    """The definition of centrality, pair by pair."""
    n = len(word_sets)
    raw = [
        sum(
            len(wi & wj) / ((len(wi) * len(wj)) ** 0.5 + 1)
            for j, wj in enumerate(word_sets)
            if i != j and wi and wj
        )
        / max(1, n - 1)
        for i, wi in enumerate(word_sets)
    ]
    top = max(raw, default=0.0) or 1.0
    return [r / top for r in raw]


def test_centrality_of_many_sentences_is_the_pairwise_one_without_the_pairs() -> None:
    rng = random.Random(15)
    vocab = [f"w{i}" for i in range(300)]
    sets = [
        set(rng.sample(vocab, rng.randint(0, 15))) for _ in range(developments.PAIRWISE_MAX + 50)
    ]
    got = developments.centrality(sets)  # above PAIRWISE_MAX: the word-by-word sums
    assert got == pytest.approx(pairwise(sets), abs=1e-12)


def test_centrality_of_thirty_thousand_one_word_sentences() -> None:
    sets = [{"talk"} for _ in range(30_000)] + [set()]
    got = developments.centrality(sets)
    assert got[:3] == [1.0, 1.0, 1.0] and got[-1] == 0.0


# --- the tokenizer guard --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "See http://a.b/" + "http://a.b/" * 600 + " for more.",
        "a:b" * 2000 + "\n\n  Next paragraph.  ",
        "  Lead.  " + "x" * (LONG_RUN + 1) + "\n",
    ],
)
def test_long_runs_are_cut_into_pieces_and_the_text_is_kept(text: str) -> None:
    nlp = spacy.blank("en")
    tokenizer = GuardedTokenizer(nlp.tokenizer)
    doc = tokenizer(text)
    assert doc.text == text  # offsets index the document as ingested
    assert max(len(t.text) for t in doc) <= max(PIECE, LONG_RUN)
    assert any(len(t.text) == PIECE for t in doc)


def test_ordinary_text_is_tokenized_as_before() -> None:
    nlp = spacy.blank("en")
    text = "Kim Jong-un met Putin in Vladivostok (Russia) on 12 Sept. 2023, officials said."
    assert [t.text for t in GuardedTokenizer(nlp.tokenizer)(text)] == [
        t.text for t in nlp.tokenizer(text)
    ]


# --- the token cap at ingest ---------------------------------------------------------------


@pytest.mark.parametrize("unit", ["*a ", "a-", "Talks.\n\n", "\u201cYes,\u201d he said. "])
def test_texts_denser_than_the_token_cap_are_cut_with_a_reason(unit: str) -> None:
    text = "Title\n\n" + unit * (2 * MAX_TOKENS // len(unit.split() or [unit]))
    kept, why = limit_text(text, 1_000_000)
    assert why is not None and f"{MAX_TOKENS:,} words and symbols" in why
    assert text.startswith(kept) and len(kept) < len(text)


def test_prose_under_the_caps_is_not_cut() -> None:
    text = "Officials met in Geneva on Tuesday, the ministry said.\n\n" * 3000  # 165,000 chars
    assert limit_text(text, 200_000) == (text, None)


# --- run.timeout ------------------------------------------------------------------------------

SLOW = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
CONFIG = (
    'title: "T"\nsources:\n  - path: articles/*\ntemplates: theme\n'
    "output:\n  dir: out\n  name: brief\n  formats: [md, json]\n"
)
ARTICLE = "Talks\n\nDelegates met in Geneva on Tuesday, the ministry said.\n"


@pytest.mark.skipif(not alarm.available(), reason="needs SIGALRM in the main thread")
def test_a_run_past_its_timeout_stops_cleanly_and_says_where(tmp_path: Path) -> None:
    (tmp_path / "theme").mkdir()
    config = write_project(tmp_path, {"a.txt": ARTICLE}, CONFIG)
    assert run_cli(["build", "--config", str(config)]).exit_code == 0  # warm caches
    before = (tmp_path / "out" / "brief.json").read_bytes()
    (tmp_path / "theme" / "brief.md.j2").write_text(SLOW)
    config.write_text(CONFIG + "run:\n  timeout: 1.5\n")
    stopped = run_cli(["build", "--config", str(config)])
    assert stopped.exit_code == 1
    lines = stopped.stderr.strip().splitlines()
    assert "run.timeout (1.5 s)" in lines[-1] and "during render" in lines[-1]
    assert (tmp_path / "out" / "brief.json").read_bytes() == before
    (tmp_path / "theme" / "brief.md.j2").unlink()
    again = run_cli(["build", "--config", str(config)])  # the lock was released
    assert again.exit_code == 0, again.stderr
    assert json.loads((tmp_path / "out" / "brief.json").read_text())["documents"]
