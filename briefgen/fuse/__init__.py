"""Many ``DocFacts`` → one ``Brief``: merge actors, cluster developments across
documents (corroboration, contradictions, grading: :mod:`briefgen.corroborate`),
merge the timeline, rank, cap each section and write the bottom line up front.
Knows nothing of spaCy.

At corpus scale (hundreds of articles) each section is ranked — what is new,
corroborated and about the watchlist rises — and capped (``FuseOptions.max_*``);
what does not fit goes to ``Brief.appendix``, ranked the same way, so the JSON
keeps everything. Every merge uses a word index, never an all-pairs comparison.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from .corroborate import Sources, cluster, merge_group
from .model import (
    LIKELIHOOD_SCALE,
    SECTION_CAPS,
    Actor,
    ActorRole,
    Appendix,
    BlufItem,
    Brief,
    DocFacts,
    DocumentRef,
    Evidence,
    KeyDevelopment,
    Marking,
    OpenQuestion,
    Period,
    Risk,
    Statement,
    TimelineEntry,
    WatchEntry,
)
from .simindex import STOP, SetIndex, jaccard, words
from .watch import encode_topic, mentions_topic, name_key

_T = TypeVar("_T")

__all__ = [
    "STOP",
    "FuseOptions",
    "fuse",
    "jaccard",
    "merge_actors",
    "merge_timeline",
    "words",
    "write_bluf",
]


@dataclass(frozen=True)
class FuseOptions:
    title: str = "Intelligence brief"
    marking: Marking = field(default_factory=lambda: Marking(label="UNCLASSIFIED"))
    watch_topics: tuple[str, ...] = ()
    #: (kind "actor"|"topic", name, aliases) of each watchlist item, for its section.
    watch_items: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    max_developments: int = SECTION_CAPS["key_developments"]
    max_actors: int = SECTION_CAPS["actors"]
    max_statements: int = SECTION_CAPS["statements"]
    max_risks: int = SECTION_CAPS["risks"]
    max_questions: int = SECTION_CAPS["open_questions"]
    max_timeline: int = SECTION_CAPS["timeline"]
    #: Publisher → Admiralty reliability letter (A–F); matched ignoring case and spacing.
    sources_grading: Mapping[str, str] = field(default_factory=dict)
    #: Near-duplicate documents (wire copies) → the earlier document they copy.
    copy_of: Mapping[str, str] = field(default_factory=dict)
    #: The period asked for (``--since``/``--until``); default: the documents' dates.
    period: Period | None = None


def _evidence_key(ev: Evidence) -> tuple[str, int, int]:
    return ev.doc, ev.start, ev.end


def _dedupe_evidence(items: list[Evidence]) -> list[Evidence]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for ev in items:
        if _evidence_key(ev) not in seen:
            seen.add(_evidence_key(ev))
            out.append(ev)
    return out


# --- documents and sources ----------------------------------------------------------------


def _norm_publisher(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def _sources(facts: Sequence[DocFacts], options: FuseOptions) -> tuple[list[DocumentRef], Sources]:
    grades = {_norm_publisher(k): v.strip().upper() for k, v in options.sources_grading.items()}
    documents: list[DocumentRef] = []
    sources = Sources(graded=bool(grades))
    ids = {f.document.id for f in facts}
    for i, f in enumerate(facts):
        doc = f.document.model_copy()
        doc.grading = grades.get(_norm_publisher(doc.publisher)) if grades else None
        original = options.copy_of.get(doc.id)
        doc.copy_of = original if original in ids and original != doc.id else None
        documents.append(doc)
        sources.published[doc.id] = doc.published
        sources.publisher[doc.id] = doc.publisher
        sources.grade[doc.id] = doc.grading
        sources.order[doc.id] = i
        if doc.copy_of:
            sources.original[doc.id] = doc.copy_of
    return documents, sources


# --- actors -------------------------------------------------------------------------------


_INITIAL = re.compile(r"^[A-Za-z]\.?$")


def _person_key(name: str) -> str:
    """'Donald J. Trump' and 'Donald Trump' → 'donald trump' (initials and dots dropped)."""
    parts = [p for p in name.replace("’", "'").split() if not _INITIAL.match(p)]
    return " ".join(p.strip(".").lower() for p in parts)


@dataclass
class _ActorAcc:
    """One actor gathered over documents; the Actor model is built once, at the end."""

    base: Actor  # the first document's entry (earliest published)
    mentions: int = 0
    aliases: set[str] = field(default_factory=set)
    watchlist: bool = False
    docs: list[str] = field(default_factory=list)
    roles: list[tuple[str, str]] = field(default_factory=list)  # (role, doc)
    affiliations: Counter[str] = field(default_factory=Counter)
    evidence: list[list[Evidence]] = field(default_factory=list)
    salience: float = 0.0

    @property
    def name(self) -> str:
        return self.base.name

    @property
    def type(self) -> str:
        return self.base.type

    def absorb(self, other: _ActorAcc) -> None:
        self.mentions += other.mentions
        self.aliases |= other.aliases | {other.name}
        self.watchlist = self.watchlist or other.watchlist
        seen = set(self.docs)
        self.docs += [d for d in other.docs if d not in seen]
        self.roles += other.roles
        self.affiliations.update(other.affiliations)
        self.evidence += other.evidence
        self.salience += other.salience


def _accumulate(
    facts: Sequence[DocFacts], order: Mapping[str, tuple[str, int]]
) -> dict[str, _ActorAcc]:
    merged: dict[str, _ActorAcc] = {}
    for f in sorted(facts, key=lambda f: order.get(f.document.id, ("", 0))):
        doc = f.document.id
        for a in f.actors:
            acc = merged.get(a.id)
            if acc is None:
                acc = merged[a.id] = _ActorAcc(a)
            acc.aliases.update(a.aliases)
            acc.mentions += a.mentions
            acc.watchlist = acc.watchlist or a.watchlist
            if not acc.docs or acc.docs[-1] != doc:
                acc.docs.append(doc)
            if a.role and (a.role, doc) not in acc.roles:
                acc.roles.append((a.role, doc))
            if a.affiliation:
                acc.affiliations[a.affiliation] += 1
            acc.evidence.append(a.evidence)
            acc.salience += a.salience
    return merged


def _join_people(merged: dict[str, _ActorAcc]) -> dict[str, str]:
    """Join person entries that name one person: 'Donald J. Trump' / 'Donald Trump',
    'Hillary Rodham Clinton' / 'Hillary Clinton', and a lone 'Trump' with the one full name
    it belongs to. Returns old id → kept id."""
    remap: dict[str, str] = {}
    people = [k for k, acc in merged.items() if acc.type == "person"]
    by_key: dict[str, list[str]] = defaultdict(list)
    for k in people:
        by_key[_person_key(merged[k].name)].append(k)
    for keys in by_key.values():
        if len(keys) < 2:
            continue
        keys.sort(key=lambda k: (-len(merged[k].docs), -merged[k].mentions, k))
        for k in keys[1:]:
            merged[keys[0]].absorb(merged.pop(k))
            remap[k] = keys[0]
    # A middle name spelt out ("Hillary Rodham Clinton"): into the one first-and-last name
    # ("Hillary Clinton"), as initials are above, when exactly one such person exists.
    two_word: dict[str, list[str]] = defaultdict(list)
    for k in merged:
        key = _person_key(merged[k].name).split()
        if merged[k].type == "person" and len(key) == 2:
            two_word[" ".join(key)].append(k)
    for k in list(merged):
        if k not in merged:  # a two-word name already joined into its longer form
            continue
        key = _person_key(merged[k].name).split()
        if merged[k].type != "person" or len(key) != 3:
            continue
        short = two_word.get(f"{key[0]} {key[-1]}", [])
        if len(short) == 1 and short[0] in merged:
            keep, drop = sorted(
                (short[0], k), key=lambda c: (-len(merged[c].docs), -merged[c].mentions, c)
            )
            merged[keep].absorb(merged.pop(drop))
            remap[drop] = keep
            two_word[f"{key[0]} {key[-1]}"] = [keep]
    # Lone first or last names ("Trump", "Hillary"): into the dominant full name.
    full = [k for k in merged if merged[k].type == "person" and len(merged[k].name.split()) >= 2]
    parts: dict[str, list[str]] = defaultdict(list)
    for k in full:
        words_ = _person_key(merged[k].name).split()
        if words_:
            for w in {words_[0], words_[-1]}:
                parts[w].append(k)
    for k in list(merged):
        acc = merged[k]
        name = acc.name
        if acc.type != "person" or len(name.split()) != 1:
            continue
        # Where a document names both, the extractor kept them apart: a lone name that
        # only ever appears beside the full name stays apart.
        cands = sorted(
            (
                c
                for c in parts.get(_person_key(name), [])
                if c in merged and set(acc.docs) - set(merged[c].docs)
            ),
            key=lambda c: (-len(merged[c].docs), -merged[c].mentions, c),
        )
        if not cands:
            continue
        if len(cands) > 1 and len(merged[cands[0]].docs) < 2 * len(merged[cands[1]].docs):
            continue  # two people of that name, neither dominant: keep it apart
        merged[cands[0]].absorb(merged.pop(k))
        remap[k] = cands[0]
    # Ids remapped to an id that was itself remapped.
    for k, v in list(remap.items()):
        while v in remap:
            v = remap[v]
        remap[k] = v
    return remap


#: Abbreviated titles as written before names ("Sen. Ted Cruz", "New Jersey Gov.").
TITLE_ABBREVIATIONS = {
    "sen.": "Senator",
    "gov.": "Governor",
    "rep.": "Representative",
    "gen.": "General",
    "lt.": "Lieutenant",
    "col.": "Colonel",
    "adm.": "Admiral",
    "capt.": "Captain",
    "sgt.": "Sergeant",
    "maj.": "Major",
    "cmdr.": "Commander",
    "pres.": "President",
    "sec.": "Secretary",
    "amb.": "Ambassador",
    "atty.": "Attorney",
    "prof.": "Professor",
    "rev.": "Reverend",
    "supt.": "Superintendent",
    "insp.": "Inspector",
}
#: Forms of address: not a role.
HONORIFICS = frozenset(
    {
        "dr.",
        "dr",
        "mr.",
        "mr",
        "mrs.",
        "mrs",
        "ms.",
        "ms",
        "miss",
        "sir",
        "dame",
        "madam",
        "mx.",
        "mx",
    }
)


def spell_out_role(role: str) -> str:
    """``role`` with abbreviated titles written out: "Vermont Sen." → "Vermont Senator"."""
    return " ".join(TITLE_ABBREVIATIONS.get(w.lower(), w) for w in role.split())


def _common_role(roles: Sequence[str]) -> str | None:
    """The role most documents state, titles spelt out and case ignored ("Sen." and
    "Senator" are one role), in its most frequent spelling; the earliest on a tie. A bare
    form of address ("Dr.") is no role."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    first: dict[str, int] = {}
    for i, raw in enumerate(roles):
        if raw.strip().lower() in HONORIFICS:
            continue
        role = spell_out_role(raw)
        key = role.casefold()
        groups[key][role] += 1
        first.setdefault(key, i)
    if not groups:
        return None
    best = max(groups, key=lambda k: (sum(groups[k].values()), -first[k]))
    return groups[best].most_common(1)[0][0]


