"""The timeline picks the days that matter (issue 13): dates resolved right ("last week" is
no day, years from a document's own dates, dates in file names), entries as written, one
entry per day ranked by how many documents mention it, inside the period."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from conftest import ev, ref

from briefgen.config import Sections
from briefgen.extract.dates import parse_date
from briefgen.fuse import FuseOptions, merge_timeline
from briefgen.fuse.developments import Sources
from briefgen.ingest.files import filename_date, read_file
from briefgen.model import DocFacts, Document, Period, TimelineEntry

REF = date(2024, 6, 14)  # a Friday


def test_last_week_is_not_a_day() -> None:
    for text in ("last week", "this week", "two weeks ago", "last weekend"):
        val = parse_date(text, ref=REF)
        assert val is not None and val.date is None and val.precision is None, text
    assert parse_date("yesterday", ref=REF).date == "2024-06-13"  # type: ignore[union-attr]
    assert parse_date("three days ago", ref=REF).date == "2024-06-11"  # type: ignore[union-attr]


def test_a_date_in_a_file_name_is_the_publication_date(tmp_path: Path) -> None:
    assert filename_date("2016-10-12-fbi-letter.txt") == "2016-10-12"
    assert filename_date("20161012_fbi.md") == "2016-10-12"
    assert filename_date("2016-13-12-x.txt") is None  # no such month
    assert filename_date("201610123-x.txt") is None  # more digits: not a date
    assert filename_date("fbi-2016-10-12.txt") is None  # only at the start, as Pelican
    path = tmp_path / "2016-10-12-fbi.txt"
    path.write_text("FBI reviews new emails\n\nThe FBI said on Friday it was reviewing emails.")
    assert read_file(path).published == "2016-10-12"
    md = tmp_path / "2016-10-12-note.md"
    md.write_text("---\npublished: 2016-10-14\n---\nThe FBI said on Friday it had new emails.\n")
    assert read_file(md).published == "2016-10-14"  # front matter wins


def test_undated_document_takes_years_from_its_own_full_dates(facts_of: Any) -> None:
    facts = facts_of(
        "The trial opened in Los Angeles on 27 September 2011. "
        "Police first questioned the doctor on 28 June, three days after the singer died."
    )
    dated = {e.date for e in facts.timeline if e.precision == "day"}
    assert "2011-09-27" in dated
    assert "2011-06-28" in dated  # "28 June" takes 2011 from the document's own date


def test_an_entry_is_its_sentence_as_written(facts_of: Any) -> None:
    facts = facts_of(
        "Jackson died at his rented home in Los Angeles on 25 June, aged 50.",
        published="2009-06-27",
    )
    (entry,) = [e for e in facts.timeline if e.date == "2009-06-25"]
    assert entry.text == "Jackson died at his rented home in Los Angeles on 25 June, aged 50"


def test_a_participle_dated_entry_keeps_the_noun_it_describes(facts_of: Any) -> None:
    facts = facts_of(
        "The deal, hammered out on Sunday and formally announced on Wednesday, ends a "
        "strike by dock workers that had closed three ports for a month and cost shippers "
        "millions of dollars in lost trade. The report, released on Tuesday, showed a sharp "
        "rise in the price of food in the capital over the summer, the ministry said.",
        published="2016-08-12",
    )
    texts = {e.date: e.text for e in facts.timeline if e.precision == "day"}
    assert texts["2016-08-07"].startswith("The deal")
    assert texts["2016-08-10"].startswith("The deal")  # not "Formally announced on …"
    assert texts["2016-08-09"].startswith("The report")  # not "Released on Tuesday"


def _doc(text: str, published: str) -> Document:
    return Document(text=text, title=text[:20], publisher="Daily", published=published)


def _entry(doc: Document, sentence: str, day: str | None, precision: str = "day") -> TimelineEntry:
    return TimelineEntry(
        date=day,
        precision=precision,  # type: ignore[arg-type]
        text=sentence.rstrip("."),
        evidence=[ev(doc, sentence)],
        sort_key=day or "9999-06-01",
    )


def test_the_days_most_documents_mention_are_kept_one_entry_each() -> None:
    quake = "The earthquake struck the city of Ica at dawn on Monday."
    rescue = "Rescuers pulled a boy from the rubble of a school in Ica on Tuesday."
    aside = "A minister visited a school fair in the capital on Wednesday."
    early = "The region had a smaller tremor in May."
    facts = []
    for k in range(3):  # three documents mention the quake's day
        d = _doc(f"{quake} {rescue} Report {k}.", f"2024-06-1{k + 1}")
        facts.append(
            DocFacts(
                document=ref(d),
                timeline=[
                    _entry(d, quake, "2024-06-10"),
                    *([_entry(d, rescue, "2024-06-11")] if k < 2 else []),
                ],
            )
        )
    d = _doc(f"{aside} {early} Outside, it began on 1 January.", "2024-06-13")
    facts.append(
        DocFacts(
            document=ref(d),
            timeline=[
                _entry(d, aside, "2024-06-12"),
                _entry(d, "it began on 1 January.", "2024-01-01"),  # outside the period
                TimelineEntry(text="An undated report", evidence=[ev(d, aside)], sort_key=""),
            ],
        )
    )
    sources = Sources(published={f.document.id: f.document.published for f in facts})
    period = Period(start="2024-06-01", end="2024-06-30")
    shown = merge_timeline(facts, limit=2, sources=sources, period=period)
    assert [e.date for e in shown] == ["2024-06-10", "2024-06-11"]
    assert len(shown[0].documents) == 3
    # Uncapped by the caller's cap, but never outside the period nor undated.
    every = merge_timeline(facts, limit=10, sources=sources, period=period)
    assert [e.date for e in every] == ["2024-06-10", "2024-06-11", "2024-06-12"]


def test_the_brief_timeline_is_capped_by_days() -> None:
    from datetime import datetime, timezone

    from briefgen.fuse import fuse

    d = _doc("The quake hit on Monday. Aid came on Tuesday.", "2024-06-12")
    facts = [
        DocFacts(
            document=ref(d),
            timeline=[
                _entry(d, "The quake hit on Monday.", "2024-06-10"),
                _entry(d, "Aid came on Tuesday.", "2024-06-11"),
            ],
        )
    ]
    brief = fuse(
        facts,
        FuseOptions(sections=Sections(timeline=1)),
        datetime(2024, 6, 20, tzinfo=timezone.utc),
    )
    assert len(brief.timeline) == 1 and len(brief.appendix.timeline) == 1


def test_page_furniture_is_no_entry_text() -> None:
    from briefgen.fuse.timeline import entry_text

    # A caption run into its page's stamp and navigation: no report left.
    assert entry_text("Page last updated at 11:14 GMT, Thursday, 3 February 2011 Help") is None
    assert entry_text("Posted by: reader42 | June 14, 2010 9:28 PM | Report abuse") is None
    assert entry_text("WASHINGTON | Wed Aug 4, 2010 11:17 am EDT WASHINGTON (Reuters) -") is None
    assert entry_text("Sunday 26 April 2009 11.25 BST") is None
    # The frame taken off a report: dateline and stamp before it, stamp after it.
    assert (
        entry_text(
            "LONDON | Tue Apr 28, 2009 9:03 pm BST LONDON (Reuters) - Ministers met doctors today"
        )
        == "Ministers met doctors today"
    )
    assert (
        entry_text("Wednesday 5 May 2010 19.52 BST Oil sheen remains in the sound")
        == "Oil sheen remains in the sound"
    )
    assert (
        entry_text("Divers sealed the leaking well on Thursday Friday 28 May 2010 10.27 BST")
        == "Divers sealed the leaking well on Thursday"
    )
    # A plain report is kept as written, short ones too.
    assert entry_text("Kim met Putin") == "Kim met Putin"


def test_a_day_other_days_keep_citing_beats_a_day_dating_its_own_news() -> None:
    """Two papers of 20 June date their own small news that day (four mentions and
    publications in all); papers of three other days cite 2 June (the spill): 2 June is
    the event day."""
    spill = "The rig exploded and sank on 2 June."
    facts = []
    for k in range(2):
        d = _doc(f"Council news {k}: the council met on 20 June.", "2024-06-20")
        facts.append(
            DocFacts(
                document=ref(d),
                timeline=[
                    _entry(d, f"Council news {k}: the council met on 20 June.", "2024-06-20")
                ],
            )
        )
    for day in ("2024-06-05", "2024-06-12", "2024-06-26"):
        d = _doc(f"Oil reached the coast by {day}. {spill}", day)
        facts.append(DocFacts(document=ref(d), timeline=[_entry(d, spill, "2024-06-02")]))
    sources = Sources(published={f.document.id: f.document.published for f in facts})
    period = Period(start="2024-06-01", end="2024-06-30")
    shown = merge_timeline(facts, limit=1, sources=sources, period=period)
    assert [e.date for e in shown] == ["2024-06-02"]


def test_a_year_before_the_period_is_background_not_timeline() -> None:
    d = _doc("Putin visited Pyongyang in 2000. Kim met Putin on 13 September.", "2023-09-14")
    facts = [
        DocFacts(
            document=ref(d),
            timeline=[
                _entry(d, "Putin visited Pyongyang in 2000.", "2000-01-01", "year"),
                _entry(d, "Kim met Putin on 13 September.", "2023-09-13"),
                _entry(d, "Kim met Putin on 13 September.", "2023-09-01", "month"),
            ],
        )
    ]
    period = Period(start="2023-09-01", end="2023-09-30")
    shown = merge_timeline(facts, limit=5, period=period)
    assert [(e.date, e.precision) for e in shown] == [
        ("2023-09-01", "month"),
        ("2023-09-13", "day"),
    ]


def test_an_off_topic_document_weighs_little() -> None:
    from briefgen.fuse.stories import topicality

    trial = "The doctor's trial heard the paramedic testify about the singer's death in court."
    facts = [
        DocFacts(document=ref(_doc(f"{trial} Day {k}.", f"2011-10-0{k}"))) for k in range(1, 6)
    ]
    radio = DocFacts(
        document=ref(_doc("Radio schedule: the gardening programme airs on Monday.", "2011-10-03"))
    )
    weights = topicality([*facts, radio])
    assert weights[radio.document.id] < 0.5
    assert all(weights[f.document.id] == 1.0 for f in facts)


def test_a_clause_cut_from_its_subject_reads_as_its_sentence() -> None:
    from briefgen.fuse.timeline import as_written

    d = _doc("He said 160 passengers arriving from Mexico yesterday were screened.", "2009-04-25")
    cut = _entry(
        d, "He said 160 passengers arriving from Mexico yesterday were screened.", "2009-04-24"
    )
    cut = cut.model_copy(update={"text": "Arriving from Mexico yesterday"})
    assert as_written(cut) == "He said 160 passengers arriving from Mexico yesterday were screened"
    d = _doc("The WHO has brought forward its meeting to today.", "2009-04-29")
    bare = _entry(d, "The WHO has brought forward its meeting to today.", "2009-04-29")
    bare = bare.model_copy(update={"text": "Has brought forward its meeting to today"})
    assert as_written(bare) == "The WHO has brought forward its meeting to today"
    whole = _entry(d, "The WHO has brought forward its meeting to today.", "2009-04-29")
    assert as_written(whole) == whole.text  # a whole clause stays as it is


def test_a_captions_closing_page_date_is_taken_off() -> None:
    from briefgen.fuse.timeline import entry_text

    caption = "Crew member in hospital after a flight from Mexico Saturday 25 April 2009"
    assert entry_text(caption) == "Crew member in hospital after a flight from Mexico"
    # A date the report gives stays.
    assert entry_text("The crew flew out on 20 April 2009") == "The crew flew out on 20 April 2009"


def test_a_heavily_covered_day_carries_a_second_event() -> None:
    quake = "The earthquake struck the city of Ica at dawn on Monday."
    dam = "Floodwater burst a dam upstream of Pisco on Monday."
    again = "Ica shook again on Monday as the earthquake struck at dawn."
    facts = []
    for k in range(3):
        d = _doc(f"{quake} {dam} {again} Report {k}.", f"2024-06-1{k + 1}")
        entries = [_entry(d, quake, "2024-06-10"), _entry(d, again, "2024-06-10")]
        if k < 2:  # two independent documents date the dam's burst that day
            entries.append(_entry(d, dam, "2024-06-10"))
        facts.append(DocFacts(document=ref(d), timeline=entries))
    sources = Sources(published={f.document.id: f.document.published for f in facts})
    period = Period(start="2024-06-01", end="2024-06-30")
    shown = merge_timeline(facts, limit=1, sources=sources, period=period)
    # One day, two events: the quake and the dam, not the quake's second wording.
    assert sorted(e.text for e in shown) == sorted([quake.rstrip("."), dam.rstrip(".")])
    # A second event dated by one document only is not enough.
    lone = [f.model_copy(update={"timeline": f.timeline[:2]}) for f in facts]
    lone[0] = facts[0]
    assert len(merge_timeline(lone, limit=1, sources=sources, period=period)) == 1


def test_a_publication_day_no_entry_dates_is_told_by_its_documents_lead() -> None:
    from briefgen.model import KeyDevelopment

    told = "Rescuers reached the flooded valley of Pisco by boat."
    facts = []
    for k, day in enumerate(("2024-06-12", "2024-06-12", "2024-06-14")):
        d = _doc(f"{told} Report {k}.", day)
        facts.append(
            DocFacts(
                document=ref(d),
                key_developments=[
                    KeyDevelopment(id=f"kd{k}", summary=told, what=told, evidence=[ev(d, told)])
                ],
                timeline=[_entry(d, f"Report {k}.", "2024-06-14")] if k == 2 else [],
            )
        )
    sources = Sources(published={f.document.id: f.document.published for f in facts})
    period = Period(start="2024-06-01", end="2024-06-30")
    shown = merge_timeline(facts, limit=5, sources=sources, period=period)
    assert ("2024-06-12", told.rstrip(".")) in [(e.date, e.text) for e in shown]
    # A one-article brief's timeline is what the article dates.
    assert merge_timeline(facts[:1], limit=5, sources=sources, period=period) == []


def test_the_next_day_counts_from_the_day_a_sentence_before_wrote(facts_of: Any) -> None:
    facts = facts_of(
        "Jackson rehearsed at the Staples Center on 24 June 2009. "
        "The next day, shortly after noon, he was found unconscious at his home. "
        "The trial of his doctor opened on Tuesday.",
        published="2011-09-28",
    )
    dated = {e.date: e.text for e in facts.timeline if e.precision == "day"}
    assert "2009-06-25" in dated  # the day after 24 June 2009
    assert "2011-09-29" not in dated  # not the day after the report
    assert "2011-09-27" in dated


def test_a_planned_event_takes_the_coming_weekday(facts_of: Any) -> None:
    # Written on Monday 19 July 2010: the plans are for Tuesday the 20th, the
    # resignation was on Tuesday the 13th.
    planned = (
        "The prime minister is to meet the president in Washington on Tuesday.",
        "The company is due to report its results on Tuesday.",
        "The bank's results due on Tuesday are expected to show a loss.",
        "The senators plan to vote on the bill on Tuesday.",
    )
    for text in planned:
        dated = {e.date for e in facts_of(text, published="2010-07-19").timeline}
        assert dated == {"2010-07-20"}, text
    for text in (
        "The minister resigned on Tuesday after the vote.",
        "He could have died on Tuesday, the coroner said.",
    ):
        past = facts_of(text, published="2010-07-19")
        assert {e.date for e in past.timeline} == {"2010-07-13"}, text


def test_a_month_day_takes_its_year_from_the_verbs_tense(facts_of: Any) -> None:
    cases = [
        # written in July: a past verb → this June; a coming event → this October
        ("Jackson died at his home on 25 June.", "2011-07-26", "2011-06-25"),
        ("The concert takes place in Cardiff on 8 October.", "2011-07-26", "2011-10-08"),
        (
            "The 8 October gig in Cardiff was announced by its producers.",
            "2011-07-26",
            "2011-10-08",
        ),
        # written in January: a past verb is last April's, a future one this April's
        (
            "An explosion ruptured the well on April 20, killing 11 workers.",
            "2011-01-11",
            "2010-04-20",
        ),
        ("The inquiry will report to Congress on April 20.", "2011-01-11", "2011-04-20"),
    ]
    for text, published, day in cases:
        dated = {e.date for e in facts_of(text, published=published).timeline}
        assert day in dated, (text, dated)


def test_a_present_perfect_gives_its_date_no_past(facts_of: Any) -> None:
    facts = facts_of(
        "Katherine Jackson has announced a tribute concert for Cardiff on 8 October.",
        published="2011-07-26",
    )
    assert "2011-10-08" in {e.date for e in facts.timeline}
