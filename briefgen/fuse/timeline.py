"""The timeline across documents: one entry per event and day, ranked and capped."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

from briefgen.fuse.developments import Sources
from briefgen.fuse.simindex import SetIndex, jaccard, words
from briefgen.fuse.sources import dedupe_evidence, evidence_key
from briefgen.model import (
    DocFacts,
    Period,
    TimelineEntry,
)

#: How much a day's date-frequency signal (:func:`_date_support`) counts, and its parts:
#: each other publication day citing it, each same-day document mentioning it, each
#: document published on it.
DATE_WEIGHT = 1.5
OTHER_DAYS_WEIGHT = 1.0
SAME_DAY_WEIGHT = 0.25
PUBLISHED_WEIGHT = 1.0
#: How much an entry's centrality counts (:func:`_centrality`), and the pile's share in it.
CENTRAL_WEIGHT = 4.0
PILE_WEIGHT = 1.5
#: How much an entry's document being about the pile's subject counts in its quality
#: (:func:`briefgen.fuse.stories.topicality`, 0–1): a radio schedule's dated line in a
#: pile about a trial is neither the day's account nor a reason to pick the day.
TOPIC_WEIGHT = 10.0
#: How much the best account of a day counts in choosing the day, beside its mentions.
QUALITY_WEIGHT = 0.2
#: What a photo caption (:data:`CAPTION`) costs an entry's quality.
CAPTION_PENALTY = 1.0


def _timeline_order(e: TimelineEntry) -> tuple[str, str]:
    return e.sort_key or "9999", e.date or ""


def merge_timeline(
    facts: Sequence[DocFacts],
    limit: int | None = None,
    sources: Sources | None = None,
    period: Period | None = None,
    cited: set[tuple[str, int, int]] | None = None,
) -> list[TimelineEntry]:
    """Dated events of every document: duplicates merged (same date, similar text), each
    citing its documents; the ``limit`` most important kept, in date order."""
    return rank_timeline(facts, limit, sources, period, cited)[0]


def rank_timeline(
    facts: Sequence[DocFacts],
    limit: int | None,
    sources: Sources | None,
    period: Period | None,
    cited: set[tuple[str, int, int]] | None,
    topical: Mapping[str, float] | None = None,
) -> tuple[list[TimelineEntry], list[TimelineEntry]]:
    """The timeline shown (at most ``limit`` entries) and the rest, each in date order.

    The shown ones pick the days that matter: a day mentioned by many documents (and on
    which many were published) ranks high, as in the date-frequency method of timeline
    summarisation; then the entry dated by more independent documents, dating an event
    the brief reports, reading as a reported event. One entry per day and event; entries without
    a date (not even a month and day whose year no document gives), or outside the
    period, are never shown (they stay in the rest). ``limit`` counts days: a heavily
    covered day carries a second entry for a distinct event (:func:`_second_event`), and
    a publication day no entry dates is told by its documents' leads
    (:func:`_publication_leads`)."""
    out: list[TimelineEntry] = []
    sigs: list[set[str]] = []
    # Entries of one date (and sort key) are compared, through a word index per date.
    buckets: dict[tuple[str, str | None], tuple[SetIndex, list[int]]] = {}
    for f in facts:
        for e in [*f.timeline, *_lead_entries(f)]:
            text = entry_text(as_written(e))
            if text is None:
                continue  # page furniture, no report
            sig = words(text)
            index, members = buckets.setdefault((e.sort_key, e.date), (SetIndex(), []))
            match = next(
                (
                    members[g]
                    for g in index.candidates(sig)
                    if jaccard(sig, sigs[members[g]]) >= 0.5
                ),
                None,
            )
            if match is None:
                index.add(sig)
                members.append(len(out))
                out.append(e.model_copy(update={"evidence": list(e.evidence), "text": text}))
                sigs.append(sig)
            else:
                out[match].evidence = dedupe_evidence(out[match].evidence + e.evidence)
    for e in out:
        e.documents = list(dict.fromkeys(ev.doc for ev in e.evidence))
    support = _date_support(out, sources, topical or {})
    if limit is None:
        out.sort(key=_timeline_order)
        return out, []
    told = len(out)
    for e in _publication_leads(facts, out):
        out.append(e)
        sigs.append(words(e.text))
    central = _centrality(out, sigs)
    # The best account of each day (or month, year) ...
    best: dict[str, tuple[float, int]] = {}
    accounts: dict[str, list[tuple[float, int]]] = {}
    for i, e in enumerate(out):
        if not (e.date or e.sort_key) or not _inside(e, period):
            continue  # undated, or outside the period the brief covers
        quality = _timeline_score(e, sources, period, cited) + central[i]
        if topical:
            # an account from a document about the pile's subject
            quality += TOPIC_WEIGHT * max((topical.get(d, 1.0) for d in e.documents), default=1.0)
        slot = e.date if e.precision == "day" and e.date else e.sort_key
        accounts.setdefault(slot, []).append((quality, i))
        if slot not in best or quality > best[slot][0]:
            best[slot] = (quality, i)

    # ... and the days that matter: mentioned by many documents, then well told.
    def day_score(slot: str) -> float:
        quality, i = best[slot]
        mentioned = support.get(slot, 0.0) if out[i].precision == "day" and out[i].date else 0.0
        return DATE_WEIGHT * math.log1p(mentioned) + QUALITY_WEIGHT * quality

    days = sorted(best, key=lambda slot: (-day_score(slot), slot))[:limit]
    keep = [best[slot][1] for slot in days]
    for slot in days:
        second = _second_event(out, sigs, accounts[slot], best[slot][1], sources)
        if second is not None:
            keep.append(second)
    chosen = set(keep)
    shown = sorted((out[i] for i in keep), key=_timeline_order)
    rest = sorted((out[i] for i in range(told) if i not in chosen), key=_timeline_order)
    return shown, rest


#: A day's second entry reports another event: it shares at most this share of words
#: with the day's first (Jaccard), and is dated by at least :data:`SECOND_EVENT_DOCS`
#: independent documents.
SECOND_EVENT_OVERLAP = 0.2
SECOND_EVENT_DOCS = 2


def _second_event(
    out: Sequence[TimelineEntry],
    sigs: Sequence[set[str]],
    accounts: Sequence[tuple[float, int]],
    first: int,
    sources: Sources | None,
) -> int | None:
    """A second entry for a day that carries two events (a day is a slot, an event is
    an entry: "one entry per date per event"): the best other account of the day that
    shares few words with the first and that independent documents date as well —
    the section's cap counts days, so a heavily covered day says both things."""

    def independent(i: int) -> int:
        docs = out[i].documents
        return len({sources.source(d) for d in docs}) if sources else len(docs)

    if out[first].precision != "day":
        return None
    need = SECOND_EVENT_DOCS
    for _, i in sorted(accounts, key=lambda a: (-a[0], a[1])):
        if i == first or independent(i) < need:
            continue
        if jaccard(sigs[i], sigs[first]) <= SECOND_EVENT_OVERLAP:
            return i
    return None


