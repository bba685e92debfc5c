"""The streamed appendix (briefgen.store.spill): written item by item to a file, spliced
into the JSON output and the fused-brief cache without being held, byte for byte what
the in-memory path writes, checked in bounded memory, and never half-written."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import run_cli, write_project

from briefgen.cli import EXIT_OK
from briefgen.config import Sections
from briefgen.errors import RenderError
from briefgen.fuse import FuseOptions, fuse
from briefgen.model import Appendix, Brief, DocFacts, appendix_json
from briefgen.pipeline import check_outputs
from briefgen.render import render, write_outputs
from briefgen.store.cache import FusedCache
from briefgen.store.spill import SECTIONS, AppendixSpill, Fragment, SplicedJson

FIXTURE = Path(__file__).parent / "fixtures" / "brief.json"
WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
HOSTILE = 'Zoë "Z" </script>\n\u2028 \\ ёж 😀'


def fixture() -> Brief:
    return Brief.from_json(FIXTURE.read_text(encoding="utf-8"))


def pile() -> list[DocFacts]:
    """The fixture brief's items given back to the documents they cite, as facts; one
    actor renamed with characters JSON must escape."""
    brief = fixture()
    brief.actors[0].name = HOSTILE
    facts = []
    for doc in brief.documents:

        def cites(item: object, doc_id: str = doc.id) -> bool:
            return any(e.doc == doc_id for e in getattr(item, "evidence", []))

        facts.append(
            DocFacts(
                document=doc,
                actors=[a for a in brief.actors if cites(a)],
                key_developments=[d for d in brief.key_developments if cites(d)],
                statements=[s for s in brief.statements if s.doc == doc.id],
                risks=[r for r in brief.risks if cites(r)],
                open_questions=[q for q in brief.open_questions if cites(q)],
                timeline=[e for e in brief.timeline if cites(e)],
            )
        )
    return facts


#: Every section shows one item: the rest goes to the appendix.
SMALL = FuseOptions(
    sections=Sections(
        key_developments=1, actors=1, statements=1, risks=1, open_questions=1, timeline=1
    )
)


def spill(folder: Path, appendix: Appendix) -> Fragment:
    writer = AppendixSpill(folder)
    for name in SECTIONS:
        writer.section(name, getattr(appendix, name))
    return writer.finish()


def test_the_spilled_appendix_is_the_bytes_of_the_in_memory_one(tmp_path: Path) -> None:
    brief = fixture()
    brief.actors[1].aliases = [HOSTILE]
    full = Appendix(
        key_developments=brief.key_developments,
        actors=brief.actors,
        statements=brief.statements,
        timeline=brief.timeline[:1],
    )
    for appendix in (full, Appendix(), Appendix(risks=brief.risks[:1])):
        assert spill(tmp_path, appendix).text() == appendix_json(appendix)


def test_sections_left_out_are_written_empty_and_order_is_kept(tmp_path: Path) -> None:
    brief = fixture()
    writer = AppendixSpill(tmp_path)
    writer.section("actors", brief.actors[:2])  # key_developments before it: empty
    with pytest.raises(ValueError, match="out of order"):
        writer.section("key_developments", [])
    fragment = writer.finish()  # statements … timeline: empty
    assert fragment.text() == appendix_json(Appendix(actors=brief.actors[:2]))
    assert fragment.size == fragment.path.stat().st_size
    assert fragment.problem() is None


def test_fusion_into_the_spill_writes_the_same_json_as_in_memory(tmp_path: Path) -> None:
    whole = fuse(pile(), SMALL, WHEN)
    assert whole.appendix.actors and whole.appendix.timeline  # the caps filled it
    writer = AppendixSpill(tmp_path / "spill")
    bare = fuse(pile(), SMALL, WHEN, appendix=writer.section)
    assert bare.appendix == Appendix()
    fragment = writer.finish()
    outputs = render(bare, ["json", "md"], appendix=fragment)
    assert isinstance(outputs["json"], SplicedJson)
    check_outputs(outputs)
    [path, _] = write_outputs(outputs, tmp_path / "out", "brief")
    assert path.read_bytes() == (whole.to_json() + "\n").encode("utf-8")
    data = json.loads(path.read_bytes())
    assert HOSTILE in [a["name"] for a in data["actors"] + data["appendix"]["actors"]]
    # The templates never see the appendix: the build renders them without it.
    assert outputs["md"] == render(whole.model_copy(update={"appendix": Appendix()}), ["md"])["md"]


def test_a_damaged_appendix_file_is_caught_before_it_replaces_anything(tmp_path: Path) -> None:
    brief = fixture()
    fragment = spill(tmp_path, Appendix(actors=brief.actors))
    outputs = render(brief, ["json"], appendix=fragment)
    write_outputs({"json": b'{"old": 1}\n'}, tmp_path / "out", "brief")
    data = fragment.path.read_bytes()
    for damage in (data[: len(data) // 2], data[:-1] + b"]", b""):
        fragment.path.write_bytes(damage)
        with pytest.raises(RenderError, match="json output is invalid"):
            check_outputs(outputs)
    fragment.path.unlink()
    with pytest.raises(RenderError, match="brief.json"):  # vanished under the writer
        write_outputs(outputs, tmp_path / "out", "brief")
    assert (tmp_path / "out" / "brief.json").read_bytes() == b'{"old": 1}\n'
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["brief.json"]  # no temp left


def test_the_fused_cache_keeps_the_fragment_and_checks_its_size(tmp_path: Path) -> None:
    brief = fixture()
    fragment = spill(tmp_path / "run", Appendix(actors=brief.actors))
    cache = FusedCache(tmp_path / "cache")
    cache.put("k" * 64, b"{}", fragment, {"generated_at": "x"})
    fragment.path.unlink()  # the run's own file goes; the entry keeps its own
    got = cache.get("k" * 64)
    assert got is not None
    assert got[1].text() == appendix_json(Appendix(actors=brief.actors))
    got[1].path.write_bytes(got[1].path.read_bytes()[:-10])  # truncated by a power cut
    assert cache.get("k" * 64) is None


def test_a_build_that_fails_writing_the_appendix_keeps_the_last_brief(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(cache))
    articles = {
        f"{n}.txt": f"Talks in Geneva {n}\n\nDelegates from Ukraine and Russia met in Geneva "
        "on Tuesday to discuss grain exports, the foreign ministry said.\n"
        for n in range(3)
    }
    config = write_project(
        tmp_path,
        articles,
        'title: "T"\nsources:\n  - path: articles/*\noutput:\n  dir: out\n  name: brief\n'
        "  formats: [json]\nsections:\n  actors: 1\n  timeline: 1\n",
    )
    assert run_cli(["build", "--config", str(config)]).exit_code == EXIT_OK
    good = (tmp_path / "out" / "brief.json").read_bytes()
    assert json.loads(good)["appendix"]["actors"]  # the pile has an appendix
    (tmp_path / "articles" / "9.txt").write_text("Talks in Bern\n\nThey met in Bern.\n")

    def full(self: AppendixSpill, name: str, items: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(AppendixSpill, "section", full)
    failed = run_cli(["build", "--config", str(config)])
    assert failed.exit_code != EXIT_OK
    assert "appendix" in failed.stderr and "No space left" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert (tmp_path / "out" / "brief.json").read_bytes() == good
    assert not list((cache / "fused-v1").glob(".spill-*"))  # the run's file removed
    monkeypatch.undo()
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(cache))
    assert run_cli(["build", "--config", str(config)]).exit_code == EXIT_OK
    assert not list((cache / "fused-v1").glob(".spill-*"))
    rebuilt = json.loads((tmp_path / "out" / "brief.json").read_bytes())
    assert len(rebuilt["documents"]) == 4


def test_a_killed_runs_appendix_file_is_swept_later(tmp_path: Path) -> None:
    import os
    import time

    cache = FusedCache(tmp_path)
    old, new = AppendixSpill(cache.root), AppendixSpill(cache.root)
    day_ago = time.time() - 2 * 86400
    os.utime(old.path, (day_ago, day_ago))
    assert cache.sweep() == 1
    assert not old.path.exists() and new.path.exists()  # a running build's is kept
