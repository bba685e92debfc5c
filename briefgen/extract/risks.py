"""Risks: adverse outcomes the sources name, with an ICD 203 likelihood word.

A clause is a risk when its verb names an adverse outcome ("would breach",
"could provoke"), amplifies something military ("could enhance Russia's
military successes") or moves weapons ("would supply … nuclear-powered
submarines") — *and* the source frames it as possible, planned or feared
rather than done. An ICD 203 likelihood is given only when the source's own words
carry one ("likely", "probably", "almost certainly", "unlikely", "a 70% chance");
"could", "may", "might", "would", "plans to" keep their word (``basis``) and the
likelihood stays None ("likelihood not stated"). No risk is emitted without such a
statement in the text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import LIKELIHOOD_SCALE, Risk
from .clauses import Clause, is_speech, np_tokens, predicate_tokens
from .lexicon import (
    ADVERSE_VERBS,
    AMPLIFY_VERBS,
    CONCERN_WORDS,
    COST_NOUNS,
    COST_VERBS,
    FUTURE_VERBS,
    GENERIC_ANTECEDENTS,
    HEDGE_ADVERBS,
    LIKELIHOOD_ORDER,
    MILITARY_OBJECTS,
    MODALITY_LIKELIHOOD,
    RISK_CATEGORIES,
    RISK_IMPACT,
    TRANSFER_VERBS,
    UNSTATED_MODALITY,
)
from .spans import (
    join_tokens,
    lower_first,
    phrase_inside,
    sentence_evidence,
    span_tokens,
    subject_of,
    upper_first,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from .actors import ActorIndex

IMPACT_WEIGHT = {"high": 1.0, "medium": 0.7, "low": 0.45}
LIKELY_WORDS = frozenset({"likely", "unlikely", "certain", "probable", "improbable"})
MODAL_ADVERBS = frozenset(
    {"probably", "likely", "certainly", "possibly", "almost", "highly", "very", "unlikely"}
)


#: "strike a deal" and "combat a problem" are no military matters.
NON_MILITARY_STRIKES = frozenset(
    {
        "deal",
        "note",
        "chord",
        "balance",
        "tone",
        "agreement",
        "bargain",
        "pose",
        "match",
        "compromise",
        "accord",
    }
)


def _figurative(tok: Token) -> bool:
    lemma = tok.lemma_.lower()
    if lemma == "strike" and tok.pos_ == "VERB":
        return any(
            c.dep_ == "dobj" and c.lemma_.lower() in NON_MILITARY_STRIKES for c in tok.children
        )
    return lemma == "combat" and tok.pos_ == "VERB"


def _categories(tokens: list[Token], focus: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    """Risk categories by cue hits; a cue that is the verb or its object (``focus``)
    counts double ("raise war-risk premiums" is about premiums)."""
    tokens = [t for t in tokens if not _figurative(t)]
    lemmas = {t.lemma_.lower() for t in tokens} | {t.lower_ for t in tokens}
    text = " ".join(t.lower_ for t in tokens)
    scores: list[tuple[str, int]] = []
    for cat, cues in RISK_CATEGORIES.items():
        weight = 3 if cat == "WMD/nuclear" else 1
        hits = weight * sum(
            2 * (cue in text) if " " in cue else int(cue in lemmas) + int(cue in focus)
            for cue in cues
        )
        if hits:
            scores.append((cat, hits))
    # Specific categories beat the broad military one on a tie.
    order = list(RISK_CATEGORIES)
    scores.sort(key=lambda x: (-x[1], order.index(x[0])))
    return scores


def _modality(verb: Token) -> tuple[list[str], bool]:
    """Modal words governing the verb (its auxiliaries, control heads, concern frames)."""
    words: list[str] = []
    negated = False
    tok: Token = verb
    for _ in range(5):
        for c in tok.children:
            if c.dep_ == "aux" and c.tag_ == "MD":
                words.append(c.lower_)
            elif c.dep_ == "advmod" and c.lower_ in MODAL_ADVERBS:
                # "almost certainly", "very likely": the degree word first
                words += [g.lower_ for g in c.children if g.dep_ == "advmod" and g.i < c.i]
                words.append(c.lower_)
            elif c.dep_ == "neg":
                negated = True
        lemma = tok.lemma_.lower()
        if tok.i != verb.i and tok.lower_ in LIKELY_WORDS:
            words.append(tok.lower_)  # "are likely to raise", "is unlikely to …"
        if tok.i != verb.i and (
            lemma in FUTURE_VERBS or lemma in CONCERN_WORDS or lemma == "consider"
        ):
            words.append(lemma)
        if tok.dep_ in ("xcomp", "conj", "ccomp", "acl", "relcl", "pcomp") and tok.head.i != tok.i:
            if tok.dep_ == "relcl" and tok.head.lemma_.lower() not in GENERIC_ANTECEDENTS:
                break
            tok = tok.head
            if tok.lemma_.lower() in CONCERN_WORDS:
                words.append(tok.lemma_.lower())
            continue
        break
    return words, negated


_PERCENT = re.compile(
    r"\b(\d{1,3}(?:\.\d+)?)\s*(?:%|per ?cent|pct)\s+(?:chance|probability|likelihood|risk)"
)


def _likelihood(
    words: list[str], negated: bool, sentence: str = ""
) -> tuple[str | None, str] | None:
    """(the ICD 203 term, the source's word) when the source's own words carry a
    likelihood ("likely", "probably", "almost certainly", "unlikely", "a 70% chance");
    (None, the word) for a modality that states none ("could", "may", "might", "would",
    "plans to"): the brief then says "likelihood not stated". None: no modality at all."""
    text = " " + " ".join(words) + " "
    for cue, word in MODALITY_LIKELIHOOD:
        if f" {cue} " in text:
            idx = LIKELIHOOD_ORDER.index(word)
            if negated:
                idx = max(0, len(LIKELIHOOD_ORDER) - 1 - idx)
            return LIKELIHOOD_ORDER[idx], cue
    pct = _PERCENT.search(sentence)
    if pct is not None:
        return percent_term(float(pct.group(1))), pct.group(0)
    for cue in UNSTATED_MODALITY:
        if f" {cue} " in text:
            return None, cue
    return None


def percent_term(value: float) -> str:
    """The ICD 203 term whose range holds a percentage the source gives."""
    for term, (_low, high) in LIKELIHOOD_SCALE.items():
        if value <= high:
            return term
    return "almost certain"


def _is_risk_verb(verb: Token) -> bool:
    lemma = verb.lemma_.lower()
    if lemma in ADVERSE_VERBS:
        return True
    if lemma in COST_VERBS and any(
        c.dep_ == "dobj" and c.lemma_.lower() in COST_NOUNS for c in verb.children
    ):
        return True
    if lemma not in AMPLIFY_VERBS and lemma not in TRANSFER_VERBS:
        return False
    objects = [
        t for c in verb.children if c.dep_ in ("dobj", "dative", "prep", "attr") for t in c.subtree
    ]
    return any(t.lemma_.lower() in MILITARY_OBJECTS for t in objects)


def _antecedent(verb: Token) -> list[Token] | None:
    """'…, a move that could X': the event the generic noun stands for."""
    head = verb.head
    if verb.dep_ != "relcl" or head.lemma_.lower() not in GENERIC_ANTECEDENTS:
        return None
    if head.dep_ == "appos":
        target = head.head
        preps = [c for c in target.children if c.dep_ == "prep" and c.i < head.i]
        if preps:
            toks = [
                t for t in target.subtree if preps[0].i < t.i < head.left_edge.i and not t.is_punct
            ]
            if toks:
                return toks
        return np_tokens(target, 12)
    return None


def _holder(verb: Token, actors: ActorIndex) -> str | None:
    """Who the sentence says holds the view: the subject of a speech verb whose clausal
    complement the risk is ("Marco Rubio argues that efforts … will destroy …")."""
    tok = verb
    for _ in range(6):
        if tok.head.i == tok.i:
            return None
        if tok.dep_ == "ccomp" and is_speech(tok.head):
            subj = subject_of(tok.head)
            if subj is None:
                return None
            key = actors.resolve_pronoun(subj) if subj.pos_ == "PRON" else actors.actor_at(subj)
            if key:
                return actors.actors[key].name
            if subj.pos_ == "PRON":
                return None
            return phrase_inside(np_tokens(subj, 8))
        tok = tok.head
    return None


def _summary(verb: Token, actors: ActorIndex) -> tuple[str, Token | None, bool]:
    """(the risk as text, its first token when it may be lowered, whether it has a
    subject: "Might actually kill them" has none)."""
    while verb.dep_ == "xcomp":
        head = verb.head
        if head.pos_ in ("VERB", "AUX"):
            verb = head  # "plans to obtain": the whole predicate
        elif head.dep_ == "acomp" and head.head.pos_ in ("VERB", "AUX"):
            verb = head.head  # "are likely to raise": the subject is the verb's
        else:
            break
    clause = Clause(verb=verb, subject=subject_of(verb), sentence=verb.sent)
    pred = predicate_tokens(clause, max_len=22)
    aux = [c for c in verb.children if c.dep_ in ("aux", "neg") and c.i < verb.i]
    pred = sorted({t.i: t for t in pred + aux}.values(), key=lambda t: t.i)
    pred = [t for t in pred if not (t.dep_ == "advmod" and t.lower_ in HEDGE_ADVERBS)]
    subj_toks = _antecedent(verb)
    if subj_toks is None and clause.subject is not None:
        if clause.subject.pos_ == "PRON":
            key = actors.resolve_pronoun(clause.subject)
            name = actors.actors[key].name if key else None
            if name is None:
                return join_tokens(pred), pred[0] if pred else None, False
            return f"{name} {join_tokens(pred)}", None, True
        subj_toks = np_tokens(clause.subject, 14)
    toks = (subj_toks or []) + [
        t for t in pred if not subj_toks or t.i > subj_toks[-1].i or t.i < subj_toks[0].i
    ]
    toks = sorted({t.i: t for t in toks}.values(), key=lambda t: t.i)
    return join_tokens(toks), toks[0] if toks else None, bool(subj_toks)


def extract_risks(doc: Doc, doc_id: str, actors: ActorIndex, limit: int = 8) -> list[Risk]:
    found: list[tuple[float, Risk]] = []
    for idx, sent in enumerate(doc.sents):
        for verb in span_tokens(sent):
            if verb.pos_ not in ("VERB", "AUX") or verb.dep_ in ("aux", "auxpass", "amod"):
                continue
            if is_speech(verb) or not _is_risk_verb(verb):
                continue
            words, negated = _modality(verb)
            lk = _likelihood(words, negated, sent.text)
            if lk is None:
                continue
            scope = list(verb.subtree)
            if verb.dep_ == "relcl":
                scope += list(verb.head.head.subtree) if verb.head.dep_ == "appos" else []
            focus = frozenset(c.lemma_.lower() for c in verb.children if c.dep_ == "dobj")
            cats = _categories(scope, focus)
            if not cats:
                continue
            text, first, has_subject = _summary(verb, actors)
            if len(text.split()) < 4 or not has_subject:
                continue  # "Might actually kill them": a risk of nothing named
            holder = _holder(verb, actors)
            category = cats[0][0]
            likelihood, cue = lk
            impact = RISK_IMPACT.get(category, "medium")
            score = (
                IMPACT_WEIGHT[impact]
                * (1 + (LIKELIHOOD_ORDER.index(likelihood) if likelihood else 3))
                / 7
                + 0.3 / (1 + 0.2 * idx)
                + 0.05 * min(cats[0][1], 4)
            )
            found.append(
                (
                    score,
                    Risk(
                        id="",
                        summary=upper_first(text).rstrip(" .") + ".",
                        category=category,
                        likelihood=likelihood,  # type: ignore[arg-type]
                        evidence=[sentence_evidence(sent, doc_id)],
                        basis=cue,
                        clause=lower_first(text, first) if first is not None else text,
                        impact=impact,  # type: ignore[arg-type]
                        score=round(score, 4),
                        actor_ids=actors.actors_in(scope),
                        attributed_to=holder,
                    ),
                )
            )
    found.sort(key=lambda x: -x[0])
    out: list[Risk] = []
    for _, risk in found:
        if sum(1 for r in out if r.category == risk.category) >= 3:
            continue
        if any(
            r.evidence[0].start == risk.evidence[0].start and r.category == risk.category
            for r in out
        ):
            continue
        risk.id = f"{doc_id}-rk{len(out) + 1}"
        out.append(risk)
        if len(out) >= limit:
            break
    return out
