"""The per-document cache (issue 4): hits and misses, invalidation when the extractor
changes, corrupt entries, atomic writes, the ``briefgen cache`` command, a warm rebuild
that imports no spaCy, the period filter on publication dates, and the new settings."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from briefgen.config import parse_config
from briefgen.errors import ConfigError, InputError
from briefgen.extract import ExtractOptions
from briefgen.facts import setting
from briefgen.ingest import filter_period
from briefgen.model import DocFacts, Document, DocumentRef
from briefgen.store.cache import FUSED_LAYOUT, FactsCache

ARTICLE = """---
title: Dam talks resume
publisher: Wire Service
published: 2024-03-18
---
Officials from Egypt and Ethiopia resumed talks on the Nile dam in Cairo on Monday, the
foreign ministry said. The talks are expected to last three days.
"""
LATER = """---
title: Dam talks end
publisher: The Daily
published: 2024-04-02
---
The talks on the Nile dam ended in Addis Ababa on Tuesday without an agreement, officials said.
"""
UNDATED = "Egypt said the dam talks would continue.\n"


def facts_for(doc: Document) -> DocFacts:
    return DocFacts(
        document=DocumentRef(id=doc.id, title=doc.title, sha256=doc.sha256),
        extractor_version="1",
        model="en_test-1.0",
    )


# --- FactsCache ---------------------------------------------------------------------------


def test_miss_then_hit(tmp_path: Path) -> None:
    cache = FactsCache(tmp_path)
    doc = Document(text="Some text.", title="T")
    key = setting("en_test-1.0", "3.8.0").key(doc)
    assert cache.get(key, doc) is None
    cache.put(key, facts_for(doc))
    got = cache.get(key, doc)
    assert got is not None and got.document.sha256 == doc.sha256
    assert (cache.hits, cache.misses) == (1, 1)
    assert not list(tmp_path.rglob(".tmp-*"))  # atomic: no temporary file left behind


def test_key_changes_with_everything_that_changes_the_facts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = Document(text="Some text.", title="T", published="2024-03-18")
    base = setting("en_test-1.0", "3.8.0").key(doc)
    assert setting("en_test-1.0", "3.8.0").key(doc) == base  # stable
    assert setting("en_test-1.1", "3.8.0").key(doc) != base  # model version
    assert setting("en_test-1.0", "3.9.0").key(doc) != base  # spaCy version
    assert (
        setting("en_test-1.0", "3.8.0", ExtractOptions(watch_actors=("Kim",))).key(doc) != base
    )  # watchlist
    assert (
        setting("en_test-1.0", "3.8.0").key(
            Document(text="Some text.", title="Other", published="2024-03-18")
        )
        != base
    )
    assert setting("en_test-1.0", "3.8.0").key(Document(text="Some text.", title="T")) != base
    import briefgen.extract

    monkeypatch.setattr(briefgen.extract, "EXTRACTOR_VERSION", "999")
    assert setting("en_test-1.0", "3.8.0").key(doc) != base  # extractor version


def test_a_path_change_is_not_a_content_change() -> None:
    a = Document(text="Some text.", title="T", path="a.txt")
    b = Document(text="Some text.", title="T", path="moved/b.txt", publisher="Other")
    s = setting("en_test-1.0", "3.8.0")
    assert s.key(a) == s.key(b)


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"document": 3}', b"\x00\xff" * 10])
def test_a_corrupt_entry_is_ignored(tmp_path: Path, garbage: bytes) -> None:
    cache = FactsCache(tmp_path)
    doc = Document(text="Some text.", title="T")
    key = setting("en_test-1.0", "3.8.0").key(doc)
    cache.put(key, facts_for(doc))
    cache.path(key).write_bytes(garbage)
    assert cache.get(key, doc) is None
    assert cache.corrupt == 1


def test_an_entry_of_another_document_is_ignored(tmp_path: Path) -> None:
    cache = FactsCache(tmp_path)
    doc, other = Document(text="One.", title="T"), Document(text="Two.", title="T")
    key = setting("en_test-1.0", "3.8.0").key(doc)
    cache.put(key, facts_for(other))
    assert cache.get(key, doc) is None


def test_disabled_cache_reads_and_writes_nothing(tmp_path: Path) -> None:
    cache = FactsCache(tmp_path, enabled=False)
    doc = Document(text="Some text.", title="T")
    cache.put("ab" * 32, facts_for(doc))
    assert cache.get("ab" * 32, doc) is None
    assert not any(tmp_path.iterdir())


def test_an_unwritable_folder_is_reported_once_and_not_fatal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = FactsCache(blocker / "cache")  # a folder inside a file: cannot be made
    doc = Document(text="Some text.", title="T")
    with caplog.at_level(logging.WARNING, logger="briefgen"):
        cache.put("ab" * 32, facts_for(doc))
        cache.put("cd" * 32, facts_for(doc))
    assert len([r for r in caplog.records if "cannot write" in r.getMessage()]) == 1


def test_info_and_clear(tmp_path: Path) -> None:
    cache = FactsCache(tmp_path)
    for i in range(3):
        doc = Document(text=f"Text {i}.", title="T")
        cache.put(setting("m-1", "3").key(doc), facts_for(doc))
    info = cache.info()
    assert info.entries == 3 and info.bytes > 0 and info.folder == tmp_path.absolute()
    assert cache.clear() == 3
    assert cache.info().entries == 0


def test_default_folder_follows_the_environment_then_the_platform(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from briefgen.store.cache import default_dir

    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "c"))
    assert default_dir() == tmp_path / "c"
    monkeypatch.delenv("BRIEFGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert default_dir() == tmp_path / "xdg" / "briefgen"


# --- builds through the CLI (real model) ----------------------------------------------------


def _entries(folder: Path) -> list[Path]:
    """The cache's entries (the run state of each configuration lives beside them)."""
    return sorted(
        p
        for p in folder.rglob("*.json")
        if not {"runs", FUSED_LAYOUT} & set(p.relative_to(folder).parts)
    )


