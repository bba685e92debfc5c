"""Small helpers over spaCy tokens and spans shared by the extractors.

Everything here returns character offsets into ``doc.text``, which is the
document text as ingested, so evidence always satisfies ``text[start:end]``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..model import Evidence
from .lexicon import HEDGE_ADVERBS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

QUOTE_CHARS = "\"“”„‟«»‘’'"
OPEN_QUOTES = '"“„«‘'
CLOSE_QUOTES = '"”»’'
_TEXT_KEY = "briefgen.text"  # doc.user_data key of the cached doc.text


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc.

    spaCy joins every token's text anew on each ``Doc.text`` access, and the extractors
    read it for nearly every span; caching the (identical) string in ``doc.user_data``
    is a pure speed-up.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


# What is read of the Doc being extracted, built once: spaCy builds a new Span for every
# entity of the whole Doc on each ``doc.ents`` or ``Span.ents`` access, and a new Token
# (through the Python-level ``Doc.__getitem__``, about half a microsecond) for every
# ``doc[i]`` and for every token of a Span iterated. One slot, so at most one Doc is kept
# alive by it (until the next Doc is extracted).
_DOC_SLOT: dict[str, Any] = {}


def _slot(doc: Doc) -> dict[str, Any]:
    if _DOC_SLOT.get("doc") is not doc:
        _DOC_SLOT.clear()
        _DOC_SLOT["doc"] = doc
    return _DOC_SLOT


def doc_ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, built once per Doc (the same spans in the same order)."""
    slot = _slot(doc)
    if "ents" not in slot:
        built = tuple(doc.ents)
        slot.update(ents=built, starts=[e.start for e in built])
    ents: tuple[Span, ...] = slot["ents"]
    return ents


def doc_tokens(doc: Doc) -> list[Token]:
    """The Doc's tokens, built once per Doc: ``doc_tokens(doc)[i]`` is ``doc[i]``.

    The same Token objects are handed out on every call (spaCy's ``doc[i]``, ``token.head``
    and ``token.children`` build new ones each time), so tokens are compared by ``.i`` (or
    ``==``), never by identity, across the two."""
    slot = _slot(doc)
    tokens: list[Token] | None = slot.get("tokens")
    if tokens is None:
        tokens = slot["tokens"] = list(doc)
    return tokens


def span_tokens(span: Span) -> list[Token]:
    """The tokens of a Span (a sentence) from :func:`doc_tokens`: ``list(span)``, cheaply."""
    return doc_tokens(span.doc)[span.start : span.end]


def span_text(span: Span) -> str:
    """``span.text`` (spaCy joins the span's tokens anew on each access), cut from the
    Doc's text: a Span's text runs from its first token to the end of its last."""
    return doc_text(span.doc)[span.start_char : span.end_char]


def sent_ents(sent: Span) -> list[Span]:
    """``sent.ents`` without rebuilding the Doc's entities: the entities that start in
    the span, up to the first that runs past its end (spaCy's own rule)."""
    ents = doc_ents(sent.doc)
    out: list[Span] = []
    for k in range(bisect_left(_DOC_SLOT["starts"], sent.start), len(ents)):
        if ents[k].end > sent.end:
            break
        out.append(ents[k])
    return out


def clean_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past surrounding whitespace and dangling punctuation."""
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def evidence(doc: Doc, doc_id: str, start: int, end: int) -> Evidence:
    text = doc_text(doc)
    start, end = clean_bounds(text, start, end)
    return Evidence(doc=doc_id, start=start, end=end, text=text[start:end])


def sentence_evidence(sent: Span, doc_id: str) -> Evidence:
    return evidence(sent.doc, doc_id, sent.start_char, sent.end_char)


def token_range_text(doc: Doc, tokens: Iterable[Token]) -> tuple[str, int, int]:
    """The verbatim text covering the given tokens (first to last), with offsets."""
    toks = sorted(tokens, key=lambda t: t.i)
    if not toks:
        return "", 0, 0
    start = toks[0].idx
    end = toks[-1].idx + len(toks[-1].text)
    text = doc_text(doc)
    start, end = clean_bounds(text, start, end)
    return text[start:end], start, end


def subtree_tokens(token: Token, exclude: Iterable[Token] = ()) -> list[Token]:
    """The token's subtree without the subtrees rooted at ``exclude``."""
    skip: set[int] = set()
    for ex in exclude:
        skip.update(t.i for t in ex.subtree)
    return [t for t in token.subtree if t.i not in skip]


def contiguous(tokens: list[Token], anchor: Token) -> list[Token]:
    """The run of consecutive token indices in ``tokens`` that contains ``anchor``."""
    idx = {t.i for t in tokens}
    lo = hi = anchor.i
    while lo - 1 in idx:
        lo -= 1
    while hi + 1 in idx:
        hi += 1
    return [t for t in tokens if lo <= t.i <= hi]


