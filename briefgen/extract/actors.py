"""Actors: one canonical entry per real-world actor in a document.

Named-entity mentions are cleaned (determiners, possessives, titles), filtered
for statistical-model junk, typed with the gazetteer (states, capitals and
demonyms used as actors, organisations, media) and merged: surname and
first-name forms join the full name, acronyms join their expansion. Roles come
from title prefixes ("Russian Defense Minister Sergei Shoigu") and appositions
("Alexander Matsegora, Russia's ambassador to North Korea").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .gazetteer import Gazetteer, load_gazetteer
from .spans import clean_bounds, doc_ents, doc_text, doc_tokens, span_tokens

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
LABEL_TYPE = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "location",
    "LOC": "location",
    "FAC": "location",
    "NORP": "group",
}
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
ACTOR_DEPS = {"nsubj", "nsubjpass", "poss", "agent", "dobj", "iobj", "appos"}
PLACE_HEADS = {
    "prefecture",
    "province",
    "state",
    "region",
    "island",
    "city",
    "county",
    "district",
    "territory",
    "government",
    "governor",
    "mayor",
    "police",
    "authorities",
    "administration",
    "coast",
    "border",
    "capital",
}
#: Nouns that say a name is a ship ("the bulk carrier Aurora Star", "Aurora Star, a
#: Liberian-flagged tanker") and the prefixes ships' names carry.
VESSEL_NOUNS = frozenset(
    """
    ship vessel tanker carrier freighter cargo boat yacht ferry trawler destroyer frigate
    warship submarine cruiser corvette liner dhow tug barge containership bulker
    """.split()
)
VESSEL_PREFIXES = frozenset({"mv", "m/v", "mt", "m/t", "uss", "hms", "ss", "ins", "fv"})
#: Last words of a company's name: "Poseidon Bulk Management", "Acme Shipping Ltd".
COMPANY_WORDS = frozenset(
    """
    ltd ltd. limited inc inc. incorporated corp corp. corporation co co. company llc plc
    gmbh ag sa nv bv spa lp llp holdings holding group management shipping maritime lines
    logistics partners capital industries enterprises airlines airways bancorp bancshares
    insurance securities investments ventures technologies systems motors petroleum
    """.split()
)
#: Words that make a name a place or a facility, first or last: "Port of Aden",
#: "Ras Isa port", "Hodeidah Airport", "Jebel Ali Terminal".
FACILITY_WORDS = frozenset(
    """
    port harbor harbour terminal airport airbase base refinery plant strait canal bay gulf
    pier dock quay anchorage oilfield field pipeline dam bridge
    """.split()
)
NAME_JOINERS = {"-", "‐", "–", "'", "’", "."}
LOWER_NAME_PARTICLES = {
    "de",
    "da",
    "van",
    "von",
    "der",
    "bin",
    "al",
    "el",
    "la",
    "le",
    "du",
    "di",
    "ibn",
    "dos",
    "del",
}


@dataclass
class Mention:
    start: int  # character offsets into doc.text
    end: int
    text: str
    label: str
    root: Token
    sent_start: int
    sent_end: int


@dataclass
class ActorRecord:
    key: str
    name: str
    type: str
    aliases: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)
    role: str | None = None
    role_span: tuple[int, int] | None = None
    affiliation: str | None = None
    watchlist: bool = False
    # 0..1, relative to the document's most salient actor; set by ``extract._salience``.
    salience: float = 0.0

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions) if self.mentions else 0


@dataclass
class ActorIndex:
    """The document's actors and a map from token index to actor key."""

    actors: dict[str, ActorRecord]
    by_token: dict[int, str]

    def actor_at(self, token: Token) -> str | None:
        return self.by_token.get(token.i)

    def actors_in(self, tokens: list[Token]) -> list[str]:
        keys: list[str] = []
        for tok in sorted(tokens, key=lambda t: t.i):
            key = self.by_token.get(tok.i)
            if key and key not in keys:
                keys.append(key)
        return keys

    def resolve_pronoun(self, tok: Token) -> str | None:
        """The actor a personal pronoun most likely refers to, or None.

        he/she → the person last named before it; it/its/they/their → the state,
        organisation or group last named earlier in the same sentence.
        """
        low = tok.lower_
        if low in ("he", "she", "him", "her", "his", "hers"):
            # Centering: a pronoun most often continues the last person who was a subject.
            return self.last_before(
                tok.idx, subject_only=True, window=tok.sent.start_char - 400
            ) or self.last_before(tok.idx)
        if low in ("it", "its", "they", "their", "them"):
            sent = tok.sent
            best = None
            for t in span_tokens(sent):
                if t.i >= tok.i:
                    break
                key = self.by_token.get(t.i)
                if key and self.actors[key].type in ("state", "organization", "group"):
                    best = key
            return best
        return None

    def last_before(
        self,
        char: int,
        types: tuple[str, ...] = ("person",),
        subject_only: bool = False,
        window: int = 0,
    ) -> str | None:
        best: tuple[int, str] | None = None
        for rec in self.actors.values():
            if rec.type not in types:
                continue
            for m in rec.mentions:
                if not window <= m.start < char or (best is not None and m.start <= best[0]):
                    continue
                if subject_only and m.root.dep_ not in ("nsubj", "nsubjpass"):
                    continue
                best = (m.start, rec.key)
        return best[1] if best else None


