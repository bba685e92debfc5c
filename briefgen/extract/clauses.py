"""Clause analysis on the dependency parse: the event in a sentence and its parts.

A news sentence often wraps its event in attribution ("The Times reported, citing
officials, that X will meet Y"). :func:`analyse_sentence` peels the attribution
off and returns the event clause (``Clause``) with its subject, verb phrase,
source and hedges; :func:`to_question` turns a clause into a yes/no question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .lexicon import (
    CONFIRM_VERBS,
    CONTROL_VERBS,
    EVENT_NOUNS,
    FORECAST_WORDS,
    FUTURE_VERBS,
    HEDGE_ADJECTIVES,
    HEDGE_ADVERBS,
    HYPOTHETICAL_MODALS,
    INTENTION_VERBS,
    MODALS,
    REPORT_VERBS,
    SPEECH_VERBS,
)
from .spans import doc_tokens, join_tokens, lower_first, span_tokens, subject_of, trim_clause

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from .actors import ActorIndex

CLAUSE_DEPS = ("ccomp", "xcomp", "advcl", "conj", "relcl", "acl", "parataxis")
ATTRIBUTION_HEADS = ("according", "citing", "quoting", "per")


@dataclass
class Clause:
    verb: Token
    subject: Token | None
    sentence: Span
    source: list[Token] = field(default_factory=list)  # who reported it
    cited: list[Token] = field(default_factory=list)  # whom the source cites
    hedges: list[str] = field(default_factory=list)
    unconfirmed_by: list[Token] = field(default_factory=list)
    drop: set[int] = field(default_factory=set)  # token indices that are attribution


#: Negations, kept in event phrases and summaries whatever the parser attached them as.
NEGATIONS = frozenset({"not", "n't", "n’t", "never"})


def is_speech(tok: Token) -> bool:
    return tok.lemma_.lower() in SPEECH_VERBS and tok.pos_ in ("VERB", "AUX")


def _attribution_tokens(verb: Token) -> tuple[list[Token], list[Token], set[int]]:
    """Source and cited tokens attached to a verb (citing X, according to X)."""
    source: list[Token] = []
    cited: list[Token] = []
    drop: set[int] = set()
    for child in verb.children:
        low = child.lower_
        if child.dep_ in ("advcl", "prep", "pcomp") and low in ATTRIBUTION_HEADS:
            objs = [
                t
                for t in child.subtree
                if t.dep_ in ("dobj", "pobj")
                and t.head.i in (child.i, *(c.i for c in child.children))
            ]
            if low == "according" or low == "per":
                source.extend(objs[:1])
            else:
                cited.extend(objs[:1])
            drop.update(t.i for t in child.subtree)
    return source, cited, drop


def analyse_sentence(sent: Span) -> Clause | None:
    """The event clause of a sentence, with its attribution peeled off."""
    root = sent.root
    if root.pos_ not in ("VERB", "AUX"):
        return None
    verb = root
    source: list[Token] = []
    cited: list[Token] = []
    drop: set[int] = set()
    # "X reported that EVENT" / "it was reported that EVENT".
    if root.lemma_.lower() in REPORT_VERBS or is_speech(root):
        comps = [c for c in root.children if c.dep_ in ("ccomp",) and c.pos_ in ("VERB", "AUX")]
        if comps:
            subj = subject_of(root)
            if subj is not None and subj.lower_ not in ("it",):
                source.append(subj)
            verb = comps[0]
            in_verb = {x.i for x in verb.subtree}
            drop.update(t.i for t in root.subtree if t.i not in in_verb)
    # Inverted parse: "On May 4, The Times reported, citing …, that EVENT" (report = ccomp).
    for child in root.children:
        if (
            child.dep_ in ("ccomp", "parataxis")
            and child.i < root.i
            and (child.lemma_.lower() in REPORT_VERBS or is_speech(child))
        ):
            subj = subject_of(child)
            if subj is not None:
                source.append(subj)
            drop.update(t.i for t in child.subtree)
    s2, c2, d2 = _attribution_tokens(root)
    s3, c3, d3 = _attribution_tokens(verb) if verb.i != root.i else ([], [], set())
    source += s2 + s3
    cited += c2 + c3
    drop |= d2 | d3
    for t in span_tokens(sent):
        if t.lower_ == "citing" and t.i not in drop:
            objs = [c for c in t.children if c.dep_ == "dobj"]
            cited.extend(objs[:1])
            drop.update(x.i for x in t.subtree)
    subject = subject_of(verb)
    clause = Clause(
        verb=verb, subject=subject, sentence=sent, source=source, cited=cited, drop=drop
    )
    clause.hedges = sentence_hedges(sent)
    clause.unconfirmed_by = unconfirmed_by(sent)
    return clause


def sentence_hedges(sent: Span) -> list[str]:
    found: list[str] = []
    toks = span_tokens(sent)
    for tok in toks:
        low = tok.lower_
        if low in HEDGE_ADVERBS or low in HEDGE_ADJECTIVES and tok.pos_ in ("ADJ", "VERB"):
            found.append(low)
        elif (
            low == "yet"
            and tok.head.lemma_ == "have"
            and any(c.lemma_ in CONFIRM_VERBS for c in tok.head.children)
        ):
            found.append("yet to confirm")
    for i in range(len(toks) - 2):
        if toks[i].lower_ == "is" and toks[i + 1].lower_ == "said" and toks[i + 2].lower_ == "to":
            found.append("is said to")
    return list(dict.fromkeys(found))


def unconfirmed_by(sent: Span) -> list[Token]:
    """Subjects that have not confirmed: "X have yet to confirm", "X did not confirm"."""
    out: list[Token] = []
    for tok in span_tokens(sent):
        if tok.lemma_.lower() not in CONFIRM_VERBS and not (
            tok.lemma_ == "respond" and any(c.dep_ == "neg" for c in tok.children)
        ):
            continue
        negated = (
            any(c.dep_ == "neg" for c in tok.children)
            or any(c.lower_ == "yet" for c in tok.head.children)
            or tok.dep_ == "xcomp"
            and any(c.dep_ == "neg" for c in tok.head.children)
        )
        if not negated and tok.lemma_.lower() != "respond":
            continue
        subj = subject_of(tok)
        if subj is not None and subj.i not in {o.i for o in out}:
            out.append(subj)  # its noun phrase already holds "X and Y"
    return out


TRIMMABLE = (
    "prep",
    "relcl",
    "acl",
    "advcl",
    "conj",
    "appos",
    "npadvmod",
    "ccomp",
    "xcomp",
    "dobj",
    "pobj",
    "attr",
    "dative",
    "oprd",
    "acomp",
    "agent",
    "pcomp",
    "advmod",
)


def shorten(tokens: list[Token], head: Token, max_len: int) -> list[Token]:
    """Drop the right-most modifier subtrees until at most ``max_len`` tokens remain.

    Cuts fall on phrase boundaries, so the result still reads as a phrase.
    """
    toks = sorted(tokens, key=lambda t: t.i)
    while len([t for t in toks if not t.is_punct]) > max_len:
        kept = {t.i for t in toks}
        cands = [
            t
            for t in toks
            if t.i != head.i and t.dep_ in TRIMMABLE and t.i > head.i and t.head.i in kept
        ]
        if not cands:
            break
        victim = max(cands, key=lambda t: t.left_edge.i)
        if victim.dep_ in ("pobj", "pcomp") and victim.head.i in kept and victim.head.i != head.i:
            victim = victim.head  # never leave a preposition without its object
        drop = {t.i for t in victim.subtree}
        # Take a coordinating conjunction or comma right before the dropped phrase too.
        before = victim.left_edge.i - 1
        while before in kept and (doc_tokens(toks[0].doc)[before].dep_ in ("cc", "punct")):
            drop.add(before)
            before -= 1
        toks = [t for t in toks if t.i not in drop]
    return toks


def np_tokens(head: Token, max_len: int = 12) -> list[Token]:
    """A compact noun phrase: the head's subtree without clauses, appositions and asides."""
    cut: set[int] = set()
    for child in head.children:
        if child.dep_ in ("relcl", "acl", "appos", "advcl", "parataxis") or (
            child.dep_ == "prep"
            and child.i > head.i
            and child.lower_ in ("along", "alongside", "including", "together", "like", "such")
        ):
            cut.update(t.i for t in child.subtree)
    toks = [t for t in head.subtree if t.i not in cut]
    toks = shorten(toks, head, max_len)
    return trim_clause(toks)


