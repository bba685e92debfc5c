"""The executors: ``nlp.executor`` (local | dask://HOST:PORT | dask-local:N), ``--executor``,
``nlp.n_process: auto``, and the Dask map of :mod:`briefgen.nlp.cluster`.

The tests that need Dask start a real ``distributed.LocalCluster`` of worker processes
(CI installs the ``dask`` extra through ``dev``); they skip only when the extra is not
installed. The faults are real too: a worker process that exits mid-batch, a scheduler
that is not there, a scheduler closed mid-build.
"""

from __future__ import annotations

import builtins
import json
import logging
import os
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
import spacy
from conftest import FIXED_EPOCH, ref, run_cli, write_project

from briefgen.config import Executor, load_config, parse_executor
from briefgen.errors import ExecutorError
from briefgen.model import DocFacts, Document
from briefgen.nlp import cluster
from briefgen.nlp.cluster import WorkSpec, map_dask, pipeline_token, run_batch
from briefgen.nlp.workers import map_parallel, plan_chunks, processes_for

# Six short articles written for these tests: people, places, dates, a quote, a risk.
ARTICLES = {
    "harbour.txt": (
        "Port workers in Valdera began a strike on Monday, March 4, 2024, halting container "
        "traffic. Union leader Mara Lind said the strike would continue until wages rise. "
        "The transport minister, Oskar Berg, met the union in Tessaly on Tuesday.\n"
    ),
    "summit.txt": (
        "The presidents of Norland and Estavia met in Rivermouth on March 5, 2024 to sign a "
        "border agreement. President Anna Kohl said the deal ends a decade of disputes. "
        "Officials warned that the agreement could collapse if parliament rejects it.\n"
    ),
    "flood.txt": (
        "Heavy rain flooded the lower districts of Tessaly on Wednesday, March 6, 2024. "
        "Mayor Piet Dahl ordered the evacuation of 3,000 residents. The weather service "
        "expects more rain later this week.\n"
    ),
    "election.txt": (
        "Estavia will hold a snap election on April 14, 2024, Prime Minister Lena Voss "
        "announced on Thursday. The opposition leader, Tomas Ek, welcomed the decision. "
        "Analysts said turnout is likely to be low.\n"
    ),
    "trade.txt": (
        "Norland raised tariffs on steel imports from Estavia on March 7, 2024. The trade "
        "ministry said the measure protects local mills. Estavian officials called the move "
        "unfair and said they would appeal to the trade court.\n"
    ),
    "energy.txt": (
        "A fire at the Kessel refinery in Valdera cut fuel output by a third on Friday, "
        "March 8, 2024. The operator, Nordflux, said nobody was hurt. Fuel prices rose "
        "sharply in Rivermouth and Tessaly.\n"
    ),
}


def needs_dask() -> Any:
    return pytest.importorskip("distributed", reason="the dask extra is not installed")


# --- the executor setting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("local", Executor("local")),
        (" LOCAL ", Executor("local")),
        ("dask-local:2", Executor("dask-local", workers=2)),
        ("dask://10.0.0.5:8786", Executor("dask", address="tcp://10.0.0.5:8786")),
        ("tcp://sched.example:8786", Executor("dask", address="tcp://sched.example:8786")),
    ],
)
def test_parse_executor(text: str, expected: Executor) -> None:
    assert parse_executor(text) == expected
    assert parse_executor(str(expected)) == expected  # the normalised spelling round-trips


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("dask-local:0", "worker count from 1"),
        ("dask-local:many", "worker count from 1"),
        ("dask://nohost", "dask://HOST:PORT"),
        ("dask://host:99999", "dask://HOST:PORT"),
        ("ray://x:1", "use local, dask://HOST:PORT or dask-local:N"),
    ],
)
def test_parse_executor_rejects(text: str, words: str) -> None:
    with pytest.raises(ValueError, match="HOST:PORT|worker count") as info:
        parse_executor(text)
    assert words in str(info.value)


