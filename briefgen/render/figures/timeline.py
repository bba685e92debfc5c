"""The timeline chart: dated entries on a time axis, labelled without overlap.

Entries are numbered as in the timeline table (date order, see
``filters.timeline_order``). A day is a dot; a month or a year is a bar
spanning it, so the reader sees how precise each date is. Entries whose year
the source does not give (``sort_key`` ``9999-MM-DD``) go on a second axis
of months and days, labelled as such; entries with no date at all are left to
the table and counted in the figure's description.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from briefgen.model import TimelineEntry
from briefgen.render.figures import svg

WIDTH = 680.0
MARGIN = 14.0
LABEL_SIZE = 9.5
LANE_HEIGHT = 13.0
MAX_LANES = 12
LABEL_CHARS = 40
RIGHT_ROOM = 170.0  # px kept free right of the last entry, for its label
MONTH_ABBR = [name[:3] for name in calendar.month_name[1:]]
_NO_YEAR = re.compile(r"^9999-(\d\d)-(\d\d)$")
_LEAP_YEAR = 2000  # the stand-in year of entries without one (has 29 February)


@dataclass
class Item:
    number: int
    label: str
    start: date
    end: date  # == start for a day
    precision: str

    @property
    def middle(self) -> date:
        return self.start + (self.end - self.start) / 2


def _span(day: date, precision: str | None) -> tuple[date, date]:
    if precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return date(day.year, day.month, 1), date(day.year, day.month, last)
    return day, day


def split_entries(entries: list[TimelineEntry]) -> tuple[list[Item], list[Item], int]:
    """(dated items, items without a year, count of entries with no date at all)."""
    dated: list[Item] = []
    no_year: list[Item] = []
    undated = 0
    for number, entry in enumerate(entries, start=1):
        label = svg.shorten(entry.text, LABEL_CHARS)
        if entry.date:
            day = date.fromisoformat(entry.date)
            start, end = _span(day, entry.precision)
            dated.append(Item(number, label, start, end, entry.precision or "day"))
            continue
        match = _NO_YEAR.match(entry.sort_key or "")
        month = int(match.group(1)) if match else 0
        if not 1 <= month <= 12:
            undated += 1
            continue
        assert match is not None
        day_of_month = min(max(int(match.group(2)), 1), 31)
        try:
            day = date(_LEAP_YEAR, month, day_of_month)
        except ValueError:
            day = date(_LEAP_YEAR, month, 1)
        precision = "day" if int(match.group(2)) else "month"
        start, end = _span(day, precision)
        no_year.append(Item(number, label, start, end, precision))
    return dated, no_year, undated


def _ticks(lo: date, hi: date, with_year: bool) -> list[tuple[date, str]]:
    """Tick positions and labels: years, months or days, about 4 to 12 of them."""
    days = (hi - lo).days
    if with_year and days > 3 * 365:
        step = next(s for s in (1, 2, 5, 10, 20, 50) if (hi.year - lo.year) / s <= 10)
        first = (lo.year // step + (lo.year % step > 0)) * step
        return [
            (date(y, 1, 1), str(y))
            for y in range(first, hi.year + 1, step)
            if lo <= date(y, 1, 1) <= hi
        ]
    if days > 75:
        months = (hi.year - lo.year) * 12 + hi.month - lo.month
        step = next(s for s in (1, 2, 3, 6, 12) if months / s <= 12)
        ticks: list[tuple[date, str]] = []
        y, m = lo.year, lo.month
        while date(y, m, 1) <= hi:
            if date(y, m, 1) >= lo and (m - 1) % step == 0:
                name = MONTH_ABBR[m - 1]
                label = f"{name} {y}" if with_year and (m == 1 or not ticks) else name
                ticks.append((date(y, m, 1), label))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return ticks
    step = next(s for s in (1, 2, 7, 14) if days / s <= 12)
    ticks = []
    day = lo
    while day <= hi:
        if (day - lo).days % step == 0:
            label = f"{day.day} {MONTH_ABBR[day.month - 1]}"
            if with_year and not ticks:
                label += f" {day.year}"
            ticks.append((day, label))
        day += timedelta(days=1)
    return ticks


def _fits(
    occupied: list[list[tuple[float, float]]], lane: int, a: float, b: float, x: float
) -> bool:
    """A label on ``lane`` spanning [a, b], with its leader line down from it at ``x``,
    touches no other label or leader line."""
    if any(not (b + 5 < lo or a - 5 > hi) for lo, hi in occupied[lane]):
        return False
    return all(x + 1.5 < lo or x - 1.5 > hi for below in occupied[:lane] for lo, hi in below)


def _label_text(numbers: list[int], label: str, room: float, extra: int) -> str:
    """ "6, 7  Text of the first…" cut to ``room`` px; ``extra`` more entries share the date."""
    head = ", ".join(str(n) for n in numbers)
    tail = f" (+{extra})" if extra else ""
    chars = int(room / (LABEL_SIZE * svg.CHAR_EM)) - len(head) - len(tail) - 2
    if chars < 8:
        return head
    return f"{head}  {svg.shorten(label, min(chars, LABEL_CHARS))}{tail}"


def _place_labels(groups: list[list[Item]], xs: list[float]) -> list[tuple[int, str]]:
    """(lane, text) per group of same-date items, labels to the right of their leader.

    Groups are placed from right to left, each on the lowest lane where neither its
    label nor its leader line collides: a staircase that never crosses a label.
    """
    occupied: list[list[tuple[float, float]]] = [[] for _ in range(MAX_LANES)]
    placed: dict[int, tuple[int, str]] = {}
    for index in sorted(range(len(groups)), key=lambda i: xs[i], reverse=True):
        group, x = groups[index], xs[index]
        room = WIDTH - MARGIN - (x + 3)
        numbers = [item.number for item in group]
        text_value = _label_text(numbers, group[0].label, room, len(group) - 1)
        choice = None
        for candidate in dict.fromkeys([text_value, ", ".join(map(str, numbers))]):
            b = x + 3 + svg.text_width(candidate, LABEL_SIZE)
            lane = next((k for k in range(MAX_LANES) if _fits(occupied, k, x + 2, b, x)), None)
            if lane is not None:
                choice = (lane, candidate, b)
                break
        if choice is None:  # more crowded than MAX_LANES: stack on the top lane
            choice = (MAX_LANES - 1, ", ".join(map(str, numbers)), x + 10)
        lane, candidate, b = choice
        occupied[lane].append((x + 2, b))
        for below in occupied[:lane]:
            below.append((x - 1.5, x + 1.5))
        placed[index] = (lane, candidate)
    return [placed[i] for i in range(len(groups))]


def _panel(items: list[Item], top: float, title: str, with_year: bool) -> tuple[list[str], float]:
    """One axis with its items, starting at ``top``; returns (elements, bottom y)."""
    lo = min(item.start for item in items)
    hi = max(item.end for item in items)
    # a little room on the left; on the right, RIGHT_ROOM px for the last labels
    left, right = MARGIN + 6, WIDTH - MARGIN - 6
    data_days = max((hi - lo).days, 1)
    pad = max(timedelta(days=round(data_days * 0.04)), timedelta(days=10))
    data_px = right - left - RIGHT_ROOM
    room = timedelta(days=max(round(data_days * RIGHT_ROOM / data_px), 10))
    lo, hi = lo - pad, hi + room
    span = max((hi - lo).days, 1)

    def x_of(day: date) -> float:
        return left + (right - left) * (day - lo).days / span

    groups: list[list[Item]] = []
    for item in items:
        if groups and (groups[-1][0].start, groups[-1][0].end) == (item.start, item.end):
            groups[-1].append(item)
        else:
            groups.append([item])
    xs = [x_of(group[0].middle) for group in groups]
    labels = _place_labels(groups, xs)
    lanes = max(lane for lane, _ in labels) + 1
    out: list[str] = []
    y = top
    if title:
        out.append(
            svg.text(
                MARGIN,
                y + 10,
                title.upper(),
                8,
                fill=svg.MUTED,
                font_weight="bold",
                letter_spacing="0.06em",
            )
        )
        y += 18
    axis_y = y + lanes * LANE_HEIGHT + 10
    # leader lines and labels
    for x, (lane, text_value) in zip(xs, labels, strict=True):
        base = axis_y - 10 - lane * LANE_HEIGHT
        out.append(
            svg.el(
                "line", x1=x, y1=axis_y - 4, x2=x, y2=base - 7, stroke=svg.RULE, stroke_width=0.8
            )
        )
        number, _, rest = text_value.partition("  ")
        body = svg.el("tspan", svg.esc(number), font_weight="bold", fill=svg.ACCENT)
        if rest:
            body += svg.el("tspan", svg.esc("  " + rest))
        out.append(svg.el("text", body, x=x + 3, y=base - 2, font_size=LABEL_SIZE, fill=svg.INK))
    # axis and ticks
    out.append(
        svg.el(
            "line",
            x1=left - 6,
            y1=axis_y,
            x2=right + 6,
            y2=axis_y,
            stroke=svg.MUTED,
            stroke_width=1,
        )
    )
    for day, label in _ticks(lo, hi, with_year):
        tx = x_of(day)
        out.append(
            svg.el(
                "line", x1=tx, y1=axis_y, x2=tx, y2=axis_y + 4, stroke=svg.MUTED, stroke_width=0.8
            )
        )
        out.append(svg.text(tx, axis_y + 14, label, 8, fill=svg.MUTED, text_anchor="middle"))
    # markers: spans (month, year) under dots (day)
    for item in sorted(items, key=lambda i: i.precision == "day"):
        if item.precision == "day":
            out.append(
                svg.el(
                    "circle",
                    cx=x_of(item.start),
                    cy=axis_y,
                    r=3.6,
                    fill=svg.ACCENT,
                    stroke="#ffffff",
                    stroke_width=1,
                )
            )
        else:
            x0, x1 = x_of(item.start) + 1, x_of(item.end + timedelta(days=1)) - 1
            if x1 - x0 < 7:
                x0, x1 = (x0 + x1) / 2 - 3.5, (x0 + x1) / 2 + 3.5
            fill = svg.ACCENT_MID if item.precision == "month" else "#9fb3cc"
            out.append(
                svg.el(
                    "rect",
                    x=x0,
                    y=axis_y - 3.5,
                    width=x1 - x0,
                    height=7.0,
                    rx=2,
                    fill=fill,
                    fill_opacity=0.85,
                )
            )
    return out, axis_y + 22


#: A gap this many times wider than the rest of the timeline puts what lies beyond it on
#: an axis of its own: one event of 2008 in a brief on 2016 would squeeze 2016 to a point.
OUTLIER_GAP = 2.0


def split_outliers(items: list[Item]) -> tuple[list[Item], list[Item], list[Item]]:
    """(earlier, main, later): the items beyond the widest gap between consecutive dates,
    when that gap is over ``OUTLIER_GAP`` times the span of the side with more items."""
    if len(items) < 3:
        return [], items, []
    ordered = sorted(items, key=lambda i: (i.middle, i.number))
    gaps = [(ordered[k + 1].start - ordered[k].end).days for k in range(len(ordered) - 1)]
    cut = max(range(len(gaps)), key=lambda k: gaps[k]) + 1
    head, tail = ordered[:cut], ordered[cut:]
    big = tail if len(tail) >= len(head) else head
    span = max((max(i.end for i in big) - min(i.start for i in big)).days, 30)
    if gaps[cut - 1] <= OUTLIER_GAP * span:
        return [], items, []
    keep = {i.number for i in big}
    main = [i for i in items if i.number in keep]  # in table order, as given
    rest = [i for i in items if i.number not in keep]
    return (rest, main, []) if big is tail else ([], main, rest)


def timeline_chart(entries: list[TimelineEntry]) -> Markup:
    """The SVG timeline of ``entries`` (in table order), or empty Markup if nothing is dated."""
    dated, no_year, undated = split_entries(entries)
    if not dated and not no_year:
        return Markup("")
    body: list[str] = []
    y = 4.0
    earlier, dated, later = split_outliers(dated)
    panels: list[tuple[list[Item], str, bool]] = []
    if earlier:
        panels.append((earlier, "Earlier", True))
    if dated:
        panels.append((dated, "Dated" if (no_year or earlier or later) else "", True))
    if later:
        panels.append((later, "Later", True))
    if no_year:
        panels.append((no_year, "Year not stated in the source — placed by month and day", False))
    for i, (items, title, with_year) in enumerate(panels):
        part, y = _panel(items, y + (8 if i else 0), title, with_year=with_year)
        body += part
    legend_y = y + 4
    body.append(svg.el("circle", cx=MARGIN + 4, cy=legend_y - 3, r=3.2, fill=svg.ACCENT))
    body.append(svg.text(MARGIN + 12, legend_y, "day", 8, fill=svg.MUTED))
    body.append(
        svg.el(
            "rect",
            x=MARGIN + 40,
            y=legend_y - 6.5,
            width=16.0,
            height=7.0,
            rx=2,
            fill=svg.ACCENT_MID,
        )
    )
    body.append(svg.text(MARGIN + 60, legend_y, "month", 8, fill=svg.MUTED))
    body.append(
        svg.el(
            "rect", x=MARGIN + 96, y=legend_y - 6.5, width=16.0, height=7.0, rx=2, fill="#9fb3cc"
        )
    )
    body.append(
        svg.text(MARGIN + 116, legend_y, "year (only the year is known)", 8, fill=svg.MUTED)
    )
    note = "Numbers match the timeline table."
    if undated:
        verb = "entry is" if undated == 1 else "entries are"
        note += f" {undated} undated {verb} in the table only."
    body.append(svg.text(WIDTH - MARGIN, legend_y, note, 8, fill=svg.MUTED, text_anchor="end"))
    height = legend_y + 6
    shown = len(earlier) + len(dated) + len(later)
    desc = f"{shown} dated entries, {len(no_year)} without a year, {undated} undated."
    return svg.document(WIDTH, height, body, "Timeline chart", desc)