def _strip_span(ent: Span) -> tuple[int, int] | None:
    """Token bounds of an entity without leading determiners and trailing possessives."""
    start, end = ent.start, ent.end
    tokens = doc_tokens(ent.doc)
    while start < end and (tokens[start].lower_ in ("the", "a", "an") or tokens[start].is_punct):
        start += 1
    while end > start and (
        tokens[end - 1].tag_ == "POS"
        or tokens[end - 1].is_punct
        or tokens[end - 1].lower_ in ("'s", "’s", "'", "’")
    ):
        end -= 1
    return (start, end) if start < end else None


def _mention(doc: Doc, start: int, end: int, label: str) -> Mention | None:
    span = doc[start:end]
    full = doc_text(doc)
    cstart, cend = clean_bounds(full, span.start_char, span.end_char)
    text = full[cstart:cend]
    m = POSSESSIVE.search(text)
    if m and label in ("PERSON", "ORG", "GPE", "LOC", "FAC"):
        cend -= len(m.group(0))
        text = full[cstart:cend]
    if not text or not any(c.isupper() for c in text):
        return None
    sent = span.sent
    return Mention(cstart, cend, text, label, span.root, sent.start_char, sent.end_char)


def _name_words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text.strip()) if w]


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", _norm(text)).strip("-")
    return s or "actor"


#: Words that end no name, though a title-case headline makes them look like one:
#: "Clinton, Sanders Are Avoiding…" ("May", "Will" and "Said" are surnames).
NOT_NAME_ENDINGS = frozenset(
    {
        "are",
        "is",
        "was",
        "were",
        "has",
        "have",
        "had",
        "says",
        "does",
        "did",
        "could",
        "would",
        "should",
        "must",
        "and",
        "or",
        "the",
        "of",
        "to",
    }
)


def _is_junk_person(m: Mention, gz: Gazetteer) -> bool:
    words = _name_words(m.text)
    if len(words) > 5 or any(ch.isdigit() for ch in m.text):
        return True
    if len(words) > 1 and words[-1].lower() in NOT_NAME_ENDINGS:
        return True  # "Sanders Are"
    parts = re.split(r"[-\s]", m.text)
    if (
        any(gz.is_demonym(p) for p in parts if p)
        or gz.is_demonym(m.text)
        or gz.compound_states(m.text)
    ):
        return True
    # Every name word must start with a capital (particles like "bin" or "de" aside).
    return any(not w[:1].isupper() and w.lower() not in LOWER_NAME_PARTICLES for w in words)


