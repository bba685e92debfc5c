"""briefgen.fuse: many DocFacts → one Brief (pure, no spaCy).

The DocFacts here are written by hand from two tiny articles of our own, with
spans computed from the texts, so the fused Brief's spans can be checked too.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest
from conftest import ev, ref

from briefgen.config import Sections
from briefgen.fuse import FuseOptions, fuse, jaccard, merge_timeline, words, write_bluf
from briefgen.model import (
    LIKELIHOOD_SCALE,
    Actor,
    DocFacts,
    Document,
    KeyDevelopment,
    Marking,
    OpenQuestion,
    Risk,
    SpanRef,
    Speaker,
    Statement,
    TimelineEntry,
    When,
)

WHEN = datetime(2023, 9, 14, 6, 0, tzinfo=timezone.utc)

TEXT_A = (
    "Kim Jong-un met Vladimir Putin at a space centre in Russia on Wednesday. "
    "Kim said the talks went well. A new arms deal could violate UN sanctions."
)
TEXT_B = (
    "North Korean leader Kim Jong-un met Russian President Vladimir Putin at a space centre "
    "on Wednesday. Officials have yet to confirm an arms deal. Putin visited Pyongyang in 2000."
)
DOC_A = Document(text=TEXT_A, title="A", path="a.txt", publisher="Daily A", published="2023-09-14")
DOC_B = Document(text=TEXT_B, title="B", path="b.txt", publisher="Wire B", published="2023-09-13")


def actor(
    key: str,
    name: str,
    type_: str,
    doc: Document,
    needle: str,
    mentions: int,
    salience: float,
    **kw: Any,
) -> Actor:
    return Actor(
        id=key,
        name=name,
        type=type_,
        mentions=mentions,
        salience=salience,  # type: ignore[arg-type]
        evidence=[ev(doc, needle)],
        **kw,
    )


def facts_a() -> DocFacts:
    meet = ev(DOC_A, "Kim Jong-un met Vladimir Putin at a space centre in Russia on Wednesday.")
    said = TEXT_A.index("Kim said")
    content = TEXT_A.index("the talks went well")
    return DocFacts(
        document=ref(DOC_A),
        actors=[
            actor(
                "kim-jong-un",
                "Kim Jong-un",
                "person",
                DOC_A,
                "Kim Jong-un",
                2,
                1.0,
                aliases=["Kim"],
            ),
            actor("vladimir-putin", "Vladimir Putin", "person", DOC_A, "Vladimir Putin", 1, 0.6),
            actor("russia", "Russia", "state", DOC_A, "Russia", 1, 0.3),
        ],
        key_developments=[
            KeyDevelopment(
                id=f"{DOC_A.id}-kd1",
                summary="Kim Jong-un met Vladimir Putin at a space centre in Russia.",
                who=["Kim Jong-un"],
                what="met Vladimir Putin at a space centre",
                when=When(text="Wednesday", date="2023-09-13", precision="day"),
                where=["Russia"],
                confidence="moderate",
                evidence=[meet],
                actor_ids=["kim-jong-un"],
                score=2.0,
            ),
            KeyDevelopment(
                id=f"{DOC_A.id}-kd2",
                summary="A new arms deal could violate sanctions.",
                who=[],
                what="could violate UN sanctions",
                evidence=[ev(DOC_A, "A new arms deal could violate UN sanctions.")],
                score=0.5,
            ),
        ],
        statements=[
            Statement(
                id=f"{DOC_A.id}-st1",
                speaker=Speaker(text="Kim", start=said, end=said + 3, actor_id="kim-jong-un"),
                cue=SpanRef(text="said", start=said + 4, end=said + 8),
                content=SpanRef(
                    text="the talks went well",
                    start=content,
                    end=content + len("the talks went well"),
                ),
                direct=False,
                doc=DOC_A.id,
                speaker_name="Kim Jong-un",
            )
        ],
        risks=[
            Risk(
                id=f"{DOC_A.id}-rk1",
                summary="A new arms deal could violate UN sanctions.",
                category="sanctions or legal breach",
                likelihood="roughly even chance",
                evidence=[ev(DOC_A, "A new arms deal could violate UN sanctions.")],
                basis="could",
                clause="a new arms deal could violate UN sanctions",
                score=0.9,
            )
        ],
        timeline=[
            TimelineEntry(
                date="2023-09-13",
                precision="day",
                text="Kim met Putin",
                evidence=[meet],
                when="Wednesday",
                sort_key="2023-09-13",
            )
        ],
    )


def facts_b() -> DocFacts:
    meet = ev(
        DOC_B,
        "North Korean leader Kim Jong-un met Russian President Vladimir Putin at "
        "a space centre on Wednesday.",
    )
    return DocFacts(
        document=ref(DOC_B),
        actors=[
            actor(
                "kim-jong-un",
                "Kim Jong-un",
                "person",
                DOC_B,
                "Kim Jong-un",
                1,
                0.9,
                role="North Korean leader",
                affiliation="North Korea",
            ),
            actor(
                "vladimir-putin",
                "Vladimir Putin",
                "person",
                DOC_B,
                "Vladimir Putin",
                2,
                1.0,
                aliases=["Putin"],
                role="Russian President",
            ),
            actor("pyongyang", "Pyongyang", "location", DOC_B, "Pyongyang", 1, 0.2),
        ],
        key_developments=[
            KeyDevelopment(
                id=f"{DOC_B.id}-kd1",
                summary="Kim Jong-un met Vladimir Putin at a space centre.",
                who=["Kim Jong-un"],
                what="met Vladimir Putin at a space centre",
                when=When(text="Wednesday", date="2023-09-13", precision="day"),
                where=[],
                confidence="moderate",
                evidence=[meet],
                actor_ids=["kim-jong-un"],
                score=1.9,
            ),
        ],
        open_questions=[
            OpenQuestion(
                id=f"{DOC_B.id}-q1",
                question="Will the deal be concluded?",
                basis="Not confirmed by officials",
                evidence=[ev(DOC_B, "Officials have yet to confirm an arms deal.")],
                score=3.0,
            )
        ],
        timeline=[
            TimelineEntry(
                date="2023-09-13",
                precision="day",
                text="Kim met Putin at a space centre",
                evidence=[meet],
                when="Wednesday",
                sort_key="2023-09-13",
            ),
            TimelineEntry(
                date="2000-01-01",
                precision="year",
                text="Putin visited Pyongyang",
                evidence=[ev(DOC_B, "Putin visited Pyongyang in 2000.")],
                when="2000",
                sort_key="2000-00-00",
            ),
        ],
    )


@pytest.fixture
def brief() -> Any:
    return fuse(
        [facts_a(), facts_b()],
        FuseOptions(title="Test", marking=Marking(label="TLP:GREEN", system="tlp")),
        WHEN,
    )


# --- developments


def test_same_event_in_two_documents_is_one_development(brief: Any) -> None:
    meetings = [d for d in brief.key_developments if "met Vladimir Putin" in d.what]
    assert len(meetings) == 1
    kd = meetings[0]
    assert kd.corroboration == 2
    assert {e.doc for e in kd.evidence} == {DOC_A.id, DOC_B.id}


def test_merged_development_leads_with_the_earliest_publication(brief: Any) -> None:
    kd = next(d for d in brief.key_developments if "met Vladimir Putin" in d.what)
    # DOC_B (13 September) was published before DOC_A (14 September).
    assert kd.evidence[0].doc == DOC_B.id
    assert kd.evidence[1].doc == DOC_A.id
    # The summary is the more central wording: with the background table, "Russia" is a
    # rare word both reports give (the story's subject), "meet" a common one.
    assert kd.summary == "Kim Jong-un met Vladimir Putin at a space centre in Russia."
    assert kd.where == ["Russia"]
    assert kd.who == ["Kim Jong-un"]


def test_corroborated_main_event_ranks_first(brief: Any) -> None:
    assert brief.key_developments[0].corroboration == 2
    assert len(brief.key_developments) == 2


def test_two_developments_of_one_document_are_never_merged() -> None:
    f = facts_a()
    twin = f.key_developments[0].model_copy(deep=True)
    twin.id = "twin"
    f.key_developments.append(twin)
    out = fuse([f], FuseOptions(), WHEN)
    assert all(d.corroboration == 1 for d in out.key_developments)
    assert len(out.key_developments) == 3


def test_unrelated_developments_stay_apart() -> None:
    assert (
        jaccard(words("met Vladimir Putin at a space centre"), words("could violate UN sanctions"))
        == 0.0
    )
    out = fuse([facts_a()], FuseOptions(), WHEN)
    assert [d.corroboration for d in out.key_developments] == [1, 1]


# --- actors


def test_actors_merge_across_documents(brief: Any) -> None:
    by_id = {a.id: a for a in brief.actors}
    assert len([a for a in brief.actors if a.name == "Kim Jong-un"]) == 1
    kim = by_id["kim-jong-un"]
    assert kim.mentions == 3
    assert kim.documents == 2
    assert kim.role == "North Korean leader"  # the one document that names it
    assert kim.affiliation == "North Korea"
    assert "Kim" in kim.aliases
    putin = by_id["vladimir-putin"]
    assert putin.mentions == 3
    assert putin.aliases == ["Putin"]
    assert {e.doc for e in putin.evidence} == {DOC_A.id, DOC_B.id}


def test_actor_salience_is_normalised_and_ranked(brief: Any) -> None:
    saliences = [a.salience for a in brief.actors if a.type != "location"]
    assert max(saliences) == 1.0
    assert saliences == sorted(saliences, reverse=True)
    # Places come after the actors proper.
    types = [a.type for a in brief.actors]
    assert types[-1] == "location"
    assert brief.actors[-1].name == "Pyongyang"


# --- timeline, ids, bluf, documents


def test_timeline_is_sorted_and_deduplicated(brief: Any) -> None:
    keys = [e.sort_key for e in brief.timeline]
    assert keys == sorted(keys)
    # "In 2000" is background of a September 2023 pile: outside the period, in the appendix.
    assert all(e.date != "2000-01-01" for e in brief.timeline)
    assert any(e.date == "2000-01-01" for e in brief.appendix.timeline)
    # "Kim met Putin" (A) and "Kim met Putin at a space centre" (B) are one entry.
    sept13 = [e for e in brief.timeline if e.date == "2023-09-13"]
    assert len(sept13) == 1
    assert {e.doc for e in sept13[0].evidence} == {DOC_A.id, DOC_B.id}


def test_undated_timeline_entries_go_last() -> None:
    f = facts_a()
    f.timeline.append(
        TimelineEntry(
            date=None,
            precision="day",
            text="Something undated",
            evidence=[],
            when="July 4",
            sort_key="9999-07-04",
        )
    )
    f.timeline.insert(
        0,
        TimelineEntry(
            date="1999-01-01",
            precision="year",
            text="Long ago",
            evidence=[],
            when="1999",
            sort_key="1999-00-00",
        ),
    )
    out = merge_timeline([f], 40)
    # A month and day whose year no document gives goes last.
    assert [e.text for e in out] == ["Long ago", "Kim met Putin", "Something undated"]


def test_ids_are_renumbered(brief: Any) -> None:
    assert [d.id for d in brief.key_developments] == ["kd1", "kd2"]
    assert [s.id for s in brief.statements] == ["st1"]
    assert [r.id for r in brief.risks] == ["rk1"]
    assert [q.id for q in brief.open_questions] == ["q1"]


def test_bluf_has_one_to_three_items_with_refs(brief: Any) -> None:
    assert 1 <= len(brief.bluf) <= 3
    assert brief.bluf == [b.text for b in brief.bluf_items]
    ids = (
        {d.id for d in brief.key_developments}
        | {r.id for r in brief.risks}
        | {q.id for q in brief.open_questions}
    )
    for item in brief.bluf_items:
        assert item.refs and set(item.refs) <= ids
        assert item.evidence
    first = brief.bluf[0]
    assert first.startswith("Kim Jong-un met Vladimir Putin")
    assert "corroborated by 2 sources" in first
    assert first.endswith(".")


def test_bluf_risk_sentence_uses_the_likelihood_and_its_range(brief: Any) -> None:
    risk_line = brief.bluf[1]
    low, high = LIKELIHOOD_SCALE["roughly even chance"]
    assert risk_line.startswith("There is a roughly even chance that")
    assert f"({low}–{high}%, sanctions or legal breach)" in risk_line
    assert brief.bluf[2] == "Key unknown: Will the deal be concluded?"


def test_bluf_never_mixes_confidence_with_likelihood(brief: Any) -> None:
    for line in brief.bluf:
        has_likelihood = any(re.search(rf"\b{w}\b", line) for w in LIKELIHOOD_SCALE)
        has_confidence = re.search(r"\b(high|moderate|low) confidence\b", line)
        assert not (has_likelihood and has_confidence), line


def test_bluf_of_an_empty_input_is_empty() -> None:
    assert write_bluf([], [], []) == []
    out = fuse([], FuseOptions(title="Nothing"), WHEN)
    assert out.bluf == [] and out.key_developments == [] and out.documents == []
    assert out.period.start is None


def test_documents_period_and_metadata(brief: Any) -> None:
    assert [d.id for d in brief.documents] == [DOC_A.id, DOC_B.id]
    assert (brief.period.start, brief.period.end) == ("2023-09-13", "2023-09-14")
    assert {d.id: d.developments for d in brief.documents} == {DOC_A.id: 2, DOC_B.id: 1}
    assert brief.generated_at == "2023-09-14T06:00:00+00:00"
    assert brief.title == "Test"
    assert brief.marking.label == "TLP:GREEN"


def test_fused_spans_are_exact(brief: Any, assert_spans: Any) -> None:
    n = assert_spans(brief, {DOC_A.id: TEXT_A, DOC_B.id: TEXT_B})
    assert n >= 12


def test_limits_are_respected() -> None:
    out = fuse(
        [facts_a(), facts_b()],
        FuseOptions(sections=Sections(key_developments=1, actors=2, timeline=1)),
        WHEN,
    )
    assert len(out.key_developments) == 1
    assert len(out.actors) == 2
    assert len(out.timeline) == 1


def _quote(doc: Document, speaker: str, actor_id: str | None, text: str, n: int) -> Statement:
    return Statement(
        id=f"{doc.id}-st{n}",
        speaker=Speaker(text=speaker, start=0, end=len(speaker), actor_id=actor_id),
        cue=SpanRef(text="said", start=0, end=4),
        content=SpanRef(text=text, start=0, end=len(text)),
        direct=True,
        doc=doc.id,
        speaker_name=speaker,
    )


def test_statements_spread_over_speakers() -> None:
    """The most salient speaker's five quotes do not fill the section: the others' quotes
    come in between, while each speaker's own quotes keep their order."""
    facts = facts_a()
    facts.actors.append(actor("ban-ki-moon", "Ban Ki-moon", "person", DOC_A, "Kim", 1, 0.5))
    facts.statements = [
        _quote(DOC_A, "Kim Jong-un", "kim-jong-un", f"Kim quote {i}", i) for i in range(1, 6)
    ]
    facts.statements.append(_quote(DOC_A, "Ban Ki-moon", "ban-ki-moon", "Ban quote", 6))
    out = fuse([facts], FuseOptions(sections=Sections(statements=3)), WHEN)
    shown = [s.content.text for s in out.statements]
    assert shown[0] == "Kim quote 1"  # the most salient speaker still leads
    assert "Ban quote" in shown  # ... but not alone
    every = shown + [s.content.text for s in out.appendix.statements]
    assert [t for t in every if t.startswith("Kim")] == [f"Kim quote {i}" for i in range(1, 6)]
    assert len(every) == 6 and [s.id for s in out.statements] == ["st1", "st2", "st3"]


