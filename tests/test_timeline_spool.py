"""The timeline's fusion in bounded memory (issue 17): a lazy pile (facts read back from a
spool) gives the timeline a list gives, the rest is read back from a spool in date order,
and :func:`timelines` gives each story's own timeline as :func:`story_timelines` does
over every entry held at once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from conftest import ev, ref

from briefgen.fuse.developments import Sources
from briefgen.fuse.sources import evidence_key
from briefgen.fuse.timeline import rank_timeline, story_timelines, timelines
from briefgen.model import DocFacts, Document, KeyDevelopment, Period, TimelineEntry
from briefgen.store.spool import Spool

QUAKE = "The earthquake struck the city of Ica at dawn on Monday."
QUAKE_AGAIN = "The earthquake struck the city of Ica at dawn on Monday, officials said."
DAM = "Floodwater burst a dam upstream of Pisco on Monday."
RESCUE = "Rescuers pulled a boy from the rubble of a school in Ica on Tuesday."
CAPTION = "A rescuer is seen in the rubble of the school in Ica on Tuesday."
AID = "The first aid flights landed at the airport of Lima on Wednesday."
BOATS = "Rescuers reached the flooded valley of Pisco by boat."
OLD = "The region had a smaller tremor in May 2023."


def _entry(doc: Document, sentence: str, day: str | None, precision: str = "day") -> TimelineEntry:
    return TimelineEntry(
        date=day,
        precision=precision,  # type: ignore[arg-type]
        text=sentence.rstrip("."),
        evidence=[ev(doc, sentence)],
        sort_key=day or "",
    )


def _pile() -> list[DocFacts]:
    """Six reports of a quake: days dated by several documents, a day's second event, a
    caption, a wording to merge, an entry outside the period, an undated one, and a
    publication day no entry dates (told by its documents' lead)."""
    plan: list[tuple[str, list[tuple[str, str | None]]]] = [
        ("2024-06-10", [(QUAKE, "2024-06-10"), (DAM, "2024-06-10")]),
        ("2024-06-11", [(QUAKE_AGAIN, "2024-06-10"), (RESCUE, "2024-06-11"), (OLD, "2023-05-01")]),
        ("2024-06-11", [(CAPTION, "2024-06-11"), (DAM, "2024-06-10"), (QUAKE, "2024-06-10")]),
        ("2024-06-12", [(AID, "2024-06-12"), (RESCUE, "2024-06-11"), (CAPTION, None)]),
        ("2024-06-14", []),
        ("2024-06-14", [(AID, "2024-06-12")]),
    ]
    facts = []
    for k, (published, dated) in enumerate(plan):
        sentences = list(dict.fromkeys([s for s, _ in dated] + [BOATS]))
        d = Document(
            text=" ".join(sentences) + f" Report {k}.",
            title=f"Report {k}",
            publisher=f"Paper {k % 4}",
            published=published,
        )
        lead = KeyDevelopment(id=f"kd{k}", summary=BOATS, what=BOATS, evidence=[ev(d, BOATS)])
        timeline = [
            _entry(d, s, day, "day" if day != "2023-05-01" else "month") for s, day in dated
        ]
        facts.append(DocFacts(document=ref(d), key_developments=[lead], timeline=timeline))
    return facts


def _sources(facts: Sequence[DocFacts]) -> Sources:
    return Sources(
        published={f.document.id: f.document.published for f in facts},
        publisher={f.document.id: f.document.publisher for f in facts},
        original={facts[2].document.id: facts[1].document.id},  # a wire copy
    )


PERIOD = Period(start="2024-06-01", end="2024-06-30")


def _dumps(entries: Sequence[TimelineEntry]) -> list[str]:
    return [e.model_dump_json() for e in entries]


def test_a_lazy_pile_gives_the_timeline_a_list_gives() -> None:
    facts = _pile()
    sources = _sources(facts)
    cited = {evidence_key(facts[0].timeline[1].evidence[0])}  # the dam: the brief reports it
    topical = {facts[3].document.id: 0.2}
    with Spool(DocFacts) as lazy:
        for f in facts:
            lazy.append(f)
        for limit in (1, 2, 10):
            shown, rest = rank_timeline(facts, limit, sources, PERIOD, cited, topical)
            lazy_shown, lazy_rest = rank_timeline(lazy, limit, sources, PERIOD, cited, topical)
            assert _dumps(lazy_shown) == _dumps(shown)
            assert _dumps(lazy_rest) == _dumps(rest)
    shown, rest = rank_timeline(facts, 3, sources, PERIOD, cited, topical)
    # three days shown: Monday with its second event, Tuesday, and a publication day no
    # entry dates, told by its documents' lead; the rest in date order, undated last
    assert [(e.date, e.text) for e in shown] == [
        ("2024-06-10", DAM.rstrip(".")),
        ("2024-06-10", QUAKE.rstrip(".")),
        ("2024-06-11", RESCUE.rstrip(".")),
        ("2024-06-14", BOATS.rstrip(".")),
    ]
    assert [e.date for e in rest] == ["2023-05-01", "2024-06-11", "2024-06-12", None]
    # the rest is read back item by item, as a sequence
    assert len(rest) == 4
    assert rest[-1].date is None and rest[-1] == list(rest)[-1]
    assert _dumps(rest[1:3]) == _dumps(list(rest)[1:3])


def test_duplicates_merge_within_their_day_and_keep_the_piles_order() -> None:
    facts = _pile()
    every, rest = rank_timeline(facts, None, _sources(facts), PERIOD, None)
    assert len(rest) == 0
    monday = [e for e in every if e.date == "2024-06-10"]
    # "officials said" rewords the quake (merged); the dam is another event of the day
    assert [e.text for e in monday] == [QUAKE.rstrip("."), DAM.rstrip(".")]
    ids = [f.document.id for f in facts]
    assert monday[0].documents == [ids[0], ids[1], ids[2]]  # in the pile's order
    assert monday[1].documents == [ids[0], ids[2]]
    assert [e.text for e in every if e.date == "2024-06-11"] == [
        RESCUE.rstrip("."),
        CAPTION.rstrip("."),
    ]


def test_timelines_give_each_storys_timeline_over_every_entry(tmp_path: Path) -> None:
    facts = _pile()
    sources = _sources(facts)
    ids = [f.document.id for f in facts]
    stories = [ids[:3], ids[1:4], [ids[2], ids[3]], ids[3:], ids, [], ["not-a-document"]]
    for limit in (1, 3, None):
        shown, rest, own = timelines(
            facts, limit, sources, PERIOD, None, None, stories, 2, folder=tmp_path
        )
        every = sorted([*shown, *rest], key=lambda e: -len(e.documents))
        expected = story_timelines(every, stories, PERIOD, 2)
        assert [_dumps(x) for x in own] == [_dumps(x) for x in expected]
    # a report tells a day before a caption printed by as many documents
    assert [e.text for e in own[4] if e.date == "2024-06-11"] == [RESCUE.rstrip(".")]
    assert own[5] == [] and own[6] == []