def _role_prefix(doc: Doc, ent_start: int, gz: Gazetteer) -> tuple[int, int] | None:
    """Token range of a title directly before a name: 'Russian Defense Minister'."""
    tokens = doc_tokens(doc)
    i = ent_start - 1
    first = ent_start
    sent_start = tokens[ent_start].sent.start
    while i >= sent_start and ent_start - i <= 12:
        tok = tokens[i]
        if tok.is_space or tok.text in (",", ";", ":", "(", ")", "“", "”", '"'):
            break
        # A lowercase plural is no part of one person's title: "the Syrian refugees
        # President Obama", "presidential candidates Donald Trump and ...".
        if tok.tag_ == "NNS" and tok.text.islower():
            break
        if tok.pos_ in ("PROPN", "NOUN", "ADJ") or tok.tag_ == "POS" or tok.text in NAME_JOINERS:
            first = i
            i -= 1
            continue
        # "Coordinator for Strategic Communications": a preposition between capitalised words.
        if (
            tok.lower_ in ("for", "of", "on")
            and i - 1 >= 0
            and tokens[i - 1].text[:1].isupper()
            and tokens[i + 1].text[:1].isupper()
        ):
            first = i
            i -= 1
            continue
        break
    if first >= ent_start:
        return None
    while first < ent_start and (tokens[first].tag_ == "POS" or tokens[first].is_punct):
        first += 1
    words = [t.lower_ for t in tokens[first:ent_start]]
    if not any(
        gz.is_role(" ".join(words[j:k]))
        for j in range(len(words))
        for k in range(j + 1, min(len(words), j + 3) + 1)
    ):
        return None
    return first, ent_start


def _appositive_role(ent: Span, gz: Gazetteer) -> tuple[int, int] | None:
    """Token range of an apposed role: "X, Russia's ambassador to Y," or "Russia's envoy, X"."""
    root = ent.root
    tokens = doc_tokens(ent.doc)
    heads: list[Token] = []
    if root.dep_ == "appos" and root.head.pos_ in ("NOUN", "PROPN"):
        heads.append(root.head)
    heads.extend(c for c in root.children if c.dep_ == "appos")
    for head in heads:
        if ent.start <= head.i < ent.end:
            continue
        if not (gz.is_role(head.lower_) or gz.is_role(head.lemma_.lower())):
            continue
        cut = {t.i for c in head.children if c.dep_ in ("relcl", "appos", "acl") for t in c.subtree}
        if head.i < ent.start:
            idx = [t.i for t in head.subtree if t.i < ent.start and t.i not in cut]
        else:
            idx = [t.i for t in head.subtree if t.i >= ent.end and t.i not in cut]
        idx = [i for i in idx if not tokens[i].is_punct or tokens[i].text in ("’", "'")]
        if not idx:
            continue
        lo, hi = min(idx), max(idx) + 1
        while lo < hi and tokens[lo].lower_ in ("the", "a", "an"):
            lo += 1
        if 0 < hi - lo <= 14:
            return lo, hi
    return None


def _affiliation(doc: Doc, lo: int, hi: int, gz: Gazetteer) -> str | None:
    """The state or body a role belongs to: "Russian Defense Minister" → Russia."""
    for ent in doc_ents(doc):
        if not (ent.start >= lo and ent.end <= hi):
            continue
        words = ent.text.split()
        for k in range(len(words), 0, -1):
            entry = gz.lookup(" ".join(words[:k]))
            if entry is not None:
                return entry.name
    for tok in doc_tokens(doc)[lo:hi]:
        entry = gz.lookup(tok.text)
        if entry is not None:
            return entry.name
    return None


def _role_text(doc: Doc, lo: int, hi: int) -> str:
    span = doc[lo:hi]
    full = doc_text(doc)
    start, end = clean_bounds(full, span.start_char, span.end_char)
    return " ".join(full[start:end].split())


def _actor_position(tok: Token) -> bool:
    """Is a place name used as an actor ("Moscow said", "Pyongyang's test")?"""
    head = tok
    while head.dep_ in ("compound", "conj", "appos") and head.head.i != head.i:
        head = head.head
    return head.dep_ in ("nsubj", "nsubjpass", "poss", "agent") or (
        head.dep_ == "pobj" and head.head.lower_ == "by"
    )


def _cue_words(m: Mention) -> tuple[list[str], list[str]]:
    """Lower-case words just before the mention in its sentence (up to four) and the
    heads it is in apposition with or a compound of."""
    doc = m.root.doc
    tokens = doc_tokens(doc)
    first = doc.char_span(m.start, m.end, alignment_mode="expand")
    before: list[str] = []
    heads = [m.root.head.lemma_.lower()] if m.root.dep_ in ("appos", "compound") else []
    if first is not None:
        sent = first.sent
        i = first.start - 1
        while i >= sent.start and len(before) < 4:
            tok = tokens[i]
            if tok.is_punct and tok.text not in ("-", "/"):
                break
            before.insert(0, tok.lower_)
            i -= 1
        # Appositions of the name ("Aurora Star, a bulk carrier"), read through each
        # token's head (a Doc whose long sentences were cut keeps no child lists).
        root = m.root.i
        heads += [
            t.lemma_.lower()
            for t in tokens[sent.start : sent.end]
            if t.dep_ == "appos" and t.head.i == root and t.i != root
        ]
    return before, heads


