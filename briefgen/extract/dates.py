"""Normalise date expressions ("on September 4", "last month", "the previous day").

Pure Python: :func:`parse_date` reads one expression against the document's
reference date (its publication date) and, for anaphoric expressions, a nearby
anchor date. Without a reference date, partial dates keep their text and an
empty ISO date (never a guessed year), but still get a ``sort_key`` so that a
document's own dates can be ordered.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..model import Precision

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DAY2 = r"(?P<day2>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d{2})"
_RANGE = r"\s*(?:to|-|–|—|and|through)\s*"

_PATTERNS = [
    # September 10 to 13, 2023 / Sept. 10-13
    re.compile(rf"\b{_MONTH}\s+{_DAY}{_RANGE}{_DAY2}\b(?:,?\s*{_YEAR})?", re.I),
    # 10 to 13 September 2023
    re.compile(rf"\b{_DAY}{_RANGE}{_DAY2}\s+(?:of\s+)?{_MONTH}(?:,?\s*{_YEAR})?", re.I),
    # September 4, 2023 / Sept 4th
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s*{_YEAR})?", re.I),
    # 4 September 2023
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s*{_YEAR})?", re.I),
    # 2023-09-04
    re.compile(r"\b(?P<iso>(?:19|20)\d{2}-\d{2}-\d{2})\b"),
    # September 2023
    re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b", re.I),
    # September (alone)
    re.compile(rf"\b{_MONTH}(?![a-z])", re.I),
    # 2019
    re.compile(rf"(?<![\d-]){_YEAR}(?![\d-])"),
]

_RELATIVE = re.compile(
    r"\b(?P<rel>yesterday|today|tonight|tomorrow|(?:the\s+)?(?:previous|following|next|last|"
    r"this|past|coming)\s+(?:day|week|month|year|weekend)|"
    r"(?:the\s+)?day\s+(?:before|after)|(?:a|one|two|three|four|five|six|\d+)\s+"
    r"(?:days?|weeks?|months?|years?)\s+(?:ago|earlier|later))\b",
    re.I,
)
_WEEKDAY = re.compile(
    r"\b(?:(?P<which>last|next|this)\s+)?(?P<wd>" + "|".join(WEEKDAYS) + r")\b", re.I
)
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@dataclass(frozen=True)
class DateValue:
    """A normalised date: ISO ``date`` when known, its precision, and an ordering key."""

    text: str
    date: str | None
    precision: Precision | None
    end_date: str | None = None
    sort_key: str = ""
    relative: bool = False  # resolved from a relative expression


def _iso(d: date) -> str:
    return d.isoformat()


def _key(year: int | None, month: int | None, day: int | None) -> str:
    y = f"{year:04d}" if year else "9999"
    return f"{y}-{(month or 0):02d}-{(day or 0):02d}"


#: How much a day ahead of the reference date costs against a day behind it when a
#: month-day date takes its year (:func:`_nearest_year`): ahead wins up to a quarter of a
#: year (365 / (1 + 3) days).
FUTURE_COST = 3


def _nearest_year(month: int, day: int | None, ref: date) -> int:
    """The year that puts month/day closest to the reference date (news says past or near)."""
    best = ref.year
    best_gap = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            cand = date(year, month, day or 1)
        except ValueError:
            continue
        gap = (cand - ref).days
        # Prefer the past, but news writes the year of a date outside the current one:
        # a date up to three months ahead ("the 8 October gig", written in late July)
        # beats one nine months back.
        cost = abs(gap) if gap <= 0 else gap * FUTURE_COST
        if best_gap is None or cost < best_gap:
            best, best_gap = year, cost
    return best


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _last_year(month: int, day: int | None, ref: date) -> int:
    """The year of the last ``month``/``day`` on or before the reference date ("an April
    20 explosion ruptured the well", written in January: last April)."""
    return ref.year if (month, day or 1) <= (ref.month, ref.day) else ref.year - 1


def _next_year(month: int, day: int | None, ref: date) -> int:
    """The year of the next ``month``/``day`` on or after the reference date."""
    return ref.year if (month, day or 1) >= (ref.month, ref.day if day else 1) else ref.year + 1


def _from_match(
    m: re.Match[str], text: str, ref: date | None, future: bool = False, past: bool = False
) -> DateValue | None:
    gd = m.groupdict()
    if gd.get("iso"):
        try:
            d = date.fromisoformat(gd["iso"])
        except ValueError:
            return None
        return DateValue(text, _iso(d), "day", sort_key=_iso(d))
    month = MONTHS.get((gd.get("month") or "").lower().rstrip("."))
    day = int(gd["day"]) if gd.get("day") else None
    day2 = int(gd["day2"]) if gd.get("day2") else None
    year = int(gd["year"]) if gd.get("year") else None
    if day is not None and not 1 <= day <= 31:
        return None
    if month is None:
        if year is None:
            return None
        return DateValue(text, f"{year:04d}-01-01", "year", sort_key=_key(year, None, None))
    if year is None and ref is not None:
        # "will meet in March": the coming March; otherwise the nearest, past preferred.
        if future:
            year = _next_year(month, day, ref)
        elif past:
            year = _last_year(month, day, ref)
        else:
            year = _nearest_year(month, day, ref)
    precision: Precision = "day" if day else "month"
    if year is None:
        return DateValue(text, None, precision, sort_key=_key(None, month, day))
    start = _safe_date(year, month, day or 1)
    if start is None:
        return None
    end = _safe_date(year, month, day2) if day2 else None
    return DateValue(
        text, _iso(start), precision, _iso(end) if end else None, sort_key=_key(year, month, day)
    )


def _no_day(text: str) -> DateValue:
    """A relative expression that names a span of days ("last week"): no date, no place
    in the timeline (an entry dated to one of its days would be wrong most of the time)."""
    return DateValue(text, None, None, sort_key="", relative=True)


#: Expressions that count from an earlier date of the text, not from the publication
#: ("the next day", "two days later"): without that date they name no day.
_ANAPHORIC_ONLY = re.compile(r"\bnext\s+day\b|\blater$")


def _relative(expr: str, ref: date | None, anchor: date | None, text: str) -> DateValue | None:
    low = " ".join(expr.lower().split())
    base = (
        anchor
        if (
            "previous" in low
            or "following" in low
            or "before" in low
            or "after" in low
            or "earlier" in low
            or "later" in low
            or low.endswith("next day")
        )
        and anchor
        else ref
    )
    if base is None:
        return DateValue(text, None, None, sort_key="", relative=True)
    if low in ("today", "tonight"):
        return DateValue(text, _iso(base), "day", sort_key=_iso(base), relative=True)
    if low == "yesterday" or low.endswith("previous day") or low.endswith("day before"):
        d = base - timedelta(days=1)
        return DateValue(text, _iso(d), "day", sort_key=_iso(d), relative=True)
    if (
        low == "tomorrow"
        or low.endswith("following day")
        or low.endswith("day after")
        or low.endswith("next day")
    ):
        d = base + timedelta(days=1)
        return DateValue(text, _iso(d), "day", sort_key=_iso(d), relative=True)
    m = re.match(
        r"(a|one|two|three|four|five|six|\d+)\s+(day|week|month|year)s?\s+"
        r"(ago|earlier|later)",
        low,
    )
    if m:
        n = _NUMBER_WORDS.get(m.group(1)) or int(m.group(1))
        sign = 1 if m.group(3) == "later" else -1
        unit = m.group(2)
        if unit == "day":
            d = base + timedelta(days=sign * n)
            return DateValue(text, _iso(d), "day", sort_key=_iso(d), relative=True)
        if unit == "week":
            return _no_day(text)  # "two weeks ago" names a week, not a day
        if unit == "month":
            months = base.year * 12 + base.month - 1 + sign * n
            y, mo = divmod(months, 12)
            return DateValue(
                text,
                f"{y:04d}-{mo + 1:02d}-01",
                "month",
                sort_key=_key(y, mo + 1, None),
                relative=True,
            )
        y = base.year + sign * n
        return DateValue(
            text, f"{y:04d}-01-01", "year", sort_key=_key(y, None, None), relative=True
        )
    unit = low.split()[-1]
    step = (
        -1
        if any(w in low for w in ("last", "previous", "past"))
        else (1 if any(w in low for w in ("next", "following", "coming")) else 0)
    )
    if unit == "month":
        months = base.year * 12 + base.month - 1 + step
        y, mo = divmod(months, 12)
        return DateValue(
            text, f"{y:04d}-{mo + 1:02d}-01", "month", sort_key=_key(y, mo + 1, None), relative=True
        )
    if unit == "year":
        y = base.year + step
        return DateValue(
            text, f"{y:04d}-01-01", "year", sort_key=_key(y, None, None), relative=True
        )
    if unit in ("week", "weekend"):
        return _no_day(text)  # "last week" is not a day
    if unit == "day":
        d = base + timedelta(days=step)
        return DateValue(text, _iso(d), "day", sort_key=_iso(d), relative=True)
    return None


def _weekday(m: re.Match[str], ref: date | None, text: str, future: bool) -> DateValue:
    if ref is None:
        return DateValue(text, None, "day", relative=True)
    target = WEEKDAYS[m.group("wd").lower()]
    which = (m.group("which") or "").lower()
    delta = (ref.weekday() - target) % 7
    if which == "next" or (future and which != "last"):
        # "will meet on Friday" written on a Friday is that day; "next Friday" is not
        ahead = (target - ref.weekday()) % 7 or (7 if which == "next" else 0)
        d = ref + timedelta(days=ahead)
    else:
        d = ref - timedelta(days=delta if delta else (7 if which == "last" else 0))
    return DateValue(text, _iso(d), "day", sort_key=_iso(d), relative=True)


def parse_date(
    text: str,
    ref: date | None = None,
    anchor: date | None = None,
    future: bool = False,
    past: bool = False,
) -> DateValue | None:
    """Normalise one date expression; None when it names no calendar time.

    A month or day without a year takes it from ``ref``: the coming occurrence when
    ``future`` (the event is still to come), the last one when ``past`` (its verb tells
    a past event), else the nearest, the past preferred."""
    expr = " ".join(text.split())
    if not expr:
        return None
    for pattern in _PATTERNS:
        m = pattern.search(expr)
        if m:
            value = _from_match(m, text, ref, future, past)
            if value is not None:
                return value
    m = _RELATIVE.search(expr)
    if m:
        try:
            value = _relative(m.group("rel"), ref, anchor, text)
        except (OverflowError, ValueError):  # "7000 years ago" before year 1
            return None
        if value is None or not _in_calendar(value.date):
            return None
        if anchor is None and _ANAPHORIC_ONLY.search(" ".join(m.group("rel").lower().split())):
            return _no_day(text)  # "The next day, he was found …": the day after what?
        return value
    m = _WEEKDAY.search(expr)
    if m:
        return _weekday(m, ref, text, future)
    return None


def _in_calendar(iso: str | None) -> bool:
    """Whether an ISO date (or none) lies in the years 1–9999: outside them it is no date."""
    return iso is None or (re.match(r"\d{4}-", iso) is not None and iso[:4] != "0000")


def parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def display(value: str | None, precision: str | None, fallback: str = "") -> str:
    """A human form: '4 September 2023', 'September 2023', '2023', or the source text."""
    d = parse_iso(value)
    if d is None:
        return fallback
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return f"{calendar.month_name[d.month]} {d.year}"
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"
