"""Sources by publisher: a bar per publisher, with its Admiralty grade when known.

Only drawn when the brief rests on at least two documents: with one, the
Sources table says it all.
"""

from __future__ import annotations

from collections import Counter

from markupsafe import Markup

from briefgen.model import DocumentRef
from briefgen.render.figures import svg
from briefgen.render.grading import admiralty

WIDTH = 680.0
BAR_ROW = 20.0
TOP_N = 12
NOT_STATED = "Publisher not stated"


def publisher_chart(documents: list[DocumentRef], top: int = TOP_N) -> Markup:
    """Documents per publisher, most first (ties by name), or empty Markup below two documents."""
    if len(documents) < 2:
        return Markup("")
    counts: Counter[str] = Counter()
    grades: dict[str, str] = {}
    for doc in documents:
        name = " ".join((doc.publisher or "").split()) or NOT_STATED
        counts[name] += 1
        grade = admiralty(doc)
        if grade and name not in grades:
            grades[name] = grade.code
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
    rest = ranked[top:]
    ranked = ranked[:top]
    if rest:
        ranked.append((f"{len(rest)} other publishers", sum(n for _, n in rest)))
    label_w = 190.0
    grade_w = 30.0 if grades else 0.0
    left = 14 + label_w + grade_w
    right = WIDTH - 40
    most = max(n for _, n in ranked)
    body: list[str] = []
    if grades:
        body.append(
            svg.text(
                14 + label_w + grade_w / 2 - 4,
                10,
                "GRADE",
                7,
                fill=svg.MUTED,
                text_anchor="middle",
                font_weight="bold",
            )
        )
    for row, (name, count) in enumerate(ranked):
        y = 16 + row * BAR_ROW
        body.append(
            svg.text(
                14 + label_w - 6,
                y + 11,
                svg.shorten(name, 32),
                9.5,
                text_anchor="end",
                fill=svg.MUTED if name == NOT_STATED else svg.INK,
            )
        )
        if name in grades:
            body.append(
                svg.text(
                    14 + label_w + grade_w / 2 - 4,
                    y + 11,
                    grades[name],
                    9,
                    text_anchor="middle",
                    font_weight="bold",
                    fill=svg.ACCENT,
                )
            )
        width = max((right - left) * count / most, 2.0)
        body.append(
            svg.el(
                "rect",
                x=left,
                y=y + 2,
                width=width,
                height=BAR_ROW - 6,
                rx=1.5,
                fill=svg.ACCENT_MID,
            )
        )
        body.append(svg.text(left + width + 5, y + 11.5, str(count), 9, fill=svg.INK))
    height = 16 + len(ranked) * BAR_ROW + 6
    desc = "; ".join(f"{name}: {count}" for name, count in ranked)
    return svg.document(WIDTH, height, body, "Documents by publisher", desc)