def test_config_executor_and_auto_processes(tmp_path: Path) -> None:
    config = load_config(
        write_project(tmp_path, {}, "sources: [{path: a}]\nnlp: {executor: 'dask://h:8786'}\n")
    )
    assert config.nlp.executor == "dask://h:8786"
    assert config.nlp.parsed_executor() == Executor("dask", address="tcp://h:8786")
    assert config.nlp.n_process == "auto"
    assert config.with_overrides(executor="dask-local:3").nlp.executor == "dask-local:3"


def test_config_executor_error_names_the_key(tmp_path: Path) -> None:
    path = write_project(tmp_path, {}, "sources: [{path: a}]\nnlp: {executor: spark}\n")
    result = run_cli(["build", "--config", str(path)])
    assert result.exit_code == 3
    assert "nlp.executor: 'spark' is not an executor" in result.output


def test_cli_executor_option_is_checked(tmp_path: Path) -> None:
    path = write_project(tmp_path, {"a.txt": "Text."})
    result = run_cli(["build", "--config", str(path), "--executor", "dask-local:x"])
    assert result.exit_code == 2
    assert "--executor" in result.output and "dask-local:2" in result.output


def test_processes_for_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("briefgen.nlp.workers.available_cores", lambda: 4)
    assert processes_for("auto", 10, 32) == 1  # too few to pay for four model loads
    assert processes_for("auto", 100, 32) == 2
    assert processes_for("auto", 1000, 32) == 4  # every core
    assert processes_for(3, 1000, 32) == 3  # a number is taken as it is
    assert processes_for(3, 20, 32) == 1  # ... when there is more than one batch
    monkeypatch.setattr("briefgen.nlp.workers.available_cores", lambda: 1)
    assert processes_for("auto", 1000, 32) == 1


def test_plan_chunks_longest_first_shrinking_to_the_end() -> None:
    sizes = [1000 + (37 * i) % 500 for i in range(300)]  # lengths 1,000-1,499, shuffled
    sizes[17] = 9000  # one long document, in the middle of the input
    plan = plan_chunks(sizes, workers=2, batch_size=32)
    assert sorted(i for chunk in plan for i in chunk) == list(range(300))  # each once
    assert all(1 <= len(chunk) <= 32 for chunk in plan)
    assert plan[0][0] == 17  # the longest goes first
    order = [i for chunk in plan for i in chunk]
    assert [sizes[i] for i in order] == sorted(sizes, reverse=True)
    work = [sum(sizes[i] for i in chunk) for chunk in plan]
    assert work[-1] < work[0] / 8  # the last chunks are a small part of a worker's share
    assert all(len(chunk) >= 4 for chunk in plan[:-1])  # tiny chunks only at the very end


def test_plan_chunks_ties_keep_the_input_order_and_small_inputs_work() -> None:
    assert plan_chunks([5, 5, 5], workers=2, batch_size=32) == [[0, 1, 2]]
    assert plan_chunks([], workers=2, batch_size=32) == []
    assert plan_chunks([3, 9, 3, 0], workers=1, batch_size=2) == [[1, 0], [2, 3]]


def test_map_parallel_gives_each_document_once_and_reports_skips(
    caplog: pytest.LogCaptureFixture,
) -> None:
    docs = [doc_of(f"d{i}.txt", "Word. " * (1 + i % 7)) for i in range(40)]
    docs[11] = doc_of("bad.txt", "EXPLODE here.")
    with caplog.at_level(logging.WARNING, logger="briefgen"):
        pairs = list(map_parallel(docs, _blank_with_sentences, skipping_job, 8, n_process=2))
    assert sorted(i for i, _ in pairs) == list(range(40))
    got = dict(pairs)
    assert got[11] is None and "bad.txt" in caplog.text
    for i, facts in got.items():
        if i != 11:
            assert facts is not None and facts.document.id == docs[i].id
            assert facts.extractor_version == f"sentences={1 + i % 7}"
            assert facts.model == "en_blank_en-0.0.0"


def skipping_job(doc: Any, document: Document) -> DocFacts:
    """:func:`facts_job`, leaving a document out the way the pipeline's job does."""
    from briefgen.nlp.workers import SkipDocument

    if "EXPLODE" in document.text:
        raise SkipDocument(f"skipped {document.path}: extraction failed")
    return facts_job(doc, document)


