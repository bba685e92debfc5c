"""The variables every template receives, computed once from a ``Brief``.

Templates get the ``Brief`` itself (``brief``) plus a few ready-made views so
that they stay declarative: the key judgments with their evidence, the
timeline in date order, formatted timestamps, the marking colours.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from briefgen.model import BlufItem, Brief, DocumentRef
from briefgen.render import filters
from briefgen.render.figures import build_figures
from briefgen.render.grading import admiralty

#: Sections of the default theme in reading order: (block name, heading, anchor id).
SECTIONS = [
    ("bluf", "Key judgments", "key-judgments"),
    ("developments", "Key developments", "key-developments"),
    ("actors", "Actors", "actors"),
    ("statements", "Statements", "statements"),
    ("risks", "Risks", "risks"),
    ("questions", "Open questions", "open-questions"),
    ("timeline", "Timeline", "timeline"),
    ("sources", "Sources", "sources"),
    ("evidence", "Evidence", "evidence"),
]

EMPTY = "None identified."

#: The Sources table lists every document up to this many; beyond, the documents the
#: brief cites and those supporting the most developments (the JSON lists them all).
SOURCES_SHOWN = 40
#: How many stories the Stories section shows (the JSON lists them all).
STORIES_SHOWN = 8


def bluf_items(brief: Brief) -> list[BlufItem]:
    """The key judgments: ``bluf_items`` when given, else the ``bluf`` strings uncited."""
    if brief.bluf_items:
        return list(brief.bluf_items)
    return [BlufItem(text=text) for text in brief.bluf]


def build_context(brief: Brief, *, author: str | None = None) -> dict[str, Any]:
    """Template variables for ``brief`` (a private deep copy: templates cannot alter it)."""
    brief = brief.model_copy(deep=True)
    return {
        "brief": brief,
        "title": brief.title,
        "marking": brief.marking,
        "marking_style": filters.marking_colors(brief.marking),
        "author": author or "briefgen",
        "generator": f"briefgen {_version()}".strip(),
        "generated": filters.format_datetime(brief.generated_at),
        "generated_iso": filters.iso_timestamp(brief.generated_at),
        "period": filters.format_period(brief.period),
        "bluf_items": bluf_items(brief),
        "documents": brief.documents,
        "documents_by_id": {doc.id: doc for doc in brief.documents},
        "actors_by_id": {actor.id: actor for actor in brief.actors},
        "timeline": filters.timeline_order(brief.timeline),
        "sections": [
            {"block": block, "heading": heading, "id": anchor}
            for block, heading, anchor in SECTIONS
        ],
        "empty_text": EMPTY,
        "figures": build_figures(brief),
        "graded": any(admiralty(doc) for doc in brief.documents),
        "since_last": since_last(brief),
        "watch_items": watch_items(brief),
        "source_rows": lambda cited=(): shown_sources(brief, cited),
        "stories": story_views(brief),
    }


def story_views(brief: Brief, limit: int = STORIES_SHOWN) -> list[dict[str, Any]]:
    """The Stories section: the first ``limit`` stories that have a development, each with
    its number (S1 …, as in the coverage chart), its developments (its lead, then its
    sub-events from the appendix) and up to three
    statements of its documents (objects, in the brief's order). Empty for a pile of
    one story: the brief itself is that story."""
    if len(brief.stories) < 2:
        return []
    devs = {d.id: d for d in brief.key_developments + brief.appendix.key_developments}
    shown = {d.id for d in brief.key_developments}
    out = []
    for number, story in enumerate(brief.stories, 1):
        developments = [devs[i] for i in story.developments if i in devs]
        if not developments:
            continue
        docs = set(story.documents)
        out.append(
            {
                "number": number,
                "story": story,
                "developments": developments[:4],
                # ids with an entry in Key developments (the rest, a story's sub-events,
                # are in the JSON appendix): only those link
                "shown": shown,
                "statements": [st for st in brief.statements if st.doc in docs][:3],
            }
        )
        if len(out) >= limit:
            break
    return out


def since_last(brief: Brief) -> dict[str, Any] | None:
    """What is new since the previous brief of the configuration, with the developments
    and actors themselves (in the brief's order), and whether nothing (``nothing_new``)
    or every development (``all_new``) is new; None for a first brief."""
    changes = brief.since_last
    if changes.previous is None:
        return None
    devs = {d.id: d for d in brief.key_developments}
    actors = {a.id: a for a in brief.actors}
    new_devs = [devs[i] for i in changes.developments if i in devs]
    new_actors = [actors[i] for i in changes.actors if i in actors]
    return {
        "previous": filters.format_datetime(changes.previous),
        "developments": new_devs,
        "actors": new_actors,
        # One line instead of a list: nothing is new, or every development is (the
        # previous brief had other sources): listing them again would repeat the brief.
        "nothing_new": not new_devs and not new_actors,
        "all_new": len(new_devs) > 1 and len(new_devs) == len(brief.key_developments),
    }


def watch_items(brief: Brief) -> list[dict[str, Any]]:
    """The watchlist section: each item with its developments and actors (objects)."""
    devs = {d.id: d for d in brief.key_developments}
    actors = {a.id: a for a in brief.actors}
    out = []
    for item in brief.watchlist_items:
        named = [actors[i] for i in item.actors if i in actors]
        out.append(
            {
                "name": item.name,
                "kind": item.kind,
                "aliases": item.aliases,
                "developments": [devs[i] for i in item.developments if i in devs],
                "actors": named,
                "mentions": sum(a.mentions for a in named),
                "more": item.more,
            }
        )
    return out


def shown_sources(
    brief: Brief, cited: Iterable[str] = (), limit: int = SOURCES_SHOWN
) -> list[DocumentRef]:
    """The rows of the Sources table, in the brief's order: every document up to
    ``limit``; beyond, the ``cited`` ones (the documents of the evidence the brief cites)
    and then those supporting the most key developments, up to ``limit``."""
    docs = list(brief.documents)
    if len(docs) <= limit:
        return docs
    keep = {d for d in cited}
    ranked = sorted(
        (d for d in docs if d.id not in keep and d.developments), key=lambda d: -d.developments
    )
    keep.update(d.id for d in ranked[: max(0, limit - len(keep))])
    return [d for d in docs if d.id in keep]


def _version() -> str:
    try:
        return version("briefgen")
    except PackageNotFoundError:
        return ""