#: How many dated entries a story's own timeline keeps (the days most of its documents
#: date), shown compactly under the story.
STORY_TIMELINE_ENTRIES = 6


def story_timeline(
    entries: Sequence[TimelineEntry],
    documents: Sequence[str],
    period: Period | None,
    limit: int = STORY_TIMELINE_ENTRIES,
) -> list[TimelineEntry]:
    """A story's own timeline: the dated entries of its documents (``entries``: the
    brief's, shown and not, already merged across documents), one per day — the account
    most of the story's documents give — inside the period; the ``limit`` days most of
    its documents date, in date order, each citing only the story's documents. A story
    of one day's reports has no timeline of its own (its coverage dates it)."""
    return story_timelines(entries, [documents], period, limit)[0]


def story_timelines(
    entries: Sequence[TimelineEntry],
    stories: Sequence[Sequence[str]],
    period: Period | None,
    limit: int = STORY_TIMELINE_ENTRIES,
) -> list[list[TimelineEntry]]:
    """:func:`story_timeline` of each story (its documents' ids), through one index of
    the entries by document: each story reads only its own documents' entries."""
    by_doc: dict[str, list[int]] = {}
    for k, e in enumerate(entries):
        if e.date and e.precision == "day" and _inside(e, period):
            for ev in e.evidence:
                by_doc.setdefault(ev.doc, []).append(k)
    out: list[list[TimelineEntry]] = []
    for documents in stories:
        mine = set(documents)
        best: dict[str, tuple[tuple[bool, int], TimelineEntry]] = {}
        dating: dict[str, set[str]] = {}
        ks = sorted({k for d in mine for k in by_doc.get(d, ())})
        for k in ks:
            e = entries[k]
            assert e.date is not None
            evidence = [ev for ev in e.evidence if ev.doc in mine]
            docs = list(dict.fromkeys(ev.doc for ev in evidence))
            dating.setdefault(e.date, set()).update(docs)
            rank = (not CAPTION.search(e.text), len(docs))  # a report before a caption
            if e.date not in best or rank > best[e.date][0]:
                best[e.date] = (
                    rank,
                    e.model_copy(update={"evidence": evidence, "documents": docs}),
                )
        if len(best) < 2:
            out.append([])
            continue
        days = sorted(best, key=lambda day: (-len(dating[day]), day))[:limit]
        out.append([best[day][1] for day in sorted(days)])
    return out