def predicate_tokens(clause: Clause, max_len: int = 24, keep_hedges: bool = False) -> list[Token]:
    """The verb phrase: verb, auxiliaries, objects and complements, no subject/attribution."""
    verb = clause.verb
    skip = set(clause.drop)
    if clause.subject is not None and clause.subject.head == verb:
        skip.update(t.i for t in clause.subject.subtree)
    kept_conj = False
    for child in verb.children:
        dep = child.dep_
        if dep in ("advcl", "parataxis", "mark", "punct") and child.lower_ not in NEGATIONS:
            skip.update(t.i for t in child.subtree)
        elif (
            dep == "conj"
            and child.pos_ in ("VERB", "AUX")
            and any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children)
        ):
            skip.update(t.i for t in child.subtree)
        elif dep == "conj":
            kept_conj = True
        elif dep == "prep" and child.i < verb.i:
            skip.update(t.i for t in child.subtree)
        elif dep == "advmod" and (
            child.lower_ in HEDGE_ADVERBS and not keep_hedges or child.i < verb.i - 2
        ):
            skip.update(t.i for t in child.subtree)
    if not kept_conj:
        skip.update(c.i for c in verb.children if c.dep_ == "cc")
    # Nothing of the subject's phrase when it comes first (its right edge read once).
    first = (
        clause.subject.right_edge.i + 1
        if clause.subject is not None and clause.subject.i < verb.i
        else 0
    )
    toks = [t for t in verb.subtree if t.i not in skip and not t.is_space and t.i >= first]
    toks = trim_clause(toks)
    if len(toks) > max_len:
        # Drop relative and adverbial clauses hanging off objects before cutting.
        cut: set[int] = set()
        for t in toks:
            if t.dep_ in ("relcl", "acl", "advcl", "appos") and t.head.i != verb.i:
                cut.update(x.i for x in t.subtree)
        toks = [t for t in toks if t.i not in cut] or toks
    toks = shorten(toks, verb, max_len)
    return trim_clause(toks)


