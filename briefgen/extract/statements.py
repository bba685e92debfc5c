"""Attributed statements: who said what, with the cue that attributes it.

Patterns (general English reporting syntax):

* ``SPEAKER <speech verb> (that) CONTENT`` and its quote-first inversion
  ``"CONTENT," SPEAKER said`` — a quote interrupted by its attribution
  (``"A," X said, "B."``) and quoted sentences that continue it in the same
  paragraph belong to the same statement;
* ``SPEAKER <speech verb> <noun> that CONTENT`` ("expressed worries that …")
  and speech verbs whose object is what was said ("confirmed its plans to …");
* parentheticals: ``CONTENT-part, SPEAKER said, CONTENT-rest``;
* ``according to SPEAKER, CONTENT`` / ``CONTENT, as per SPEAKER``.

Speech verbs inside a quotation are part of that quotation, not statements of
their own ("I think …" said by the quoted person). Speakers keep their title
and apposition ("Brian Fallon, a spokesman for the campaign,"); pronoun
speakers are resolved to the person they most likely refer to.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import SpanRef, Speaker, Statement
from .actors import ActorIndex
from .clauses import np_tokens
from .lexicon import PHRASAL_SPEECH, SPEECH_VERBS, WEAK_SPEECH_VERBS
from .spans import QUOTE_CHARS, clean_bounds, doc_text, doc_tokens, span_tokens, subject_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

MIN_CONTENT_TOKENS = 1
MAX_SPEAKER_TOKENS = 40
# Speech verbs whose plain object is what was said ("confirmed its plans to …").
OBJECT_SPEECH = frozenset(
    {
        "confirm",
        "announce",
        "deny",
        "reveal",
        "acknowledge",
        "disclose",
        "admit",
        "report",
        "unveil",
        "pledge",
        "promise",
        "vow",
    }
)
CITED_NOUNS = frozenset(
    {"remark", "remarks", "comment", "comments", "statement", "words", "interview", "testimony"}
)
# Stance verbs: what the speaker said is their object ("praised X for Y", "called X Y") …
OBJECT_STANCE = frozenset(
    """
    praise criticize criticise accuse applaud tout mock extol mention blame slam blast endorse
    support oppose reject condemn defend welcome dismiss question thank congratulate deride
    ridicule lambaste hail credit fault laud castigate decry denounce label describe dub brand
    call discuss urge announce deny acknowledge admit recommend propose predict promise
    cite highlight recognize recognise attack
""".split()
)
# … or the object of a preposition ("called for X", "talked about Y", "warned of Z") …
PREP_STANCE = {
    "call": ("for", "on"),
    "talk": ("about",),
    "speak": ("about", "of", "on"),
    "comment": ("on",),
    "refer": ("to",),
    "point": ("to",),
    "respond": ("to",),
    "complain": ("about", "of"),
    "warn": ("about", "of", "against"),
    "argue": ("for", "against"),
    "push": ("for",),
    "advocate": ("for",),
    "campaign": ("for", "against"),
    "rail": ("against",),
    "weigh": ("in",),
    "testify": ("about",),
    "boast": ("about", "of"),
    "brag": ("about",),
    "joke": ("about",),
    "write": ("about", "of"),
    "tweet": ("about",),
    "insist": ("on",),
    "reply": ("to",),
    "vote": ("for", "against"),
    "agree": ("with", "on"),
}
# … or an infinitive of intention ("wants to run", "vowed to fight").
XCOMP_STANCE = frozenset(
    """
    want hope expect plan intend vow pledge promise threaten refuse decline seek aim offer
    urge ask tell decide choose prefer propose
