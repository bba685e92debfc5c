"""The archive of past briefs (briefgen.render.archive): a second build of the day gets
its own name, and index.html / index.json list every brief of the output folder."""

from __future__ import annotations

import json
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from briefgen.model import Brief, KeyDevelopment, Marking, Period
from briefgen.render.archive import entry_for, read_index, unique_stem, update_index
from briefgen.render.retention import briefs, prune

WHEN = datetime(2024, 5, 2, 9, 30, 15)


def test_the_default_name_gains_the_time_when_the_date_only_name_exists(tmp_path: Path) -> None:
    assert unique_stem(tmp_path, "brief-2024-05-02", ["pdf"], WHEN, fixed=False) == (
        "brief-2024-05-02"
    )
    (tmp_path / "brief-2024-05-02.json").write_text("{}")
    # any format of the earlier brief counts, not only the ones written now
    assert unique_stem(tmp_path, "brief-2024-05-02", ["json"], WHEN, False) == (
        "brief-2024-05-02-0930"
    )
    (tmp_path / "brief-2024-05-02-0930.json").write_text("{}")
    assert unique_stem(tmp_path, "brief-2024-05-02", ["json"], WHEN, False) == (
        "brief-2024-05-02-093015"
    )


def test_a_name_set_in_the_config_is_used_as_given(tmp_path: Path) -> None:
    (tmp_path / "daily.pdf").write_text("x")
    assert unique_stem(tmp_path, "daily", ["pdf"], WHEN, fixed=True) == "daily"


def test_retention_sees_the_time_suffixed_briefs(tmp_path: Path) -> None:
    for stem in ("brief-2024-05-01", "brief-2024-05-02", "brief-2024-05-02-0930"):
        (tmp_path / f"{stem}.docx").write_text("x")
    assert set(briefs(tmp_path, "brief-{date:%Y-%m-%d}")) == {
        "brief-2024-05-01",
        "brief-2024-05-02",
        "brief-2024-05-02-0930",
    }
    prune(tmp_path, "brief-{date:%Y-%m-%d}", keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "brief-2024-05-02-0930.docx",
        "brief-2024-05-02.docx",
    ]


def brief(n: int, title: str = "Daily brief") -> Brief:
    return Brief(
        title=title,
        generated_at=f"2024-05-0{n}T06:00:00+00:00",
        period=Period(start="2024-05-01", end=f"2024-05-0{n}"),
        marking=Marking(label="UNCLASSIFIED"),
        key_developments=[KeyDevelopment(id=f"d{i}", summary=f"Event {n}.{i}") for i in range(5)],
    )


def write(folder: Path, stem: str, exts: tuple[str, ...] = ("html", "pdf")) -> list[Path]:
    paths = []
    for ext in exts:
        path = folder / f"{stem}.{ext}"
        path.write_text("x")
        paths.append(path)
    return paths


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Any]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href"]


def test_index_lists_every_brief_newest_first_with_links(tmp_path: Path) -> None:
    for n in (1, 2, 3):
        stem = f"brief-2024-05-0{n}"
        update_index(tmp_path, entry_for(brief(n), stem, write(tmp_path, stem)))
    data = json.loads((tmp_path / "index.json").read_text())
    assert [b["stem"] for b in data["briefs"]] == [
        "brief-2024-05-03",
        "brief-2024-05-02",
        "brief-2024-05-01",
    ]
    first = data["briefs"][0]
    assert first["documents"] == 0
    assert first["key_developments"] == ["Event 3.0", "Event 3.1", "Event 3.2"]
    assert first["files"] == {"html": "brief-2024-05-03.html", "pdf": "brief-2024-05-03.pdf"}
    assert first["period"] == {"start": "2024-05-01", "end": "2024-05-03"}
    page = (tmp_path / "index.html").read_text()
    links = Links()
    links.feed(page)
    assert links.hrefs[:2] == ["brief-2024-05-03.html", "brief-2024-05-03.pdf"]
    assert len(links.hrefs) == 6
    assert "1–3 May 2024" in page


def test_index_drops_briefs_whose_files_are_gone_and_escapes_titles(tmp_path: Path) -> None:
    update_index(tmp_path, entry_for(brief(1), "old", write(tmp_path, "old")))
    (tmp_path / "old.html").unlink()
    (tmp_path / "old.pdf").unlink()
    evil = brief(2, title='<script>alert(1)</script>"')
    update_index(tmp_path, entry_for(evil, "new", write(tmp_path, "new", ("md",))))
    assert [e["stem"] for e in read_index(tmp_path)] == ["new"]
    page = (tmp_path / "index.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_an_unreadable_index_starts_afresh(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_text("{not json")
    update_index(tmp_path, entry_for(brief(1), "b", write(tmp_path, "b")))
    assert [e["stem"] for e in read_index(tmp_path)] == ["b"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_three_builds_make_three_briefs_in_the_index(
    make_project: Any, invoke: Any, monkeypatch: Any
) -> None:
    article = (
        "Valdora closes northern port\n\nPort authorities in Valdora closed the northern "
        "terminal on Tuesday, the harbour master said.\n"
    )
    config = make_project(
        articles={"port.txt": article},
        config="sources:\n  - path: articles/*\noutput:\n  formats: [md, json]\n",
    )
    for offset in (0, 60, 120):  # three builds, minutes apart, the same day
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_700_000_000 + offset))
        result = invoke(["build", "--config", str(config)])
        assert result.exit_code == 0, result.output
    out = config.parent / "out"
    stems = [e["stem"] for e in read_index(out)]
    assert len(stems) == 3 and len(set(stems)) == 3
    first = datetime.fromtimestamp(1_700_000_000)  # the build time in local time
    second = datetime.fromtimestamp(1_700_000_060)
    assert stems[-1] == f"brief-{first:%Y-%m-%d}"  # the first keeps the date-only name
    assert stems[-2] == f"brief-{first:%Y-%m-%d}-{second:%H%M}"
    for entry in read_index(out):
        assert (out / entry["files"]["md"]).is_file()
