"""Key developments: the events a document reports, with who / what / when / where.

Each sentence's event clause (attribution peeled off, see :mod:`.clauses`) is a
candidate. Candidates are scored on general news cues: lead position, the
salience of the actors involved, a material event verb rather than opinion or
speech, a date and a place, watchlist hits. A following sentence that refers
back to the same event ("this meeting … it is poised to take place in X on
Y") lends its when and where. Hedges, unconfirmed claims and sourcing chains
set the confidence and are spelled out in ``sourcing``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Evidence, KeyDevelopment, When
from ..watchlist import mentions_topic
from .actors import ActorIndex
from .clauses import (
    Clause,
    analyse_sentence,
    clause_tokens,
    event_phrase,
    event_verb,
    is_fragment,
    is_future,
    is_hypothetical,
    np_tokens,
)
from .dates import DateValue, parse_date, parse_iso
from .lexicon import (
    BACKGROUND_MARKERS,
    EVENT_NOUNS,
    MATERIAL_VERBS,
    OPINION_VERBS,
)
from .main_event import (
    SPECIFIC_TIME,
    Headline,
    choose_places,
    dateline_place,
    lead_places,
    lead_when,
    published_when,
    read_headline,
    when_phrase,
)
from .spans import (
    join_tokens,
    phrase_inside,
    sent_ents,
    sentence_evidence,
    span_text,
    span_tokens,
    upper_first,
)

if TYPE_CHECKING:
    from datetime import date

    from spacy.tokens import Doc, Span, Token

PLACE_LABELS = ("GPE", "LOC", "FAC")
PLACE_PREPS = ("in", "at", "near", "to", "inside", "outside", "across", "into", "from", "on")
VAGUE_DATES = ("today", "now", "recently", "currently", "coming months", "recent")


@dataclass
class Candidate:
    clause: Clause
    sent_idx: int
    score: float
    who: list[str]
    who_keys: list[str]
    what: str
    when: DateValue | None
    when_span: tuple[int, int] | None
    where: list[str]
    summary: str
    evidence: list[Evidence] = field(default_factory=list)
    hedges: list[str] = field(default_factory=list)
    sourcing: str = ""
    merged_from: list[int] = field(default_factory=list)


def _dates_in(sent: Span, ref: date | None, future: bool) -> list[tuple[DateValue, Span]]:
    out = []
    anchor = None
    for ent in sent_ents(sent):
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if ent.text.lower().strip() in VAGUE_DATES:
            continue
        val = parse_date(
            ent.text, ref=ref, future=future, anchor=_to_date(anchor) if anchor else None
        )
        if val is None:
            continue
        out.append((val, ent))
        if val.date:
            anchor = val.date
    return out


def _to_date(value: str) -> date | None:
    return parse_iso(value)


CLAUSE_BOUNDARIES = ("relcl", "acl", "advcl", "ccomp", "parataxis", "csubj")


def _attached_to(tok: Token, verb: Token) -> bool:
    """Is ``tok`` part of the verb's own clause (not of a clause embedded in it)?"""
    head = tok
    for _ in range(8):
        if head.i == verb.i:
            return True
        if head.head.i == head.i or head.dep_ in CLAUSE_BOUNDARIES:
            return False
        head = head.head
    return False


def _in_relative(tok: Token) -> bool:
    head = tok
    for _ in range(10):
        if head.dep_ in ("relcl", "acl"):
            return True
        if head.head.i == head.i:
            return False
        head = head.head
    return False


def _verb_chain(verb: Token) -> set[int]:
    """The clause verb with its control complements and conjoined predicates."""
    chain = {verb.i}
    stack = [verb]
    while stack:
        v = stack.pop()
        for c in v.children:
            if c.dep_ in ("xcomp", "conj") and c.pos_ in ("VERB", "AUX") and c.i not in chain:
                chain.add(c.i)
                stack.append(c)
    return chain


_POSSESSIVE = re.compile(r"\s*['’]s?$")


def _plain_places(places: list[str]) -> list[str]:
    """Place names without a possessive ending ("South Dakota’s capital": South Dakota)."""
    out: list[str] = []
    for place in places:
        place = _POSSESSIVE.sub("", place)
        if place and place not in out:
            out.append(place)
    return out


