"""briefgen.extract.gazetteer and the reference data in briefgen/data."""

from __future__ import annotations

from collections import defaultdict
from importlib import resources

import pytest

from briefgen.extract.gazetteer import (
    AMBIGUOUS_HEADER,
    ORGANIZATIONS_HEADER,
    STATES_HEADER,
    Entry,
    Gazetteer,
    _is_acronym,
    _normalize,
    load_gazetteer,
)

ORG_KINDS = {
    "organization",
    "media",
    "group",
    "party",
    "agency",
    "legislature",
    "court",
    "alliance",
}


def data_text(name: str) -> str:
    return resources.files("briefgen.data").joinpath(name).read_text(encoding="utf-8")


def data_rows(name: str, header: tuple[str, ...]) -> list[list[str]]:
    lines = data_text(name).splitlines()
    assert lines[0].split("\t") == list(header)
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        assert len(cells) == len(header), f"{name}:{number}: {len(cells)} columns: {line!r}"
        rows.append(cells)
    return rows


def match_key(surface: str) -> str:
    """The key the loader indexes a surface form under (exact case or case-folded)."""
    exact = surface.startswith("=")
    key = _normalize(surface.lstrip("="))
    return key if exact or _is_acronym(key) else key.casefold()


def split(field: str) -> list[str]:
    return [item.strip() for item in field.split(";") if item.strip()]


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return load_gazetteer()


# -- look-ups the actor extractor relies on --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "DPRK",
        "D.P.R.K.",
        "the DPRK",
        "Democratic People's Republic of Korea",
        "Democratic People\u2019s Republic of Korea",
        "North Korea",
        "North Korea\u2019s",
        "North Korea's",
        "north korea",
        "NORTH KOREA",
        "N. Korea",
    ],
)
def test_north_korea_names(gz: Gazetteer, text: str) -> None:
    entry = gz.lookup(text)
    assert entry is not None
    assert (entry.name, entry.type) == ("North Korea", "state")
    assert entry.kind in {"state", "alias"}
    assert entry.affiliation is None


def test_capital_as_metonym(gz: Gazetteer) -> None:
    assert gz.lookup("Pyongyang") == Entry("North Korea", "state", "capital")
    assert gz.lookup("Pyongyang\u2019s") == Entry("North Korea", "state", "capital")
    assert gz.lookup("Moscow").name == "Russia"
    assert gz.lookup("Seoul").name == "South Korea"
    assert gz.lookup("Kiev").name == gz.lookup("Kyiv").name == "Ukraine"
    assert gz.lookup("Washington, D.C.").name == "United States"


def test_seat_is_an_organisation_affiliated_to_its_state(gz: Gazetteer) -> None:
    expected = Entry("Kremlin", "organization", "seat", "Russia")
    assert gz.lookup("the Kremlin") == expected
    assert gz.lookup("Kremlin") == expected
    assert gz.lookup("The Kremlin\u2019s") == expected
    assert gz.lookup("the White House") == Entry(
        "White House", "organization", "seat", "United States"
    )
    assert gz.lookup("Number 10").name == "Downing Street"
    assert gz.lookup("Elysee") == gz.lookup("Élysée")


@pytest.mark.parametrize("text", ["Russians", "Russian", "russian"])
def test_demonyms(gz: Gazetteer, text: str) -> None:
    assert gz.lookup(text) == Entry("Russia", "state", "demonym")
    assert gz.is_demonym(text)


@pytest.mark.parametrize(
    "text",
    ["U.S.", "US", "U.S.A.", "USA", "the United States", "United States", "America", "Washington"],
)
def test_united_states(gz: Gazetteer, text: str) -> None:
    entry = gz.lookup(text)
    assert entry is not None and entry.name == "United States" and entry.type == "state"


@pytest.mark.parametrize(
    "text", ["us", "Us", "who", "Who", "turkey", "the hill", "time", "guardian"]
)
def test_acronyms_and_common_words_need_their_case(gz: Gazetteer, text: str) -> None:
    assert gz.lookup(text) is None


def test_case_marked_names_match_in_their_case(gz: Gazetteer) -> None:
    assert gz.lookup("Turkey").name == "Turkey"
    assert gz.lookup("TURKEY").name == "Turkey"  # headline capitals
    assert gz.lookup("Türkiye").name == "Turkey"
    assert gz.lookup("WHO").name == "World Health Organization"
    assert gz.lookup("the Hill").name == "The Hill"
    assert gz.lookup("Nato").name == "NATO"  # house style of some papers


@pytest.mark.parametrize(
    "text", ["UN Security Council", "U.N. Security Council", "Security Council"]
)
def test_security_council(gz: Gazetteer, text: str) -> None:
    entry = gz.lookup(text)
    assert entry is not None
    assert (entry.name, entry.type, entry.affiliation) == (
        "UN Security Council",
        "organization",
        None,
    )


