"""Actors across documents: one person under every form of the name, their roles."""

from __future__ import annotations

import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from briefgen.fuse.sources import dedupe_evidence, evidence_key
from briefgen.model import (
    Actor,
    ActorRole,
    DocFacts,
    DocumentRef,
    Evidence,
    KeyDevelopment,
    Risk,
    Statement,
)

# --- actors -------------------------------------------------------------------------------


_INITIAL = re.compile(r"^[A-Za-z]\.?$")


def _person_key(name: str) -> str:
    """'Donald J. Trump' and 'Donald Trump' → 'donald trump' (initials and dots dropped)."""
    parts = [p for p in name.replace("’", "'").split() if not _INITIAL.match(p)]
    return " ".join(p.strip(".").lower() for p in parts)


#: How many evidence sentences a merged actor shows (one per document first).
ACTOR_EVIDENCE = 6


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
    _role_set: set[tuple[str, str]] = field(default_factory=set)
    #: The first sentences of the evidence lists kept: once they are
    #: :data:`ACTOR_EVIDENCE` different ones, no later list can be shown (see
    #: :func:`merge_actors`) and later lists are not kept (an actor of 100,000 documents).
    _firsts: set[tuple[str, int, int]] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.base.name

    @property
    def type(self) -> str:
        return self.base.type

    def add_role(self, role: str, doc: str) -> None:
        pair = (sys.intern(role), doc)  # one copy of each role's words per pile
        if pair not in self._role_set:
            self._role_set.add(pair)
            self.roles.append(pair)

    def add_evidence(self, items: list[Evidence]) -> None:
        if len(self._firsts) >= ACTOR_EVIDENCE:
            return
        self.evidence.append(items)
        if items:
            self._firsts.add(evidence_key(items[0]))

    def absorb(self, other: _ActorAcc) -> None:
        self.mentions += other.mentions
        self.aliases |= other.aliases | {other.name}
        self.watchlist = self.watchlist or other.watchlist
        seen = set(self.docs)
        self.docs += [d for d in other.docs if d not in seen]
        self.roles += other.roles  # (as before: a role both state is listed twice)
        self._role_set |= other._role_set
        self.affiliations.update(other.affiliations)
        for items in other.evidence:
            self.add_evidence(items)
        self.salience += other.salience


class _ActorsOf(Protocol):
    """What merging reads of a document's facts (``DocFacts`` or a part of them)."""

    @property
    def document(self) -> DocumentRef: ...

    @property
    def actors(self) -> list[Actor]: ...


def _accumulate(ordered: Iterable[_ActorsOf]) -> dict[str, _ActorAcc]:
    """The actors of the documents, gathered by id; ``ordered``: earliest first."""
    merged: dict[str, _ActorAcc] = {}
    for f in ordered:
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
            if a.role:
                acc.add_role(a.role, doc)
            if a.affiliation:
                acc.affiliations[a.affiliation] += 1
            acc.add_evidence(a.evidence)
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
    _resolve_chains(remap)
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


def _resolve_chains(remap: dict[str, str]) -> None:
    """Point every id remapped to an id that was itself remapped at the final one."""
    for old, new in list(remap.items()):
        while new in remap:
            new = remap[new]
        remap[old] = new


def _join_tails(merged: dict[str, _ActorAcc], remap: dict[str, str]) -> None:
    """Join an organisation, group or other actor whose name is the tail of a longer
    one of the same type in another document ("Central Command" → "U.S. Central
    Command"); one-word tails, people and states are left alone."""

    words = {
        k: " ".join(a.name.replace("’", "'").split()).lower().split() for k, a in merged.items()
    }
    # Every name's proper tails of two words or more, by type: the candidates a shorter
    # name can be the tail of, found without comparing every pair of names.
    longer_by_tail: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for k, w in words.items():
        for n in range(2, len(w)):
            longer_by_tail[(merged[k].type, tuple(w[-n:]))].append(k)
    for k in sorted(merged, key=lambda k: len(words[k])):  # shortest first
        if k not in merged:
            continue
        short = merged[k]
        tail = words[k]
        if short.type in ("person", "state") or len(tail) < 2:
            continue
        longer = [o for o in longer_by_tail.get((short.type, tuple(tail)), []) if o in merged]
        if len(longer) == 1:  # only when the longer name it belongs to is not in doubt
            merged[longer[0]].absorb(merged.pop(k))
            remap[k] = longer[0]
    _resolve_chains(remap)


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
    ordered = sorted(facts, key=lambda f: order.get(f.document.id, ("", 0)))
    actors, remap, _ = ranked_actors(ordered, len(facts), order)
    out = list(actors)
    return (out[:limit] if limit is not None else out), remap