def _places(sent: Span, verb: Token, actors: ActorIndex, exclude: set[str]) -> list[str]:
    found: list[tuple[int, str]] = []
    chain = _verb_chain(verb)
    for ent in sent_ents(sent):
        if ent.label_ not in PLACE_LABELS:
            continue
        root = ent.root
        key = actors.actor_at(root)
        rec = actors.actors.get(key) if key else None
        name = ent.text
        if rec is not None:
            if rec.key in exclude:
                continue
            name = rec.name if rec.type in ("state", "location") else name
        prep = root.head if root.dep_ == "pobj" else None
        if root.dep_ == "appos" and root.head.dep_ == "pobj":
            prep = root.head.head
        if prep is None or prep.lower_ not in PLACE_PREPS:
            continue
        if rec is not None and rec.type not in ("state", "location"):
            continue
        # Only places that modify the event itself, not a noun deep inside its object.
        if prep.head.i not in chain:
            continue
        found.append((0, name))
        if root.dep_ == "pobj":
            for c in root.children:
                if c.dep_ == "appos" and c.ent_type_ in PLACE_LABELS:
                    found.append((0, c.text))
    found.sort(key=lambda x: x[0])
    names: list[str] = []
    for _, n in found:
        if n not in names:
            names.append(n)
    return names[:3]


def _sourcing(clause: Clause, actors: ActorIndex) -> str:
    parts: list[str] = []

    def names(tokens: list[Token]) -> str:
        out: list[str] = []
        for t in tokens:
            key = actors.actor_at(t)
            if key and key in actors.actors and actors.actors[key].type == "person":
                label = actors.actors[key].name
            else:
                label = phrase_inside(np_tokens(t, max_len=10))  # "per the same report"
            if label and label not in out:
                out.append(label)
        return " and ".join(out)

    if clause.source:
        report = any(t.lemma_.lower() in ("report", "reports") for t in clause.source)
        parts.append(("per " if report else "reported by ") + names(clause.source))
    if clause.cited:
        cited = names(clause.cited)
        parts.append(("citing " if parts else "sources cited: ") + cited)
    text = ", ".join(parts)
    if clause.unconfirmed_by:
        text = (text + "; " if text else "") + "not confirmed by " + names(clause.unconfirmed_by)
    return text


def _confidence(hedges: list[str], clause: Clause) -> str:
    if hedges or clause.unconfirmed_by:
        return "low"
    if clause.source or clause.cited:
        return "moderate"
    return "moderate"


CONTENT_POS = ("NOUN", "PROPN", "VERB", "ADJ", "NUM")


def _content_words(sent: Span) -> set[str]:
    return {
        t.lemma_.lower()
        for t in span_tokens(sent)
        if t.pos_ in CONTENT_POS and not t.is_stop and len(t.text) > 2
    }


def centrality(word_sets: list[set[str]]) -> list[float]:
    """How much each sentence shares its vocabulary with the rest of the document
    (cosine-like overlap, averaged), scaled so the most central sentence is 1.

    Up to :data:`PAIRWISE_MAX` sentences every pair is compared; beyond, the same sums
    are taken word by word, grouping the other sentences by their number of words
    (``|wi ∩ wj|`` is the count of shared words, and the denominator depends only on the
    two sizes): work in proportion to the words times the distinct sentence sizes, not to
    the square of the sentences (30,000 one-word sentences took minutes)."""
    n = len(word_sets)
    if n <= PAIRWISE_MAX:
        raw = []
        lengths = [len(w) for w in word_sets]
        for i, wi in enumerate(word_sets):
            total = 0.0
            for j, wj in enumerate(word_sets):
                # (a pair that shares no word adds nothing: skipped)
                if i != j and wi and wj and not wi.isdisjoint(wj):
                    total += len(wi & wj) / ((lengths[i] * lengths[j]) ** 0.5 + 1)
            raw.append(total / max(1, n - 1))
    else:
        by_size: dict[str, dict[int, int]] = {}
        for words in word_sets:
            for word in words:
                sizes = by_size.setdefault(word, {})
                sizes[len(words)] = sizes.get(len(words), 0) + 1
        raw = []
        for wi in word_sets:
            size = len(wi)
            total = 0.0
            for word in wi:
                for other, count in by_size[word].items():
                    total += count / ((size * other) ** 0.5 + 1)
            total -= size / (size + 1) if size else 0.0  # the sentence itself
            raw.append(total / max(1, n - 1))
    top = max(raw, default=0.0) or 1.0
    return [r / top for r in raw]


