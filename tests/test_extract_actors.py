"""briefgen.extract.actors: one canonical actor per real-world actor in a document.

Small texts written for these tests; the real English model (session fixture).
``facts_of`` also checks that every span in the result is an exact text slice.
"""

from __future__ import annotations

from typing import Any

import pytest

from briefgen.model import Actor, DocFacts


def actor(facts: DocFacts, name: str) -> Actor:
    found = [a for a in facts.actors if a.name == name]
    assert found, f"no actor {name!r} in {[a.name for a in facts.actors]}"
    assert len(found) == 1, f"{name!r} appears {len(found)} times"
    return found[0]


def names(facts: DocFacts) -> list[str]:
    return [a.name for a in facts.actors]


def test_surname_mention_merges_with_the_full_name(facts_of: Any) -> None:
    facts = facts_of(
        "Angela Merkel met Emmanuel Macron in Paris on Monday. "
        "Merkel said the talks were productive."
    )
    merkel = actor(facts, "Angela Merkel")
    assert merkel.type == "person"
    assert merkel.mentions == 2
    assert merkel.aliases == ["Merkel"]
    assert "Merkel" not in names(facts)


def test_possessive_mention_merges(facts_of: Any) -> None:
    facts = facts_of("Angela Merkel arrived on Tuesday. Merkel’s visit was short.")
    merkel = actor(facts, "Angela Merkel")
    assert merkel.mentions == 2
    assert not any("’s" in n or "'s" in n for n in names(facts) + merkel.aliases)


def test_title_prefix_gives_role_and_affiliation(facts_of: Any) -> None:
    facts = facts_of(
        "German Chancellor Angela Merkel met French President Emmanuel Macron on Monday."
    )
    merkel = actor(facts, "Angela Merkel")
    assert merkel.role is not None and "Chancellor" in merkel.role
    assert merkel.affiliation == "Germany"
    macron = actor(facts, "Emmanuel Macron")
    assert macron.role == "French President"
    assert macron.affiliation == "France"
    # The title is not part of the name, and "German" is not an actor.
    assert "German Chancellor Angela Merkel" not in names(facts)
    assert "German" not in names(facts)


def test_title_prefix_without_nationality(facts_of: Any) -> None:
    facts = facts_of("Finance Minister Olaf Scholz said that the budget would be balanced.")
    scholz = actor(facts, "Olaf Scholz")
    assert scholz.role == "Finance Minister"


def test_appositive_role(facts_of: Any) -> None:
    facts = facts_of(
        "Jens Stoltenberg, NATO's secretary general, warned that the alliance "
        "would respond to any attack."
    )
    stoltenberg = actor(facts, "Jens Stoltenberg")
    assert stoltenberg.role is not None and "secretary general" in stoltenberg.role
    assert stoltenberg.affiliation == "NATO"
    assert actor(facts, "NATO").type == "organization"


def test_appositive_role_with_article(facts_of: Any) -> None:
    facts = facts_of(
        "Maria Zakharova, the spokeswoman of the Russian Foreign Ministry, "
        "said the claims were false."
    )
    zakharova = actor(facts, "Maria Zakharova")
    assert zakharova.role is not None and zakharova.role.startswith("spokeswoman")
    assert zakharova.affiliation == "Russia"


def test_capital_as_actor_is_its_state(facts_of: Any) -> None:
    facts = facts_of("Berlin said it would send more troops to Lithuania.")
    germany = actor(facts, "Germany")
    assert germany.type == "state"
    assert "Berlin" in germany.aliases
    assert "Berlin" not in names(facts)
    assert actor(facts, "Lithuania").type == "state"


def test_capital_as_place_stays_a_place(facts_of: Any) -> None:
    facts = facts_of("Narendra Modi arrived in Washington on Tuesday for trade talks.")
    place = actor(facts, "Washington")
    assert place.type == "location"
    assert "United States" not in names(facts)


def test_two_capitals_as_subjects(facts_of: Any) -> None:
    facts = facts_of("Tehran and Washington have yet to confirm the summit.")
    assert actor(facts, "Iran").type == "state"
    assert actor(facts, "United States").type == "state"
    assert "Tehran" in actor(facts, "Iran").aliases


def test_acronym_merges_with_its_expansion(facts_of: Any) -> None:
    facts = facts_of(
        "The North Atlantic Treaty Organization (NATO) held a summit in Vilnius. "
        "NATO leaders agreed on new plans."
    )
    nato = actor(facts, "NATO")
    assert nato.type == "organization"
    assert "North Atlantic Treaty Organization" in nato.aliases
    assert nato.mentions == 3
    assert "North Atlantic Treaty Organization" not in names(facts)


def test_acronym_after_expansion(facts_of: Any) -> None:
    facts = facts_of(
        "The European Union (EU) imposed new sanctions on Belarus. "
        "The EU said the measures target state firms."
    )
    eu = actor(facts, "European Union")
    assert eu.aliases == ["EU"]
    assert eu.mentions == 3
    assert "EU" not in names(facts)


