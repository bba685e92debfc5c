"""Open questions: what the sources hedge, leave unconfirmed, make conditional or
announce for the future, rewritten as yes/no questions a reader would ask.

Priority: unconfirmed events ("X have yet to confirm the meeting" → "Will the
meeting … take place?"), conditional claims ("if it materializes"), hedged
claims ("allegedly invited" → "Did … invite …?") and announced or expected
future events ("may continue" → "Will … continue?").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import OpenQuestion
from .actors import ActorIndex
from .clauses import np_tokens, to_question
from .lexicon import (
    CONFIRM_VERBS,
    EVENT_NOUNS,
    FUTURE_VERBS,
    HEDGE_ADVERBS,
)
from .spans import join_tokens, sentence_evidence, span_tokens, subject_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

ALLEGE_VERBS = frozenset({"allege", "claim", "suspect", "rumor", "rumour", "speculate"})
EVIDENCE_NOUNS = frozenset(
    {"intelligence", "evidence", "information", "indication", "indications", "proof", "reports"}
)
PRIORITY = {"unconfirmed": 3.0, "conditional": 2.5, "hedged": 2.0, "future": 1.5}


def _subject_name(verb: Token, actors: ActorIndex) -> str | None:
    """The canonical actor name of the verb's subject when the subject *is* that actor."""
    subj = subject_of(verb)
    if subj is None:
        return None
    key = actors.actor_at(subj)
    if key and key in actors.actors and not any(c.dep_ == "poss" for c in subj.children):
        rec = actors.actors[key]
        conj = [c for c in subj.children if c.dep_ == "conj"]
        names = [rec.name]
        for c in conj:
            ck = actors.actor_at(c)
            names.append(actors.actors[ck].name if ck and ck in actors.actors else c.text)
        return " and ".join(names)
    if subj.lower_ in ("he", "she"):
        prior = actors.last_before(subj.idx)
        return actors.actors[prior].name if prior else None
    return None


def _participants(sents: list[Span], idx: int, actors: ActorIndex) -> list[str]:
    names: list[str] = []
    for j in (idx - 1, idx):
        if j < 0:
            continue
        for tok in sents[j]:
            key = actors.actor_at(tok)
            if key and key in actors.actors and actors.actors[key].type == "person":
                name = actors.actors[key].name
                if name not in names:
                    names.append(name)
    return names[:2]


def _clean(q: str) -> str:
    q = re.sub(r"\s+", " ", q).strip()
    q = re.sub(r"\s+([,.;:?])", r"\1", q)
    for hedge in HEDGE_ADVERBS:
        q = re.sub(rf"\b{hedge}\b\s*", "", q, flags=re.I)
    q = re.sub(r"[“”\"]", "", q)
    q = re.sub(r"\s+\?", "?", q)
    return q[:1].upper() + q[1:]


def _unconfirmed(
    sent: Span, idx: int, sents: list[Span], actors: ActorIndex
) -> list[tuple[str, str, str]]:
    out = []
    for tok in span_tokens(sent):
        if tok.lemma_.lower() not in CONFIRM_VERBS:
            continue
        negated = any(c.dep_ == "neg" for c in tok.children) or any(
            c.lower_ == "yet" for c in tok.head.children
        )
        if not negated:
            continue
        who = subject_of(tok)
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        who_text = join_tokens(np_tokens(who, 8)) if who is not None else "the sources"
        basis = f"Not confirmed by {who_text}"
        if obj is not None and obj.lemma_.lower() in EVENT_NOUNS:
            people = _participants(sents, idx, actors)
            noun = obj.lemma_.lower() if obj.lemma_.lower() != "talk" else "talks"
            between = f" between {' and '.join(people)}" if len(people) == 2 else ""
            verb = "take place" if noun not in ("deal", "agreement") else "be concluded"
            out.append((f"Will the {noun}{between} {verb}?", basis, "unconfirmed"))
        elif obj is not None:
            obj_text = join_tokens(np_tokens(obj, 10))
            out.append((f"Will {who_text} confirm {obj_text}?", basis, "unconfirmed"))
        else:
            # "did not confirm that the drills had started" → "Have the drills started?"
            comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
            q = to_question(comp, subject_text=_subject_name(comp, actors)) if comp else None
            if q:
                out.append((q, basis, "unconfirmed"))
    return out


def _conditional(sent: Span, actors: ActorIndex) -> list[tuple[str, str, str]]:
    out = []
    for tok in span_tokens(sent):
        if not (
            tok.dep_ == "advcl"
            and any(c.lower_ in ("if", "unless") and c.dep_ == "mark" for c in tok.children)
        ):
            continue
        subj = subject_of(tok)
        subject_text = None
        if subj is not None and subj.lower_ in ("it", "they", "this"):
            main_subj = subject_of(tok.head)
            if main_subj is None:
                continue
            subject_text = join_tokens(np_tokens(main_subj, 8))
        drop = {c.i for c in tok.children if c.dep_ == "aux" and c.lemma_ == "do"}
        q = _future_question(tok, subject_text, drop, actors)
        if q:
            cond = join_tokens(list(tok.subtree))
            out.append((q, f"Conditional: \u201c{cond}\u201d", "conditional"))
    return out