def merge_actors(
    facts: Sequence[DocFacts],
    limit: int | None = None,
    order: Mapping[str, tuple[str, int]] | None = None,
) -> tuple[list[Actor], dict[str, str]]:
    """All actors, merged across documents and ranked; and the map of merged-away ids.

    Mentions and documents are summed; each role is kept with the document that states
    it (``roles``), the most stated one (see ``_common_role``) is ``role``; evidence is
    taken one sentence per document, earliest document first. Ranked by salience (mean
    per-document salience, which already favours watchlist actors, times 1 + log of the
    documents naming them); places follow the actors proper.
    """
    order = order or {f.document.id: ("", i) for i, f in enumerate(facts)}
    merged = _accumulate(facts, order)
    remap = _join_people(merged)
    n = max(1, len(facts))
    actors: list[Actor] = []
    for acc in merged.values():
        a = acc.base
        roles = sorted(acc.roles, key=lambda r: order.get(r[1], ("", 0)))
        role, affiliation = a.role, a.affiliation
        if roles:
            role = _common_role([r for r, _ in roles])
        if acc.affiliations:
            affiliation = acc.affiliations.most_common(1)[0][0]
        evidence: list[Evidence] = []
        for depth in range(6):
            for per_doc in acc.evidence:
                if depth < len(per_doc):
                    evidence.append(per_doc[depth])
            if len(evidence) >= 6:
                break
        actors.append(
            a.model_copy(
                update={
                    "mentions": acc.mentions,
                    "aliases": sorted(acc.aliases - {a.name}),
                    "watchlist": acc.watchlist,
                    "documents": len(acc.docs),
                    "salience": acc.salience / n * (1 + math.log(len(acc.docs))),
                    "roles": [ActorRole(role=r, doc=d) for r, d in roles],
                    "role": role,
                    "affiliation": affiliation,
                    "evidence": _dedupe_evidence(evidence)[:6],
                }
            )
        )
    top = max((a.salience for a in actors), default=1.0) or 1.0
    for a in actors:
        a.salience = round(a.salience / top, 4)
    ranked = sorted(actors, key=lambda a: (-a.salience, -a.mentions, a.name))
    # Places are context, not actors: they follow the actors proper.
    people = [a for a in ranked if a.type != "location"]
    places = [a for a in ranked if a.type == "location"]
    out = people + places
    return (out[:limit] if limit is not None else out), remap


