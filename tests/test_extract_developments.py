"""briefgen.extract.developments and .timeline: the events of one document with
who / what / when / where, and its dated events in order."""

from __future__ import annotations

from typing import Any

ARTICLE = (
    "Indian Prime Minister Narendra Modi arrived in Washington on Tuesday for talks with "
    "President Joe Biden. The visit follows months of preparation. Officials said trade "
    "would top the agenda."
)


def test_lead_event_is_the_first_development(facts_of: Any) -> None:
    facts = facts_of(ARTICLE, published="2024-03-12")
    kd = facts.key_developments[0]
    assert kd.who == ["Narendra Modi"]
    assert kd.what.startswith("arrived in Washington")
    assert kd.where == ["Washington"]
    assert (kd.when.text, kd.when.date, kd.when.precision) == ("Tuesday", "2024-03-12", "day")
    assert kd.summary.startswith("Indian Prime Minister Narendra Modi arrived in Washington")
    assert kd.summary.endswith(".")
    assert kd.evidence[0].text == ARTICLE[: ARTICLE.index("Biden.") + len("Biden.")]
    assert kd.actor_ids == ["narendra-modi"]
    assert kd.corroboration == 1
    assert kd.id == f"{facts.document.id}-kd1"


def test_lead_event_without_publication_date_keeps_the_text_only(facts_of: Any) -> None:
    kd = facts_of(ARTICLE).key_developments[0]
    assert kd.when.text == "Tuesday"
    assert kd.when.date is None


def test_lead_event_with_a_full_date(facts_of: Any) -> None:
    text = (
        "Turkish President Recep Tayyip Erdogan visited Baghdad on March 10. He signed a "
        "water agreement with Iraqi officials. Critics said the deal favoured Ankara."
    )
    facts = facts_of(text, published="2024-03-12")
    kd = facts.key_developments[0]
    assert kd.who == ["Recep Tayyip Erdogan"]
    assert (kd.when.date, kd.when.precision) == ("2024-03-10", "day")
    # "He" in the second sentence is the person named before.
    second = next(d for d in facts.key_developments if "water agreement" in d.summary)
    assert second.who == ["Recep Tayyip Erdogan"]


def test_hedged_event_has_low_confidence(facts_of: Any) -> None:
    facts = facts_of("The minister allegedly accepted bribes from a construction firm.")
    kd = facts.key_developments[0]
    assert kd.confidence == "low"
    assert "allegedly" in kd.hedges


def test_unconfirmed_event_has_low_confidence_and_sourcing(facts_of: Any) -> None:
    facts = facts_of("Tehran and Washington have yet to confirm the summit.")
    kd = facts.key_developments[0]
    assert kd.confidence == "low"
    assert kd.who == ["Iran", "United States"]


def test_title_line_is_not_a_development(facts_of: Any) -> None:
    title = "Storm warning for the coast"
    text = (
        f"{title}\nA powerful typhoon flooded parts of Manila on Friday. Thousands of "
        "residents were evacuated. Schools stayed closed."
    )
    facts = facts_of(text, title=title)
    summaries = [d.summary for d in facts.key_developments]
    assert not any("Storm warning" in s for s in summaries)
    assert summaries[0].startswith("A powerful typhoon flooded parts of Manila")


def test_developments_are_capped_and_numbered(facts_of: Any) -> None:
    text = " ".join(f"Angela Merkel visited city number {i} on Monday." for i in range(12))
    facts = facts_of(text)
    assert 1 <= len(facts.key_developments) <= 8
    ids = [d.id for d in facts.key_developments]
    assert ids == [f"{facts.document.id}-kd{i}" for i in range(1, len(ids) + 1)]


# --- timeline


def test_timeline_dates_and_order(facts_of: Any) -> None:
    text = (
        "On August 31, the army confirmed that it had fired two rockets the previous day. "
        "The navy held drills in July. The general retired in 2019."
    )
    facts = facts_of(text, published="2023-09-06")
    got = [(e.date, e.precision) for e in facts.timeline]
    assert got == [
        ("2019-01-01", "year"),
        ("2023-07-01", "month"),
        ("2023-08-30", "day"),
        ("2023-08-31", "day"),
    ]
    keys = [e.sort_key for e in facts.timeline]
    assert keys == sorted(keys)
    retired = facts.timeline[0]
    assert retired.text == "The general retired in 2019"
    assert retired.when == "2019"
    # "the previous day" is counted from "August 31", not from the publication date.
    previous = facts.timeline[2]
    assert "fired two rockets" in previous.text
    assert previous.when == "the previous day"