def test_organisations_and_media(gz: Gazetteer) -> None:
    assert gz.lookup("KCNA") == Entry(
        "Korean Central News Agency", "organization", "media", "North Korea"
    )
    for text in ("New York Times", "The New York Times", "the New York Times", "NYT"):
        assert gz.lookup(text) == Entry("The New York Times", "organization", "media")
    assert gz.lookup("TASS").affiliation == "Russia"
    assert gz.lookup("Reuters").kind == "media"
    assert gz.lookup("NATO") == Entry("NATO", "organization", "alliance")
    assert gz.lookup("UN").name == "United Nations"
    assert gz.lookup("U.N.").name == "United Nations"
    assert gz.lookup("Hamas").type == "group"
    assert gz.lookup("GOP") == Entry("Republican Party", "organization", "party", "United States")
    assert gz.lookup("CIA").affiliation == "United States"
    assert {"Korean Central News Agency", "TASS", "Reuters", "The New York Times"} <= gz.media_names
    assert "NATO" not in gz.media_names


def test_state_of(gz: Gazetteer) -> None:
    assert gz.state_of("Pyongyang") == "North Korea"
    assert gz.state_of("the Kremlin") == "Russia"
    assert gz.state_of("KCNA") == "North Korea"
    assert gz.state_of("North Koreans") == "North Korea"
    assert gz.state_of("NATO") is None
    assert gz.state_of("Reuters") is None
    assert gz.state_of("Vladimir Putin") is None


def test_national_bodies_after_their_state(gz: Gazetteer) -> None:
    assert gz.lookup("U.S. National Security Council").name == "National Security Council"
    assert gz.lookup("North Korea\u2019s KCNA").name == "Korean Central News Agency"
    sk = gz.lookup("South Korea's Joint Chiefs of Staff")
    assert sk is not None and sk.affiliation == "South Korea"
    assert gz.lookup("U.S. Security Council") is None  # the UNSC is nobody's national body


def test_state_governments(gz: Gazetteer) -> None:
    assert gz.lookup("the Russian government") == Entry("Russia", "state", "government")
    assert gz.lookup("North Korean regime").name == "North Korea"
    assert gz.lookup("the U.S. administration").name == "United States"


def test_ambiguous_terms(gz: Gazetteer) -> None:
    for text in ("Korea", "Korean", "Congo", "Congolese", "Victoria", "Joint Chiefs of Staff"):
        assert gz.lookup(text) is None, text
    assert gz.readings("Korea") == ("North Korea", "South Korea")
    georgia = gz.lookup("Georgia")
    assert georgia is not None and georgia.name == "Georgia"
    assert georgia.other_readings == ("Georgia (U.S. state)",)
    assert gz.lookup("Brussels").name == "European Union"
    assert gz.lookup("DRC").name == "DR Congo"
    assert gz.lookup("Congo-Brazzaville").name == "Republic of the Congo"
    assert gz.readings("Russia") == ()


def test_compound_states(gz: Gazetteer) -> None:
    assert gz.compound_states("Sino-U.S.") == ["China", "United States"]
    assert gz.compound_states("Russo-North Korean") == ["Russia", "North Korea"]
    assert gz.compound_states("U.S.\u2013North Korean") == ["United States", "North Korea"]
    assert gz.compound_states("U.S.-made") == ["United States"]
    assert gz.compound_states("Guinea-Bissau") == ["Guinea-Bissau"]
    assert gz.compound_states("anti-tank") == []
    assert gz.lookup("Sino-") == Entry("China", "state", "combining")
    assert gz.lookup("Sino") is None


@pytest.mark.parametrize(
    "phrase",
    [
        "president",
        "Russian President",
        "Russian Defense Minister",
        "Kremlin spokesman",
        "U.S. Secretary of State",
        "National Security Council Coordinator",
        "Sen.",
        "sen",
        "Lt. Gen.",
        "U.S. officials",
        "spokeswomen",
        "ex-president",
        "co-founder",
        "president-elect",
        "prime minister-designate",
        "Supreme Leader",
    ],
)
def test_is_role(gz: Gazetteer, phrase: str) -> None:
    assert gz.is_role(phrase)


@pytest.mark.parametrize("phrase", ["", "Vladimir Putin", "Russia", "the meeting", "Kim Jong-un"])
def test_is_not_role(gz: Gazetteer, phrase: str) -> None:
    assert not gz.is_role(phrase)


def test_role_nouns(gz: Gazetteer) -> None:
    assert {"president", "prime minister", "spokesman", "sen.", "ambassador"} <= gz.role_nouns
    assert all(role == role.lower() for role in gz.role_nouns)


def test_load_is_cached() -> None:
    assert load_gazetteer() is load_gazetteer()


