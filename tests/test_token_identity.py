"""spaCy builds a new ``Token`` object on every access (``doc[i]``, ``tok.head``,
iteration), so ``a is b`` between two tokens is false even for the same word. The
extractors compare tokens by position (``a.i == b.i``); these tests pin the walks that
got it wrong, on hand-built parses, and keep the mistake from coming back."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import hand_parse as parse

import briefgen
from briefgen.extract import clauses, timeline


def test_spacy_tokens_are_new_objects_on_every_access() -> None:
    doc = parse("It PRON PRP nsubj 1\nrained VERB VBD ROOT 1")
    root = doc[1]
    assert root.head is not root  # why `is` cannot compare tokens
    assert root.head.i == root.i


def test_depth_counts_the_steps_to_the_root() -> None:
    doc = parse("""
He PRON PRP nsubj 1
met VERB VBD ROOT 1
them PRON PRP dobj 1
on ADP IN prep 1
Tuesday PROPN NNP pobj 3
""")
    assert [timeline._depth(t) for t in doc] == [1, 0, 1, 1, 2]


def test_a_past_verb_under_a_noun_still_dates_a_past_event() -> None:
    # "the report that he died on 25 June": the walk from the date stops at its verb
    # ("died") and never reaches the noun the clause hangs from ("report").
    doc = parse("""
report NOUN NN ROOT 0
that SCONJ IN mark 3
he PRON PRP nsubj 3
died VERB VBD acl 0
on ADP IN prep 3
June PROPN NNP pobj 4
""")
    gov, date_root = doc[3], doc[5]
    assert timeline._governor(date_root).i == gov.i
    assert timeline._past(gov, date_root)


def test_a_planned_word_above_the_dates_verb_is_not_between_them() -> None:
    # A "slated" over the clause of "met on Tuesday" (a tensed verb) plans nothing of it …
    doc = parse("""
slated VERB VBN ROOT 0
he PRON PRP nsubj 2
met VERB VBD ccomp 0
on ADP IN prep 2
Tuesday PROPN NNP pobj 3
""")
    assert not timeline._future(doc[2], doc[4])
    # … while one between the date and its verb does: "results due on Tuesday".
    doc = parse("""
results NOUN NNS ROOT 0
due ADJ JJ amod 0
on ADP IN prep 1
Tuesday PROPN NNP pobj 2
""")
    assert timeline._future(doc[0], doc[3])


def test_shorten_never_drops_the_head_itself() -> None:
    # A (mis)parsed object of a preposition hung straight from the verb: cutting it must
    # not climb to the verb and take the whole clause with it.
    doc = parse("""
Troops NOUN NNS nsubj 1
entered VERB VBD ROOT 1
the DET DT det 3
city NOUN NN dobj 1
with ADP IN prep 1
tanks NOUN NNS pobj 1
yesterday NOUN NN compound 7
morning NOUN NN npadvmod 1
""")
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
