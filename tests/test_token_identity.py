"""spaCy builds a new ``Token`` object on every access (``doc[i]``, ``tok.head``,
iteration), so ``a is b`` between two tokens is false even for the same word. The
extractors compare tokens by position (``a.i == b.i``); these tests pin the walks that
got it wrong, on hand-built parses, and keep the mistake from coming back."""

from __future__ import annotations

import ast
from pathlib import Path

import spacy
from spacy.tokens import Doc

import briefgen
from briefgen.extract import clauses, timeline

VOCAB = spacy.blank("en").vocab


def parse(
    words: list[str], heads: list[int], deps: list[str], pos: list[str], tags: list[str]
) -> Doc:
    return Doc(VOCAB, words=words, heads=heads, deps=deps, pos=pos, tags=tags)


def test_spacy_tokens_are_new_objects_on_every_access() -> None:
    doc = parse(["It", "rained"], [1, 1], ["nsubj", "ROOT"], ["PRON", "VERB"], ["PRP", "VBD"])
    root = doc[1]
    assert root.head is not root  # why `is` cannot compare tokens
    assert root.head.i == root.i


def test_depth_counts_the_steps_to_the_root() -> None:
    # "He met them on Tuesday": Tuesday → on → met (root)
    doc = parse(
        ["He", "met", "them", "on", "Tuesday"],
        [1, 1, 1, 1, 3],
        ["nsubj", "ROOT", "dobj", "prep", "pobj"],
        ["PRON", "VERB", "PRON", "ADP", "PROPN"],
        ["PRP", "VBD", "PRP", "IN", "NNP"],
    )
    assert [timeline._depth(t) for t in doc] == [1, 0, 1, 1, 2]


def test_a_past_verb_under_a_noun_still_dates_a_past_event() -> None:
    # "the report that he died on 25 June": the walk from the date stops at its verb
    # ("died") and never reaches the noun the clause hangs from ("report").
    doc = parse(
        ["report", "that", "he", "died", "on", "June"],
        [0, 3, 3, 0, 3, 4],
        ["ROOT", "mark", "nsubj", "acl", "prep", "pobj"],
        ["NOUN", "SCONJ", "PRON", "VERB", "ADP", "PROPN"],
        ["NN", "IN", "PRP", "VBD", "IN", "NNP"],
    )
    gov, date_root = doc[3], doc[5]
    assert timeline._governor(date_root).i == gov.i
    assert timeline._past(gov, date_root)


def test_a_planned_word_above_the_dates_verb_does_not_make_it_future() -> None:
    # A "slated" over the clause of "met on Tuesday" is not between the date and its verb.
    doc = parse(
        ["slated", "he", "met", "on", "Tuesday"],
        [0, 2, 0, 2, 3],
        ["ROOT", "nsubj", "ccomp", "prep", "pobj"],
        ["VERB", "PRON", "VERB", "ADP", "PROPN"],
        ["VBN", "PRP", "VBD", "IN", "NNP"],
    )
    assert not timeline._future(doc[2], doc[4])
    # … while one between them does: "results due on Tuesday".
    doc = parse(
        ["results", "due", "on", "Tuesday"],
        [0, 0, 1, 2],
        ["ROOT", "amod", "prep", "pobj"],
        ["NOUN", "ADJ", "ADP", "PROPN"],
        ["NNS", "JJ", "IN", "NNP"],
    )
    assert timeline._future(doc[0], doc[3])


def test_shorten_never_drops_the_head_itself() -> None:
    # A (mis)parsed object of a preposition hung straight from the verb: cutting it must
    # not climb to the verb and take the whole clause with it.
    words = ["Troops", "entered", "the", "city", "with", "tanks", "yesterday", "morning"]
    doc = parse(
        words,
        [1, 1, 3, 1, 1, 1, 7, 1],
        ["nsubj", "ROOT", "det", "dobj", "prep", "pobj", "compound", "npadvmod"],
        ["NOUN", "VERB", "DET", "NOUN", "ADP", "NOUN", "NOUN", "NOUN"],
        ["NNS", "VBD", "DT", "NN", "IN", "NNS", "NN", "NN"],
    )
    kept = clauses.shorten(list(doc), doc[1], 5)
    assert doc[1].i in {t.i for t in kept}
    assert 0 < len(kept) <= 5


def _identity_comparisons(path: Path) -> list[str]:
    """``a is b`` / ``a is not b`` in a module, other than against a constant."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Compare):
            continue
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, (ast.Is, ast.IsNot)) and not isinstance(right, ast.Constant):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


#: Identity comparisons in the extractors that are not between tokens: records,
#: candidates, spans of one list, the per-Doc slot.
NOT_TOKENS = {
    "long is short",
    "rec is acr",
    "cand is cands[0]",
    "nxt is sents[idx + 1]",
    "_DOC_SLOT.get('doc') is not doc",
}


def test_extractors_compare_tokens_by_position_not_identity() -> None:
    package = Path(briefgen.__file__).parent
    found = [
        hit
        for path in sorted((package / "extract").glob("*.py"))
        for hit in _identity_comparisons(path)
        if hit.split(": ", 1)[1] not in NOT_TOKENS
    ]
    assert not found, "compare spaCy tokens with .i, not `is`: " + "; ".join(found)