# --- the worker's side, without a cluster -----------------------------------------------------


def doc_of(name: str, text: str) -> Document:
    return Document(text=text, title=name, path=name)


def facts_job(doc: Any, document: Document) -> DocFacts:
    """A small job: the document's sentence count as its only 'fact'."""
    if "EXPLODE" in document.text:
        raise ValueError("the extractor tripped")
    if "DIE-ONCE" in document.text:
        marker = Path(document.text.split("DIE-ONCE:", 1)[1].strip())
        if not marker.exists():  # the first worker to get it dies mid-batch
            marker.write_text("died", encoding="utf-8")
            os._exit(1)
    return DocFacts(document=ref(document), extractor_version=f"sentences={len(list(doc.sents))}")


def test_run_batch_skips_a_crashing_document_and_keeps_the_rest() -> None:
    load = _blank_with_sentences
    spec = WorkSpec(load, facts_job, 8, pipeline_token(load))
    batch = [
        (0, doc_of("a.txt", "One. Two.")),
        (1, doc_of("b.txt", "EXPLODE here.")),
        (2, doc_of("c.txt", "Three.")),
    ]
    out = run_batch(spec, batch)
    assert [(i, ok) for i, _, ok in out] == [(0, True), (1, False), (2, True)]
    assert out[1][1] == "ValueError: the extractor tripped"
    facts = DocFacts.model_validate_json(out[0][1])  # facts travel back as JSON
    assert facts.model == "en_blank_en-0.0.0" and facts.extractor_version == "sentences=2"
    # the worker keeps its pipeline: the second batch does not load it again
    first = cluster._WORKER["nlp"]
    run_batch(spec, batch[:1])
    assert cluster._WORKER["nlp"] is first