def _future_question(
    verb: Token, subject_text: str | None, drop: set[int], actors: ActorIndex
) -> str | None:
    """'Will S V …?' whatever the verb's tense (for conditions and announcements)."""
    name = subject_text or _subject_name(verb, actors)
    rest = to_question(verb, subject_text=name, drop=drop)
    if rest is None:
        return None
    # Normalise any leading auxiliary to "Will … <base verb>".
    m = re.match(r"^(Do|Does|Did|Is|Are|Was|Were|Has|Have|Had|Will)\s+", rest)
    if m and m.group(1) in ("Do", "Does"):
        rest = "Will " + rest[m.end() :]
    return rest


def _hedged(sent: Span, actors: ActorIndex) -> list[tuple[str, str, str]]:
    out = []
    for tok in span_tokens(sent):
        if tok.pos_ != "VERB":
            continue
        hedges = [
            c.lower_ for c in tok.children if c.dep_ == "advmod" and c.lower_ in HEDGE_ADVERBS
        ]
        target = tok
        if not hedges and tok.lemma_.lower() in ALLEGE_VERBS:
            comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
            if comp is None:
                continue
            # "alleged it had intelligence that X": the claim is X.
            obj = next(
                (
                    c
                    for c in comp.children
                    if c.dep_ == "dobj" and c.lemma_.lower() in EVIDENCE_NOUNS
                ),
                None,
            )
            inner = (
                next(
                    (
                        c
                        for c in obj.children
                        if c.dep_ in ("acl", "ccomp", "relcl") and c.pos_ == "VERB"
                    ),
                    None,
                )
                if obj is not None
                else None
            )
            target = inner or comp
            hedges = [tok.lemma_.lower()]
        if not hedges:
            continue
        q = to_question(target, subject_text=_subject_name(target, actors))
        if q:
            out.append((q, f"Hedged in the source ({', '.join(hedges)})", "hedged"))
    return out


def _future(sent: Span, actors: ActorIndex) -> list[tuple[str, str, str]]:
    out = []
    for tok in span_tokens(sent):
        if tok.pos_ != "VERB" or tok.dep_ in ("advcl", "relcl", "acl", "amod"):
            continue
        modal = next((c.lower_ for c in tok.children if c.dep_ == "aux" and c.tag_ == "MD"), None)
        planned = tok.lemma_.lower() in FUTURE_VERBS and tok.tag_ in ("VBZ", "VBP", "VBN")
        if not (modal in ("may", "might", "will", "could") or planned):
            continue
        if any(c.dep_ == "neg" for c in tok.children):
            continue
        if subject_of(tok) is None:
            continue
        q = _future_question(tok, None, set(), actors)
        if q:
            cue = modal or tok.text
            out.append((q, f"Announced or expected, not yet happened ({cue})", "future"))
    return out


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3}


def extract_questions(
    doc: Doc, doc_id: str, actors: ActorIndex, limit: int = 8, skip_sents: int = 0
) -> list[OpenQuestion]:
    """Open questions from hedged, unconfirmed, conditional and future claims; the first
    ``skip_sents`` sentences (the title line, which compresses the body) give none."""
    sents = list(doc.sents)
    found: list[tuple[float, str, str, Span]] = []
    for idx, sent in enumerate(sents):
        if idx < skip_sents:
            continue
        items = (
            _unconfirmed(sent, idx, sents, actors)
            + _conditional(sent, actors)
            + _hedged(sent, actors)
            + _future(sent, actors)
        )
        for q, basis, kind in items:
            q = _clean(q)
            if len(q.split()) < 4 or len(q.split()) > 30:
                continue
            score = PRIORITY[kind] + 1.0 / (1 + 0.15 * idx)
            found.append((score, q, basis, sent))
    found.sort(key=lambda x: -x[0])
    out: list[OpenQuestion] = []
    seen: list[set[str]] = []
    for score, q, basis, sent in found:
        w = _words(q)
        if any(len(w & s) / max(1, len(w | s)) > 0.5 for s in seen):
            continue
        seen.append(w)
        out.append(
            OpenQuestion(
                id=f"{doc_id}-q{len(out) + 1}",
                question=q,
                basis=basis,
                evidence=[sentence_evidence(sent, doc_id)],
                score=round(score, 4),
            )
        )
        if len(out) >= limit:
            break
    return out
