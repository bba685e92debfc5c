"""Wire copy: datelines parsed at ingest, the language check, and what extraction makes of
a wire story (no dateline in any text, never a speaker or a who; direct quotes only
inside quotation marks; real events first; likelihoods only from the source's words)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from briefgen.extract import ExtractOptions, extract
from briefgen.extract.statements import quoted_at
from briefgen.ingest import SkippedInput, read_file
from briefgen.ingest.dateline import find_dateline, place_name, resolve_date, with_dateline
from briefgen.ingest.language import check_language, detect_language
from briefgen.model import Dateline, DocFacts, Document, DocumentRef

# --------------------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    ("text", "printed", "place", "date", "agency"),
    [
        (
            "COCOA REVIEW\n\nSALVADOR, Feb 26 - Showers continued throughout the week.",
            "SALVADOR, Feb 26",
            "Salvador",
            "1987-02-26",
            None,
        ),
        (
            "Ship hit\n\nBEIRUT (AP) — A missile struck a cargo ship on Tuesday.",
            "BEIRUT (AP)",
            "Beirut",
            None,
            "AP",
        ),
        (
            "Terminal maker sold\n\nCOMMACK, N.Y., Feb 26 (Reuters) - Computer Terminal "
            "Systems Inc said it sold its unit.",
            "COMMACK, N.Y., Feb 26 (Reuters)",
            "Commack, N.Y.",
            "1987-02-26",
            "Reuters",
        ),
        (
            "Oil falls\n\nLONDON, 26 February (Reuters) – Oil prices fell on Thursday.",
            "LONDON, 26 February (Reuters)",
            "London",
            "1987-02-26",
            "Reuters",
        ),
        (
            "Port reopens\n\nST. LOUIS, March 2 -- The port reopened after the flood.",
            "ST. LOUIS, March 2",
            "St. Louis",
            "1987-03-02",
            None,
        ),
    ],
)
def test_every_dateline_form_is_parsed(
    text: str, printed: str, place: str, date: str | None, agency: str | None
) -> None:
    title = text.split("\n", 1)[0]
    found = find_dateline(text, "1987-03-02", title)
    assert found is not None
    assert (found.text, found.place, found.date, found.agency) == (printed, place, date, agency)
    assert text[found.start : found.end].startswith(printed)
    assert text[found.end :][:1].isalpha()  # extraction reads from the first word


def test_byline_and_updated_lines_above_the_dateline_are_part_of_it() -> None:
    text = (
        "Houthis hit a bulk carrier\n\nBy Jane Doe and John Roe\n"
        "Last updated: 12 March 2024 10:00 GMT\n\n"
        "DUBAI, March 12 (Reuters) - Yemen's Houthis struck a ship."
    )
    found = find_dateline(text, "2024-03-12", "Houthis hit a bulk carrier")
    assert found is not None
    assert found.text == "DUBAI, March 12 (Reuters)"
    assert found.byline is not None and found.byline.startswith("By Jane Doe")
    assert text[found.start :].startswith("By Jane Doe")
    assert text[found.end :].startswith("Yemen's Houthis")


@pytest.mark.parametrize(
    "text",
    [
        "Smith - the man who sold the world - died on Monday.",
        "The minister, Feb 26 - no.",
        "Talks resume\n\nNegotiators met in Geneva on Monday.\n\nLONDON, Feb 26 - Late.",
    ],
)
def test_no_dateline_is_invented(text: str) -> None:
    assert find_dateline(text, "2024-02-27", text.split("\n", 1)[0]) is None


def test_the_dateline_date_resolves_against_the_publication_date() -> None:
    assert resolve_date(12, 30, "2024-01-02") == "2023-12-30"  # across the new year
    assert resolve_date(2, 26, None) is None
    assert place_name("LOS ANGELES") == "Los Angeles"
    assert place_name("Toronto") == "Toronto"


def test_the_sign_off_is_left_out_of_what_is_parsed() -> None:
    text = "Grain exports\n\nCHICAGO, Feb 26 - Exports rose.\n\nReuter\n"
    doc = with_dateline(Document(text=text, title="Grain exports"))
    assert doc.dateline is not None and doc.dateline.tail is not None
    parsed = doc.parse_text()
    assert len(parsed) == len(text)  # offsets still index the ingested text
    assert "CHICAGO" not in parsed and "Reuter" not in parsed
    assert parsed[doc.dateline.end :].startswith("Exports rose.")


def test_read_file_sets_the_dateline_and_the_json_carries_it(tmp_path: Path) -> None:
    path = tmp_path / "wire.txt"
    path.write_text("Oil falls\n\nLONDON, March 3 - Oil prices fell again on Tuesday.\n")
    doc = read_file(path)
    assert doc.dateline is not None and doc.dateline.place == "London"
    ref = DocumentRef(id=doc.id, title=doc.title, sha256=doc.sha256, dateline=doc.dateline)
    again = DocumentRef.model_validate_json(ref.model_dump_json())
    assert again.dateline == doc.dateline
    assert isinstance(again.dateline, Dateline)


# --------------------------------------------------------------------------- language

FRENCH = (
    "Un navire marchand a été attaqué mardi en mer Rouge au large du Yémen, selon les "
    "autorités portuaires. Les rebelles houthis ont revendiqué l'attaque, qui n'a pas fait "
    "de victimes, et les assureurs envisagent de relever leurs primes."
)


def test_a_french_paragraph_is_detected_and_skipped_with_its_language(tmp_path: Path) -> None:
    assert detect_language(FRENCH) == "fr"
    path = tmp_path / "navire.txt"
    path.write_text(FRENCH + "\n", encoding="utf-8")
    with pytest.raises(SkippedInput, match=r"in French \(fr\); briefgen reads English"):
        read_file(path)


def test_english_is_read_and_too_little_text_is_not_judged() -> None:
    doc = Document(
        text="A missile struck a ship off Yemen on Tuesday, officials said. " * 3, title=""
    )
    assert check_language(doc).language == "en"
    assert detect_language("Oil 26.5 dlrs") is None


# --------------------------------------------------------------------------- extraction


@pytest.fixture
def wire_facts(nlp: Any) -> Any:
    def run(text: str, published: str | None = "2024-03-12") -> tuple[DocFacts, Document]:
        title = text.split("\n", 1)[0]
        doc = with_dateline(Document(text=text, title=title, published=published))
        return extract(nlp(doc.parse_text()), doc, ExtractOptions()), doc

    return run


WIRE = (
    "SHIP HIT IN RED SEA\n\n"
    "LONDON, March 12 (Reuters) - Houthi rebels fired two missiles at the bulk carrier "
    "Aurora Star on Tuesday, the ship's manager Poseidon Bulk Management said.\n\n"
    '"The crew are safe and the vessel is sailing to Djibouti," the company said. '
    '"We are assessing the damage.\n\n'
    '"Nobody was hurt," it added.\n\n'
    "Profits may be below forecasts this year.\n\n"
    "Insurers are likely to raise war-risk premiums for ships in the Red Sea, brokers said.\n\n"
    "Reuter\n"
)


def test_the_dateline_is_in_no_text_never_a_speaker_nor_the_who(wire_facts: Any) -> None:
    facts, doc = wire_facts(WIRE)
    assert facts.document.dateline is not None
    assert facts.document.dateline.place == "London"
    texts = [
        *(d.summary for d in facts.key_developments),
        *(e.text for d in facts.key_developments for e in d.evidence),
        *(s.speaker.text for s in facts.statements),
        *(s.content.text for s in facts.statements),
        *(r.summary for r in facts.risks),
        *(t.text for t in facts.timeline),
    ]
    assert not any("LONDON" in t or "Reuter" in t for t in texts), texts
    first = facts.key_developments[0]
    assert first.who and first.who != ["United Kingdom"] and first.who != ["London"]
    assert "London" in first.where  # the lead names no place: where it was filed
    for st in facts.statements:
        assert doc.text[st.content.start : st.content.end] == st.content.text


def test_direct_only_inside_quotes_and_a_quote_continues_across_paragraphs(
    wire_facts: Any,
) -> None:
    facts, doc = wire_facts(WIRE)
    direct = [s for s in facts.statements if s.direct]
    assert direct
    for st in direct:
        assert quoted_at(doc.text, st.content.start + 1), st.content.text
    indirect = [s for s in facts.statements if "Houthi rebels fired" in s.content.text]
    assert indirect and not indirect[0].direct
    assert all(s.cue.text in ("said", "added") for s in facts.statements)


def test_quote_state_follows_journalists_continued_quotes() -> None:
    text = 'He said: "We will fight.\n\n"We will never surrender," he added. Then: no.'
    assert quoted_at(text, text.index("fight"))
    assert quoted_at(text, text.index("never"))
    assert not quoted_at(text, text.index("he added"))
    assert not quoted_at(text, text.index("Then"))


def test_hypotheticals_are_never_developments_and_become_risks(wire_facts: Any) -> None:
    facts, _ = wire_facts(WIRE)
    summaries = [d.summary for d in facts.key_developments]
    assert not any("may be below" in s or "likely to raise" in s for s in summaries), summaries
    risk = next(r for r in facts.risks if "premiums" in r.summary)
    assert risk.likelihood == "likely"


@pytest.mark.parametrize(
    "text",
    [
        "Profits may be below forecasts this year.",
        "The group would respond.",
        "The company plans to sell its shipping unit.",
        "The board is expected to approve the merger.",
        "A study could show that the certificates cost the government money.",
        "Officials said Friday.",
        "A 61-year-old man.",
    ],
)
def test_possibilities_intentions_and_fragments_are_no_development(
    facts_of: Any, text: str
) -> None:
    facts = facts_of(f"Attack in the Red Sea\n\n{text}", title="Attack in the Red Sea")
    assert facts.key_developments == [], [d.summary for d in facts.key_developments]


def test_a_real_event_comes_first_before_a_possibility(facts_of: Any) -> None:
    facts = facts_of(
        "The group could strike again next week. Rebels seized the port of Hodeidah on Monday."
    )
    assert facts.key_developments
    assert facts.key_developments[0].summary.startswith("Rebels seized")


def test_an_opening_participle_is_no_cue(facts_of: Any) -> None:
    facts = facts_of(
        "Labeling the plan a disaster, the senator walked out of the hearing. "
        "The envoy said the ceasefire was holding."
    )
    cues = [s.cue.text for s in facts.statements]
    assert "said" in cues
    assert "Labeling" not in cues, cues


def test_a_wire_headline_in_capitals_is_no_who(wire_facts: Any) -> None:
    facts, _ = wire_facts(
        "JANUARY HOUSING SALES DROP\n\nWASHINGTON, March 2 - Sales of previously owned homes "
        "dropped 14.5 pct in January, the National Association of Realtors said.\n"
    )
    first = facts.key_developments[0]
    assert not any(w.isupper() for w in first.who), first.who


def test_the_report_is_no_speaker(facts_of: Any) -> None:
    facts = facts_of(
        "The New York Times reported that Kim would travel by train. The same report "
        "indicated that Russia plans to obtain artillery shells from North Korea."
    )
    speakers = [s.speaker.text for s in facts.statements]
    assert "The New York Times" in speakers
    assert not any("report" in sp.lower() for sp in speakers), speakers
