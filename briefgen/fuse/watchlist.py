"""The watchlist section: what the brief has on each watched actor and topic."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from briefgen.config import Watchlist
from briefgen.model import (
    Actor,
    KeyDevelopment,
    WatchEntry,
)
from briefgen.watchlist import encode_topic, mentions_topic, name_key


def watch_entry(
    item: tuple[str, str, tuple[str, ...]],
    devs: list[KeyDevelopment],
    more_devs: Sequence[KeyDevelopment],
    actors: list[Actor],
) -> WatchEntry:
    """What the brief has on one watchlist item (:func:`watch_entries`)."""
    return watch_entries([item], devs, more_devs, actors)[0]


def watch_entries(
    items: Sequence[tuple[str, str, tuple[str, ...]]],
    devs: list[KeyDevelopment],
    more_devs: Sequence[KeyDevelopment],
    actors: list[Actor],
) -> list[WatchEntry]:
    """What the brief has on each watchlist item.

    An actor item names the actors whose name or an alias is one of the item's names
    (ignoring case and spacing); its developments are those with one of them among their
    actors, or one of those actors' names or aliases (or the item's) in their *who* or,
    as whole words, in their summary. A topic item's developments are those whose
    summary, *what* or evidence names one of its terms as whole words. The developments
    not shown (``more_devs``: on disk for a large pile) are read once for all items.
    """
    matchers = [_matcher(item, actors) for item in items]
    more = [0] * len(items)
    if matchers:
        for d in more_devs:
            for k, (_, about) in enumerate(matchers):
                if about(d):
                    more[k] += 1
    return [
        WatchEntry(
            name=name,
            kind="actor" if kind == "actor" else "topic",
            aliases=list(aliases),
            actors=ids,
            developments=[d.id for d in devs if about(d)],
            more=count,
        )
        for (kind, name, aliases), (ids, about), count in zip(items, matchers, more, strict=True)
    ]


def _matcher(
    item: tuple[str, str, tuple[str, ...]], actors: list[Actor]
) -> tuple[list[str], Callable[[KeyDevelopment], bool]]:
    """The ids of the actors a watchlist item names (none for a topic), and whether a
    development is about the item."""
    kind, name, aliases = item
    if kind == "actor":
        names = {name_key(n) for n in (name, *aliases)}
        matched = [a for a in actors if {name_key(n) for n in (a.name, *a.aliases)} & names]
        ids = [a.id for a in matched]
        wanted = set(ids)
        forms = names | {name_key(n) for a in matched for n in (a.name, *a.aliases)}
        forms |= {f[:-1] for f in forms if f.endswith("s") and len(f) > 4}  # "Houthi rebels"
        said = (encode_topic(name, sorted(forms)),)

        def about(d: KeyDevelopment) -> bool:
            return (
                bool(wanted & set(d.actor_ids))
                or any(name_key(w) in forms for w in d.who)
                or any(mentions_topic(t, said) for t in (d.summary, *d.who))
            )

        return ids, about
    topic = (encode_topic(name, aliases),)

    def about_topic(d: KeyDevelopment) -> bool:
        texts = [d.summary, d.what or "", *(e.text for e in d.evidence)]
        return any(mentions_topic(t, topic) for t in texts)

    return [], about_topic


def watch_items(watchlist: Watchlist) -> list[tuple[str, str, tuple[str, ...]]]:
    """(kind "actor"|"topic", name, aliases) of every watchlist item, actors first."""
    return [
        (kind[:-1], item.name, tuple(item.aliases))
        for kind in ("actors", "topics")
        for item in watchlist.items(kind)
    ]
