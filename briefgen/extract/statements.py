"""Attributed statements: who said what, with the cue that attributes it.

Patterns (general English reporting syntax):

* ``SPEAKER <speech verb> (that) CONTENT`` and its quote-first inversion
  ``"CONTENT," SPEAKER said``;
* ``SPEAKER <speech verb> <noun> that CONTENT`` ("expressed worries that …");
* parentheticals: ``CONTENT-part, SPEAKER said, CONTENT-rest``;
* ``according to SPEAKER, CONTENT`` / ``CONTENT, as per SPEAKER``.

Pronoun speakers are resolved to the person last named before them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import SpanRef, Speaker, Statement
from .actors import ActorIndex
from .clauses import np_tokens
from .lexicon import PHRASAL_SPEECH, PRONOUNS_PERSON, SPEECH_VERBS, WEAK_SPEECH_VERBS
from .spans import QUOTE_CHARS, clean_bounds, subject_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

MIN_CONTENT_TOKENS = 3
# Speech verbs whose plain object is what was said ("confirmed its plans to …").
OBJECT_SPEECH = frozenset({"confirm", "announce", "deny", "reveal", "acknowledge", "disclose",
                           "admit", "report", "unveil", "pledge", "promise", "vow"})
CITED_NOUNS = frozenset({"remark", "remarks", "comment", "comments", "statement", "words",
                         "interview", "testimony"})


def _span(doc: Doc, start: int, end: int) -> SpanRef:
    start, end = clean_bounds(doc.text, start, end)
    return SpanRef(text=doc.text[start:end], start=start, end=end)


def _tok_span(doc: Doc, tokens: list[Token]) -> SpanRef | None:
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and (toks[0].dep_ in ("mark",) or toks[0].is_punct and toks[0].text not in
                    QUOTE_CHARS or toks[0].is_space):
        toks = toks[1:]
    while toks and (toks[-1].is_space or toks[-1].text in (",", ";", ":", "—", "-")
                    or toks[-1].pos_ in ("ADP", "CCONJ", "DET", "SCONJ")):
        toks = toks[:-1]
    if not toks:
        return None
    start = toks[0].idx
    end = toks[-1].idx + len(toks[-1].text)
    return _span(doc, start, end)


def _quoted_ranges(sent: Span) -> list[tuple[int, int]]:
    """Token index ranges [open, close] of quotations in the sentence."""
    ranges = []
    open_at = None
    for tok in sent:
        if tok.text in ("“", "«") or (tok.text == '"' and open_at is None):
            open_at = tok.i
        elif tok.text in ("”", "»") or (tok.text == '"' and open_at is not None):
            if open_at is not None:
                ranges.append((open_at, tok.i))
            open_at = None
    return ranges


def _is_direct(doc: Doc, content: SpanRef) -> bool:
    text = content.text
    quoted = 0
    inside = False
    for ch in text:
        if ch in "“”\"«»":
            inside = not inside if ch == '"' else ch in "“«"
            continue
        if inside:
            quoted += 1
    return quoted >= 0.5 * max(1, len(text)) or (text[:1] in "“\"" and text[-1:] in "”\"")


def _is_direct_tokens(toks: list[Token]) -> bool:
    return any(t.text in QUOTE_CHARS and t.text not in ("’", "'") for t in toks)


def _speaker(
    doc: Doc, subj: Token, actors: ActorIndex
) -> tuple[SpanRef, str | None] | None:
    if subj.lower_ in ("it", "there", "this", "that", "which", "what"):
        return None
    if subj.lower_ == "who" and subj.head.dep_ == "relcl":
        subj = subj.head.head
    toks = [t for t in np_tokens(subj, max_len=12) if not (t.tag_ == "POS" and t.head == subj)]
    if subj.dep_ == "poss":  # "citing Shoigu's remarks": the speaker is Shoigu
        toks = [t for t in toks if t.i <= subj.i]
    span = _tok_span(doc, toks)
    if span is None:
        return None
    key = None
    keys = [k for k in actors.actors_in(toks) if actors.actors[k].type != "location"] or \
        actors.actors_in(toks)
    if keys:
        # The head noun's actor wins ("Russia's ambassador" → the ambassador is not Russia).
        head_key = actors.actor_at(subj)
        key = head_key if head_key else (keys[-1] if subj.pos_ == "PROPN" else None)
    elif subj.lower_ in PRONOUNS_PERSON:
        key = actors.last_before(subj.idx)
    elif subj.lower_ in ("they", "we"):
        key = actors.last_before(subj.idx, ("state", "organization", "group"))
    return span, key


def _content_tokens(verb: Token) -> list[Token] | None:
    comps = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ in
             ("VERB", "AUX", "ADJ", "NOUN")]
    if comps:
        toks: list[Token] = []
        for c in comps:
            toks.extend(c.subtree)
        # "said that X, and that Y": both complements.
        for c in comps:
            for conj in c.children:
                if conj.dep_ == "conj":
                    toks.extend(conj.subtree)
        return toks
    # "expressed worries that …", "voiced concern that …".
    for obj in verb.children:
        if obj.dep_ == "dobj":
            clauses = [c for c in obj.children if c.dep_ in ("acl", "ccomp", "relcl")
                       and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)]
            if clauses:
                return list(clauses[0].subtree)
            if any(t.text in ("“", '"') for t in obj.subtree) or obj.lemma_ in (
                    "disappointment", "concern", "worry", "fear", "hope"):
                return list(obj.subtree)
            if verb.lemma_.lower() in OBJECT_SPEECH and len(list(obj.subtree)) >= 3:
                return list(obj.subtree)
    return None


def _quote_for(sent: Span, verb: Token) -> list[Token] | None:
    """A quotation next to the cue ('"…," X said' / 'X said: "…"'), not one that belongs
    to another speech verb of the sentence."""
    ranges = _quoted_ranges(sent)
    doc = sent.doc
    others = [t for t in sent if t is not verb and t.pos_ == "VERB"
              and t.lemma_.lower() in SPEECH_VERBS]
    for lo, hi in sorted(ranges, key=lambda r: r[0] - r[1]):
        if hi - lo < 4:
            continue
        inside_other = any(o.left_edge.i <= lo and hi <= o.right_edge.i
                           and not (o.left_edge.i <= verb.i <= o.right_edge.i) for o in others)
        near = abs(verb.i - hi) <= 4 or abs(verb.i - lo) <= 6
        if near and not inside_other:
            return [doc[i] for i in range(lo, hi + 1)]
    return None


def _statement(doc: Doc, doc_id: str, n: int, speaker: tuple[SpanRef, str | None],
               cue: SpanRef, content: SpanRef, actors: ActorIndex) -> Statement:
    span, key = speaker
    return Statement(
        id=f"{doc_id}-st{n}",
        speaker=Speaker(text=span.text, start=span.start, end=span.end, actor_id=key),
        cue=cue, content=content, direct=_is_direct(doc, content), doc=doc_id,
        speaker_name=actors.actors[key].name if key and key in actors.actors else None,
    )


def extract_statements(doc: Doc, doc_id: str, actors: ActorIndex) -> list[Statement]:
    out: list[Statement] = []
    used: set[tuple[int, int]] = set()

    def emit(speaker: tuple[SpanRef, str | None] | None, cue: SpanRef,
             toks: list[Token] | None) -> None:
        if speaker is None or not toks:
            return
        content = _tok_span(doc, toks)
        if content is None or len([t for t in toks if not t.is_punct]) < MIN_CONTENT_TOKENS:
            return
        if content.start < speaker[0].end and speaker[0].start < content.end:
            # The speaker lies inside the content (bad parse): keep the part after the cue.
            return
        key = (content.start, content.end)
        if any(s <= content.start and content.end <= e for s, e in used):
            return
        used.add(key)
        out.append(_statement(doc, doc_id, len(out) + 1, speaker, cue, content, actors))

    for sent in doc.sents:
        for tok in sent:
            lemma = tok.lemma_.lower()
            if tok.pos_ != "VERB":
                continue
            particle = next((c for c in tok.children if c.dep_ == "prt"), None)
            phrasal = particle is not None and (lemma, particle.lower_) in PHRASAL_SPEECH
            if lemma not in SPEECH_VERBS and not phrasal and lemma != "continue":
                continue
            if any(c.dep_ == "neg" for c in tok.children) or any(
                    c.lower_ == "yet" for c in tok.head.children if tok.dep_ == "xcomp"):
                continue  # "did not say", "have yet to confirm": nothing was said
            subj = subject_of(tok)
            if subj is None and tok.dep_ in ("advcl", "pcomp") and tok.tag_ == "VBG":
                subj = subject_of(tok.head) if tok.head.pos_ == "VERB" else None
                if subj is None and tok.head.dep_ == "prep":
                    subj = subject_of(tok.head.head)
            if subj is None:
                continue
            toks = _content_tokens(tok)
            if toks is None and lemma in WEAK_SPEECH_VERBS | {"continue"}:
                continue
            if toks is None and tok.dep_ == "ROOT":
                # Parenthetical: "Washington, Kirby elaborated, remained concerned …".
                conj = [c for c in tok.children if c.dep_ in ("conj", "dep", "npadvmod",
                                                               "parataxis", "ccomp")
                        and c.i != subj.i]
                if conj:
                    toks = [t for c in conj for t in c.subtree]
            if toks is None:
                toks = _quote_for(sent, tok)
            if toks is not None:
                skip = {t.i for t in subj.subtree} | {tok.i}
                toks = [t for t in toks if t.i not in skip]
            # "Reuters reported, citing Shoigu's remarks": the quote is Shoigu's.
            citing = next((c for c in tok.children if c.lower_ == "citing"), None)
            if citing is not None and toks is not None and _is_direct_tokens(toks):
                obj = next((c for c in citing.children if c.dep_ == "dobj"), None)
                if obj is not None and obj.lemma_.lower() in CITED_NOUNS:
                    obj = next((c for c in obj.children if c.dep_ == "poss"), None)
                if obj is not None and actors.actor_at(obj):
                    subj = obj
                    toks = [t for t in toks if t.i not in {x.i for x in citing.subtree}]
            end_tok = particle if phrasal and particle is not None else tok
            cue = _span(doc, tok.idx, end_tok.idx + len(end_tok.text))
            emit(_speaker(doc, subj, actors), cue, toks)

        # "according to X, …" / "as per X": the rest of the clause is X's claim.
        for tok in sent:
            if tok.lower_ not in ("according", "per"):
                continue
            objs = [t for t in tok.subtree if t.dep_ == "pobj"]
            if not objs:
                continue
            src = objs[0]
            if src.lemma_.lower() in ("report", "reports") and any(
                    c.dep_ in ("compound", "poss") for c in src.children):
                src = next(c for c in src.children if c.dep_ in ("compound", "poss"))
            head = tok.head
            while head.dep_ not in ("ROOT",) and head.pos_ not in ("VERB", "AUX"):
                head = head.head
            if head.lemma_.lower() in SPEECH_VERBS or head.lower_ in ("citing", "quoting"):
                continue  # part of an attribution chain ("X reported, citing Y, according to Z")
            skip = {t.i for t in tok.subtree}
            if tok.lower_ == "per" and tok.i > 0 and doc[tok.i - 1].lower_ == "as":
                skip.add(tok.i - 1)
            toks = [t for t in head.subtree if t.i not in skip]
            cue_start = doc[tok.i - 1].idx if tok.lower_ == "per" and tok.i > 0 and \
                doc[tok.i - 1].lower_ == "as" else tok.idx
            nxt = doc[tok.i + 1] if tok.lower_ == "according" and tok.i + 1 < len(doc) else tok
            cue = _span(doc, cue_start, nxt.idx + len(nxt.text))
            emit(_speaker(doc, src, actors), cue, toks)
    out.sort(key=lambda s: s.content.start)
    for i, st in enumerate(out, 1):
        st.id = f"{doc_id}-st{i}"
    return out