def _rename(
    facts: Sequence[DocFacts], remap: Mapping[str, str], names: Mapping[str, str]
) -> tuple[list[KeyDevelopment], list[Statement], list[Risk]]:
    """Copies of the developments, statements and risks with merged actor ids and names."""
    devs: list[KeyDevelopment] = []
    statements: list[Statement] = []
    risks: list[Risk] = []
    for f in facts:
        local = {a.name: names.get(remap.get(a.id, a.id), a.name) for a in f.actors}
        for d in f.key_developments:
            devs.append(
                d.model_copy(
                    update={
                        "actor_ids": [remap.get(k, k) for k in d.actor_ids],
                        "who": list(dict.fromkeys(local.get(w, w) for w in d.who)),
                    }
                )
            )
        for s in f.statements:
            aid = s.speaker.actor_id
            if aid and aid in remap:
                speaker = s.speaker.model_copy(update={"actor_id": remap[aid]})
                s = s.model_copy(
                    update={
                        "speaker": speaker,
                        "speaker_name": names.get(remap[aid], s.speaker_name),
                    }
                )
            statements.append(s)
        for r in f.risks:
            risks.append(r.model_copy(update={"actor_ids": [remap.get(k, k) for k in r.actor_ids]}))
    return devs, statements, risks


# --- developments, risks, questions, timeline ---------------------------------------------


