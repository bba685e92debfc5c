"""``Brief`` → Word (``.docx``) with python-docx, styled by the user's ``reference.docx``.

The look comes from a reference document, as with pandoc: ``reference.docx`` in the
user's templates folder (``briefgen init`` writes one to edit in Word), else python-docx's
own default. Its body is replaced; its styles, page set-up, headers and footers are the
user's, and briefgen writes the marking into every header and footer (with the page
number in the footer). Headings use Word's built-in ``Heading 1``/``Heading 2`` styles,
so the navigation pane and the table of contents at the top work; actors, risks, the
timeline and the sources are Word tables; the figures are PNG images (drawn from the
brief's SVG figures with CairoSVG where it is installed). Evidence is numbered as in the
HTML: ``[n]`` in order of first citation, listed in the Evidence appendix at the end.

python-docx is imported inside :func:`render_docx`: only the ``docx`` format needs it.
Article text goes in as text runs (python-docx escapes it), never as markup; control
characters XML cannot hold are dropped first.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from briefgen.errors import RenderError
from briefgen.model import Brief
from briefgen.render import filters
from briefgen.render.context import EMPTY, bluf_items, shown_sources, since_last
from briefgen.render.evidence import EvidenceRegistry

logger = logging.getLogger(__name__)

#: The reference document looked for in the user's templates folder.
REFERENCE_NAME = "reference.docx"
#: The figures of the brief, in the order and with the captions they get in the document.
FIGURES = (
    ("timeline", "Timeline of dated events."),
    ("network", "Actor network: who appears with whom in the same evidence sentence."),
    ("risks", "Risk matrix: likelihood against impact."),
    ("publishers", "Documents by publisher."),
)
#: What the table of contents shows until Word fills it in.
TOC_PLACEHOLDER = (
    "The contents appear when the fields are updated: Word asks on opening "
    "(or right-click, Update Field)."
)
#: Width of a figure on the page, in inches.
FIGURE_WIDTH = 6.0

# Characters XML 1.0 cannot hold (python-docx raises on them).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: Any) -> str:
    """``text`` as a string Word can hold (XML-invalid control characters removed)."""
    return _XML_INVALID.sub("", str(text or ""))


def reference_docx(templates_dir: Path | None) -> Path | None:
    """The user's ``reference.docx`` (in ``templates_dir``), or None for the built-in look."""
    if templates_dir is None:
        return None
    candidate = Path(templates_dir) / REFERENCE_NAME
    return candidate if candidate.is_file() else None


