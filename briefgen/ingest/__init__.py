"""Sources → :class:`~briefgen.model.Document` objects. No NLP, no output.

``ingest(config)`` reads the configured sources in order; ``read_file(path)`` reads one
file. One reader per format: ``.txt`` (text unchanged), ``.md``/``.markdown`` (YAML front
matter, body as plain text), ``.html``/``.htm`` (main text and metadata).
"""

from __future__ import annotations

from briefgen.ingest.base import SkippedInput
from briefgen.ingest.collect import IngestResult, Skipped, display_path, filter_period, ingest
from briefgen.ingest.files import READERS, read_file
from briefgen.ingest.walk import source_files

__all__ = [
    "READERS",
    "IngestResult",
    "Skipped",
    "SkippedInput",
    "display_path",
    "filter_period",
    "ingest",
    "read_file",
    "source_files",
]
