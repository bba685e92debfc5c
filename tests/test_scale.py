"""Corpus-scale rendering and extraction: the capped Sources table, and extraction in a
worker process beside the parser giving the same facts as extraction in the main one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from briefgen.model import Brief, DocumentRef, Evidence
from briefgen.render import render
from briefgen.render.context import SOURCES_SHOWN, shown_sources

FIXTURE = Path(__file__).parent / "fixtures" / "brief.json"


def _brief_with_documents(count: int) -> Brief:
    brief = Brief.from_json(FIXTURE.read_text(encoding="utf-8"))
    extra = [
        DocumentRef(
            id=f"x{i:04d}",
            title=f"Filler story {i}",
            sha256=f"{i:064x}",
            developments=1 if i == 7 else 0,
        )
        for i in range(count)
    ]
    return brief.model_copy(update={"documents": [*brief.documents, *extra]})


def test_small_corpora_list_every_source() -> None:
    brief = Brief.from_json(FIXTURE.read_text(encoding="utf-8"))
    assert shown_sources(brief) == list(brief.documents)


def test_large_corpora_list_cited_and_supporting_sources() -> None:
    brief = _brief_with_documents(SOURCES_SHOWN + 60)
    cited = ["x0003", brief.documents[0].id]
    ids = [d.id for d in shown_sources(brief, cited)]
    assert set(cited) <= set(ids)  # every evidence reference keeps its source row
    assert "x0007" in ids  # supports a development
    assert "x0008" not in ids  # neither cited nor supporting anything
    assert ids == [d.id for d in brief.documents if d.id in set(ids)]  # the brief's order
    assert len(ids) <= SOURCES_SHOWN


def test_capped_sources_list_the_cited_documents_and_say_where_the_rest_are() -> None:
    brief = _brief_with_documents(SOURCES_SHOWN + 60)
    out = render(brief, ["md", "html"])
    for fmt in ("md", "html"):
        text = out[fmt].decode("utf-8")
        rows = (
            re.findall(r"^\| (D\d+) \|", text, re.M)
            if fmt == "md"
            else re.findall(r'<tr id="doc-[^"]+">\s*<td class="ref">(D\d+)</td>', text)
        )
        omitted = len(brief.documents) - len(rows)
        assert 0 < len(rows) < len(brief.documents)
        assert f"The other {omitted} are listed in the JSON brief." in text
        assert "Filler story 8" not in text and "Filler story 7" in text
        cited = (
            set(re.findall(r">(D\d+)</a>, characters", text))
            if fmt == "html"
            else set(re.findall(r"— .*?\((D\d+)\)", text.split("## Evidence", 1)[1]))
        )
        assert cited and cited <= set(rows)  # the evidence appendix never names a missing row


@pytest.mark.model
def test_overlapped_extraction_gives_the_same_facts(nlp: Any) -> None:
    from briefgen.extract import extract
    from briefgen.facts import extract_documents
    from briefgen.model import Document
    from briefgen.nlp.workers import OVERLAP_MIN_DOCS, can_overlap, map_overlapped

    if not can_overlap(OVERLAP_MIN_DOCS):
        pytest.skip("needs two cores and the fork start method")
    texts = [
        "Kim Jong-un will travel to Vladivostok next week, officials said.",
        "Russian Defense Minister Sergei Shoigu proposed joint naval drills on Tuesday.",
        '"We are watching closely," John Kirby told reporters in Washington.',
        "The ministry did not confirm the report. Talks may resume in July.",
    ] * 3
    documents = [Document(text=f"{t} ({i})", title=f"Story {i}") for i, t in enumerate(texts)]
    here = [f.model_dump_json() for f in extract_documents(nlp, documents)]
    there = [f.model_dump_json() for f in map_overlapped(nlp, documents, extract)]
    assert there == here
    assert len(there) == len(documents)


@pytest.mark.model
def test_overlapped_extraction_reports_a_worker_failure(nlp: Any) -> None:
    from briefgen.model import Document
    from briefgen.nlp import workers

    if not workers.can_overlap(workers.OVERLAP_MIN_DOCS):
        pytest.skip("needs two cores and the fork start method")

    def broken(*args: Any) -> Any:
        raise ValueError("boom")

    documents = [
        Document(text=f"Talks resumed in Geneva on day {i}.", title="t")
        for i in range(workers.OVERLAP_MIN_DOCS)
    ]
    with pytest.raises(RuntimeError, match="extraction failed in the worker: ValueError: boom"):
        list(workers.map_overlapped(nlp, documents, broken))


def test_citations_are_capped_per_item_with_a_count() -> None:
    brief = Brief.from_json(FIXTURE.read_text(encoding="utf-8"))
    dev = brief.key_developments[0]
    doc = dev.evidence[0].doc
    many = [Evidence(doc=doc, start=i, end=i + 1, text="x") for i in range(7)]
    brief = brief.model_copy(
        update={
            "key_developments": [
                dev.model_copy(update={"evidence": many}),
                *brief.key_developments[1:],
            ]
        }
    )
    out = render(brief, ["md", "html"])
    md, html = out["md"].decode(), out["html"].decode()
    heading = next(line for line in md.splitlines() if line.startswith("### 1. "))
    assert re.search(r" \[\d+\]\[\d+\]\[\d+\] \+4$", heading), heading
    assert '<span class="more" title="4 more in the JSON brief">+4</span>' in html
    assert html.count('id="ev-') == len(set(re_refs(html)))  # only cited spans listed


def re_refs(html: str) -> list[str]:
    import re

    return re.findall(r'href="#ev-(\d+)"', html)


def test_brief_json_with_a_spliced_appendix_is_the_same_bytes() -> None:
    from briefgen.model import Appendix, appendix_json, brief_json

    brief = Brief.from_json(FIXTURE.read_text(encoding="utf-8"))
    full = brief.model_copy(
        update={
            "appendix": Appendix(
                key_developments=brief.key_developments[:1],
                actors=brief.actors[:2],
                timeline=brief.timeline[:1],
            )
        }
    )
    fragment = appendix_json(full.appendix)
    assert brief_json(full.model_copy(update={"appendix": Appendix()}), fragment) == full.to_json()
    assert brief_json(brief, appendix_json(Appendix())) == brief.to_json()


@pytest.mark.model
def test_overlapped_extraction_fills_the_cache(tmp_path: Path, nlp: Any) -> None:
    from briefgen.config import parse_config
    from briefgen.facts import collect_facts
    from briefgen.model import Document
    from briefgen.nlp.workers import OVERLAP_MIN_DOCS, can_overlap

    if not can_overlap(OVERLAP_MIN_DOCS):
        pytest.skip("needs two cores and the fork start method")
    config = parse_config({"sources": [{"path": "x"}], "cache": {"dir": "c"}}, tmp_path)
    documents = [
        Document(text=f"Officials met in Geneva on day {i}, a spokesman said.", title=f"Day {i}")
        for i in range(OVERLAP_MIN_DOCS + 2)
    ]
    timings: dict[str, float] = {}
    first = collect_facts(config, documents, timings=timings)
    assert "model" in timings  # parsed
    entries = list((tmp_path / "c").rglob("*.json"))
    assert len(entries) == len(documents)  # written by the worker process
    timings = {}
    again = collect_facts(config, documents, timings=timings)
    assert "model" not in timings  # every document from the cache
    assert [f.model_dump_json() for f in again] == [f.model_dump_json() for f in first]


CAPPED_A = """---
title: Dam talks resume
publisher: Wire Service
published: 2024-03-18
---
Officials from Egypt and Ethiopia resumed talks on the Nile dam in Cairo on Monday, the
foreign ministry said. Sudan sent its water minister, Yasir Abbas, to the talks.
Ethiopia began filling the reservoir in July 2020, Prime Minister Abiy Ahmed said.
"""
CAPPED_B = """---
title: Dam talks end
publisher: The Daily
published: 2024-04-02
---
The talks on the Nile dam ended in Addis Ababa on Tuesday without an agreement, officials
said. Egyptian President Abdel Fattah el-Sisi warned in March 2021 that all options were open.
"""


@pytest.mark.model
def test_section_caps_from_the_config_send_the_rest_to_the_appendix(
    make_project: Any, invoke: Any, tmp_path: Path
) -> None:
    caps = "sections:\n  actors: 2\n  timeline: 1\n  key_developments: 1\n"
    config = make_project({"a.md": CAPPED_A, "b.md": CAPPED_B}, extra_config=caps)
    result = invoke(["build", "--config", str(config), "--format", "json,md"])
    assert result.exit_code == 0, result.stderr
    brief = Brief.from_json((tmp_path / "out" / "brief.json").read_text(encoding="utf-8"))
    assert (len(brief.actors), len(brief.timeline), len(brief.key_developments)) == (2, 1, 1)
    assert brief.appendix.actors and brief.appendix.timeline  # the rest, not lost
    wider = config.read_text(encoding="utf-8").replace("actors: 2", "actors: 50")
    config.write_text(wider, encoding="utf-8")
    again = invoke(["build", "--config", str(config), "--format", "json"])
    assert "fused brief cached" not in again.stderr  # other caps: fused again
    brief = Brief.from_json((tmp_path / "out" / "brief.json").read_text(encoding="utf-8"))
    assert len(brief.actors) > 2 and not brief.appendix.actors