def _with_devs(facts: Sequence[DocFacts], devs: Sequence[KeyDevelopment]) -> list[DocFacts]:
    out: list[DocFacts] = []
    it = iter(devs)
    for f in facts:
        out.append(
            f.model_copy(update={"key_developments": [next(it) for _ in f.key_developments]})
        )
    return out


def cluster_developments(
    facts: Sequence[DocFacts],
    sources: Sources,
    watch_topics: tuple[str, ...] = (),
    period: Period | None = None,
) -> list[KeyDevelopment]:
    """One development per event, ranked (most important first), uncapped."""
    days = [date.fromisoformat(p).toordinal() for p in sources.published.values() if p]
    newest = max(days) if days else None
    if period is not None and period.end:
        newest = date.fromisoformat(period.end).toordinal()
    oldest = min(days) if days else None
    if period is not None and period.start:
        oldest = date.fromisoformat(period.start).toordinal()
    span = (newest - oldest) if newest is not None and oldest is not None else 0
    out = [
        merge_group(group, sources, watch_topics, newest, span) for group in cluster(facts, sources)
    ]
    out.sort(key=lambda d: -d.score)
    return out


def merge_risks(risks: Sequence[Risk]) -> list[Risk]:
    out: list[Risk] = []
    sigs: list[set[str]] = []
    docs: list[set[str]] = []
    index = SetIndex()
    for r in risks:
        sig = words(r.summary)
        match = next(
            (
                i
                for i in index.candidates(sig)
                if out[i].category == r.category and jaccard(sig, sigs[i]) >= 0.5
            ),
            None,
        )
        if match is None:
            out.append(r.model_copy(update={"evidence": list(r.evidence)}))
            sigs.append(sig)
            docs.append({ev.doc for ev in r.evidence})
            index.add(sig)
        else:
            out[match].evidence = _dedupe_evidence(out[match].evidence + r.evidence)
            docs[match] |= {ev.doc for ev in r.evidence}
    order = {
        id(r): r.score + 0.3 * math.log(max(1, len(d))) for r, d in zip(out, docs, strict=True)
    }
    out.sort(key=lambda r: -order[id(r)])
    return out


