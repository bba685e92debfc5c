"""Work done in the build's own process while worker processes parse
(briefgen.facts.Beside): the near-duplicate fingerprints of a pile."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import write_project

import briefgen.facts as facts_module
from briefgen.config import load_config
from briefgen.facts import Beside, collect_facts
from briefgen.model import DocFacts, Document


def _recorder(calls: list[str]) -> Beside[str]:
    def work() -> str:
        calls.append(threading.current_thread().name)
        return "done"

    return Beside(work)


def test_work_never_started_is_done_when_its_result_is_asked() -> None:
    calls: list[str] = []
    beside = _recorder(calls)
    assert beside.result() == "done"
    assert beside.result() == "done"  # once
    assert calls == [threading.current_thread().name]
    assert not beside.started


def test_started_work_runs_once_in_its_own_thread() -> None:
    calls: list[str] = []
    beside = _recorder(calls)
    beside.start()
    beside.start()
    assert beside.result() == "done"
    assert calls == ["briefgen-beside"]


@pytest.mark.parametrize("start", [False, True])
def test_the_works_error_is_raised_by_result(start: bool) -> None:
    def work() -> None:
        raise ValueError("broken")

    beside: Beside[None] = Beside(work)
    if start:
        beside.start()
    with pytest.raises(ValueError, match="broken"):
        beside.result()


def _pile(tmp_path: Path) -> tuple[Any, list[Document]]:
    config = load_config(
        write_project(tmp_path, {"a.txt": "Talks went on."}, extra_config="cache:\n  dir: c\n")
    )
    documents = [Document(text=f"Officials met on Monday ({i}).", title=f"t{i}") for i in range(3)]
    return config, documents


@pytest.mark.parametrize("in_workers", [True, False])
def test_collect_facts_starts_the_work_only_beside_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_workers: bool
) -> None:
    config, documents = _pile(tmp_path)
    ran = threading.Event()
    beside = Beside(ran.set)
    seen_during_parse: list[bool] = []

    def parse(
        config: Any, pending: list[Document], options: Any, store: Any, timings: dict[str, float]
    ) -> tuple[Iterator[tuple[int, DocFacts | None]], bool, bool]:
        timings["model"] = 0.0

        def stream() -> Iterator[tuple[int, DocFacts | None]]:
            # the work runs while the answers are awaited (or not at all)
            seen_during_parse.append(ran.wait(timeout=5 if in_workers else 0.05))
            yield from ((j, None) for j in range(len(pending)))

        return stream(), False, in_workers

    monkeypatch.setattr(facts_module, "_parse_and_extract", parse)
    assert collect_facts(config, documents, beside=beside) == []
    assert seen_during_parse == [in_workers]
    assert beside.started is in_workers
    beside.result()
    assert ran.is_set()
