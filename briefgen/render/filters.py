"""Pure formatting helpers exposed to templates as Jinja filters and globals.

Nothing here knows about Jinja or the output format: each function takes plain
values (or model objects) and returns text. Month names are English and fixed,
so output does not depend on the machine's locale.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from markupsafe import Markup

from briefgen.model import LIKELIHOOD_SCALE, Marking, Period, TimelineEntry, When

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

#: ICD 203 likelihood terms, least to most likely, for ordering and CSS classes.
LIKELIHOOD_ORDER = list(LIKELIHOOD_SCALE)

#: TLP 2.0 label colours (FIRST standard): coloured text on a black background.
TLP_COLORS = {
    "TLP:CLEAR": "#FFFFFF",
    "TLP:WHITE": "#FFFFFF",
    "TLP:GREEN": "#33FF00",
    "TLP:AMBER": "#FFC000",
    "TLP:AMBER+STRICT": "#FFC000",
    "TLP:RED": "#FF2B2B",
}

#: Banner colours of classification markings (text is white on these).
CLASSIFICATION_COLORS = {
    "UNCLASSIFIED": "#007A33",
    "OFFICIAL": "#2B4C7E",
    "RESTRICTED": "#2B4C7E",
    "CONFIDENTIAL": "#0033A0",
    "SECRET": "#C8102E",
    "TOP SECRET": "#FF8C00",
}

_CSS_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")


def _parse_iso_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def format_date(value: Any, precision: str | None = "day", fallback: str = "") -> str:
    """``2023-09-04`` → "4 September 2023" (day), "September 2023" (month), "2023" (year).

    Without a parsable date, or with precision ``None``, the ``fallback`` text
    (usually the date as the source wrote it) is returned.
    """
    parsed = _parse_iso_date(value)
    if parsed is None or precision is None:
        return fallback or ("" if value is None else str(value))
    if precision == "year":
        return str(parsed.year)
    if precision == "month":
        return f"{MONTHS[parsed.month - 1]} {parsed.year}"
    return f"{parsed.day} {MONTHS[parsed.month - 1]} {parsed.year}"


def format_when(when: When | TimelineEntry | None) -> str:
    """A ``When`` or timeline entry as text: the normalised date, else the source wording."""
    if when is None:
        return ""
    source = when.text if isinstance(when, When) else when.when
    if when.date is None:
        return source
    text = format_date(when.date, when.precision or "day", source)
    end = getattr(when, "end_date", None)
    if end:
        text = format_range(when.date, end)
    return text


def format_range(start: Any, end: Any) -> str:
    """A compact date range: "4–6 September 2023", "30 August – 6 September 2023"."""
    first, last = _parse_iso_date(start), _parse_iso_date(end)
    if first is None and last is None:
        return ""
    if first is None or last is None or first == last:
        only = first or last
        assert only is not None
        text = format_date(only)
        if first == last:
            return text
        return f"from {text}" if first else f"until {text}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{format_date(last)}"
    if first.year == last.year:
        return f"{first.day} {MONTHS[first.month - 1]} – {format_date(last)}"
    return f"{format_date(first)} – {format_date(last)}"


def format_period(period: Period | None) -> str:
    """The period a brief covers, or "" when neither end is known."""
    if period is None:
        return ""
    return format_range(period.start, period.end)


def format_datetime(value: Any) -> str:
    """An ISO 8601 timestamp → "5 September 2023, 06:00 UTC"; unparsable text is returned as is."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return value
    stamp = f"{format_date(moment.date())}, {moment:%H:%M}"
    offset = moment.utcoffset()
    if offset is None:
        return stamp
    if offset == timedelta(0):
        return f"{stamp} UTC"
    minutes = int(offset.total_seconds() // 60)
    hours, minutes = divmod(abs(minutes), 60)
    sign = "+" if offset >= timedelta(0) else "-"
    return f"{stamp} UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def iso_timestamp(value: Any) -> str:
    """``value`` if it is a valid ISO 8601 date or timestamp, else "" (for metadata)."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    try:
        datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return ""
    return text


def likelihood_range(term: str) -> str:
    """The ICD 203 percentage range of a likelihood term: "likely" → "55–80%"."""
    low, high = LIKELIHOOD_SCALE[str(term).strip().lower()]
    return f"{low}–{high}%"


def upper_first(value: Any) -> str:
    """Capitalise the first letter only ("UN sanctions" stays, unlike Jinja's ``capitalize``)."""
    text = "" if value is None else str(value)
    return text[:1].upper() + text[1:]


_QUOTE_MARKS = "\"'“‘«„‚‹"


def quote(value: Any) -> str:
    """Wrap text in typographic double quotes, unless it already starts with a quote mark."""
    text = "" if value is None else str(value).strip()
    if not text or text[0] in _QUOTE_MARKS:
        return text
    return f"“{text}”"


def shorten_middle(value: Any, width: int = 60) -> str:
    """Text of at most ``width`` characters, cut in the middle ("/srv/…/text/a.txt"):
    the end of a path or URL (its file name) is what tells documents apart."""
    text = "" if value is None else str(value)
    if len(text) <= width or width < 5:
        return text
    tail = (width - 1) * 2 // 3
    return f"{text[: width - 1 - tail]}…{text[-tail:]}"


def slug(value: Any) -> str:
    """A CSS-class-safe slug: "roughly even chance" → "roughly-even-chance"."""
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``plural(2, "source")`` → "2 sources"."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def marking_colors(marking: Marking) -> dict[str, str]:
    """Foreground and background colours of a marking banner, always valid CSS.

    TLP labels are coloured text on black (TLP 2.0); classification lines are
    white on the banner colour of their level. A configured ``color`` wins when
    it is a plain CSS colour (hex or name); anything else is ignored.
    """
    label = marking.label.strip().upper()
    color = marking.color if marking.color and _CSS_COLOR.match(marking.color) else None
    if marking.system == "tlp" or label.startswith("TLP:"):
        return {"fg": color or TLP_COLORS.get(label, "#FFFFFF"), "bg": "#000000"}
    level = next(
        (
            key
            for key in sorted(CLASSIFICATION_COLORS, key=len, reverse=True)
            if label.startswith(key)
        ),
        None,
    )
    background = color or CLASSIFICATION_COLORS.get(level or "", "#333333")
    return {"fg": "#FFFFFF", "bg": background}


def css_string(value: Any) -> Markup:
    """A quoted CSS string literal that cannot break out of its declaration or ``<style>``.

    Returned as ``Markup``: it contains no HTML-special character, and HTML
    escaping would corrupt it inside ``<style>``.
    """
    out = []
    for char in str(value):
        if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):X} ")
        else:
            out.append(char)
    return Markup('"' + "".join(out) + '"')


def timeline_order(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Timeline entries by date; entries with no sortable date keep their order, last."""
    keyed = [
        (entry.sort_key or entry.date or "", index, entry) for index, entry in enumerate(entries)
    ]
    dated = sorted((item for item in keyed if item[0]), key=lambda item: (item[0], item[1]))
    undated = [item for item in keyed if not item[0]]
    return [entry for _, _, entry in dated + undated]
