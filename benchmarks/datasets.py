"""Readers for the three dev sets of the shared corpus (``shared/corpus/README.md``).

Plain file reading only: no spaCy, no briefgen. Each reader yields small records that
``eval_extraction.py`` turns into ``briefgen.model.Document`` objects.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .scoring import FIVE_W, GoldAttribution, gold_phrases, normalise, parse_brat

TITLE_MODES = ("heading", "sentence", "omit")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def iso_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` from the start of a date string, or None (the sets hold "None")."""
    m = _ISO.match(str(value or "").strip())
    return m.group(0) if m else None


# --------------------------------------------------------------------------- 5w1h-train


@dataclass
class FiveWItem:
    name: str
    title: str
    text: str  # the composed document text
    parts: list[tuple[str, int, int]]  # (title|description|text, start, end) in ``text``
    body: str  # the news-please ``text`` field alone (for the lead-sentence baseline)
    doc_title: str  # what goes into Document.title
    published: str | None
    publisher: str | None
    url: str | None
    gold: dict[str, list[str]]


def compose_5w(
    title: str, description: str, body: str, mode: str = "heading"
) -> tuple[str, list[tuple[str, int, int]]]:
    """The article as briefgen reads it: title line, description paragraph, text.

    The description is left out when it merely repeats the start of the text (news-please
    takes it from the lead, about a third of the set); ``mode="omit"`` drops the title.
    Returns the text and where its parts are: ``[(name, start, end)]``.
    """
    parts: list[tuple[str, str]] = []
    if mode != "omit" and title.strip():
        parts.append(("title", title.strip()))
    desc_norm = normalise(description)
    if desc_norm and desc_norm not in normalise(body[: len(description) * 3]):
        parts.append(("description", description.strip()))
    if body.strip():
        parts.append(("text", body.strip()))
    text, where = "", []
    for name, part in parts:
        if text:
            text += "\n\n"
        where.append((name, len(text), len(text) + len(part)))
        text += part
    return text, where


def read_5w(folder: Path, mode: str = "heading", limit: int | None = None) -> Iterator[FiveWItem]:
    files = sorted(folder.glob("*.json"))
    for path in files[:limit] if limit else files:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        title = " ".join((data.get("title") or "").split())
        description = (data.get("description") or "").strip()
        body = (data.get("text") or "").strip()
        date = iso_date(data.get("date_publish"))
        five = data.get("fiveWoneH") or {}
        text, parts = compose_5w(title, description, body, mode)
        yield FiveWItem(
            name=path.stem,
            title=title,
            text=text,
            parts=parts,
            body=body,
            # "sentence": the title line is an ordinary sentence (Document.title does not
            # match the start of the text, so briefgen does not skip it as a heading).
            doc_title=title if mode == "heading" else "",
            published=date,
            publisher=data.get("publisher"),
            url=data.get("url"),
            gold={w: gold_phrases(five, w) for w in FIVE_W},
        )


# --------------------------------------------------------------------------- bbc-dev


@dataclass
class BbcItem:
    name: str
    text: str  # the article file unchanged
    title: str  # its first line
    lines: list[str]  # the article's sentences: its non-empty lines after the title
    line_spans: list[tuple[int, int]]  # character offsets of those lines in ``text``
    summary: list[str]


def read_bbc(folder: Path, limit: int | None = None) -> Iterator[BbcItem]:
    files = sorted((folder / "article").glob("*.txt"))
    for path in files[:limit] if limit else files:
        text = path.read_text(encoding="utf-8")
        summary_path = folder / "summary" / path.name
        summary = (
            [s.strip() for s in summary_path.read_text(encoding="utf-8").splitlines() if s.strip()]
            if summary_path.exists()
            else []
        )
        spans: list[tuple[int, int]] = []
        pos = 0
        for raw in text.splitlines(keepends=True):
            stripped = raw.strip()
            if stripped:
                start = pos + raw.index(stripped)
                spans.append((start, start + len(stripped)))
            pos += len(raw)
        title = text[spans[0][0] : spans[0][1]] if spans else ""
        body_spans = spans[1:]
        yield BbcItem(
            name=f"{path.stem}",
            text=text,
            title=title,
            lines=[text[s:e] for s, e in body_spans],
            line_spans=body_spans,
            summary=summary,
        )


# --------------------------------------------------------------------------- polnear-train


@dataclass
class PolnearItem:
    name: str
    text: str
    title: str
    published: str | None
    publisher: str | None
    annotator: str | None
    gold: list[GoldAttribution] = field(default_factory=list)


def _metadata(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / "metadata.tsv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["filename"]: row for row in csv.DictReader(fh, delimiter="\t")}


def first_annotator_file(folder: Path, stem: str, annotators: str | None) -> Path | None:
    """``<stem>_<annotator>.ann`` of the first annotator listed in metadata.tsv.

    The ``annotators`` column lists them separated by ``|``; without metadata the
    alphabetically first file of the text is used.
    """
    for ann in (annotators or "").split("|"):
        ann = ann.strip()
        if ann and (folder / f"{stem}_{ann}.ann").exists():
            return folder / f"{stem}_{ann}.ann"
    found = sorted(folder.glob(f"{stem}_*.ann"))
    return found[0] if found else None


def read_polnear(folder: Path, limit: int | None = None) -> Iterator[PolnearItem]:
    meta = _metadata(folder)
    files = sorted((folder / "text").glob("*.txt"))
    for path in files[:limit] if limit else files:
        text = path.read_text(encoding="utf-8")
        row = meta.get(path.stem, {})
        ann_path = first_annotator_file(folder / "attributions", path.stem, row.get("annotators"))
        gold = parse_brat(ann_path.read_text(encoding="utf-8"), text) if ann_path else []
        first_line = text.split("\n", 1)[0].strip()
        published = iso_date(row.get("publication_date"))
        yield PolnearItem(
            name=path.stem,
            text=text,
            title=first_line or row.get("title", ""),
            published=published,
            publisher=row.get("publisher") or None,
            annotator=ann_path.stem.rsplit("_", 1)[-1] if ann_path else None,
            gold=gold,
        )
