"""Runs that cron can own: live sources, --only-new, the lock, logs, dated outputs, killed runs.

Feeds and pages come from a real HTTP server on 127.0.0.1 (tests/webserver.py), never the
internet. Builds write only Markdown and JSON (no PDF) to stay quick.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from webserver import GRAIN, KIM, LocalServer, Route, article_html, rss20

from briefgen.cli import EXIT_BUILD, EXIT_LOCKED, EXIT_OK

EPOCH = 1_714_629_600  # 2024-05-02T06:00:00Z
SEOUL = [
    "South Korea summoned the Russian ambassador in Seoul on Wednesday to protest against "
    "the military cooperation between Moscow and Pyongyang, the foreign ministry said.",
    "Foreign Minister Park Jin told reporters that any arms deal would violate United "
    "Nations Security Council resolutions.",
]


def text_article(title: str, paragraphs: list[str]) -> str:
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def epoch(minutes: int = 0) -> dict[str, str]:
    return {"SOURCE_DATE_EPOCH": str(EPOCH + 60 * minutes)}


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


def write(root: Path, config: str, files: dict[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    path = root / "config.yaml"
    path.write_text(config, encoding="utf-8")
    return path


def config_text(sources: str, output: str = "", extra: str = "") -> str:
    return (
        'title: "Desk brief"\n'
        f"sources:\n{sources}"
        "output:\n"
        "  dir: out\n"
        '  name: "brief-{date:%Y%m%d-%H%M}"\n'
        "  formats: [md, json]\n"
        f"{output}"
        "fetch:\n"
        "  timeout: 3\n"
        "  allow_hosts: [127.0.0.1]\n"
        f"{extra}"
    )


def build(config: Path, *args: str, minutes: int = 0) -> Any:
    return run_cli(["build", "--config", str(config), *args], env=epoch(minutes))


def brief_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def outputs(root: Path) -> list[str]:
    """The brief files in ``root/out`` (not the archive's index.html/index.json)."""
    out = root / "out"
    if not out.is_dir():
        return []
    return sorted(p.name for p in out.iterdir() if p.stem != "index")


def serve_news(server: LocalServer) -> tuple[str, str]:
    """A feed with two articles and a dead link, and a page of its own."""
    kim = server.route("/news/kim", Route(article_html("Kim arrives in Vladivostok", KIM)))
    gone = server.url("/news/gone")
    feed = server.route(
        "/rss",
        Route(
            rss20(
                "World news",
                [
                    (
                        "Kim arrives in Vladivostok for talks with Putin",
                        kim,
                        "Tue, 12 Sep 2023 06:00:00 GMT",
                    ),
                    ("A story that was taken down", gone, "Tue, 12 Sep 2023 07:00:00 GMT"),
                ],
            ),
            content_type="application/rss+xml",
        ),
    )
    page = server.route(
        "/news/grain", Route(article_html("Grain talks in Geneva", GRAIN, site="Geneva Daily"))
    )
    return feed, page


# --- live sources ----------------------------------------------------------------------------


def test_build_from_a_feed_and_a_url(server: LocalServer, tmp_path: Path) -> None:
    feed, page = serve_news(server)
    config = write(tmp_path, config_text(f"  - feed: {feed}\n  - url: {page}\n"))
    result = build(config)
    assert result.exit_code == EXIT_OK, result.stderr
    gone = server.url("/news/gone")
    assert (
        f"briefgen: warning: skipped {gone} (from feed {feed}): HTTP 404 Not Found" in result.stderr
    )
    (json_name,) = [n for n in outputs(tmp_path) if n.endswith(".json")]
    brief = brief_json(tmp_path / "out" / json_name)
    docs = {d["url"]: d for d in brief["documents"]}
    assert set(docs) == {server.url("/news/kim"), page}
    assert docs[page]["publisher"] == "Geneva Daily" and docs[page]["path"] is None
    kim = docs[server.url("/news/kim")]
    assert kim["title"] == "Kim arrives in Vladivostok for talks with Putin"  # the feed's
    assert kim["published"] == "2023-09-12"
    assert any("Kim" in d["summary"] for d in brief["key_developments"])
    assert re.search(
        r"briefgen: fetch: 4 request\(s\), 3 downloaded \(\d+ kB\), "
        r"0 not modified \(cached\), 1 failed \(\d+\.\d\d s\)",
        result.stderr,
    )


def test_one_failing_source_is_a_warning(server: LocalServer, tmp_path: Path) -> None:
    _, page = serve_news(server)
    slow = server.route("/slow", Route(b"<rss/>", delay=5.0))
    config = write(
        tmp_path,
        config_text(f"  - feed: {slow}\n  - url: {page}\n").replace("timeout: 3", "timeout: 0.5"),
    )
    start = time.monotonic()
    result = build(config)
    assert result.exit_code == EXIT_OK, result.stderr
    assert f"briefgen: warning: feed {slow}: timed out after 0.5 s; skipped" in result.stderr
    assert time.monotonic() - start < 30


def test_all_sources_failing_is_an_error(server: LocalServer, tmp_path: Path) -> None:
    garbage = server.route("/garbage", Route(os.urandom(2000), content_type="text/html"))
    config = write(
        tmp_path, config_text(f"  - feed: {server.url('/missing')}\n  - url: {garbage}\n")
    )
    result = build(config)
    assert result.exit_code == EXIT_BUILD
    (error,) = [line for line in result.stderr.splitlines() if "error:" in line]
    assert error.startswith(
        f"briefgen: error: no readable articles in feed {server.url('/missing')}, url {garbage} ("
    )
    assert "HTTP 404 Not Found" in error
    assert error.endswith("check the addresses and the network, or add a `path:` source")
    assert outputs(tmp_path) == []


# --- only new documents ----------------------------------------------------------------------


def test_only_new_documents(server: LocalServer, tmp_path: Path) -> None:
    feed, page = serve_news(server)
    config = write(tmp_path, config_text(f"  - feed: {feed}\n  - url: {page}\n"))

    first = build(config, "--only-new")
    assert first.exit_code == EXIT_OK, first.stderr
    assert len(outputs(tmp_path)) == 2
    assert len(server.hits("/news/kim")) == 1

    second = build(config, "--only-new", minutes=60)
    assert second.exit_code == EXIT_OK, second.stderr
    assert "briefgen: no new documents" in second.stderr
    assert len(outputs(tmp_path)) == 2  # nothing written
    assert len(server.hits("/news/kim")) == 1  # a seen item is not even fetched again
    assert len(server.hits("/news/grain")) == 1

    # A new item appears: only it is briefed, and it is new since the last brief.
    seoul = server.route("/news/seoul", Route(article_html("Seoul summons envoy", SEOUL)))
    server.route(
        "/rss",
        Route(
            rss20(
                "World news",
                [
                    (
                        "Seoul summons the Russian ambassador",
                        seoul,
                        "Wed, 13 Sep 2023 06:00:00 GMT",
                    ),
                    (
                        "Kim arrives in Vladivostok for talks with Putin",
                        server.url("/news/kim"),
                        "",
                    ),
                ],
            ),
            content_type="application/rss+xml",
        ),
    )
    third = build(config, "--only-new", minutes=120)
    assert third.exit_code == EXIT_OK, third.stderr
    newest = sorted(n for n in outputs(tmp_path) if n.endswith(".json"))[-1]
    brief = brief_json(tmp_path / "out" / newest)
    assert [d["url"] for d in brief["documents"]] == [seoul]
    assert brief["since_last"]["previous"] == "2024-05-02T06:00:00+00:00"
    assert brief["since_last"]["developments"]


def test_only_new_from_the_config_with_files(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        config_text("  - path: articles/*\n", extra="only_new: true\n"),
        {"articles/kim.txt": text_article("Kim arrives in Vladivostok", KIM)},
    )
    assert build(config).exit_code == EXIT_OK
    again = build(config, "-q", minutes=5)
    assert again.exit_code == EXIT_OK and again.stderr == ""
    again = build(config, minutes=6)
    assert "no new documents" in again.stderr
    assert len(outputs(tmp_path)) == 2
    # Without --only-new in the config, everything is briefed again.
    config.write_text(config.read_text().replace("only_new: true\n", ""))
    assert build(config, minutes=7).exit_code == EXIT_OK
    assert len(outputs(tmp_path)) == 4


def test_a_manual_build_does_not_mark_documents_seen(tmp_path: Path) -> None:
    """Only --only-new runs mark documents as seen: a test build by hand in the morning
    does not make the scheduled --only-new run empty."""
    config = write(
        tmp_path,
        config_text("  - path: articles/*\n"),
        {"articles/kim.txt": text_article("Kim arrives in Vladivostok", KIM)},
    )
    assert build(config).exit_code == EXIT_OK  # by hand
    scheduled = build(config, "--only-new", minutes=60)
    assert scheduled.exit_code == EXIT_OK, scheduled.stderr
    assert "no new documents" not in scheduled.stderr
    assert len(outputs(tmp_path)) == 4
    again = build(config, "--only-new", minutes=120)
    assert "no new documents" in again.stderr  # the --only-new run marked them


def test_since_last_is_one_line_when_nothing_is_new_and_sits_after_developments(
    tmp_path: Path,
) -> None:
    config = write(
        tmp_path,
        config_text("  - path: articles/*\n"),
        {"articles/kim.txt": text_article("Kim arrives in Vladivostok", KIM)},
    )
    assert build(config).exit_code == EXIT_OK
    assert build(config, minutes=60).exit_code == EXIT_OK
    newest = sorted(n for n in outputs(tmp_path) if n.endswith(".md"))[-1]
    markdown = (tmp_path / "out" / newest).read_text()
    section = markdown.split("## Since the last brief\n", 1)[1].split("\n## ", 1)[0]
    assert [line for line in section.splitlines() if line.strip()] == [
        f"Nothing new since the brief of {section.split('brief of ', 1)[1].split('.')[0]}."
    ]
    assert markdown.index("## Key developments") < markdown.index("## Since the last brief")


# --- since the last brief --------------------------------------------------------------------


def test_since_the_last_brief(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        config_text("  - path: articles/*\n"),
        {"articles/kim.txt": text_article("Kim arrives in Vladivostok", KIM)},
    )
    first = build(config)
    assert first.exit_code == EXIT_OK, first.stderr
    (md_first,) = [n for n in outputs(tmp_path) if n.endswith(".md")]
    assert "Since the last brief" not in (tmp_path / "out" / md_first).read_text()
    json_first = brief_json(tmp_path / "out" / md_first.replace(".md", ".json"))
    assert json_first["since_last"] == {"previous": None, "developments": [], "actors": []}

    (tmp_path / "articles" / "seoul.txt").write_text(text_article("Seoul summons envoy", SEOUL))
    second = build(config, minutes=60 * 24)
    assert second.exit_code == EXIT_OK, second.stderr
    md_second = sorted(n for n in outputs(tmp_path) if n.endswith(".md"))[-1]
    brief = brief_json(tmp_path / "out" / md_second.replace(".md", ".json"))
    since = brief["since_last"]
    assert since["previous"] == json_first["generated_at"]
    dev_docs = {d["id"]: d for d in brief["key_developments"]}
    assert since["developments"] and all(i in dev_docs for i in since["developments"])
    actor_ids = {a["id"] for a in brief["actors"]}
    assert since["actors"] and set(since["actors"]) <= actor_ids
    assert not set(since["actors"]) & {a["id"] for a in json_first["actors"]}
    markdown = (tmp_path / "out" / md_second).read_text()
    assert "## Since the last brief" in markdown
    html_like = markdown.split("## Since the last brief", 1)[1].split("\n## ", 1)[0]
    assert "Compared with the brief of" in html_like


def test_a_rebuild_at_the_same_pinned_time_is_identical(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        config_text("  - path: articles/*\n"),
        {"articles/kim.txt": text_article("Kim arrives in Vladivostok", KIM)},
    )
    assert build(config, "--out", str(tmp_path / "run1")).exit_code == EXIT_OK
    assert build(config, "--out", str(tmp_path / "run2")).exit_code == EXIT_OK
    for name in os.listdir(tmp_path / "run1"):
        assert (tmp_path / "run1" / name).read_bytes() == (tmp_path / "run2" / name).read_bytes()


# --- logs ------------------------------------------------------------------------------------

LOG_LINE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} \[\d+\] "
    r"(INFO|WARNING|ERROR|DEBUG) "
)


