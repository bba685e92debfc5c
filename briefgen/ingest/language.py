"""Which language a document is in, detected once at ingest.

briefgen's pipeline reads English: a document in another language would be parsed as
English (the French "Un" read as a *who*, "mer Rouge" as an organisation), so it is
skipped with one warning naming it and its language instead (:func:`check_language`).

Detection is two-step, so that the common case costs nothing: a text whose words are
plainly English (its share of English function words, which no other language shares
at that rate) is English without a model; anything else goes to py3langid (a
maintained, deterministic naive-Bayes identifier over 97 languages, loaded lazily
once per process: ~1 s, then under a millisecond per document).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from briefgen.ingest.base import SkippedInput

if TYPE_CHECKING:
    from briefgen.model import Document

#: Languages briefgen reads (ISO 639-1).
READ = frozenset({"en"})
#: Text looked at (the opening is enough, and bounds the cost).
SAMPLE_CHARS = 3000
#: Fewer words than this and nothing is decided (a title, a list of figures).
MIN_WORDS = 12
#: Share of English function words above which a text is English without the model
#: (English news runs at 0.3–0.45, a short headline-like text full of names at ~0.1;
#: French, Spanish, German run under 0.05).
ENGLISH_SHARE = 0.08
#: How sure the identifier must be before a document is left out as not English.
MIN_PROBABILITY = 0.95
#: The languages the identifier chooses among: the major languages of the news (a short
#: English text is otherwise sometimes taken for a pidgin or a dialect).
LANGUAGES = (
    "en fr de es it pt nl ru uk ar zh ja ko tr pl sv no da fi fa he id hi cs ro hu el bg "
    "sr hr vi th ms ca sk sl lt lv et ur bn ta sw"
).split()

_ENGLISH = frozenset(
    """
    the of and to in is was that for on with said by as at from it has have be are were
    this which his her their its an he she they will would not but who been had also
    """.split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

NAMES = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ru": "Russian",
    "uk": "Ukrainian",
    "ar": "Arabic",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "tr": "Turkish",
    "pl": "Polish",
    "sv": "Swedish",
    "fa": "Persian",
    "he": "Hebrew",
    "id": "Indonesian",
}


def language_name(code: str) -> str:
    return NAMES.get(code, code)


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(LANGUAGES)
    return ident


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when it cannot be told (too
    short, or the identifier is not sure)."""
    sample = text[:SAMPLE_CHARS]
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < MIN_WORDS:
        return None
    if sum(w in _ENGLISH for w in words) >= ENGLISH_SHARE * len(words):
        return "en"
    code, prob = _identifier().classify(sample)
    return str(code) if prob >= MIN_PROBABILITY else None


def check_language(document: Document) -> Document:
    """Set ``document.language``; raise :class:`SkippedInput` when it is not one briefgen
    reads (the reason names the language: ``in French (fr); briefgen reads English``)."""
    code = detect_language(document.text)
    document.language = code
    if code is not None and code not in READ:
        raise SkippedInput(
            f"in {language_name(code)} ({code}); briefgen reads English only, "
            "so it was left out rather than read as English"
        )
    return document
