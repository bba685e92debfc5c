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
