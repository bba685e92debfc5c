"""briefgen.model: the Brief JSON contract (v1), its round-trip and its JSON Schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ev
from pydantic import ValidationError

from briefgen.model import (
    LIKELIHOOD_SCALE,
    SCHEMA_VERSION,
    Actor,
    BlufItem,
    Brief,
    DocFacts,
    Document,
    DocumentRef,
    KeyDevelopment,
    Marking,
    OpenQuestion,
    Period,
    Risk,
    SpanRef,
    Speaker,
    Statement,
    TimelineEntry,
    When,
    doc_id_for,
    json_schema,
    sha256_text,
)

FIXTURE = Path(__file__).parent / "fixtures" / "brief.json"
TEXT = (
    "Kim Jong-un met Vladimir Putin in Vladivostok on September 13. "
    "“We will strengthen our ties,” Putin said. The deal could violate sanctions."
)


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema())


def span(doc: Document, needle: str, after: str = "") -> dict[str, Any]:
    start = doc.text.index(needle, doc.text.index(after) if after else 0)
    return {"text": needle, "start": start, "end": start + len(needle)}


def full_brief() -> Brief:
    """A Brief with every section and every optional field filled."""
    doc = Document(
        text=TEXT,
        title="Summit",
        path="a.txt",
        url="https://example.org/a",
        publisher="Example News",
        published="2023-09-14",
    )
    meet = ev(doc, "Kim Jong-un met Vladimir Putin in Vladivostok on September 13.")
    quote = ev(doc, "“We will strengthen our ties,” Putin said.")
    risk = ev(doc, "The deal could violate sanctions.")
    return Brief(
        title="Daily brief — test",
        generated_at="2023-09-14T06:00:00+00:00",
        period=Period(start="2023-09-14", end="2023-09-14"),
        marking=Marking(
            label="TLP:AMBER", handling="Limited disclosure.", system="tlp", color="#FFC000"
        ),
        bluf=["Kim Jong-un met Vladimir Putin.", "It is roughly even chance that …"],
        bluf_items=[
            BlufItem(text="Kim Jong-un met Vladimir Putin.", refs=["kd1"], evidence=[meet])
        ],
        documents=[
            DocumentRef(
                id=doc.id,
                title=doc.title,
                path=doc.path,
                url=doc.url,
                publisher=doc.publisher,
                published=doc.published,
                sha256=doc.sha256,
                developments=1,
            )
        ],
        key_developments=[
            KeyDevelopment(
                id="kd1",
                summary="Kim Jong-un met Vladimir Putin in Vladivostok.",
                who=["Kim Jong-un"],
                what="met Vladimir Putin",
                when=When(
                    text="September 13", date="2023-09-13", precision="day", end_date="2023-09-13"
                ),
                where=["Vladivostok"],
                confidence="high",
                corroboration=2,
                evidence=[meet],
                sourcing="reported by Example News",
                hedges=["reportedly"],
                actor_ids=["kim-jong-un"],
                watchlist=True,
                score=2.5,
            )
        ],
        actors=[
            Actor(
                id="kim-jong-un",
                name="Kim Jong-un",
                type="person",
                aliases=["Kim"],
                role="leader",
                affiliation="North Korea",
                mentions=3,
                salience=1.0,
                evidence=[meet],
                documents=2,
                watchlist=True,
            )
        ],
        statements=[
            Statement(
                id="st1",
                speaker=Speaker(**span(doc, "Putin", after="ties"), actor_id="vladimir-putin"),
                cue=SpanRef(**span(doc, "said")),
                content=SpanRef(**span(doc, "We will strengthen our ties")),
                direct=True,
                doc=doc.id,
                speaker_name="Vladimir Putin",
            )
        ],
        risks=[
            Risk(
                id="rk1",
                summary="The deal could violate sanctions.",
                category="sanctions or legal breach",
                likelihood="roughly even chance",
                evidence=[risk],
                basis="could",
                clause="the deal violates sanctions",
                impact="medium",
            )
        ],
        open_questions=[
            OpenQuestion(
                id="q1", question="Will the deal be concluded?", basis="Announced", evidence=[quote]
            )
        ],
        timeline=[
            TimelineEntry(
                date="2023-09-13",
                precision="day",
                text="Kim met Putin",
                evidence=[meet],
                when="September 13",
                sort_key="2023-09-13",
            )
        ],
        watchlist=["kd1", "kim-jong-un"],
    )


# --- round-trip


def test_full_brief_json_round_trip_is_exact() -> None:
    brief = full_brief()
    text = brief.to_json()
    again = Brief.from_json(text)
    assert again == brief
    assert again.to_json() == text
    assert json.loads(text)["key_developments"][0]["score"] == 2.5  # extra keys survive


def test_fixture_brief_round_trips() -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    brief = Brief.from_json(json.dumps(data))
    assert Brief.from_json(brief.to_json()) == brief
    again = json.loads(brief.to_json())
    for key in ("title", "generated_at", "bluf", "period", "timeline"):
        assert again[key] == data[key]
    assert [d["summary"] for d in again["key_developments"]] == [
        d["summary"] for d in data["key_developments"]
    ]


def test_unknown_keys_survive_a_round_trip() -> None:
    data = json.loads(full_brief().to_json())
    data["analyst_note"] = "added by a later version"
    data["risks"][0]["trend"] = "rising"
    brief = Brief.model_validate(data)
    out = json.loads(brief.to_json())
    assert out["analyst_note"] == "added by a later version"
    assert out["risks"][0]["trend"] == "rising"


def test_docfacts_round_trip() -> None:
    brief = full_brief()
    facts = DocFacts(
        document=brief.documents[0],
        actors=brief.actors,
        key_developments=brief.key_developments,
        statements=brief.statements,
        risks=brief.risks,
        open_questions=brief.open_questions,
        timeline=brief.timeline,
        extractor_version="1",
        model="en_core",
    )
    assert DocFacts.model_validate_json(facts.model_dump_json()) == facts


def test_the_example_brief_has_exact_spans(assert_spans: Any) -> None:
    brief = full_brief()
    assert assert_spans(brief, TEXT) == 9  # 6 evidence lists + speaker, cue and content


@pytest.mark.parametrize("where", ["evidence", "speaker", "content"])
def test_assert_spans_catches_a_shifted_span(assert_spans: Any, where: str) -> None:
    brief = full_brief()
    if where == "evidence":
        brief.risks[0].evidence[0].start += 1
    elif where == "speaker":
        brief.statements[0].speaker.text = "Kim"
    else:
        brief.statements[0].content.end += 40
    with pytest.raises(AssertionError, match="not slices"):
        assert_spans(brief, TEXT)


# --- the contract's values


def test_schema_version_and_defaults() -> None:
    brief = Brief(title="t", generated_at="2023-09-14T06:00:00Z", marking=Marking(label="X"))
    assert brief.schema_version == SCHEMA_VERSION == "1"
    data = json.loads(brief.to_json())
    for key in (
        "bluf",
        "documents",
        "key_developments",
        "actors",
        "statements",
        "risks",
        "open_questions",
        "timeline",
    ):
        assert data[key] == []
    assert data["period"] == {"start": None, "end": None}


def test_likelihood_scale_is_icd203() -> None:
    assert list(LIKELIHOOD_SCALE) == [
        "almost no chance",
        "very unlikely",
        "unlikely",
        "roughly even chance",
        "likely",
        "very likely",
        "almost certain",
    ]
    assert LIKELIHOOD_SCALE["roughly even chance"] == (45, 55)
    assert LIKELIHOOD_SCALE["likely"] == (55, 80)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("risks", 0, "likelihood"), "probable"),
        (("key_developments", 0, "confidence"), "certain"),
        (("key_developments", 0, "when", "date"), "13/09/2023"),
        (("actors", 0, "type"), "person of interest"),
        (("timeline", 0, "precision"), "week"),
        (("period", "start"), "yesterday"),
        (("schema_version",), "2"),
        (("key_developments", 0, "evidence", 0, "start"), -1),
    ],
)
def test_model_and_schema_reject_bad_values(path: tuple[Any, ...], value: Any) -> None:
    data = json.loads(full_brief().to_json())
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValidationError):
        Brief.model_validate(data)
    assert list(validator().iter_errors(data)), f"schema accepted {path}={value!r}"


@pytest.mark.parametrize("key", ["title", "generated_at", "marking"])
def test_required_keys(key: str) -> None:
    data = json.loads(full_brief().to_json())
    del data[key]
    with pytest.raises(ValidationError):
        Brief.model_validate(data)
    errors = [e.message for e in validator().iter_errors(data)]
    assert any(key in m for m in errors)


def test_document_id_is_the_content_hash() -> None:
    doc = Document(text="Kim met Putin.", title="t")
    assert doc.sha256 == sha256_text("Kim met Putin.")
    assert len(doc.sha256) == 64
    assert doc.id == doc_id_for(doc.sha256) == doc.sha256[:16]
    assert Document(text="Kim met Putin!", title="t").id != doc.id


# --- JSON Schema


def test_schema_is_draft_2020_12() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


CONTRACT = {
    "": [
        "schema_version",
        "title",
        "generated_at",
        "period",
        "marking",
        "bluf",
        "documents",
        "key_developments",
        "actors",
        "statements",
        "risks",
        "open_questions",
        "timeline",
    ],
    "KeyDevelopment": [
        "id",
        "summary",
        "who",
        "what",
        "when",
        "where",
        "confidence",
        "corroboration",
        "evidence",
    ],
    "Actor": [
        "id",
        "name",
        "type",
        "aliases",
        "role",
        "affiliation",
        "mentions",
        "salience",
        "evidence",
    ],
    "Statement": ["id", "speaker", "cue", "content", "direct", "doc"],
    "Risk": ["id", "summary", "category", "likelihood", "evidence"],
    "OpenQuestion": ["id", "question", "basis", "evidence"],
    "TimelineEntry": ["date", "precision", "text", "evidence"],
    "Evidence": ["doc", "start", "end", "text"],
    "DocumentRef": ["id", "title", "path", "url", "publisher", "published", "sha256"],
}


@pytest.mark.parametrize("definition", sorted(CONTRACT))
def test_schema_requires_the_contract_keys(definition: str) -> None:
    schema = json_schema()
    node = schema if not definition else schema["$defs"][definition]
    missing = [k for k in CONTRACT[definition] if k not in node.get("required", [])]
    assert not missing, f"{definition or 'Brief'} does not require {missing}"


def test_schema_validates_a_real_output() -> None:
    from briefgen.render import render

    data = json.loads(render(full_brief(), ["json"])["json"])
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(data)]
    assert not errors


def test_schema_accepts_a_contract_brief_the_model_accepts() -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    Brief.model_validate(data)  # the model takes it
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(data)]
    assert not errors


# --- purity


def test_pure_modules_import_without_spacy() -> None:
    code = (
        "import sys\n"
        "import briefgen.model, briefgen.fuse, briefgen.extract.dates\n"
        "heavy = sorted(m for m in ('spacy', 'thinc', 'weasyprint', 'jinja2') "
        "if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""
