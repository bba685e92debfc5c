"""Items held on disk (:mod:`briefgen.store.spool`) and fusion of facts read from there:
the same brief, byte for byte, as from facts held as objects (issue 17, item 4)."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict
from test_spill import HOSTILE, SMALL, WHEN, pile

from briefgen.fuse import FuseOptions, fuse
from briefgen.model import DocFacts, DocumentRef, Statement, appendix_json
from briefgen.store.cache import FUSED_LAYOUT
from briefgen.store.spill import AppendixSpill
from briefgen.store.spool import Spool


def spooled(facts: list[DocFacts], compress: bool = True) -> Spool[DocFacts]:
    spool = Spool(DocFacts, compress=compress)
    for f in facts:
        spool.append(f)
    return spool


@pytest.mark.parametrize("compress", [False, True])
def test_items_come_back_equal_in_any_order_while_more_are_written(compress: bool) -> None:
    facts = pile()
    with Spool(DocFacts, compress=compress) as spool:
        for k, f in enumerate(facts):
            assert spool.append(f) == k
            assert spool[k] == f  # read back before the buffer reached the file
            assert spool[0] == facts[0]
        assert len(spool) == len(facts)
        assert list(spool) == facts
        assert spool[-1] == facts[-1]
        assert spool[1:3] == facts[1:3]
        assert spool[0] is not spool[0]  # a fresh copy each time
        view = spool.view([2, 0])
        assert list(view) == [facts[2], facts[0]] and len(view) == 2
        with pytest.raises(IndexError):
            spool[len(facts)]


def test_an_item_can_be_read_as_a_model_of_some_of_its_fields() -> None:
    class Head(BaseModel):
        model_config = ConfigDict(extra="ignore")
        document: DocumentRef

    facts = pile()
    with spooled(facts) as spool:
        assert spool.get(1, Head).document == facts[1].document
        assert spool.view([1]).get(0, Head).document == facts[1].document


def test_large_items_are_written_through_the_buffer_and_hostile_text_survives() -> None:
    first = next(s for f in pile() for s in f.statements)
    big = first.model_copy(update={"speaker_name": HOSTILE * 20_000})
    with Spool(Statement) as spool:
        for _ in range(3):  # more than the 1 MB buffer
            spool.append(big)
        assert spool[2] == big
        assert spool.raw(1) == big.model_dump_json().encode("utf-8")


def test_a_closed_spool_is_empty_and_its_file_gone(tmp_path: Path) -> None:
    spool = Spool(DocFacts, folder=tmp_path)
    spool.append(pile()[0])
    spool.close()
    assert len(spool) == 0
    assert list(tmp_path.iterdir()) == []  # anonymous: never visible, gone when closed


def test_fusion_of_facts_on_disk_is_the_fusion_of_facts_held(tmp_path: Path) -> None:
    options = FuseOptions(
        sections=SMALL.sections,
        watchlist={"actors": [HOSTILE], "topics": ["election"]},  # type: ignore[arg-type]
    )
    for opts in (SMALL, options, FuseOptions()):
        held = fuse(pile(), opts, WHEN)
        with spooled(pile()) as facts:
            assert fuse(facts, opts, WHEN).to_json() == held.to_json()
            writer = AppendixSpill(tmp_path)
            bare = fuse(facts, opts, WHEN, appendix=writer.section)
            assert writer.finish().text() == appendix_json(held.appendix)
            assert bare.model_copy(update={"appendix": held.appendix}).to_json() == held.to_json()


def test_the_appendix_lists_the_spooled_items_numbered_after_the_shown_ones() -> None:
    with spooled(pile()) as facts:
        brief = fuse(facts, SMALL, datetime(2024, 1, 1, tzinfo=timezone.utc))
    ids = [d.id for d in brief.key_developments + brief.appendix.key_developments]
    assert ids == [f"kd{k}" for k in range(1, len(ids) + 1)] and len(ids) > 1
    said = [s.id for s in brief.statements + brief.appendix.statements]
    assert said == [f"st{k}" for k in range(1, len(said) + 1)] and len(said) > 1
    story_devs = [d for s in brief.stories for d in s.developments]
    assert sorted(story_devs, key=lambda i: int(i[2:])) == ids


@pytest.mark.model
def test_a_build_of_a_large_pile_keeps_the_facts_on_disk_and_writes_the_same_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``collect_facts`` spools a pile of ``SPOOL_FROM`` documents or more (here every
    pile): parsed, then from the cache, the build's JSON is the one of facts held."""
    from conftest import FIXED_EPOCH, run_cli, write_project
    from test_cluster import ARTICLES

    import briefgen.facts

    config = (
        'title: "Spool test"\nmarking: "TLP:CLEAR"\nsources:\n  - path: articles/*\n'
        "output:\n  dir: out\n  name: brief\n  formats: [json, md]\n"
        "nlp:\n  n_process: 1\ncache:\n  dir: cache\n"
    )
    briefs = {}
    spooled: list[int] = []
    real = briefgen.facts.Spool

    def counting(*args: object, **kw: object) -> object:
        spooled.append(1)
        return real(*args, **kw)  # type: ignore[arg-type]

    for mode in ("held", "spool", "spool-cached"):
        if mode != "held":
            monkeypatch.setattr(briefgen.facts, "SPOOL_FROM", 1)
            monkeypatch.setattr(briefgen.facts, "Spool", counting)
        root = tmp_path / ("spool" if mode.startswith("spool") else mode)
        path = write_project(root, ARTICLES, config)
        # the second spooled build reads every document's facts from the cache, and fuses
        # them again (its fused brief removed)
        shutil.rmtree(root / "cache" / FUSED_LAYOUT, ignore_errors=True)
        result = run_cli(["build", "--config", str(path)], env={"SOURCE_DATE_EPOCH": FIXED_EPOCH})
        assert result.exit_code == 0, result.output
        briefs[mode] = (root / "out" / "brief.json").read_bytes()
        assert len(spooled) == {"held": 0, "spool": 1, "spool-cached": 2}[mode]
    assert briefs["spool"] == briefs["held"] == briefs["spool-cached"]


@pytest.mark.model
def test_facts_held_as_they_are_or_compacted_make_the_same_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below ``COMPACT_FROM`` documents the facts are held as read; compacted (here every
    pile) the build's JSON is the same bytes, and the compactor did run."""
    from conftest import FIXED_EPOCH, run_cli, write_project
    from test_cluster import ARTICLES

    import briefgen.facts

    config = (
        'title: "Compact test"\nmarking: "TLP:CLEAR"\nsources:\n  - path: articles/*\n'
        "output:\n  dir: out\n  name: brief\n  formats: [json]\n"
        "nlp:\n  n_process: 1\ncache:\n  dir: cache\n"
    )
    compacted: list[int] = []
    real = briefgen.facts.Compactor.compact

    def counting(self: object, facts: object) -> object:
        compacted.append(1)
        return real(self, facts)  # type: ignore[arg-type]

    monkeypatch.setattr(briefgen.facts.Compactor, "compact", counting)
    briefs = {}
    for mode in ("held", "compacted"):
        if mode == "compacted":
            monkeypatch.setattr(briefgen.facts, "COMPACT_FROM", 1)
        root = tmp_path / mode
        path = write_project(root, ARTICLES, config)
        result = run_cli(["build", "--config", str(path)], env={"SOURCE_DATE_EPOCH": FIXED_EPOCH})
        assert result.exit_code == 0, result.output
        briefs[mode] = (root / "out" / "brief.json").read_bytes()
        assert bool(compacted) == (mode == "compacted")
    assert briefs["held"] == briefs["compacted"]
