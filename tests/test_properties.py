"""Property-based tests (hypothesis) of ingestion and extraction over arbitrary Unicode.

Ingestion: any bytes give a Document or a SkippedInput (nothing else), and a UTF-8 or
Windows-1252 ``.txt`` file's text is its content (or a prefix of it, when cut).
Extraction: any text gives facts whose every span equals ``text[start:end]`` — with
``spacy.blank("en")`` plus a sentencizer and an entity ruler (fast, many examples) and
with the real model (few examples).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from conftest import check_spans
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.extract import extract
from briefgen.ingest import SkippedInput
from briefgen.ingest.base import decode_bytes, limit_text
from briefgen.ingest.read_html import read_html
from briefgen.ingest.read_md import read_md
from briefgen.ingest.read_txt import read_txt
from briefgen.model import Document

# Sentences with names the entity ruler knows, mixed into arbitrary text, so that
# extraction has actors, statements and developments to find.
NEWS = [
    "Kim Jong-un met Vladimir Putin in Vladivostok on Tuesday.",
    '"We will never give up," Putin said.',
    "The Kremlin said the talks were useful, according to officials in Seoul.",
    "North Korea could send artillery shells to Russia, analysts warned.",
    "On 12 September 2023 the two leaders discussed weapons deliveries.",
]
pieces = st.one_of(
    st.sampled_from(NEWS),
    st.text(max_size=60),
    st.sampled_from(["\n", "\n\n", " ", "(", ")", "“", "”", '"', "\r\n", "—"]),
)
news_text = st.lists(pieces, max_size=25).map(" ".join)

# Windows-1252 characters whose byte is a UTF-8 continuation byte (0x80-0xBF): text made
# of them and ASCII can never contain a valid multi-byte UTF-8 sequence.
CP1252_CONTINUATION = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ ¡¢£¤¥¦§¨©ª«¬­®¯°±²³´µ¶·¸¹º»¼½¾¿"
cp1252_text = st.text(
    alphabet=st.sampled_from(
        [chr(c) for c in range(0x20, 0x7F)] + ["\n", "\t"] + list(CP1252_CONTINUATION)
    ),
    min_size=1,
    max_size=300,
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def blank_nlp() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [  # type: ignore[attr-defined]
            {"label": "PERSON", "pattern": "Kim Jong-un"},
            {"label": "PERSON", "pattern": "Vladimir Putin"},
            {"label": "PERSON", "pattern": "Putin"},
            {"label": "GPE", "pattern": "Vladivostok"},
            {"label": "GPE", "pattern": "Russia"},
            {"label": "GPE", "pattern": "North Korea"},
            {"label": "ORG", "pattern": "Kremlin"},
            {"label": "DATE", "pattern": "12 September 2023"},
            {"label": "DATE", "pattern": "Tuesday"},
        ]
    )
    return nlp


# ---------------------------------------------------------------- ingestion


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_document_or_a_skip(data: bytes) -> None:
    for reader, name in ((read_txt, "x.txt"), (read_md, "x.md"), (read_html, "x.html")):
        try:
            doc = reader(decode_bytes(data), Path(name))
        except SkippedInput as skipped:
            assert skipped.reason and "\n" not in skipped.reason
        else:
            assert doc.text.strip() and isinstance(doc.title, str)


@FAST
@given(st.text(max_size=2000))
def test_utf8_txt_is_its_content_or_a_skip(text: str) -> None:
    try:
        decoded = decode_bytes(text.encode("utf-8"))
    except SkippedInput:
        return
    assert decoded == text.removeprefix("\ufeff")
    assert read_txt(decoded, Path("a.txt")).text == decoded


@FAST
@given(cp1252_text)
def test_windows_1252_round_trips(text: str) -> None:
    try:
        decoded = decode_bytes(text.encode("cp1252"))
    except SkippedInput:
        assert not text.strip()
        return
    assert decoded == text


@FAST
@given(st.text(max_size=3000), st.integers(min_value=10, max_value=2000))
def test_limit_text_keeps_a_bounded_prefix(text: str, max_chars: int) -> None:
    kept, why = limit_text(text, max_chars)
    assert text.startswith(kept)
    assert len(kept) <= max_chars
    assert (why is None) == (kept == text)


@FAST
@given(st.lists(st.text(max_size=80), min_size=1, max_size=8))
def test_html_paragraphs_come_back_as_their_text(paragraphs: list[str]) -> None:
    page = "<html><body>" + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    expected = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.split())
    try:
        doc = read_html(page, Path("x.html"))
    except SkippedInput:
        assert not expected.strip() or any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in expected)
        return
    assert doc.text == expected


@FAST
@given(st.text(max_size=1500))
def test_markdown_never_crashes(text: str) -> None:
    try:
        doc = read_md(text, Path("x.md"))
    except SkippedInput:
        return
    assert doc.text.strip()


# ---------------------------------------------------------------- extraction


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(news_text)
def test_extraction_spans_are_slices_fast_pipeline(blank_nlp: Any, text: str) -> None:
    facts = extract(blank_nlp(text), Document(text=text, title="Property"))
    check_spans(facts, text)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(news_text)
def test_extraction_spans_are_slices_real_model(nlp: Any, text: str) -> None:
    facts = extract(nlp(text), Document(text=text, title="Property"))
    check_spans(facts, text)
