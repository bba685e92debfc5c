"""The actor network: who appears with whom in the same evidence sentence.

The sentences are every evidence span the brief cites (actors, developments,
risks, questions, timeline, key judgments), each counted once. An actor is in a
sentence when the sentence is one of its own evidence spans or names it (its
name or an alias, as a whole word). The top actors by salience sit on a circle
(deterministic), ranked clockwise from the top; circle area grows with
salience, line width with the number of sentences two actors share.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import combinations

from markupsafe import Markup

from briefgen.model import Actor, Brief, Evidence
from briefgen.render.figures import svg

WIDTH = 680.0
HEIGHT = 372.0
CENTER = (340.0, 178.0)
RADIUS = 128.0
TOP = 12
LABEL_SIZE = 11.0
LABEL_CHARS = 26

TYPE_COLORS = {
    "person": "#1f3a5f",
    "state": "#2f7d6d",
    "organization": "#c0652b",
    "group": "#8a3b8f",
}
OTHER_COLOR = "#7b8494"
TYPE_NAMES = [
    ("person", "person"),
    ("state", "state"),
    ("organization", "organisation"),
    ("group", "group"),
    ("other", "other"),
]


def evidence_sentences(brief: Brief) -> list[Evidence]:
    """Every evidence span of the brief once, spans inside another span left out."""
    spans: dict[tuple[str, int, int], Evidence] = {}
    holders: list[list[Evidence]] = [actor.evidence for actor in brief.actors]
    holders += [dev.evidence for dev in brief.key_developments]
    holders += [risk.evidence for risk in brief.risks]
    holders += [q.evidence for q in brief.open_questions]
    holders += [entry.evidence for entry in brief.timeline]
    holders += [item.evidence for item in brief.bluf_items]
    for evidence in holders:
        for ev in evidence:
            spans.setdefault((ev.doc, ev.start, ev.end), ev)
    ordered = sorted(spans.values(), key=lambda ev: (ev.doc, ev.start, -ev.end))
    kept: list[Evidence] = []
    for ev in ordered:
        last = kept[-1] if kept else None
        if last and last.doc == ev.doc and last.start <= ev.start and ev.end <= last.end:
            continue  # inside the previous (longer or equal) span
        kept.append(ev)
    return kept


def _pattern(actor: Actor) -> re.Pattern[str] | None:
    names = sorted(
        {n.strip() for n in [actor.name, *actor.aliases] if len(n.strip()) >= 2},
        key=len,
        reverse=True,
    )
    if not names:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


def co_occurrences(brief: Brief, actors: list[Actor]) -> Counter[tuple[str, str]]:
    """Sentences shared by each pair of ``actors`` (ids in ``actors`` order)."""
    patterns = {actor.id: _pattern(actor) for actor in actors}
    own = {actor.id: {(ev.doc, ev.start, ev.end) for ev in actor.evidence} for actor in actors}
    order = {actor.id: index for index, actor in enumerate(actors)}
    pairs: Counter[tuple[str, str]] = Counter()
    for ev in evidence_sentences(brief):
        key = (ev.doc, ev.start, ev.end)
        present = []
        for actor in actors:
            pattern = patterns[actor.id]
            if key in own[actor.id] or (pattern is not None and pattern.search(ev.text)):
                present.append(actor.id)
        for a, b in combinations(sorted(present, key=order.__getitem__), 2):
            pairs[(a, b)] += 1
    return pairs


def _label_position(x: float, y: float, r: float) -> tuple[float, float, str]:
    cx, cy = CENTER
    angle = math.atan2(y - cy, x - cx)
    cos, sin = math.cos(angle), math.sin(angle)
    lx, ly = x + cos * (r + 5), y + sin * (r + 5)
    anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
    if sin < -0.7:
        ly -= 2
    elif sin > 0.7:
        ly += LABEL_SIZE
    else:
        ly += LABEL_SIZE * 0.35
    return lx, ly, anchor


def actor_network(brief: Brief, top: int = TOP) -> Markup:
    """The SVG network of the ``top`` actors, or empty Markup with fewer than two."""
    actors = list(brief.actors[:top])
    if len(actors) < 2:
        return Markup("")
    pairs = co_occurrences(brief, actors)
    layout = svg.circle_points(len(actors), *CENTER, RADIUS)
    points = dict(zip((a.id for a in actors), layout, strict=True))
    peak = max((a.salience for a in actors), default=0.0) or 1.0
    radius = {a.id: 5 + 10 * math.sqrt(max(a.salience, 0.0) / peak) for a in actors}
    most = max(pairs.values(), default=1)
    body: list[str] = []
    for (a, b), count in sorted(pairs.items(), key=lambda item: item[1]):
        (x1, y1), (x2, y2) = points[a], points[b]
        share = count / most
        body.append(
            svg.el(
                "line",
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                stroke=svg.ACCENT_MID,
                stroke_width=round(0.6 + 4.4 * share, 1),
                stroke_opacity=round(0.22 + 0.58 * share, 2),
                stroke_linecap="round",
            )
        )
    for actor in actors:
        x, y = points[actor.id]
        r = radius[actor.id]
        color = TYPE_COLORS.get(actor.type, OTHER_COLOR)
        linked = sum(count for pair, count in pairs.items() if actor.id in pair)
        node = svg.el(
            "title",
            svg.esc(
                f"{actor.name} ({actor.type}): {actor.mentions} mentions, {linked} shared sentences"
            ),
        )
        if actor.watchlist:
            body.append(
                svg.el(
                    "circle", cx=x, cy=y, r=r + 3, fill="none", stroke=svg.WATCH, stroke_width=2.2
                )
            )
        body.append(
            svg.el("circle", node, cx=x, cy=y, r=r, fill=color, stroke="#ffffff", stroke_width=1.2)
        )
        lx, ly, anchor = _label_position(x, y, r + (3 if actor.watchlist else 0))
        weight = "bold" if actor.watchlist else None
        body.append(
            svg.text(
                lx,
                ly,
                svg.shorten(actor.name, LABEL_CHARS),
                LABEL_SIZE,
                text_anchor=anchor,
                font_weight=weight,
            )
        )
    body += _legend(actors, most)
    desc = (
        f"{len(actors)} actors, {len(pairs)} links; the strongest link is "
        f"{most} shared sentence{'s' if most != 1 else ''}."
    )
    return svg.document(WIDTH, HEIGHT, body, "Actor network", desc)


def _legend(actors: list[Actor], most: int) -> list[str]:
    y = HEIGHT - 10
    out: list[str] = []
    x = 14.0
    present = {a.type if a.type in TYPE_COLORS else "other" for a in actors}
    for key, name in TYPE_NAMES:
        if key not in present:
            continue
        out.append(
            svg.el("circle", cx=x + 4, cy=y - 3, r=4.0, fill=TYPE_COLORS.get(key, OTHER_COLOR))
        )
        out.append(svg.text(x + 11, y, name, 8, fill=svg.MUTED))
        x += 11 + svg.text_width(name, 8) + 10
    if any(a.watchlist for a in actors):
        out.append(
            svg.el(
                "circle", cx=x + 4, cy=y - 3, r=4.0, fill="none", stroke=svg.WATCH, stroke_width=2
            )
        )
        out.append(svg.text(x + 11, y, "watchlist", 8, fill=svg.MUTED))
    scale = (
        f"circle: salience · line: sentences shared (1–{most})"
        if most > 1
        else "circle: salience · line: a shared sentence"
    )
    out.append(svg.text(WIDTH - 14, y, scale, 8, fill=svg.MUTED, text_anchor="end"))
    return out