""".split()
)
# "Voters see Clinton as the stronger candidate": a view, with "as".
AS_STANCE = frozenset({"see", "view", "regard", "consider", "describe", "portray", "cast"})
# What a sentence-opening "In a poll, …" cites as its source.
SOURCE_NOUNS = frozenset(
    """
    poll survey study report interview statement article letter memo tweet post speech
    analysis filing complaint lawsuit editorial column op-ed book documentary video email
    """.split()
)
#: What reports a finding as its object ("the poll showed a dead heat").
FINDING_SOURCES = frozenset(
    "poll survey study report analysis research data audit review investigation census".split()
)
# Verbs that report speech or findings only with a clausal complement ("polls show that …").
CCOMP_STANCE = frozenset("show find conclude determine demonstrate".split())
OPEN_Q = ("“", "«", "''", "``")
CLOSE_Q = ("”", "»", "''")


def _span(doc: Doc, start: int, end: int) -> SpanRef:
    text = doc_text(doc)
    start, end = clean_bounds(text, start, end)
    return SpanRef(text=text[start:end], start=start, end=end)


def _tok_span(doc: Doc, tokens: list[Token]) -> SpanRef | None:
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and (
        toks[0].dep_ == "mark"
        or toks[0].is_punct
        and toks[0].text not in QUOTE_CHARS
        or toks[0].is_space
    ):
        toks = toks[1:]
    while toks and (
        toks[-1].is_space
        or toks[-1].text in (",", ";", ":", "—", "-")
        or toks[-1].pos_ in ("ADP", "CCONJ", "DET", "SCONJ")
        and toks[-1].dep_ != "prt"
    ):
        toks = toks[:-1]
    if not toks:
        return None
    return _span(doc, toks[0].idx, toks[-1].idx + len(toks[-1].text))


def quote_mask(doc: Doc) -> set[int]:
    """Indices of tokens inside quotation marks (quotes never run past a paragraph)."""
    inside: set[int] = set()
    open_at: int | None = None
    for tok in doc_tokens(doc):
        text = tok.text
        if "\n" in text or "\n" in tok.whitespace_:
            open_at = None
            continue
        if open_at is None and (text in OPEN_Q or text == '"'):
            open_at = tok.i
        elif open_at is not None and (text in CLOSE_Q or text == '"'):
            inside.update(range(open_at + 1, tok.i))
            open_at = None
    return inside


def _quoted_ranges(sent: Span) -> list[tuple[int, int]]:
    """Token index ranges [open, close] of quotations in the sentence."""
    ranges = []
    open_at = None
    for tok in span_tokens(sent):
        if open_at is None and (tok.text in OPEN_Q or tok.text == '"'):
            open_at = tok.i
        elif open_at is not None and (tok.text in CLOSE_Q or tok.text == '"'):
            ranges.append((open_at, tok.i))
            open_at = None
    return ranges


#: A paragraph break: a blank line, or a line that ends a sentence (or a quotation) and a
#: next one that starts a new one, as pages that print one paragraph a line are written;
#: a line wrapped inside a sentence (wire copy) is none.
_PARAGRAPH = re.compile(r"\n[ \t]*\n|(?<=[.!?\"”'])[ \t]*\n(?=[ \t]*[\"“A-Z])")
#: Quotation marks: straight and curly doubles, guillemets, curly singles that are no
#: apostrophe, and the typewriter pairs ``''`` / ``\`\``` some papers print for doubles.
_QUOTE_MARK = re.compile(r"''|``|[\"“”«»]|(?<![\w])‘|’(?![\w])")
_TOGGLES = ('"', "''")
_OPENS = ("“", "«", "‘", "``")


#: How far back (characters) :func:`quoted_at` looks for the paragraph it is in.
_PARAGRAPH_WINDOW = 4000
_BREAK_CHARS = " \t\n"  # every character a match of _PARAGRAPH is made of


def paragraph_start(text: str, pos: int) -> int:
    """Where the paragraph holding ``pos`` starts: the end of the last :data:`_PARAGRAPH`
    break that ``_PARAGRAPH.finditer(text, lo, pos)`` finds (``lo`` is
    :data:`_PARAGRAPH_WINDOW` characters back), else ``lo``.

    The same answer without scanning the whole window (which made every call cost
    thousands of regex steps): a break is made of spaces, tabs and newlines only, so none
    runs across a character that is none of these, and a scan started after such a
    character finds the same breaks from there on. The runs of those characters that
    hold a newline are scanned one at a time, the last first, each only as far as its
    break's look-ahead can see (never past ``pos``), until one holds a break."""
    lo = max(0, pos - _PARAGRAPH_WINDOW)
    end = pos
    while True:
        nl = text.rfind("\n", lo, end)
        if nl < 0:
            return lo
        first = nl
        while first > lo and text[first - 1] in _BREAK_CHARS:
            first -= 1
        after = nl
        while after < pos and text[after] in _BREAK_CHARS:
            after += 1
        ends = [m.end() for m in _PARAGRAPH.finditer(text, first, min(pos, after + 1))]
        if ends:
            return ends[-1]
        if first == lo:
            return lo
        end = first