def kind_by_name(m: Mention) -> str | None:
    """The actor type a name's own words or its context give, whatever the tagger said:
    vessels are ``other``, companies ``organization``, ports and facilities ``location``;
    None when nothing tells."""
    words = [w.lower() for w in _name_words(m.text)]
    if not words:
        return None
    before, heads = _cue_words(m)
    if words[0] in VESSEL_PREFIXES or (before and before[-1] in VESSEL_PREFIXES):
        return "other"
    if words[-1].rstrip(".,") in COMPANY_WORDS and len(words) > 1:
        return "organization"
    if (words[0] in FACILITY_WORDS or words[-1] in FACILITY_WORDS) and len(words) > 1:
        return "location"
    if any(h in VESSEL_NOUNS for h in heads) or (before and before[-1] in VESSEL_NOUNS):
        return "other"
    if any(h in FACILITY_WORDS for h in heads) or before[-2:] in (["port", "of"], ["port", "at"]):
        return "location"
    if before and before[-1] in FACILITY_WORDS:
        return "location"
    return None


def _merge_tails(actors: dict[str, ActorRecord], by_token: dict[int, str]) -> None:
    """Join an actor whose name is the tail of a longer one of the same type
    ("Central Command" → "U.S. Central Command"); people are joined by their names
    elsewhere, and one-word tails are left alone ("Command" may be anything)."""
    recs = sorted(actors.values(), key=lambda r: -len(_name_words(r.name)))
    for short in list(recs):
        words = _name_words(_norm(short.name))
        if short.key not in actors or short.type in ("person", "state") or len(words) < 2:
            continue
        for long in recs:
            if long is short or long.key not in actors or long.type != short.type:
                continue
            longer = _name_words(_norm(long.name))
            if len(longer) > len(words) and longer[-len(words) :] == words:
                long.aliases.add(short.name)
                long.aliases |= short.aliases
                long.mentions.extend(short.mentions)
                long.watchlist = long.watchlist or short.watchlist
                for i, key in list(by_token.items()):
                    if key == short.key:
                        by_token[i] = long.key
                del actors[short.key]
                break


