"""Coverage: documents per day for the top stories, one row of bars per story.

Drawn when at least one story has two dated documents; stories are numbered as in the
Stories section (S1, S2, …), and every row shares one day axis, so a reader sees which
story dominates which days.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from briefgen.model import Story
from briefgen.render.figures import svg

WIDTH = 680.0
ROW = 30.0
TOP_N = 6
LABEL_W = 200.0


def coverage_chart(stories: list[Story], top: int = TOP_N) -> Markup:
    """Documents per publication day of the first ``top`` stories that have two dated
    documents or more; empty Markup when none has."""
    shown = [
        (k, s)
        for k, s in enumerate(stories, 1)
        if sum(c.documents for c in s.coverage) >= 2 and len(s.documents) >= 2
    ][:top]
    if not shown:
        return Markup("")
    days = [date.fromisoformat(c.date).toordinal() for _, s in shown for c in s.coverage]
    first, last = min(days), max(days)
    span = max(1, last - first + 1)
    left = 14 + LABEL_W
    right = WIDTH - 14
    step = (right - left) / span
    most = max(c.documents for _, s in shown for c in s.coverage)
    body: list[str] = []
    for row, (k, story) in enumerate(shown):
        y = 8 + row * ROW
        label = f"S{k} " + svg.shorten(story.label, 34)
        body.append(svg.text(14, y + ROW / 2 + 2, label, 9, fill=svg.INK))
        body.append(
            svg.el(
                "line",
                x1=left,
                x2=right,
                y1=y + ROW - 6,
                y2=y + ROW - 6,
                stroke=svg.HAIRLINE,
                stroke_width=1,
            )
        )
        for c in story.coverage:
            x = left + (date.fromisoformat(c.date).toordinal() - first) * step
            h = max(2.0, (ROW - 10) * c.documents / most)
            body.append(
                svg.el(
                    "rect",
                    x=x + 0.5,
                    y=y + ROW - 6 - h,
                    width=max(step - 1.0, 1.5),
                    height=h,
                    fill=svg.ACCENT_MID,
                )
            )
    axis_y = 8 + len(shown) * ROW + 10
    start, end = date.fromordinal(first), date.fromordinal(last)
    body.append(svg.text(left, axis_y, f"{start.day} {start:%b %Y}", 8.5, fill=svg.MUTED))
    body.append(
        svg.text(right, axis_y, f"{end.day} {end:%b %Y}", 8.5, fill=svg.MUTED, text_anchor="end")
    )
    body.append(
        svg.text(
            (left + right) / 2,
            axis_y,
            f"bar height: documents per day (most: {most})",
            8,
            fill=svg.MUTED,
            text_anchor="middle",
        )
    )
    desc = "; ".join(
        f"S{k} {story.label}: " + ", ".join(f"{c.date} {c.documents}" for c in story.coverage)
        for k, story in shown
    )
    return svg.document(WIDTH, axis_y + 8, body, "Coverage of the top stories by day", desc)
