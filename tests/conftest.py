"""Shared fixtures and helpers for the briefgen test suite.

* ``nlp`` — the real English pipeline, loaded ONCE per session with
  ``load_nlp("auto", None)``; tests that use it are marked ``model`` automatically.
* ``facts_of(text, ...)`` — run the extractors over a small text written in the test.
* ``assert_spans(obj, texts)`` — check EVERY evidence / speaker / cue / content span
  of a Brief or DocFacts against the document texts (``text == doc_text[start:end]``).
* ``make_project(...)`` / ``invoke(...)`` — a temporary project (config.yaml + articles)
  and an in-process ``CliRunner`` call of the ``briefgen`` command group.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from briefgen.model import (
    Brief,
    DocFacts,
    Document,
    DocumentRef,
    Evidence,
    SpanRef,
    Statement,
)

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_FILE = SEEDS / "kim-putin-arms-talks.txt"
CORPUS = Path("/work/shared/corpus")

#: A fixed build time for reproducible outputs: 2023-11-14T22:13:20Z.
FIXED_EPOCH = "1700000000"
FIXED_GENERATED_AT = "2023-11-14T22:13:20+00:00"

#: The seven ICD 203 expressions of likelihood (DESIGN.md section 4).
ICD203 = (
    "almost no chance",
    "very unlikely",
    "unlikely",
    "roughly even chance",
    "likely",
    "very likely",
    "almost certain",
)


# --------------------------------------------------------------------------- markers


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything that uses the session model is a ``model`` test."""
    for item in items:
        if "nlp" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.model)


# --------------------------------------------------------------------------- cache isolation


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Builds in tests cache their extraction results in a temporary folder, never in
    the user's cache (``BRIEFGEN_CACHE_DIR``, see briefgen.store.cache)."""
    saved = os.environ.get("BRIEFGEN_CACHE_DIR")
    saved_locks = os.environ.get("BRIEFGEN_LOCK_DIR")
    os.environ["BRIEFGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("briefgen-cache"))
    os.environ["BRIEFGEN_LOCK_DIR"] = str(tmp_path_factory.mktemp("briefgen-locks"))
    yield
    if saved_locks is None:
        os.environ.pop("BRIEFGEN_LOCK_DIR", None)
    else:
        os.environ["BRIEFGEN_LOCK_DIR"] = saved_locks
    if saved is None:
        os.environ.pop("BRIEFGEN_CACHE_DIR", None)
    else:
        os.environ["BRIEFGEN_CACHE_DIR"] = saved


# --------------------------------------------------------------------------- logging hygiene


@pytest.fixture(autouse=True)
def _restore_briefgen_logger() -> Iterator[None]:
    """The CLI's ``setup_logging`` rewires the ``briefgen`` logger (own handler on the
    runner's stderr, ``propagate = False``); put it back so caplog keeps working."""
    logger = logging.getLogger("briefgen")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:] = saved[0]
    logger.setLevel(saved[1])
    logger.propagate = saved[2]


# --------------------------------------------------------------------------- spans


def ev(doc: Document, needle: str) -> Evidence:
    """The evidence of the first occurrence of ``needle`` in ``doc``."""
    start = doc.text.index(needle)
    return Evidence(doc=doc.id, start=start, end=start + len(needle), text=needle)


def ref(doc: Document) -> DocumentRef:
    """The brief's reference to ``doc``."""
    return DocumentRef(
        id=doc.id,
        title=doc.title,
        path=doc.path,
        publisher=doc.publisher,
        published=doc.published,
        sha256=doc.sha256,
    )


def _texts_by_doc(texts: Any, obj: Any) -> dict[str, str]:
    if isinstance(texts, str):
        if isinstance(obj, DocFacts):
            return {obj.document.id: texts}
        if isinstance(obj, Brief) and len(obj.documents) == 1:
            return {obj.documents[0].id: texts}
        raise TypeError("a single text needs a DocFacts or a one-document Brief")
    if isinstance(texts, Mapping):
        return dict(texts)
    if isinstance(texts, Sequence):
        out: dict[str, str] = {}
        for item in texts:
            if isinstance(item, Document):
                out[item.id] = item.text
            else:
                raise TypeError(f"cannot use {item!r} as a document text")
        return out
    raise TypeError(f"cannot read document texts from {texts!r}")


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    yield path, value
    if isinstance(value, BaseModel):
        for name, child in value:  # fields and extra keys
            yield from _walk(child, f"{path}.{name}")
    elif isinstance(value, (list, tuple)):
        for i, child in enumerate(value):
            yield from _walk(child, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, f"{path}.{key}")