#: Sentences up to which :func:`centrality` compares every pair.
PAIRWISE_MAX = 300


def _score(
    clause: Clause,
    lead: bool,
    central: float,
    title_overlap: int,
    who_keys: list[str],
    actors: ActorIndex,
    when: DateValue | None,
    where: list[str],
    watch_topics: tuple[str, ...],
) -> float:
    """Rank a candidate: the lead and the sentences most central to the article first."""
    verb = event_verb(clause)
    lemma = verb.lemma_.lower()
    score = 1.2 * lead + 3.0 * central + 0.15 * min(title_overlap, 3)
    sal = sum(actors.actors[k].salience for k in who_keys if k in actors.actors)
    score += min(sal, 1.5) * 0.3
    if lemma in MATERIAL_VERBS:
        score += 0.2
    elif lemma in OPINION_VERBS:
        score -= 0.2
    if verb.lemma_ == "be" or verb.pos_ == "AUX":
        score -= 0.15
    if when is not None:
        score += 0.1
    if where:
        score += 0.1
    text = span_text(clause.sentence).lower()
    if any(text.lstrip().startswith(m) for m in BACKGROUND_MARKERS):
        score -= 0.3
    if len([t for t in span_tokens(clause.sentence) if not t.is_punct]) < 9:
        score -= 0.6
    if watch_topics and mentions_topic(text, watch_topics):
        score += 0.4
    if any(actors.actors[k].watchlist for k in who_keys if k in actors.actors):
        score += 0.4
    return round(score, 4)


def _refers_back(sent: Span) -> bool:
    """Does the sentence continue the previous one's event ("this meeting", "it")?"""
    toks = span_tokens(sent)
    for tok in toks:
        if tok.lower_ in EVENT_NOUNS and any(
            c.lower_ in ("this", "the", "that", "such") for c in tok.children if c.dep_ == "det"
        ):
            return True
    root = sent.root
    subj = [t for t in toks if t.dep_ in ("nsubj", "nsubjpass") and t.head == root]
    return bool(subj) and subj[0].lower_ in ("it", "this")


def _settle_main_event(
    cands: list[Candidate],
    sents: list[Span],
    first_body: int,
    words: list[set[str]],
    title_words: set[str],
    headline: Headline | None,
    actors: ActorIndex,
    ref: date | None,
    published: str | None,
    skip: int = 0,
    filed_at: str | None = None,
) -> None:
    """Put the main event first and complete its who / what / when / where."""
    if title_words:
        near = [c for c in cands if first_body <= c.sent_idx < first_body + 5]
        if near:
            best = max(
                near,
                key=lambda c: (
                    len(words[c.sent_idx] & title_words) + 0.5 * (c.sent_idx == first_body),
                    -c.sent_idx,
                ),
            )
            cands.remove(best)
            cands.insert(0, best)
    main = cands[0]
    # The main event outranks everything else of its document, in fusion too.
    main.score = round(max(c.score for c in cands) + 0.25, 4)
    # The headline speaks for the main event only when that event is what it is about
    # (a lead left out as a possibility leaves another sentence first).
    if headline is not None and title_words and not words[main.sent_idx] & title_words:
        headline = None
    # A wire headline in capitals ("JANUARY HOUSING SALES DROP") abbreviates: its words
    # are no who or what; the body's sentence speaks for itself.
    if headline is not None and headline.evidence.text.isupper():
        if not headline.who_keys:
            headline = None
        else:  # only the actors it names, by their names
            headline = Headline(
                who=[actors.actors[k].name for k in headline.who_keys],
                who_keys=headline.who_keys,
                what=main.what,
                where=headline.where,
                evidence=headline.evidence,
            )
    if headline is not None and headline.where:
        main.where = headline.where + [w for w in main.where if w not in headline.where]
    if headline is not None:
        # An actor beats a common noun ("Race to reach boy…", "Footage shows…").
        # ... but a state the headline names ("U.K. MONEY MARKET …") does not replace
        # the body's own who ("The Bank of England said it forecast …").
        only_states = bool(headline.who_keys) and all(
            actors.actors[k].type in ("state", "location") for k in headline.who_keys
        )
        keep_own = bool(main.who) and only_states
        if not keep_own and (headline.who_keys or (headline.who and not main.who_keys)):
            main.who, main.who_keys = headline.who, headline.who_keys or main.who_keys
        main.what = headline.what
    sent = sents[main.sent_idx]
    if main.when_span is None or main.when is None:
        found = lead_when(sents, first_body, ref, sent)
        if found is not None:
            main.when, main.when_span = found
        elif published:
            main.when, main.when_span = published_when(published), None
    elif main.when_span is not None:
        richer = when_phrase(sent, ref)
        if richer is not None and richer[1][0] <= main.when_span[0] < richer[1][1]:
            main.when, main.when_span = richer
        if not SPECIFIC_TIME.search(main.when.text):
            better = lead_when(sents, first_body, ref, sent)
            if better is not None and SPECIFIC_TIME.search(better[0].text):
                main.when, main.when_span = better
    places = list(main.where)
    if filed_at:  # the dateline parsed at ingest
        places.append(filed_at)
    else:
        for sent in sents[skip : first_body + 3]:  # a dateline may be a sentence of its own
            line = dateline_place(sent.doc, sent.start_char)
            if line:
                places.append(line)
                break
    places += lead_places(sents, first_body, actors, set(main.who_keys))
    main.where = choose_places(places)


