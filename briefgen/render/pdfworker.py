"""The PDF made on the second core: WeasyPrint in a process forked when the build starts.

Importing WeasyPrint (Pango through cffi, fontTools, pydyf) takes about 0.4 s and laying
out a brief about 0.1 s a page, all in one thread. A :class:`PdfWorker` is forked at
the start of a build, before the spaCy model is loaded (so it is small); it imports
WeasyPrint while the build reads, parses and fuses, then waits for the brief's HTML.
The build hands it over as soon as the HTML is rendered and writes the Markdown,
HTML and JSON meanwhile. The PDF is byte for byte the one :func:`html_to_pdf` makes in
the build's own process, which is what happens where ``fork`` is not available, when
``BRIEFGEN_PDF_WORKER=0`` is set, or if the worker dies.

The worker writes no file: it sends the PDF back through a pipe, and the build writes
every output atomically as before. It leaves when its one job is done, when the pipe
closes, or when the build's process is gone.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from briefgen.errors import RenderError
from briefgen.render.pdf import PdfJob

logger = logging.getLogger(__name__)

#: How often (seconds) an idle worker checks that the build's process is still there.
_PARENT_CHECK = 0.5


def available() -> bool:
    """Whether a worker can be forked here (Linux/macOS ``fork``; not disabled)."""
    if os.environ.get("BRIEFGEN_PDF_WORKER", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    return sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods()


def _serve(conn: Connection, parent: int) -> None:
    """The worker: import WeasyPrint, wait for one job, send back the PDF or an error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    with contextlib.suppress(Exception):
        import weasyprint  # noqa: F401  (warm the import; a failure is reported on use)
    while not conn.poll(_PARENT_CHECK):
        if os.getppid() != parent:
            return
    try:
        job: PdfJob | None = conn.recv()
    except (EOFError, OSError):
        return
    if job is None:
        return
    try:
        reply: tuple[str, Any] = ("pdf", job.run())
    except RenderError as error:
        reply = ("error", str(error))
    except Exception as error:  # noqa: BLE001  (reported by the build as a RenderError)
        reply = ("error", f"cannot make the PDF: {type(error).__name__}: {error}")
    with contextlib.suppress(OSError):
        conn.send(reply)


class PdfWorker:
    """One forked WeasyPrint process for one PDF: ``submit`` the HTML, then ``result``."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(
            target=_serve, args=(child, os.getpid()), name="briefgen-pdf", daemon=True
        )
        self._process.start()
        child.close()
        self._job: PdfJob | None = None
        self._sent = False
        self._answered = False
        #: Whether the last PDF came from the worker (False: made in this process).
        self.made_there = False

    def submit(self, job: PdfJob) -> None:
        """Hand the worker the PDF to make; returns at once."""
        self._job = job
        try:
            self._conn.send(job)
            self._sent = True
        except OSError as error:
            logger.debug("PDF worker unreachable (%s); rendering here", error)

    def result(self) -> bytes:
        """The PDF of the submitted HTML. Raises :class:`RenderError` as ``html_to_pdf``
        does; if the worker is gone, the PDF is made in this process instead."""
        if self._job is None:
            raise RenderError("cannot make the PDF: nothing was submitted to the PDF worker")
        reply: tuple[str, Any] | None = None
        if self._sent:
            with contextlib.suppress(EOFError, OSError):
                reply = self._conn.recv()
        self._answered = True
        self.close()
        if reply is None:
            logger.debug(
                "PDF worker ended without an answer (exit code %s); rendering here",
                self._process.exitcode,
            )
            return self._job.run()
        kind, value = reply
        self.made_there = True
        if kind == "error":
            raise RenderError(value)
        return bytes(value)

    def close(self) -> None:
        """Stop the worker (if it still runs) and reap it."""
        with contextlib.suppress(OSError):
            self._conn.close()
        if not self._answered:  # idle, or making a PDF nobody will read
            self._process.terminate()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)

    def __enter__(self) -> PdfWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: The worker :func:`prestart` forked, until :func:`start` takes it.
_early: PdfWorker | None = None


def _fork() -> PdfWorker | None:
    try:
        return PdfWorker()
    except OSError as error:  # no processes left, no memory to fork
        logger.debug("no PDF worker (%s); the PDF is rendered in this process", error)
        return None


def _wanted(formats: Sequence[str]) -> bool:
    """Whether a build of ``formats`` gets a worker: it makes a PDF, and one can be forked."""
    return "pdf" in formats and available()


def prestart(formats: Sequence[str] | None = None) -> None:
    """Fork the worker now, for the next :func:`start` (``briefgen build`` calls this
    before it reads the configuration: the import then overlaps everything else).
    ``formats``: the formats asked for on the command line; None when the configuration
    will say (a worker it turns out not to need is closed by :func:`start`)."""
    global _early
    if _early is None and _wanted(formats if formats is not None else ("pdf",)):
        _early = _fork()


def start(formats: Sequence[str]) -> PdfWorker | None:
    """A worker when ``formats`` has "pdf" and one can be forked here, else None; the
    one :func:`prestart` forked if there is one."""
    global _early
    early, _early = _early, None
    if not _wanted(formats):
        if early is not None:
            early.close()
        return None
    return early or _fork()