def check_spans(obj: Brief | DocFacts, texts: Any) -> int:
    """Assert that every span in ``obj`` is an exact slice of its document's text.

    ``texts`` is a mapping doc id → text, a list of Documents, or one text for a
    DocFacts / one-document Brief. Returns how many spans were checked.
    """
    by_doc = _texts_by_doc(texts, obj)
    checked = 0
    problems: list[str] = []

    def check(path: str, doc: str, span: Evidence | SpanRef) -> None:
        nonlocal checked
        checked += 1
        if doc not in by_doc:
            problems.append(f"{path}: unknown document {doc!r}")
            return
        text = by_doc[doc]
        if not (0 <= span.start <= span.end <= len(text)):
            problems.append(f"{path}: offsets {span.start}-{span.end} outside the text")
        elif text[span.start : span.end] != span.text:
            problems.append(
                f"{path}: {span.text!r} != text[{span.start}:{span.end}] "
                f"{text[span.start : span.end]!r}"
            )

    for path, value in _walk(obj, type(obj).__name__):
        if isinstance(value, Evidence):
            check(path, value.doc, value)
        elif isinstance(value, Statement):
            for part in ("speaker", "cue", "content"):
                check(f"{path}.{part}", value.doc, getattr(value, part))
    assert not problems, "spans that are not slices of their text:\n" + "\n".join(problems)
    return checked


@pytest.fixture
def assert_spans() -> Callable[[Brief | DocFacts, Any], int]:
    """``assert_spans(brief_or_facts, texts)``: see :func:`check_spans`."""
    return check_spans


# --------------------------------------------------------------------------- the model


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The real English pipeline, loaded once for the whole session."""
    from briefgen.nlp import load_nlp

    return load_nlp("auto", None)


@pytest.fixture(scope="session")
def stock_nlp() -> Any:
    """The model as spaCy ships it (its own attribute ruler, lemmatizer and BLAS), with
    only briefgen's sentence fixer added: what briefgen's pipeline is compared against."""
    from briefgen.nlp.models import resolve_model
    from briefgen.nlp.sentences import add_sentence_fixer

    stock = resolve_model("auto", None)
    add_sentence_fixer(stock)
    return stock


FactsOf = Callable[..., DocFacts]


@pytest.fixture
def facts_of(nlp: Any) -> FactsOf:
    """``facts_of(text, title=..., published=...)`` → the DocFacts of that one text."""
    from briefgen.extract import ExtractOptions, extract

    def run(
        text: str,
        *,
        title: str = "Test article",
        published: str | None = None,
        watch_topics: Sequence[str] = (),
    ) -> DocFacts:
        document = Document(text=text, title=title, published=published)
        facts = extract(nlp(text), document, ExtractOptions(watch_topics=tuple(watch_topics)))
        check_spans(facts, text)  # every extractor test also checks every span
        return facts

    return run


# --------------------------------------------------------------------------- projects and CLI


def write_project(
    root: Path,
    articles: Mapping[str, str | bytes] | None = None,
    config: str | None = None,
    extra_config: str = "",
) -> Path:
    """A project folder: ``articles/`` with the given files and a ``config.yaml``.

    Returns the config path. The default config reads ``articles/*`` and writes
    ``out/brief.<ext>`` (a fixed name, whatever the date).
    """
    root.mkdir(parents=True, exist_ok=True)
    for name, content in (articles or {}).items():
        path = root / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    if config is None:
        config = (
            'title: "Test brief"\n'
            'marking: "TLP:AMBER"\n'
            "sources:\n"
            "  - path: articles/*\n"
            "output:\n"
            "  dir: out\n"
            '  name: "brief"\n'
            "  formats: [md, html, pdf, json]\n"
        )
    path = root / "config.yaml"
    path.write_text(config + extra_config, encoding="utf-8")
    return path


def copy_seed_project(root: Path) -> Path:
    """The repo's own config.yaml and seeds/ copied into ``root``; returns the config path."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "config.yaml", root / "config.yaml")
    shutil.copytree(SEEDS, root / "seeds")
    return root / "config.yaml"


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    def make(
        articles: Mapping[str, str | bytes] | None = None,
        config: str | None = None,
        extra_config: str = "",
    ) -> Path:
        return write_project(tmp_path, articles, config, extra_config)

    return make


def run_cli(args: Sequence[str], env: Mapping[str, str] | None = None) -> Any:
    """Invoke the ``briefgen`` group in-process; return click's ``Result``."""
    from click.testing import CliRunner

    from briefgen.cli import cli

    runner = CliRunner()
    return runner.invoke(cli, list(args), prog_name="briefgen", env=dict(env or {}))


@pytest.fixture
def invoke() -> Callable[..., Any]:
    return run_cli


@pytest.fixture
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> str:
    """Pin the build time (``SOURCE_DATE_EPOCH``) for the test."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    return FIXED_EPOCH


def corpus_dir() -> Path:
    """The shared corpus, or a clean skip when it is absent."""
    if not CORPUS.is_dir() or not any(CORPUS.iterdir()):
        pytest.skip(f"{CORPUS} is not available")
    return CORPUS


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip() not in ("", "0", "false", "no")


def hand_parse(rows: str) -> Any:
    """A Doc parsed by hand, one token a line: ``word POS TAG dep head`` (head: the
    index of the token's head; a root heads itself). No model needed."""
    import spacy
    from spacy.tokens import Doc

    cols = [line.split() for line in rows.strip().splitlines()]
    return Doc(
        spacy.blank("en").vocab,
        words=[c[0] for c in cols],
        pos=[c[1] for c in cols],
        tags=[c[2] for c in cols],
        deps=[c[3] for c in cols],
        heads=[int(c[4]) for c in cols],
    )