def extract_developments(
    doc: Doc,
    doc_id: str,
    actors: ActorIndex,
    ref: date | None,
    watch_topics: tuple[str, ...] = (),
    skip_sents: int = 0,
    limit: int = 8,
    published: str | None = None,
    dateline_place: str | None = None,
) -> list[KeyDevelopment]:
    """The document's key developments, ranked, the main event first: events that
    happened or are happening (never a possibility, an intention or a fragment).
    ``dateline_place`` (where wire copy was filed) may fill the main event's *where*."""
    sents = list(doc.sents)
    cands: list[Candidate] = []
    words = [_content_words(s) if i >= skip_sents else set() for i, s in enumerate(sents)]
    central = centrality(words)
    title_words: set[str] = set().union(*words[:skip_sents]) if skip_sents else set()
    if skip_sents:
        title_words = _content_words(doc[sents[0].start : sents[skip_sents - 1].end])
    first_body = next((i for i in range(skip_sents, len(sents)) if len(sents[i]) >= 4), 0)
    for idx, sent in enumerate(sents):
        if idx < skip_sents or len(sent) < 4:
            continue
        clause = analyse_sentence(sent)
        if clause is None or is_fragment(clause) or is_hypothetical(clause):
            continue  # not an event: a fragment, or a possibility (a risk or the outlook)
        verb = clause.verb
        subj_toks = np_tokens(clause.subject, max_len=14) if clause.subject is not None else []
        who_keys = [k for k in actors.actors_in(subj_toks) if actors.actors[k].type != "location"]
        if clause.subject is not None and not who_keys and clause.subject.lower_ in ("he", "she"):
            prior = actors.last_before(clause.subject.idx)
            who_keys = [prior] if prior else []
        source_who: list[str] = []
        if (
            clause.subject is not None
            and not who_keys
            and clause.subject.lower_ in ("it", "they", "we")
            and clause.source
        ):
            # "The Bank of England said it forecast …": "it" is who said so.
            src = clause.source[0]
            key = actors.actor_at(src)
            if key is not None and actors.actors[key].type != "location":
                who_keys = [key]
            elif src.pos_ != "PRON":
                source_who = [join_tokens(np_tokens(src, max_len=8))]
        who = [actors.actors[k].name for k in who_keys] or source_who
        if not who and subj_toks and clause.subject is not None and clause.subject.pos_ != "PRON":
            who = [join_tokens(subj_toks)]
        what = join_tokens(event_phrase(verb))
        if not what:
            continue
        dates = [
            (v, e)
            for v, e in _dates_in(sent, ref, future=is_future(clause))
            if e.root.i not in clause.drop
        ]
        when_val, when_span = None, None
        attached = [(v, e) for v, e in dates if _attached_to(e.root, verb)]
        loose = [(v, e) for v, e in dates if not _in_relative(e.root)]
        pick = attached[0] if attached else (loose[0] if loose else None)
        if pick:
            when_val, when_span = pick[0], (pick[1].start_char, pick[1].end_char)
        where = _places(sent, verb, actors, set(who_keys))
        summary_toks = clause_tokens(clause)
        if not any(t.pos_ in ("VERB", "AUX") for t in summary_toks):
            continue  # "Venezuela and its bank advisory committee.": a fragment
        clause_text = join_tokens(summary_toks)
        hedges = list(clause.hedges)
        cand = Candidate(
            clause=clause,
            sent_idx=idx,
            score=0.0,
            who=who,
            who_keys=who_keys,
            what=what,
            when=when_val,
            when_span=when_span,
            where=where,
            summary=upper_first(clause_text),
            evidence=[sentence_evidence(sent, doc_id)],
            hedges=hedges,
            sourcing=_sourcing(clause, actors),
        )
        cand.score = _score(
            clause,
            idx == first_body,
            central[idx],
            len(words[idx] & title_words),
            who_keys,
            actors,
            when_val,
            where,
            watch_topics,
        )
        # The next sentence refers back to this event: take its when/where and evidence.
        if (
            cands
            and cands[-1].sent_idx == idx - 1
            and _refers_back(sent)
            and (cands[-1].when is None or not cands[-1].where)
        ):
            prev = cands[-1]
            merged = False
            if prev.when is None and when_val is not None:
                prev.when, prev.when_span, merged = when_val, when_span, True
            if not prev.where and where:
                prev.where, merged = where, True
            if merged:
                prev.evidence.append(sentence_evidence(sent, doc_id))
                prev.hedges = list(dict.fromkeys(prev.hedges + hedges))
                extra = _sourcing(clause, actors)
                if extra and extra not in prev.sourcing:
                    prev.sourcing = "; ".join(x for x in (prev.sourcing, extra) if x)
                prev.clause.unconfirmed_by += clause.unconfirmed_by
                prev.merged_from.append(idx)
                prev.score += 0.2
                continue
        cands.append(cand)

    cands.sort(key=lambda c: (-c.score, c.sent_idx))
    headline = read_headline(doc, sents, skip_sents, actors, doc_id)
    if cands:
        _settle_main_event(
            cands,
            sents,
            first_body,
            words,
            title_words,
            headline,
            actors,
            ref,
            published,
            skip_sents,
            dateline_place,
        )
    out: list[KeyDevelopment] = []
    seen: list[set[str]] = []
    for cand in cands:
        summary_words = {w.lower() for w in cand.summary.split() if len(w) > 3}
        if any(len(summary_words & s) / max(1, len(summary_words | s)) > 0.6 for s in seen):
            continue
        seen.append(summary_words)
        n = len(out) + 1
        summary = cand.summary.rstrip(" .,;:") + "."
        extras = []
        if cand.merged_from:
            if cand.where and not all(w in summary for w in cand.where):
                extras.append(", ".join(cand.where))
            if cand.when is not None and cand.when.text not in summary:
                extras.append(cand.when.text.strip())
        if extras:
            summary = summary[:-1] + " (" + "; ".join(extras) + ")."
        when = When()
        if cand.when is not None:
            when = When(
                text=cand.when.text.strip(),
                date=cand.when.date,
                precision=cand.when.precision,
                end_date=cand.when.end_date,
                basis="published"
                if cand.when_span is None and cand is cands[0] and cand.when.text and published
                else "text",
            )
        out.append(
            KeyDevelopment(
                id=f"{doc_id}-kd{n}",
                summary=summary,
                who=cand.who,
                what=cand.what,
                when=when,
                where=_plain_places(cand.where),
                confidence=_confidence(cand.hedges, cand.clause),  # type: ignore[arg-type]
                corroboration=1,
                evidence=cand.evidence,
                sourcing=cand.sourcing,
                hedges=cand.hedges,
                actor_ids=cand.who_keys,
                watchlist=any(actors.actors[k].watchlist for k in cand.who_keys)
                or (bool(watch_topics) and mentions_topic(cand.clause.sentence.text, watch_topics)),
                score=cand.score,
                headline=headline.evidence if headline is not None and cand is cands[0] else None,
            )
        )
        if len(out) >= limit:
            break
    return out
