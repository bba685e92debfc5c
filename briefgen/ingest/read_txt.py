"""Plain-text articles: the text is the file's content, unchanged."""

from __future__ import annotations

from pathlib import Path

from briefgen.ingest.base import guess_title
from briefgen.model import Document


def read_txt(text: str, path: Path) -> Document:
    return Document(text=text, title=guess_title(text, path), path=str(path))
