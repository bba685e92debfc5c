"""briefgen.extract.risks and .questions: adverse outcomes with an ICD 203 likelihood, and
hedged / unconfirmed / conditional / future claims turned into open questions."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ICD203

from briefgen.model import DocFacts, OpenQuestion, Risk


def only_risk(facts: DocFacts) -> Risk:
    assert len(facts.risks) == 1, [r.summary for r in facts.risks]
    return facts.risks[0]


def questions(facts: DocFacts) -> list[str]:
    return [q.question for q in facts.open_questions]


def first_question(facts: DocFacts) -> OpenQuestion:
    assert facts.open_questions, "no open question"
    return facts.open_questions[0]


# --- risks


def test_would_violate_is_a_legal_breach_whose_likelihood_is_not_stated(facts_of: Any) -> None:
    text = "Any sale of the missiles would violate United Nations sanctions, diplomats said."
    risk = only_risk(facts_of(text))
    assert risk.likelihood is None  # "would" keeps its word; no ICD 203 term is invented
    assert risk.category == "sanctions or legal breach"
    assert risk.basis == "would"
    assert risk.summary == "Any sale of the missiles would violate United Nations sanctions."
    assert risk.evidence[0].text == text


def test_could_trigger_a_nuclear_arms_race(facts_of: Any) -> None:
    facts = facts_of(
        "Analysts warned that the new enrichment program could trigger a nuclear "
        "arms race in the region."
    )
    risk = only_risk(facts)
    assert risk.likelihood is None
    assert risk.basis == "could"
    assert risk.category == "WMD/nuclear"
    assert "trigger a nuclear arms race" in risk.summary
    assert risk.impact == "high"


def test_transfer_of_troops_with_would_is_a_military_risk(facts_of: Any) -> None:
    risk = only_risk(facts_of("Berlin said it would send more troops to Lithuania."))
    assert risk.likelihood is None
    assert risk.category == "military escalation"
    # The pronoun subject is replaced by the actor it stands for.
    assert risk.summary == "Germany would send more troops to Lithuania."


@pytest.mark.parametrize(
    "text",
    [
        "The army fired three missiles into the sea last week.",
        "Rebels captured the town on Sunday and the army withdrew.",
        "Angela Merkel met Emmanuel Macron in Paris on Monday.",
    ],
)
def test_a_plain_past_fact_is_not_a_risk(facts_of: Any, text: str) -> None:
    assert facts_of(text).risks == []


@pytest.mark.parametrize(
    ("text", "term", "basis"),
    [
        ("The deal will likely violate United Nations sanctions.", "likely", "likely"),
        ("The deal would probably violate United Nations sanctions.", "likely", "probably"),
        (
            "The strikes will almost certainly escalate the war in the region.",
            "almost certain",
            "almost certainly",
        ),
        ("The rebels are unlikely to attack the capital this year.", "unlikely", "unlikely"),
    ],
)
def test_the_sources_own_likelihood_word_gives_the_icd203_term(
    facts_of: Any, text: str, term: str, basis: str
) -> None:
    risk = only_risk(facts_of(text))
    assert (risk.likelihood, risk.basis) == (term, basis)


def test_a_percentage_chance_gives_its_icd203_term(facts_of: Any) -> None:
    risk = only_risk(
        facts_of("Analysts see a 70% chance that the strikes will escalate the war in the north.")
    )
    assert risk.likelihood == "likely"  # 55–80 %


@pytest.mark.parametrize("modal", ["could", "may", "might"])
def test_could_may_might_keep_their_word_and_state_no_likelihood(facts_of: Any, modal: str) -> None:
    risk = only_risk(facts_of(f"The missile tests {modal} provoke a nuclear war."))
    assert risk.likelihood is None
    assert risk.basis == modal


def test_insurers_likely_to_raise_premiums_is_a_risk(facts_of: Any) -> None:
    risk = only_risk(
        facts_of("Insurers are likely to raise war-risk premiums for ships in the Red Sea.")
    )
    assert risk.likelihood == "likely"
    assert risk.category == "economic"
    assert "raise war-risk premiums" in risk.summary


def test_risk_likelihoods_are_icd203_words_or_not_stated(facts_of: Any) -> None:
    facts = facts_of(
        "The deal would violate United Nations sanctions. The tests could provoke "
        "a nuclear war. Officials may impose new tariffs on steel."
    )
    assert facts.risks
    assert all(r.likelihood in ICD203 or r.likelihood is None for r in facts.risks)
    assert [r.id for r in facts.risks] == [
        f"{facts.document.id}-rk{i}" for i in range(1, len(facts.risks) + 1)
    ]


# --- open questions


def test_yet_to_confirm_the_summit(facts_of: Any) -> None:
    q = first_question(facts_of("Tehran and Washington have yet to confirm the summit."))
    assert q.question.endswith("?")
    assert "summit" in q.question
    assert q.question == "Will the summit take place?"
    assert "Tehran and Washington" in q.basis


def test_yet_to_confirm_a_meeting_names_its_participants(facts_of: Any) -> None:
    q = first_question(
        facts_of(
            "Officials have yet to confirm the meeting between Kim Jong-un and Vladimir Putin."
        )
    )
    assert q.question == "Will the meeting between Kim Jong-un and Vladimir Putin take place?"


def test_allegedly_becomes_a_did_question(facts_of: Any) -> None:
    text = "The minister allegedly accepted bribes from a construction firm."
    q = first_question(facts_of(text))
    assert q.question == "Did the minister accept bribes from a construction firm?"
    assert "allegedly" in q.basis
    assert q.evidence[0].text == text


def test_a_will_claim_becomes_a_will_question(facts_of: Any) -> None:
    facts = facts_of(
        "Indian Prime Minister Narendra Modi arrived in Washington on Tuesday. "
        "He will meet President Joe Biden on Thursday."
    )
    assert questions(facts) == ["Will Narendra Modi meet President Joe Biden on Thursday?"]


def test_a_could_claim_becomes_a_question(facts_of: Any) -> None:
    facts = facts_of(
        "Analysts warned that the new enrichment program could trigger a nuclear "
        "arms race in the region."
    )
    assert questions(facts) == [
        "Will the new enrichment program trigger a nuclear arms race in the region?"
    ]


def test_a_plain_past_fact_raises_no_question(facts_of: Any) -> None:
    assert facts_of("The army fired three missiles into the sea last week.").open_questions == []


def test_questions_are_yes_no_questions(facts_of: Any) -> None:
    facts = facts_of(
        "Tehran and Washington have yet to confirm the summit. The minister "
        "allegedly accepted bribes. The navy will hold drills in May."
    )
    assert len(facts.open_questions) >= 2
    for q in facts.open_questions:
        assert q.question.endswith("?")
        assert q.question[0].isupper()
        assert q.question.split()[0] in (
            "Will",
            "Did",
            "Does",
            "Is",
            "Are",
            "Has",
            "Have",
            "Was",
            "Were",
            "Can",
            "Could",
        )
        assert "allegedly" not in q.question


# --- known bugs (see the report; remove the marker once fixed)


def test_did_not_confirm_that_raises_a_question(facts_of: Any) -> None:
    facts = facts_of("The ministry did not confirm that the drills had started.")
    assert any("drills" in q for q in questions(facts)), questions(facts)


def test_a_risk_someone_argues_is_attributed_to_them(facts_of: Any) -> None:
    facts = facts_of("Senator Jane Smith argued that the new tariffs would destroy the economy.")
    risk = only_risk(facts)
    assert risk.attributed_to == "Jane Smith"
    assert risk.category == "economic"
    unattributed = only_risk(facts_of("The new tariffs would destroy the economy."))
    assert unattributed.attributed_to is None


def test_striking_a_deal_and_combating_a_problem_are_not_military(facts_of: Any) -> None:
    facts = facts_of(
        "Efforts to combat the debt will destroy the economy. The two leaders "
        "could strike a deal that would hurt exports."
    )
    assert facts.risks and all(r.category != "military escalation" for r in facts.risks), [
        (r.summary, r.category) for r in facts.risks
    ]


def test_a_risk_without_a_subject_is_no_risk(facts_of: Any) -> None:
    facts = facts_of("Americans should worry more about things that might actually kill them.")
    assert not any(r.summary.startswith(("Might", "Kill")) for r in facts.risks), [
        r.summary for r in facts.risks
    ]