def join_tokens(tokens: Iterable[Token], replace: dict[int, str] | None = None) -> str:
    """Re-join tokens as the source wrote them, dropping quote characters.

    Adjacent tokens keep their original spacing ("Jong-un", "U.S.-made"); where
    tokens were left out in between, one space stands for the gap.
    """
    out: list[str] = []
    prev_end: int | None = None
    kept = [
        t for t in sorted(tokens, key=lambda t: t.i) if t.text not in QUOTE_CHARS and not t.is_space
    ]
    # The commas around a phrase left out ("Marion, 26, and her father" without the age)
    # go with it: "Marion and her father", never "Marion,, and her father".
    drop: set[int] = set()
    for a, b in zip(kept, kept[1:], strict=False):
        if a.text == "," and b.text == "," and a.i not in drop:
            drop.update((a.i, b.i) if b.i > a.i + 1 else (b.i,))
    for tok in kept:
        if tok.i in drop:
            continue
        if prev_end is not None:
            out.append("" if tok.idx == prev_end else " ")
        out.append(replace.get(tok.i, tok.text) if replace else tok.text)
        prev_end = tok.idx + len(tok.text)
    text = "".join(out)
    for punct in (" ,", " .", " ;", " :", " )", " ]"):
        text = text.replace(punct, punct.strip())
    text = text.replace("( ", "(").replace("[ ", "[")
    return " ".join(text.split()).strip(" ,;:")


def trim_clause(tokens: list[Token]) -> list[Token]:
    """Drop leading markers ("that", "and", commas) and trailing punctuation/quotes."""
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and (toks[0].dep_ in ("mark", "cc", "punct") or toks[0].is_space):
        toks = toks[1:]
    while toks and (
        toks[-1].is_punct
        or toks[-1].is_space
        or toks[-1].dep_ == "cc"
        or toks[-1].pos_ in ("ADP", "SCONJ", "DET")
        and toks[-1].dep_ != "prt"
    ):
        if toks[-1].text in ")]" and _opens(toks[:-1], "(["[")]".index(toks[-1].text)]):
            break  # keep the closing bracket of "(EU)"
        toks = toks[:-1]
    return toks


def _opens(tokens: list[Token], opener: str) -> bool:
    closer = ")" if opener == "(" else "]"
    depth = 0
    for t in tokens:
        if t.text == opener:
            depth += 1
        elif t.text == closer:
            depth -= 1
    return depth > 0


def subject_of(verb: Token) -> Token | None:
    """The subject of a verb, borrowed from the head verb for conjoined predicates."""
    seen = 0
    tok: Token | None = verb
    while tok is not None and seen < 4:
        for child in tok.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj", "expl"):
                return child
        if tok.dep_ in ("conj", "xcomp") and tok.head.i != tok.i:
            tok = tok.head
            seen += 1
            continue
        if tok.dep_ == "relcl":
            return tok.head
        return None
    return None


def aux_of(verb: Token) -> list[Token]:
    """Auxiliaries and negation attached to the verb (or to its head for conj/xcomp)."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg")]
    if not any(a.dep_ == "aux" and a.tag_ == "MD" for a in auxes) and verb.dep_ == "xcomp":
        auxes = [c for c in verb.head.children if c.dep_ in ("aux", "neg")] + auxes
    return auxes


def hedges_in(tokens: Iterable[Token]) -> list[str]:
    found = []
    for tok in tokens:
        low = tok.lower_
        if low in HEDGE_ADVERBS or tok.lemma_.lower() in {"purported", "alleged"}:
            found.append(low)
    return found


def is_quote_char(tok: Token) -> bool:
    return tok.text in QUOTE_CHARS or tok.tag_ in ("``", "''")


def sent_index(doc: Doc) -> dict[int, int]:
    """Map sentence start token index → sentence ordinal."""
    return {s.start: i for i, s in enumerate(doc.sents)}


def lower_first(text: str, first_token: Token | None = None) -> str:
    """Lower-case the first letter unless it starts a proper name or an acronym."""
    if not text:
        return text
    if first_token is not None and (
        first_token.pos_ == "PROPN" or first_token.ent_type_ or first_token.text == "I"
    ):
        return text
    first = text.split(" ", 1)[0]
    if first.isupper() and len(first) > 1:
        return text
    return text[0].lower() + text[1:]


def phrase_inside(tokens: list[Token]) -> str:
    """A noun phrase as it reads inside a sentence: "The same report", which opened its
    sentence, becomes "the same report"; a name ("The New York Times") keeps its capital."""
    text = join_tokens(tokens)
    if tokens and tokens[0].pos_ == "DET" and not any(t.pos_ == "PROPN" for t in tokens):
        return text[:1].lower() + text[1:]
    return text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