def test_the_fused_role_spells_out_titles_and_skips_forms_of_address() -> None:
    from briefgen.fuse.actors import _common_role, spell_out_role

    assert spell_out_role("former Maryland Gov.") == "former Maryland Governor"
    assert _common_role(["Sen.", "Sen.", "Senator", "Texas senator"]) == "Senator"
    assert _common_role(["Dr.", "Dr.", "Dr.", "Republican candidate"]) == "Republican candidate"
    assert _common_role(["Dr."]) is None
    assert (
        _common_role(
            ["Former Secretary of State", "former Secretary of State", "former Secretary of State"]
        )
        == "former Secretary of State"
    )


def test_a_spelt_out_middle_name_is_the_same_person() -> None:
    a, b = facts_a(), facts_b()
    a.actors.append(actor("hillary-clinton", "Hillary Clinton", "person", DOC_A, "Kim", 2, 0.5))
    b.actors.append(
        actor("hillary-rodham-clinton", "Hillary Rodham Clinton", "person", DOC_B, "Kim", 1, 0.4)
    )
    b.actors.append(actor("john-quincy-adams", "John Quincy Adams", "person", DOC_B, "Kim", 1, 0.1))
    out = fuse([a, b], FuseOptions(), WHEN)
    names = [x.name for x in out.actors + out.appendix.actors]
    assert "Hillary Rodham Clinton" not in names
    clinton = next(x for x in out.actors if x.name == "Hillary Clinton")
    assert clinton.documents == 2 and clinton.mentions == 3
    assert "Hillary Rodham Clinton" in clinton.aliases
    assert "John Quincy Adams" in names  # no shorter name to join