def clause_tokens(clause: Clause) -> list[Token]:
    """Subject + predicate, verbatim order."""
    toks = list(predicate_tokens(clause, max_len=40, keep_hedges=True))
    if clause.subject is not None:
        subj = np_tokens(clause.subject, max_len=14)
        toks = sorted({t.i: t for t in subj + toks}.values(), key=lambda t: t.i)
    return toks


def event_verb(clause: Clause) -> Token:
    """The verb that carries the event: through control verbs ('intends to make')."""
    verb = clause.verb
    for _ in range(3):
        if verb.lemma_.lower() not in CONTROL_VERBS:
            break
        nxt = [c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
        if not nxt:
            break
        verb = nxt[0]
    return verb


def is_future(clause: Clause) -> bool:
    verb = clause.verb
    auxes = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a in ("will", "'ll", "’ll", "shall") for a in auxes):
        return True
    if verb.lemma_.lower() in FUTURE_VERBS:
        return True
    return any(c.lemma_.lower() in FUTURE_VERBS for c in verb.children if c.dep_ == "xcomp")


def _has_to_complement(word: Token) -> bool:
    """An infinitive complement, however the parser attached it: "plans *to form*", "is
    due *to report*", "expects more vessels *to divert*"."""
    return any(
        c.dep_ in ("xcomp", "ccomp", "dobj", "acl")
        and any(
            g.lower_ == "to" and g.dep_ == "aux" and g.head.pos_ in ("VERB", "AUX")
            for g in c.subtree
        )
        for c in word.children
        if c.i > word.i
    )


