"""Dated outputs: ``latest`` pointers, ``output.keep`` retention, leftovers of killed runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefgen.render.retention import (
    briefs,
    name_regex,
    prune,
    remove_leftovers,
    update_latest,
)


def touch(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(name)


@pytest.mark.parametrize(
    ("pattern", "yes", "no"),
    [
        (
            "brief-{date:%Y-%m-%d}",
            ["brief-2024-05-02"],
            ["brief-notes", "brief-2024-05-02-x", "latest", "xbrief-2024-05-02"],
        ),
        ("kp-{date:%Y%m%d-%H%M}", ["kp-20240502-0600"], ["kp-2024", "kp-20240502"]),
        ("brief", ["brief"], ["brief-1"]),
        ("{date:%d.%m.%Y} (brief)", ["02.05.2024 (brief)"], ["02.05.2024 brief"]),
    ],
)
def test_name_regex(pattern: str, yes: list[str], no: list[str]) -> None:
    regex = name_regex(pattern)
    assert all(regex.match(stem) for stem in yes)
    assert not any(regex.match(stem) for stem in no)


def test_prune_keeps_the_newest_by_the_date_in_the_name(tmp_path: Path) -> None:
    # Day-first names do not sort as text; the date in the name orders them.
    names = ["01.05.2024", "30.04.2024", "02.05.2024", "15.03.2024"]
    touch(
        tmp_path,
        *[f"{n}.{ext}" for n in names for ext in ("md", "json")],
        "notes.md",
        "01.05.2024.txt",
        "latest.md",
    )
    removed = prune(tmp_path, "{date:%d.%m.%Y}", keep=2)
    assert sorted(p.name for p in removed) == [
        "15.03.2024.json",
        "15.03.2024.md",
        "30.04.2024.json",
        "30.04.2024.md",
    ]
    assert sorted(briefs(tmp_path, "{date:%d.%m.%Y}")) == ["01.05.2024", "02.05.2024"]
    assert (tmp_path / "notes.md").exists() and (tmp_path / "01.05.2024.txt").exists()
    assert (tmp_path / "latest.md").exists()


def test_prune_by_file_time_when_the_name_has_no_year(tmp_path: Path) -> None:
    touch(tmp_path, "brief-a.md", "brief-b.md", "brief-c.md")
    for age, name in enumerate(["brief-c.md", "brief-a.md", "brief-b.md"]):
        stamp = 1_700_000_000 - age * 3600
        os.utime(tmp_path / name, (stamp, stamp))
    prune(tmp_path, "brief-{date:%a}", keep=1)
    assert [p.name for p in tmp_path.iterdir()] == ["brief-c.md"]


def test_prune_never_removes_a_protected_brief(tmp_path: Path) -> None:
    touch(tmp_path, "b-2024-01-01.md", "b-2024-01-02.md", "b-2023-01-01.md")
    prune(tmp_path, "b-{date:%Y-%m-%d}", keep=1, protect={"b-2023-01-01"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b-2023-01-01.md", "b-2024-01-02.md"]


def test_latest_links_point_at_the_newest_outputs(tmp_path: Path) -> None:
    touch(tmp_path, "brief-1.md", "brief-1.json")
    update_latest([tmp_path / "brief-1.md", tmp_path / "brief-1.json"])
    assert os.readlink(tmp_path / "latest.md") == "brief-1.md"  # relative: the folder can move
    touch(tmp_path, "brief-2.md")
    update_latest([tmp_path / "brief-2.md"])
    assert (tmp_path / "latest.md").read_text() == "brief-2.md"
    assert (tmp_path / "latest.json").read_text() == "brief-1.json"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_latest_falls_back_to_a_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path, "brief-1.md")
    update_latest([tmp_path / "brief-1.md"])

    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError("links not supported")

    monkeypatch.setattr(os, "symlink", no_links)
    touch(tmp_path, "brief-2.md")
    update_latest([tmp_path / "brief-2.md"])
    latest = tmp_path / "latest.md"
    assert not latest.is_symlink() and latest.read_text() == "brief-2.md"
    assert (tmp_path / "brief-1.md").read_text() == "brief-1.md"  # the old target untouched


def test_latest_is_skipped_when_the_output_is_called_latest(tmp_path: Path) -> None:
    touch(tmp_path, "latest.md")
    assert update_latest([tmp_path / "latest.md"]) == []
    assert not (tmp_path / "latest.md").is_symlink()


def test_dangling_latest_links_are_removed_by_prune(tmp_path: Path) -> None:
    touch(tmp_path, "b-2024-01-01.pdf", "b-2024-01-02.md")
    update_latest([tmp_path / "b-2024-01-01.pdf"])
    prune(tmp_path, "b-{date:%Y-%m-%d}", keep=1)
    assert not (tmp_path / "latest.pdf").is_symlink()


def test_leftovers_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    touch(
        tmp_path,
        ".brief-2024-05-02.pdf.k3j_x9a1.tmp",
        ".latest.md.link123.tmp",
        ".other.pdf.abcdefgh.tmp",
        ".brief-2024-05-02.txt.abcdefgh.tmp",
        "brief-2024-05-02.md",
    )
    removed = remove_leftovers(tmp_path, "brief-{date:%Y-%m-%d}")
    assert sorted(p.name for p in removed) == [
        ".brief-2024-05-02.pdf.k3j_x9a1.tmp",
        ".latest.md.link123.tmp",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".brief-2024-05-02.txt.abcdefgh.tmp",
        ".other.pdf.abcdefgh.tmp",
        "brief-2024-05-02.md",
    ]
