"""``briefgen init DIR``: a new project that builds as is.

The project holds a commented ``config.yaml`` (the default configuration with
the templates folder switched on), ``seeds/`` with the bundled sample article
(shipped inside the package as ``briefgen/data/sample/``), and ``templates/``
with working, commented examples of a block override and a CSS override, and the
template reference (``REFERENCE.md``, the repository's ``docs/templates.md``), and
``templates/reference.docx``, whose styles the Word brief takes (edit it in Word).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from briefgen.config import default_config_text
from briefgen.data import missing, shipped
from briefgen.errors import ProjectExistsError
from briefgen.render.docx import REFERENCE_NAME, write_reference_docx

logger = logging.getLogger(__name__)

SAMPLE_NAME = "kim-putin-arms-talks.txt"

BRIEF_HTML = """\
{#- Your HTML and PDF brief. It extends the built-in theme, so it only needs the
    blocks you change; everything else stays as it is.

    Blocks, in page order: head, style, page_style, banner_top, title, bluf,
    developments, since_last, stories, watchlist, actors, statements, risks,
    questions, timeline, sources, evidence, footer, banner_bottom. Inside a block,
    {{ super() }} inserts the built-in content. Variables, filters, macros and
    blocks are described in REFERENCE.md, next to this file (briefgen init wrote
    it from the installed briefgen); `briefgen templates list` shows which file
    each template name resolves to.

    Templates run sandboxed: a mistake stops the build with the file and line. -#}
{% extends "!default/brief.html.j2" %}

{#- CSS override: custom.css (next to this file) is added after the built-in
    stylesheet, so its rules win. To replace the built-in stylesheet entirely,
    put a style.css in this folder instead. -#}
{% block style %}
{{ super() }}
<style>
{{ theme_css("custom.css") }}
</style>
{% endblock %}

{#- Block override example: a desk name above the title.
    To switch it on, delete the two lines that say "delete me". -#}
{# delete me
{% block title %}
<p class="kicker">Regional desk · for internal distribution</p>
{{ super() }}
{% endblock %}
delete me #}

{#- A logo: put logo.png in this folder and switch this on the same way (a block
    can be defined once: to keep both examples, merge them into one title block).
    Only files inside the template folders can be read, and they are inlined. -#}
{# delete me
{% block title %}
<img src="{{ theme_asset('logo.png') }}" alt="" width="90">
{{ super() }}
{% endblock %}
delete me #}
"""

BRIEF_MD = """\
{#- Your Markdown brief: extends the built-in one; override blocks as in
    brief.html.j2 (every value is Markdown-escaped for you). -#}
{% extends "!default/brief.md.j2" %}

{#- Example: a note under the title (delete the two "delete me" lines). -#}
{# delete me
{% block title %}
{{ super() }}
*Prepared for the morning meeting.*

{% endblock %}
delete me #}
"""

CUSTOM_CSS = """\
/* CSS override: these rules are added after the built-in stylesheet
   (see the style block in brief.html.j2). The default theme is driven by
   CSS variables, so recolouring takes a few lines. Uncomment to try: */

/*
:root {
  --accent: #6b1f1f;
  --accent-soft: #f7eeee;
}
h1 { letter-spacing: -0.01em; }
*/

/* The page size and margins of the PDF:
@page { size: letter; }
*/
"""


def _shipped_text(installed: str) -> str:
    path = shipped(installed)
    if path is None or not path.is_file():
        raise ProjectExistsError(missing(f"briefgen's own {installed}", installed))
    return path.read_text(encoding="utf-8")


def sample_article() -> str:
    """The bundled sample article (the repository's ``seeds/`` file)."""
    return _shipped_text(f"data/sample/{SAMPLE_NAME}")


def template_reference() -> str:
    """The template reference (the repository's ``docs/templates.md``)."""
    return _shipped_text("data/templates.md")


def project_config() -> str:
    """The commented default configuration, with the templates folder switched on."""
    text = default_config_text()
    switched = text.replace("\n# templates: templates\n", "\ntemplates: templates\n", 1)
    if switched == text:  # the default text changed shape: add the key at the end
        switched = text.rstrip("\n") + "\n\n# Templates searched first.\ntemplates: templates\n"
    return switched


def project_files() -> dict[str, str]:
    """Every file of a new project: path relative to the project folder → content."""
    return {
        "config.yaml": project_config(),
        f"seeds/{SAMPLE_NAME}": sample_article(),
        "templates/brief.html.j2": BRIEF_HTML,
        "templates/brief.md.j2": BRIEF_MD,
        "templates/custom.css": CUSTOM_CSS,
        "templates/REFERENCE.md": template_reference(),
    }


def _visible_entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def init_project(folder: Path | str, *, force: bool = False) -> list[Path]:
    """Create a project in ``folder`` (made if missing); return the files written.

    A folder that already holds visible files is refused unless ``force``, which
    overwrites briefgen's own files and leaves everything else alone.
    Raises :class:`~briefgen.errors.ProjectExistsError`.
    """
    root = Path(folder).expanduser()
    if root.exists() and not root.is_dir():
        raise ProjectExistsError(f"{root}: exists and is not a folder; choose another path")
    if root.is_dir() and not force:
        present = _visible_entries(root)
        if present:
            shown = ", ".join(present[:5]) + (", …" if len(present) > 5 else "")
            raise ProjectExistsError(
                f"{root}: the folder is not empty ({shown}); choose a new or empty folder, "
                "or add --force to overwrite briefgen's files (config.yaml, seeds/, templates/)"
            )
    written: list[Path] = []
    try:
        for relative, content in project_files().items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.name}.tmp")
            temp.write_text(content, encoding="utf-8")
            os.replace(temp, path)
            written.append(path)
            logger.debug("wrote %s", path)
        written.append(_write_reference(root / "templates" / REFERENCE_NAME))
    except OSError as error:
        reason = error.strerror or str(error)
        raise ProjectExistsError(f"{error.filename or root}: cannot write: {reason}") from error
    return written


def _write_reference(path: Path) -> Path:
    """The Word brief's reference document (its styles), written atomically."""
    temp = path.with_name(f".{path.name}.tmp")
    write_reference_docx(temp)
    os.replace(temp, path)
    logger.debug("wrote %s", path)
    return path
