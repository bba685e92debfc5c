"""The documentation's lists of template blocks match the default theme.

The README ("Customising the look") and docs/templates.md ("Blocks") each list the blocks of
the HTML/PDF template and of the Markdown template, in page order. Each list sits between two
HTML comments, invisible on the rendered page::

    <!-- blocks:html -->
    Blocks of the HTML/PDF template, in page order: `head`, `style` (the inlined `style.css`), …
    <!-- /blocks:html -->

Inside the markers, the block names are the backticked identifiers outside parentheses, so
a remark in parentheses may quote anything (`<head>`, `style.css`, `title`).

The blocks themselves are read from the templates: the entry template (``brief.html.j2``,
``brief.md.j2``) is followed along its ``{% extends %}`` chain to the base layout, whose
``{% block NAME %}`` tags give the blocks in page order. The base layout's own header
comment (``Blocks: a, b, ….``) is checked too.

Reads files only: nothing is imported from briefgen, so moving its modules cannot break this.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
DOCS = {"README.md": ROOT / "README.md", "docs/templates.md": ROOT / "docs" / "templates.md"}
ENTRIES = {"html": "brief.html.j2", "md": "brief.md.j2"}

_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_BLOCK = re.compile(r"\{%-?\s*block\s+(\w+)")
_EXTENDS = re.compile(r"""\{%-?\s*extends\s+["']([^"']+)["']""")
_PARENS = re.compile(r"\([^()]*\)")
_NAME = re.compile(r"`([A-Za-z_]\w*)`")


def _template(name: str) -> str:
    path = TEMPLATES / name.removeprefix("!default/")
    assert path.is_file(), f"template {name} not found in {TEMPLATES}"
    return path.read_text(encoding="utf-8")


def _base_of(entry: str) -> str:
    """The root of ``entry``'s ``{% extends %}`` chain (the template that extends nothing)."""
    name, seen = entry, [entry]
    while match := _EXTENDS.search(_COMMENT.sub("", _template(name))):
        name = match.group(1)
        assert name not in seen, f"extends loop: {' -> '.join([*seen, name])}"
        seen.append(name)
    return name


def template_blocks(kind: str) -> list[str]:
    """The blocks of the default theme's ``kind`` ("html" or "md") template, in page order."""
    base = _base_of(ENTRIES[kind])
    blocks = _BLOCK.findall(_COMMENT.sub("", _template(base)))
    assert blocks, f"no {{% block %}} found in {base}"
    return blocks


def documented_blocks(doc: Path, kind: str) -> list[str]:
    """The block names listed between ``<!-- blocks:KIND -->`` and ``<!-- /blocks:KIND -->``."""
    text = doc.read_text(encoding="utf-8")
    start, end = f"<!-- blocks:{kind} -->", f"<!-- /blocks:{kind} -->"
    assert text.count(start) == 1 and text.count(end) == 1, (
        f"{doc.name}: expected exactly one {start} … {end} around the list of blocks"
    )
    section = text[text.index(start) + len(start) : text.index(end)]
    while _PARENS.search(section):  # drop remarks, innermost parentheses first
        section = _PARENS.sub("", section)
    return _NAME.findall(section)


def _diff(documented: list[str], actual: list[str]) -> str:
    missing = [b for b in actual if b not in documented]
    extra = [b for b in documented if b not in actual]
    return f"missing {missing}, not in the template {extra}; template order: {actual}"


@pytest.mark.parametrize("kind", sorted(ENTRIES))
@pytest.mark.parametrize("doc", sorted(DOCS))
def test_docs_list_every_block_in_page_order(doc: str, kind: str) -> None:
    actual = template_blocks(kind)
    documented = documented_blocks(DOCS[doc], kind)
    assert documented == actual, f"{doc}, {kind} template: {_diff(documented, actual)}"


@pytest.mark.parametrize("kind", sorted(ENTRIES))
def test_base_template_header_lists_every_block(kind: str) -> None:
    base = _base_of(ENTRIES[kind])
    header = re.search(r"Blocks:(.*?)\.", _template(base), re.DOTALL)
    assert header, f"{base}: its header comment has no 'Blocks: …' line"
    listed = re.findall(r"\w+", header.group(1))
    actual = template_blocks(kind)
    assert listed == actual, f"{base} header comment: {_diff(listed, actual)}"


def test_init_scaffold_lists_every_block() -> None:
    """The commented brief.html.j2 that ``briefgen init`` writes lists the blocks too."""
    scaffold = ROOT / "briefgen" / "project" / "scaffold.py"
    header = re.search(r"Blocks, in page order:(.*?)\.", scaffold.read_text(encoding="utf-8"), re.S)
    assert header, f"{scaffold}: no 'Blocks, in page order: …' in the brief.html.j2 comment"
    listed = re.findall(r"\w+", header.group(1))
    actual = template_blocks("html")
    assert listed == actual, f"briefgen init's brief.html.j2: {_diff(listed, actual)}"


def test_parsers_see_the_theme() -> None:
    """Guards the parsing itself: a few blocks every theme version has, where they belong."""
    html, md = template_blocks("html"), template_blocks("md")
    assert {"head", "style", "evidence"} <= set(html)
    assert "evidence" in md and "head" not in md
    assert len(html) == len(set(html)) and len(md) == len(set(md))
