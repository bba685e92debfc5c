"""A document's term profile: what it is about, for story detection across documents.

Topic detection and tracking (and Miranda et al. 2018's news-stream clustering) compare
whole documents by weighted terms. The profile holds, per term, its weighted count:

* content lemmas (nouns, proper nouns, verbs, adjectives), lower-cased;
* named entities as whole names (``e:los angeles``) — people, organisations, places,
  events, nationalities — which tell two similar events apart (two earthquakes in two
  places);
* figures with what they count (``n:7.2 magnitude``) and day dates (``d:2010-05-05``,
  resolved against the publication date when there is one).

Terms of the headline count :data:`HEADLINE_WEIGHT` times and those of the lead
(the first :data:`LEAD_SENTENCES` sentences after it) :data:`LEAD_WEIGHT` times; at most
:data:`MAX_TERMS` terms are kept, the heaviest. Fusion weighs them by inverse document
frequency (:mod:`briefgen.fuse.stories`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from .dates import parse_date
from .spans import doc_ents, doc_tokens

if TYPE_CHECKING:
    from spacy.tokens import Doc

HEADLINE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
LEAD_SENTENCES = 3
ENTITY_WEIGHT = 2.0
MAX_TERMS = 120
_POS = {"NOUN", "PROPN", "VERB", "ADJ"}
_NAMES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART"}
_GENERIC = {"say", "tell", "be", "have", "do", "get", "make", "go", "come", "take", "also"}


def _norm_entity(text: str) -> str:
    words = text.lower().replace("’s", "").replace("'s", "").split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def _content_lemmas(doc: Doc) -> list[tuple[int, str]]:
    """(index, lower-case lemma) of each content word: no stop word, alphabetic, three
    letters or more and, in a tagged Doc, of a part of speech in :data:`_POS` (the lemma
    being its text where it has none; untagged, its lower-case text). Read from one
    ``Doc.to_array`` rather than token by token."""
    from spacy.attrs import IS_ALPHA, IS_STOP, LEMMA, LENGTH, LOWER, ORTH, POS
    from spacy.parts_of_speech import IDS

    tagged = doc.has_annotation("POS")
    pos_ids = {IDS[name] for name in _POS}
    strings = doc.vocab.strings
    rows = doc.to_array([IS_STOP, IS_ALPHA, LENGTH, POS, LEMMA, ORTH, LOWER]).tolist()
    out: list[tuple[int, str]] = []
    for i, (stop, alpha, length, pos, lemma, orth, lower) in enumerate(rows):
        if stop or not alpha or length < 3:
            continue
        if not tagged:
            out.append((i, strings[lower]))
        elif pos in pos_ids:
            out.append((i, (strings[lemma] or strings[orth]).lower()))
    return out


def term_profile(doc: Doc, title_sentences: int, ref: date | None) -> dict[str, float]:
    """The weighted terms of a parsed document (see the module docstring)."""
    weights: defaultdict[str, float] = defaultdict(float)
    sent_weight: dict[int, float] = {}
    for k, sent in enumerate(doc.sents):
        if k < title_sentences:
            w = HEADLINE_WEIGHT
        elif k < title_sentences + LEAD_SENTENCES:
            w = LEAD_WEIGHT
        else:
            w = 1.0
        for i in range(sent.start, sent.end):
            sent_weight[i] = w
    for i, lemma in _content_lemmas(doc):
        if lemma in _GENERIC:
            continue
        weights[lemma] += sent_weight.get(i, 1.0)
    for ent in doc_ents(doc):
        w = sent_weight.get(ent.start, 1.0)
        if ent.label_ in _NAMES:
            name = _norm_entity(ent.text)
            if name and any(ch.isalpha() for ch in name):
                weights["e:" + name] += ENTITY_WEIGHT * w
        elif ent.label_ in ("CARDINAL", "QUANTITY", "MONEY", "PERCENT"):
            nxt = doc_tokens(doc)[ent.end] if ent.end < len(doc) else None
            unit = nxt.lemma_.lower() if nxt is not None and nxt.is_alpha else ""
            value = ent.text.lower().replace(",", "")
            if any(ch.isdigit() for ch in value):
                weights[f"n:{value} {unit}".strip()] += w
        elif ent.label_ == "DATE":
            val = parse_date(ent.text, ref=ref)
            if val is not None and val.date and val.precision == "day":
                weights["d:" + val.date] += w
            if val is not None and val.date and not val.relative:
                weights["y:" + val.date[:4]] += w  # the year a date names
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TERMS]
    return {t: round(v, 2) for t, v in top}
