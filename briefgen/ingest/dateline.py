"""The dateline of wire copy, parsed once at ingest.

Wire stories open their body with where (and often when) the report was filed, and
sometimes with a byline and an "updated" line above it::

    SALVADOR, Feb 26 - Showers continued …
    BEIRUT (AP) — A missile struck …
    COMMACK, N.Y., Feb 26 (Reuters) - Computer Terminal Systems Inc said …
    By Jane Doe
    Last updated: 12 March 2024 10:00 GMT
    DUBAI, March 12 (Reuters) - …

:func:`find_dateline` finds that block (bylines and updated lines included) in the
first lines of the text and returns a :class:`~briefgen.model.Dateline`: the dateline as
printed, the place (wire capitals turned into a name), the date resolved against the
publication date, and the character span to leave out of what extraction reads
(``start``/``end`` index the ingested text, which stays unchanged). A wire sign-off line
at the end ("Reuter", "(Reporting by …)") is found the same way (``tail``).
"""

from __future__ import annotations

import re
from datetime import date

from briefgen.model import Dateline, Document

#: How far into the text a dateline may start (a title and a few byline lines).
HEAD_CHARS = 800

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH})"
    r"|(?P<typo>[A-Z][a-z]{2,8}\.?\s+\d{1,2}))"  # "Narch 2": a misspelt month (no date)
)
# A place word: capitalised, may hold dots, apostrophes and hyphens ("ST. LOUIS", "N.Y.").
_WORD = r"[A-Z][\w.'’\-]*"
_PLACE = rf"{_WORD}(?:[ /]{_WORD}){{0,4}}"
_AGENCY = r"\((?P<agency>[A-Z][\w.&' ]{0,30})\)"
_DASH = r"\s*(?:-{1,2}|–|—)\s+"
_DATELINE = re.compile(
    rf"(?P<place>{_PLACE})"
    rf"(?P<region>(?:\s?,\s*{_PLACE}){{0,2}}?)"
    rf"(?:\s?,\s*(?P<date>{_DATE}))?"
    rf"(?:\s*{_AGENCY})?"
    rf"(?P<dash>{_DASH})",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"(?:(?:By|BY)\s+[A-Z][\w.'’\-]*(?:[ ,]+(?:and\s+)?[A-Z][\w.'’\-]*){0,8}"
    r"|(?i:(?:last\s+)?(?:updated|published|posted))\b[^\n]{0,80})\s*$"
)
_SIGN_OFF = re.compile(
    r"\n\s*(?:Reuters?|AP|AFP|\((?:Reporting|Writing|Editing|Additional reporting)[^\n]{0,300}\))"
    r"\s*$"
)


#: Words a capitalised phrase that is no place starts with.
_NOT_PLACE_STARTS = frozenset(
    "the a an this that these those his her its our their my your some any every".split()
)


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def place_name(printed: str) -> str:
    """Wire capitals as a name: ``LOS ANGELES`` → ``Los Angeles``, ``ST. LOUIS`` → ``St. Louis``
    (a place not in capitals is kept as printed)."""
    if not _is_upper(printed):
        return printed
    words = re.split(r"([ /\-])", printed)
    out = []
    for w in words:
        if len(w) <= 1 or not w[0].isalpha():
            out.append(w)
        elif w.count(".") >= 2 or len(w.replace(".", "")) == 1:  # "N.Y.", "U.S."
            out.append(w)
        else:
            out.append(w[0] + w[1:].lower())
    return "".join(out)


def resolve_date(month: int, day: int, published: str | None) -> str | None:
    """``month``/``day`` in the year that puts it nearest before the publication date
    (a dateline is at most a few days before, or one day after, publication)."""
    if not published:
        return None
    try:
        pub = date.fromisoformat(published)
    except ValueError:
        return None
    best = None
    for year in (pub.year - 1, pub.year, pub.year + 1):
        try:
            cand = date(year, month, day)
        except ValueError:
            continue
        gap = (pub - cand).days
        if -2 <= gap <= 300 and (best is None or abs(gap) < abs((pub - best).days)):
            best = cand
    return best.isoformat() if best else None


def find_dateline(
    text: str, published: str | None = None, title: str | None = None
) -> Dateline | None:
    """The dateline block near the start of ``text`` (after its title line), or None.

    The first lines are read in order: the title line is passed over, byline and
    "updated" lines start the block, the first line that opens with a dateline ends
    it; the first other line (the body; the second when no title was recognised)
    and there is none.
    """
    head = text[:HEAD_CHARS]
    title_line = " ".join((title or "").split())
    block_start: int | None = None
    others = 0
    limit = 2  # a title line briefgen was not told of, then the body
    for m in re.finditer(r"[^\n]+", head):
        stripped = m.group().strip()
        if not stripped:
            continue
        lead = m.start() + len(m.group()) - len(m.group().lstrip())
        if m.start() == 0 or not head[: m.start()].strip():
            if title_line and " ".join(stripped.split()) == title_line and m.end() < len(text):
                limit = 1  # the title line: the next other line is the body
                continue
        found = _match(text, lead, published)
        if found is not None:
            if block_start is not None:
                found.byline = text[block_start:lead].strip() or None
                found.start = block_start
            return found
        if _BYLINE.match(stripped) and len(stripped) <= 120:
            if block_start is None:
                block_start = lead
            continue
        others += 1
        block_start = None
        if others >= limit:
            return None
    return None


def _match(text: str, at: int, published: str | None) -> Dateline | None:
    m = _DATELINE.match(text, at)
    if m is None:
        return None
    place = m.group("place")
    has_date = m.group("date") is not None
    has_agency = m.group("agency") is not None and m.group("agency")[:1].isupper()
    if not (has_date or has_agency or _is_upper(place)):
        return None  # "Smith - the …" is no dateline
    if not _is_upper(place.split("/")[0].split()[0]) and not (has_date or has_agency):
        return None
    words = place.replace("/", " ").split()
    if not all(w[:1].isupper() for w in words) and not (
        has_date and len(words) <= 3 and words[0].lower() not in _NOT_PLACE_STARTS
    ):
        # "The minister, Feb 26 -" is no dateline; "New york, March 2 -" (a typo) is one
        return None
    if m.group("typo") and not _is_upper(place):
        return None  # a misspelt month is taken only after a place in wire capitals
    rest = text[m.end() : m.end() + 1]
    if not rest or not (rest[0].isalnum() or rest[0] in "\"“‘'(<"):
        return None
    when = None
    if has_date and not m.group("typo"):
        month = (m.group("month") or m.group("month2")).rstrip(".").lower()
        day = int(m.group("day") or m.group("day2"))
        when = resolve_date(_MONTHS[month[:3]], day, published)
    printed = text[m.start() : m.start("dash")].strip()
    region = [r.strip() for r in m.group("region").split(",") if r.strip()]
    name = ", ".join([place_name(place), *region])
    return Dateline(
        text=printed,
        place=name,
        date=when,
        agency=m.group("agency"),
        start=m.start(),
        end=m.end(),
    )


def sign_off(text: str) -> int | None:
    """Where a wire sign-off line at the end of ``text`` starts ("Reuter", "(Reporting by …)")."""
    m = _SIGN_OFF.search(text, max(0, len(text) - 400))
    return m.start() + 1 if m else None


def with_dateline(document: Document) -> Document:
    """``document`` with its :attr:`~briefgen.model.Document.dateline` set (in place)."""
    found = find_dateline(document.text, document.published, document.title)
    if found is not None:
        found.tail = sign_off(document.text)
    document.dateline = found
    return document
