"""Run state per configuration: seen documents and what is new since the last brief."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from briefgen.model import Actor, Brief, Document, Evidence, KeyDevelopment, Marking
from briefgen.store.state import SEEN_MAX_AGE_DAYS, BriefKeys, RunState, compare, run_dir


def dev(id: str, summary: str, doc: str = "d1", start: int = 0) -> KeyDevelopment:
    return KeyDevelopment(
        id=id,
        summary=summary,
        evidence=[Evidence(doc=doc, start=start, end=start + 5, text="xxxxx")],
    )


def actor(id: str, name: str, *aliases: str) -> Actor:
    return Actor(id=id, name=name, aliases=list(aliases))


def brief(when: str, devs: list[KeyDevelopment], actors: list[Actor]) -> Brief:
    return Brief(
        title="t",
        generated_at=when,
        marking=Marking(label="UNCLASSIFIED"),
        key_developments=devs,
        actors=actors,
    )


MONDAY = brief(
    "2024-05-06T06:00:00+00:00",
    [
        dev("kd1", "Kim Jong-un meets Vladimir Putin in Vladivostok over arms deliveries"),
        dev("kd2", "Grain corridor talks open in Geneva", doc="d2"),
    ],
    [actor("kim-jong-un", "Kim Jong-un", "Kim"), actor("russia", "Russia")],
)


def test_run_dir_is_per_config_file(tmp_path: Path) -> None:
    (tmp_path / "desk").mkdir()
    a = run_dir(tmp_path / "desk" / "config.yaml", tmp_path / "cache")
    b = run_dir(tmp_path / "desk" / "other.yaml", tmp_path / "cache")
    assert a != b
    assert a.parent == tmp_path / "cache" / "runs"
    assert a.name.startswith("desk-config-") and len(a.name) == len("desk-config-") + 16
    assert run_dir(tmp_path / "desk" / ".." / "desk" / "config.yaml", tmp_path / "cache") == a


def test_run_dir_defaults_to_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "c"))
    assert run_dir(tmp_path / "config.yaml").parent == tmp_path / "c" / "runs"


def test_nothing_is_new_without_a_previous_brief() -> None:
    changes = compare(MONDAY, None)
    assert changes.previous is None and changes.developments == [] and changes.actors == []


def test_new_developments_and_actors_since_the_previous_brief() -> None:
    tuesday = brief(
        "2024-05-07T06:00:00+00:00",
        [
            # the same story, reworded and ranked first now: not new
            dev("kd1", "Grain corridor talks open in Geneva on Thursday", doc="d9"),
            # cites the same span as Monday's first development: not new
            dev("kd2", "Putin hosts Kim", doc="d1", start=0),
            dev("kd3", "Seoul summons the Russian ambassador", doc="d3"),
        ],
        [
            actor("kim-jong-un", "Kim Jong Un", "Kim"),
            actor("yoon", "Yoon Suk Yeol"),
            actor("russian-federation", "Russian Federation", "Russia"),
        ],
    )
    changes = compare(tuesday, BriefKeys.of(MONDAY))
    assert changes.previous == "2024-05-06T06:00:00+00:00"
    assert changes.developments == ["kd3"]
    assert changes.actors == ["yoon"]


def test_state_round_trip_and_previous(tmp_path: Path) -> None:
    state = RunState.load(tmp_path / "run", "config.yaml")
    assert state.previous("2024-05-06T06:00:00+00:00") is None
    state.record_brief(MONDAY)
    state.save()
    again = RunState.load(tmp_path / "run", "config.yaml")
    assert again.previous("2024-05-07T06:00:00+00:00").generated_at == MONDAY.generated_at  # type: ignore[union-attr]
    # A rebuild with the same (pinned) build time compares with the brief before it.
    assert again.previous(MONDAY.generated_at) is None
    # Time zones are compared as instants.
    assert again.previous("2024-05-06T07:30:00+01:00") is not None
    saved = json.loads((tmp_path / "run" / "state.json").read_text())
    assert saved["version"] == 1 and saved["config"] == "config.yaml"


def test_only_the_last_briefs_are_kept(tmp_path: Path) -> None:
    state = RunState(tmp_path)
    for day in range(1, 7):
        state.record_brief(brief(f"2024-05-0{day}T06:00:00+00:00", [], []))
    state.record_brief(brief("2024-05-06T06:00:00+00:00", [], []))  # same time: replaced
    assert [b.generated_at[:10] for b in state.briefs] == ["2024-05-04", "2024-05-05", "2024-05-06"]


def test_seen_documents_by_text_and_by_url(tmp_path: Path) -> None:
    state = RunState(tmp_path)
    a = Document(text="Article A", title="A", url="https://example.org/a")
    b = Document(text="Article B", title="B")
    state.record_documents([a, b])
    assert not state.is_new(Document(text="Article A", title="other title"))
    assert not state.is_new(
        Document(text="Article A, updated", title="A", url="https://example.org/a")
    )
    linked = Document(text="Article C", title="C")
    linked.meta["link"] = "https://example.org/a"
    assert not state.is_new(linked)
    assert state.is_new(Document(text="Article C", title="C"))
    assert state.url_seen("https://example.org/a")
    assert not state.url_seen("https://example.org/c") and not state.url_seen(None)


def test_old_seen_entries_are_forgotten(tmp_path: Path) -> None:
    state = RunState(tmp_path)
    state.seen_ids = {"old": "2020-01-01", "recent": state.today}
    state.seen_urls = {"https://old": "2020-01-01"}
    state.record_documents([])
    assert list(state.seen_ids) == ["recent"] and state.seen_urls == {}
    assert SEEN_MAX_AGE_DAYS >= 365


@pytest.mark.parametrize("content", ["{not json", '{"version": 1}', "[]"])
def test_unreadable_state_starts_afresh(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "state.json").write_text(content)
    with caplog.at_level(logging.WARNING, logger="briefgen"):
        state = RunState.load(tmp_path)
    assert state.seen_ids == {} and state.briefs == []
    assert "starting afresh" in caplog.text


def test_save_failure_is_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING, logger="briefgen"):
        RunState(blocker / "run").save()
    assert "cannot write" in caplog.text