def test_log_file_with_quiet(server: LocalServer, tmp_path: Path) -> None:
    feed, _ = serve_news(server)
    config = write(tmp_path, config_text(f"  - feed: {feed}\n"))
    result = build(config, "--quiet", "--log-file", str(tmp_path / "logs" / "run.log"))
    assert result.exit_code == EXIT_OK, result.stderr
    assert result.stdout == "" and result.stderr == ""  # quiet: nothing on success
    lines = (tmp_path / "logs" / "run.log").read_text().splitlines()
    assert all(LOG_LINE.match(line) for line in lines), lines
    text = "\n".join(lines)
    for stage in ("fetch: ", "ingest: ", "fuse: ", "render: ", "wrote 2 file(s)"):
        assert stage in text
    assert re.search(r"INFO ingest: 1 document\(s\), 1 skipped \(\d+\.\d\d s\)", text)
    assert f"WARNING skipped {server.url('/news/gone')} (from feed {feed})" in text


def test_log_file_from_the_config_is_appended(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        config_text("  - path: articles/*\n", extra="log_file: brief.log\n"),
        {"articles/kim.txt": text_article("Kim arrives in Vladivostok", KIM)},
    )
    assert build(config, "-q").exit_code == EXIT_OK
    assert build(config, "-q", minutes=1).exit_code == EXIT_OK
    text = (tmp_path / "brief.log").read_text()
    assert text.count("wrote 2 file(s)") == 2


