"""briefgen: turn news articles into a traceable intelligence brief, offline."""

from __future__ import annotations

__version__ = "0.1.0"
