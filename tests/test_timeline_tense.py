"""Whether a date's event is still to come (``timeline._future``) when its verb has no
tense of its own: the plan it hangs from decides, through verbs like it and the
prepositions between them, but not past a verb with a tense or a past participle. Parses
are written by hand, as the model parses these sentences."""

from __future__ import annotations

from conftest import hand_parse as parse
from spacy.tokens import Doc

from briefgen.extract import timeline


def future(doc: Doc, date: int) -> bool:
    root = doc[date]
    return timeline._future(timeline._governor(root), root)


SCHEDULED = """
He PRON PRP nsubjpass 2
was AUX VBD auxpass 2
scheduled VERB VBN ROOT 2
to PART TO aux 4
spend VERB VB xcomp 2
the DET DT det 6
night NOUN NN dobj 4
before ADP IN prep 4
returning VERB VBG pcomp 7
on ADP IN prep 8
Tuesday PROPN NNP pobj 9
"""


def test_a_plan_above_an_ing_verb_makes_its_date_future() -> None:
    doc = parse(SCHEDULED)
    assert timeline._governor(doc[10]).text == "returning"
    assert future(doc, 10)


def test_a_tensed_verb_above_it_dates_no_plan() -> None:
    doc = parse(
        SCHEDULED.replace("was AUX VBD auxpass", "he PRON PRP nsubj").replace(
            "scheduled VERB VBN ROOT", "left VERB VBD ROOT"
        )
    )
    assert not future(doc, 10)


def test_due_to_begin_through_a_second_infinitive() -> None:
    # "… is due to begin on 8 September with opening arguments due to begin on 27 September"
    doc = parse("""
is AUX VBZ ROOT 0
due ADJ JJ acomp 0
to PART TO aux 3
begin VERB VB xcomp 1
with ADP IN prep 3
arguments NOUN NNS pobj 4
due ADP IN prep 3
to PART TO aux 8
begin VERB VB advcl 3
on ADP IN prep 8
September PROPN NNP pobj 9
""")
    assert future(doc, 10)


def test_a_past_participle_stops_the_climb() -> None:
    # "… they will gain the upper hand on the well, drilled by the rig and spewing oil
    # since the blowout April 20" (the participle misparsed under "gain")
    doc = parse("""
they PRON PRP nsubj 2
will AUX MD aux 2
gain VERB VB ROOT 2
drilled VERB VBN advcl 2
and CCONJ CC cc 3
spewing VERB VBG conj 3
oil NOUN NN dobj 5
since ADP IN prep 5
blowout NOUN NN pobj 7
April PROPN NNP npadvmod 8
""")
    assert not future(doc, 9)
