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


# --- reported speech the annotators count: according-to last, beliefs, quotes that span


def test_according_to_after_the_claim(facts_of: Any) -> None:
    facts = facts_of(
        "Fourteen bridges were closed after the storm, according to the transport agency."
    )
    st = only(facts)
    assert st.speaker.text == "the transport agency"
    assert st.cue.text == "according to"
    assert st.content.text == "Fourteen bridges were closed after the storm"


def test_belief_with_a_clause_is_attributed(facts_of: Any) -> None:
    facts = facts_of("The farmers fear that the new tariff will ruin the harvest season.")
    st = only(facts)
    assert st.speaker.text == "The farmers"
    assert st.cue.text == "fear"
    assert st.content.text == "the new tariff will ruin the harvest season"


def test_intention_with_an_infinitive_is_attributed(facts_of: Any) -> None:
    facts = facts_of("The mayor hopes to reopen the old library before the winter.")
    st = only(facts)
    assert st.cue.text == "hopes"
    assert st.content.text.startswith("to reopen the old library")


def test_a_feeling_without_a_clause_is_no_statement(facts_of: Any) -> None:
    assert facts_of("The tired nurses feel exhausted after the long night shift.").statements == []


def test_named_possessor_view_that(facts_of: Any) -> None:
    facts = facts_of(
        "The vote came a day after Mayor Linda Osei's claim that the budget had been balanced."
    )
    st = next(s for s in facts.statements if s.cue.text == "claim")
    assert "Linda Osei" in st.speaker.text
    assert st.content.text == "the budget had been balanced"


def test_pronoun_possessor_view_is_left_to_its_clause(facts_of: Any) -> None:
    facts = facts_of("Nobody believed his claim that the vault had been empty for years.")
    assert all(s.cue.text != "claim" for s in facts.statements)


def test_typewriter_quotes_are_direct_and_continue(facts_of: Any) -> None:
    text = (
        "''The river rose too fast,'' the engineer said. "
        "''We opened every gate. Nothing more could be done.''"
    )
    st = only(facts_of(text))
    assert st.content.text.startswith("The river rose too fast")
    assert st.content.text.endswith("Nothing more could be done.''")


def test_quote_opened_in_an_earlier_sentence_starts_there(facts_of: Any) -> None:
    text = "“The dam held for a week. Then it broke,” the engineer said."
    st = only(facts_of(text))
    assert st.content.text == "The dam held for a week. Then it broke"
    assert st.direct is True


def test_quoted_at_reads_typewriter_pairs() -> None:
    from briefgen.extract.statements import quote_opening, quoted_at

    text = "He said ''we are ready'' and left. ``Soon,'' she said."
    assert quoted_at(text, text.index("ready"))
    assert not quoted_at(text, text.index("left"))
    assert quoted_at(text, text.index("Soon"))
    assert quote_opening(text, text.index("ready")) == text.index("we")
    assert quote_opening(text, text.index("left")) is None


# --------------------------------------------------------------- issue 14, third pass


def by_cue(facts: DocFacts, cue: str) -> Statement:
    found = [s for s in facts.statements if s.cue.text == cue]
    assert found, [(s.cue.text, s.content.text) for s in facts.statements]
    return found[0]


def test_parenthetical_speech_verb_attributes_its_host_clause(facts_of: Any) -> None:
    facts = facts_of("The new bridge, the mayor said, will open to traffic in May.")
    st = by_cue(facts, "said")
    assert st.speaker.text == "the mayor"
    # one clause around its attribution (as '"A," X said, "B."' is one quotation)
    assert st.content.text.startswith("The new bridge")
    assert "will open to traffic in May" in st.content.text


def test_as_speaker_noted_attributes_the_clause_after(facts_of: Any) -> None:
    facts = facts_of("As the auditor noted, the city accounts showed a large deficit.")
    st = by_cue(facts, "noted")
    assert st.speaker.text == "the auditor"
    assert st.content.text.startswith("the city accounts showed a large deficit")


def test_quote_before_the_speaker_and_the_added_quote_are_two_statements(
    facts_of: Any,
) -> None:
    text = (
        "“We have started all those talks,” the chairman said, adding, “The whole team is united.”"
    )
    facts = facts_of(text)
    said = by_cue(facts, "said")
    assert "started all those talks" in said.content.text
    assert "united" not in said.content.text
    assert said.direct is True


def test_indirect_claim_after_an_earlier_clause_keeps_the_clause_after(facts_of: Any) -> None:
    text = (
        "Farmers framed the drought as a national disaster; by contrast, the minister "
        "argued that the harvest would recover next year."
    )
    st = by_cue(facts_of(text), "argued")
    assert st.content.text == "the harvest would recover next year"


