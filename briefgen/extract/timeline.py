"""Timeline: dated events, each with the date as written and normalised.

Every date expression is tied to what happened then: the clause of the verb it
modifies ("Kirby said North Korea had deployed rockets … in 2022") or the noun
phrase it dates ("Pyongyang's confirmation on August 31 that it had fired …").
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..model import TimelineEntry
from .actors import ActorIndex
from .clauses import is_speech, realise, shorten, subject_text
from .dates import DateValue, parse_date, parse_iso
from .spans import (
    doc_ents,
    join_tokens,
    sent_ents,
    sentence_evidence,
    trim_clause,
    upper_first,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

VAGUE = {
    "today",
    "now",
    "recently",
    "currently",
    "coming months",
    "recent",
    "the past",
    "some time",
    "the time",
    "the moment",
    "then",
    "since then",
}
MAX_TOKENS = 30
#: A sentence up to this many words is an entry's text as written.
MAX_SENTENCE_WORDS = 45


def _dated_noun(tok: Token) -> bool:
    """A noun phrase that names the dated event itself ("Shoigu's remarks on May 4",
    "Pyongyang's confirmation on August 31 that …"), unless it is a clause's subject."""
    if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ in ("nsubj", "nsubjpass"):
        return False
    return any(c.dep_ in ("poss", "acl", "ccomp") for c in tok.children)


def _governor(tok: Token) -> Token:
    """The verb or dated noun a date expression belongs to."""
    head = tok
    for _ in range(8):
        if head.head.i == head.i:
            break
        head = head.head
        if head.pos_ in ("VERB", "AUX") and head.dep_ not in ("amod",):
            return head
        if _dated_noun(head):
            return head
    return head


_WILL = frozenset({"will", "'ll", "’ll", "shall"})
#: Heads of a planned event's infinitive ("is to meet", "is set to vote", "plans to
#: sign", "is due to report"): its date is the coming one.
_PLANNED = frozenset(
    {"be", "due", "set", "schedule", "expect", "plan", "go", "intend", "slate", "prepare"}
)
#: A dated word that plans by itself ("results due on Tuesday", "scheduled for 21 June").
_PLANNED_WORDS = frozenset({"due", "scheduled", "slated"})


def _future(gov: Token, date_root: Token | None = None) -> bool:
    """Whether the date's event is still to come when the text is written: "will meet
    on Tuesday", "is to meet on Tuesday", "is due to report on Tuesday", "results due on
    Tuesday". A weekday or a month-day date then takes its coming occurrence. A date under
    could/may/might ("could be sealed by Sunday") is left to the nearest day: resolving
    it ahead lowered t17-dev date F1 (0.708 → 0.700)."""
    if any(c.lower_ in _WILL for c in gov.children):
        return True
    tok = date_root
    for _ in range(8):  # the words between the date and its verb: "results due on …"
        if tok is None or tok.i == gov.i or tok.head.i == tok.i:
            break
        tok = tok.head
        if tok.lower_ in _PLANNED_WORDS:
            return True
    if gov.lower_ in _PLANNED_WORDS:
        return True
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in gov.children)
    head = gov.head
    if infinitive and head.i != gov.i:
        if head.tag_ == "VBD":
            return False  # "was to meet" tells of a past plan
        if any(c.lower_ in _WILL for c in head.children):
            return True  # "will try to meet on Tuesday"
        if head.lemma_.lower() in _PLANNED or head.lower_ in _PLANNED_WORDS:
            return True
    return _planned_above(gov)


#: Tags of a verb without tense of its own, its time that of what it hangs from: the
#: bare form and the -ing form. Not the past participle: "the well, drilled by the rig"
#: tells of something done, whatever the clause it hangs from plans.
_NON_FINITE = frozenset({"VB", "VBG"})