def write_reference_docx(path: Path) -> None:
    """Write a reference document to edit in Word: every style the brief uses, each with
    a line of sample text, so that changing a style there changes every brief."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    doc.add_paragraph("Brief title (style: Title)", style="Title")
    doc.add_paragraph("Subtitle line (style: Subtitle)", style="Subtitle")
    doc.add_heading("Section (style: Heading 1)", level=1)
    doc.add_heading("Development (style: Heading 2)", level=2)
    doc.add_paragraph("Body text (style: Normal).")
    doc.add_paragraph("A key judgment (style: List Number).", style="List Number")
    doc.add_paragraph("A list item (style: List Bullet).", style="List Bullet")
    doc.add_paragraph("A direct quote (style: Quote).", style="Quote")
    doc.add_paragraph("Figure caption (style: Caption).", style="Caption")
    table = doc.add_table(rows=2, cols=2, style="Table Grid")
    table.cell(0, 0).text = "Tables use"
    table.cell(0, 1).text = "Table Grid"
    table.cell(1, 0).text = "Headers and footers"
    table.cell(1, 1).text = "hold the marking; set their font here"
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(buffer.getvalue())


def render_docx(
    brief: Brief,
    templates_dir: Path | None = None,
    *,
    author: str | None = None,
    figures: Mapping[str, str] | None = None,
) -> bytes:
    """The brief as a Word document (bytes of a ``.docx`` file).

    ``templates_dir`` is searched for ``reference.docx``; ``figures`` maps a figure name
    to its SVG (:func:`briefgen.render.figures.build_figures`); ``author`` goes in the
    document properties. Raises :class:`~briefgen.errors.RenderError` when python-docx is
    missing or the reference document cannot be read.
    """
    try:
        from docx import Document
    except ImportError as error:
        raise RenderError(
            "cannot make the Word file: python-docx is not installed; "
            "install it with: pip install python-docx"
        ) from error
    reference = reference_docx(templates_dir)
    try:
        doc = Document(str(reference)) if reference else Document()
    except Exception as error:  # a corrupt or non-docx reference file
        raise RenderError(
            f"{reference}: cannot read the reference document ({type(error).__name__}: "
            f"{error}); replace it (briefgen init writes a fresh one) or remove it"
        ) from error
    writer = _Writer(doc, brief, author or "briefgen")
    writer.write(figures or {})
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


class _Writer:
    """Fills one python-docx ``Document`` with one brief, section after section."""

    def __init__(self, doc: Any, brief: Brief, author: str) -> None:
        self.doc = doc
        self.brief = brief
        self.author = author
        self.registry = EvidenceRegistry(brief.documents)

    # --- the whole document --------------------------------------------------------------

    def write(self, figures: Mapping[str, str]) -> None:
        self._clear_body()
        self._properties()
        self._marking()
        self._title_block()
        self._toc()
        self._judgments()
        self._developments()
        self._since_last()
        self._actors()
        self._statements()
        self._risks()
        self._questions()
        self._timeline()
        self._figures(figures)
        self._sources()
        self._evidence()

    def _clear_body(self) -> None:
        """Remove the reference document's sample content; keep its section settings."""
        body = self.doc.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)

    def _properties(self) -> None:
        props = self.doc.core_properties
        props.title = _property(self.brief.title)
        props.author = _property(self.author)
        props.subject = _property(f"{self.brief.marking.label} intelligence brief")
        props.keywords = _property(f"intelligence brief, {self.brief.marking.label}")
        props.comments = "briefgen"
        created = _datetime(self.brief.generated_at)
        if created is not None:
            props.created = created
            props.modified = created
        props.language = "en"

    def _marking(self) -> None:
        """The marking in every page's header and footer; the page number in the footer."""
        label = clean(self.brief.marking.label)
        even = bool(self.doc.settings.odd_and_even_pages_header_footer)
        for section in self.doc.sections:
            section.different_first_page_header_footer = False
            headers = [section.header] + ([section.even_page_header] if even else [])
            footers = [section.footer] + ([section.even_page_footer] if even else [])
            for header in headers:
                header.is_linked_to_previous = False
                para = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
                para.text = ""
                para.alignment = _center()
                _bold(para.add_run(label))
            for footer in footers:
                footer.is_linked_to_previous = False
                para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
                para.text = ""
                para.alignment = _center()
                _bold(para.add_run(label))
                para.add_run("    Page ")
                _field(para, "PAGE", "1")
                para.add_run(" of ")
                _field(para, "NUMPAGES", "1")

    # --- sections ------------------------------------------------------------------------

    def _title_block(self) -> None:
        brief = self.brief
        self.doc.add_paragraph(clean(brief.title), style="Title")
        meta = [
            ("Generated", filters.format_datetime(brief.generated_at) or "—"),
            ("Period covered", filters.format_period(brief.period) or "Not stated"),
            ("Sources", filters.plural(len(brief.documents), "document")),
            ("Prepared by", self.author),
            ("Marking", brief.marking.label),
        ]
        if brief.marking.handling:
            meta.append(("Handling", brief.marking.handling))
        para = self.doc.add_paragraph()
        for index, (name, value) in enumerate(meta):
            if index:
                para.add_run().add_break()
            _bold(para.add_run(f"{name}: "))
            para.add_run(clean(value))

    def _toc(self) -> None:
        """A table of contents field; Word offers to fill it in on opening (the document
        asks for its fields to be updated), LibreOffice with Tools → Update."""
        _update_fields_on_open(self.doc)
        self.doc.add_paragraph(
            "Contents", style="TOC Heading" if _has(self.doc, "TOC Heading") else None
        )
        para = self.doc.add_paragraph()
        _field(para, 'TOC \\o "1-2" \\h \\z \\u', TOC_PLACEHOLDER)

    def _heading(self, text: str, count: int | None = None) -> None:
        self.doc.add_heading(clean(text if count is None else f"{text} ({count})"), level=1)

    def _empty(self) -> None:
        self.doc.add_paragraph(EMPTY)

    def _cite(self, item: Any) -> str:
        numbers = self.registry.numbers(item)
        if not numbers:
            return ""
        more = self.registry.uncited(item)
        return " " + "".join(f"[{n}]" for n in numbers) + (f" +{more}" if more else "")

    def _para_cited(self, text: str, item: Any, style: str | None = None) -> Any:
        para = self.doc.add_paragraph(style=style)
        para.add_run(clean(text))
        refs = self._cite(item)
        if refs:
            run = para.add_run(refs)
            run.font.superscript = True
        return para

    def _judgments(self) -> None:
        self._heading("Key judgments")
        items = bluf_items(self.brief)
        for item in items:
            self._para_cited(item.text, item.evidence, style="List Number")
        if not items:
            self._empty()

    def _since_last(self) -> None:
        changes = since_last(self.brief)
        if changes is None:
            return
        self._heading("Since the last brief")
        devs, actors = changes["developments"], changes["actors"]
        if not devs and not actors:
            self.doc.add_paragraph(f"Nothing new since the brief of {changes['previous']}.")
            return
        self.doc.add_paragraph(
            f"Compared with the brief of {changes['previous']}: "
            f"{filters.plural(len(devs), 'new key development')}, "
            f"{filters.plural(len(actors), 'new actor')}."
        )
        for dev in devs:
            self._para_cited(dev.summary, dev.evidence, style="List Bullet")
        if actors:
            para = self.doc.add_paragraph()
            _bold(para.add_run("New actors: "))
            para.add_run(clean(", ".join(a.name for a in actors)))

    def _developments(self) -> None:
        devs = self.brief.key_developments
        self._heading("Key developments", len(devs))
        for number, dev in enumerate(devs, start=1):
            # The heading stays plain text (the navigation pane and contents show it);
            # its references go in the Evidence row.
            self.doc.add_heading(clean(f"{number}. {dev.summary}"), level=2)
            refs = self._cite(dev.evidence)
            rows = [
                ("Who", "; ".join(dev.who) or "Not stated"),
                ("What", dev.what or "Not stated"),
                ("When", filters.format_when(dev.when) or "Not stated"),
                ("Where", "; ".join(dev.where) or "Not stated"),
                ("Confidence", f"{dev.confidence}; {filters.plural(dev.corroboration, 'source')}"),
            ]
            if refs:
                rows.append(("Evidence", refs.strip()))
            if dev.sourcing:
                rows.append(("Sourcing", dev.sourcing))
            if dev.hedges:
                rows.append(("Hedging", ", ".join(dev.hedges)))
            for contradiction in dev.contradictions:
                claims = "; ".join(c.value + self._cite(c.evidence) for c in contradiction.claims)
                rows.append(
                    ("Reports differ", f"{filters.upper_first(contradiction.about)}: {claims}")
                )
            self._table(None, rows, header_column=True)
        if not devs:
            self._empty()

    def _actors(self) -> None:
        actors = self.brief.actors
        self._heading("Actors", len(actors))
        if not actors:
            self._empty()
            return
        rows = []
        for actor in actors:
            name = actor.name + (f" (also {', '.join(actor.aliases)})" if actor.aliases else "")
            rows.append(
                (
                    name + self._cite(actor.evidence[:1]),
                    filters.upper_first(actor.type),
                    actor.role or "—",
                    actor.affiliation or "—",
                    str(actor.mentions),
                )
            )
        self._table(("Actor", "Type", "Role", "Affiliation", "Mentions"), rows)

    def _statements(self) -> None:
        statements = self.brief.statements
        self._heading("Statements", len(statements))
        for st in statements:
            text = filters.quote(st.content.text) if st.direct else st.content.text
            self._para_cited(text, st, style="Quote" if _has(self.doc, "Quote") else None)
            speaker = st.speaker_name or st.speaker.text
            kind = "direct quote" if st.direct else "reported speech"
            self.doc.add_paragraph(
                clean(f"— {speaker}, {st.cue.text} ({kind}; {self.registry.doc_label(st.doc)})")
            )
        if not statements:
            self._empty()

    def _risks(self) -> None:
        risks = self.brief.risks
        self._heading("Risks", len(risks))
        if not risks:
            self._empty()
            return
        rows = [
            (
                r.summary + self._cite(r.evidence),
                r.category,
                (
                    f"{r.likelihood} ({filters.likelihood_range(r.likelihood)})"
                    if r.likelihood
                    else "not stated" + (f" (source: “{r.basis}”)" if r.basis else "")
                ),
                r.impact,
            )
            for r in risks
        ]
        self._table(("Risk", "Category", "Likelihood", "Impact"), rows)

    def _questions(self) -> None:
        questions = self.brief.open_questions
        self._heading("Open questions", len(questions))
        for q in questions:
            para = self._para_cited(q.question, q.evidence, style="List Number")
            if q.basis:
                para.add_run().add_break()
                para.add_run(clean(f"Basis: {q.basis}")).italic = True
        if not questions:
            self._empty()

    def _timeline(self) -> None:
        entries = filters.timeline_order(self.brief.timeline)
        self._heading("Timeline", len(entries))
        if not entries:
            self._empty()
            return
        rows = [
            (
                filters.format_date(e.date, e.precision, e.when) or e.when or "Undated",
                e.text + self._cite(e.evidence),
            )
            for e in entries
        ]
        self._table(("Date", "Event"), rows)

    def _figures(self, figures: Mapping[str, str]) -> None:
        shown = [(name, caption, figures.get(name, "")) for name, caption in FIGURES]
        shown = [(name, caption, svg) for name, caption, svg in shown if str(svg).strip()]
        if not shown:
            return
        images = [(caption, png) for _, caption, svg in shown if (png := svg_to_png(str(svg)))]
        if not images:
            return
        from docx.shared import Inches

        self._heading("Figures")
        for caption, png in images:
            self.doc.add_picture(io.BytesIO(png), width=Inches(FIGURE_WIDTH))
            self.doc.add_paragraph(caption, style="Caption" if _has(self.doc, "Caption") else None)

    def _sources(self) -> None:
        docs = shown_sources(self.brief, {e.doc for e in self.registry.entries()})
        self._heading("Sources", len(self.brief.documents))
        if not docs:
            self._empty()
            return
        rows = [
            (
                self.registry.doc_label(d.id),
                d.title,
                d.publisher or "—",
                filters.format_date(d.published) or "—",
                d.url or d.path or "—",
            )
            for d in docs
        ]
        self._table(("", "Title", "Publisher", "Published", "Link"), rows)

    def _evidence(self) -> None:
        entries = self.registry.entries()
        self._heading("Evidence", len(entries))
        for entry in entries:
            para = self.doc.add_paragraph()
            _bold(para.add_run(f"[{entry.number}] "))
            para.add_run(clean(f"{entry.doc_label}, {entry.title}, characters "))
            para.add_run(f"{entry.start}–{entry.end}: ")
            para.add_run(clean(filters.quote(entry.text)))
        if not entries:
            self._empty()

    # --- tables ----------------------------------------------------------------------------

    def _table(
        self,
        header: tuple[str, ...] | None,
        rows: Sequence[tuple[str, ...]],
        header_column: bool = False,
    ) -> Any:
        width = len(header) if header else len(rows[0])
        table = self.doc.add_table(rows=0, cols=width)
        if _has(self.doc, "Table Grid"):
            table.style = "Table Grid"
        if header:
            cells = table.add_row().cells
            for cell, text in zip(cells, header, strict=True):
                cell.text = ""
                _bold(cell.paragraphs[0].add_run(clean(text)))
            _repeat_header(table.rows[0])
        for row in rows:
            cells = table.add_row().cells
            for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
                run = cell.paragraphs[0].add_run(clean(text))
                if header_column and index == 0:
                    run.bold = True
        self.doc.add_paragraph()
        return table


