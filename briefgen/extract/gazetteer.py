"""Reference gazetteer: states, organisations and role nouns for the actor extractor.

Pure Python and quick to load (no spaCy). The data lives in :mod:`briefgen.data`
(see its README): ``states.tsv``, ``organizations.tsv``, ``ambiguous.tsv`` and
``roles.txt``, read with :mod:`importlib.resources` so an installed wheel works.

>>> gz = load_gazetteer()
>>> gz.lookup("the DPRK").name
'North Korea'
>>> gz.lookup("the Kremlin")
Entry(name='Kremlin', type='organization', kind='seat', affiliation='Russia', other_readings=())

Matching rules, the same for the data and for the text looked up:

- accents, curly quotes and dash variants are folded (``Côte`` = ``Cote``, ``’`` = ``'``);
  periods and commas are dropped (``U.S.`` = ``US``, ``Washington, D.C.`` = ``Washington DC``);
  whitespace is collapsed; a leading ``the`` and a trailing possessive ``'s`` / ``'`` are ignored;
- acronyms (one word with at least two capitals and no more small letters than capitals:
  ``US``, ``DPRK``, ``DoD``) and forms written with a leading ``=`` in the data (common words
  such as ``=Turkey``, ``=Time``) match with their exact case only: ``us`` is not ``US``;
  everything else matches case-insensitively;
- a term listed in ``ambiguous.tsv`` resolves to its default reading (the other readings go in
  :attr:`Entry.other_readings`) or, without a default, to nothing (``Korea``, ``Congo``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources

__all__ = ["DATA_PACKAGE", "Entry", "Gazetteer", "load_gazetteer"]

DATA_PACKAGE = "briefgen.data"

STATES_HEADER = ("name", "aliases", "demonyms", "capital", "seats")
ORGANIZATIONS_HEADER = ("name", "aliases", "kind", "affiliation")
AMBIGUOUS_HEADER = ("term", "readings", "default")

#: When one surface form of an entity is listed under several kinds, the first kind here wins.
_KIND_RANK = {"state": 0, "alias": 1, "capital": 2, "demonym": 3, "combining": 4}

#: "<state> government" and the like resolve to the state itself (kind "government").
_GOVERNMENT_NOUNS = frozenset({"government", "regime", "administration", "authorities"})

_ROLE_SUFFIXES = ("-elect", "-designate")

_TRANSLATE = str.maketrans(
    {
        "\u2019": "'",  # right single quotation mark
        "\u2018": "'",  # left single quotation mark
        "\u02bc": "'",  # modifier letter apostrophe
        "\u00b4": "'",  # acute accent
        "`": "'",
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2212": "-",  # minus sign
        ".": None,
        ",": None,
    }
)
_EDGE = ' \t\r\n"\u201c\u201d\u00ab\u00bb()[]{}:;!?*'


@dataclass(frozen=True, slots=True)
class Entry:
    """What a name points at.

    ``type`` is an actor type of the Brief contract: ``state``, ``organization`` or ``group``.
    ``kind`` says how the name was matched or what the body is: for states ``state`` (the
    name itself), ``alias``, ``demonym``, ``capital``, ``combining`` (``Sino-``) or
    ``government`` ("the Russian government"); for the rest the organisation kind (``media``,
    ``party``, ``agency``, ``legislature``, ``court``, ``alliance``, ``group``,
    ``organization``) or ``seat`` (a seat of government used as a metonym: the Kremlin).
    ``affiliation`` is the state a national body belongs to, else None (always None for states).
    ``other_readings`` lists the other readings of an ambiguous term (``ambiguous.tsv``).
    """

    name: str
    type: str
    kind: str
    affiliation: str | None = None
    other_readings: tuple[str, ...] = ()


@lru_cache(maxsize=16384)
def _normalize(text: str) -> str:
    """The matching form of a name, case preserved (see the module docstring)."""
    t = text.translate(_TRANSLATE)
    if not t.isascii():
        t = unicodedata.normalize("NFKD", t)
        t = "".join(c for c in t if not unicodedata.combining(c))
    t = " ".join(t.split()).strip(_EDGE).lstrip("'")
    if t.endswith(("'s", "'S")):
        t = t[:-2]
    elif t.endswith("'"):
        t = t[:-1]
    t = t.rstrip()
    if t[:4].lower() == "the ":
        t = t[4:].lstrip()
    return t


def _is_acronym(key: str) -> bool:
    """One word with two capitals or more and no more small letters than capitals."""
    if " " in key or key.islower():
        return False
    upper = sum(map(str.isupper, key))
    return upper >= 2 and upper >= sum(map(str.islower, key))


def _split(field: str) -> list[str]:
    return [item.strip() for item in field.split(";") if item.strip()]


def _rows(text: str, header: tuple[str, ...], filename: str) -> Iterator[list[str]]:
    lines = text.splitlines()
    found = tuple(col.strip() for col in lines[0].split("\t")) if lines else ()
    if found != header:
        raise ValueError(
            f"{filename}: the first line must be the tab-separated header {'|'.join(header)}, "
            f"found {'|'.join(found) or 'nothing'}"
        )
    for line in lines[1:]:
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        yield (cells + [""] * len(header))[: len(header)]


def _singular(word: str) -> str | None:
    if word.endswith("men"):
        return word[:-3] + "man"
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return None


class Gazetteer:
    """Look-ups over the reference data; build it with :func:`load_gazetteer`."""

    def __init__(
        self,
        states_tsv: str,
        organizations_tsv: str,
        roles_txt: str = "",
        ambiguous_tsv: str = "\t".join(AMBIGUOUS_HEADER),
    ) -> None:
        self._exact: dict[str, list[Entry]] = {}
        self._folded: dict[str, list[Entry]] = {}
        self._demonyms: set[str] = set()
        self._surface: list[tuple[str, Entry]] = []
        self._ambiguous: dict[str, tuple[tuple[str, ...], str]] = {}
        states: list[str] = []
        media: list[str] = []

        for name, aliases, demonyms, capital, seats in _rows(
            states_tsv, STATES_HEADER, "states.tsv"
        ):
            canonical = name.lstrip("=").strip()
            if not canonical:
                continue
            states.append(canonical)
            self._add(name, Entry(canonical, "state", "state"))
            entry = Entry(canonical, "state", "alias")
            for alias in _split(aliases):
                self._add(alias, entry)
            entry = Entry(canonical, "state", "demonym")
            for demonym in _split(demonyms):
                if demonym.endswith("-"):
                    self._add(demonym, Entry(canonical, "state", "combining"))
                else:
                    self._demonyms.add(self._add(demonym, entry))
            entry = Entry(canonical, "state", "capital")
            for city in _split(capital):
                self._add(city, entry)
            for seat in _split(seats):
                variants = [v.strip() for v in seat.split("|") if v.strip()]
                entry = Entry(variants[0].lstrip("=").strip(), "organization", "seat", canonical)
                for variant in variants:
                    self._add(variant, entry)

        for name, aliases, kind, affiliation in _rows(
            organizations_tsv, ORGANIZATIONS_HEADER, "organizations.tsv"
        ):
            canonical = name.lstrip("=").strip()
            if not canonical:
                continue
            entry = Entry(
                canonical, "group" if kind == "group" else "organization", kind, affiliation or None
            )
            if kind == "media":
                media.append(canonical)
            for form in [name, *_split(aliases)]:
                self._add(form, entry)

        for term, readings, default in _rows(ambiguous_tsv, AMBIGUOUS_HEADER, "ambiguous.tsv"):
            key = _normalize(term.lstrip("=")).casefold()
            if key:
                self._ambiguous[key] = (tuple(_split(readings)), default)

        self._demonyms.discard("")
        self.role_nouns: frozenset[str] = frozenset(
            line.strip().lower() for line in roles_txt.splitlines() if line.strip()
        )
        self._role_keys = frozenset(_normalize(r).casefold() for r in self.role_nouns)
        self._role_max_words = max((len(r.split()) for r in self._role_keys), default=0)
        self.state_names: frozenset[str] = frozenset(states)
        self.media_names: frozenset[str] = frozenset(media)
        # Surface forms claimed by two entities that ambiguous.tsv does not resolve (data bugs).
        self.conflicts: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
            (key, tuple(e.name for e in entries))
            for bucket in (self._exact, self._folded)
            for key, entries in bucket.items()
            if len(entries) > 1 and key.casefold() not in self._ambiguous
        )

    # -- building ---------------------------------------------------------------------------

    def _add(self, surface: str, entry: Entry) -> str:
        """Index one surface form; return its key ("" when there is nothing to index)."""
        exact_only = surface.startswith("=")
        if exact_only:
            surface = surface.lstrip("=").strip()
        key = _normalize(surface)
        if not key:
            return ""
        self._surface.append((surface, entry))
        if not exact_only and not _is_acronym(key):
            key = key.casefold()
            entries = self._folded.setdefault(key, [])
        else:
            entries = self._exact.setdefault(key, [])
        for i, old in enumerate(entries):
            if old.name == entry.name:
                if _KIND_RANK.get(entry.kind, 9) < _KIND_RANK.get(old.kind, 9):
                    entries[i] = entry
                return key
        entries.append(entry)
        return key

    # -- look-ups ---------------------------------------------------------------------------

    def _candidates(self, key: str) -> list[Entry]:
        found = list(self._exact.get(key, ()))
        for entry in self._folded.get(key.casefold(), ()):
            if all(entry.name != other.name for other in found):
                found.append(entry)
        if not found and " " not in key:
            if key.isupper() and len(key) > 1:  # "TURKEY" in a headline
                found = list(self._exact.get(key.title(), ()))
            elif len(key) >= 4 and key[0].isupper() and key[1:].islower():  # "Nato", "Unesco"
                found = list(self._exact.get(key.upper(), ()))
        return found

    def _resolve(self, key: str, candidates: list[Entry]) -> Entry | None:
        ambiguous = self._ambiguous.get(key.casefold())
        if ambiguous is not None:
            readings, default = ambiguous
            if not default:
                return None
            for entry in candidates:
                if entry.name == default:
                    others = tuple(r for r in readings if r != default)
                    return replace(entry, other_readings=others)
        return candidates[0] if len(candidates) == 1 else None

    def _lookup_key(self, key: str, compound: bool = True) -> Entry | None:
        if not key:
            return None
        candidates = self._candidates(key)
        if candidates:
            return self._resolve(key, candidates)
        if not compound or " " not in key:
            return None
        words = key.split(" ")
        if words[-1].lower() in _GOVERNMENT_NOUNS:
            head = self._lookup_key(_normalize(" ".join(words[:-1])), compound=False)
            if head is not None and head.type == "state" and head.kind != "combining":
                return replace(head, kind="government", other_readings=())
        for i in range(1, len(words)):  # "U.S. National Security Council", "Russia's TASS"
            head = self._lookup_key(_normalize(" ".join(words[:i])), compound=False)
            if head is None or head.type != "state":
                continue
            for entry in self._candidates(_normalize(" ".join(words[i:]))):
                if entry.affiliation == head.name:
                    return entry
        return None

    def lookup(self, text: str) -> Entry | None:
        """The entry a name, alias, demonym, capital or seat points at, or None.

        A national body preceded by its state also matches ("U.S. National Security Council",
        "North Korea's KCNA"), and so does "<state> government / regime / administration /
        authorities" (kind ``government``).
        """
        return self._lookup_key(_normalize(text))

    def state_of(self, text: str) -> str | None:
        """The state a name points at: the state itself, or the affiliation of a national body."""
        entry = self.lookup(text)
        if entry is None:
            return None
        return entry.name if entry.type == "state" else entry.affiliation

    def is_demonym(self, text: str) -> bool:
        """True for a demonym listed in ``states.tsv`` ("Russian", "Russians", "U.S.")."""
        key = _normalize(text)
        return key in self._demonyms or key.casefold() in self._demonyms

    def readings(self, text: str) -> tuple[str, ...]:
        """The readings ``ambiguous.tsv`` lists for a term ("Korea" → both Koreas), else ()."""
        found = self._ambiguous.get(_normalize(text).casefold())
        return found[0] if found else ()

    def compound_states(self, text: str) -> list[str]:
        """The states named in a hyphenated compound, in order and once each.

        "Sino-U.S." → China, United States; "Russo-North Korean" → Russia, North Korea;
        "U.S.-made" → United States; "Guinea-Bissau" → Guinea-Bissau.
        """
        parts = _normalize(text).split("-")
        found: list[str] = []
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                piece = "-".join(parts[i:j]).strip()
                entry = self._lookup_key(_normalize(piece), compound=False) if piece else None
                if entry is None and j == i + 1 and piece:
                    entry = self._lookup_key(piece + "-", compound=False)
                state = None
                if entry is not None:
                    state = entry.name if entry.type == "state" else entry.affiliation
                if state:
                    if state not in found:
                        found.append(state)
                    i = j
                    break
            else:
                i += 1
        return found

    def is_role(self, phrase: str) -> bool:
        """True when the phrase ends with a role noun from ``roles.txt``.

        Its last word, or last few words, must be a role ("Russian Defense Minister",
        "Kremlin spokesman", "U.S. Secretary of State", "Sen."); plurals ("officials",
        "spokesmen") and prefixed or suffixed forms ("ex-president", "president-elect")
        count too.
        """
        words = _normalize(phrase).casefold().split()
        if not words:
            return False
        for n in range(1, min(len(words), self._role_max_words) + 1):
            if self._is_role_words(words[-n:]):
                return True
        last = words[-1]
        for suffix in _ROLE_SUFFIXES:
            if last.endswith(suffix) and self._is_role_words([*words[:-1], last[: -len(suffix)]]):
                return True
        return "-" in last and self._is_role_words([last.rsplit("-", 1)[1]])

    def _is_role_words(self, words: list[str]) -> bool:
        if not words or not words[-1]:
            return False
        if " ".join(words) in self._role_keys:
            return True
        singular = _singular(words[-1])
        return singular is not None and " ".join([*words[:-1], singular]) in self._role_keys

    def surface_forms(self) -> Iterable[tuple[str, Entry]]:
        """Every name as written in the data with its entry (for entity-ruler patterns).

        Ambiguity is not applied here: an ambiguous form is listed with each entry claiming it.
        """
        return iter(self._surface)


def _read(filename: str) -> str:
    return resources.files(DATA_PACKAGE).joinpath(filename).read_text(encoding="utf-8")


@cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer built from the packaged data, loaded once per process."""
    return Gazetteer(
        _read("states.tsv"),
        _read("organizations.tsv"),
        _read("roles.txt"),
        _read("ambiguous.tsv"),
    )
