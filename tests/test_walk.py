"""Issue 15, item 12: a ``path:`` source never follows a link out of its folder (unless the
configuration says so) and never walks in circles."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from briefgen.config import parse_config
from briefgen.ingest import ingest, source_files

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symbolic links")

SUFFIXES = {".txt", ".md"}
ARTICLE = "Talks in Geneva\n\nDelegates met in Geneva on Tuesday, the ministry said.\n"


def tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def names(files: list[Path], root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in files]


def test_glob_semantics_match_the_readme(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "articles/a.md": ARTICLE,
            "articles/x/b.md": ARTICLE,
            "articles/x/y/c.md": ARTICLE,
            "articles/x/d.txt": ARTICLE,
            "articles/.hidden/e.md": ARTICLE,
            "articles/.f.md": ARTICLE,
        },
    )
    found = source_files("articles/**/*.md", tmp_path, SUFFIXES).files
    assert names(found, tmp_path) == ["articles/a.md", "articles/x/b.md", "articles/x/y/c.md"]
    found = source_files("articles/*/*.txt", tmp_path, SUFFIXES).files
    assert names(found, tmp_path) == ["articles/x/d.txt"]
    found = source_files("articles", tmp_path, SUFFIXES).files
    assert names(found, tmp_path) == ["articles/a.md"]
    assert source_files("articles/a.md", tmp_path, SUFFIXES).files == [tmp_path / "articles/a.md"]


def test_links_to_the_folder_itself_never_loop(tmp_path: Path) -> None:
    tree(tmp_path, {"articles/a.md": ARTICLE, "articles/sub/b.md": ARTICLE})
    os.symlink(".", tmp_path / "articles" / "loop1")
    os.symlink(".", tmp_path / "articles" / "loop3")  # two links to "." (issue 15)
    os.symlink("..", tmp_path / "articles" / "sub" / "loop2")
    found = source_files("articles/**/*.md", tmp_path, SUFFIXES).files
    assert sorted(os.path.realpath(p) for p in found) == sorted(
        os.path.realpath(tmp_path / n) for n in ("articles/a.md", "articles/sub/b.md")
    )
    # with links followed out of the folder too, still no loop
    found = source_files("articles/**/*.md", tmp_path, SUFFIXES, follow_links=True).files
    assert len(found) == 2


def test_links_out_of_the_folder_are_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tree(tmp_path, {"articles/a.md": ARTICLE, "secrets/creds.txt": "password=hunter2\n"})
    os.symlink(tmp_path / "secrets" / "creds.txt", tmp_path / "articles" / "creds.txt")
    os.symlink(tmp_path / "secrets", tmp_path / "articles" / "linked")
    os.symlink("/proc/self/status", tmp_path / "articles" / "status.txt")
    config = parse_config(
        {"sources": [{"path": "articles/**/*.txt"}, {"path": "articles"}]}, tmp_path
    )
    with caplog.at_level(logging.WARNING, logger="briefgen"):
        result = ingest(config)
    texts = " ".join(d.text + " " + d.title for d in result.documents)
    assert "hunter2" not in texts and "VmRSS" not in texts
    out = [r.getMessage() for r in caplog.records if "symbolic link out of" in r.getMessage()]
    assert any("creds.txt" in m for m in out) and any("status.txt" in m for m in out)
    assert any("linked" in m for m in out)
    assert all("ingest.follow_links" in m for m in out)


def test_links_inside_the_folder_and_follow_links_are_read(tmp_path: Path) -> None:
    tree(tmp_path, {"articles/a.md": ARTICLE, "elsewhere/b.md": ARTICLE.replace("Geneva", "Oslo")})
    os.symlink(tmp_path / "articles" / "a.md", tmp_path / "articles" / "same.md")
    os.symlink(tmp_path / "elsewhere" / "b.md", tmp_path / "articles" / "b.md")
    inside = source_files("articles/*.md", tmp_path, SUFFIXES)
    assert names(inside.files, tmp_path) == ["articles/a.md", "articles/same.md"]
    assert [p.name for p, _ in inside.skipped] == ["b.md"]
    followed = source_files("articles/*.md", tmp_path, SUFFIXES, follow_links=True)
    assert len(followed.files) == 3 and not followed.skipped
    config = parse_config(
        {"sources": [{"path": "articles/*.md"}], "ingest": {"follow_links": True}}, tmp_path
    )
    assert any("Oslo" in d.text for d in ingest(config).documents)


def test_fifos_in_a_folder_are_not_read(tmp_path: Path) -> None:
    tree(tmp_path, {"articles/a.txt": ARTICLE})
    os.mkfifo(tmp_path / "articles" / "pipe.txt")
    assert names(source_files("articles/*", tmp_path, SUFFIXES).files, tmp_path) == [
        "articles/a.txt"
    ]