def svg_to_png(svg: str) -> bytes | None:
    """The PNG of one SVG figure (CairoSVG), or None when CairoSVG or Cairo is missing."""
    try:
        import cairosvg
    except (ImportError, OSError) as error:  # OSError: the Cairo library is missing
        logger.debug("docx: figures left out (CairoSVG unusable: %s)", error)
        return None
    try:
        png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=1200, unsafe=False)
    except Exception as error:  # noqa: BLE001 - a figure never sinks the document
        logger.warning("docx: a figure could not be drawn (%s); left out", error)
        return None
    return bytes(png) if png else None


# --- small python-docx helpers ---------------------------------------------------------------


def _property(text: str) -> str:
    """A document property: Word allows at most 255 characters."""
    value = " ".join(clean(text).split())
    return value if len(value) <= 255 else value[:254] + "…"


def _bold(run: Any) -> Any:
    run.bold = True
    return run


def _center() -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return WD_ALIGN_PARAGRAPH.CENTER


def _has(doc: Any, style: str) -> bool:
    try:
        doc.styles[style]
    except KeyError:
        return False
    return True


def _field(paragraph: Any, instruction: str, placeholder: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``, ``TOC …``) in ``paragraph``, built with
    python-docx's element factory: begin, instruction, separate, placeholder, end."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")  # Word updates it on opening
        return element

    paragraph.add_run()._r.append(char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(char("end"))


def _update_fields_on_open(doc: Any) -> None:
    """``<w:updateFields w:val="true"/>`` in the settings: Word updates the table of
    contents and page counts when the document is opened."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    # CT_Settings is a sequence: Word refuses a file whose settings are out of order.
    later = next((child for child in settings if _local(child.tag) in _AFTER_UPDATE), None)
    if later is None:
        settings.append(element)
    else:
        later.addprevious(element)


#: The elements of ``w:settings`` that come after ``w:updateFields`` (ECMA-376 17.15.1.78).
_AFTER_UPDATE = frozenset(
    "hdrShapeDefaults footnotePr endnotePr compat docVars rsids mathPr attachedSchema "
    "themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats doNotAutoCompressPictures "
    "forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary shapeDefaults "
    "doNotEmbedSmartTags decimalSymbol listSeparator".split()
)


def _local(tag: Any) -> str:
    return str(tag).rpartition("}")[2]


def _repeat_header(row: Any) -> None:
    """Repeat a table's first row at the top of each page it runs onto."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    props.append(element)


def _datetime(value: str) -> Any:
    from datetime import datetime

    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
