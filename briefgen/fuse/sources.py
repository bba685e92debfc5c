"""Documents and their sources: the reference list, Admiralty grades, wire copies;
evidence lists without repeats."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from briefgen.fuse.developments import Sources
from briefgen.model import (
    DocFacts,
    DocumentRef,
    Evidence,
)


def evidence_key(ev: Evidence) -> tuple[str, int, int]:
    return ev.doc, ev.start, ev.end


def dedupe_evidence(items: list[Evidence]) -> list[Evidence]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for ev in items:
        if evidence_key(ev) not in seen:
            seen.add(evidence_key(ev))
            out.append(ev)
    return out


# --- documents and sources ----------------------------------------------------------------


def _norm_publisher(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def document_refs(
    facts: Sequence[DocFacts | DocumentRef],
    grading: Mapping[str, str],
    copy_of: Mapping[str, str],
) -> tuple[list[DocumentRef], Sources]:
    """The documents (of ``facts``, or given as they are) as the brief lists them
    (graded, wire copies marked), and the :class:`~briefgen.fuse.developments.Sources`
    that corroboration reads."""
    grades = {_norm_publisher(k): v.strip().upper() for k, v in grading.items()}
    documents: list[DocumentRef] = []
    sources = Sources(graded=bool(grades))
    refs = [f.document if isinstance(f, DocFacts) else f for f in facts]
    ids = {d.id for d in refs}
    for i, ref in enumerate(refs):
        doc = ref.model_copy()
        doc.grading = grades.get(_norm_publisher(doc.publisher)) if grades else None
        original = copy_of.get(doc.id)
        doc.copy_of = original if original in ids and original != doc.id else None
        documents.append(doc)
        sources.published[doc.id] = doc.published
        sources.publisher[doc.id] = doc.publisher
        sources.grade[doc.id] = doc.grading
        sources.order[doc.id] = i
        if doc.copy_of:
            sources.original[doc.id] = doc.copy_of
    return documents, sources
