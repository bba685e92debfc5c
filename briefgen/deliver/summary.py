"""What a delivery says about a brief: title, period, counts, the first developments,
and a link to every file (under ``deliver.link_base`` when set, else ``file:`` URLs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from briefgen.model import Brief
from briefgen.render import filters

#: Key developments a delivery lists.
FIRST_DEVELOPMENTS = 5


@dataclass(frozen=True)
class Summary:
    title: str
    marking: str
    handling: str
    generated: str  # "5 September 2023, 06:00 UTC"
    generated_at: str  # ISO 8601
    date: str  # YYYY-MM-DD of the build
    period: str
    documents: int
    judgments: list[str] = field(default_factory=list)
    developments: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # format -> URL


def summarize(brief: Brief, paths: Sequence[Path], link_base: str | None = None) -> Summary:
    return Summary(
        title=brief.title,
        marking=brief.marking.label,
        handling=brief.marking.handling,
        generated=filters.format_datetime(brief.generated_at),
        generated_at=brief.generated_at,
        date=brief.generated_at[:10],
        period=filters.format_period(brief.period),
        documents=len(brief.documents),
        judgments=[item.text for item in brief.bluf_items] or list(brief.bluf),
        developments=[d.summary for d in brief.key_developments[:FIRST_DEVELOPMENTS]],
        links={p.suffix.lstrip("."): link(p, link_base) for p in paths},
    )


def link(path: Path, base: str | None) -> str:
    """The address of one output: ``base`` + its file name, else its ``file:`` URL."""
    if base:
        return base.rstrip("/") + "/" + quote(path.name)
    return Path(path).absolute().as_uri()
