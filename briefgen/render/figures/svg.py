"""A tiny SVG writer: escaped elements, text width estimates, the palette.

Every figure is a string of well-formed XML (``xml.etree`` parses it) that is
embedded inline in the HTML and the PDF. All text and attribute values pass
through :func:`esc`, so article text (actor names, events) cannot inject
markup. Presentation is set with attributes, not CSS, because WeasyPrint's
SVG renderer does not apply the page's stylesheet to inline SVG.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"

#: The sans-serif stack of the default theme (style.css ``--sans``).
SANS = (
    "'Source Sans 3', 'Source Sans Pro', 'Helvetica Neue', Arial, 'Liberation Sans', "
    "'DejaVu Sans', sans-serif"
)

#: Colours of the default theme.
INK = "#1a1f29"
MUTED = "#5b6472"
RULE = "#b9c0cc"
HAIRLINE = "#dde1e8"
ACCENT = "#1f3a5f"
ACCENT_MID = "#5d7ea8"
SOFT = "#eef2f7"
WATCH = "#d9a400"

#: Average advance of a character in em, generous enough for DejaVu Sans
#: (the widest font the stack may fall back to), so labels never collide.
CHAR_EM = 0.58


def esc(value: object) -> str:
    """Text or attribute value, XML-escaped (quotes included); control characters dropped."""
    text = "".join(ch for ch in str(value) if ch in "\t\n" or ord(ch) >= 0x20)
    return escape(text, {'"': "&quot;", "'": "&#39;"})


def num(value: float) -> str:
    """A coordinate with at most one decimal, no trailing zeros (small, stable output)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def attrs(**values: object) -> str:
    """`` key="value"`` pairs; ``font_size`` becomes ``font-size``; None is left out."""
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        shown = num(value) if isinstance(value, float) else value
        parts.append(f' {name}="{esc(shown)}"')
    return "".join(parts)


def el(tag: str, body: str = "", **values: object) -> str:
    """One element; ``body`` is trusted markup (already escaped)."""
    if body:
        return f"<{tag}{attrs(**values)}>{body}</{tag}>"
    return f"<{tag}{attrs(**values)}/>"


def text(x: float, y: float, content: str, size: float = 10, **values: object) -> str:
    """A ``<text>`` element with escaped ``content``."""
    values.setdefault("fill", INK)
    return el("text", esc(content), x=float(x), y=float(y), font_size=size, **values)


def text_width(content: str, size: float) -> float:
    """Estimated width of ``content`` at ``size`` px (an upper bound for the theme fonts)."""
    return len(content) * size * CHAR_EM


def shorten(content: str, limit: int) -> str:
    """``content`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    words = " ".join(str(content).split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    if words[limit - 1] != " " and " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]  # do not cut a word in two
    return cut.rstrip(" ,;:.–—-") + "…"


def document(width: float, height: float, body: list[str], title: str, desc: str) -> Markup:
    """The ``<svg>`` root: scalable (viewBox), titled for screen readers."""
    head = el("title", esc(title)) + el("desc", esc(desc))
    return Markup(
        f'<svg xmlns="{SVG_NS}" class="figure-svg" role="img" viewBox="0 0 {num(width)} '
        f'{num(height)}" width="{num(width)}" height="{num(height)}"'
        f' font-family="{esc(SANS)}">{head}{"".join(body)}</svg>'
    )


def circle_points(count: int, cx: float, cy: float, radius: float) -> list[tuple[float, float]]:
    """``count`` points on a circle, clockwise from the top (deterministic layout)."""
    points = []
    for index in range(count):
        angle = -math.pi / 2 + 2 * math.pi * index / max(count, 1)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points