def test_lowercase_words_are_not_actors(facts_of: Any) -> None:
    facts = facts_of("the hitherto unknown group attacked a convoy. officials said nothing.")
    assert facts.actors == []


def test_actor_evidence_is_the_sentence_naming_it(facts_of: Any) -> None:
    text = "Angela Merkel met Emmanuel Macron. Merkel said the talks were useful."
    facts = facts_of(text)
    merkel = actor(facts, "Angela Merkel")
    assert [e.text for e in merkel.evidence] == [
        "Angela Merkel met Emmanuel Macron.",
        "Merkel said the talks were useful.",
    ]


def test_salience_ranks_the_main_actor_first(facts_of: Any) -> None:
    facts = facts_of(
        "German Chancellor Angela Merkel met Emmanuel Macron in Paris. "
        "Merkel said the talks were productive. Merkel will return in May."
    )
    assert facts.actors[0].name == "Angela Merkel"
    assert facts.actors[0].salience == 1.0
    assert all(0.0 <= a.salience <= 1.0 for a in facts.actors)


# --- known bugs (see the report; remove the marker once fixed)


def test_role_prefix_stops_at_the_sentence_boundary(facts_of: Any) -> None:
    facts = facts_of(
        "Mexican President Andres Manuel Lopez Obrador flew to Madrid on Sunday. "
        "Spanish Prime Minister Pedro Sanchez greeted him at the airport."
    )
    assert actor(facts, "Pedro Sanchez").role == "Spanish Prime Minister"


def test_titled_single_name_is_a_person(facts_of: Any) -> None:
    facts = facts_of(
        "Prime Minister Fumio Kishida spoke with President Biden on Monday. "
        "Kishida said the two leaders agreed to deepen security cooperation."
    )
    biden = actor(facts, "Biden")
    assert biden.type == "person"
    assert biden.role == "President"


def test_sentence_initial_common_noun_is_not_a_person(facts_of: Any) -> None:
    facts = facts_of(
        "Ukrainian forces shot down 12 Russian drones over Kyiv on May 1, the air "
        "force said. Debris damaged two houses. Nobody was hurt."
    )
    assert "Debris" not in names(facts)


def test_seat_city_as_place_is_where(facts_of: Any) -> None:
    facts = facts_of("Angela Merkel arrived in Brussels on Tuesday. Merkel’s visit was short.")
    assert "European Union" not in names(facts)
    assert facts.key_developments[0].where == ["Brussels"]


def test_a_lowercase_plural_is_no_part_of_a_title(facts_of: Any) -> None:
    facts = facts_of(
        "If the Syrian refugees President Emmanuel Macron wants to admit pose a "
        "risk, the law must change. Foreign Affairs Minister Sergei Lavrov "
        "disagreed."
    )
    macron = actor(facts, "Emmanuel Macron")
    assert macron.role == "President"
    assert macron.affiliation != "Syria"
    assert actor(facts, "Sergei Lavrov").role == "Foreign Affairs Minister"


# --- vessels, companies, ports; tails merge (wire copy)

SHIP_ATTACK = (
    "A missile struck the Aurora Star, a Liberian-flagged bulk carrier, off Ras Isa on "
    "Tuesday, U.S. Central Command said. The ship is managed by Poseidon Bulk Management, "
    "which said the crew was safe. Central Command said the Houthis fired two missiles. "
    "Officials at the port of Ras Isa said damage was light."
)


def test_a_vessel_a_company_and_a_port_are_not_persons(facts_of: Any) -> None:
    types = {a.name: a.type for a in facts_of(SHIP_ATTACK).actors}
    assert types.get("Aurora Star") == "other"  # a ship
    assert types.get("Poseidon Bulk Management") == "organization"
    assert types.get("Ras Isa") == "location"
    assert "person" not in {types.get(n) for n in ("Aurora Star", "Ras Isa")}


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        (
            "Gulf Star Shipping Ltd said its tanker was hit.",
            "Gulf Star Shipping Ltd",
            "organization",
        ),
        ("The tanker Marlin Luanda caught fire after the strike.", "Marlin Luanda", "other"),
        (
            "Fighting closed Hodeidah Airport on Monday, witnesses said.",
            "Hodeidah Airport",
            "location",
        ),
    ],
)
def test_names_are_typed_by_their_own_words_and_context(
    facts_of: Any, text: str, name: str, kind: str
) -> None:
    types = {a.name: a.type for a in facts_of(text).actors}
    assert types.get(name) == kind, types


def test_a_name_that_is_the_tail_of_a_longer_one_merges(facts_of: Any) -> None:
    actors = facts_of(SHIP_ATTACK).actors
    command = [a for a in actors if "Central Command" in a.name]
    assert len(command) == 1
    assert command[0].name == "U.S. Central Command"
    assert "Central Command" in command[0].aliases