def is_hypothetical(clause: Clause) -> bool:
    """Whether the clause states a possibility, an intention or a forecast rather than
    something that happened or is happening: a main verb with would/could/may/might/
    should ("Profits may be below…", "The group would respond."), "plans/intends/expects
    to …", "is expected/due/likely to …" (attribution already peeled off)."""
    verb = clause.verb
    report = verb
    while report.dep_ == "ccomp" and report.head.i != report.i:
        report = report.head  # the attribution peeled off: "a study could show that …"
        if any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL_MODALS for c in report.children):
            return True
    for _ in range(2):  # "sources said Craxi told him he would …": past every report
        if not (is_speech(verb) or verb.lemma_.lower() in REPORT_VERBS):
            break
        if any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL_MODALS for c in verb.children):
            return True  # "a study could show that …": the report itself is a possibility
        comps = [c for c in verb.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")]
        if not comps:
            break
        verb = comps[0]
    kids = list(verb.children)
    if any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL_MODALS for c in kids):
        return True
    lemma = verb.lemma_.lower()
    if lemma in INTENTION_VERBS and _has_to_complement(verb):
        return True
    if verb.lower_ in FORECAST_WORDS and _has_to_complement(verb):
        return True  # "is expected to …" (passive: the participle is the verb)
    if lemma == "be":
        for c in kids:
            if c.dep_ in ("acomp", "attr", "oprd") and c.lower_ in FORECAST_WORDS:
                if _has_to_complement(c) or _has_to_complement(verb):
                    return True
    # "if …, X would …" is caught above; "X said it may …" through the attribution.
    return False


def is_fragment(clause: Clause) -> bool:
    """A sentence that reports nothing by itself: a speech verb with nothing said
    ("Officials said Friday.") or a clause without a subject or an object."""
    verb = clause.verb
    if is_speech(verb) or verb.lemma_.lower() in REPORT_VERBS:
        said = [
            c
            for c in verb.children
            if c.dep_ in ("ccomp", "xcomp", "dobj", "attr", "oprd")
            or (c.dep_ == "prep" and c.lower_ in ("on", "about", "of"))
        ]
        return not said
    return False


def modal_of(verb: Token) -> str | None:
    for c in verb.children:
        if c.dep_ == "aux" and (c.tag_ == "MD" or c.lower_ in MODALS):
            return c.lower_
    if verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
        for c in verb.head.children:
            if c.dep_ == "aux" and c.tag_ == "MD":
                return c.lower_
    return None


def _base_form(tok: Token) -> str:
    lemma = tok.lemma_
    if tok.text[:1].isupper() and tok.i == tok.sent.start:
        return lemma.lower()
    return lemma if lemma != "-PRON-" else tok.lower_


