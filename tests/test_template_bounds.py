"""Issue 15, items 11, 13, 14: templates never read outside their folder, never run or
write without bound, and no inserted text can hide behind bidirectional or zero-width
characters."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from briefgen.errors import TemplateError
from briefgen.model import Brief
from briefgen.render import render
from briefgen.render.environment import MAX_OUTPUT_CHARS
from briefgen.render.mdescape import neutralise_controls
from briefgen.store import alarm

FIXTURE = Path(__file__).parent / "fixtures" / "brief.json"
posix = pytest.mark.skipif(os.name != "posix", reason="symbolic links")


@pytest.fixture(scope="module")
def brief() -> Brief:
    return Brief.from_json(FIXTURE.read_text(encoding="utf-8"))


def theme(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "theme"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# --- item 11: confined to the templates folder -------------------------------------------


@posix
def test_a_template_linked_out_of_the_folder_is_refused(brief: Brief, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET-LINE\n")
    folder = theme(tmp_path, {"brief.md.j2": '{% include "notes.j2" %}\n'})
    os.symlink(secret, folder / "notes.j2")
    with pytest.raises(TemplateError, match="symbolic link out of the templates folder") as info:
        render(brief, ["md"], folder)
    assert "notes.j2" in str(info.value)


@posix
def test_a_linked_folder_is_refused(brief: Brief, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.j2").write_text("SECRET-LINE")
    folder = theme(tmp_path, {"brief.md.j2": '{% include "parts/x.j2" %}\n'})
    os.symlink(outside, folder / "parts")
    with pytest.raises(TemplateError, match="symbolic link out of the templates folder"):
        render(brief, ["md"], folder)


@posix
def test_theme_css_linked_out_of_the_folder_is_refused(brief: Brief, tmp_path: Path) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text("/* SECRET-LINE */")
    folder = theme(
        tmp_path,
        {
            "brief.html.j2": '{% extends "!default/brief.html.j2" %}'
            '{% block style %}<style>{{ theme_css("desk.css") }}</style>{% endblock %}'
        },
    )
    os.symlink(secret, folder / "desk.css")
    with pytest.raises(TemplateError, match="symbolic link out"):
        render(brief, ["html"], folder)


@posix
def test_links_inside_the_folder_still_work(brief: Brief, tmp_path: Path) -> None:
    folder = theme(tmp_path, {"real.j2": "INSIDE-LINK", "brief.md.j2": '{% include "n.j2" %}\n'})
    os.symlink(folder / "real.j2", folder / "n.j2")
    assert render(brief, ["md"], folder)["md"].decode().startswith("INSIDE-LINK")


# --- item 13: time and size ----------------------------------------------------------------


def test_a_huge_repeated_value_is_refused_before_it_is_made(brief: Brief, tmp_path: Path) -> None:
    folder = theme(tmp_path, {"brief.md.j2": "{{ 'x' * 10**8 }}\n"})
    started = time.monotonic()
    with pytest.raises(TemplateError, match="brief.md.j2.*refused"):
        render(brief, ["md"], folder)
    assert time.monotonic() - started < 5


def test_output_beyond_the_cap_is_stopped(
    brief: Brief, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefgen.render.environment as environment

    monkeypatch.setattr(environment, "MAX_OUTPUT_CHARS", 1_000_000)
    body = (
        "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxx{% endfor %}{% endfor %}"
    )
    folder = theme(tmp_path, {"brief.md.j2": body})
    with pytest.raises(TemplateError, match="brief.md.j2: the output grew beyond 1,000,000"):
        render(brief, ["md"], folder)
    assert MAX_OUTPUT_CHARS >= 10_000_000  # the shipped cap leaves room for real briefs


@pytest.mark.skipif(not alarm.available(), reason="needs SIGALRM in the main thread")
def test_a_template_that_runs_too_long_is_stopped(
    brief: Brief, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefgen.render.environment as environment

    monkeypatch.setattr(environment, "RENDER_SECONDS", 0.5)
    body = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    folder = theme(tmp_path, {"brief.md.j2": body})
    started = time.monotonic()
    with pytest.raises(TemplateError, match="brief.md.j2: rendering took longer than 0.5 s"):
        render(brief, ["md"], folder)
    assert time.monotonic() - started < 5  # 10**10 empty iterations would take hours


def test_deadlines_nest() -> None:
    class Outer(Exception):
        pass

    class Inner(Exception):
        pass

    if not alarm.available():
        pytest.skip("needs SIGALRM")
    with pytest.raises(Outer), alarm.deadline(0.6, Outer):
        with alarm.deadline(5, Inner):
            time.sleep(0.1)
        with pytest.raises(Inner), alarm.deadline(0.1, Inner):
            time.sleep(2)
        time.sleep(2)  # the outer deadline is still armed


# --- item 14: bidi and zero-width characters ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("\u2066Kim\u2069 said", "Kim said"),
        ("pay\u200dpal", "paypal"),
        ("a\u200bb\u2060c\ufeff", "abc"),
        ("👨\u200d👩\u200d👧 family", "👨\u200d👩\u200d👧 family"),  # emoji joiners stay
        ("क्\u200dष", "क्\u200dष"),  # Devanagari joiner stays
    ],
)
def test_controls_are_neutralised(text: str, shown: str) -> None:
    assert neutralise_controls(text) == shown


def test_no_override_reaches_the_html_or_markdown(brief: Brief) -> None:
    hostile = "Kim \u202eredro\u202c met pay\u200dpal \u2066Putin\u2069"
    devs = [d.model_copy(update={"summary": hostile}) for d in brief.key_developments]
    actors = [a.model_copy(update={"name": "Ev\u202eil"}) for a in brief.actors]
    tricked = brief.model_copy(
        update={"key_developments": devs, "actors": actors, "title": "T\u2066itle"}
    )
    out = render(tricked, ["md", "html", "json"])
    for fmt in ("md", "html"):
        text = out[fmt].decode("utf-8")
        for char in "\u202e\u202c\u2066\u2069\u200d":
            assert char not in text, (fmt, hex(ord(char)))
        assert "redro" in text
    assert "\u202e" in out["json"].decode("utf-8")  # the JSON keeps the text as data
