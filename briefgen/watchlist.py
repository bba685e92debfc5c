"""The watchlist: actors and topics to follow, each with its aliases.

In the configuration an item is a name or ``{name, aliases}``::

    watchlist:
      actors: ["Kim Jong-un", {name: "Sergei Shoigu", aliases: ["Shoigu"]}]
      topics: [{name: "arms transfers", aliases: ["arms deal", "weapons deliveries"]}]

Extraction receives topics as plain strings (they key the cache and cross process
boundaries): one string per topic, its name and aliases joined by ``|``
(:func:`encode_topic`). A topic matches a text when one of its terms appears as whole
words, ignoring case (``arms deal`` matches "an arms deal", not "farms dealt").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

SEPARATOR = "|"


def encode_topic(name: str, aliases: Sequence[str] = ()) -> str:
    """One topic as one string: ``name|alias|alias`` (``|`` in a term becomes a space)."""
    terms = [name, *aliases]
    return SEPARATOR.join(
        dict.fromkeys(" ".join(t.replace(SEPARATOR, " ").split()) for t in terms if t.strip())
    )


def topic_terms(encoded: str) -> list[str]:
    return [t for t in encoded.split(SEPARATOR) if t]


@lru_cache(maxsize=256)
def _regex(topics: tuple[str, ...]) -> re.Pattern[str] | None:
    terms = sorted({t for topic in topics for t in topic_terms(topic)}, key=len, reverse=True)
    if not terms:
        return None
    words = "|".join(r"\s+".join(re.escape(w) for w in term.split()) for term in terms)
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def mentions_topic(text: str, topics: Iterable[str]) -> bool:
    """Whether ``text`` names one of ``topics`` (encoded) as whole words."""
    regex = _regex(tuple(topics))
    return regex is not None and regex.search(text) is not None


def name_key(text: str) -> str:
    """A name compared ignoring case, spacing and the typographic apostrophe."""
    return " ".join(text.replace("’", "'").split()).lower()