def merge_questions(questions: Sequence[OpenQuestion]) -> list[OpenQuestion]:
    out: list[OpenQuestion] = []
    sigs: list[set[str]] = []
    index = SetIndex()
    for q in questions:
        sig = words(q.question)
        match = next((i for i in index.candidates(sig) if jaccard(sig, sigs[i]) >= 0.6), None)
        if match is None:
            out.append(q.model_copy(update={"evidence": list(q.evidence)}))
            sigs.append(sig)
            index.add(sig)
        else:
            out[match].evidence = _dedupe_evidence(out[match].evidence + q.evidence)
    out.sort(key=lambda q: -q.score)
    return out


def _timeline_order(e: TimelineEntry) -> tuple[str, str]:
    return e.sort_key or "9999", e.date or ""


def merge_timeline(
    facts: Sequence[DocFacts],
    limit: int | None = None,
    sources: Sources | None = None,
    period: Period | None = None,
    cited: set[tuple[str, int, int]] | None = None,
) -> list[TimelineEntry]:
    """Dated events of every document: duplicates merged (same date, similar text), each
    citing its documents; the ``limit`` most important kept, in date order."""
    return _timeline(facts, limit, sources, period, cited)[0]


def _timeline(
    facts: Sequence[DocFacts],
    limit: int | None,
    sources: Sources | None,
    period: Period | None,
    cited: set[tuple[str, int, int]] | None,
) -> tuple[list[TimelineEntry], list[TimelineEntry]]:
    """The timeline shown (at most ``limit`` entries) and the rest, each in date order.

    With more entries than fit, the shown ones are the most important: dated by more
    independent documents, dating an event the brief reports, inside the period."""
    out: list[TimelineEntry] = []
    sigs: list[set[str]] = []
    # Entries of one date (and sort key) are compared, through a word index per date.
    buckets: dict[tuple[str, str | None], tuple[SetIndex, list[int]]] = {}
    for f in facts:
        for e in f.timeline:
            sig = words(e.text)
            index, members = buckets.setdefault((e.sort_key, e.date), (SetIndex(), []))
            match = next(
                (
                    members[g]
                    for g in index.candidates(sig)
                    if jaccard(sig, sigs[members[g]]) >= 0.5
                ),
                None,
            )
            if match is None:
                index.add(sig)
                members.append(len(out))
                out.append(e.model_copy(update={"evidence": list(e.evidence)}))
                sigs.append(sig)
            else:
                out[match].evidence = _dedupe_evidence(out[match].evidence + e.evidence)
    for e in out:
        e.documents = list(dict.fromkeys(ev.doc for ev in e.evidence))
    if limit is None or len(out) <= limit:
        out.sort(key=_timeline_order)
        return out, []
    ranked = sorted(range(len(out)), key=lambda i: -_timeline_score(out[i], sources, period, cited))
    keep = set(ranked[:limit])
    shown = sorted((out[i] for i in keep), key=_timeline_order)
    rest = sorted((out[i] for i in range(len(out)) if i not in keep), key=_timeline_order)
    return shown, rest


