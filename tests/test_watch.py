"""The watchlist: topic matching with aliases, the per-item entries of fusion, the section."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from briefgen.config import Watchlist
from briefgen.fuse import FuseOptions, fuse, watch_entry
from briefgen.model import Actor, Brief, Evidence, KeyDevelopment, WatchEntry
from briefgen.render import render
from briefgen.watchlist import encode_topic, mentions_topic, topic_terms

FIXTURE = Path(__file__).parent / "fixtures" / "brief.json"
WHEN = datetime(2024, 5, 1, tzinfo=timezone.utc)


def test_topics_match_whole_words_with_aliases() -> None:
    topic = encode_topic("arms transfers", ["arms deal", "weapons  deliveries"])
    assert topic_terms(topic) == ["arms transfers", "arms deal", "weapons deliveries"]
    assert mentions_topic("They signed an Arms Deal on Monday.", [topic])
    assert mentions_topic("weapons\ndeliveries resumed", [topic])
    assert not mentions_topic("The farms dealt with drought.", [topic])
    assert not mentions_topic("arms transfersX", [topic])
    assert not mentions_topic("anything", [])


def test_a_bar_in_a_term_does_not_split_it() -> None:
    assert topic_terms(encode_topic("a|b")) == ["a b"]


def _dev(i: int, summary: str, who: list[str], actor_ids: list[str]) -> KeyDevelopment:
    ev = Evidence(doc="d1", start=0, end=len(summary), text=summary)
    return KeyDevelopment(
        id=f"kd{i}",
        summary=summary,
        who=who,
        actor_ids=actor_ids,
        confidence="moderate",
        corroboration=1,
        evidence=[ev],
    )


def test_actor_entry_by_name_alias_or_who() -> None:
    actors = [
        Actor(
            id="sergei-shoigu",
            name="Sergei Shoigu",
            type="person",
            aliases=["Shoigu"],
            mentions=3,
            salience=1.0,
        )
    ]
    devs = [
        _dev(1, "Shoigu proposed drills.", ["Sergei Shoigu"], ["sergei-shoigu"]),
        _dev(2, "Talks resumed.", ["the ministry"], []),
        _dev(3, "A minister spoke.", ["shoigu"], []),
    ]
    entry = watch_entry(("actor", "Defence Minister", ("Shoigu",)), devs, [], actors)
    assert entry.actors == ["sergei-shoigu"]
    assert entry.developments == ["kd1", "kd3"]
    more = watch_entry(("actor", "Shoigu", ()), devs[:1], devs[2:], actors)
    assert more.developments == ["kd1"] and more.more == 1


def test_topic_entry_reads_summary_what_and_evidence() -> None:
    devs = [
        _dev(1, "Moscow and Pyongyang discussed an arms deal.", [], []),
        _dev(2, "Grain talks resumed.", [], []),
    ]
    entry = watch_entry(("topic", "arms transfers", ("arms deal",)), devs, [], [])
    assert entry.kind == "topic" and entry.developments == ["kd1"] and entry.actors == []


def test_fuse_lists_every_item_even_without_developments() -> None:
    brief = fuse([], FuseOptions(watchlist=Watchlist(topics=["sanctions"])), WHEN)
    assert brief.watchlist_items == [WatchEntry(name="sanctions", kind="topic")]


def test_watchlist_section_in_markdown_and_html() -> None:
    brief = Brief.from_json(FIXTURE.read_text(encoding="utf-8"))
    dev = brief.key_developments[0]
    brief = brief.model_copy(
        update={
            "watchlist_items": [
                WatchEntry(
                    name="Watched <b>one</b>",
                    kind="topic",
                    aliases=["alias"],
                    developments=[dev.id],
                    more=2,
                ),
                WatchEntry(name="Quiet", kind="actor"),
            ]
        }
    )
    out = render(brief, ["md", "html"])
    md, html = out["md"].decode(), out["html"].decode()
    section = md.split("## Watchlist", 1)[1].split("\n## ", 1)[0]
    assert "(topic; also alias): 1 key development, 2 more in the JSON appendix" in section
    assert dev.summary.split()[0] in section
    assert "**Quiet** (actor): nothing in the key developments of these sources" in section
    assert '<section id="watchlist"' in html and "Watched &lt;b&gt;one&lt;/b&gt;" in html
    assert f'href="#dev-{dev.id}' in html


def test_no_watchlist_no_section() -> None:
    brief = Brief.from_json(FIXTURE.read_text(encoding="utf-8"))
    out = render(brief.model_copy(update={"watchlist_items": []}), ["md"])
    assert "## Watchlist" not in out["md"].decode()
