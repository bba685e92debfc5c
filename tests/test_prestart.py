"""Parse workers started before the sources are read (briefgen.facts.prestart_workers,
briefgen.nlp.workers.prestart): when they start, and that the parse takes or ends them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import write_project
from test_cluster import _blank_with_sentences, doc_of, skipping_job

import briefgen.facts as facts_module
from briefgen.config import load_config
from briefgen.ingest.walk import forget_ahead
from briefgen.nlp import workers
from briefgen.nlp.workers import drop_prestarted, map_parallel, prestart, take_prestarted


def _project(tmp_path: Path, files: int, extra: str = "") -> Any:
    articles = {
        f"a{i:03d}.txt": f"Officials met on Monday. Talks went on ({i})." for i in range(files)
    }
    return load_config(
        write_project(tmp_path, articles, extra_config=f"cache:\n  dir: cache\n{extra}")
    )


@pytest.fixture(autouse=True)
def _no_walks_left() -> Iterator[None]:
    """prestart_workers keeps its walks for an ingest; the tests that call no ingest
    leave them, as a build's end would not."""
    yield
    forget_ahead()


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """What prestart_workers asked to start (nothing is spawned), on a 2-core machine."""
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(facts_module, "available_cores", lambda: 2)
    monkeypatch.setattr(facts_module, "prestart", lambda *args: calls.append(args))
    return calls


def test_a_large_uncached_pile_starts_the_workers_early(
    tmp_path: Path, started: list[tuple[Any, ...]]
) -> None:
    config = _project(tmp_path, 100)
    assert facts_module.prestart_workers(config) is True
    ((load, job, batch, processes),) = started
    assert (batch, processes) == (config.nlp.batch_size, 2)
    assert load.args[:2] == (config.nlp.model, config.base_dir)
    assert job.keywords["options"] == facts_module.extract_options(config)


@pytest.mark.parametrize(
    ("files", "extra", "why"),
    [
        (40, "", "too few documents for two processes"),
        (100, "nlp:\n  n_process: 1\n", "one process asked for"),
        (100, "nlp:\n  executor: dask-local:2\n", "the parse is not local"),
    ],
)
def test_no_early_workers_when_they_would_not_be_used(
    tmp_path: Path, started: list[tuple[Any, ...]], files: int, extra: str, why: str
) -> None:
    assert facts_module.prestart_workers(_project(tmp_path, files, extra)) is False, why
    assert started == []


def test_no_early_workers_when_the_cache_holds_most_of_the_pile(
    tmp_path: Path, started: list[tuple[Any, ...]]
) -> None:
    config = _project(tmp_path, 100)
    shard = config.cache_dir() / "facts-v1" / "ab"
    shard.mkdir(parents=True)
    for i in range(49):
        (shard / f"ab{i:02d}.json").write_text("{}", encoding="utf-8")
    assert facts_module.prestart_workers(config) is True  # 49 of 100: still mostly new
    (shard / "ab99.json").write_text("{}", encoding="utf-8")
    assert facts_module.prestart_workers(config) is False  # half cached: a rebuild
    assert len(started) == 1


def test_the_parse_takes_the_early_pool_and_gives_the_same_answers() -> None:
    docs = [doc_of(f"d{i}.txt", "Word. " * (1 + i % 5)) for i in range(24)]
    prestart(_blank_with_sentences, skipping_job, 8, 2)
    early = workers._EARLY["pool"]
    pairs = list(map_parallel(docs, _blank_with_sentences, skipping_job, 8, n_process=2))
    assert not workers._EARLY  # taken
    assert sorted(i for i, _ in pairs) == list(range(24))
    assert all(f is not None and f.extractor_version == f"sentences={1 + i % 5}" for i, f in pairs)
    with pytest.raises(ValueError):  # map_parallel ended the pool it took
        early.apply(len, ([],))


def test_an_early_pool_for_other_work_is_ended_not_used() -> None:
    prestart(_blank_with_sentences, skipping_job, 8, 2)
    early = workers._EARLY["pool"]
    assert take_prestarted((_blank_with_sentences, skipping_job, 16)) is None  # other batch
    assert not workers._EARLY
    with pytest.raises(ValueError):
        early.apply(len, ([],))


def test_drop_prestarted_ends_the_workers() -> None:
    prestart(_blank_with_sentences, skipping_job, 8, 2)
    processes = list(workers._EARLY["pool"]._pool)
    drop_prestarted()
    assert not workers._EARLY
    for process in processes:
        process.join(timeout=10)
        assert not process.is_alive()
    drop_prestarted()  # nothing left: a no-op


def test_the_ingest_takes_the_walk_made_to_count_the_files(
    tmp_path: Path,
    started: list[tuple[Any, ...]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The files are counted by the walk the ingest then reads: one walk, one warning."""
    from briefgen.ingest import ingest
    from briefgen.ingest import walk as walk_module

    config = _project(tmp_path, 100)
    outside = tmp_path / "outside.txt"
    outside.write_text("Kept out of the source folder.", encoding="utf-8")
    (tmp_path / "articles" / "link.txt").symlink_to(outside)
    walks: list[Path] = []
    real = walk_module._Walker.run

    def counted(self: Any) -> None:
        walks.append(self.root)
        real(self)

    monkeypatch.setattr(walk_module._Walker, "run", counted)
    with caplog.at_level(logging.WARNING, logger="briefgen"):
        assert facts_module.prestart_workers(config) is True
        result = ingest(config)
    assert len(walks) == 1
    assert len(result.documents) == 100
    assert [s.source for s in result.skipped if "symbolic link" in s.reason] != []
    assert caplog.text.count("a symbolic link out of the source folder") == 1
    assert not walk_module._AHEAD  # taken