def test_timeline_without_publication_date_never_guesses_a_year(facts_of: Any) -> None:
    text = (
        "On August 31, the army confirmed that it had fired two rockets the previous day. "
        "The navy held drills in July. The general retired in 2019."
    )
    facts = facts_of(text)
    by_key = {e.sort_key: e for e in facts.timeline}
    assert by_key["2019-00-00"].date == "2019-01-01"
    assert by_key["9999-07-00"].date is None
    assert by_key["9999-08-30"].date is None  # the previous day, still in order
    assert [e.sort_key for e in facts.timeline] == sorted(by_key)


def test_relative_month_in_timeline(facts_of: Any) -> None:
    text = (
        "Spanish police seized a cargo ship near Valencia on September 4. The government "
        "had warned shipping companies last month."
    )
    facts = facts_of(text, published="2023-09-06")
    dates = {e.date: e for e in facts.timeline}
    assert dates["2023-08-01"].precision == "month"
    assert "warned shipping companies" in dates["2023-08-01"].text
    assert dates["2023-09-04"].precision == "day"


# --- known bugs (see the report; remove the marker once fixed)


def test_title_followed_by_a_blank_line_is_not_a_development(facts_of: Any) -> None:
    title = "Flood hits Manila"
    text = (
        f"{title}\n\nA powerful typhoon flooded parts of Manila on Friday. Thousands of "
        "residents were evacuated. Schools stayed closed."
    )
    facts = facts_of(text, title=title)
    assert not any(d.summary.startswith("Flood hits") for d in facts.key_developments)


def test_future_weekday_is_in_the_future(facts_of: Any) -> None:
    facts = facts_of(
        "Indian Prime Minister Narendra Modi arrived in Washington on Tuesday. "
        "He will meet President Joe Biden on Thursday.",
        published="2024-03-12",
    )
    meeting = next(d for d in facts.key_developments if "meet" in d.summary)
    assert meeting.when.date == "2024-03-14"
    assert "2024-03-14" in [e.date for e in facts.timeline]


def test_summary_keeps_parentheses_balanced(facts_of: Any) -> None:
    facts = facts_of(
        "The European Union (EU) imposed new sanctions on Belarus. "
        "The EU said the measures target state firms."
    )
    summary = facts.key_developments[0].summary
    assert summary.count("(") == summary.count(")"), summary


def test_a_place_in_the_possessive_is_named_plainly(facts_of: Any) -> None:
    facts = facts_of(
        "Hillary Clinton won the primary in South Dakota’s capital on Tuesday, officials said.",
        published="2016-06-08",
    )
    where = [w for kd in facts.key_developments for w in kd.where]
    assert where and all(not w.endswith(("’s", "'s")) for w in where), where


def test_a_title_case_headline_keeps_its_negation_and_no_verb_ends_a_name(facts_of: Any) -> None:
    text = (
        "Johnson and Sunak Aren’t Butting Heads Over The Conservative Platform — Yet.\n\n"
        "LONDON — Supporters of Boris Johnson and Rishi Sunak avoided confrontations over "
        "policy during their first platform drafting committee hearing Wednesday.\n"
    )
    facts = facts_of(text, published="2016-06-09")
    kd = facts.key_developments[0]
    assert kd.what.startswith("Aren’t"), kd.what  # not "Are Butting Heads": the opposite
    assert "Aren’t Butting Heads" in kd.summary
    assert "Sunak Are" not in kd.who + [a.name for a in facts.actors]


def test_a_headline_read_as_a_bare_auxiliary_leaves_the_texts_event(facts_of: Any) -> None:
    text = (
        "Anti-Tax super PAC does Ohio robocall.\n\n"
        "On the eve of the critical Ohio primary, an anti-tax super PAC is releasing a "
        "robocall spotlighting a home-state congressman.\n"
    )
    facts = facts_of(text, published="2016-03-14")
    kd = facts.key_developments[0]
    assert kd.what.lower() != "does" and "robocall" in kd.what, kd.what


# --- actor salience is a declared field (found by mypy) -----------------------------------


def test_actor_record_declares_salience() -> None:
    from briefgen.extract.actors import ActorRecord

    assert ActorRecord(key="k", name="K", type="person").salience == 0.0


def test_developments_from_fresh_actors(nlp: Any) -> None:
    """``salience`` used to be attached to ActorRecord at run time by ``extract``: calling
    ``extract_developments`` on the output of ``extract_actors`` raised AttributeError."""
    from briefgen.extract.actors import extract_actors
    from briefgen.extract.developments import extract_developments

    doc = nlp(
        "Indian Prime Minister Narendra Modi arrived in Washington on Tuesday for talks with "
        "President Joe Biden. The visit follows months of preparation."
    )
    devs = extract_developments(doc, "d1", extract_actors(doc), None)
    assert devs and devs[0].who == ["Narendra Modi"]