def _planned_above(gov: Token) -> bool:
    """Whether a verb without tense hangs, through others like it, from a plan: "was
    scheduled to spend the night before returning on Tuesday", "arguments due to begin
    on 27 September". The climb stops at the first verb with a tense of its own ("left
    before returning on Tuesday" dates no plan) and at anything but a verb, a preposition
    or subordinator between verbs ("before"), or a predicative adjective ("due")."""
    tok = gov
    for _ in range(4):
        if tok.tag_ not in _NON_FINITE or tok.head.i == tok.i:
            return False
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ != "to" for c in tok.children):
            return False  # "has been arrested", "is leaving": a tense of its own
        head = tok.head
        if head.pos_ in ("ADP", "SCONJ") and head.head.i != head.i:
            head = head.head  # "before returning"
        if head.pos_ not in ("VERB", "AUX", "ADJ"):
            return False
        if head.lower_ in _PLANNED_WORDS or any(c.lower_ in _WILL for c in head.children):
            return True
        tok = head
    return False


def _past(gov: Token, date_root: Token) -> bool:
    """Whether the date's verb tells a past event: "died on 25 June", "was arrested on 3
    March", "had left on Friday". A date of a noun ("the 8
    October gig was announced", "the explosion on April 20") takes no tense from the
    verb of its noun."""
    if gov.pos_ not in ("VERB", "AUX"):
        return False
    tok = date_root
    for _ in range(8):
        if tok.head.i == tok.i or tok.head.i == gov.i:
            break
        tok = tok.head
        if tok.pos_ in ("NOUN", "PROPN"):
            return False
    if gov.tag_ == "VBD":
        return True
    aux = {c.lower_ for c in gov.children if c.dep_ in ("aux", "auxpass")}
    # Not "has announced a concert on 8 October": English dates no present perfect, so
    # such a date belongs to something else in the clause (the concert).
    return bool(aux & {"was", "were", "had", "did"})


def _event_text(gov: Token, actors: ActorIndex) -> str:
    part = gov.head if gov.dep_ == "conj" and gov.tag_ in ("VBN", "VBG") else gov
    if part.dep_ == "acl" and part.tag_ in ("VBN", "VBG") and part.head.pos_ in ("NOUN", "PROPN"):
        # "The report, released on Tuesday, …" (", … and announced on Wednesday"): the
        # entry is the report released on Tuesday, not a clause without its subject.
        gov = part.head
    if gov.pos_ in ("NOUN", "PROPN"):
        toks = trim_clause(
            [t for t in shorten(list(gov.subtree), gov, MAX_TOKENS) if not t.is_space]
        )
        replace = {}
        for t in toks:
            if t.tag_ == "PRP$" and t.dep_ == "poss" and (key := actors.resolve_pronoun(t)):
                replace[t.i] = actors.actors[key].name + "’s"
        return upper_first(join_tokens(toks, replace))
    verb = gov
    # A participle of attribution ("…, citing X's remarks on May 4"): date the head clause.
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "xcomp") and verb.head.pos_ == "VERB":
        verb = verb.head
    # "The Times reported, …, that EVENT" parsed with the report as a dependent clause.
    if (
        is_speech(verb)
        and not any(c.dep_ == "ccomp" for c in verb.children)
        and verb.dep_ in ("ccomp", "parataxis")
        and verb.head.pos_ in ("VERB", "AUX")
    ):
        subj = subject_text(verb, actors)
        event = realise(verb.head, actors, max_len=MAX_TOKENS - 4)
        return upper_first(f"{subj} {verb.text} that {event}" if subj else event)
    return upper_first(realise(verb, actors, max_len=MAX_TOKENS))


#: How many sentences back a written day still anchors "the next day", "two days later".
ANCHOR_SENTENCES = 3


def _shift_partial(anchor: DateValue, text: str) -> DateValue | None:
    """'the previous day' after 'August 31' when the year is unknown: keep month/day order."""
    try:
        month, day = int(anchor.sort_key[5:7]), int(anchor.sort_key[8:10])
    except ValueError:
        return None
    if not month or not day:
        return None
    val = parse_date(text, ref=date(2000, month, day), anchor=date(2000, month, day))
    if val is None or not val.date:
        return None
    d = parse_iso(val.date)
    label = f"{d:%B} {d.day} ({text})" if d else text
    return DateValue(label, None, val.precision, sort_key="9999" + val.date[4:], relative=True)


def own_year_ref(doc: Doc) -> date | None:
    """The latest full date (day, month and year) the document writes, for a document
    without a publication date: its month-day dates take their year from it."""
    best: date | None = None
    for ent in doc_ents(doc):
        if ent.label_ != "DATE" or not any(ch.isdigit() for ch in ent.text):
            continue
        val = parse_date(ent.text)
        if val is not None and val.date and val.precision == "day" and not val.relative:
            d = parse_iso(val.date)
            if d is not None and (best is None or d > best):
                best = d
    return best