def _timeline_score(
    e: TimelineEntry,
    sources: Sources | None,
    period: Period | None,
    cited: set[tuple[str, int, int]] | None,
) -> float:
    n = len(sources.independent(e.documents)) if sources else len(e.documents)
    score = math.log(max(1, n))
    if cited and any(_evidence_key(ev) in cited for ev in e.evidence):
        score += 0.6  # dates an event the brief reports
    if e.date and period is not None and period.start and period.end:
        start = date.fromisoformat(period.start).toordinal() - 31
        end = date.fromisoformat(period.end).toordinal() + 31
        if start <= date.fromisoformat(e.date).toordinal() <= end:
            score += 0.5  # within (or next to) the period the brief covers
    score += {"day": 0.4, "month": 0.1}.get(e.precision or "", 0.0)  # "2016" says little
    return score - _vague_event(e.text)


_MODALS = {"can", "could", "may", "might", "should", "would"}


def _vague_event(text: str) -> float:
    """How little an entry's text says as an event: a bare fragment ("Winning in
    November", "Next year's election") or a generic possibility ("A candidate can win in
    November") says less than a dated report of something done."""
    tokens = text.split()
    penalty = 0.0
    if len(tokens) < 4:
        penalty += 0.5
    if tokens and tokens[0].endswith("ing") and tokens[0][:1].isupper():
        penalty += 0.4  # "Departing last month": a participle, no actor
    if _MODALS & {t.lower() for t in tokens}:
        penalty += 0.3
    if tokens and tokens[0][:1] in "'’":
        penalty += 0.8  # "'ll be voting on March 1": cut from its subject
    if len(tokens) > 1 and tokens[-1].lower().strip(".,;:") in _DANGLING:
        penalty += 0.5  # "Tuesday's primary results are": cut before its predicate
    return penalty


#: Words that end no event: an auxiliary or a function word waiting for the rest.
_DANGLING = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "the",
        "a",
        "an",
        "of",
        "to",
        "and",
        "or",
        "that",
        "will",
        "would",
    }
)


# --- the bottom line ----------------------------------------------------------------------


def _sentence(text: str) -> str:
    text = " ".join(text.split()).rstrip(" .;,")
    return text[:1].upper() + text[1:] + "."


def _likelihood_phrase(likelihood: str) -> str:
    if likelihood in ("roughly even chance", "almost no chance"):
        return f"There is {'a ' if likelihood.startswith('roughly') else ''}{likelihood} that"
    return f"It is {likelihood} that"


def write_bluf(
    devs: list[KeyDevelopment], risks: list[Risk], questions: list[OpenQuestion]
) -> list[BlufItem]:
    """1–3 sentences: the main event with its sourcing, the top risk, the key unknown."""
    items: list[BlufItem] = []
    if devs:
        d = devs[0]
        text = d.summary.rstrip(" .")
        if d.sourcing:
            text += f" — {d.sourcing}"
        if d.corroboration > 1:
            text += f"; corroborated by {d.corroboration} sources"
        items.append(BlufItem(text=_sentence(text), refs=[d.id], evidence=d.evidence[:2]))
    if risks:
        r = risks[0]
        clause = (r.clause or r.summary).rstrip(" .")
        low, high = LIKELIHOOD_SCALE[r.likelihood]
        text = f"{_likelihood_phrase(r.likelihood)} {clause} ({low}–{high}%, {r.category})"
        if r.attributed_to:  # the source's holder's view, not the brief's
            text = f"According to {r.attributed_to}, {text[:1].lower()}{text[1:]}"
        items.append(BlufItem(text=_sentence(text), refs=[r.id], evidence=r.evidence[:1]))
    if questions:
        q = questions[0]
        items.append(
            BlufItem(text=f"Key unknown: {q.question}", refs=[q.id], evidence=q.evidence[:1])
        )
    elif len(devs) > 1:
        d = devs[1]
        items.append(BlufItem(text=_sentence(d.summary), refs=[d.id], evidence=d.evidence[:1]))
    return items[:3]


