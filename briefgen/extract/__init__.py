"""One spaCy ``Doc`` → ``DocFacts``: actors, developments, statements, risks,
open questions and the timeline of one document. Knows nothing of files or templates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Actor, DocFacts, Document, DocumentRef
from .actors import ActorIndex, extract_actors
from .dates import parse_iso
from .developments import extract_developments
from .profile import term_profile
from .questions import extract_questions
from .risks import extract_risks
from .spans import doc_text, evidence
from .statements import extract_statements
from .timeline import extract_timeline

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Bump when extraction output changes: it keys the per-document cache.
EXTRACTOR_VERSION = "5"

#: Longest sentence (in tokens) the extractors see. Some of them take time that grows
#: faster than the square of a sentence's length, so a text without sentence ends (one
#: 40,000-character "sentence" takes minutes) is read in pieces of this size instead.
#: News sentences are far shorter: normal articles are not affected.
MAX_SENTENCE_TOKENS = 500

TYPE_WEIGHT = {
    "person": 0.35,
    "state": 0.25,
    "organization": 0.15,
    "group": 0.1,
    "location": -0.6,
    "other": -0.3,
}


@dataclass(frozen=True)
class ExtractOptions:
    watch_actors: tuple[str, ...] = ()
    watch_topics: tuple[str, ...] = ()
    max_developments: int = 8


def _title_sentences(doc: Doc, document: Document) -> int:
    """How many leading sentences are the article's title line (not a development)."""
    title = (document.title or "").strip()
    if not title or not doc_text(doc).lstrip().startswith(title):
        return 0
    limit = doc_text(doc).index(title) + len(title)
    return sum(1 for s in doc.sents if s.start_char < limit)


def _salience(
    actors: ActorIndex, length: int, speakers: dict[str, int], doers: dict[str, float]
) -> None:
    raw: dict[str, float] = {}
    for key, rec in actors.actors.items():
        first = rec.first / max(1, length)
        raw[key] = (
            math.log1p(len(rec.mentions))
            + 0.8 * (1 - first)
            + TYPE_WEIGHT.get(rec.type, 0)
            + 0.25 * min(speakers.get(key, 0), 4)
            + doers.get(key, 0.0)
            + (0.5 if rec.watchlist else 0)
        )
    top = max(raw.values(), default=1.0) or 1.0
    for key, rec in actors.actors.items():
        rec.salience = round(max(0.0, raw[key] / top), 4)


def _actor_models(doc: Doc, document: Document, actors: ActorIndex) -> list[Actor]:
    out = []
    for rec in actors.actors.values():
        ev = []
        seen_sents: set[int] = set()
        if rec.role_span:
            sent = doc.char_span(*rec.role_span, alignment_mode="expand")
            if sent is not None:
                s = sent.sent
                seen_sents.add(s.start_char)
                ev.append(evidence(doc, document.id, s.start_char, s.end_char))
        for m in sorted(rec.mentions, key=lambda x: x.start):
            if m.sent_start in seen_sents or len(ev) >= 3:
                continue
            seen_sents.add(m.sent_start)
            ev.append(evidence(doc, document.id, m.sent_start, m.sent_end))
        out.append(
            Actor(
                id=rec.key,
                name=rec.name,
                type=rec.type,  # type: ignore[arg-type]
                aliases=sorted(rec.aliases - {rec.name}),
                role=rec.role,
                affiliation=rec.affiliation if rec.affiliation != rec.name else None,
                mentions=len(rec.mentions),
                salience=rec.salience,
                evidence=ev,
                documents=1,
                watchlist=rec.watchlist,
            )
        )
    out.sort(key=lambda a: (-a.salience, -a.mentions, a.name))
    return out


def bounded_sentences(doc: Doc, max_tokens: int = MAX_SENTENCE_TOKENS) -> Doc:
    """``doc`` itself when no sentence is longer than ``max_tokens``; else a copy in which
    each longer sentence is cut into pieces of ``max_tokens`` tokens (a token whose head
    lies in another piece becomes the root of its own), so that the work of extraction
    stays bounded. The text, and so every character offset, is unchanged."""
    long = [(s.start, s.end) for s in doc.sents if len(s) > max_tokens]
    if not long:
        return doc
    import numpy
    from spacy.attrs import DEP, HEAD

    out = doc.copy()
    values = out.to_array([HEAD, DEP]).astype(numpy.int64)  # heads as relative offsets
    root = out.vocab.strings.add("ROOT")
    for start, end in long:
        for lo in range(start, end, max_tokens):
            hi = min(lo + max_tokens, end)
            for i in range(lo, hi):
                if not lo <= i + values[i, 0] < hi:
                    values[i] = (0, root)
    out.from_array([HEAD, DEP], values.astype(numpy.uint64))  # type: ignore[arg-type]
    return out


def extract(doc: Doc, document: Document, options: ExtractOptions | None = None) -> DocFacts:
    """Extract every kind of fact from one parsed document (sentences longer than
    :data:`MAX_SENTENCE_TOKENS` tokens are read in pieces: :func:`bounded_sentences`)."""
    opts = options or ExtractOptions()
    doc = bounded_sentences(doc)
    ref = parse_iso(document.published)
    actors = extract_actors(doc, opts.watch_actors)
    _salience(actors, len(doc_text(doc)), {}, {})
    title_sents = _title_sentences(doc, document)
    # An all-capitals wire headline ("MANILA SAID TO OFFER DEBT BONDS") drops articles and
    # names places for governments: its statements are left to the body.
    wire_title = title_sents if (document.title or "").isupper() else 0
    statements = extract_statements(doc, document.id, actors, wire_title)
    speakers: dict[str, int] = {}
    for st in statements:
        if st.speaker.actor_id:
            speakers[st.speaker.actor_id] = speakers.get(st.speaker.actor_id, 0) + 1
    _salience(actors, len(doc_text(doc)), speakers, {})
    developments = extract_developments(
        doc,
        document.id,
        actors,
        ref,
        opts.watch_topics,
        title_sents,
        opts.max_developments,
        document.published,
        document.dateline.place if document.dateline else None,
    )
    doers: dict[str, float] = {}
    for rank, dev in enumerate(developments):
        for key in dev.actor_ids:
            doers[key] = doers.get(key, 0.0) + 0.6 / (1 + rank)
        # Everyone named in the lead developments' evidence takes part in the news.
        if rank < 3:
            for ev in dev.evidence:
                span = doc.char_span(ev.start, ev.end, alignment_mode="expand")
                for key in actors.actors_in(list(span) if span is not None else []):
                    doers[key] = doers.get(key, 0.0) + 0.25 / (1 + rank)
    _salience(actors, len(doc_text(doc)), speakers, doers)
    return DocFacts(
        document=DocumentRef(
            id=document.id,
            title=document.title,
            path=document.path,
            url=document.url,
            publisher=document.publisher,
            published=document.published,
            sha256=document.sha256,
            dateline=document.dateline,
            language=document.language,
        ),
        actors=_actor_models(doc, document, actors),
        key_developments=developments,
        statements=statements,
        risks=extract_risks(doc, document.id, actors),
        open_questions=extract_questions(doc, document.id, actors, skip_sents=title_sents),
        timeline=extract_timeline(doc, document.id, ref, actors),
        extractor_version=EXTRACTOR_VERSION,
        profile=term_profile(doc, title_sents, ref),
    )