def extract_actors(doc: Doc, watchlist: tuple[str, ...] = ()) -> ActorIndex:
    gz = load_gazetteer()
    tokens = doc_tokens(doc)
    mentions: list[Mention] = []
    role_ranges: list[tuple[int, int, int]] = []  # (lo, hi, entity start) token ranges

    ents = [e for e in doc_ents(doc) if e.label_ in ACTOR_LABELS]
    person_starts = {e.start for e in ents if e.label_ == "PERSON"}
    for ent in ents:
        if ent.label_ == "PERSON":
            rng = _role_prefix(doc, ent.start, gz)
            if rng:
                role_ranges.append((rng[0], rng[1], ent.start))
    in_role: set[int] = set()
    for lo, hi, _ in role_ranges:
        in_role.update(range(lo, hi))

    for ent in ents:
        bounds = _strip_span(ent)
        if bounds is None:
            continue
        start, end = bounds
        label = ent.label_
        # Titles inside a PERSON entity ("President Trump"): cut them off.
        if label == "PERSON":
            while end - start > 1 and gz.is_role(tokens[start].lower_.rstrip(".")):
                start += 1
        if label != "PERSON" and all(i in in_role for i in range(start, end)):
            continue  # "Defense" in "Russian Defense Minister": part of a title
        if label == "ORG" and end in person_starts and gz.is_role(tokens[end - 1].lower_):
            continue  # a job title tagged as an organisation
        m = _mention(doc, start, end, label)
        if m is not None:
            mentions.append(m)

    # What any mention's words or context say a name is holds for all its mentions
    # ("off Ras Isa" … "the port of Ras Isa").
    name_kinds: dict[str, str] = {}
    for m in mentions:
        kind = kind_by_name(m)
        if kind is not None:
            name_kinds.setdefault(_norm(m.text), kind)
    # Full person names (two or more words) are the canonical forms.
    full_names: dict[str, str] = {}  # normalised full name -> display
    for m in mentions:
        if (
            m.label == "PERSON"
            and len(_name_words(m.text)) >= 2
            and not _is_junk_person(m, gz)
            and _norm(m.text) not in name_kinds
        ):
            full_names.setdefault(_norm(m.text), m.text)
    # Prefer the longest form when one full name contains another ("Kim Jong-un" / "Jong-un").
    part_index: dict[str, list[str]] = defaultdict(list)
    for norm_name in full_names:
        words = _name_words(norm_name)
        for w in {words[0], words[-1]}:
            part_index[w].append(norm_name)
    label_votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        label_votes[_norm(m.text)][m.label] += 1

    actors: dict[str, ActorRecord] = {}
    by_token: dict[int, str] = {}
    last_seen: dict[str, int] = {}

    def add(key: str, name: str, type_: str, m: Mention) -> None:
        rec = actors.get(key)
        if rec is None:
            rec = actors[key] = ActorRecord(key=key, name=name, type=type_)
        elif rec.name.isupper() and not m.text.isupper() and _norm(m.text) == _norm(rec.name):
            # A wire headline in capitals named it first: the body's spelling is its name.
            rec.aliases.add(rec.name)
            rec.name = m.text
        rec.mentions.append(m)
        if m.text != rec.name:
            rec.aliases.add(m.text)
        last_seen[key] = m.start
        for tok in doc.char_span(m.start, m.end, alignment_mode="expand") or []:
            by_token[tok.i] = key

    for m in sorted(mentions, key=lambda x: x.start):
        norm = _norm(m.text)
        words = _name_words(norm)
        if len(words) > 1 and words[-1] in NOT_NAME_ENDINGS:
            continue  # "Sunak Are", whatever label the tagger gave it
        # 0. A ship, a company, a port: its words or context say so, whatever the label.
        if m.label in ("PERSON", "ORG", "GPE", "FAC", "LOC") and norm not in full_names:
            kind = name_kinds.get(norm)
            if kind is not None and not (kind == "location" and m.label in ("GPE", "LOC")):
                if kind != "organization" or m.label != "ORG" or gz.lookup(m.text) is None:
                    add(slug(m.text), m.text, kind, m)
                    continue
        # 1. A surname / first name of a full person name in this document.
        if len(words) == 1 and norm in part_index and m.label in ("PERSON", "ORG", "GPE", "NORP"):
            cands = part_index[norm]
            best = max(cands, key=lambda c: (last_seen.get(slug(c), -1), len(c)))
            add(slug(best), full_names[best], "person", m)
            continue
        if m.label == "PERSON" and norm in full_names and not _is_junk_person(m, gz):
            add(slug(norm), full_names[norm], "person", m)
            continue
        # 2. Gazetteer: states (with capitals and demonyms), organisations, media.
        entry = gz.lookup(m.text)
        if entry is not None:
            if entry.kind == "demonym":
                if not (
                    m.root.pos_ in ("NOUN", "PROPN")
                    and m.root.tag_ in ("NNS", "NNPS")
                    or m.root.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "conj")
                    and m.root.pos_ != "ADJ"
                ):
                    continue  # adjectival use ("Russian missiles"): not an actor mention
            place_word = entry.kind == "capital" or (
                m.label in ("GPE", "LOC", "FAC") and entry.type == "organization"
            )
            if place_word and not _actor_position(m.root):  # "arrived in Brussels"
                add(slug(m.text), m.text, "location", m)
                continue
            add(slug(entry.name), entry.name, entry.type, m)
            if entry.kind == "seat" and entry.affiliation:
                actors[slug(entry.name)].affiliation = entry.affiliation
            elif entry.affiliation and entry.type != "state":
                actors[slug(entry.name)].affiliation = entry.affiliation
            continue
        if m.label == "PERSON":
            if _is_junk_person(m, gz):
                continue
            titled = any(
                lo <= m.root.i - 1 < hi and m.root.i - 1 == hi - 1 for lo, hi, _ in role_ranges
            ) or _starts_after_role(doc, m, role_ranges)
            if len(words) == 1 and titled:
                add(slug(m.text), m.text, "person", m)  # "President Biden"
                continue
            if len(words) == 1:
                votes = label_votes[norm]
                other = [lab for lab, _ in votes.most_common() if lab != "PERSON"]
                head = m.root.head
                if other and votes[other[0]] >= votes["PERSON"]:
                    add(slug(m.text), m.text, LABEL_TYPE.get(other[0], "other"), m)
                elif (
                    head.lower_ in PLACE_HEADS
                    or head.lemma_.lower() in PLACE_HEADS
                    or (m.root.dep_ in ("compound", "poss") and m.root.head.pos_ != "PROPN")
                ):
                    add(slug(m.text), m.text, "location", m)
                elif m.root.dep_ in ("nsubj", "nsubjpass") and not (
                    m.root.i == m.root.sent.start and votes["PERSON"] == 1
                ):
                    # (a lone capitalised word opening a sentence is usually a common noun)
                    add(slug(m.text), m.text, "person", m)
                # A lone, unlinked, never-acting single name is most likely model noise.
                continue
            add(slug(m.text), m.text, "person", m)
            continue
        if m.label == "NORP":
            continue  # unknown demonyms and adjectives: not actors
        type_ = LABEL_TYPE.get(m.label, "other")
        if m.label == "ORG" and len(words) > 7:
            continue
        add(slug(m.text), m.text, type_, m)

    _merge_acronyms(actors, by_token)
    _merge_tails(actors, by_token)
    _assign_roles(doc, actors, role_ranges, gz)
    if watchlist:
        wl = {_norm(w) for w in watchlist}
        for rec in actors.values():
            names = {_norm(rec.name)} | {_norm(a) for a in rec.aliases}
            if names & wl or any(
                _name_words(n)[-1:] == _name_words(w)[-1:] and len(_name_words(w)) > 1 and n == w
                for n in names
                for w in wl
            ):
                rec.watchlist = True
    return ActorIndex(actors, by_token)