def _blank_with_sentences() -> Any:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.meta["name"] = "blank_en"
    return nlp


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_distributed(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError("No module named 'distributed'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "distributed", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_distributed)
    docs = [doc_of("a.txt", "One.")]
    with pytest.raises(ExecutorError, match=r"pip install 'briefgen\[dask\]'"):
        list(map_dask(docs, _blank_with_sentences, facts_job, local_workers=1))


# --- a real LocalCluster ----------------------------------------------------------------------


@pytest.fixture
def by_value() -> Any:
    """Workers cannot import this test module: ship its functions by value."""
    import cloudpickle

    module = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(module)
    yield
    cloudpickle.unregister_pickle_by_value(module)


def test_killed_worker_documents_are_computed_elsewhere(
    tmp_path: Path, by_value: Any, caplog: pytest.LogCaptureFixture
) -> None:
    needs_dask()
    marker = tmp_path / "died"
    docs = [doc_of(f"d{i}.txt", f"Sentence {i}. Another one.") for i in range(12)]
    docs[5] = doc_of("d5.txt", f"This one kills its worker. DIE-ONCE: {marker}")
    docs[9] = doc_of("d9.txt", "EXPLODE in the extractor.")
    with caplog.at_level(logging.WARNING, logger="briefgen"):
        got = dict(map_dask(docs, _blank_with_sentences, facts_job, local_workers=2, batch_size=2))
    assert marker.read_text(encoding="utf-8") == "died"  # a worker really died mid-batch
    assert sorted(got) == [i for i in range(12) if i != 9]  # all but the crashing one
    assert got[5].extractor_version == "sentences=2" and got[5].document.path == "d5.txt"
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert skipped == ["extract: skipped d9.txt: ValueError: the extractor tripped"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_scheduler_is_one_line_and_keeps_the_last_brief(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_dask()
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 2.0)
    path = write_project(tmp_path, {"a.txt": ARTICLES["harbour.txt"]})
    out = tmp_path / "out"
    out.mkdir()
    (out / "brief.json").write_text('{"last": "good"}', encoding="utf-8")
    address = f"127.0.0.1:{_free_port()}"
    result = run_cli(
        ["build", "--config", str(path), "--format", "json", "--executor", f"dask://{address}"]
    )
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error" in line]
    assert len(errors) == 1
    assert f"cannot reach the Dask scheduler at tcp://{address}" in errors[0]
    assert "Traceback" not in result.output
    assert (out / "brief.json").read_text(encoding="utf-8") == '{"last": "good"}'


def test_scheduler_gone_mid_build_is_an_error_after_the_first_results(
    tmp_path: Path, by_value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = needs_dask()
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 2.0)
    local = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR
    )
    docs = [doc_of(f"d{i}.txt", f"Sentence {i}.") for i in range(40)]
    got: list[int] = []
    with pytest.raises(ExecutorError, match="lost the Dask scheduler at tcp://") as info:
        for index, _ in map_dask(
            docs, _blank_with_sentences, facts_job, address=local.scheduler_address, batch_size=1
        ):
            got.append(index)
            if len(got) == 1:
                local.close()
    assert got and len(got) < len(docs)
    assert "run again to resume" in str(info.value)


@pytest.mark.parametrize("workers", [1, 2])
def test_build_through_a_local_cluster_writes_the_same_json(tmp_path: Path, workers: int) -> None:
    """CI's real cluster: the small corpus built locally and through ``dask-local:N``
    (worker processes loading the real model) gives byte-identical JSON."""
    needs_dask()
    briefs = {}
    for executor in ("local", f"dask-local:{workers}"):
        root = tmp_path / executor.replace(":", "-")
        path = write_project(
            root,
            ARTICLES,
            'title: "Cluster test"\nmarking: "TLP:CLEAR"\nsources:\n  - path: articles/*\n'
            "output:\n  dir: out\n  name: brief\n  formats: [json]\n"
            f"nlp:\n  executor: {executor}\n  batch_size: 2\ncache:\n  dir: cache\n",
        )
        result = run_cli(["build", "--config", str(path)], env={"SOURCE_DATE_EPOCH": FIXED_EPOCH})
        assert result.exit_code == 0, result.output
        briefs[executor] = (root / "out" / "brief.json").read_bytes()
        assert len(list((root / "cache" / "facts-v1").rglob("*.json"))) == len(ARTICLES)
    local, dask = briefs.values()
    assert local == dask
    assert len(json.loads(dask)["documents"]) == len(ARTICLES)


def _other_code() -> str:
    return "digest-on-the-worker"


def test_worker_with_other_briefgen_refuses_to_extract() -> None:
    cluster._WORKER.clear()
    spec = WorkSpec(
        _blank_with_sentences, facts_job, 8, "token-x", _other_code, "digest-on-the-client"
    )
    with pytest.raises(RuntimeError, match="install the same briefgen on every worker"):
        run_batch(spec, [(0, doc_of("a.txt", "One."))])
    assert "nlp" not in cluster._WORKER  # nothing loaded


# --- malloc in Dask's workers -----------------------------------------------------------------

FAULTS = """
import resource, sys
from briefgen.nlp.cluster import relax_malloc

def faults() -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(300):
        block = bytearray(1 << 20)  # 1 MB, every page written
        del block
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

first = faults()
relaxed = relax_malloc()
print(first, relaxed, faults())
"""


def _faults(env_value: str | None) -> tuple[int, bool, int]:
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    if env_value is not None:
        env["MALLOC_TRIM_THRESHOLD_"] = env_value
    out = subprocess.run(
        [sys.executable, "-c", FAULTS], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0]), out[1] == "True", int(out[2])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_relax_malloc_undoes_the_nannys_trim_threshold() -> None:
    # Dask's value: every 1 MB block is a fresh mapping (256 page faults) until relaxed.
    before, relaxed, after = _faults(cluster.DASK_TRIM)
    assert relaxed
    assert before > 300 * 200
    assert after < before / 10
    # Without it glibc adapts by itself, and relax_malloc leaves the process alone; a
    # value set by hand is kept.
    assert _faults(None)[1] is False
    assert _faults("1000000")[1] is False


def test_local_cluster_workers_are_spawned_without_the_trim_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    distributed = needs_dask()
    # A nanny started with Dask's defaults writes the value into its own process's
    # environment too (an earlier test's cluster did, in this one): start clean.
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    client, local, _ = cluster._connect(distributed, None, 1)
    try:
        seen = client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_")
    finally:
        client.close()
        local.close()
    assert list(seen.values()) == [None]
