"""Fusion at corpus scale (issue 4): actors merged across documents, one development per
event with corroboration from independent documents, wire copies counted once,
contradictions surfaced, the timeline across documents, Admiralty grading, caps and
the appendix. DocFacts are written by hand from small texts of our own (no model).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from conftest import ev, ref

from briefgen.config import Sections
from briefgen.fuse import FuseOptions, fuse, merge_actors, merge_timeline
from briefgen.fuse.duplicates import fingerprint, near_duplicates
from briefgen.model import (
    Actor,
    DocFacts,
    Document,
    Evidence,
    KeyDevelopment,
    TimelineEntry,
    When,
)

WHEN = datetime(2024, 3, 20, 6, 0, tzinfo=timezone.utc)


def make_doc(text: str, publisher: str, published: str | None, title: str = "") -> Document:
    return Document(
        text=text,
        title=title or publisher,
        publisher=publisher,
        published=published,
        path=f"{publisher.lower().replace(' ', '-')}.txt",
    )


def dev(
    doc: Document, sentence: str, what: str, who: list[str], score: float = 2.0, **kw: Any
) -> KeyDevelopment:
    return KeyDevelopment(
        id=f"{doc.id}-kd",
        summary=sentence,
        who=who,
        what=what,
        evidence=[ev(doc, sentence)],
        score=score,
        **kw,
    )


# Three outlets report a flood; the wire copy repeats the first one nearly word for word.
WIRE = (
    "Floods killed 12 people in the river town of Marlow on Monday, officials said. "
    "Rescue teams from three counties searched flooded streets through the night while "
    "the mayor asked residents to leave the lower town. The river rose two metres in a "
    "day after a week of heavy rain across the valley, and forecasters expect more rain "
    "before the weekend. Schools and the railway station were closed."
)
COPY = "River town counts its dead. " + WIRE.replace(
    "Schools and the railway station were closed.", "Schools were closed."
)
DAILY = (
    "The floods that hit Marlow on Monday killed 14 people, the county said on "
    "Tuesday. Mayor Anna Berg said the lower town would stay closed."
)
GAZETTE = (
    "Heavy floods hit Marlow on Monday; 12 people died as the river burst its banks. "
    "Mayor Berg called for federal help."
)
OTHER = (
    "The central bank kept interest rates unchanged on Wednesday and said inflation "
    "was slowing faster than expected across the region this spring."
)

D_WIRE = make_doc(WIRE, "Wire Service", "2024-03-18")
D_COPY = make_doc(COPY, "Copy Herald", "2024-03-18")
D_DAILY = make_doc(DAILY, "The Daily", "2024-03-19")
D_GAZETTE = make_doc(GAZETTE, "Gazette", "2024-03-19")
D_OTHER = make_doc(OTHER, "Money Times", "2024-03-20")


def flood_facts() -> list[DocFacts]:
    what = "killed people in the river town of Marlow"
    return [
        DocFacts(
            document=ref(D_DAILY),
            key_developments=[
                dev(
                    D_DAILY,
                    "The floods that hit Marlow on Monday killed 14 people, the county "
                    "said on Tuesday.",
                    "killed 14 people in Marlow",
                    ["Floods"],
                    2.2,
                )
            ],
        ),
        DocFacts(
            document=ref(D_WIRE),
            key_developments=[
                dev(
                    D_WIRE,
                    "Floods killed 12 people in the river town of Marlow on Monday, "
                    "officials said.",
                    what,
                    ["Floods"],
                    2.0,
                )
            ],
        ),
        DocFacts(
            document=ref(D_COPY),
            key_developments=[
                dev(
                    D_COPY,
                    "Floods killed 12 people in the river town of Marlow on Monday, "
                    "officials said.",
                    what,
                    ["Floods"],
                    2.0,
                )
            ],
        ),
        DocFacts(
            document=ref(D_GAZETTE),
            key_developments=[
                dev(
                    D_GAZETTE,
                    "Heavy floods hit Marlow on Monday; 12 people died as the river "
                    "burst its banks.",
                    "killed people in Marlow",
                    ["Floods"],
                    1.8,
                )
            ],
        ),
        DocFacts(
            document=ref(D_OTHER),
            key_developments=[
                dev(D_OTHER, OTHER, "kept interest rates unchanged", ["The central bank"], 1.0)
            ],
        ),
    ]


def copies() -> dict[str, str]:
    docs = [D_DAILY, D_WIRE, D_COPY, D_GAZETTE, D_OTHER]
    return near_duplicates([fingerprint(d.id, d.text) for d in docs], [d.published for d in docs])


# --- near-duplicates ---------------------------------------------------------------------------


def test_a_wire_copy_is_found_and_the_earliest_is_the_original() -> None:
    found = copies()
    assert found == {D_COPY.id: D_WIRE.id}


def test_different_stories_on_one_event_are_not_copies() -> None:
    found = near_duplicates([fingerprint(d.id, d.text) for d in (D_DAILY, D_GAZETTE, D_WIRE)])
    assert found == {}


def test_a_later_copy_listed_first_still_points_at_the_earlier_original() -> None:
    late = make_doc(WIRE + " Updated at noon.", "Late Post", "2024-03-25")
    found = near_duplicates(
        [fingerprint(late.id, late.text), fingerprint(D_WIRE.id, WIRE)],
        [late.published, D_WIRE.published],
    )
    assert found == {late.id: D_WIRE.id}


def test_short_texts_are_never_grouped() -> None:
    a, b = fingerprint("a", "Short text."), fingerprint("b", "Short text.")
    assert near_duplicates([a, b]) == {}


# --- one development per event ------------------------------------------------------------------


@pytest.fixture
def brief() -> Any:
    return fuse(flood_facts(), FuseOptions(), WHEN, copy_of=copies())


def test_same_event_across_outlets_is_one_development(brief: Any) -> None:
    floods = [d for d in brief.key_developments if "Marlow" in d.summary]
    assert len(floods) == 1
    kd = floods[0]
    assert set(kd.documents) == {D_WIRE.id, D_COPY.id, D_DAILY.id, D_GAZETTE.id}
    # Four documents, but the copy is not independent: three sources.
    assert kd.corroboration == 3
    assert "(1 wire copy counted once)" in kd.sourcing
    assert brief.key_developments[0] is kd  # corroboration lifts it above the single report


def test_earliest_report_leads_with_all_evidence(brief: Any) -> None:
    kd = brief.key_developments[0]
    # Published 18 March (wire, copy) before 19 March (daily, gazette).
    assert kd.evidence[0].doc == D_WIRE.id
    assert kd.documents[:2] == [D_WIRE.id, D_COPY.id]
    assert kd.first_reported == "2024-03-18"
    assert kd.summary.startswith("Floods killed 12 people")
    assert {e.doc for e in kd.evidence} == set(kd.documents)


def test_differing_figures_are_surfaced_not_merged(brief: Any) -> None:
    kd = brief.key_developments[0]
    assert len(kd.contradictions) == 1
    c = kd.contradictions[0]
    # What the figures count, and their fate.
    assert c.kind == "figure" and c.about == "people killed"
    assert sorted(cl.value for cl in c.claims) == ["12 people", "14 people"]
    assert {cl.doc for cl in c.claims} <= {D_WIRE.id, D_DAILY.id, D_GAZETTE.id}
    for claim in c.claims:
        assert claim.value in claim.evidence.text
    assert kd.confidence != "high"  # three sources, but they disagree
    assert "reports differ on people killed" in kd.sourcing
    # Brief-level list, tied to the development.
    assert [x.development for x in brief.contradictions] == [kd.id]


def test_differing_days_are_a_contradiction() -> None:
    facts = flood_facts()[1:4]
    facts[0].key_developments[0].when = When(text="March 18", date="2024-03-18", precision="day")
    facts[2].key_developments[0].when = When(text="March 17", date="2024-03-17", precision="day")
    out = fuse(facts, FuseOptions(), WHEN)
    kinds = {c.kind for c in out.key_developments[0].contradictions}
    assert "date" in kinds
    # A weekday is read against the publication date: no contradiction from it.
    facts[2].key_developments[0].when = When(text="Sunday", date="2024-03-17", precision="day")
    out = fuse(facts, FuseOptions(), WHEN)
    assert "date" not in {c.kind for c in out.key_developments[0].contradictions}


def test_events_days_apart_are_not_merged() -> None:
    facts = flood_facts()[1:4]
    facts[0].key_developments[0].when = When(text="March 1", date="2024-03-01", precision="day")
    facts[2].key_developments[0].when = When(text="March 18", date="2024-03-18", precision="day")
    out = fuse(facts, FuseOptions(), WHEN)
    assert len(out.key_developments) == 2


def test_reports_weeks_apart_are_different_events() -> None:
    later = make_doc(GAZETTE + " ", "Gazette", "2024-05-30")
    facts = flood_facts()[1:2] + [
        DocFacts(
            document=ref(later),
            key_developments=[
                dev(
                    later,
                    "Heavy floods hit Marlow on Monday; 12 people died as the river burst its "
                    "banks.",
                    "killed people in the river town of Marlow",
                    ["Floods"],
                )
            ],
        )
    ]
    out = fuse(facts, FuseOptions(), WHEN)
    assert [d.corroboration for d in out.key_developments] == [1, 1]


def test_one_outlets_repeat_reports_corroborate_nothing() -> None:
    again = make_doc(
        WIRE.replace("Monday", "Monday night") + " More rain fell.", "Wire Service", "2024-03-19"
    )
    facts = flood_facts()[1:2] + [
        DocFacts(
            document=ref(again),
            key_developments=[
                dev(
                    again,
                    "Floods killed 12 people in the river town of Marlow on Monday night, "
                    "officials said.",
                    "killed people in the river town of Marlow",
                    ["Floods"],
                )
            ],
        )
    ]
    out = fuse(facts, FuseOptions(), WHEN)
    assert len(out.key_developments) == 1
    assert out.key_developments[0].corroboration == 1
    assert len(out.key_developments[0].documents) == 2


def test_a_single_report_is_never_merged_with_itself() -> None:
    f = flood_facts()[1]
    twin = f.key_developments[0].model_copy(deep=True)
    f.key_developments.append(twin)
    out = fuse([f], FuseOptions(), WHEN)
    assert [d.corroboration for d in out.key_developments] == [1, 1]


# --- grading ------------------------------------------------------------------------------------


def test_grading_is_shown_beside_each_source_and_feeds_confidence() -> None:
    grades = {"wire service": "b", "The  Daily": "C", "Gazette": "D"}
    out = fuse(flood_facts()[1:2] + flood_facts()[3:4], FuseOptions(sources_grading=grades), WHEN)
    by_pub = {d.publisher: d.grading for d in out.documents}
    assert by_pub == {"Wire Service": "B", "Gazette": "D"}
    kd = out.key_developments[0]
    # Two independent reports, one from a usually reliable (B) source, unhedged: high.
    assert kd.corroboration == 2
    assert kd.confidence == "high"
    assert kd.grading == "B2"


def test_only_unreliable_sources_lower_the_confidence() -> None:
    facts = flood_facts()[3:4]
    out = fuse(facts, FuseOptions(sources_grading={"Gazette": "E"}), WHEN)
    assert out.key_developments[0].confidence == "low"
    assert out.key_developments[0].grading == "E3"


def test_no_grading_configured_means_no_grades() -> None:
    out = fuse(flood_facts(), FuseOptions(), WHEN)
    assert all(d.grading is None for d in out.documents)
    assert all(d.grading is None for d in out.key_developments)


def test_ungraded_publishers_count_as_cannot_be_judged() -> None:
    out = fuse(flood_facts()[4:], FuseOptions(sources_grading={"Gazette": "A"}), WHEN)
    assert out.documents[0].grading is None
    assert out.key_developments[0].grading == "F3"


# --- actors ---------------------------------------------------------------------------------


def actor_facts() -> list[DocFacts]:
    a = make_doc("Donald J. Trump spoke. Trump left.", "A", "2016-03-01")
    b = make_doc("Former reality TV star Donald Trump spoke twice.", "B", "2016-03-02")
    c = make_doc("Trump spoke in Ohio. Trump said so.", "C", "2016-03-03")
    d = make_doc("Bill Clinton and Hillary Clinton met. Clinton spoke.", "D", "2016-03-04")

    def act(doc: Document, key: str, name: str, needle: str, mentions: int, **kw: Any) -> Actor:
        return Actor(
            id=key,
            name=name,
            type="person",
            mentions=mentions,
            salience=1.0,
            evidence=[ev(doc, needle)],
            **kw,
        )

    return [
        DocFacts(
            document=ref(a),
            actors=[
                act(
                    a,
                    "donald-j-trump",
                    "Donald J. Trump",
                    "Donald J. Trump spoke.",
                    2,
                    aliases=["Trump"],
                    role="candidate",
                )
            ],
        ),
        DocFacts(
            document=ref(b),
            actors=[
                act(
                    b,
                    "donald-trump",
                    "Donald Trump",
                    "Former reality TV star Donald Trump spoke twice.",
                    1,
                    role="Former reality TV star",
                )
            ],
        ),
        DocFacts(
            document=ref(c),
            actors=[act(c, "trump", "Trump", "Trump spoke in Ohio.", 2, role="candidate")],
        ),
        DocFacts(
            document=ref(d),
            actors=[
                act(d, "bill-clinton", "Bill Clinton", "Bill Clinton and Hillary Clinton met.", 1),
                act(
                    d,
                    "hillary-clinton",
                    "Hillary Clinton",
                    "Bill Clinton and Hillary Clinton met.",
                    1,
                ),
                act(d, "clinton", "Clinton", "Clinton spoke.", 1),
            ],
        ),
    ]


def test_one_actor_however_each_outlet_names_him() -> None:
    actors, remap = merge_actors(actor_facts())
    trumps = [a for a in actors if "Trump" in a.name]
    assert len(trumps) == 1
    trump = trumps[0]
    assert trump.mentions == 5
    assert trump.documents == 3
    assert {"Trump", "Donald J. Trump"} <= set(trump.aliases) | {trump.name}
    assert remap.get("trump") == trump.id
    assert {e.doc for e in trump.evidence} == {f.document.id for f in actor_facts()[:3]}


def test_roles_are_kept_with_the_documents_that_state_them() -> None:
    actors, _ = merge_actors(actor_facts())
    trump = next(a for a in actors if "Trump" in a.name)
    docs = [f.document.id for f in actor_facts()]
    assert [(r.role, r.doc) for r in trump.roles] == [
        ("candidate", docs[0]),
        ("Former reality TV star", docs[1]),
        ("candidate", docs[2]),
    ]
    assert trump.role == "candidate"  # the role most documents state


def test_a_lone_surname_named_beside_two_full_names_stays_apart() -> None:
    actors, _ = merge_actors(actor_facts())
    names = {a.name for a in actors}
    assert {"Bill Clinton", "Hillary Clinton", "Clinton"} <= names


def test_merged_actor_ids_reach_statements_and_developments() -> None:
    facts = actor_facts()
    c = facts[2]
    doc_c = c.document
    c.key_developments = [
        KeyDevelopment(
            id="x",
            summary="Trump spoke in Ohio.",
            who=["Trump"],
            what="spoke in Ohio",
            evidence=[Evidence(doc=doc_c.id, start=0, end=20, text="Trump spoke in Ohio.")],
            actor_ids=["trump"],
        )
    ]
    out = fuse(facts, FuseOptions(), WHEN)
    trump = next(a for a in out.actors if "Trump" in a.name)
    assert out.key_developments[0].actor_ids == [trump.id]
    assert out.key_developments[0].who == [trump.name]


# --- timeline -------------------------------------------------------------------------------


def timeline_facts() -> list[DocFacts]:
    a, b = D_WIRE, D_DAILY
    return [
        DocFacts(
            document=ref(a),
            timeline=[
                TimelineEntry(
                    date="2024-03-18",
                    precision="day",
                    text="Floods killed 12 people",
                    evidence=[ev(a, "Floods killed 12 people")],
                    sort_key="2024-03-18",
                ),
                TimelineEntry(
                    date="2024-01-01",
                    precision="year",
                    text="The river rose",
                    evidence=[ev(a, "The river rose two metres")],
                    sort_key="2024-00-00",
                ),
            ],
        ),
        DocFacts(
            document=ref(b),
            timeline=[
                TimelineEntry(
                    date="2024-03-19",
                    precision="day",
                    text="The county said so",
                    evidence=[ev(b, "the county said on Tuesday")],
                    sort_key="2024-03-19",
                ),
                TimelineEntry(
                    date="2024-03-18",
                    precision="day",
                    text="The floods killed 14 people",
                    evidence=[ev(b, "The floods that hit Marlow on Monday killed 14 people")],
                    sort_key="2024-03-18",
                ),
            ],
        ),
    ]


def test_timeline_across_documents_is_sorted_merged_and_cites_its_documents() -> None:
    out = merge_timeline(timeline_facts())
    assert [e.sort_key for e in out] == sorted(e.sort_key for e in out)
    march18 = [e for e in out if e.date == "2024-03-18"]
    assert len(march18) == 1  # the same event from two documents, merged
    assert march18[0].documents == [D_WIRE.id, D_DAILY.id]
    assert {e.doc for e in march18[0].evidence} == {D_WIRE.id, D_DAILY.id}
    assert [e.date for e in out] == ["2024-01-01", "2024-03-18", "2024-03-19"]


def test_a_capped_timeline_keeps_the_best_supported_entries_in_date_order() -> None:
    out = fuse(timeline_facts(), FuseOptions(sections=Sections(timeline=2)), WHEN)
    assert len(out.timeline) == 2
    assert out.timeline[0].date <= out.timeline[1].date  # type: ignore[operator]
    assert any(len(e.documents) == 2 for e in out.timeline)  # the corroborated one stays
    assert len(out.appendix.timeline) == 1


# --- caps and the appendix ------------------------------------------------------------------


def test_overflow_goes_to_the_appendix_ranked_with_unique_ids() -> None:
    out = fuse(
        flood_facts(), FuseOptions(sections=Sections(key_developments=1)), WHEN, copy_of=copies()
    )
    assert len(out.key_developments) == 1
    assert len(out.appendix.key_developments) == 1
    ids = [d.id for d in out.key_developments + out.appendix.key_developments]
    assert ids == ["kd1", "kd2"]
    assert out.key_developments[0].score >= out.appendix.key_developments[0].score
    # Sources count the developments shown.
    supported = {d.id: d.developments for d in out.documents}
    assert supported[D_OTHER.id] == 0 and supported[D_WIRE.id] == 1


def test_period_asked_for_is_the_briefs_period() -> None:
    from briefgen.model import Period

    out = fuse(flood_facts(), FuseOptions(period=Period(start="2024-03-01")), WHEN)
    assert (out.period.start, out.period.end) == ("2024-03-01", "2024-03-20")


def test_the_brief_round_trips_and_its_spans_are_exact(brief: Any, assert_spans: Any) -> None:
    from briefgen.model import Brief

    assert Brief.from_json(brief.to_json()) == brief
    texts = {d.id: d.text for d in (D_WIRE, D_COPY, D_DAILY, D_GAZETTE, D_OTHER)}
    assert assert_spans(brief, texts) >= 8


def test_contradictions_and_grading_are_rendered() -> None:
    from briefgen.render import render

    out = fuse(
        flood_facts(), FuseOptions(sources_grading={"The Daily": "B"}), WHEN, copy_of=copies()
    )
    rendered = render(out, ["md", "html"], None)
    md = rendered["md"].decode("utf-8")
    html = rendered["html"].decode("utf-8")
    assert "**Reports differ on people killed:** 12 people [" in md
    assert "14 people [" in md
    assert "- **Grading:** B" in md
    assert (
        '<tr class="contradiction"><th scope="row">Reports differ</th>'
        "<td>People killed: 12 people" in html
    )
    assert 'class="badge grade"' in html


def test_a_capped_timeline_prefers_reported_events_to_vague_fragments() -> None:
    text = (
        "Winning in November. A candidate can win in November. "
        "The governor signed the budget bill in November."
    )
    doc = make_doc(text, "Daily", "2024-03-01")

    def entry(needle: str) -> TimelineEntry:
        return TimelineEntry(
            date="2023-11-01",
            precision="month",
            text=needle.rstrip("."),
            evidence=[ev(doc, needle)],
            when="November",
            sort_key="2023-11-01",
        )

    facts = DocFacts(
        document=ref(doc),
        timeline=[
            entry("Winning in November."),
            entry("A candidate can win in November."),
            entry("The governor signed the budget bill in November."),
        ],
    )
    shown = merge_timeline([facts], limit=1)
    assert [e.text for e in shown] == ["The governor signed the budget bill in November"]


def test_a_capped_timeline_leaves_out_cut_off_fragments() -> None:
    text = (
        "They'll be voting on March 1. Tuesday's primary results are "
        "due on March 1. The state party moved its primary to March 1."
    )
    doc = make_doc(text, "Daily", "2016-02-20")

    def entry(needle: str, shown: str) -> TimelineEntry:
        return TimelineEntry(
            date="2016-03-01",
            precision="day",
            text=shown,
            evidence=[ev(doc, needle)],
            when="March 1",
            sort_key="2016-03-01",
        )

    facts = DocFacts(
        document=ref(doc),
        timeline=[
            entry("They'll be voting on March 1.", "'ll be voting on March 1"),
            entry("Tuesday's primary results are", "Tuesday's primary results are"),
            entry(
                "The state party moved its primary to March 1.",
                "The state party moved its primary to March 1",
            ),
        ],
    )
    shown = merge_timeline([facts], limit=1)
    assert [e.text for e in shown] == ["The state party moved its primary to March 1"]