def _starts_after_role(doc: Doc, m: Mention, role_ranges: list[tuple[int, int, int]]) -> bool:
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    return span is not None and any(
        ent_start <= span.start <= ent_start + 1 and hi <= span.start
        for _, hi, ent_start in role_ranges
    )


def _initials(name: str) -> str:
    words = [
        w
        for w in re.split(r"[\s-]+", name)
        if w and w.lower() not in ("of", "the", "and", "for", "&")
    ]
    return "".join(w[0].upper() for w in words if w[0].isalpha())


def _merge_acronyms(actors: dict[str, ActorRecord], by_token: dict[int, str]) -> None:
    """Join an acronym actor ("NSC") to the actor whose initials it spells."""
    acronyms = [
        r
        for r in actors.values()
        if r.name.replace(".", "").isupper() and 2 <= len(r.name.replace(".", "")) <= 6
    ]
    for acr in acronyms:
        letters = acr.name.replace(".", "")
        for rec in list(actors.values()):
            if rec is acr or rec.key not in actors or len(_name_words(rec.name)) < 2:
                continue
            if _initials(rec.name) == letters:
                rec.aliases.add(acr.name)
                rec.aliases |= acr.aliases
                rec.mentions.extend(acr.mentions)
                for i, key in list(by_token.items()):
                    if key == acr.key:
                        by_token[i] = rec.key
                del actors[acr.key]
                break


def _assign_roles(
    doc: Doc,
    actors: dict[str, ActorRecord],
    role_ranges: list[tuple[int, int, int]],
    gz: Gazetteer,
) -> None:
    by_start = {ent_start: (lo, hi) for lo, hi, ent_start in role_ranges}
    for rec in actors.values():
        if rec.type != "person":
            continue
        for m in sorted(rec.mentions, key=lambda x: x.start):
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            rng = by_start.get(span.start)
            if rng is None:
                # The entity may have started at a title we cut off.
                for ent_start, r in by_start.items():
                    if r[1] <= span.start <= ent_start + 2 and ent_start <= span.start:
                        rng = r
                        break
            if rng is None:
                rng = _appositive_role(span, gz)
            if rng is None:
                continue
            role = _role_text(doc, *rng)
            if not role or len(role) > 90:
                continue
            if rec.role is None or (len(role) > len(rec.role) and len(rec.role) < 12):
                rec.role = role
                rec.role_span = (doc[rng[0]].idx, doc[rng[1] - 1].idx + len(doc[rng[1] - 1]))
                rec.affiliation = _affiliation(doc, rng[0], rng[1], gz) or rec.affiliation
