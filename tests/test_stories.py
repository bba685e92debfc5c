"""Stories across outlets (issue 13): whole documents compared by their term profiles,
one key development per story, independence per document, contradictions, key judgments
with coverage, the coverage chart. Small texts of our own."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
import spacy
from conftest import ev, ref

from briefgen.extract.profile import term_profile
from briefgen.fuse import FuseOptions, fuse
from briefgen.fuse.bluf import coverage_text, span_text
from briefgen.fuse.developments import Sources, contradictions, figures
from briefgen.fuse.stories import (
    average_linkage,
    background_df,
    detect_stories,
    idf_table,
    similar_pairs,
    story_development,
)
from briefgen.model import DocFacts, Document, KeyDevelopment, Story, json_schema
from briefgen.render.figures.coverage import coverage_chart

WHEN = datetime(2024, 6, 20, 6, 0, tzinfo=timezone.utc)

# One attack on a tanker in the Red Sea, worded by two outlets (and a later follow-up) ...
RED_SEA = [
    (
        "AP",
        "2024-06-12",
        "Houthi missile strikes Greek tanker Tutor in Red Sea",
        "Houthi rebels struck the Greek-owned tanker Tutor with a missile in the Red Sea off "
        "Hodeidah on Wednesday, setting the engine room on fire. Three crew members were "
        "missing, the ship's manager Evalend Shipping said. The Liberian-flagged Tutor was "
        "carrying coal from Russia.",
    ),
    (
        "Reuters",
        "2024-06-12",
        "Yemen's Houthis hit coal carrier Tutor off Hodeidah",
        "A coal carrier, the Tutor, was hit by a Houthi missile and a drone boat off the "
        "Yemeni port of Hodeidah on Wednesday, the UK Maritime Trade Operations agency said. "
        "Four sailors were missing after the strike flooded the engine room, Evalend Shipping "
        "said of the Liberian-flagged ship.",
    ),
    (
        "AP",
        "2024-06-15",
        "Crew of stricken tanker Tutor evacuated in Red Sea",
        "Sailors from the Greek-owned coal carrier Tutor, hit by Houthi rebels off Hodeidah, "
        "were evacuated by a US Navy helicopter on Saturday. The Liberian-flagged Tutor "
        "remained adrift in the Red Sea with its engine room flooded, Evalend Shipping said.",
    ),
]
# ... and a similar but different event: another ship, another sea, other people and days.
OMAN = [
    (
        "AFP",
        "2024-06-13",
        "Limpet mine damages Norwegian tanker Front Altair in Gulf of Oman",
        "A limpet mine damaged the Norwegian tanker Front Altair near the Strait of Hormuz in "
        "the Gulf of Oman on Thursday, the Iranian navy said. Frontline, the ship's owner, "
        "said all 23 crew had been rescued by the Iranian vessel Coastal Ace.",
    ),
    (
        "BBC",
        "2024-06-13",
        "Front Altair ablaze in the Gulf of Oman after Hormuz blast",
        "The Norwegian-owned Front Altair was ablaze in the Gulf of Oman on Thursday after a "
        "blast near the Strait of Hormuz, owner Frontline said. Iran said its navy and the "
        "vessel Coastal Ace picked up the 23 crew near Jask.",
    ),
]


def documents(items: list[tuple[str, str, str, str]]) -> list[Document]:
    return [
        Document(text=f"{title}\n\n{body}", title=title, publisher=pub, published=day)
        for pub, day, title, body in items
    ]


def facts_with_profiles(nlp: Any, docs: list[Document]) -> list[DocFacts]:
    out = []
    for d in docs:
        parsed = nlp(d.text)
        lead = parsed.text.split("\n\n", 1)[1]
        sentences = [x if x.endswith(".") else x + "." for x in lead.split(". ")][:2]
        out.append(
            DocFacts(
                document=ref(d),
                profile=term_profile(parsed, 1, None),
                key_developments=[
                    KeyDevelopment(
                        id=f"{d.id}-kd{k}",
                        summary=sentence,
                        what=sentence,
                        evidence=[ev(d, sentence)],
                        score=2.0 - k,
                    )
                    for k, sentence in enumerate(sentences)
                ],
            )
        )
    return out


@pytest.fixture(scope="module")
def pile(nlp: Any) -> tuple[list[Document], list[DocFacts]]:
    docs = documents(RED_SEA + OMAN)
    return docs, facts_with_profiles(nlp, docs)


def test_two_outlets_wordings_of_one_event_join_and_a_similar_event_stays_apart(
    pile: Any,
) -> None:
    docs, facts = pile
    sources = Sources(published={d.id: d.published for d in docs})
    groups = detect_stories(facts, sources)
    as_ids = sorted(sorted(facts[i].document.id for i in g) for g in groups)
    red = sorted(d.id for d in docs[:3])
    oman = sorted(d.id for d in docs[3:])
    assert as_ids == sorted([red, oman])


def test_every_document_is_in_exactly_one_story_with_its_coverage(pile: Any) -> None:
    docs, facts = pile
    brief = fuse(facts, FuseOptions(), WHEN)
    placed = [d for s in brief.stories for d in s.documents]
    assert sorted(placed) == sorted(d.id for d in docs)
    first = brief.stories[0]
    assert first.documents[0] == docs[0].id  # earliest first
    assert first.outlets == ["AP", "Reuters"]
    assert (first.first_reported, first.last_reported) == ("2024-06-12", "2024-06-15")
    assert [c.documents for c in first.coverage] == [2, 1]
    # One key development per story, leading the story; every story lists its own.
    lead = brief.key_developments[0]
    assert lead.story == first.id and first.developments[0] == lead.id
    # Independence per document: an outlet's follow-up report counts, outlets beside it.
    assert (lead.corroboration, lead.outlets) == (3, 2)
    assert {ev.doc for ev in lead.evidence} == set(first.documents)


def test_contradictions_across_a_storys_reports_lower_confidence(pile: Any) -> None:
    _, facts = pile
    brief = fuse(facts, FuseOptions(), WHEN)
    lead = brief.key_developments[0]
    (c,) = [c for c in lead.contradictions if c.kind == "figure"]
    assert c.about == "people missing"
    assert sorted(claim.value for claim in c.claims) == ["Four sailors", "Three crew"]
    assert lead.confidence != "high"
    assert "reports differ on people missing" in lead.sourcing


def test_wire_copies_count_once(pile: Any) -> None:
    docs, facts = pile
    copy = docs[0].id
    brief = fuse(facts, FuseOptions(), WHEN, copy_of={docs[1].id: copy})
    lead = brief.key_developments[0]
    assert lead.corroboration == 2  # Reuters' text is AP's copy: the two count once
    assert "(1 wire copy counted once)" in lead.sourcing


def test_key_judgments_name_the_top_stories_coverage(pile: Any) -> None:
    _, facts = pile
    brief = fuse(facts, FuseOptions(), WHEN)
    assert len(brief.bluf_items) == 2  # one per story
    first = brief.bluf[0]
    assert "reported by 3 documents from 2 outlets, 12–15 June 2024" in first
    assert "confidence" in first and "likely" not in first  # ICD 203: never both
    assert brief.bluf_items[0].refs == [brief.key_developments[0].id]


def test_the_stories_validate_against_the_schema(pile: Any) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    _, facts = pile
    brief = fuse(facts, FuseOptions(), WHEN)
    schema = json_schema()
    jsonschema.validate(brief.model_dump(mode="json"), schema)
    required = set(schema["$defs"]["Story"]["required"])
    assert {"id", "label", "documents", "outlets", "developments"} <= required


def _as_previous(dev: KeyDevelopment) -> dict[str, Any]:
    """The options a last brief that reported ``dev`` gives (as the run state keeps it)."""
    return {
        "previous_spans": tuple(f"{e.doc}:{e.start}:{e.end}" for e in dev.evidence),
        "previous_summaries": (tuple(w.lower() for w in dev.summary.split()),),
    }


def test_at_equal_coverage_a_story_the_last_brief_missed_ranks_first(nlp: Any) -> None:
    docs = documents(RED_SEA[:2] + OMAN)  # two documents from two outlets each
    facts = facts_with_profiles(nlp, docs)
    first = fuse(facts, FuseOptions(), WHEN)
    assert [s.corroboration for s in first.stories] == [2, 2]
    top = first.stories[0].documents
    again = fuse(facts, FuseOptions(**_as_previous(first.key_developments[0])), WHEN)
    assert again.stories[0].documents != top  # the story already reported goes second
    assert again.stories[1].documents == top
    assert again.key_developments[0].story == again.stories[0].id


def test_novelty_never_outranks_more_coverage(pile: Any) -> None:
    _, facts = pile
    first = fuse(facts, FuseOptions(), WHEN)
    assert first.stories[0].corroboration == 3
    again = fuse(facts, FuseOptions(**_as_previous(first.key_developments[0])), WHEN)
    assert again.stories[0].documents == first.stories[0].documents


# --- small parts, no model ------------------------------------------------------------------


def test_profile_weighs_the_headline_and_lead_up() -> None:
    nlp = spacy.blank("en")
    doc = nlp("Tanker hit.\nThe tanker burned. Crews fled. Ships waited. Later, talks went on.")
    # blank pipeline: no sentence boundaries unless set
    for i, tok in enumerate(doc):
        tok.is_sent_start = i == 0 or doc[i - 1].text == "."
    profile = term_profile(doc, 1, None)
    assert profile["tanker"] == 3.0 + 2.0  # once in the headline, once in the lead
    assert profile["talks"] == 1.0  # after the lead
    assert "the" not in profile


def test_similar_pairs_skip_common_terms_and_link_rare_ones() -> None:
    vecs = [{"common": 0.6, "rare": 0.8}, {"common": 0.6, "rare": 0.8}, {"common": 1.0}]
    vecs += [{"common": 1.0} for _ in range(30)]
    pairs = similar_pairs(vecs, [None] * len(vecs))
    assert pairs == {(0, 1): pytest.approx(1.0)}  # "common" is in every document


def test_average_linkage_merges_while_the_mean_is_high_enough() -> None:
    pairs = {(0, 1): 0.9, (1, 2): 0.5, (0, 2): 0.1, (3, 4): 0.3}
    labels = average_linkage(5, pairs, 0.25)
    assert labels[0] == labels[1] == labels[2] and labels[3] == labels[4]
    assert labels[0] != labels[3]
    assert len(set(average_linkage(5, pairs, 0.6))) == 4  # only 0 and 1 join


def test_figures_in_words_count_people_under_any_noun() -> None:
    assert figures("Three crew members were missing.") == [("people missing", 3.0, "Three crew")]
    assert figures("Four sailors were missing after the strike.")[0][:2] == (
        "people missing",
        4.0,
    )


def test_contradiction_between_two_outlets_on_a_count() -> None:
    a = Document(text="Three crew members were missing.", title="a", publisher="AP")
    b = Document(text="Four sailors were missing.", title="b", publisher="Reuters")
    devs = [
        KeyDevelopment(id="a", summary=a.text, evidence=[ev(a, a.text)]),
        KeyDevelopment(id="b", summary=b.text, evidence=[ev(b, b.text)]),
    ]
    (c,) = contradictions(devs, Sources())
    assert c.about == "people missing" and len(c.claims) == 2


def test_coverage_text_and_spans() -> None:
    story = Story(
        id="s1",
        label="x",
        documents=["a"] * 12,
        outlets=["A", "B", "C", "D", "E", "F"],
        first_reported="2016-10-25",
        last_reported="2016-10-28",
        corroboration=12,
    )
    assert coverage_text(story) == "reported by 12 documents from 6 outlets, 25–28 October 2016"
    assert span_text("2016-10-30", "2016-11-02") == "30 October – 2 November 2016"
    assert span_text("2016-10-30", None) == "30 October 2016"


def test_coverage_chart_escapes_story_labels() -> None:
    from xml.etree import ElementTree

    from briefgen.model import DayCount

    hostile = Story(
        id="s1",
        label="<script>alert(1)</script> & co",
        documents=["a", "b", "c"],
        coverage=[
            DayCount(date="2024-06-12", documents=2),
            DayCount(date="2024-06-15", documents=1),
        ],
    )
    svg = str(coverage_chart([hostile]))
    root = ElementTree.fromstring(svg)  # well-formed
    assert "<script>" not in svg and root.tag.endswith("svg")
    assert coverage_chart([hostile.model_copy(update={"documents": ["a"], "coverage": []})]) == ""


def test_a_story_with_an_undated_document_has_its_dated_coverage() -> None:
    from briefgen.fuse.stories import coverage

    sources = Sources(published={"a": "2024-06-12", "b": None, "c": "2024-06-12"})
    assert [(c.date, c.documents) for c in coverage(["a", "b", "c"], sources)] == [
        ("2024-06-12", 2)
    ]


def test_a_rebuild_whose_stories_were_all_in_the_last_brief_keeps_the_plain_ranking() -> None:
    from briefgen.fuse.stories import Seen
    from briefgen.model import Brief, Marking
    from briefgen.pipeline import _Fused, _novelty_matters
    from briefgen.store.state import BriefKeys

    seen = Seen.of(["a:0:10"], [["houthi", "missile", "tanker", "struck"]])
    assert seen.known("Houthi missile struck tanker", [])  # the same summary's words
    assert seen.known("Anything at all", ["a:0:10"])  # a span it cited
    assert not seen.known("Limpet mine damaged Front Altair", ["b:0:9"])
    keys = BriefKeys(
        "2024-06-20T06:00:00+00:00",
        developments=[
            {"id": "kd1", "spans": ["a:0:10"], "words": ["houthi"]},
            {"id": "kd2", "spans": ["b:0:9"], "words": ["limpet", "mine"]},
        ],
    )
    brief = Brief(
        title="t",
        generated_at=keys.generated_at,
        marking=Marking(label="UNCLASSIFIED"),
        stories=[
            Story(id="s1", label="Tutor", developments=["kd1"]),
            Story(id="s2", label="Front Altair", developments=["kd2"]),
        ],
    )
    fused = _Fused(brief, "{}", keys)
    assert _novelty_matters(fused, seen)  # one story known, one new: rank again
    assert not _novelty_matters(fused, Seen.of(["a:0:10", "b:0:9"], []))  # all known
    assert not _novelty_matters(fused, Seen.of([], [["weather"]]))  # none known


def test_a_storys_own_timeline_holds_its_documents_days_one_entry_each() -> None:
    from briefgen.fuse.timeline import story_timeline
    from briefgen.model import Period, TimelineEntry

    docs = documents(RED_SEA + OMAN)
    red, oman = [d.id for d in docs[:3]], [d.id for d in docs[3:]]

    def entry(day: str, text: str, *ds: Document) -> TimelineEntry:
        return TimelineEntry(
            date=day,
            precision="day",
            text=text,
            evidence=[ev(d, d.text[:20]) for d in ds],
            documents=[d.id for d in ds],
            sort_key=day,
        )

    entries = [
        entry("2024-06-12", "Houthi rebels struck the tanker Tutor", docs[0], docs[1], docs[3]),
        entry("2024-06-12", "The Tutor's engine room caught fire", docs[1]),
        entry("2024-06-15", "A US Navy helicopter evacuated the crew", docs[2]),
        entry("2024-06-13", "A limpet mine damaged Front Altair", docs[3], docs[4]),
        entry("2023-01-01", "Shipping began in the region", docs[0]),  # outside the period
    ]
    period = Period(start="2024-06-01", end="2024-06-30")
    shown = story_timeline(entries, red, period)
    assert [(e.date, e.text) for e in shown] == [
        ("2024-06-12", "Houthi rebels struck the tanker Tutor"),
        ("2024-06-15", "A US Navy helicopter evacuated the crew"),
    ]
    assert set(shown[0].documents) == {docs[0].id, docs[1].id}  # the story's own only
    assert len(story_timeline(entries, oman, period)) == 2
    assert story_timeline(entries, oman[1:], period) == []  # one day: its coverage dates it
    assert len(story_timeline(entries * 4, red, period, limit=1)) == 1
    # a photo caption tells a day only when no report does, however many documents print it
    caption = entry("2024-06-15", "Jun. 15: The Tutor is seen adrift in the Red Sea", *docs[:3])
    shown = story_timeline([caption, *entries], red, period)
    assert [e.text for e in shown if e.date == "2024-06-15"] == [
        "A US Navy helicopter evacuated the crew"
    ]


def test_the_stories_view_shows_a_storys_timeline(pile: Any) -> None:
    from briefgen.model import TimelineEntry
    from briefgen.render import render

    docs, facts = pile
    brief = fuse(facts, FuseOptions(), WHEN)
    d = docs[2]
    brief.stories[0].timeline = [
        TimelineEntry(
            date="2024-06-15",
            precision="day",
            text="Sailors <b>evacuated</b> by helicopter",
            evidence=[ev(d, d.text[:30])],
            sort_key="2024-06-15",
        )
    ]
    out = render(brief, ["html", "md"])
    html, md = out["html"].decode(), out["md"].decode()
    assert 'class="story-timeline"' in html
    assert "Sailors &lt;b&gt;evacuated&lt;/b&gt; by helicopter" in html
    assert "- **Timeline:**" in md and "15 June 2024" in md


def test_one_key_development_per_story_and_its_sub_events_under_it(pile: Any) -> None:
    from briefgen.render import render

    _, facts = pile
    brief = fuse(facts, FuseOptions(), WHEN)
    # Two stories, two key developments: each story's lead, in the stories' order.
    assert [d.story for d in brief.key_developments] == [s.id for s in brief.stories]
    assert [s.developments[0] for s in brief.stories] == [d.id for d in brief.key_developments]
    # The stories' further developments are theirs, kept (and resolvable) in the appendix.
    more = {d.id: d for d in brief.appendix.key_developments}
    subs = [i for s in brief.stories for i in s.developments[1:]]
    assert subs and all(i in more for i in subs)
    assert all(more[i].story == s.id for s in brief.stories for i in s.developments[1:])
    html = render(brief, ["html"])["html"].decode()
    first_sub = more[brief.stories[0].developments[1]]
    assert first_sub.summary.split()[0] in html.split('id="stories"', 1)[1]
    assert f'href="#dev-{first_sub.id}"' not in html  # no anchor for what is not shown
    assert f'href="#dev-{brief.key_developments[0].id}"' in html


def test_a_pile_of_one_story_keeps_its_developments_as_the_key_developments(nlp: Any) -> None:
    facts = facts_with_profiles(nlp, documents(RED_SEA))
    brief = fuse(facts, FuseOptions(), WHEN)
    assert len(brief.stories) == 1
    assert len(brief.key_developments) > 1  # the story's sub-events, as for one article
    assert brief.stories[0].developments == [d.id for d in brief.key_developments]


# --- a story's lead: central, early, a reported event (not a caption or background) -------


def _story_of(items: list[tuple[str, str, list[str]]]) -> tuple[list[DocFacts], Sources]:
    """Facts of one story's documents: (publisher, day, developments in rank order)."""
    facts = []
    for pub, day, sentences in items:
        doc = Document(
            text=" ".join(sentences), title=sentences[0][:30], publisher=pub, published=day
        )
        facts.append(
            DocFacts(
                document=ref(doc),
                profile={w.lower(): 1.0 for s in sentences for w in s.split() if len(w) > 3},
                key_developments=[
                    KeyDevelopment(
                        id=f"{doc.id}-kd{k}",
                        summary=s,
                        what=s,
                        evidence=[ev(doc, s)],
                        score=2.0 - k,
                    )
                    for k, s in enumerate(sentences)
                ],
            )
        )
    sources = Sources(published={f.document.id: f.document.published for f in facts})
    return facts, sources