def quoted_at(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside quotation marks in ``text``: straight quotes toggle,
    curly ones (and guillemets, and single curly quotes that are no apostrophe) open and
    close; a paragraph break ends a quotation (a journalist who continues a quote into
    the next paragraph opens that paragraph with a quotation mark again)."""
    start = paragraph_start(text, pos)
    state = False
    for m in _QUOTE_MARK.finditer(text, start, pos):
        ch = m.group()
        state = (not state) if ch in _TOGGLES else ch in _OPENS
    return state


def quote_opening(text: str, pos: int) -> int | None:
    """Where the quotation holding ``pos`` opens (the offset just after its mark), within
    ``pos``'s paragraph; None when ``pos`` is not inside quotation marks."""
    start = paragraph_start(text, pos)
    state, opened = False, None
    for m in _QUOTE_MARK.finditer(text, start, pos):
        ch = m.group()
        new = (not state) if ch in _TOGGLES else ch in _OPENS
        if new and not state:
            opened = m.end()
        state = new
    return opened if state else None


def _is_direct(doc: Doc, content: SpanRef) -> bool:
    """Quoted speech: the content starts and ends inside quotation marks in the source
    (quote marks and punctuation at its edges aside), continued quotes included."""
    text = doc_text(doc)
    start, end = content.start, content.end
    while start < end and (text[start].isspace() or text[start] in QUOTE_CHARS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in QUOTE_CHARS + ".,;:!?"):
        end -= 1
    if start >= end:
        return False
    if not (quoted_at(text, start) and quoted_at(text, end)):
        return False
    # No closing mark in between that is not followed by a new paragraph reopening it.
    for k, para in enumerate(_PARAGRAPH.split(text[start:end])):
        state = k == 0  # a later paragraph must open its quotation again
        for m in _QUOTE_MARK.finditer(para):
            ch = m.group()
            state = (not state) if ch in _TOGGLES else ch in _OPENS
            if not state and m.end() < len(para.rstrip()):
                return False
    return True


def _speaker_tokens(subj: Token, skip: frozenset[int] = frozenset()) -> list[Token]:
    """The speaker phrase with its title, apposition and describing relative clause
    (none that holds a token of ``skip``, the cue)."""
    cut: set[int] = set()
    for child in subj.children:
        if (
            child.dep_ in ("acl", "advcl", "ccomp", "parataxis")
            # "Dunwoody, who worked for Obama," is how the source names its speaker; a
            # relative clause that itself reports speech ("Beck, who said …") is not.
            or child.dep_ == "relcl"
            and any(is_speech_verb(t) or t.i in skip for t in child.subtree)
            or child.dep_ == "prep"
            and child.i > subj.i
            and child.lower_ in ("along", "alongside", "including", "together")
        ):
            cut.update(t.i for t in child.subtree)
    toks = [t for t in subj.subtree if t.i not in cut and not t.is_space]
    toks = [t for t in toks if not (t.tag_ == "POS" and t.head == subj)]
    if subj.dep_ == "poss":  # "citing Shoigu's remarks": the speaker is Shoigu
        toks = [t for t in toks if t.i <= subj.i]
    if len(toks) > MAX_SPEAKER_TOKENS or any(
        t.text in QUOTE_CHARS and t.text not in "’'" for t in toks
    ):
        toks = np_tokens(subj, max_len=12)
    # Keep the contiguous run around the head.
    idx = {t.i for t in toks}
    lo = hi = subj.i
    while lo - 1 in idx:
        lo -= 1
    while hi + 1 in idx:
        hi += 1
    return [t for t in toks if lo <= t.i <= hi]


#: Heads of phrases that point back at a text or an event, never a speaker: "the (same)
#: report", "Kim's visit" (a report's author would be one).
NOT_SPEAKERS = frozenset({"report", "visit", "trip", "meeting", "move", "decision"})


def _speaker(doc: Doc, subj: Token, actors: ActorIndex) -> tuple[SpanRef, str | None] | None:
    skip: frozenset[int] = frozenset()
    if subj.lower_ in ("it", "there", "this", "that", "which", "what", "these", "those"):
        return None
    if subj.lemma_.lower() in NOT_SPEAKERS and not any(
        c.dep_ in ("compound", "poss") and c.pos_ == "PROPN" for c in subj.children
    ):
        return None  # "the same report indicated …" (but "the Mueller report" has an author)
    if subj.lower_ in ("who", "whom") and subj.head.dep_ == "relcl":
        # "Graham, who endorsed Bush": the speaker is written "who" (as a pronoun speaker
        # is written "he") and named by its antecedent; unnamed, the antecedent phrase.
        antecedent = subj.head.head
        skip = frozenset({subj.head.i})
        key = _speaker_key(antecedent, _speaker_tokens(antecedent, skip), actors)
        if key is not None:
            return _span(doc, subj.idx, subj.idx + len(subj.text)), key
        subj = antecedent
    toks = _speaker_tokens(subj, skip)
    span = _tok_span(doc, toks)
    if span is None:
        return None
    return span, _speaker_key(subj, toks, actors)


def _speaker_key(subj: Token, toks: list[Token], actors: ActorIndex) -> str | None:
    """The actor a speaker phrase names (its head's, else a person named in it)."""
    if subj.pos_ == "PRON":
        return actors.resolve_pronoun(subj)
    key = actors.actor_at(subj)
    if key is None:
        # "Russia's ambassador Matsegora": the person named in the phrase, not Russia.
        keys = [k for k in actors.actors_in(toks) if actors.actors[k].type == "person"]
        key = keys[0] if keys and subj.pos_ == "PROPN" else None
    return key


def _content_tokens(verb: Token) -> list[Token] | None:
    comps = [
        c
        for c in verb.children
        if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX", "ADJ", "NOUN")
    ]
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
            clauses = [
                c
                for c in obj.children
                if c.dep_ in ("acl", "ccomp", "relcl")
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
            ]
            if clauses:
                return list(clauses[0].subtree)
            if any(t.text in ("“", '"') for t in obj.subtree) or obj.lemma_ in (
                "disappointment",
                "concern",
                "worry",
                "fear",
                "hope",
            ):
                return list(obj.subtree)
            if verb.lemma_.lower() in OBJECT_SPEECH and len(list(obj.subtree)) >= 3:
                return list(obj.subtree)
    return None


#: Verbs of belief, feeling and intention: what a source holds rather than says ("X fears
#: that …", "X hopes to …"). Attributed speech only with a clause (or, for the intention
#: verbs of :data:`XCOMP_STANCE`, an infinitive) after them: "feels tired" is none.
BELIEF_VERBS = frozenset(
    "fear hope feel worry doubt suspect expect assume wonder reckon imagine".split()
)
#: Lemmas the small English models get wrong for frequent cue verbs ("hopes" → "hop").
_LEMMA_FIXES = {("hop", "hope"): "hope"}


#: Nouns that carry a view, claim or intention of their possessor when a clause follows:
#: "Trump's claim that …", "his plan to cut taxes" (not "her support for the bill": what
#: a possessor supports is an attitude, and whose it is the clause's subject decides).
STANCE_NOUNS = frozenset(
    """
    view belief claim assertion argument suggestion promise pledge warning criticism
    opposition support call demand concern fear hope plan proposal insistence accusation
    vow threat denial admission assessment prediction contention complaint objection
    endorsement praise condemnation defense defence rejection insinuation allegation
    """.split()
)


def _noun_stance(tok: Token) -> tuple[Token, list[Token]] | None:
    """ "X's view that …", "X's plan to …": (possessor, what it holds)."""
    if tok.pos_ != "NOUN" or tok.lemma_.lower() not in STANCE_NOUNS:
        return None
    poss = next((c for c in tok.children if c.dep_ == "poss"), None)
    if poss is None:
        return None
    for c in tok.children:
        if c.i < tok.i:
            continue
        if c.dep_ in ("acl", "ccomp", "relcl") and any(
            m.dep_ == "mark" and m.lower_ == "that" for m in c.children
        ):
            return poss, list(c.subtree)
        if c.dep_ == "acl" and c.tag_ == "VB" and any(m.lower_ == "to" for m in c.children):
            return poss, list(c.subtree)  # "his plan to cut taxes"
    return None


def _lemma(tok: Token) -> str:
    lemma = tok.lemma_.lower()
    return _LEMMA_FIXES.get((lemma, tok.lower_[:4]), lemma)


def _stance_content(verb: Token) -> list[Token] | None:
    """What a stance verb attributes: its object, prepositional object or infinitive."""
    lemma = _lemma(verb)
    after = [c for c in verb.children if c.i > verb.i]
    preps = PREP_STANCE.get(lemma, ())
    for c in after:
        if c.dep_ in ("prep", "prt") and c.lower_ in preps:
            toks = [t for t in c.subtree if t.i != c.i]
            # "called on the United States to attack …": the infinitive belongs to it.
            toks += [
                t for x in after if x.dep_ in ("xcomp", "oprd") and x.i > c.i for t in x.subtree
            ]
            return toks or None
    if lemma in XCOMP_STANCE:
        comp = next((c for c in after if c.dep_ == "xcomp"), None)
        if comp is not None:
            obj_toks = [t for c in after if c.dep_ == "dobj" and c.i < comp.i for t in c.subtree]
            return obj_toks + list(comp.subtree)
    if lemma in AS_STANCE:
        obj = next((c for c in after if c.dep_ == "dobj"), None)
        as_ = next((c for c in after if c.dep_ == "prep" and c.lower_ == "as"), None)
        if obj is not None and as_ is not None and as_.i > obj.i:
            return list(obj.subtree) + list(as_.subtree)
    if lemma in OBJECT_STANCE:
        obj = next((c for c in after if c.dep_ == "dobj"), None)
        if obj is not None:
            toks = list(obj.subtree)
            # "called X Y", "praised X for Y", "accused X of Y".
            for c in after:
                if c.i > obj.i and (
                    c.dep_ in ("oprd", "xcomp", "ccomp")
                    or c.dep_ == "prep"
                    and c.lower_ in ("for", "of", "as")
                ):
                    toks += list(c.subtree)
            return toks
    return None


def _quote_after_colon(sent: Span, verb: Token, sents: list[Span]) -> list[Token] | None:
    """ "Cruz continued:" and the quotation in the next sentence: what he continued."""
    toks = [t for t in span_tokens(sent) if not t.is_space]
    if not toks or toks[-1].text != ":" or toks[-1].i - verb.i > 6:
        return None
    idx = next((k for k, s in enumerate(sents) if s.start == sent.start), None)
    if idx is None or idx + 1 >= len(sents):
        return None
    nxt = sents[idx + 1]
    words = [t for t in span_tokens(nxt) if not t.is_space]
    if not words or not (words[0].text in OPEN_Q or words[0].text == '"'):
        return None
    return words


def _passive_stance(verb: Token, lemma: str) -> tuple[Token, list[Token]] | None:
    """ "X was criticized (rejected, endorsed, …) by Y": (Y, X) for a stance verb."""
    if lemma not in OBJECT_STANCE | SPEECH_VERBS or verb.tag_ != "VBN":
        return None
    target = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    agent = next((c for c in verb.children if c.dep_ == "agent" and c.i > verb.i), None)
    if target is None or agent is None:
        return None
    by = next((c for c in agent.children if c.dep_ == "pobj"), None)
    if by is None or target.lower_ in ("it", "this", "that", "which", "who"):
        return None
    return by, list(target.subtree)


def _quote_before(doc: Doc, sent: Span, subj: Token) -> list[Token] | None:
    """ "“Who can remember? Is it two?” Clinton asks.": the sentence splitter cut the
    quotation from its attribution; a sentence that opens with its speaker takes the
    quotation that closes just before it."""
    words = [t for t in span_tokens(sent) if not t.is_space and not t.is_punct]
    if not words or words[0].i < subj.left_edge.i:
        return None
    if any(not (t.is_punct or t.is_space) for t in doc_tokens(doc)[sent.start : subj.left_edge.i]):
        return None
    text = doc_text(doc)
    end = sent.start_char
    while end > 0 and text[end - 1].isspace():
        end -= 1
    first = doc_tokens(doc)[sent.start]
    if first.text in CLOSE_Q or first.text == '"':
        end = first.idx  # the closing mark was split into this sentence
    elif end == 0 or text[end - 1] not in '"”':
        return None
    else:
        end -= 1
    opened = quote_opening(text, end)
    if opened is None or end - opened < 2:
        return None
    toks = [t for t in doc_tokens(doc) if opened - 1 <= t.idx < end + 1 and not t.is_space]
    return toks or None


def _drop_trailing_aside(doc: Doc, toks: list[Token], mask: set[int]) -> list[Token]:
    """Reported speech without the narrator's aside at its end: a relative clause set off
    by a comma ("… after the attack, which left four Americans dead") tells the reader
    about a name, it is not what was said. Quoted words stay as quoted."""
    idx = {t.i for t in toks}
    words = [t for t in toks if not t.is_punct and not t.is_space]
    if not words or len(words) < 6:
        return toks
    last = words[-1].i
    for t in toks:
        if (
            t.dep_ == "relcl"
            and t.i not in mask
            and t.left_edge.i - 1 in idx
            and doc_tokens(doc)[t.left_edge.i - 1].text == ","
            and t.right_edge.i >= last
            and t.left_edge.i > words[0].i + 2
            and not any(x.i in mask for x in t.subtree)
        ):
            cut = {x.i for x in t.subtree} | {t.left_edge.i - 1}
            return [x for x in toks if x.i not in cut]
    return toks


def _parenthetical_host(verb: Token) -> list[Token] | None:
    """ "At one point, she said, she was considering …": a speech verb set into the
    clause it attributes (a ``parataxis`` child) attributes that clause, itself aside."""
    host = verb.head
    if host.i == verb.i or host.pos_ not in ("VERB", "AUX", "ADJ", "NOUN"):
        return None
    skip = {t.i for t in verb.subtree}
    toks = [t for t in host.subtree if t.i not in skip]
    return toks or None


#: Complements that carry what a speech verb's subject said when it has no clause:
#: "said the same for Sanders", "noted the difference between …".
_OBJECT_DEPS = ("dobj", "ccomp", "xcomp", "oprd")


def _object_content(verb: Token) -> list[Token] | None:
    """What a speech verb says when no clause follows: its object (with what hangs on
    the object), for speech verbs whose object is their message."""
    after = [c for c in verb.children if c.i > verb.i and c.dep_ in _OBJECT_DEPS]
    if not after:
        return None
    toks = [t for c in after for t in c.subtree]
    return toks if len([t for t in toks if not t.is_punct]) >= MIN_CONTENT_TOKENS else None


def _one_side(
    doc: Doc, toks: list[Token], speaker: SpanRef, cue: SpanRef, mask: set[int]
) -> list[Token]:
    """Content tokens on one side of an attribution that sits inside them.

    '"A," X said, adding "B."': the part after belongs to the second cue, so A; '"A," X
    said, "B."': one quotation interrupted by its speaker, all of it; a quotation before
    the speaker; otherwise the clause after the cue.
    """
    lo, hi = min(speaker.start, cue.start), max(speaker.end, cue.end)
    before = [t for t in toks if t.idx + len(t.text) <= lo]
    after = [t for t in toks if t.idx >= hi]
    between = [t for t in doc_tokens(doc) if lo <= t.idx < (after[0].idx if after else hi)]
    if any(
        t.pos_ == "VERB" and t.lemma_.lower() in SPEECH_VERBS and t.idx >= cue.end for t in between
    ):
        return before
    words = [t for t in toks if not t.is_punct and not t.is_space]
    if words and all(t.i in mask for t in words):
        return toks
    if before and after and not any(t.pos_ in ("VERB", "AUX") for t in before):
        return toks  # "The bridge, the mayor said, will open in May": one clause
    # A quotation before its speaker is what was said; unquoted, the clause after the
    # cue is ("Democrats framed it as …; Republicans argued that …").
    quoted_before = [t for t in before if not t.is_punct and not t.is_space]
    if quoted_before and all(t.i in mask for t in quoted_before):
        return before
    return after if len([t for t in after if not t.is_punct]) >= MIN_CONTENT_TOKENS else before


def is_speech_verb(tok: Token) -> bool:
    return tok.lemma_.lower() in SPEECH_VERBS or tok.lemma_.lower() in STANCE_LEMMAS


def _colon_statement(sent: Span) -> tuple[Token, Token, list[Token]] | None:
    """ "Graham: Trump's rhetoric is destroying the party" — a headline attribution."""
    toks = [t for t in span_tokens(sent) if not t.is_space]
    colon = next((t for t in toks[:8] if t.text == ":"), None)
    if colon is None or colon.i == toks[0].i:
        return None
    before = [t for t in toks if t.i < colon.i]
    content = [t for t in toks if t.i > colon.i]
    if len(before) > 6 or len([t for t in content if not t.is_punct]) < 3:
        return None
    if not all(
        t.text[:1].isupper() or t.is_punct or t.lower_ in ("of", "the", "'s", "’s") for t in before
    ):
        return None
    if not any(
        t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or t.pos_ == "PROPN" for t in before
    ):
        return None
    head = max(before, key=lambda t: t.i if t.pos_ in ("PROPN", "NOUN") else -1)
    return head, colon, content


def _quote_for(sent: Span, verb: Token) -> list[Token] | None:
    """A quotation next to the cue ('"…," X said' / 'X said: "…"'), not one that belongs
    to another speech verb of the sentence."""
    doc = sent.doc
    others = [
        t
        for t in span_tokens(sent)
        if t.i != verb.i and t.pos_ == "VERB" and t.lemma_.lower() in SPEECH_VERBS
    ]
    for lo, hi in sorted(_quoted_ranges(sent), key=lambda r: r[0] - r[1]):
        if hi - lo < 3:
            continue
        inside_other = any(
            o.left_edge.i <= lo
            and hi <= o.right_edge.i
            and not (o.left_edge.i <= verb.i <= o.right_edge.i)
            for o in others
        )
        near = abs(verb.i - hi) <= 4 or abs(verb.i - lo) <= 6
        if near and not inside_other:
            return doc_tokens(doc)[lo : hi + 1]
    return None


def _extend_quote(
    doc: Doc, content: SpanRef, cue_end: int, mask: set[int], sents: list[Span]
) -> SpanRef:
    """Carry a direct quote on across its attribution and into following quoted sentences.

    '"A," X said, "B." "C."' — one statement whose content runs from A to C.
    """
    end = content.end
    sent = next((s for s in sents if s.start_char <= content.start < s.end_char), None)
    if sent is None:
        return content
    # A quotation opened in an earlier sentence of the paragraph ('"A. B," X said'):
    # the statement starts where it opens.
    start = content.start
    opened = quote_opening(doc_text(doc), start)
    if opened is not None and opened < sent.start_char:
        start = opened
    # The rest of this sentence after the cue: another quotation?
    rest = [t for t in span_tokens(sent) if t.idx >= max(end, cue_end)]
    quoted = [t for t in rest if t.i in mask]
    # '"A," said Beck, who said there were "B"': B is the nested speech verb's.
    nested = {
        x.i
        for t in rest
        if t.i not in mask and t.pos_ == "VERB" and t.lemma_.lower() in SPEECH_VERBS
        for x in t.subtree
    }
    if any(t.i in nested for t in quoted):
        quoted = []
    if quoted and len(quoted) >= 3:
        end = max(end, quoted[-1].idx + len(quoted[-1].text))
    # Following sentences of the same paragraph that are quotation only.
    idx = sents.index(sent)
    for nxt in sents[idx + 1 : idx + 4]:
        between = doc_text(doc)[sent.end_char : nxt.start_char] if nxt is sents[idx + 1] else ""
        if "\n" in between or "\n" in doc_text(doc)[end : nxt.start_char]:
            break
        words = [t for t in span_tokens(nxt) if not t.is_punct and not t.is_space]
        if not words or sum(t.i in mask for t in words) < 0.9 * len(words):
            break
        last = [t for t in span_tokens(nxt) if not t.is_space][-1]
        end = last.idx + len(last.text)
        sent = nxt
    if end == content.end and start == content.start:
        return content
    return _span(doc, start, end)


def _statement(
    doc: Doc,
    doc_id: str,
    speaker: tuple[SpanRef, str | None],
    cue: SpanRef,
    content: SpanRef,
    actors: ActorIndex,
) -> Statement:
    span, key = speaker
    return Statement(
        id="",
        speaker=Speaker(text=span.text, start=span.start, end=span.end, actor_id=key),
        cue=cue,
        content=content,
        direct=_is_direct(doc, content),
        doc=doc_id,
        speaker_name=actors.actors[key].name if key and key in actors.actors else None,
    )


STANCE_LEMMAS = OBJECT_STANCE | frozenset(PREP_STANCE) | XCOMP_STANCE | CCOMP_STANCE | AS_STANCE
#: Verbs that attribute a view only as "see X as Y" (never "see that …", "saw the film").
AS_ONLY = AS_STANCE - SPEECH_VERBS - OBJECT_STANCE


def _subject(tok: Token) -> Token | None:
    subj = subject_of(tok)
    if (
        subj is None
        and tok.dep_ in ("advcl", "pcomp", "xcomp")
        and tok.tag_ in ("VBG", "VB", "VBN")
    ):
        head = tok.head
        if head.dep_ == "prep":
            head = head.head
        subj = subject_of(head) if head.pos_ in ("VERB", "AUX") else None
    return subj


def extract_statements(
    doc: Doc, doc_id: str, actors: ActorIndex, skip_sents: int = 0
) -> list[Statement]:
    """Who said what: speech verbs, stance verbs, "according to" and headline colons.

    The first ``skip_sents`` sentences (an all-capitals wire headline) give no statements:
    such a headline compresses ("MANILA SAID TO OFFER …") what the body attributes to its
    real speaker.
    """
    out: list[Statement] = []
    used: set[tuple[int, int]] = set()
    mask = quote_mask(doc)
    sents = list(doc.sents)
    body = sents[skip_sents:]

    def emit(
        speaker: tuple[SpanRef, str | None] | None, cue: SpanRef, toks: list[Token] | None
    ) -> None:
        if speaker is None or not toks:
            return
        toks = _drop_trailing_aside(doc, toks, mask)
        content = _tok_span(doc, toks)
        if content is None or len([t for t in toks if not t.is_punct]) < MIN_CONTENT_TOKENS:
            return
        if content.start < speaker[0].end and speaker[0].start < content.end:
            # The complements lie on both sides of the attribution ('"A," X said, "B."'):
            # keep one side, unless both are one quotation interrupted by its speaker.
            toks = _one_side(doc, toks, speaker[0], cue, mask)
            content = _tok_span(doc, toks) if toks else None
            if content is None or len([t for t in toks if not t.is_punct]) < MIN_CONTENT_TOKENS:
                return
        if _is_direct(doc, content):
            content = _extend_quote(doc, content, cue.end, mask, sents)
        if any(s <= content.start < e or s < content.end <= e for s, e in used):
            return
        used.add((content.start, content.end))
        out.append(_statement(doc, doc_id, speaker, cue, content, actors))

    for sent in body:
        for tok in span_tokens(sent):
            if tok.pos_ != "VERB" or tok.i in mask:
                continue  # a speech verb inside a quotation belongs to the quotation
            lemma = _lemma(tok)
            particle = next((c for c in tok.children if c.dep_ == "prt"), None)
            phrasal = particle is not None and (lemma, particle.lower_) in PHRASAL_SPEECH
            belief = lemma in BELIEF_VERBS and lemma not in SPEECH_VERBS
            if (
                lemma not in SPEECH_VERBS
                and not phrasal
                and lemma not in STANCE_LEMMAS
                and not belief
            ):
                continue
            if any(c.dep_ == "neg" for c in tok.children) or (
                tok.dep_ == "xcomp" and any(c.lower_ == "yet" for c in tok.head.children)
            ):
                continue  # "did not say", "have yet to confirm": nothing was said
            passive = _passive_stance(tok, lemma)
            if passive is not None:
                # "The move was criticized by economists": the agent holds the view.
                agent, target = passive
                cue = _span(doc, tok.idx, tok.idx + len(tok.text))
                emit(_speaker(doc, agent, actors), cue, target)
                continue
            subj = _subject(tok)
            if subj is None:
                continue
            toks = _content_tokens(tok) if lemma not in AS_ONLY else None
            has_ccomp = any(c.dep_ == "ccomp" for c in tok.children)
            if belief and not has_ccomp:
                toks = _stance_content(tok)  # "hopes to win" (an intention), or nothing
            elif toks is None or (lemma in WEAK_SPEECH_VERBS | CCOMP_STANCE and not has_ccomp):
                toks = _stance_content(tok)
            if belief and toks is None:
                continue  # "feels tired", "fears the worst": no attributed claim
            if toks is None and lemma in CCOMP_STANCE and subj.lemma_.lower() in FINDING_SOURCES:
                # "The poll showed a dead heat": what a poll or report finds is its object.
                toks = _object_content(tok)
            if toks is None and tok.dep_ == "ROOT" and lemma not in AS_ONLY:
                # Parenthetical: "Washington, Kirby elaborated, remained concerned …".
                conj = [
                    c
                    for c in tok.children
                    if c.dep_ in ("conj", "dep", "npadvmod", "parataxis", "ccomp") and c.i != subj.i
                ]
                if conj:
                    toks = [t for c in conj for t in c.subtree]
            if toks is None and (
                tok.dep_ == "parataxis"
                or tok.dep_ == "advcl"
                and tok.i < tok.head.i
                and any(c.dep_ == "nsubj" for c in tok.children)
            ):
                # "At one point, she said, she was …", "As Clyburn noted, voters will …"
                toks = _parenthetical_host(tok)
            if toks is None and lemma not in AS_ONLY:
                toks = _quote_for(sent, tok)
            if toks is None and lemma in SPEECH_VERBS and subj.i < tok.i:
                toks = _quote_before(doc, sent, subj)
            if toks is None and lemma in SPEECH_VERBS:
                toks = _quote_after_colon(sent, tok, sents)
            if toks is None and (lemma in SPEECH_VERBS and lemma not in WEAK_SPEECH_VERBS):
                toks = _object_content(tok)
            if toks is not None:
                skip = {t.i for t in subj.subtree} | {tok.i}
                toks = [t for t in toks if t.i not in skip]
                # Content that is itself only an attribution ("said in a statement") is none.
                if (
                    toks
                    and all(
                        t.lemma_.lower() in SPEECH_VERBS
                        or t.pos_ in ("ADP", "DET", "NOUN", "PUNCT")
                        for t in toks
                    )
                    and not any(t.i in mask for t in toks)
                ):
                    toks = None
            # "Reuters reported, citing Shoigu's remarks": the quote is Shoigu's.
            citing = next((c for c in tok.children if c.lower_ == "citing"), None)
            if citing is not None and toks is not None and any(t.i in mask for t in toks):
                obj = next((c for c in citing.children if c.dep_ == "dobj"), None)
                if obj is not None and obj.lemma_.lower() in CITED_NOUNS:
                    obj = next((c for c in obj.children if c.dep_ == "poss"), None)
                if obj is not None and actors.actor_at(obj):
                    subj = obj
                    toks = [t for t in toks if t.i not in {x.i for x in citing.subtree}]
            if tok.tag_ == "VBG" and tok.i == tok.sent.start:
                # "Labeling the plan a disaster, the senator …": an opening participle
                # characterises; it is no cue in reporting form
                continue
            if lemma == "cite" and tok.tag_ == "VBG":
                continue  # "X reported, citing sources …": whose the report is, not a view
            end_tok = particle if phrasal and particle is not None else tok
            cue = _span(doc, tok.idx, end_tok.idx + len(end_tok.text))
            emit(_speaker(doc, subj, actors), cue, toks)

        for tok in span_tokens(sent):
            if tok.i in mask:
                continue
            held = _noun_stance(tok)
            if held is not None:
                poss, toks = held
                if poss.pos_ == "PRON" and actors.resolve_pronoun(poss) is None:
                    continue  # "his claim that …" with no one "his" refers to
                emit(
                    _speaker(doc, poss, actors), _span(doc, tok.idx, tok.idx + len(tok.text)), toks
                )

        colon = _colon_statement(sent)
        if colon is not None:
            head, mark, content_toks = colon
            cue = _span(doc, mark.idx, mark.idx + 1)
            before = [t for t in span_tokens(sent) if t.i < mark.i and not t.is_space]
            span = _tok_span(doc, before)
            if span is not None:
                key = actors.actor_at(head)
                emit((span, key), cue, content_toks)

        # "according to X, …" / "as per X": the rest of the clause is X's claim.
        for tok in span_tokens(sent):
            if tok.lower_ not in ("according", "per") or tok.i in mask:
                continue
            objs = [t for t in tok.subtree if t.dep_ == "pobj"]
            if not objs:
                continue
            src = objs[0]
            if src.lemma_.lower() in ("report", "reports") and any(
                c.dep_ in ("compound", "poss") for c in src.children
            ):
                src = next(c for c in src.children if c.dep_ in ("compound", "poss"))
            head = tok.head
            while head.dep_ != "ROOT" and head.pos_ not in ("VERB", "AUX"):
                head = head.head
            if head.lemma_.lower() in SPEECH_VERBS or head.lower_ in ("citing", "quoting"):
                continue  # part of an attribution chain ("X reported, citing Y, according to Z")
            skip = {t.i for t in tok.subtree}
            as_per = tok.lower_ == "per" and tok.i > 0 and doc_tokens(doc)[tok.i - 1].lower_ == "as"
            if as_per:
                skip.add(tok.i - 1)
            toks = [t for t in head.subtree if t.i not in skip]
            # The claim is the clause on one side of the attribution: "A, according to X."
            # ends before it (its closing stop lies past the source), "According to X, A"
            # starts after it.
            lo, hi = min(skip), max(skip)
            before = [t for t in toks if t.i < lo]
            after = [t for t in toks if t.i > hi]
            toks = before if len(before) >= len(after) else after
            cue_start = doc_tokens(doc)[tok.i - 1].idx if as_per else tok.idx
            nxt = (
                doc_tokens(doc)[tok.i + 1]
                if tok.lower_ == "according" and tok.i + 1 < len(doc)
                else tok
            )
            cue = _span(doc, cue_start, nxt.idx + len(nxt.text))
            emit(_speaker(doc, src, actors), cue, toks)
        # "In a CNN poll, Clinton held a 24-point lead": the poll is the source.
        for tok in span_tokens(sent):
            if tok.lower_ != "in" or tok.dep_ != "prep" or tok.i in mask:
                continue
            head = tok.head
            if head.pos_ not in ("VERB", "AUX") or tok.i > head.i or is_speech_verb(head):
                continue
            origin = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if origin is None or origin.lemma_.lower() not in SOURCE_NOUNS:
                continue
            if any(c.dep_ == "prep" and c.lower_ in ("on", "about") for c in origin.children):
                continue  # "in a report on X": about X, not by it
            skip = {t.i for t in tok.subtree}
            toks = [t for t in head.subtree if t.i not in skip]
            origin_toks = [t for t in origin.subtree if t.dep_ not in ("relcl", "acl")]
            span = _tok_span(doc, origin_toks)
            if span is not None:
                emit((span, actors.actor_at(origin)), _span(doc, tok.idx, tok.idx + 2), toks)
    out.sort(key=lambda s: s.content.start)
    for i, st in enumerate(out, 1):
        st.id = f"{doc_id}-st{i}"
    return out
