"""The main event: the article's own headline and lead decide it.

News writing puts the main event in the headline (who did what) and the lead
(when and where). When a document opens with a headline, its clause gives the
main development's who and what ("Taliban attacks German consulate"), and the
body sentence that best matches it, near the top, becomes the development's
evidence. When and where fall back on the lead: the first time expression of
the opening sentences ("at around 6am", "late Thursday"), a dateline
("WASHINGTON —"), the first place named in a prepositional phrase. A document
with no time expression at all is dated by its publication date, marked as such.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Evidence
from .actors import ActorIndex
from .clauses import NEGATIONS, event_phrase, np_tokens
from .dates import DateValue, parse_date, parse_iso
from .gazetteer import load_gazetteer
from .spans import doc_ents, doc_text, evidence, join_tokens, sent_ents, subject_of

if TYPE_CHECKING:
    from datetime import date

    from spacy.tokens import Doc, Span, Token

PLACE_LABELS = ("GPE", "LOC", "FAC")
REPORTING = frozenset({"say", "report", "show", "claim", "tell", "reveal", "suggest"})
PLACE_NOUNS = frozenset(
    {
        "city",
        "town",
        "village",
        "province",
        "region",
        "county",
        "state",
        "district",
        "capital",
        "area",
        "suburb",
        "island",
        "port",
    }
)
PLACE_PREPS = ("in", "at", "near", "outside", "inside", "across", "into", "on", "from", "to")
WHEN_MODIFIERS = ("late", "early", "earlier", "later", "around", "about", "last", "this", "next")
VAGUE = ("recent", "now", "currently", "the past", "years", "decades", "months")
DATELINE = re.compile(r"^\s*([A-Z][A-Z .,'-]{2,40}?)\s*(?:\([^)]{1,30}\))?\s*[—–-]{1,2}\s")
LEAD_SENTENCES = 3


@dataclass
class Headline:
    who: list[str]
    who_keys: list[str]
    what: str
    where: list[str]
    evidence: Evidence


def _clause_verb(sent: Span) -> Token | None:
    """The verb of a headline clause; after a colon ("Croydon tram crash: Police identify…");
    the reported clause rather than its attribution ("X blames Y, reports say")."""
    colon = next((t for t in sent if t.text == ":"), None)
    if colon is not None:
        before = [t for t in sent if t.i < colon.i]
        after = [t for t in sent if t.i > colon.i and not t.is_space]
        quoted = bool(after) and after[0].text in "'‘“\""
        clause_before = any(t.pos_ == "VERB" and subject_of(t) is not None for t in before)
        if quoted or clause_before:
            colon = None  # "Cubs win World Series: 'quote'": the clause is before the colon
            sent = sent.doc[sent.start : before[-1].i + 1] if quoted or clause_before else sent
    verbs = [
        t
        for t in sent
        if t.pos_ in ("VERB", "AUX")
        and t.dep_ not in ("aux", "auxpass")
        and (colon is None or t.i > colon.i)
    ]
    with_subject = [v for v in verbs if subject_of(v) is not None]
    events = [v for v in with_subject if v.lemma_.lower() not in REPORTING]
    pool = events or with_subject
    if pool:
        return min(
            pool,
            key=lambda v: (v.dep_ not in ("ROOT", "ccomp", "parataxis"), v.dep_ != "ROOT", v.i),
        )
    return verbs[0] if verbs else None


def headline_phrase(verb: Token, max_len: int = 12) -> list[Token]:
    """Verb + object + the short prepositional phrases that follow it in a headline:
    "blames loss on FBI's James Comey", "clears Clinton in email review"."""
    toks = event_phrase(verb)
    last = max(t.i for t in toks)
    for child in verb.children:
        if (
            child.dep_ in ("prep", "agent")
            and child.i > last
            and child.lower_ not in ("as", "after", "while", "because", "despite", "amid", "with")
        ):
            extra = list(child.subtree)
            if len(toks) + len(extra) > max_len:
                break
            toks += extra
            last = max(t.i for t in extra)
        elif child.i > last and child.dep_ not in ("punct", "prt", "dobj", "attr", "acomp"):
            break
    return sorted({t.i: t for t in toks}.values(), key=lambda t: t.i)


def subject_actors(subj: Token, actors: ActorIndex) -> list[str]:
    """Actors the subject itself names (its head and conjoined heads), not its modifiers:
    "Formula One star Max Verstappen" → Max Verstappen."""
    keys: list[str] = []
    for head in [subj, *(c for c in subj.children if c.dep_ == "conj")]:
        key = actors.actor_at(head) or _named(head.text, actors)
        if key and actors.actors[key].type != "location" and key not in keys:
            keys.append(key)
    return keys


def place_phrases(
    tokens: list[Token], actors: ActorIndex, exclude: AbstractSet[str] = frozenset()
) -> list[str]:
    """Places named in prepositional phrases among ``tokens`` ("in Croydon, south London")."""
    doc = tokens[0].doc if tokens else None
    if doc is None:
        return []
    lo, hi = tokens[0].i, tokens[-1].i
    found: list[str] = []
    for ent in doc_ents(doc):
        if not (lo <= ent.start and ent.end - 1 <= hi):
            continue
        if ent.label_ not in PLACE_LABELS and not (
            ent.label_ == "ORG" and ent.root.head.lower_ in ("at", "outside", "inside")
        ):
            continue
        key = actors.actor_at(ent.root)
        if key in exclude:
            continue
        if key is not None and actors.actors[key].type in ("other", "person"):
            continue  # a ship ("on the Aurora Star"), a person: no place
        root = ent.root
        if root.dep_ == "appos" and root.head.ent_type_:
            continue  # the "South London" of "Croydon, South London" joins its head below
        prep = root.head if root.dep_ == "pobj" else None
        text = ent.text
        if (
            prep is not None
            and prep.lower_ == "of"
            and prep.head.lemma_.lower() in PLACE_NOUNS
            and prep.head.dep_ == "pobj"
        ):
            noun = prep.head  # "in the northern Afghan city of Mazar-i-Sharif"
            first = min(t.i for t in noun.subtree)
            text = doc[first : ent.end].text
            prep = noun.head
        if prep is None or prep.lower_ not in PLACE_PREPS:
            continue
        appos = [c for c in root.children if c.dep_ == "appos" and c.ent_type_ in PLACE_LABELS]
        if appos:
            last = max(t.i for t in appos[0].subtree)
            text = doc[ent.start : last + 1].text
        text = re.sub(r"^(the|The)\s+", "", text)
        # Hyphenated names the tagger split: "Mazar" of "Mazar-i-Sharif".
        end_char = ent.end_char
        while (
            end_char < len(doc_text(doc))
            and not doc_text(doc)[end_char].isspace()
            and doc_text(doc)[end_char] not in ",.;:!?)”\"'’"
        ):
            end_char += 1
        text += doc_text(doc)[ent.end_char : end_char] if text.endswith(ent.text) else ""
        if text not in found:
            found.append(text)
    return found


def _named(word: str, actors: ActorIndex) -> str | None:
    """An actor the word names by itself: a surname, a first name or an alias."""
    low = word.lower()
    for rec in actors.actors.values():
        if rec.type == "location":
            continue
        names = [rec.name, *rec.aliases]
        if any(
            low == n.lower()
            or (rec.type == "person" and low in (n.split()[0].lower(), n.split()[-1].lower()))
            for n in names
            if n
        ):
            return rec.key
    return None


def read_headline(
    doc: Doc, sents: list[Span], skip: int, actors: ActorIndex, doc_id: str
) -> Headline | None:
    if skip <= 0:
        return None
    title = sents[:skip]
    for sent in title:
        verb = _clause_verb(sent)
        who_keys: list[str] = []
        who: list[str] = []
        what_toks: list[Token] = []
        if verb is not None:
            subj = subject_of(verb)
            if subj is not None and subj.pos_ != "PRON":
                toks = np_tokens(subj, max_len=10)
                who_keys = subject_actors(subj, actors)
                who = [actors.actors[k].name for k in who_keys] or [join_tokens(toks)]
            what_toks = headline_phrase(verb)
        lead_ent = _leading_actor(sent, actors)
        if lead_ent is not None and (
            verb is None or verb.i < lead_ent[1] or not who_keys or verb.dep_ != "ROOT"
        ):
            # "Lady Gaga protests outside Trump Tower": the tagger read the verb as a noun.
            key, end = lead_ent
            rest = [t for t in sent[end - sent.start :] if not t.is_space]
            stop = next(
                (
                    i
                    for i, t in enumerate(rest)
                    if t.lower_ in ("as", "after", "while", "because", "amid", "despite")
                    or t.text in ":;,"
                ),
                len(rest),
            )
            if (
                rest
                and rest[0].pos_ in ("VERB", "NOUN", "AUX")
                and rest[0].tag_ in ("VBZ", "NNS", "VBD", "VBP", "NN")
            ):
                who_keys, who = [key], [actors.actors[key].name]
                what_toks = rest[: min(stop, 10)]
        # "Clinton, Sanders Are Avoiding…" read as "Are": a what with no content word
        # says nothing; the text's own event stands.
        if not any(_content_word(t) for t in what_toks):
            continue
        what = join_tokens(what_toks)
        where = (
            place_phrases([t for t in sent], actors, set(who_keys))
            or [
                e.text
                for e in sent_ents(sent)
                if e.label_ in PLACE_LABELS and actors.actor_at(e.root) not in who_keys
            ][:1]
        )
        ev = evidence(doc, doc_id, title[0].start_char, title[-1].end_char)
        return Headline(who=who, who_keys=who_keys, what=what, where=where, evidence=ev)
    return None


def _content_word(tok: Token) -> bool:
    if tok.lower_ in NEGATIONS:  # "n’t" may be tagged as a proper noun in a headline
        return False
    return tok.pos_ in ("NOUN", "PROPN", "ADJ", "NUM") or (
        tok.pos_ == "VERB" and tok.lemma_.lower() not in ("be", "do", "have")
    )


def _leading_actor(sent: Span, actors: ActorIndex) -> tuple[str, int] | None:
    """The actor a headline starts with (after any "Topic:" prefix), and where it ends."""
    colon = next((t for t in sent if t.text == ":"), None)
    start = colon.i + 1 if colon is not None else sent.start
    for ent in sent_ents(sent):
        if ent.start < start:
            continue
        if ent.start > start + 1:
            return None
        key = actors.actor_at(ent.root)
        if key and actors.actors[key].type in ("person", "organization", "state", "group"):
            return key, ent.end
        return None
    return None


def headline_words(doc: Doc, sents: list[Span], skip: int) -> set[str]:
    if skip <= 0:
        return set()
    return {
        t.lemma_.lower()
        for s in sents[:skip]
        for t in s
        if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "NUM") and not t.is_stop
    }


SPECIFIC_TIME = re.compile(
    r"\b(\d{1,2}([:.]\d{2})?\s*(a\.?m\.?|p\.?m\.?)|\d{1,2}:\d{2}|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|today|tonight|yesterday|tomorrow|"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2})\b",
    re.I,
)
DURATION = re.compile(
    r"^(the\s+)?(\w+\s+)?(days?|weeks?|months?|years?|hours?|decades?)$|"
    r"-year-old|\bold\b",
    re.I,
)


def _time_ents(sent: Span, specific: bool) -> list[Span]:
    out = []
    for e in sent_ents(sent):
        low = e.text.lower()
        if e.label_ not in ("DATE", "TIME") or any(v in low for v in VAGUE):
            continue
        if DURATION.search(e.text.strip()) and not (
            e.end < sent.end and sent.doc[e.end].lower_ in ("before", "after", "ago")
        ):
            continue  # "two days", "Five-year-old": a span of time or an age, not a date
        if specific and not SPECIFIC_TIME.search(e.text):
            continue
        out.append(e)
    return out


def when_phrase(
    sent: Span, ref: date | None, specific: bool = False
) -> tuple[DateValue, tuple[int, int]] | None:
    """The first time expression of a sentence with its preposition and neighbours:
    "at around 6am", "6.10am on Wednesday", "late Thursday"."""
    doc = sent.doc
    ents = _time_ents(sent, specific)
    if not ents:
        return None
    first = ents[0]
    start, end = first.start, first.end
    # Join a neighbouring time expression: "6.10am on Wednesday".
    for other in ents[1:]:
        gap = doc[end : other.start]
        if len(gap) <= 1 and all(t.lower_ in ("on", ",", "at", "of") for t in gap):
            end = other.end
        break
    while start > sent.start and doc[start - 1].lower_ in WHEN_MODIFIERS:
        start -= 1
    # "two days before the election"
    if (
        end < sent.end
        and doc[end].lower_ in ("before", "after", "ago")
        and doc[end].head.i in (first.root.i, first.root.head.i)
    ):
        tail = [t.i for t in doc[end].subtree]
        if len(tail) <= 5:
            end = max(tail) + 1
    span = doc[start:end]
    value = parse_date(first.text, ref=ref) or DateValue(first.text, None, None)
    text = " ".join(span.text.split())
    return DateValue(
        text, value.date, value.precision, value.end_date, value.sort_key, value.relative
    ), (span.start_char, span.end_char)


def published_when(published: str | None) -> DateValue | None:
    d = parse_iso(published)
    if d is None:
        return None
    text = f"{calendar.month_name[d.month]} {d.day}, {d.year}"
    return DateValue(text, d.isoformat(), "day", sort_key=d.isoformat())


def dateline_place(doc: Doc, start: int) -> str | None:
    """'WASHINGTON — …' / 'KABUL, Afghanistan (AP) — …' at the start of the body."""
    m = DATELINE.match(doc_text(doc)[start : start + 80])
    if not m:
        return None
    place = m.group(1).strip(" ,")
    if not place.replace(" ", "").replace(",", "").isalpha():
        return None
    # "NEW YORK" is a typographic convention: the place is New York ("UN" stays).
    words = place.split()
    if place.isupper() and len(place.replace(" ", "").replace(",", "")) > 3:
        return " ".join(w.capitalize() for w in words)
    return " ".join(w.capitalize() if w.isupper() and len(w.strip(",")) > 3 else w for w in words)


def choose_places(places: list[str], limit: int = 2) -> list[str]:
    """The most specific places first: a city or site before the country it is in."""
    gz = load_gazetteer()
    seen: list[str] = []
    for p in places:
        p = p.strip()
        letters = p.replace(".", "")
        if (
            not p
            or p.casefold() in {q.casefold() for q in seen}
            or (
                letters.isupper()
                and len(letters) <= 3
                and ((known := gz.lookup(p)) is None or known.type != "state")
            )
        ):
            continue  # "F1", "GP": not places
        seen.append(p)

    def is_state(p: str) -> bool:
        entry = gz.lookup(p)
        return entry is not None and entry.type == "state" and entry.kind != "capital"

    # "American city of Seattle" says no more than "Seattle".
    seen = [p for p in seen if not any(p != q and q.casefold() in p.casefold() for q in seen)]
    specific = [p for p in seen if not is_state(p)]
    states = [p for p in seen if is_state(p)]
    return (specific + states)[:limit]


def lead_places(
    sents: list[Span], first_body: int, actors: ActorIndex, exclude: set[str]
) -> list[str]:
    found: list[str] = []
    for sent in sents[first_body : first_body + LEAD_SENTENCES]:
        found += place_phrases([t for t in sent], actors, exclude)
    if not found:  # any place the lead names at all
        for sent in sents[first_body : first_body + LEAD_SENTENCES]:
            found += [
                e.text
                for e in sent_ents(sent)
                if e.label_ in ("GPE", "LOC", "FAC")
                and not (
                    (key := actors.actor_at(e.root)) is not None
                    and actors.actors[key].type in ("other", "person")
                )
            ]
    return found


def lead_when(
    sents: list[Span], first_body: int, ref: date | None, main: Span | None = None
) -> tuple[DateValue, tuple[int, int]] | None:
    """The main sentence's time, else the lead's: a clock time, weekday or calendar date
    first, then any other time expression."""
    window = ([main] if main is not None else []) + sents[first_body : first_body + LEAD_SENTENCES]
    for specific in (True, False):
        for sent in window:
            found = when_phrase(sent, ref, specific)
            if found is not None:
                return found
    return None
