"""The risk matrix: ICD 203 likelihood (columns) × impact (rows).

Each risk is a numbered disc in its cell; the numbers are those of the risks
table. Cells shade from pale (unlikely, low impact) to deep red (almost
certain, high impact). Risks whose source gave no likelihood ("could", "may")
sit in a grey "not stated" column of their own, left of the scale.
"""

from __future__ import annotations

from markupsafe import Markup

from briefgen.model import LIKELIHOOD_SCALE, Risk
from briefgen.render.figures import svg

WIDTH = 680.0
LEFT = 62.0
RIGHT = 10.0
TOP = 18.0
ROW = 44.0
IMPACTS = ["high", "medium", "low"]
TERMS = list(LIKELIHOOD_SCALE)
#: Pale to deep, by severity bucket.
NOT_STATED = "not stated"
UNSTATED_SHADE = "#e9eaec"
SHADES = ["#f1f3f6", "#f5efdc", "#f7e3bd", "#f5d0a3", "#f0b592", "#e79a86", "#dc7e78"]


def _severity(term_index: int, impact_index: int) -> int:
    """0–6: likelihood weighs 60 %, impact 40 %."""
    score = 0.6 * term_index / 6 + 0.4 * (2 - impact_index) / 2
    return min(6, round(score * 6))


def _term_lines(term: str) -> list[str]:
    words = term.split()
    if len(words) <= 1:
        return [term]
    if len(words) == 2:
        return words
    return [" ".join(words[:2]), " ".join(words[2:])]


def risk_matrix(risks: list[Risk]) -> Markup:
    """The SVG matrix of ``risks`` (numbered in list order), or empty Markup without risks."""
    if not risks:
        return Markup("")
    unstated = any(r.likelihood not in TERMS for r in risks)
    columns = ([NOT_STATED] if unstated else []) + TERMS
    shift = 1 if unstated else 0
    col = (WIDTH - LEFT - RIGHT) / len(columns)
    cells: dict[tuple[int, int], list[int]] = {}
    for number, risk in enumerate(risks, start=1):
        t = TERMS.index(risk.likelihood) + shift if risk.likelihood in TERMS else 0
        i = IMPACTS.index(risk.impact) if risk.impact in IMPACTS else 1
        cells.setdefault((t, i), []).append(number)
    body: list[str] = []
    for i, impact in enumerate(IMPACTS):
        y = TOP + i * ROW
        body.append(
            svg.text(
                LEFT - 8,
                y + ROW / 2 + 3.5,
                impact.capitalize(),
                9.5,
                text_anchor="end",
                font_weight="bold",
                fill=svg.INK,
            )
        )
        for t in range(len(columns)):
            x = LEFT + t * col
            shade = UNSTATED_SHADE if t < shift else SHADES[_severity(t - shift, i)]
            body.append(
                svg.el(
                    "rect",
                    x=x,
                    y=y,
                    width=col,
                    height=ROW,
                    fill=shade,
                    stroke="#ffffff",
                    stroke_width=1.5,
                )
            )
            numbers = cells.get((t, i), [])
            body += _discs(numbers, x, y, col)
    label_y = TOP + 3 * ROW + 13
    for t, term in enumerate(columns):
        cx = LEFT + (t + 0.5) * col
        for k, line in enumerate(_term_lines(term)):
            body.append(
                svg.text(cx, label_y + k * 10.5, line, 9, text_anchor="middle", fill=svg.INK)
            )
        low, high = LIKELIHOOD_SCALE.get(term, (0, 0))
        shown = f"{low}–{high}%" if term in LIKELIHOOD_SCALE else "could / may"
        body.append(svg.text(cx, label_y + 23, shown, 8, text_anchor="middle", fill=svg.MUTED))
    axis_y = label_y + 38
    body.append(
        svg.text(
            LEFT + (WIDTH - LEFT - RIGHT) / 2,
            axis_y,
            "LIKELIHOOD (ICD 203) →",
            8,
            text_anchor="middle",
            fill=svg.MUTED,
            font_weight="bold",
            letter_spacing="0.06em",
        )
    )
    body.append(
        svg.text(
            LEFT - 8,
            TOP - 6,
            "IMPACT",
            8,
            text_anchor="end",
            fill=svg.MUTED,
            font_weight="bold",
            letter_spacing="0.06em",
        )
    )
    desc = "; ".join(
        f"risk {n}: {risk.likelihood or 'likelihood not stated'}, {risk.impact} impact"
        for n, risk in enumerate(risks, start=1)
    )
    return svg.document(WIDTH, axis_y + 6, body, "Risk matrix", desc)


def _discs(numbers: list[int], x: float, y: float, col: float) -> list[str]:
    """Up to eight numbered discs in two rows; beyond that the last slot says "+k"."""
    per_row, step = 4, 19.0
    slots = [str(n) for n in numbers]
    if len(slots) > 2 * per_row:
        slots = slots[: 2 * per_row - 1] + [f"+{len(numbers) - (2 * per_row - 1)}"]
    rows = (len(slots) + per_row - 1) // per_row
    out: list[str] = []
    for index, label in enumerate(slots):
        row, place = divmod(index, per_row)
        in_row = min(per_row, len(slots) - row * per_row)
        cx = x + col / 2 + (place - (in_row - 1) / 2) * step
        cy = y + ROW / 2 + (row - (rows - 1) / 2) * step
        if not label.startswith("+"):
            out.append(
                svg.el(
                    "circle",
                    cx=cx,
                    cy=cy,
                    r=8.4,
                    fill=svg.ACCENT,
                    stroke="#ffffff",
                    stroke_width=1.2,
                )
            )
        out.append(
            svg.text(
                cx,
                cy + 3.3,
                label,
                9 if len(label) < 3 else 7.5,
                text_anchor="middle",
                font_weight="bold",
                fill=svg.INK if label.startswith("+") else "#ffffff",
            )
        )
    return out