def test_errors_reach_the_log_file(tmp_path: Path) -> None:
    config = write(tmp_path, config_text("  - path: nothing/*\n", extra="log_file: brief.log\n"))
    result = build(config, "-q")
    assert result.exit_code == EXIT_BUILD
    assert "ERROR no readable articles in nothing/*" in (tmp_path / "brief.log").read_text()


# --- dated outputs, latest, retention --------------------------------------------------------


def test_latest_and_keep(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        config_text("  - path: articles/*\n", output="  latest: true\n  keep: 2\n"),
        {"articles/kim.txt": text_article("Kim arrives in Vladivostok", KIM)},
    )
    for minutes in (0, 60, 120):
        result = build(config, minutes=minutes)
        assert result.exit_code == EXIT_OK, result.stderr
    assert outputs(tmp_path) == [
        "brief-20240502-0700.json",
        "brief-20240502-0700.md",
        "brief-20240502-0800.json",
        "brief-20240502-0800.md",
        "latest.json",
        "latest.md",
    ]
    assert os.readlink(tmp_path / "out" / "latest.md") == "brief-20240502-0800.md"
    assert "retention: removed 1 old brief(s) (2 file(s)); keeping the newest 2" in result.stderr


# --- the lock, overlapping and killed runs ---------------------------------------------------

