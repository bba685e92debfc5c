"""The Brief data model: the JSON contract (v1) every output is rendered from.

Pure: no I/O, no NLP. ``Brief.model_dump_json()`` / ``Brief.model_validate_json()``
round-trip exactly, and :func:`json_schema` is what ``briefgen schema`` prints.
Keys required by DESIGN.md section 2 are never renamed; new keys may be added.

``Document`` (one ingested article with its text) is here too because every
stage passes it along; only its metadata (``DocumentRef``) goes into a Brief.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Final = "1"

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"

Confidence = Literal["high", "moderate", "low"]
Precision = Literal["day", "month", "year"]
ActorType = Literal["person", "organization", "state", "group", "location", "other"]

#: ICD 203 expressions of likelihood, from least to most likely, with their ranges (%).
LIKELIHOOD_SCALE: dict[str, tuple[int, int]] = {
    "almost no chance": (1, 5),
    "very unlikely": (5, 20),
    "unlikely": (20, 45),
    "roughly even chance": (45, 55),
    "likely": (55, 80),
    "very likely": (80, 95),
    "almost certain": (95, 99),
}
#: Admiralty (NATO) source reliability grades, A to F.
ADMIRALTY_RELIABILITY: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
Likelihood = Literal[
    "almost no chance",
    "very unlikely",
    "unlikely",
    "roughly even chance",
    "likely",
    "very likely",
    "almost certain",
]


def sha256_text(text: str) -> str:
    """The content hash that identifies a document (hex sha256 of its UTF-8 text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def doc_id_for(sha256: str) -> str:
    """The short document id used in evidence: the first 16 hex digits of the hash."""
    return sha256[:16]


class _Model(BaseModel):
    # Unknown keys survive a round-trip: later schema additions stay readable.
    model_config = ConfigDict(
        extra="allow", populate_by_name=True, json_schema_serialization_defaults_required=True
    )

    def __copy__(self) -> Any:
        """A shallow copy (what ``model_copy`` makes) that shares one fields-set per class.

        Fusion copies every development, statement, risk and timeline entry of a pile at
        least once; pydantic's own copy also copies the set of the fields given (up to
        2 kB for a development), which was about a third of fusion's memory. A copy here
        counts every field as given (nothing in briefgen reads the set: no
        ``exclude_unset``); values, equality and JSON are pydantic's own."""
        cls = type(self)
        copied = cls.__new__(cls)
        extra = self.__pydantic_extra__
        object.__setattr__(copied, "__dict__", self.__dict__.copy())
        object.__setattr__(copied, "__pydantic_extra__", None if extra is None else extra.copy())
        shared = _EVERY_FIELD.get(cls)
        if shared is None:
            shared = _EVERY_FIELD.setdefault(cls, set(cls.model_fields))
        object.__setattr__(copied, "__pydantic_fields_set__", shared)
        object.__setattr__(copied, "__pydantic_private__", None)
        return copied


#: Per model class, the set of all its fields: the fields-set its copies share.
_EVERY_FIELD: dict[type, set[str]] = {}


class Dateline(_Model):
    """Where (and when) wire copy was filed, as its body opens: ``SALVADOR, Feb 26 -``.

    Parsed once at ingest (:mod:`briefgen.ingest.dateline`). ``place`` is where the
    report was filed, never an actor or a speaker; ``date`` is resolved against the
    publication date (None without one). ``start``/``end`` index the ingested text and
    cover the byline and "updated" lines above the dateline and its dash; ``tail`` is
    where a wire sign-off line at the end starts ("Reuter"), if any. Extraction reads
    the text without both.
    """

    text: str
    place: str
    date: str | None = Field(default=None, pattern=ISO_DATE)
    agency: str | None = None
    byline: str | None = None
    start: int = Field(default=0, ge=0)
    end: int = Field(default=0, ge=0)
    tail: int | None = None


def blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` turned into spaces ending in a newline: the same
    length, so offsets still index ``text``, and a sentence starts after it."""
    if end <= start:
        return text
    return text[:start] + " " * (end - start - 1) + "\n" + text[end:]


@dataclass
class Document:
    """One ingested article: its text exactly as offsets index it, and its metadata."""

    text: str
    title: str
    path: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None  # YYYY-MM-DD
    sha256: str = ""
    id: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    dateline: Dateline | None = None  # set at ingest for wire copy
    language: str | None = None  # ISO 639-1 code, detected at ingest (None: not checked)

    def __post_init__(self) -> None:
        if not self.sha256:
            self.sha256 = sha256_text(self.text)
        if not self.id:
            self.id = doc_id_for(self.sha256)

    def parse_text(self) -> str:
        """What the parser reads: the text with the dateline block and the wire sign-off
        blanked out (same length, so every offset still indexes :attr:`text`)."""
        line = self.dateline
        if line is None:
            return self.text
        text = blank(self.text, line.start, line.end)
        if line.tail is not None and line.tail > line.end:
            text = blank(text, line.tail, len(text))
        return text


class Evidence(_Model):
    """A span of a document's text: ``text == document.text[start:end]``."""

    doc: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Period(_Model):
    start: str | None = Field(default=None, pattern=ISO_DATE)
    end: str | None = Field(default=None, pattern=ISO_DATE)


class Marking(_Model):
    """The classification line or TLP 2.0 label printed at the top and bottom of every page."""

    label: str
    handling: str = ""
    system: Literal["classification", "tlp"] = "classification"
    color: str | None = None  # CSS colour of a TLP label


class DocumentRef(_Model):
    id: str
    title: str
    path: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = Field(default=None, pattern=ISO_DATE)
    sha256: str
    developments: int = 0  # how many key developments this document supports
    grading: str | None = None  # Admiralty source reliability (A-F) from sources_grading
    copy_of: str | None = None  # id of the earlier document this one nearly duplicates
    dateline: Dateline | None = None  # wire copy: where and when it was filed
    language: str | None = None  # ISO 639-1 code detected at ingest


class When(_Model):
    text: str = ""
    date: str | None = Field(default=None, pattern=ISO_DATE)
    precision: Precision | None = None
    end_date: str | None = Field(default=None, pattern=ISO_DATE)
    basis: Literal["text", "published"] = "text"  # "published": no time in the text


class Claim(_Model):
    """What one document says on a point where documents disagree."""

    value: str
    doc: str
    evidence: Evidence


class Contradiction(_Model):
    """Documents reporting the same development disagree: different figures or dates."""

    kind: Literal["figure", "date"]
    about: str  # what the values measure ("people", "percent", "date of the event")
    claims: list[Claim] = []
    development: str | None = None  # id of the development (in Brief.contradictions)


class KeyDevelopment(_Model):
    id: str
    summary: str
    who: list[str] = []
    what: str = ""
    when: When = When()
    where: list[str] = []
    confidence: Confidence = "moderate"
    corroboration: int = 1
    evidence: list[Evidence] = []
    sourcing: str = ""  # how the claim is sourced, in words
    hedges: list[str] = []  # the hedging words found in the evidence
    actor_ids: list[str] = []
    watchlist: bool = False
    score: float = 0.0  # ranking score (higher first)
    headline: Evidence | None = None  # the headline who/what were read from
    documents: list[str] = []  # ids of the documents reporting it, earliest first
    first_reported: str | None = Field(default=None, pattern=ISO_DATE)
    grading: str | None = None  # Admiralty code: best source reliability + credibility ("B2")
    contradictions: list[Contradiction] = []
    outlets: int = 1  # distinct outlets among its documents (corroboration: independent docs)
    story: str | None = None  # id of the story it leads (Brief.stories)


class ActorRole(_Model):
    """A role as one document states it."""

    role: str
    doc: str


class Actor(_Model):
    id: str
    name: str
    type: ActorType = "other"
    aliases: list[str] = []
    role: str | None = None
    affiliation: str | None = None
    mentions: int = 0
    salience: float = 0.0
    evidence: list[Evidence] = []
    documents: int = 1
    watchlist: bool = False
    roles: list[ActorRole] = []  # every role stated, with the document that states it


class SpanRef(_Model):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Speaker(SpanRef):
    actor_id: str | None = None


class Statement(_Model):
    id: str
    speaker: Speaker
    cue: SpanRef
    content: SpanRef
    direct: bool
    doc: str
    speaker_name: str | None = None  # the canonical actor name when resolved


class Risk(_Model):
    id: str
    summary: str
    category: str
    #: The ICD 203 term when the source's own words carry a likelihood ("likely",
    #: "probably", a percentage); None when they do not ("could", "may", "might"):
    #: ``basis`` then keeps the source's word and the brief says "likelihood not stated".
    likelihood: Likelihood | None
    evidence: list[Evidence] = []
    basis: str = ""  # the source's own modal wording the likelihood is read from
    clause: str = ""  # the risk as a clause that can follow "It is likely that"
    impact: Literal["high", "medium", "low"] = "medium"
    actor_ids: list[str] = []
    score: float = 0.0
    #: Who the source says holds this view ("Marco Rubio argues that …"); None when the
    #: source states it itself.
    attributed_to: str | None = None


class OpenQuestion(_Model):
    id: str
    question: str
    basis: str
    evidence: list[Evidence] = []
    score: float = 0.0


class TimelineEntry(_Model):
    date: str | None = Field(default=None, pattern=ISO_DATE)
    precision: Precision | None = None
    text: str
    evidence: list[Evidence] = []
    when: str = ""  # the date as written in the source
    sort_key: str = ""  # orders entries whose year the text does not give
    end_date: str | None = Field(default=None, pattern=ISO_DATE)
    documents: list[str] = []  # ids of the documents that date this event


class DayCount(_Model):
    date: str = Field(pattern=ISO_DATE)
    documents: int


class Story(_Model):
    """The documents of a pile that report one story (one event and its follow-ups).

    Every document of a brief is in exactly one story; ``developments`` are the ids of
    the story's developments, its lead event first (in a brief of several stories the
    only one among the key developments; the rest, its sub-events, in the appendix),
    ``timeline`` its own
    dated sub-events."""

    id: str
    label: str
    documents: list[str] = []  # ids, earliest first
    outlets: list[str] = []  # distinct publishers, in order of first report
    first_reported: str | None = Field(default=None, pattern=ISO_DATE)
    last_reported: str | None = Field(default=None, pattern=ISO_DATE)
    actors: list[str] = []  # names of the actors most documents name
    places: list[str] = []
    developments: list[str] = []
    corroboration: int = 1  # independent documents (wire copies counted once)
    score: float = 0.0
    coverage: list[DayCount] = []  # documents per publication day
    timeline: list[TimelineEntry] = []  # the story's dated sub-events, in date order


class BlufItem(_Model):
    text: str
    refs: list[str] = []  # ids of the developments, risks and questions it rests on
    evidence: list[Evidence] = []


#: How many items each capped section of a brief shows by default (``sections`` in the
#: configuration): enough for a brief read in five minutes, the rest in the appendix.
SECTION_CAPS: dict[str, int] = {
    "key_developments": 8,
    "actors": 20,
    "statements": 20,
    "risks": 8,
    "open_questions": 8,
    "timeline": 20,
}


class Appendix(_Model):
    """What did not fit in the brief's capped sections (see ``SECTION_CAPS``), ranked the
    same way."""

    key_developments: list[KeyDevelopment] = []
    actors: list[Actor] = []
    statements: list[Statement] = []
    risks: list[Risk] = []
    open_questions: list[OpenQuestion] = []
    timeline: list[TimelineEntry] = []


class WatchEntry(_Model):
    """One watchlist item and what the brief has on it."""

    name: str
    kind: Literal["actor", "topic"]
    aliases: list[str] = []
    actors: list[str] = []  # ids of the actors it names (actor items)
    developments: list[str] = []  # ids of the key developments about it, ranked
    more: int = 0  # developments about it beyond the capped list (in the appendix)


class SinceLast(_Model):
    """What is new since the previous brief of the same configuration."""

    previous: str | None = None  # build time of the previous brief; None for the first
    developments: list[str] = []  # ids of key developments it did not have
    actors: list[str] = []  # ids of actors it did not have


class Brief(_Model):
    """One intelligence brief. Lists are ranked, most important first."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    title: str
    generated_at: str
    period: Period = Period()
    marking: Marking
    bluf: list[str] = []
    bluf_items: list[BlufItem] = []
    documents: list[DocumentRef] = []
    key_developments: list[KeyDevelopment] = []
    actors: list[Actor] = []
    statements: list[Statement] = []
    risks: list[Risk] = []
    open_questions: list[OpenQuestion] = []
    timeline: list[TimelineEntry] = []
    watchlist: list[str] = []  # ids of developments and actors that touch the watchlist
    generator: str = "briefgen"
    contradictions: list[Contradiction] = []  # between documents, per development
    appendix: Appendix = Appendix()  # the overflow of the capped sections
    since_last: SinceLast = SinceLast()  # new since the previous brief of this config
    watchlist_items: list[WatchEntry] = []  # each watched actor and topic, with its items
    #: The stories of the pile, ranked; every document is in exactly one.
    stories: list[Story] = []

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, data: str | bytes) -> Brief:
        return cls.model_validate_json(data)


#: Keys DESIGN.md section 2 requires, per object; everything else is optional in the schema.
CONTRACT_REQUIRED: dict[str, set[str]] = {
    "Brief": {
        "schema_version",
        "title",
        "generated_at",
        "period",
        "marking",
        "bluf",
        "documents",
        "key_developments",
        "actors",
        "statements",
        "risks",
        "open_questions",
        "timeline",
    },
    "Period": {"start", "end"},
    "Marking": {"label", "handling"},
    "DocumentRef": {"id", "title", "path", "url", "publisher", "published", "sha256"},
    "KeyDevelopment": {
        "id",
        "summary",
        "who",
        "what",
        "when",
        "where",
        "confidence",
        "corroboration",
        "evidence",
    },
    "When": {"text", "date", "precision"},
    "Actor": {
        "id",
        "name",
        "type",
        "aliases",
        "role",
        "affiliation",
        "mentions",
        "salience",
        "evidence",
    },
    "Statement": {"id", "speaker", "cue", "content", "direct", "doc"},
    "Speaker": {"text", "actor_id", "start", "end"},
    "SpanRef": {"text", "start", "end"},
    "Risk": {"id", "summary", "category", "likelihood", "evidence"},
    "OpenQuestion": {"id", "question", "basis", "evidence"},
    "TimelineEntry": {"date", "precision", "text", "evidence"},
    "Evidence": {"doc", "start", "end", "text"},
    "Story": {
        "id",
        "label",
        "documents",
        "outlets",
        "first_reported",
        "last_reported",
        "actors",
        "places",
        "developments",
    },
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the Brief contract (draft 2020-12).

    Contract keys are required; keys added since (scores, sourcing, …) are optional, so
    a reader written against the contract accepts every brief briefgen writes.
    """
    schema = Brief.model_json_schema(mode="serialization")
    for name, sub in [("Brief", schema), *schema.get("$defs", {}).items()]:
        if name in CONTRACT_REQUIRED:
            sub["required"] = sorted(CONTRACT_REQUIRED[name])
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://briefgen.invalid/schema/brief-v1.json"
    return schema


class DocFacts(_Model):
    """What one document yields: extractor output before fusion (cached per document)."""

    document: DocumentRef
    actors: list[Actor] = []
    key_developments: list[KeyDevelopment] = []
    statements: list[Statement] = []
    risks: list[Risk] = []
    open_questions: list[OpenQuestion] = []
    timeline: list[TimelineEntry] = []
    extractor_version: str = ""
    model: str = ""
    #: Weighted terms of the whole document (:mod:`briefgen.extract.profile`), for stories.
    profile: dict[str, float] = {}


# --- the brief's JSON with a pre-serialised appendix ----------------------------------------


def appendix_json(appendix: Appendix) -> str:
    """The appendix exactly as it appears inside ``Brief.to_json()`` (one level deep)."""
    return appendix.model_dump_json(indent=2).replace("\n", "\n  ")


def brief_json(brief: Brief, appendix: str) -> str:
    """``brief.to_json()`` with ``appendix`` (from :func:`appendix_json`) as its appendix,
    whatever ``brief.appendix`` holds: the same bytes as serialising the whole brief, without
    holding a large appendix as objects (a cached fused brief keeps it as text)."""
    text = brief.model_copy(update={"appendix": Appendix()}).to_json()
    marker = f'"appendix": {appendix_json(Appendix())}'
    if text.count(marker) != 1:  # cannot happen: JSON strings escape quotes and newlines
        raise ValueError("cannot place the appendix in the brief's JSON")
    return text.replace(marker, f'"appendix": {appendix}', 1)