def to_question(
    verb: Token,
    subject_text: str | None = None,
    drop: set[int] | None = None,
) -> str | None:
    """Turn the clause headed by ``verb`` into a yes/no question, or None if it cannot."""
    drop = set(drop or ())
    subj = subject_of(verb)
    if subj is None and subject_text is None:
        return None
    if subj is not None and subj.lower_ in ("who", "which", "that"):
        return None
    if subj is not None and subj.pos_ == "PRON" and subject_text is None:
        return None  # "Is it poised …?" reads as nothing
    subj_toks: list[Token] = np_tokens(subj, max_len=10) if subj is not None else []
    subj_str = subject_text or join_tokens(subj_toks)
    if not subj_str:
        return None
    first_tok = subj_toks[0] if subj_toks and subject_text is None else None
    subj_str = lower_first(subj_str, first_tok) if first_tok is not None else subj_str
    pred_skip = set(drop)
    pred_skip.update(t.i for t in subj.subtree) if subj is not None and subj.head == verb else None
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg")]
    pred_skip.update(a.i for a in auxes)
    for child in verb.children:
        if child.dep_ in ("advcl", "mark", "punct", "cc", "parataxis") or (
            child.dep_ == "conj" and child.pos_ in ("VERB", "AUX")
        ):
            pred_skip.update(t.i for t in child.subtree)
        if child.dep_ == "advmod" and (
            child.lower_ in HEDGE_ADVERBS
            or child.lower_ in ("also", "only", "still", "already", "now", "then", "yet")
        ):
            pred_skip.update(t.i for t in child.subtree)
        if child.dep_ == "prep" and (
            child.i < verb.i or any(c.dep_ == "pcomp" and c.tag_ == "VBG" for c in child.children)
        ):
            pred_skip.update(t.i for t in child.subtree)
    rest_toks = [t for t in verb.subtree if t.i > verb.i and t.i not in pred_skip]
    rest_toks = trim_clause(shorten(rest_toks, verb, 16))
    rest = join_tokens(rest_toks)
    modal = next((a.lower_ for a in auxes if a.tag_ == "MD"), None)
    negated = any(a.dep_ == "neg" for a in auxes)
    be_forms = {"is": "Is", "are": "Are", "was": "Was", "were": "Were", "am": "Am"}
    passive = [a for a in auxes if a.dep_ == "auxpass"]
    perfect = [a for a in auxes if a.lemma_ == "have" and a.dep_ == "aux"]
    progressive = [a for a in auxes if a.lemma_ == "be" and a.dep_ == "aux"]
    lemma = _base_form(verb)
    if verb.lemma_ == "be" and verb.dep_ != "aux" and not auxes:
        head = be_forms.get(verb.lower_, "Is")
        body = f"{head} {subj_str} {rest}"
    elif modal or verb.lemma_.lower() in FUTURE_VERBS and verb.tag_ in ("VBZ", "VBP"):
        if modal and modal not in (
            "will",
            "would",
            "'ll",
            "’ll",
            "shall",
            "could",
            "may",
            "might",
            "can",
        ):
            return None
        if passive:
            body = f"Will {subj_str} be {verb.text} {rest}"
        elif verb.lemma_.lower() in FUTURE_VERBS and not modal:
            xcomp = [c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
            if not xcomp:
                return None
            inner = xcomp[0]
            inner_rest = [t for t in inner.subtree if t.i > inner.i and t.i not in pred_skip]
            inner_rest = trim_clause(shorten(inner_rest, inner, 16))
            body = f"Will {subj_str} {_base_form(inner)} {join_tokens(inner_rest)}"
        else:
            body = f"Will {subj_str} {lemma} {rest}"
    elif perfect:
        plural = subj is not None and (
            subj.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in subj.children)
        )
        have = "Have" if plural or perfect[0].lower_ == "have" else "Has"
        body = f"{have} {subj_str} {'been ' if passive else ''}{verb.text} {rest}"
    elif passive:
        aux = passive[0].lower_
        head = be_forms.get(aux, "Was")
        body = f"{head} {subj_str} {verb.text} {rest}"
    elif progressive:
        head = be_forms.get(progressive[0].lower_, "Is")
        body = f"{head} {subj_str} {verb.text} {rest}"
    elif verb.tag_ == "VBD":
        body = f"Did {subj_str} {lemma} {rest}"
    elif verb.tag_ == "VBZ":
        body = f"Does {subj_str} {lemma} {rest}"
    elif verb.tag_ in ("VBP", "VB"):
        body = f"Do {subj_str} {lemma} {rest}"
    else:
        return None
    if negated:
        return None
    body = " ".join(body.split()).rstrip(" ,;:.")
    if len(body.split()) < 3:
        return None
    return body + "?"


def subject_text(verb: Token, actors: ActorIndex, max_len: int = 10) -> str | None:
    """The verb's subject as a reader needs it: pronouns and relative pronouns resolved."""
    subj = subject_of(verb)
    if subj is None:
        return None
    if subj.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
        subj = verb.head
    if subj.lower_ in ("it", "this") and subj.pos_ == "PRON":
        # The nearest earlier event noun or state/organisation in the sentence.
        for t in reversed(subj.sent[: subj.i - subj.sent.start]):
            if t.pos_ == "NOUN" and t.lemma_.lower() in EVENT_NOUNS:
                return f"the {t.lemma_.lower()}"
            key = actors.actor_at(t)
            if key and actors.actors[key].type in ("state", "organization", "group"):
                return actors.actors[key].name
        return None
    if subj.pos_ == "PRON":
        key = actors.resolve_pronoun(subj)
        return actors.actors[key].name if key else None
    toks = np_tokens(subj, max_len=max_len)
    if not toks:
        return None
    replace: dict[int, str] = {}
    for t in toks:
        if t.tag_ == "PRP$" and t.dep_ == "poss":
            key = actors.resolve_pronoun(t)
            if key:
                replace[t.i] = actors.actors[key].name + "’s"
    return lower_first(join_tokens(toks, replace), toks[0])