def _renumber(
    devs: list[KeyDevelopment],
    statements: list[Statement],
    risks: list[Risk],
    questions: list[OpenQuestion],
) -> None:
    for i, d in enumerate(devs, 1):
        d.id = f"kd{i}"
    for i, s in enumerate(statements, 1):
        s.id = f"st{i}"
    for i, r in enumerate(risks, 1):
        r.id = f"rk{i}"
    for i, q in enumerate(questions, 1):
        q.id = f"q{i}"


def _period(docs: list[DocumentRef], asked: Period | None) -> Period:
    dates = sorted(d.published for d in docs if d.published)
    start = asked.start if asked and asked.start else (dates[0] if dates else None)
    end = asked.end if asked and asked.end else (dates[-1] if dates else None)
    return Period(start=start, end=end)


def _statement_rank(st: Statement, salience: dict[str, float], order: int) -> float:
    sal = salience.get(st.speaker.actor_id or "", 0.0)
    return sal + (0.2 if st.direct else 0.0) + (0.3 if st.speaker.actor_id else 0.0) - 0.01 * order


def _rank_statements(
    statements: list[Statement], actors: list[Actor], sources: Sources
) -> list[Statement]:
    """Statements by the salience of their speaker among the actors shown, direct quotes
    and resolved speakers first, earlier in their document first; a wire copy's repeat
    of a statement is left out."""
    salience = {a.id: a.salience for a in actors}
    seen: set[tuple[str, str]] = set()
    unique: list[Statement] = []
    for s in statements:  # a wire copy's quote is the same statement
        key = ((s.speaker_name or s.speaker.text).lower(), " ".join(s.content.text.split()))
        if key in seen and sources.original.get(s.doc):
            continue
        seen.add(key)
        unique.append(s)
    position: dict[str, int] = defaultdict(int)
    keyed: list[tuple[float, int, Statement]] = []
    for i, s in enumerate(unique):
        keyed.append((-_statement_rank(s, salience, position[s.doc]), i, s))
        position[s.doc] += 1
    keyed.sort(key=lambda k: (k[0], k[1]))
    return _spread_speakers([(-score, s) for score, _, s in keyed])


#: How much a speaker's rank drops with each of their statements already listed.
SPEAKER_REPEAT_PENALTY = 0.35


def _spread_speakers(ranked: list[tuple[float, Statement]]) -> list[Statement]:
    """``ranked`` (score, statement), best first, reordered so that one voice does not
    fill the section: each statement's score drops by ``SPEAKER_REPEAT_PENALTY`` for every
    statement of the same speaker already taken (greedy, one heap entry per speaker)."""
    queues: dict[str, list[tuple[float, int, Statement]]] = defaultdict(list)
    for i, (score, st) in enumerate(ranked):
        who = st.speaker.actor_id or (st.speaker_name or st.speaker.text).lower()
        queues[who].append((score, i, st))
    heap = [(-q[0][0], q[0][1], who, 0) for who, q in queues.items()]
    heapq.heapify(heap)
    out: list[Statement] = []
    while heap:
        _, _, who, taken = heapq.heappop(heap)
        queue = queues[who]
        out.append(queue[taken][2])
        if taken + 1 < len(queue):
            score, i, _ = queue[taken + 1]
            heapq.heappush(
                heap, (-(score - SPEAKER_REPEAT_PENALTY * (taken + 1)), i, who, taken + 1)
            )
    return out