def _lead(facts: list[DocFacts], sources: Sources) -> str:
    devs = {f.document.id: f.key_developments for f in facts}
    lead, _ = story_development(facts, devs, sources, idf_table([f.profile for f in facts]))
    assert lead is not None
    return lead.summary


SPILL_CAPTION = "Weathered oil from the leaking well is seen on the Gulf of Mexico near Louisiana."
SPILL_REPORT = "Oil from the leaking well reached the Louisiana coast on Thursday, officials said."


def test_a_photo_caption_is_never_a_storys_lead() -> None:
    facts, sources = _story_of(
        [
            ("AP", "2010-04-30", [SPILL_CAPTION, SPILL_REPORT]),
            ("AP", "2010-05-01", [SPILL_CAPTION, "Oil from the leaking well reached Louisiana."]),
            ("Reuters", "2010-04-30", [SPILL_REPORT]),
        ]
    )
    assert _lead(facts, sources) == SPILL_REPORT
    # a story of one document keeps its document's ranking (the caption test misfires on
    # leads: "was photographed protesting …", a lead behind a "Photo" label)
    one, src = _story_of([("AP", "2010-04-30", [SPILL_CAPTION, SPILL_REPORT])])
    assert _lead(one, src) == SPILL_CAPTION


def test_a_line_of_background_or_a_wire_stamp_is_not_the_lead() -> None:
    background = "Asia battled the SARS epidemic of flu in 2003 and improved its flu defences."
    stamped = (
        "ZURICH | Thu Apr 30, 2009 6:12 am EDT ZURICH (Reuters) - "
        "Novartis began flu vaccine trials."
    )
    report = "Novartis began trials of a flu vaccine in Asia on Thursday, the company said."
    facts, sources = _story_of(
        [
            ("Reuters", "2009-04-30", [background, report]),
            ("Reuters", "2009-04-30", [stamped, report]),
        ]
    )
    assert _lead(facts, sources) == report
    one, src = _story_of([("Reuters", "2009-04-30", [background, report])])
    assert _lead(one, src) == report
    # without a report, a caption or a background line still leads (every story has one)
    alone, src = _story_of([("AP", "2010-04-30", [SPILL_CAPTION])])
    assert _lead(alone, src) == SPILL_CAPTION