SLOW_TEMPLATE = """{% extends "!default/brief.md.j2" %}
{% block title %}
{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}
{{ super() }}
{% endblock %}
"""


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_overlapping_runs_and_a_killed_run(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        config_text("  - path: articles/*\n", extra="templates: theme\n").replace(
            '"brief-{date:%Y%m%d-%H%M}"', "brief"
        ),
        {
            "articles/kim.txt": text_article("Kim arrives in Vladivostok", KIM),
            "theme/README": "templates\n",
        },
    )
    good = build(config)
    assert good.exit_code == EXIT_OK, good.stderr
    before = {name: (tmp_path / "out" / name).read_bytes() for name in outputs(tmp_path)}
    assert sorted(before) == ["brief.json", "brief.md"]

    # A run that hangs while rendering (a template that never finishes), holding the lock.
    (tmp_path / "theme" / "brief.md.j2").write_text(SLOW_TEMPLATE)
    log = tmp_path / "slow.log"
    env = {**os.environ, **epoch(60)}
    slow = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "briefgen",
            "build",
            "--config",
            str(config),
            "--log-file",
            str(log),
            "-q",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(lambda: log.exists() and "fuse: " in log.read_text(), 60, "the slow run")
        # A second run while the first holds the lock: it stops at once, naming the holder.
        start = time.monotonic()
        second = build(config, minutes=61)
        assert time.monotonic() - start < 10
        assert second.exit_code == EXIT_LOCKED == 4
        assert f"is being built by another run: pid {slow.pid} on " in second.stderr
        assert "this run stops" in second.stderr
        # Kill the slow run in the middle of rendering.
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=10)
    finally:
        if slow.poll() is None:
            slow.kill()
            slow.wait()
    after = {name: (tmp_path / "out" / name).read_bytes() for name in outputs(tmp_path)}
    assert after == before  # the last good brief is intact, no half-written or extra file
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]

    # The killed run's lock does not block the next run.
    (tmp_path / "theme" / "brief.md.j2").unlink()
    third = build(config, minutes=62)
    assert third.exit_code == EXIT_OK, third.stderr
    rebuilt = brief_json(tmp_path / "out" / "brief.json")
    assert rebuilt["generated_at"] == "2024-05-02T07:02:00+00:00"
