"""HTML → PDF with WeasyPrint, fetching nothing but ``data:`` URLs and theme files.

WeasyPrint is imported inside the functions: it is slow to import and only
the ``pdf`` format needs it.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from briefgen.errors import RenderError

logger = logging.getLogger(__name__)

#: The PDF made without ``output.pdf_variant``: accessible (tagged PDF/UA-1).
DEFAULT_VARIANT = "pdf/ua-1"


def _is_inside(path: Path, folders: list[Path]) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)


def make_url_fetcher(allowed_folders: list[Path]) -> Any:
    """A ``weasyprint.urls.URLFetcher`` that allows only ``data:`` URLs and ``file:``
    URLs whose real path lies inside ``allowed_folders`` (the template search path).

    Anything else raises ``ValueError``: WeasyPrint then skips that resource (an
    image, a stylesheet, a font) and the document still renders.
    """
    from weasyprint.urls import URLFetcher

    folders = [folder.resolve() for folder in allowed_folders]

    class ThemeOnlyURLFetcher(URLFetcher):
        """Refuses the network and every file outside the theme folders."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                parts = urlsplit(url)
                if parts.netloc not in ("", "localhost"):
                    return self._refuse(url, "remote file URL")
                path = Path(url2pathname(unquote(parts.path))).resolve()
                if _is_inside(path, folders) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
                return self._refuse(url, "file outside the template folders")
            return self._refuse(url, f"{scheme or 'relative'} URLs are not fetched")

        @staticmethod
        def _refuse(url: str, reason: str) -> Any:
            logger.debug("PDF: not fetching %s (%s)", url[:200], reason)
            raise ValueError(f"briefgen does not fetch {url[:200]!r}: {reason}")

    return ThemeOnlyURLFetcher(allowed_protocols=["data", "file"], allow_redirects=False)


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: its HTML, the folder its relative URLs start from, the only
    folders it may read files from, and WeasyPrint's ``pdf_variant`` (if any). It is
    sent whole to the PDF worker (:mod:`briefgen.render.pdfworker`)."""

    html: str
    base_dir: Path
    allowed_folders: list[Path]
    pdf_variant: str | None = None

    def run(self) -> bytes:
        """The PDF, made in this process (:func:`html_to_pdf`)."""
        return html_to_pdf(
            self.html,
            base_dir=self.base_dir,
            allowed_folders=self.allowed_folders,
            pdf_variant=self.pdf_variant,
        )


def html_to_pdf(
    html: str, *, base_dir: Path, allowed_folders: list[Path], pdf_variant: str | None = None
) -> bytes:
    """The PDF of ``html`` (metadata comes from its ``<title>`` and ``<meta>`` tags,
    the language from ``<html lang>``, bookmarks from the CSS ``bookmark-level``).

    ``pdf_variant`` is WeasyPrint's ``pdf_variant`` (``"pdf/a-3u"``, ``"pdf/ua-1"``…);
    without one the PDF is PDF/UA-1 (:data:`DEFAULT_VARIANT`). Either way it is tagged.
    """
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: Pango or its friends missing
        raise RenderError(
            f"cannot make the PDF: WeasyPrint is unusable ({error}); install weasyprint and the "
            "Pango library (see https://doc.courtbouillon.org/weasyprint/stable/first_steps.html)"
        ) from error
    fetcher = make_url_fetcher(allowed_folders)
    collecting = gc.isenabled()
    gc.disable()  # the collector would walk the layout's boxes again and again (~25% of the time)
    try:
        document = HTML(string=html, base_url=str(base_dir), url_fetcher=fetcher)
        # Tagged always (structure for screen readers, reflow, copy in reading order);
        # PDF/UA-1 (XMP metadata stream, language, title shown) unless a PDF/A is asked for.
        pdf = document.write_pdf(pdf_variant=pdf_variant or DEFAULT_VARIANT, pdf_tags=True)
    except KeyError as error:
        if pdf_variant:
            raise RenderError(
                f"cannot make the PDF: WeasyPrint does not know the PDF variant {pdf_variant!r}; "
                "fix 'output.pdf_variant' (for example pdf/a-3u)"
            ) from error
        raise RenderError(f"cannot make the PDF: KeyError: {error}") from error
    except Exception as error:
        raise RenderError(f"cannot make the PDF: {type(error).__name__}: {error}") from error
    finally:
        if collecting:
            gc.enable()
    if not pdf:
        raise RenderError("cannot make the PDF: WeasyPrint returned nothing")
    return bytes(pdf)