# --- small piles: IDF blended with the background table ------------------------------------

# A third wording of the Red Sea attack, by a second Reuters desk.
RED_SEA_UKMTO = (
    "Reuters",
    "2024-06-12",
    "Ship hit by missile off Yemen, crew missing - UKMTO",
    "A vessel was struck by a missile about 66 nautical miles west of Hodeidah in Yemen, the "
    "UK Maritime Trade Operations agency said on Wednesday, and its engine room was flooded. "
    "The Greek-managed Tutor, owned by Evalend Shipping, reported missing crew.",
)


def test_the_background_table_ships_common_lemmas_and_no_names() -> None:
    total, table = background_df()
    assert total > 1000 and 2000 < len(table) < 100_000
    assert table["official"] > table.get("tanker", 0)
    assert all(":" not in t[:2] for t in table)  # lemmas only, no e:/n:/d: terms
    assert "clinton" not in table  # a word of a name is the pile's


def test_a_small_piles_idf_knows_common_words_from_the_background() -> None:
    # Three reports that all hold "official" and "tanker": the pile alone cannot tell
    # them apart (both in every document); the background says "official" is common.
    profiles = [{"official": 1.0, "tanker": 1.0, "e:tutor": 1.0}] * 3
    alone = idf_table(profiles, background=False)
    blended = idf_table(profiles)
    assert alone["official"] == alone["tanker"]
    assert blended["official"] < blended["tanker"]
    assert blended["e:tutor"] == alone["e:tutor"]  # names keep the pile's own counts
    # in a large pile the pile's counts decide
    big = [{"official": 1.0}] * 10 + [{"tanker": 1.0}] * 490
    idf = idf_table(big)
    assert idf["official"] > idf["tanker"]