def realise(verb: Token, actors: ActorIndex, max_len: int = 28) -> str:
    """Subject + predicate of the clause headed by ``verb`` as standalone text."""
    while verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    clause = Clause(verb=verb, subject=subject_of(verb), sentence=verb.sent)
    pred = predicate_tokens(clause, max_len=max_len)
    pred_text = join_tokens(pred)
    # "whom he last met …": put the antecedent back after the verb.
    if verb.dep_ == "relcl" and any(
        c.dep_ == "dobj" and c.tag_ in ("WP", "WDT") for c in verb.children
    ):
        ante = join_tokens(np_tokens(verb.head, max_len=6))
        head_words = [t for t in pred if t.i <= verb.i]
        tail = [t for t in pred if t.i > verb.i]
        pred_text = " ".join(x for x in (join_tokens(head_words), ante, join_tokens(tail)) if x)
    # "It was reported that EVENT": the event is the report's content.
    if is_speech(verb) and (clause.subject is None or clause.subject.lower_ == "it"):
        comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        if comp is not None:
            return realise(comp, actors, max_len)
    subj = subject_text(verb, actors)
    text = f"{subj} {pred_text}" if subj else pred_text
    return " ".join(text.split())


def event_phrase(verb: Token, max_obj: int = 7) -> list[Token]:
    """A concise event phrase: verb (+ particle, negation) + compact object.

    "had deployed infantry rockets and missiles to Russia in 2022" → "deployed infantry
    rockets and missiles"; "derailed and overturned" keeps both verbs; an intransitive
    verb takes its first prepositional phrase ("meets with Obama").
    """
    verb = event_verb_of(verb)
    toks: list[Token] = [verb]
    # A negation stays, however the parser attached it ("Aren’t" in a title-case headline
    # gives "n’t" as punctuation): without it the phrase says the opposite.
    toks += [
        c for c in verb.children if c.dep_ in ("prt", "neg", "auxpass") or c.lower_ in NEGATIONS
    ]
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "attr", "acomp", "oprd")), None)
    if obj is None:
        prep = next(
            (
                c
                for c in verb.children
                if c.dep_ in ("prep", "agent")
                and c.i > verb.i
                and any(g.dep_ == "pobj" for g in c.children)
            ),
            None,
        )
        if prep is not None:
            pobj = next(g for g in prep.children if g.dep_ == "pobj")
            toks += [prep] + _compact_np(pobj, max_obj - 1)
    else:
        toks += _compact_np(obj, max_obj)
        # "make a trip to meet X": the purpose clause is the event.
        purpose = next(
            (
                c
                for c in obj.children
                if c.dep_ in ("relcl", "acl")
                and c.pos_ == "VERB"
                and any(a.tag_ == "TO" for a in c.children)
            ),
            None,
        )
        if purpose is not None:
            toks += [a for a in purpose.children if a.tag_ == "TO"] + [purpose]
            dobj = next((c for c in purpose.children if c.dep_ == "dobj"), None)
            if dobj is not None:
                toks += _compact_np(dobj, 5)
    for conj in verb.children:
        if (
            conj.dep_ == "conj"
            and conj.pos_ == "VERB"
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in conj.children)
        ):
            toks += [c for c in conj.children if c.dep_ == "cc"] + [conj]
            cc = [c for c in verb.children if c.dep_ == "cc" and c.i < conj.i]
            toks += cc[-1:]
            break
    return sorted({t.i: t for t in toks}.values(), key=lambda t: t.i)


def _compact_np(head: Token, max_len: int) -> list[Token]:
    """Head noun with its determiners, modifiers and coordinated nouns; no phrases after."""
    keep = {head.i}
    for child in head.children:
        if (
            child.dep_
            in ("det", "amod", "compound", "nummod", "poss", "case", "quantmod", "nmod", "npadvmod")
            and child.i < head.i
        ):
            keep.update(t.i for t in child.subtree)
        if child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN"):
            keep.update(t.i for t in child.subtree if t.dep_ not in ("prep", "relcl", "acl"))
            keep.update(c.i for c in head.children if c.dep_ == "cc")
        if child.dep_ == "prep" and child.lower_ == "of" and child.i > head.i:
            keep.update(t.i for t in child.subtree)
    toks = [doc_tokens(head.doc)[i] for i in sorted(keep)]
    if len(toks) > max_len:
        toks = [t for t in toks if t.i <= head.i][-max_len:]
    return trim_clause(toks)


def event_verb_of(verb: Token) -> Token:
    """Through control and aspect verbs to the verb that carries the event."""
    for _ in range(3):
        if verb.lemma_.lower() not in CONTROL_VERBS:
            break
        nxt = [c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
        if not nxt:
            break
        verb = nxt[0]
    return verb