def test_the_bottom_line_says_whose_view_a_risk_is() -> None:
    risk = Risk(
        id="rk1",
        summary="The tariffs will destroy the economy.",
        category="economic",
        likelihood="very likely",
        clause="the tariffs will destroy the economy",
        attributed_to="Jane Smith",
    )
    (item,) = write_bluf([], [risk], [])
    assert item.text.startswith("According to Jane Smith, it is very likely that the tariffs")


def test_a_middle_name_form_that_dominates_keeps_its_name() -> None:
    """The longer form may be the one more documents use: the shorter joins it, and the
    pass over the actors goes on without the joined entry."""
    a, b = facts_a(), facts_b()
    a.actors.insert(
        0, actor("hillary-rodham-clinton", "Hillary Rodham Clinton", "person", DOC_A, "Kim", 3, 0.5)
    )
    b.actors.insert(
        0, actor("hillary-rodham-clinton", "Hillary Rodham Clinton", "person", DOC_B, "Kim", 2, 0.4)
    )
    b.actors.append(actor("hillary-clinton", "Hillary Clinton", "person", DOC_B, "Kim", 1, 0.3))
    out = fuse([a, b], FuseOptions(), WHEN)
    names = [x.name for x in out.actors + out.appendix.actors]
    assert "Hillary Rodham Clinton" in names and "Hillary Clinton" not in names