def fuse(facts: Sequence[DocFacts], options: FuseOptions, generated_at: datetime) -> Brief:
    """Assemble the whole Brief from per-document facts."""
    documents, sources = _sources(facts, options)
    order = {d.id: sources.sort_key(d.id) for d in documents}
    all_actors, remap = merge_actors(facts, None, order)
    names = {a.id: a.name for a in all_actors}
    devs_in, statements_in, risks_in = _rename(facts, remap, names)
    all_devs = cluster_developments(
        _with_devs(facts, devs_in), sources, options.watch_topics, options.period
    )
    all_statements = _rank_statements(
        [s.model_copy() for s in statements_in], all_actors[: options.max_actors], sources
    )
    all_risks = merge_risks(risks_in)
    all_questions = merge_questions([q for f in facts for q in f.open_questions])
    devs, more_devs = _split(all_devs, options.max_developments)
    cited = {_evidence_key(ev) for d in devs for ev in d.evidence}
    timeline, more_timeline = _timeline(
        facts, options.max_timeline, sources, _period(documents, options.period), cited
    )
    actors, more_actors = _split(all_actors, options.max_actors)
    statements, more_statements = _split(all_statements, options.max_statements)
    risks, more_risks = _split(all_risks, options.max_risks)
    questions, more_questions = _split(all_questions, options.max_questions)
    _renumber(
        devs + more_devs,
        statements + more_statements,
        risks + more_risks,
        questions + more_questions,
    )
    contradictions = []
    for d in devs:
        for c in d.contradictions:
            c.development = d.id
            contradictions.append(c)
    supported: dict[str, int] = {}
    for d in devs:
        for doc_id in {ev.doc for ev in d.evidence}:
            supported[doc_id] = supported.get(doc_id, 0) + 1
    for doc in documents:
        doc.developments = supported.get(doc.id, 0)
    bluf_items = write_bluf(devs, risks, questions)
    watch = [d.id for d in devs if d.watchlist] + [a.id for a in actors if a.watchlist]
    watch_entries = [watch_entry(item, devs, more_devs, actors) for item in options.watch_items]
    return Brief(
        title=options.title,
        generated_at=generated_at.isoformat(timespec="seconds"),
        period=_period(documents, options.period),
        marking=options.marking,
        bluf=[b.text for b in bluf_items],
        bluf_items=bluf_items,
        documents=documents,
        key_developments=devs,
        actors=actors,
        statements=statements,
        risks=risks,
        open_questions=questions,
        timeline=timeline,
        watchlist=watch,
        watchlist_items=watch_entries,
        contradictions=contradictions,
        appendix=Appendix(
            key_developments=more_devs,
            actors=more_actors,
            statements=more_statements,
            risks=more_risks,
            open_questions=more_questions,
            timeline=more_timeline,
        ),
    )


def watch_entry(
    item: tuple[str, str, tuple[str, ...]],
    devs: list[KeyDevelopment],
    more_devs: list[KeyDevelopment],
    actors: list[Actor],
) -> WatchEntry:
    """What the brief has on one watchlist item.

    An actor item names the actors whose name or an alias is one of the item's names
    (ignoring case and spacing); its developments are those with one of them among their
    actors, or one of the names in their *who*. A topic item's developments are those whose
    summary, *what* or evidence names one of its terms as whole words.
    """
    kind, name, aliases = item
    if kind == "actor":
        names = {name_key(n) for n in (name, *aliases)}
        ids = [a.id for a in actors if {name_key(n) for n in (a.name, *a.aliases)} & names]
        wanted = set(ids)

        def about(d: KeyDevelopment) -> bool:
            return bool(wanted & set(d.actor_ids)) or any(name_key(w) in names for w in d.who)
    else:
        ids = []
        topic = (encode_topic(name, aliases),)

        def about(d: KeyDevelopment) -> bool:
            texts = [d.summary, d.what or "", *(e.text for e in d.evidence)]
            return any(mentions_topic(t, topic) for t in texts)

    return WatchEntry(
        name=name,
        kind="actor" if kind == "actor" else "topic",
        aliases=list(aliases),
        actors=ids,
        developments=[d.id for d in devs if about(d)],
        more=sum(1 for d in more_devs if about(d)),
    )


def _split(items: list[_T], limit: int) -> tuple[list[_T], list[_T]]:
    return items[:limit], items[limit:]
