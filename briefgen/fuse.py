"""Many ``DocFacts`` → one ``Brief``: merge actors, cluster duplicate
developments across documents (corroboration), merge the timeline, rank, and
write the bottom line up front. Knows nothing of spaCy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .model import (
    LIKELIHOOD_SCALE,
    Actor,
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
)

STOP = frozenset("""a an the of to in on at by for with and or but from that this these those
is are was were be been being has have had will would could may might its it their his her
as into about over after before than then also said says""".split())


@dataclass(frozen=True)
class FuseOptions:
    title: str = "Intelligence brief"
    marking: Marking = field(default_factory=lambda: Marking(label="UNCLASSIFIED"))
    watch_topics: tuple[str, ...] = ()
    max_developments: int = 10
    max_actors: int = 30
    max_statements: int = 20
    max_risks: int = 8
    max_questions: int = 8
    max_timeline: int = 40


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP and len(w) > 2}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


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


def merge_actors(facts: Sequence[DocFacts], limit: int) -> list[Actor]:
    merged: dict[str, Actor] = {}
    for f in facts:
        for a in f.actors:
            cur = merged.get(a.id)
            if cur is None:
                merged[a.id] = a.model_copy(deep=True)
                continue
            cur.mentions += a.mentions
            cur.documents += 1
            cur.aliases = sorted(set(cur.aliases) | set(a.aliases))
            cur.role = cur.role or a.role
            cur.affiliation = cur.affiliation or a.affiliation
            cur.salience += a.salience
            cur.watchlist = cur.watchlist or a.watchlist
            cur.evidence = _dedupe_evidence(cur.evidence + a.evidence)[:6]
    n = max(1, len(facts))
    for a in merged.values():
        a.salience = a.salience / n * (1 + math.log(a.documents))
    top = max((a.salience for a in merged.values()), default=1.0) or 1.0
    for a in merged.values():
        a.salience = round(a.salience / top, 4)
    ranked = sorted(merged.values(), key=lambda a: (-a.salience, -a.mentions, a.name))
    # Places are context, not actors: they follow the actors proper.
    people = [a for a in ranked if a.type != "location"]
    places = [a for a in ranked if a.type == "location"]
    return (people + places)[:limit]


def _published(facts: Sequence[DocFacts]) -> dict[str, str]:
    return {f.document.id: f.document.published or "9999-99-99" for f in facts}


def cluster_developments(facts: Sequence[DocFacts], watch_topics: tuple[str, ...],
                         limit: int) -> list[KeyDevelopment]:
    """One development per event: the same event in several documents is merged."""
    published = _published(facts)
    clusters: list[list[KeyDevelopment]] = []
    sigs: list[set[str]] = []
    for f in facts:
        for dev in f.key_developments:
            sig = words(dev.what) | {w.lower() for w in dev.who}
            best, best_sim = None, 0.0
            for i, other in enumerate(sigs):
                if any(d.evidence and dev.evidence and d.evidence[0].doc == dev.evidence[0].doc
                       for d in clusters[i]):
                    continue  # never merge two developments of the same document
                sim = jaccard(sig, other)
                shared_who = set(dev.who) & {w for d in clusters[i] for w in d.who}
                if shared_who:
                    sim += 0.15
                if sim > best_sim:
                    best, best_sim = i, sim
            if best is not None and best_sim >= 0.45:
                clusters[best].append(dev)
                sigs[best] |= sig
            else:
                clusters.append([dev])
                sigs.append(sig)
    out: list[KeyDevelopment] = []
    for group in clusters:
        group.sort(key=lambda d: (published.get(d.evidence[0].doc if d.evidence else "", ""),
                                  -float(getattr(d, "score", 0.0))))
        lead = group[0].model_copy(deep=True)
        docs = {ev.doc for d in group for ev in d.evidence}
        lead.corroboration = len(docs)
        lead.evidence = _dedupe_evidence([ev for d in group for ev in d.evidence])
        lead.hedges = sorted({h for d in group for h in d.hedges})
        lead.who = list(dict.fromkeys(w for d in group for w in d.who))
        lead.where = list(dict.fromkeys(w for d in group for w in d.where))[:4]
        if not lead.when.text:
            lead.when = next((d.when for d in group if d.when.text), lead.when)
        lead.watchlist = any(d.watchlist for d in group)
        if lead.corroboration >= 3 and not lead.hedges:
            lead.confidence = "high"
        elif lead.corroboration >= 2 and lead.confidence == "low" and len(lead.hedges) <= 1:
            lead.confidence = "moderate"
        score = max(float(getattr(d, "score", 0.0)) for d in group)
        score += 0.4 * math.log(lead.corroboration)
        if watch_topics and any(t.lower() in lead.summary.lower() for t in watch_topics):
            score += 0.3
        lead.score = round(score, 4)  # type: ignore[attr-defined]
        out.append(lead)
    out.sort(key=lambda d: -float(getattr(d, "score", 0.0)))
    return out[:limit]


def merge_risks(facts: Sequence[DocFacts], limit: int) -> list[Risk]:
    risks: list[Risk] = []
    sigs: list[set[str]] = []
    for f in facts:
        for r in f.risks:
            sig = words(r.summary)
            match = next((i for i, s in enumerate(sigs) if risks[i].category == r.category
                          and jaccard(sig, s) >= 0.5), None)
            if match is None:
                risks.append(r.model_copy(deep=True))
                sigs.append(sig)
            else:
                risks[match].evidence = _dedupe_evidence(risks[match].evidence + r.evidence)
    risks.sort(key=lambda r: -float(getattr(r, "score", 0.0)))
    return risks[:limit]


def merge_questions(facts: Sequence[DocFacts], limit: int) -> list[OpenQuestion]:
    out: list[OpenQuestion] = []
    sigs: list[set[str]] = []
    for f in facts:
        for q in f.open_questions:
            sig = words(q.question)
            match = next((i for i, s in enumerate(sigs) if jaccard(sig, s) >= 0.6), None)
            if match is None:
                out.append(q.model_copy(deep=True))
                sigs.append(sig)
            else:
                out[match].evidence = _dedupe_evidence(out[match].evidence + q.evidence)
    out.sort(key=lambda q: -float(getattr(q, "score", 0.0)))
    return out[:limit]


def merge_timeline(facts: Sequence[DocFacts], limit: int) -> list[TimelineEntry]:
    out: list[TimelineEntry] = []
    for f in facts:
        for e in f.timeline:
            sig = words(e.text)
            match = next((o for o in out if o.sort_key == e.sort_key and o.date == e.date
                          and jaccard(sig, words(o.text)) >= 0.5), None)
            if match is None:
                out.append(e.model_copy(deep=True))
            else:
                match.evidence = _dedupe_evidence(match.evidence + e.evidence)
    out.sort(key=lambda e: (e.sort_key or "9999", e.date or ""))
    return out[:limit]


def _sentence(text: str) -> str:
    text = " ".join(text.split()).rstrip(" .;,")
    return text[:1].upper() + text[1:] + "."


def _likelihood_phrase(likelihood: str) -> str:
    if likelihood in ("roughly even chance", "almost no chance"):
        return f"There is {'a ' if likelihood.startswith('roughly') else ''}{likelihood} that"
    return f"It is {likelihood} that"


def write_bluf(devs: list[KeyDevelopment], risks: list[Risk],
               questions: list[OpenQuestion]) -> list[BlufItem]:
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
        items.append(BlufItem(text=_sentence(text), refs=[r.id], evidence=r.evidence[:1]))
    if questions:
        q = questions[0]
        items.append(BlufItem(text=f"Key unknown: {q.question}", refs=[q.id],
                              evidence=q.evidence[:1]))
    elif len(devs) > 1:
        d = devs[1]
        items.append(BlufItem(text=_sentence(d.summary), refs=[d.id], evidence=d.evidence[:1]))
    return items[:3]


def _renumber(devs: list[KeyDevelopment], statements: list[Statement], risks: list[Risk],
              questions: list[OpenQuestion]) -> None:
    for i, d in enumerate(devs, 1):
        d.id = f"kd{i}"
    for i, s in enumerate(statements, 1):
        s.id = f"st{i}"
    for i, r in enumerate(risks, 1):
        r.id = f"rk{i}"
    for i, q in enumerate(questions, 1):
        q.id = f"q{i}"


def _period(docs: list[DocumentRef]) -> Period:
    dates = sorted(d.published for d in docs if d.published)
    if not dates:
        return Period()
    return Period(start=dates[0], end=dates[-1])


def _statement_rank(st: Statement, salience: dict[str, float], order: int) -> float:
    sal = salience.get(st.speaker.actor_id or "", 0.0)
    return sal + (0.2 if st.direct else 0.0) + (0.3 if st.speaker.actor_id else 0.0) \
        - 0.01 * order


def fuse(facts: Sequence[DocFacts], options: FuseOptions, generated_at: datetime) -> Brief:
    """Assemble the whole Brief from per-document facts."""
    documents = [f.document.model_copy(deep=True) for f in facts]
    actors = merge_actors(facts, options.max_actors)
    devs = cluster_developments(facts, options.watch_topics, options.max_developments)
    salience = {a.id: a.salience for a in actors}
    all_statements = [s.model_copy(deep=True) for f in facts for s in f.statements]
    ranked = sorted(enumerate(all_statements),
                    key=lambda p: -_statement_rank(p[1], salience, p[0]))
    statements = [s for _, s in ranked][: options.max_statements]
    risks = merge_risks(facts, options.max_risks)
    questions = merge_questions(facts, options.max_questions)
    timeline = merge_timeline(facts, options.max_timeline)
    _renumber(devs, statements, risks, questions)
    supported: dict[str, int] = {}
    for d in devs:
        for doc_id in {ev.doc for ev in d.evidence}:
            supported[doc_id] = supported.get(doc_id, 0) + 1
    for doc in documents:
        doc.developments = supported.get(doc.id, 0)
    bluf_items = write_bluf(devs, risks, questions)
    watch = [d.id for d in devs if d.watchlist] + [a.id for a in actors if a.watchlist]
    return Brief(
        title=options.title,
        generated_at=generated_at.isoformat(timespec="seconds"),
        period=_period(documents),
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
    )
