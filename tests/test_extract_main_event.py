"""The main event: headline who/what, lead when/where, datelines and date fallbacks."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.model


def main_event(facts: Any) -> Any:
    assert facts.key_developments, "no development at all"
    return facts.key_developments[0]


def test_headline_gives_who_and_what(facts_of: Any) -> None:
    title = "Rebels seize airport in northern city of Goma"
    text = (
        f"{title}\n\nArmed rebels took control of the airport in the northern city of Goma "
        "late on Tuesday, officials said. Flights were suspended. The army said it would "
        "respond."
    )
    kd = main_event(facts_of(text, title=title, published="2024-05-08"))
    assert kd.what.startswith("seize airport")
    assert kd.who == ["Rebels"]
    assert kd.headline is not None and kd.headline.text == title
    # The evidence is the body sentence that carries the event, never the headline alone.
    assert all(ev.text != title for ev in kd.evidence)
    assert "Goma" in " ".join(kd.where)


def test_lead_time_expression_with_modifier(facts_of: Any) -> None:
    title = "Storm floods coastal towns"
    text = (
        f"{title}\n\nA powerful storm flooded three coastal towns late Thursday, forcing "
        "hundreds of families from their homes. Rescue teams worked through the night."
    )
    kd = main_event(facts_of(text, title=title, published="2024-03-16"))
    assert kd.when.text == "late Thursday"
    assert kd.when.date == "2024-03-14"
    assert kd.when.basis == "text"


def test_dateline_names_the_place(facts_of: Any) -> None:
    title = "Senate passes the budget bill"
    text = (
        f"{title}\n\nWASHINGTON — The Senate passed the budget bill on Friday after a "
        "long debate. The House votes next week."
    )
    kd = main_event(facts_of(text, title=title, published="2024-03-16"))
    assert "Washington" in kd.where  # a capitalised dateline names the place plainly


def test_a_dateline_and_the_same_place_in_the_text_are_one_place(facts_of: Any) -> None:
    title = "Senate passes the budget bill"
    text = (
        f"{title}\n\nWASHINGTON — The Senate passed the budget bill in Washington on "
        "Friday after a long debate. The House votes next week."
    )
    kd = main_event(facts_of(text, title=title, published="2024-03-16"))
    assert [w.casefold() for w in kd.where].count("washington") == 1, kd.where


def test_no_time_in_text_falls_back_to_publication_date(facts_of: Any) -> None:
    title = "Chocolate maker changes its bar"
    text = (
        f"{title}\n\nThe chocolate maker changed the shape of its famous bar to cut "
        "costs. Fans complained loudly about the change."
    )
    kd = main_event(facts_of(text, title=title, published="2016-11-08"))
    assert kd.when.text == "November 8, 2016"
    assert kd.when.basis == "published"
    assert kd.when.date == "2016-11-08"


def test_undated_document_without_time_keeps_when_empty(facts_of: Any) -> None:
    title = "Chocolate maker changes its bar"
    text = (
        f"{title}\n\nThe chocolate maker changed the shape of its famous bar to cut "
        "costs. Fans complained loudly about the change."
    )
    kd = main_event(facts_of(text, title=title, published=None))
    assert kd.when.text == "" and kd.when.date is None


def test_city_preferred_to_country(facts_of: Any) -> None:
    text = (
        "A car bomb exploded outside a hotel in Afghanistan on Monday. The blast in "
        "Kandahar killed four people, police said."
    )
    kd = main_event(facts_of(text, title="", published="2024-01-09"))
    assert kd.where[0] == "Kandahar"


def test_a_negation_is_no_content_word_whatever_its_tag() -> None:
    import spacy
    from spacy.tokens import Doc

    from briefgen.extract.main_event import _content_word

    doc = Doc(spacy.blank("en").vocab, words=["Are", "n’t", "Heads"], pos=["AUX", "PROPN", "PROPN"])
    assert [_content_word(t) for t in doc] == [False, False, True]
