"""briefgen.extract.statements: who said what, with the cue that attributes it."""

from __future__ import annotations

from typing import Any

from briefgen.model import DocFacts, Statement


def only(facts: DocFacts) -> Statement:
    assert len(facts.statements) == 1, [s.content.text for s in facts.statements]
    return facts.statements[0]


def speaker_name(facts: DocFacts, st: Statement) -> str | None:
    by_id = {a.id: a.name for a in facts.actors}
    return by_id.get(st.speaker.actor_id or "")


def test_said_that(facts_of: Any) -> None:
    facts = facts_of(
        "Finance Minister Olaf Scholz said that the budget would be balanced next year."
    )
    st = only(facts)
    assert speaker_name(facts, st) == "Olaf Scholz"
    assert st.speaker_name == "Olaf Scholz"
    assert st.speaker.text == "Finance Minister Olaf Scholz"
    assert st.cue.text == "said"
    assert st.content.text == "the budget would be balanced next year"  # "that" left out
    assert st.direct is False
    assert st.doc == facts.document.id


def test_surname_speaker_resolves_to_the_full_name(facts_of: Any) -> None:
    facts = facts_of(
        "Angela Merkel met Emmanuel Macron in Paris on Monday. "
        "Merkel said the talks were productive."
    )
    st = only(facts)
    assert st.speaker.text == "Merkel"
    assert speaker_name(facts, st) == "Angela Merkel"
    assert st.content.text == "the talks were productive"


def test_quote_first(facts_of: Any) -> None:
    facts = facts_of(
        "“The talks were very useful and we agreed on a new schedule,” Foreign "
        "Minister Sergey Lavrov said on Friday."
    )
    st = only(facts)
    assert speaker_name(facts, st) == "Sergey Lavrov"
    assert st.cue.text == "said"
    assert st.content.text == "The talks were very useful and we agreed on a new schedule"


def test_speaker_then_colon_quote(facts_of: Any) -> None:
    facts = facts_of("Putin said: “We are ready to continue the dialogue with our partners.”")
    st = only(facts)
    assert st.speaker.text == "Putin"
    assert "ready to continue the dialogue" in st.content.text


def test_according_to(facts_of: Any) -> None:
    facts = facts_of(
        "According to the Interior Ministry, twelve people were arrested during "
        "the protests in Lagos."
    )
    st = only(facts)
    assert st.speaker.text == "the Interior Ministry"
    assert speaker_name(facts, st) == "Interior Ministry"
    assert st.cue.text == "According to"
    assert st.content.text.startswith("twelve people were arrested during the protests")


def test_pronoun_speaker_is_the_person_named_before(facts_of: Any) -> None:
    facts = facts_of(
        "Senator John Smith arrived in Ohio on Friday. He said the factory would "
        "reopen within weeks."
    )
    st = only(facts)
    assert st.speaker.text == "He"
    assert speaker_name(facts, st) == "John Smith"
    assert st.speaker_name == "John Smith"
    assert st.content.text == "the factory would reopen within weeks"


def test_negated_speech_is_not_a_statement(facts_of: Any) -> None:
    facts = facts_of("Senator John Smith did not say whether the factory would reopen.")
    assert facts.statements == []


def test_yet_to_confirm_is_not_a_statement(facts_of: Any) -> None:
    facts = facts_of("Tehran and Washington have yet to confirm the summit.")
    assert facts.statements == []


def test_capital_speaker_is_its_state(facts_of: Any) -> None:
    facts = facts_of("Berlin said it would send more troops to Lithuania.")
    st = only(facts)
    assert speaker_name(facts, st) == "Germany"
    assert st.content.text == "it would send more troops to Lithuania"


def test_noun_phrase_speaker_without_actor(facts_of: Any) -> None:
    facts = facts_of(
        "Analysts warned that the new enrichment program could trigger a nuclear "
        "arms race in the region."
    )
    st = only(facts)
    assert st.speaker.text == "Analysts"
    assert st.speaker.actor_id is None
    assert st.cue.text == "warned"
    assert st.content.text.startswith("the new enrichment program could trigger")


def test_statements_are_in_text_order_with_ids(facts_of: Any) -> None:
    facts = facts_of(
        "Angela Merkel met Emmanuel Macron. Merkel said the talks were useful. "
        "Macron told reporters that France would host the next round."
    )
    starts = [s.content.start for s in facts.statements]
    assert len(starts) == 2
    assert starts == sorted(starts)
    assert [s.id for s in facts.statements] == [
        f"{facts.document.id}-st1",
        f"{facts.document.id}-st2",
    ]
    assert [speaker_name(facts, s) for s in facts.statements] == [
        "Angela Merkel",
        "Emmanuel Macron",
    ]


# --- known bugs (see the report; remove the marker once fixed)


def test_quote_first_is_direct(facts_of: Any) -> None:
    facts = facts_of("“The talks were very useful,” Lavrov said.")
    st = only(facts)
    assert st.content.text == "The talks were very useful"
    assert st.direct is True


def test_quote_content_keeps_a_phrasal_particle(facts_of: Any) -> None:
    facts = facts_of("“We will not back down,” Prime Minister Rishi Sunak said.")
    st = only(facts)
    assert speaker_name(facts, st) == "Rishi Sunak"
    assert st.content.text == "We will not back down"


def test_pronoun_speaker_prefers_the_previous_subject(facts_of: Any) -> None:
    facts = facts_of(
        "Sergey Lavrov met Wang Yi in Moscow. He told reporters that the two "
        "countries share the same goals."
    )
    st = only(facts)
    assert st.speaker.text == "He"
    assert speaker_name(facts, st) == "Sergey Lavrov"