def _cache_log(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if "cache:" in line)


@pytest.mark.model
def test_build_hits_misses_and_rebuilds_after_an_extractor_change(
    make_project: Any, invoke: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_project({"a.md": ARTICLE, "b.md": LATER}, extra_config="cache:\n  dir: mycache\n")
    args = ["build", "--config", str(config), "--format", "json"]
    first = invoke(args)
    assert first.exit_code == 0, first.stderr
    assert "0 of 2 document(s) cached" in _cache_log(first.stderr)
    brief1 = (tmp_path / "out" / "brief.json").read_text()
    assert len(_entries(tmp_path / "mycache")) == 2

    second = invoke(args)  # unchanged corpus: the fused brief itself comes from the cache
    assert "every document and the fused brief cached" in _cache_log(second.stderr)
    assert "nlp:" not in second.stderr and "extract:" not in second.stderr
    assert _without_time(brief1) == _without_time((tmp_path / "out" / "brief.json").read_text())

    shutil.rmtree(tmp_path / "mycache" / FUSED_LAYOUT)  # facts only: fused again, not parsed
    again = invoke(args)
    assert "2 of 2 document(s) cached" in _cache_log(again.stderr)
    assert "no model loaded" in again.stderr
    assert _without_time(brief1) == _without_time((tmp_path / "out" / "brief.json").read_text())

    # A changed extractor version invalidates every entry.
    import briefgen.extract

    monkeypatch.setattr(briefgen.extract, "EXTRACTOR_VERSION", "test-bump")
    third = invoke(args)
    assert "0 of 2 document(s) cached" in _cache_log(third.stderr)


@pytest.mark.model
def test_a_corrupt_entry_is_rebuilt(make_project: Any, invoke: Any, tmp_path: Path) -> None:
    config = make_project({"a.md": ARTICLE}, extra_config="cache:\n  dir: mycache\n")
    args = ["build", "--config", str(config), "--format", "json"]
    assert invoke(args).exit_code == 0
    entry = _entries(tmp_path / "mycache")[0]
    entry.write_text('{"document": {"id": "trunc', encoding="utf-8")
    shutil.rmtree(tmp_path / "mycache" / FUSED_LAYOUT)
    again = invoke(args)
    assert again.exit_code == 0, again.stderr
    assert "1 corrupt entry ignored" in _cache_log(again.stderr)
    DocFacts.model_validate_json(entry.read_bytes())  # rewritten whole
    shutil.rmtree(tmp_path / "mycache" / FUSED_LAYOUT)
    assert "1 of 1 document(s) cached" in _cache_log(invoke(args).stderr)


@pytest.mark.model
def test_fused_brief_cache_is_exact_and_survives_corruption(
    make_project: Any, invoke: Any, tmp_path: Path
) -> None:
    config = make_project({"a.md": ARTICLE, "b.md": LATER}, extra_config="cache:\n  dir: mycache\n")
    args = ["build", "--config", str(config), "--format", "json,md"]
    env = {"SOURCE_DATE_EPOCH": "1714629600"}
    assert invoke(args, env=env).exit_code == 0
    first = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    warm = invoke(args, env=env)
    assert "fused brief cached" in warm.stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == first
    fused = tmp_path / "mycache" / FUSED_LAYOUT
    (brief_file,) = fused.glob("*.brief.json")
    brief_file.write_text("{not json", encoding="utf-8")
    again = invoke(args, env=env)
    assert again.exit_code == 0, again.stderr
    assert "fused brief cached" not in again.stderr  # unreadable: fused again, rewritten
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == first
    assert "fused brief cached" in invoke(args, env=env).stderr
    # A changed option (the title) is another fused brief; both are kept.
    config.write_text(
        config.read_text().replace("title:", "title: Other #", 1)
        if "title:" in config.read_text()
        else 'title: "Other"\n' + config.read_text()
    )
    other = invoke(args, env=env)
    assert "fused brief cached" not in other.stderr
    assert len(list(fused.glob("*.brief.json"))) == 2


@pytest.mark.model
def test_cache_command_info_and_clear(make_project: Any, invoke: Any, tmp_path: Path) -> None:
    config = make_project({"a.md": ARTICLE}, extra_config="cache:\n  dir: mycache\n")
    assert invoke(["build", "--config", str(config), "--format", "json"]).exit_code == 0
    info = invoke(["cache", "info", "--config", str(config)])
    assert info.exit_code == 0
    assert str(tmp_path / "mycache") in info.stdout
    assert "entries: 1" in info.stdout
    cleared = invoke(["cache", "clear", "--config", str(config)])
    assert cleared.exit_code == 0 and "removed 1 entry" in cleared.stdout
    assert "entries: 0" in invoke(["cache", "info", "--config", str(config)]).stdout


def test_cache_command_reports_a_bad_config(make_project: Any, invoke: Any) -> None:
    config = make_project({}, config="sources: 3\n")
    result = invoke(["cache", "info", "--config", str(config)])
    assert result.exit_code == 3


WARM_SCRIPT = """
import sys
from briefgen.cli import main
try:
    main(["build", "--config", sys.argv[1], "--format", "json,md", "-q"])
except SystemExit as exc:
    assert not exc.code, exc.code
print("spacy" in sys.modules, "thinc" in sys.modules)
"""


@pytest.mark.model
def test_a_warm_rebuild_imports_no_spacy(make_project: Any, tmp_path: Path) -> None:
    config = make_project({"a.md": ARTICLE, "b.md": LATER}, extra_config="cache:\n  dir: mycache\n")
    env = dict(os.environ, BRIEFGEN_CACHE_DIR=str(tmp_path / "unused"))

    def run() -> str:
        out = subprocess.run(
            [sys.executable, "-c", WARM_SCRIPT, str(config)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    assert run() == "True True"  # cold: the model is loaded
    assert run() == "False False"  # warm: neither spaCy nor thinc is imported


def test_model_info_reads_the_version_without_importing_spacy() -> None:
    code = (
        "import sys; from briefgen.nlp import model_info; i = model_info(); "
        "print(i is not None and bool(i.version), 'spacy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["True", "False"], out.stderr


@pytest.mark.model
def test_parallel_workers_give_the_same_facts(nlp: Any) -> None:
    from functools import partial

    from briefgen.extract import extract
    from briefgen.facts import extract_documents
    from briefgen.nlp import load_nlp
    from briefgen.nlp.workers import map_parallel

    texts = [ARTICLE.split("---\n", 2)[2], LATER.split("---\n", 2)[2], UNDATED]
    docs = [Document(text=t, title=f"T{i}", published="2024-03-18") for i, t in enumerate(texts)]
    serial = [f.model_dump() for f in extract_documents(nlp, docs, batch_size=1)]
    pairs = list(map_parallel(docs, partial(load_nlp, "auto", None), extract, 1, n_process=2))
    assert sorted(i for i, _ in pairs) == [0, 1, 2]  # each document once, as chunks finish
    parallel = [f.model_dump() for _, f in sorted(pairs, key=lambda p: p[0]) if f is not None]
    assert parallel == serial


def _without_time(text: str) -> dict[str, Any]:
    """The brief without what depends on the build time (its time, and what is new since
    the previous build of the same configuration)."""
    data = json.loads(text)
    data.pop("generated_at")
    data.pop("since_last")
    return data


# --- period filter --------------------------------------------------------------------------


def docs_with_dates() -> list[Document]:
    return [
        Document(text="A.", title="a", published="2024-03-18"),
        Document(text="B.", title="b", published="2024-04-02"),
        Document(text="C.", title="c", published=None),
    ]


def test_period_filter_keeps_the_period_and_undated_documents(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="briefgen"):
        kept = filter_period(docs_with_dates(), date(2024, 3, 1), date(2024, 3, 31))
    assert [d.title for d in kept] == ["a", "c"]
    assert "1 of them without a publication date (kept)" in caplog.text
    assert [d.title for d in filter_period(docs_with_dates(), date(2024, 4, 2), None)] == ["b", "c"]
    assert len(filter_period(docs_with_dates(), None, None)) == 3


def test_period_filter_with_nothing_left_says_so() -> None:
    with pytest.raises(InputError, match="no document published from 2030-01-01"):
        filter_period(docs_with_dates()[:2], date(2030, 1, 1), None)


@pytest.mark.model
def test_since_and_until_on_the_command_line(
    make_project: Any, invoke: Any, tmp_path: Path
) -> None:
    config = make_project(
        {"a.md": ARTICLE, "b.md": LATER, "c.txt": UNDATED},
        extra_config="period:\n  until: 2024-03-31\n",
    )
    run = invoke(["build", "--config", str(config), "--format", "json"])
    assert run.exit_code == 0, run.stderr
    brief = json.loads((tmp_path / "out" / "brief.json").read_text())
    assert sorted(d["title"] for d in brief["documents"]) == ["C", "Dam talks resume"]
    assert brief["period"]["end"] == "2024-03-31"

    run = invoke(
        [
            "build",
            "--config",
            str(config),
            "--format",
            "json",
            "--since",
            "2024-04-01",
            "--until",
            "2024-04-30",
        ]
    )
    assert run.exit_code == 0, run.stderr
    brief = json.loads((tmp_path / "out" / "brief.json").read_text())
    assert sorted(d["title"] for d in brief["documents"]) == ["C", "Dam talks end"]
    assert (brief["period"]["start"], brief["period"]["end"]) == ("2024-04-01", "2024-04-30")
    assert "without a publication date (kept)" in run.stderr


def test_since_after_until_is_a_usage_error(make_project: Any, invoke: Any) -> None:
    config = make_project({"c.txt": UNDATED})
    run = invoke(
        ["build", "--config", str(config), "--since", "2024-05-01", "--until", "2024-04-01"]
    )
    assert run.exit_code == 2
    bad = invoke(["build", "--config", str(config), "--since", "1 May"])
    assert bad.exit_code == 2


def test_no_progress_bar_when_stderr_is_not_a_terminal(make_project: Any, invoke: Any) -> None:
    config = make_project({"c.txt": UNDATED}, extra_config="cache:\n  enabled: false\n")
    run = invoke(["build", "--config", str(config), "--format", "json"])
    assert run.exit_code == 0, run.stderr
    assert "\r" not in run.stderr and "[#" not in run.stderr and "documents" not in run.stderr


# --- configuration --------------------------------------------------------------------------


def test_new_settings_parse(tmp_path: Path) -> None:
    config = parse_config(
        {
            "sources": [{"path": "a"}],
            "period": {"since": date(2024, 3, 1), "until": "2024-03-31"},
            "sources_grading": {"Reuters": "b", "  The   Daily ": "F"},
            "cache": {"dir": "c", "enabled": False},
        },
        tmp_path,
    )
    assert config.period.since == date(2024, 3, 1)
    assert config.period.until == date(2024, 3, 31)
    assert config.sources_grading == {"Reuters": "B", "The Daily": "F"}
    assert config.cache_dir() == tmp_path.absolute() / "c"
    assert config.cache.enabled is False


def test_defaults(tmp_path: Path) -> None:
    config = parse_config({"sources": [{"path": "a"}]}, tmp_path)
    assert config.period.since is None and config.period.until is None
    assert config.sources_grading == {}
    from briefgen.store.cache import default_dir

    assert config.cache.enabled is True and config.cache_dir() == default_dir().absolute()


@pytest.mark.parametrize(
    ("grading", "needle"),
    [
        ({"Reuters": "G"}, "'Reuters': 'G' is not an Admiralty source grade"),
        ({"Reuters": "B2"}, "'Reuters': 'B2'"),
        ({"Reuters": ""}, "'Reuters': ''"),
        ({"": "A"}, "an empty publisher name"),
        ({"Reuters": 2}, "sources_grading.Reuters: expected text"),
    ],
)
def test_grading_letters_are_validated(
    tmp_path: Path, grading: dict[str, Any], needle: str
) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"sources": [{"path": "a"}], "sources_grading": grading}, tmp_path)
    assert needle in str(err.value)
    assert "A completely reliable" in str(err.value) or "expected text" in str(err.value)


def test_period_is_validated(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(
            {"sources": [{"path": "a"}], "period": {"since": "2024-05-01", "until": "2024-04-01"}},
            tmp_path,
        )
    assert "period: since (2024-05-01) is after until (2024-04-01)" in str(err.value)
    with pytest.raises(ConfigError) as err:
        parse_config({"sources": [{"path": "a"}], "period": {"from": "2024-05-01"}}, tmp_path)
    assert "period.from: unknown key" in str(err.value)
    with pytest.raises(ConfigError) as err:
        parse_config({"sources": [{"path": "a"}], "period": {"since": "May"}}, tmp_path)
    assert "period.since: expected a date as YYYY-MM-DD" in str(err.value)