@pytest.mark.parametrize(
    "items",
    [
        [*RED_SEA[:2], RED_SEA_UKMTO, OMAN[0]],  # AP and two Reuters desks, one other attack
        [*RED_SEA[:2], *OMAN],  # two wordings of each of two attacks
        [*RED_SEA[:2], RED_SEA_UKMTO],  # three reports of one attack
    ],
    ids=["3+1", "2+2", "3"],
)
def test_in_a_small_pile_wordings_join_and_a_similar_event_stays_apart(
    nlp: Any, items: list[tuple[str, str, str, str]]
) -> None:
    docs = documents(items)
    facts = facts_with_profiles(nlp, docs)
    sources = Sources(published={d.id: d.published for d in docs})
    groups = detect_stories(facts, sources)
    found = sorted(sorted(facts[i].document.id for i in g) for g in groups)
    red = sorted(
        d.id for d, item in zip(docs, items, strict=True) if item in (*RED_SEA, RED_SEA_UKMTO)
    )
    oman = sorted(d.id for d, item in zip(docs, items, strict=True) if item in OMAN)
    assert found == sorted(g for g in (red, oman) if g)


def test_a_lead_names_its_subject_and_reports_news_not_a_definition() -> None:
    pronoun = "He did not know whether to blame the Coast Guard or BP for the oil spill."
    definition = (
        "The Minerals Management Service is an agency of the Interior Department that "
        "oversees oil drilling."
    )
    report = "The Coast Guard said oil from the BP spill reached the Louisiana coast."
    facts, sources = _story_of(
        [
            ("Fox News", "2010-04-30", [pronoun, report]),
            ("Fox News", "2010-04-30", [definition, report]),
            ("AP", "2010-05-01", [pronoun, definition]),
        ]
    )
    assert _lead(facts, sources) == report
