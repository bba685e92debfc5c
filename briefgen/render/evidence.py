"""Evidence references: numbered [1], [2]… in order of first citation.

One :class:`EvidenceRegistry` lives for one rendering. Templates cite evidence
with the ``cite`` filter (which numbers each unique ``(doc, start, end)`` span
once, on first use) and list the appendix with ``evidence_entries()`` at the
end, so numbers follow reading order whatever order a custom template uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from briefgen.model import DocumentRef, Evidence, Statement


@dataclass(frozen=True)
class EvidenceEntry:
    """One numbered line of the evidence appendix."""

    number: int
    doc: str
    start: int
    end: int
    text: str
    document: DocumentRef | None
    doc_label: str  # "D1", "D2"… the document's place in the Sources list

    @property
    def anchor(self) -> str:
        return f"ev-{self.number}"

    @property
    def title(self) -> str:
        return self.document.title if self.document else f"document {self.doc}"


def as_evidence(item: Any) -> list[Evidence]:
    """Evidence of anything citable: an ``Evidence``, a list of them, or a ``Statement``."""
    if item is None:
        return []
    if isinstance(item, Evidence):
        return [item]
    if isinstance(item, Statement):
        span = item.content
        return [Evidence(doc=item.doc, start=span.start, end=span.end, text=span.text)]
    if isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
        return [ev for element in item for ev in as_evidence(element)]
    evidence = getattr(item, "evidence", None)
    if evidence is not None:
        return as_evidence(evidence)
    raise TypeError(f"cannot cite a {type(item).__name__}: expected evidence or a statement")


class EvidenceRegistry:
    """Numbers evidence spans in order of first citation, one number per unique span."""

    #: References shown for one item; a development reported by 30 documents cites its
    #: first three reports and says "+27" (the JSON keeps every span).
    max_refs = 3

    def __init__(self, documents: Iterable[DocumentRef]) -> None:
        self._documents = {doc.id: doc for doc in documents}
        self._labels = {
            doc_id: f"D{index}" for index, doc_id in enumerate(self._documents, start=1)
        }
        self._numbers: dict[tuple[str, int, int], EvidenceEntry] = {}

    def numbers(self, item: Any, limit: int | None = None) -> list[int]:
        """The reference numbers of ``item``'s evidence, numbering new spans; sorted, unique.

        At most ``limit`` (default :attr:`max_refs`) spans of one item are cited (the first
        ones: a development lists its earliest report first); :meth:`uncited` says how many
        were left out.
        """
        found: set[int] = set()
        for key, ev in self._spans(item)[: self._limit(limit)]:
            entry = self._numbers.get(key)
            if entry is None:
                entry = EvidenceEntry(
                    number=len(self._numbers) + 1,
                    doc=ev.doc,
                    start=ev.start,
                    end=ev.end,
                    text=ev.text,
                    document=self._documents.get(ev.doc),
                    doc_label=self._labels.get(ev.doc, "?"),
                )
                self._numbers[key] = entry
            found.add(entry.number)
        return sorted(found)

    def uncited(self, item: Any, limit: int | None = None) -> int:
        """How many distinct evidence spans of ``item`` are beyond the limit."""
        return max(0, len(self._spans(item)) - self._limit(limit))

    def _limit(self, limit: int | None) -> int:
        return self.max_refs if limit is None else max(1, int(limit))

    @staticmethod
    def _spans(item: Any) -> list[tuple[tuple[str, int, int], Evidence]]:
        spans: dict[tuple[str, int, int], Evidence] = {}
        for ev in as_evidence(item):
            spans.setdefault((ev.doc, ev.start, ev.end), ev)
        return list(spans.items())

    def entries(self) -> list[EvidenceEntry]:
        """Every span cited so far, by number."""
        return sorted(self._numbers.values(), key=lambda entry: entry.number)

    def doc_label(self, doc_id: str) -> str:
        return self._labels.get(doc_id, "?")

    def cite_html(self, item: Any, limit: int | None = None) -> Markup:
        """``<sup class="refs"><a href="#ev-1">[1]</a>…</sup>``, or nothing without evidence;
        ``+N`` after the links when the item has more evidence than is cited."""
        links = [Markup('<a href="#ev-{0}">[{0}]</a>').format(n) for n in self.numbers(item, limit)]
        if not links:
            return Markup("")
        more = self.uncited(item, limit)
        if more:
            links.append(
                Markup('<span class="more" title="{0} more in the JSON brief">+{0}</span>').format(
                    more
                )
            )
        return Markup('<sup class="refs">{}</sup>').format(Markup("").join(links))

    def cite_md(self, item: Any, limit: int | None = None) -> Markup:
        """`` [1][2]`` (with a leading space; plain text in CommonMark, as no link
        definitions exist), `` [1][2][3] +27`` beyond three spans, or nothing."""
        numbers = self.numbers(item, limit)
        if not numbers:
            return Markup("")
        more = self.uncited(item, limit)
        return Markup(" " + "".join(f"[{n}]" for n in numbers) + (f" +{more}" if more else ""))