def ranked_actors(
    ordered: Iterable[_ActorsOf],
    documents: int,
    order: Mapping[str, tuple[str, int]],
) -> tuple[Iterator[Actor], dict[str, str], dict[str, str]]:
    """:func:`merge_actors` of the documents given one at a time, earliest first
    (``order``'s sort), of which there are ``documents``: nothing of a document is kept but
    what its actors add to the merged ones. The merged actors are made one at a time, in
    rank order (a caller can write each away: an actor of a large pile lists a role per
    document); also returned, the name of every merged actor by id."""
    merged = _accumulate(ordered)
    remap = _join_people(merged)
    _join_tails(merged, remap)
    n = max(1, documents)
    raw = {k: acc.salience / n * (1 + math.log(len(acc.docs))) for k, acc in merged.items()}
    top = max(raw.values(), default=1.0) or 1.0
    salience = {k: round(v / top, 4) for k, v in raw.items()}
    ranked = sorted(merged, key=lambda k: (-salience[k], -merged[k].mentions, merged[k].name))
    # Places are context, not actors: they follow the actors proper.
    people = [k for k in ranked if merged[k].type != "location"]
    places = [k for k in ranked if merged[k].type == "location"]
    names = {k: acc.name for k, acc in merged.items()}

    def made() -> Iterator[Actor]:
        for k in people + places:
            yield _actor(merged.pop(k), salience[k], order)

    return made(), remap, names


def _actor(acc: _ActorAcc, salience: float, order: Mapping[str, tuple[str, int]]) -> Actor:
    """The merged actor of ``acc``."""
    a = acc.base
    roles = sorted(acc.roles, key=lambda r: order.get(r[1], ("", 0)))
    role, affiliation = a.role, a.affiliation
    if roles:
        role = _common_role([r for r, _ in roles])
    if acc.affiliations:
        affiliation = acc.affiliations.most_common(1)[0][0]
    evidence: list[Evidence] = []
    for depth in range(ACTOR_EVIDENCE):
        for per_doc in acc.evidence:
            if depth < len(per_doc):
                evidence.append(per_doc[depth])
        if len(evidence) >= ACTOR_EVIDENCE:
            break
    return a.model_copy(
        update={
            "mentions": acc.mentions,
            "aliases": sorted(acc.aliases - {a.name}),
            "watchlist": acc.watchlist,
            "documents": len(acc.docs),
            "salience": salience,
            "roles": [ActorRole(role=r, doc=d) for r, d in roles],
            "role": role,
            "affiliation": affiliation,
            "evidence": dedupe_evidence(evidence)[:ACTOR_EVIDENCE],
        }
    )


def renamed_developments(
    f: DocFacts, remap: Mapping[str, str], names: Mapping[str, str]
) -> list[KeyDevelopment]:
    """Copies of one document's developments with merged actor ids and names."""
    local = {a.name: names.get(remap.get(a.id, a.id), a.name) for a in f.actors}
    return [
        d.model_copy(
            update={
                "actor_ids": [remap.get(k, k) for k in d.actor_ids],
                "who": list(dict.fromkeys(local.get(w, w) for w in d.who)),
            }
        )
        for d in f.key_developments
    ]


def renamed_statements(
    statements: Iterable[Statement], remap: Mapping[str, str], names: Mapping[str, str]
) -> Iterator[Statement]:
    """Statements with their speaker's merged actor id and name (others as they are)."""
    for s in statements:
        aid = s.speaker.actor_id
        if aid and aid in remap:
            speaker = s.speaker.model_copy(update={"actor_id": remap[aid]})
            s = s.model_copy(
                update={"speaker": speaker, "speaker_name": names.get(remap[aid], s.speaker_name)}
            )
        yield s


def renamed_risks(risks: Iterable[Risk], remap: Mapping[str, str]) -> list[Risk]:
    """Copies of risks with merged actor ids."""
    return [
        r.model_copy(update={"actor_ids": [remap.get(k, k) for k in r.actor_ids]}) for r in risks
    ]