def test_speech_verb_object_is_the_message(facts_of: Any) -> None:
    st = by_cue(facts_of("Senator Ruth Adler stressed the cost of the long war."), "stressed")
    assert st.content.text == "the cost of the long war"
    assert "Ruth Adler" in st.speaker.text


def test_one_word_stance_object_is_attributed(facts_of: Any) -> None:
    st = by_cue(facts_of("Governor Mike Pence endorsed Cruz on Friday."), "endorsed")
    assert st.content.text.startswith("Cruz")
    assert "Pence" in st.speaker.text


def test_cited_object_is_attributed(facts_of: Any) -> None:
    facts = facts_of("Mayor Linda Osei cited the rising cost of housing in the city.")
    st = by_cue(facts, "cited")
    assert st.content.text.startswith("the rising cost of housing")


def test_relative_pronoun_speaker_is_named_by_its_antecedent(facts_of: Any) -> None:
    text = "The award went to Maria Lopez, who said the prize belonged to her whole team."
    st = by_cue(facts_of(text), "said")
    assert st.speaker.text == "who"
    assert st.speaker_name == "Maria Lopez"
    assert st.content.text == "the prize belonged to her whole team"


def test_speaker_keeps_a_describing_relative_clause(facts_of: Any) -> None:
    text = "Tom Reed, who ran the clinic for ten years, said the funding had dried up."
    st = by_cue(facts_of(text), "said")
    assert st.speaker.text == "Tom Reed, who ran the clinic for ten years"
    assert st.speaker_name == "Tom Reed"


def test_nested_speakers_quote_is_not_carried_into_the_first(facts_of: Any) -> None:
    text = (
        "“The plan is a disaster for the town,” said Glenn Beck, who said there were "
        "“too many problems to list here.”"
    )
    facts = facts_of(text)
    first = next(s for s in facts.statements if "disaster" in s.content.text)
    assert "too many problems" not in first.content.text


def test_resolved_pronoun_possessor_claim_is_attributed(facts_of: Any) -> None:
    text = (
        "Maria Lopez spoke last at the hearing. "
        "Her claim that the vault had been empty for years surprised the committee."
    )
    st = by_cue(facts_of(text), "claim")
    assert st.speaker.text == "Her"
    assert st.speaker_name == "Maria Lopez"
    assert st.content.text.startswith("the vault had been empty")


def test_what_a_poll_shows_is_its_object(facts_of: Any) -> None:
    facts = facts_of("A new Marist poll showed a dead heat between the two candidates.")
    st = by_cue(facts, "showed")
    assert st.content.text.startswith("a dead heat between the two candidates")
    assert "poll" in st.speaker.text


def test_quotation_cut_from_its_attribution_by_the_sentence_splitter(facts_of: Any) -> None:
    facts = facts_of("“Who can remember how many states we lost? Was it two?” Clinton asks.")
    st = by_cue(facts, "asks")
    assert "Who can remember" in st.content.text and "Was it two" in st.content.text


def test_continued_colon_takes_the_next_quotation(facts_of: Any) -> None:
    text = "Senator Ted Cruz continued: “You look at the questions. They are all about fights.”"
    st = by_cue(facts_of(text), "continued")
    assert "You look at the questions" in st.content.text
    assert "all about fights" in st.content.text
    assert st.direct is True


def test_passive_stance_verb_attributes_its_subject_to_the_agent(facts_of: Any) -> None:
    facts = facts_of("The new tariff plan was sharply criticized by Senator Ruth Adler on Monday.")
    st = by_cue(facts, "criticized")
    assert "Ruth Adler" in st.speaker.text
    assert st.content.text == "The new tariff plan"


def test_decision_to_act_is_attributed(facts_of: Any) -> None:
    st = by_cue(facts_of("Mayor Linda Osei decided to close the old library."), "decided")
    assert st.content.text.startswith("to close the old library")


def test_trailing_comma_relative_clause_is_left_out(facts_of: Any) -> None:
    text = (
        "Senator Ruth Adler said the testimony differed from an earlier account of the "
        "attack, which left four soldiers dead."
    )
    st = by_cue(facts_of(text), "said")
    assert st.content.text.endswith("an earlier account of the attack")


def test_a_line_per_paragraph_resets_quotation_marks() -> None:
    from briefgen.extract.statements import quoted_at

    text = 'He said "we are ready." and left.\nRubio disagreed.\n"Leadership matters," he said.'
    assert not quoted_at(text, text.index("Rubio"))
    assert quoted_at(text, text.index("Leadership"))
    wrapped = 'He said "we are\nready now" and left.'  # a wire line wrapped in a quote
    assert quoted_at(wrapped, wrapped.index("ready"))