def _centrality(out: Sequence[TimelineEntry], sigs: Sequence[set[str]]) -> list[float]:
    """How central each entry is: how many of its words the other entries of its day
    share, and how many the whole timeline's entries share (the pile's subject), per
    square root of its length: the most representative account of a day wins."""
    every: Counter[str] = Counter()
    by_day: dict[str, Counter[str]] = {}
    size: Counter[str] = Counter()
    for e, sig in zip(out, sigs, strict=True):
        every.update(sig)
        slot = e.date or e.sort_key
        by_day.setdefault(slot, Counter()).update(sig)
        size[slot] += 1
    n = max(1, len(out))
    scores = []
    for e, sig in zip(out, sigs, strict=True):
        if not sig:
            scores.append(0.0)
            continue
        slot = e.date or e.sort_key
        k = size[slot]
        day = sum((by_day[slot][w] - 1) / (k - 1) for w in sig) if k > 1 else 0.0
        pile = sum(math.log1p(every[w]) / math.log1p(n) for w in sig)
        scores.append(CENTRAL_WEIGHT * (day + PILE_WEIGHT * pile) / math.sqrt(len(sig)))
    return scores


def _publication_leads(
    facts: Sequence[DocFacts], entries: Sequence[TimelineEntry]
) -> list[TimelineEntry]:
    """Accounts for the days documents were published on but no entry dates: each such
    document's lead development, dated by its publication (the day's news). They only
    stand in for a day with no dated account of its own and add nothing to its
    date-frequency signal. A one-article brief's timeline is what the article dates."""
    if len(facts) < 2:
        return []
    dated = {e.date for e in entries if e.precision == "day"}
    out = []
    for f in facts:
        day = f.document.published
        if not day or day in dated or not f.key_developments:
            continue
        dev = f.key_developments[0]
        text = entry_text(dev.summary.rstrip(" ."))
        if not dev.evidence or text is None:
            continue
        out.append(
            TimelineEntry(
                date=day,
                precision="day",
                text=text,
                evidence=dev.evidence[:1],
                documents=[f.document.id],
                when=dev.when.text,
                sort_key=day,
            )
        )
    return out


def _lead_entries(f: DocFacts) -> list[TimelineEntry]:
    """A document's lead development as a dated entry when it has a day (written, or the
    publication day it reports) and no timeline entry of its own cites its sentence:
    documents *report* days as well as mention them."""
    if not f.key_developments:
        return []
    dev = f.key_developments[0]
    if dev.when.precision != "day" or not dev.when.date or not dev.evidence:
        return []
    cited = {evidence_key(ev) for e in f.timeline for ev in e.evidence}
    if evidence_key(dev.evidence[0]) in cited:
        return []
    return [
        TimelineEntry(
            date=dev.when.date,
            precision="day",
            text=dev.summary.rstrip(" ."),
            evidence=dev.evidence[:1],
            when=dev.when.text,
            sort_key=dev.when.date,
        )
    ]


def _inside(e: TimelineEntry, period: Period | None) -> bool:
    if period is None or not e.date:
        return True
    if e.precision != "day":
        # A month or year overlaps the period: "1918" is background, not this period's.
        span_end = _span_end(e)
        return not (
            (period.end and e.date > period.end) or (period.start and span_end < period.start)
        )
    return not ((period.start and e.date < period.start) or (period.end and e.date > period.end))


def _span_end(e: TimelineEntry) -> str:
    """The last day a month or year entry covers (ISO text compares as dates do)."""
    year = (e.date or "")[:4]
    if e.precision == "month" and e.date:
        return e.date[:7] + "-31"
    return year + "-12-31"