# --- tails merge across documents; the watchlist reads the actors' aliases


def test_an_actor_named_by_the_tail_of_a_longer_name_elsewhere_merges() -> None:
    from briefgen.fuse.actors import merge_actors

    text_a = "U.S. Central Command said a missile hit the ship."
    text_b = "Central Command said the crew was safe."
    doc_a = Document(text=text_a, title="a", published="2024-03-12")
    doc_b = Document(text=text_b, title="b", published="2024-03-12")

    def one(doc: Document, key: str, name: str) -> DocFacts:
        return DocFacts(
            document=ref(doc),
            actors=[actor(key, name, "organization", doc, name, 1, 1.0)],
        )

    actors, remap = merge_actors(
        [
            one(doc_a, "u-s-central-command", "U.S. Central Command"),
            one(doc_b, "central-command", "Central Command"),
        ]
    )
    assert [a.name for a in actors] == ["U.S. Central Command"]
    assert actors[0].aliases == ["Central Command"] and actors[0].documents == 2
    assert remap == {"central-command": "u-s-central-command"}


def test_watchlist_finds_developments_by_an_alias_of_the_actor() -> None:
    from briefgen.fuse.watchlist import watch_entry

    houthis = Actor(id="ansar-allah", name="Ansar Allah", type="group", aliases=["Houthis"])
    dev = KeyDevelopment(
        id="kd1", summary="Houthi rebels fired two missiles at a bulk carrier.", who=[]
    )
    other = KeyDevelopment(id="kd2", summary="Oil prices rose on Tuesday.", who=[])
    entry = watch_entry(("actor", "Houthis", ()), [dev, other], [], [houthis])
    assert entry.actors == ["ansar-allah"]
    assert entry.developments == ["kd1"]


def test_bluf_says_likelihood_not_stated_when_the_source_gave_none() -> None:
    risk = Risk(
        id="r1",
        summary="The tests could provoke a nuclear war.",
        category="WMD/nuclear",
        likelihood=None,
        basis="could",
        clause="the tests could provoke a nuclear war",
    )
    items = write_bluf([], [risk], [])
    assert items[0].text.startswith("The tests could provoke a nuclear war")
    assert "likelihood not stated" in items[0].text
    assert not any(re.search(rf"\\b{w}\\b", items[0].text) for w in LIKELIHOOD_SCALE)