def _as_written(sent: Span) -> str | None:
    """The sentence as written, when it reads as an entry: whole, not too long, not a
    quotation cut from its speaker."""
    text = " ".join(sent.text.split()).rstrip()
    words = text.split()
    if not 4 <= len(words) <= MAX_SENTENCE_WORDS:
        return None
    if text[:1] in "\"“‘'" or not (text[:1].isupper() or text[:1].isdigit()):
        return None
    return text.rstrip(".").rstrip()


def _dates_main_clause(gov: Token) -> bool:
    """The date belongs to the sentence's main event: it modifies the root verb, or the
    reported clause of a root verb of saying ("Police said he died on 25 June")."""
    if gov.dep_ == "ROOT":
        return True
    return gov.dep_ in ("ccomp", "conj") and gov.head.dep_ == "ROOT"


def _depth(tok: Token) -> int:
    depth = 0
    while tok.head.i != tok.i and depth < 50:
        tok = tok.head
        depth += 1
    return depth


def extract_timeline(
    doc: Doc, doc_id: str, ref: date | None, actors: ActorIndex
) -> list[TimelineEntry]:
    """The dated events of one document.

    Each entry's text is its sentence as written when the sentence dates one event and
    the date belongs to its main clause (no clause cut out of it and spliced with a
    subject), else the clause of the date's verb. A document without a publication date
    takes the year of a month-day date from its own latest full date
    (:func:`own_year_ref`); relative dates ("yesterday", "last week") stay unresolved
    there. "Last week" names no day (:mod:`.dates`)."""
    entries: list[TimelineEntry] = []
    seen: set[tuple[str, str]] = set()
    own = own_year_ref(doc) if ref is None else None
    # The last full day a sentence wrote, and where: "the next day" in a following
    # sentence counts from it (and from nothing when it is far back or absent).
    told: tuple[int, DateValue] | None = None
    for k, sent in enumerate(doc.sents):
        anchor: DateValue | None = (
            told[1] if told is not None and k - told[0] <= ANCHOR_SENTENCES else None
        )
        found: list[tuple[DateValue, Token, str]] = []
        for ent in sent_ents(sent):
            if ent.label_ != "DATE":
                continue
            raw = " ".join(ent.text.split())
            if raw.lower() in VAGUE or raw.lower().removeprefix("the ") in VAGUE:
                continue
            gov = _governor(ent.root)
            future = _future(gov, ent.root)
            past = not future and _past(gov, ent.root)
            val = parse_date(
                raw,
                ref=ref,
                anchor=parse_iso(anchor.date) if anchor else None,
                future=future,
                past=past,
            )
            if (
                own is not None
                and val is not None
                and val.date is None
                and val.sort_key.startswith("9999")
                and not val.relative
            ):
                val = parse_date(raw, ref=own, future=future, past=past)
            if val is not None and val.date is None and not val.sort_key and anchor:
                val = _shift_partial(anchor, raw)
            if val is None or (val.date is None and not val.sort_key):
                continue
            anchor = val
            if val.date and val.precision == "day":
                told = (k, val)
            found.append((val, gov, raw))
        whole = None
        if len({v.sort_key for v, _, _ in found}) == 1:
            main = min(found, key=lambda f: _depth(f[1]))
            if _dates_main_clause(main[1]):
                whole = _as_written(sent)
                if whole is not None:
                    found = [main]  # one event, one entry
        for val, gov, raw in found:
            text = whole or _event_text(gov, actors)
            if len(text.split()) < 3:
                continue
            key = (val.sort_key, text[:40])
            if key in seen:
                continue
            seen.add(key)
            entries.append(
                TimelineEntry(
                    date=val.date,
                    precision=val.precision,
                    text=text,
                    evidence=[sentence_evidence(sent, doc_id)],
                    when=val.text if val.relative else raw,
                    sort_key=val.sort_key,
                    end_date=val.end_date,
                )
            )
    entries.sort(key=lambda e: (e.sort_key, e.evidence[0].start))
    return entries