def _date_support(
    out: Sequence[TimelineEntry], sources: Sources | None, topical: Mapping[str, float]
) -> dict[str, float]:
    """Day date → its date-frequency signal (as in timeline summarisation, Tran et al.
    2013; Gholipour Ghalandari & Ifrim 2020): how many distinct *other* days' documents
    refer to it (a day that later or earlier coverage keeps citing is an event day),
    a quarter of the independent documents of that same day mentioning it (a paper
    dating its own news says less), and the documents published that day; each
    document weighted by how much it is about the pile's subject (``topical``, 1 where
    not given)."""
    docs: dict[str, set[str]] = {}
    for e in out:
        if e.date and e.precision == "day":
            docs.setdefault(e.date, set()).update(
                sources.source(d) if sources else d for d in e.documents
            )
    published: dict[str, float] = {}
    pub: Mapping[str, str | None] = sources.published if sources is not None else {}
    for d, p in pub.items():
        if p and sources is not None and d not in sources.original:
            published[p] = published.get(p, 0.0) + topical.get(d, 1.0)

    def mention(day: str) -> float:
        ids = docs.get(day, set())
        if sources is None:
            return sum(topical.get(d, 1.0) for d in ids)
        same = sum(topical.get(d, 1.0) for d in ids if pub.get(d) == day)
        other_days: dict[str, float] = {}
        for d in ids:
            p = pub.get(d)
            if p and p != day:
                other_days[p] = max(other_days.get(p, 0.0), topical.get(d, 1.0))
        return SAME_DAY_WEIGHT * same + OTHER_DAYS_WEIGHT * sum(other_days.values())

    return {
        day: mention(day) + PUBLISHED_WEIGHT * published.get(day, 0)
        for day in set(docs) | set(published)
    }


def _timeline_score(
    e: TimelineEntry,
    sources: Sources | None,
    period: Period | None,
    cited: set[tuple[str, int, int]] | None,
) -> float:
    n = len({sources.source(d) for d in e.documents}) if sources else len(e.documents)
    score = math.log(max(1, n))
    if cited and any(evidence_key(ev) in cited for ev in e.evidence):
        score += 0.6  # dates an event the brief reports
    if e.date and period is not None and period.start and period.end:
        start = date.fromisoformat(period.start).toordinal() - 31
        end = date.fromisoformat(period.end).toordinal() + 31
        if start <= date.fromisoformat(e.date).toordinal() <= end:
            score += 0.5  # within (or next to) the period the brief covers
    score += {"day": 0.4, "month": 0.1}.get(e.precision or "", 0.0)  # "2016" says little
    return score - _vague_event(e.text)


_MODALS = {"can", "could", "may", "might", "should", "would"}


#: A clock time with its zone or am/pm ("10.27 BST", "9:03 pm", "11:14 GMT"): page furniture.
_CLOCK = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?\b\s*)?(?:GMT|BST|UTC|EDT|EST|ET|CET|CEST|PDT|PST)\b"
    r"|\b\d{1,2}:\d{2}\s*[ap]\.?m\.?(?!\w)",
    re.I,
)
#: A wire dateline's end: "WASHINGTON (Reuters) -", "LONDON, April 27 (AP) —".
_WIRE_DATELINE = re.compile(r"^.{0,120}?\((?:Reuters|AP|AFP|Bloomberg|UPI)\)\s*[-–—]*\s*")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
#: The date of a closing time stamp ("Friday 28 May 2010", "Tue Apr 28, 2009").
_TRAILING_DATE = re.compile(
    rf"[\s,;|-]*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}),?\s+\d{{4}}[\s,;|-]*$",
    re.I,
)
#: A page's date closing a caption: a weekday, a day, a month and a year.
_STAMP_DATE = re.compile(
    rf"\s+(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+"
    rf"(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}),?\s+\d{{4}}\s*$",
    re.I,
)
#: Date words that dangle around a time stamp ("Friday 28 May 2010", "Tue Apr 28, 2009").
_DATE_WORD = re.compile(
    r"^(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
    r"[a-z]*\.?,?$|^\d{1,4}(?:st|nd|rd|th)?,?$|^[-–—;,|]$",
    re.I,
)
#: Words of a page's frame, not of a report: bylines, comment threads, navigation.
_FURNITURE = re.compile(
    r"\b(?:last updated|posted by|report abuse|a version appeared on|click here|sign up"
    r"|share this|follow the latest|print this|e-?mail this|help|related (?:stories|links)"
    r"|most popular|comments?)\b",
    re.I,
)


#: Words that open no whole clause: an auxiliary or verb whose subject was cut off
#: ("Has brought forward its meeting …").
_NO_SUBJECT = frozenset(
    {"has", "have", "had", "is", "are", "was", "were", "will", "would", "did", "does", "says"}
)
#: A sentence up to this many words replaces a cut clause of it as the entry's text.
AS_WRITTEN_WORDS = 45