def test_bad_header_is_reported() -> None:
    with pytest.raises(ValueError, match="states.tsv"):
        Gazetteer("name\taliases\n", "\t".join(ORGANIZATIONS_HEADER))


def test_small_custom_data() -> None:
    states = (
        "\t".join(STATES_HEADER)
        + "\nRuritania\tKingdom of Ruritania;KR\tRuritanian\tStrelsau\tYellow Palace\n"
    )
    orgs = "\t".join(ORGANIZATIONS_HEADER) + "\nRuritanian Herald\tRH\tmedia\tRuritania\n"
    gz = Gazetteer(states, orgs, "king\n")
    assert gz.lookup("KR") == Entry("Ruritania", "state", "alias")
    assert gz.lookup("kr") is None
    assert gz.lookup("Strelsau") == Entry("Ruritania", "state", "capital")
    assert gz.lookup("the Yellow Palace") == Entry(
        "Yellow Palace", "organization", "seat", "Ruritania"
    )
    assert gz.state_of("RH") == "Ruritania"
    assert gz.is_role("the King") and not gz.is_role("queen")
    assert gz.media_names == {"Ruritanian Herald"}


def test_seed_article_names(gz: Gazetteer) -> None:
    """Names from seeds/kim-putin-arms-talks.txt resolve as the extractor needs."""
    expected = {
        "The New York Times": "The New York Times",
        "Moscow": "Russia",
        "Pyongyang": "North Korea",
        "the Russians": "Russia",
        "the North Koreans": "North Korea",
        "Reuters": "Reuters",
        "Interfax": "Interfax",
        "TASS": "TASS",
        "the United Nations": "United Nations",
        "the U.K.": "United Kingdom",
        "UN Security Council": "UN Security Council",
        "U.S. National Security Council": "National Security Council",
        "Washington": "United States",
        "the DPRK": "North Korea",
        "Iran": "Iran",
        "The Kremlin": "Kremlin",
        "Seoul": "South Korea",
        "KCNA": "Korean Central News Agency",
        "NATO": "NATO",
        "Japanese": "Japan",
        "Chinese": "China",
    }
    for text, name in expected.items():
        entry = gz.lookup(text)
        assert entry is not None and entry.name == name, text


# -- the data files themselves ------------------------------------------------------------


def test_every_state_row_parses_and_no_form_names_two_states() -> None:
    rows = data_rows("states.tsv", STATES_HEADER)
    assert len(rows) >= 197  # 193 UN members + Taiwan, Kosovo, Palestine, the Holy See
    owners: dict[str, set[str]] = defaultdict(set)
    names: list[str] = []
    for name, aliases, demonyms, capital, seats in rows:
        canonical = name.lstrip("=").strip()
        assert canonical, f"empty name in row {name!r}"
        assert canonical == canonical.strip() and "  " not in canonical
        names.append(canonical)
        forms = [name, *split(aliases), *split(demonyms), *split(capital)]
        forms += [v for seat in split(seats) for v in seat.split("|") if v.strip()]
        for form in forms:
            key = match_key(form)
            assert key, f"{canonical}: {form!r} normalises to nothing"
            owners[key].add(canonical)
    assert len(names) == len(set(names)), "duplicate state names"
    shared = {key: sorted(states) for key, states in owners.items() if len(states) > 1}
    assert not shared, f"forms pointing at two different states: {shared}"


def test_organisation_rows() -> None:
    states = {row[0].lstrip("=") for row in data_rows("states.tsv", STATES_HEADER)}
    names = []
    for name, _aliases, kind, affiliation in data_rows("organizations.tsv", ORGANIZATIONS_HEADER):
        canonical = name.lstrip("=").strip()
        assert canonical
        names.append(canonical)
        assert kind in ORG_KINDS, f"{canonical}: unknown kind {kind!r}"
        assert not affiliation or affiliation in states, (
            f"{canonical}: unknown state {affiliation!r}"
        )
    assert len(names) == len(set(names)), "duplicate organisation names"
    assert not set(names) & states, "an organisation named like a state"


def test_no_unresolved_conflicts(gz: Gazetteer) -> None:
    assert gz.conflicts == ()


def test_ambiguous_defaults_resolve() -> None:
    gz = load_gazetteer()
    for term, readings, default in data_rows("ambiguous.tsv", AMBIGUOUS_HEADER):
        assert split(readings), term
        entry = gz.lookup(term)
        if default:
            assert default in split(readings), term
            assert entry is not None and entry.name == default, term
        else:
            assert entry is None, term


def test_roles_file_is_sorted_lowercase_and_unique() -> None:
    roles = [line for line in data_text("roles.txt").splitlines() if line.strip()]
    assert roles == sorted(set(roles))
    assert all(role == role.lower().strip() for role in roles)
    assert len(roles) >= 150
