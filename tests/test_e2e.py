"""End to end: the repo's config.yaml and seeds/ built through the CLI (all four formats).

The acceptance checks on the seed brief are the product's requirements; a check that
fails because of a known library bug is marked ``xfail(strict=True)`` with the reason.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import FIXED_EPOCH, FIXED_GENERATED_AT, ICD203, copy_seed_project, run_cli

from briefgen.model import Actor, Brief, Statement, json_schema

pytestmark = [pytest.mark.slow, pytest.mark.model]

FORMATS = ("md", "html", "pdf", "json")
HEADINGS = (
    "KEY JUDGMENTS",
    "KEY DEVELOPMENTS",
    "ACTORS",
    "STATEMENTS",
    "RISKS",
    "OPEN QUESTIONS",
    "TIMELINE",
    "SOURCES",
)


class Built:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.out = root / "out"
        files = sorted(self.out.glob("brief-*.json"))
        assert len(files) == 1, files
        self.stem = files[0].stem
        self.brief = Brief.from_json(files[0].read_bytes())
        self.data = json.loads(files[0].read_text(encoding="utf-8"))
        self.seed_texts = {
            d.id: (root / str(d.path)).read_bytes().decode("utf-8") for d in self.brief.documents
        }

    def path(self, fmt: str) -> Path:
        return self.out / f"{self.stem}.{fmt}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("seed-project")
    config = copy_seed_project(root)
    result = run_cli(["build", "--config", str(config)], env={"SOURCE_DATE_EPOCH": FIXED_EPOCH})
    assert result.exit_code == 0, result.stderr
    return Built(root)


@pytest.fixture(scope="module")
def brief(built: Built) -> Brief:
    return built.brief


def actor(brief: Brief, name: str) -> Actor:
    found = [a for a in brief.actors if a.name == name]
    assert found, f"no actor {name!r} in {[a.name for a in brief.actors]}"
    return found[0]


def speaker(brief: Brief, st: Statement) -> str:
    by_id = {a.id: a.name for a in brief.actors}
    return by_id.get(st.speaker.actor_id or "") or st.speaker_name or st.speaker.text


def statements_by(brief: Brief, surname: str) -> list[Statement]:
    return [s for s in brief.statements if surname in speaker(brief, s)]


# --- the files


def test_the_four_files_exist(built: Built) -> None:
    for fmt in FORMATS:
        path = built.path(fmt)
        assert path.is_file() and path.stat().st_size > 1000, path
    briefs = [p for p in built.out.iterdir() if p.stem != "index"]  # not the archive index
    assert sorted(p.suffix for p in briefs) == [".html", ".json", ".md", ".pdf"]


def test_pdf_content(built: Built) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(built.path("pdf")))
    pages = [page.extract_text() or "" for page in reader.pages]
    assert len(pages) >= 2
    text = "\n".join(pages)
    flat = " ".join(text.split())
    assert built.brief.title in flat
    for page_no, page in enumerate(pages, 1):
        # the marking at the top and the bottom of every page
        assert page.count("UNCLASSIFIED") >= 2, f"page {page_no} lacks the marking"
    for heading in HEADINGS:
        assert heading in flat, heading
    assert "Kim Jong-un" in flat
    assert reader.metadata is not None and reader.metadata.title == built.brief.title
    # The appendix starts on a page of its own, Evidence right after the short Sources.
    sources = next(i for i, p in enumerate(pages) if "SOURCES" in p and "REF" in p)
    assert "EVIDENCE" in pages[sources] and "TIMELINE" not in pages[sources]


def test_json_validates_against_the_schema(built: Built) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in jsonschema.Draft202012Validator(json_schema()).iter_errors(built.data)
    ]
    assert not errors


def test_every_span_is_a_slice_of_the_seed(built: Built, assert_spans: Any) -> None:
    assert assert_spans(built.brief, built.seed_texts) > 50


def test_build_time_is_pinned(brief: Brief) -> None:
    assert brief.generated_at == FIXED_GENERATED_AT


def test_markdown_has_the_sections(built: Built) -> None:
    from markdown_it import MarkdownIt

    md = built.path("md").read_text(encoding="utf-8")
    tokens = MarkdownIt("js-default").parse(md)
    headings = [
        tokens[i + 1].content
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2"
    ]
    for heading in HEADINGS:
        assert heading.capitalize() in headings or heading.title() in headings, heading


# --- acceptance checks on the seed brief


PERSONS = [
    "Kim Jong-un",
    "Vladimir Putin",
    "Sergei Shoigu",
    "Linda Thomas-Greenfield",
    "John Kirby",
    "Alexander Matsegora",
    "Dmitry Peskov",
    "Denny Tamaki",
    "Joe Biden",
]


@pytest.mark.parametrize("name", PERSONS)
def test_persons(brief: Brief, name: str) -> None:
    assert actor(brief, name).type == "person"


def test_shoigu_is_defense_minister(brief: Brief) -> None:
    role = actor(brief, "Sergei Shoigu").role or ""
    assert "Defense Minister" in role


def test_no_junk_actors(brief: Brief) -> None:
    every = brief.actors + brief.appendix.actors  # the shown ones and the rest
    names = [a.name.lower() for a in every]
    assert "hitherto" not in names
    assert not any("hitherto" in n for n in names)
    assert not [a for a in every if a.type == "person" and "Okinawa" in a.name]


@pytest.mark.parametrize("name", ["Russia", "North Korea"])
def test_states(brief: Brief, name: str) -> None:
    assert actor(brief, name).type == "state"


def test_kremlin_and_kcna_are_organisations(brief: Brief) -> None:
    every = brief.actors + brief.appendix.actors  # minor actors may be past the section's cap
    assert [a.type for a in every if a.name == "Kremlin"] == ["organization"]
    kcna = [a for a in every if a.name == "KCNA" or "KCNA" in a.aliases]
    assert len(kcna) == 1
    assert kcna[0].type == "organization"


def test_main_development_is_a_kim_putin_event_and_the_planned_meeting_is_outlook(
    brief: Brief,
) -> None:
    kd = brief.key_developments[0]
    mentions = kd.summary + " " + " ".join(kd.who)
    assert "Kim" in mentions and "Putin" in mentions
    # "Kim intends to make a rare trip …", "it is poised to take place …": an intention
    # and a forecast, so the planned meeting is an open question, never a development.
    assert not any(
        "intends to" in d.summary or "poised to" in d.summary for d in brief.key_developments
    )
    questions = " ".join(
        q.question for q in [*brief.open_questions, *brief.appendix.open_questions]
    )
    assert "meeting between Kim Jong-un and Vladimir Putin" in questions
    assert "Vladivostok" in questions


def test_thomas_greenfield_shameful(brief: Brief) -> None:
    found = statements_by(brief, "Thomas-Greenfield")
    assert any("shameful" in s.content.text for s in found)


def test_kirby_actively_advancing(brief: Brief) -> None:
    found = statements_by(brief, "Kirby")
    assert any("actively advancing" in s.content.text for s in found)


def test_shoigu_about_drills(brief: Brief) -> None:
    found = statements_by(brief, "Shoigu")
    assert any("drills" in s.content.text for s in found)


def test_security_council_risk(brief: Brief) -> None:
    risks = [r for r in brief.risks if r.category == "sanctions or legal breach"]
    assert any("Security Council" in r.summary for r in risks)


def test_risk_likelihoods_are_icd203_or_not_stated(brief: Brief) -> None:
    # The sample's risks are "would"/"could" claims: no ICD 203 term is invented for them.
    assert brief.risks
    assert all(r.likelihood in ICD203 or (r.likelihood is None and r.basis) for r in brief.risks)


def test_open_questions(brief: Brief) -> None:
    questions = [q.question for q in brief.open_questions]
    assert questions
    assert all(q.endswith("?") for q in questions)
    assert any(re.search(r"\b(meeting|summit|visit)\b.*\btake place\b", q) for q in questions)


def test_timeline_is_sorted(brief: Brief) -> None:
    assert brief.timeline
    keys = [e.sort_key for e in brief.timeline]
    assert keys == sorted(keys)
    dated = [e.date for e in brief.timeline if e.date]
    assert dated == sorted(dated)


def test_bluf(brief: Brief) -> None:
    assert 1 <= len(brief.bluf) <= 3
    assert "Kim" in brief.bluf[0] and "Putin" in brief.bluf[0]


# --- a failed run keeps the last good brief


def test_failed_run_leaves_the_last_good_brief_intact(built: Built, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(built.root, root)
    before = {p.name: p.read_bytes() for p in (root / "out").iterdir()}
    assert len(before) == 6  # the four formats and the archive's index.html / index.json
    templates = root / "broken-templates"
    templates.mkdir()
    # md renders fine; html then fails: nothing may be written at all
    (templates / "brief.html.j2").write_text("{% if %}broken{% endif %}\n", encoding="utf-8")
    config = root / "config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\ntemplates: broken-templates\n", encoding="utf-8"
    )
    result = run_cli(["build", "--config", str(config)], env={"SOURCE_DATE_EPOCH": FIXED_EPOCH})
    assert result.exit_code == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "brief.html.j2" in errors[0]
    assert "Traceback" not in result.stderr
    after = {p.name: p.read_bytes() for p in (root / "out").iterdir()}
    assert after.keys() == before.keys()  # no temp files left behind
    for name, data in before.items():
        assert after[name] == data, f"{name} changed"