def as_written(e: TimelineEntry) -> str:
    """The entry's text, or its sentence as written when the text is a clause cut from
    it without its subject — a participle ("Arriving from Mexico yesterday", of "He said
    160 passengers arriving from Mexico yesterday were screened") or a bare verb ("Has
    brought forward its meeting") — and the sentence is short enough to read."""
    words_ = e.text.split()
    if not words_ or not e.evidence:
        return e.text
    first = words_[0]
    cut = (first.endswith("ing") and first[:1].isupper()) or first.lower() in _NO_SUBJECT
    sentence = " ".join(e.evidence[0].text.split())
    inside = " ".join(words_).strip(" .").casefold() in sentence.casefold()
    if cut and inside and len(sentence.split()) <= AS_WRITTEN_WORDS:
        return sentence.rstrip(" .")
    return e.text


def entry_text(text: str) -> str | None:
    """An entry's text with its page furniture taken off — a wire dateline and its
    time stamp before the report ("WASHINGTON | Wed Aug 4, 2010 11:17 am EDT WASHINGTON
    (Reuters) - …"), a time stamp before or after it ("Friday 28 May 2010 10.27 BST"),
    the other cells of a "|"-separated line — or ``None`` when what is left is no
    report: frame words (bylines, "Report abuse", "Last updated … Help"), a time stamp
    inside it, or fewer than four words left once the frame is off."""
    t = whole = " ".join(text.split())
    if " | " in t or t.startswith("| ") or t.endswith(" |"):
        t = max((c.strip() for c in t.split("|")), key=len)
    m = _WIRE_DATELINE.match(t)
    if m:
        t = t[m.end() :]
    clocks = list(_CLOCK.finditer(t))
    if clocks:
        first, last = clocks[0], clocks[-1]
        before = t[: first.start()].split()
        after = t[last.end() :].split()
        if len(after) >= 4 and len([w for w in before if not _DATE_WORD.match(w)]) <= 2:
            t = " ".join(after)  # a stamp heading the report
        elif len(after) <= 1:
            t = _TRAILING_DATE.sub("", t[: first.start()])  # a stamp closing it
    if not clocks:
        t = _STAMP_DATE.sub("", t)  # "… outbreaks Saturday 25 April 2009": a page's date
    t = t.strip(" -–—|;,")
    if _CLOCK.search(t) or _FURNITURE.search(t) or not t:
        return None
    if t != whole and len(t.split()) < 4:
        return None  # a stub left once the frame is off
    return t


STAMP = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?\s*)?(?:GMT|BST|UTC|EDT|EST|CET|CEST|PDT|PST)\b"
    r"|\blast updated\b|\bupdated:?\s+\d",
    re.I,
)


#: A photo caption: a scene described ("… is seen in the Gulf", "can be seen as a dark
#: swirl", "looks on", "poses"), a picture's credit or a "file photo".
CAPTION = re.compile(
    r"\b(?:is|are|was|were|can be|could be)\s+(?:seen|pictured|shown|photographed)\b"
    r"|\b(?:looks?|looked) on\b|\bposes?\b(?! (?:a|an|the|no|little|serious|major)\b)"
    r"|\(pictured\)|\bpictured\b|\bfile (?:photo|picture|image)\b|\bphoto(?:graph)?\b"
    r"|\b(?:AP|Reuters|AFP|Getty) (?:Photo|Images?)\b|\bREUTERS/"
    # a photo agency's caption opens on its date: "Apr. 21: Fire boat crews battle …"
    r"|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}: ",
    re.I,
)


def _vague_event(text: str) -> float:
    """How little an entry's text says as an event: a bare fragment ("Winning in
    November", "Next year's election"), a generic possibility ("A candidate can win in
    November") or a page's time stamp ("Page last updated at 08:58 GMT") says less than
    a dated report of something done."""
    tokens = text.split()
    penalty = 0.0
    if STAMP.search(text):
        penalty += 2.0
    if CAPTION_PENALTY and CAPTION.search(text):
        penalty += CAPTION_PENALTY  # "An oil slick is seen as the rig burns": a photo's caption
    if len(tokens) < 4:
        penalty += 0.5
    if tokens and tokens[0].endswith("ing") and tokens[0][:1].isupper():
        penalty += 0.4  # "Departing last month": a participle, no actor
    if _MODALS & {t.lower() for t in tokens}:
        penalty += 0.3
    if tokens and tokens[0][:1] in "'’":
        penalty += 0.8  # "'ll be voting on March 1": cut from its subject
    if len(tokens) > 1 and tokens[-1].lower().strip(".,;:") in _DANGLING:
        penalty += 0.5  # "Tuesday's primary results are": cut before its predicate
    return penalty


#: Words that end no event: an auxiliary or a function word waiting for the rest.
_DANGLING = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "the",
        "a",
        "an",
        "of",
        "to",
        "and",
        "or",
        "that",
        "will",
        "would",
    }
)
