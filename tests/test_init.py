"""``briefgen init`` (scaffold a project) and ``briefgen templates list``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import SEED_FILE

from briefgen.errors import ProjectExistsError
from briefgen.model import Brief
from briefgen.project.scaffold import init_project, project_files, sample_article
from briefgen.render import builtin_templates_dir, render

FIXTURE = Path(__file__).parent / "fixtures" / "brief.json"


def switch_on_first_example(path: Path) -> None:
    """Remove the first pair of "delete me" lines, as the comments tell the user to."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    opening = lines.index("{# delete me\n")
    closing = lines.index("delete me #}\n", opening)
    del lines[closing], lines[opening]
    path.write_text("".join(lines), encoding="utf-8")


def test_the_bundled_sample_is_the_seed_article() -> None:
    assert sample_article() == SEED_FILE.read_text(encoding="utf-8")


def test_init_writes_the_template_reference_it_points_to(tmp_path: Path) -> None:
    """The comments of the written brief.html.j2 point to a reference that a user of the
    installed wheel has: REFERENCE.md beside it, the repository's docs/templates.md."""
    init_project(tmp_path / "desk")
    templates = tmp_path / "desk" / "templates"
    reference = (templates / "REFERENCE.md").read_text(encoding="utf-8")
    docs = Path(__file__).resolve().parents[1] / "docs" / "templates.md"
    assert reference == docs.read_text(encoding="utf-8")
    html = (templates / "brief.html.j2").read_text(encoding="utf-8")
    assert "REFERENCE.md" in html and "docs/templates.md" not in html


def test_shipped_files_exist_once_in_the_repository() -> None:
    """Each file the wheel carries inside the package is found (source checkout here),
    and no copy of it is committed inside the package."""
    from briefgen.data import PACKAGE, SHIPPED, shipped

    for installed, source in SHIPPED.items():
        found = shipped(installed)
        assert found is not None and found == PACKAGE.parent / source, installed
        assert not (PACKAGE / installed).exists(), f"a copy of {source} in the package"


def test_init_writes_a_project(tmp_path: Path) -> None:
    written = init_project(tmp_path / "desk")
    root = tmp_path / "desk"
    assert sorted(p.relative_to(root).as_posix() for p in written) == sorted(
        [*project_files(), "templates/reference.docx"]
    )
    config = (root / "config.yaml").read_text(encoding="utf-8")
    assert "\ntemplates: templates\n" in config and "sources:\n  - path: seeds/*" in config
    html = (root / "templates" / "brief.html.j2").read_text(encoding="utf-8")
    assert html.count('{% extends "!default/brief.html.j2" %}') == 1
    assert "{% block title %}" in html and 'theme_css("custom.css")' in html
    assert "--accent" in (root / "templates" / "custom.css").read_text(encoding="utf-8")
    assert not list(root.rglob(".*.tmp"))


def test_init_refuses_a_non_empty_folder_unless_forced(tmp_path: Path) -> None:
    root = tmp_path / "desk"
    root.mkdir()
    (root / ".git").mkdir()  # hidden entries do not count
    init_project(root)
    (root / "config.yaml").write_text("title: mine\nsources: [{path: x}]\n", encoding="utf-8")
    (root / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ProjectExistsError, match="not empty .*--force"):
        init_project(root)
    assert (root / "config.yaml").read_text(encoding="utf-8").startswith("title: mine")
    init_project(root, force=True)
    assert "templates: templates" in (root / "config.yaml").read_text(encoding="utf-8")
    assert (root / "notes.txt").read_text(encoding="utf-8") == "keep me"
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(ProjectExistsError, match="not a folder"):
        init_project(file, force=True)


def test_cli_init_refuses_then_forces(tmp_path: Path, invoke: Any) -> None:
    target = tmp_path / "desk"
    first = invoke(["init", str(target)])
    assert first.exit_code == 0, first.stderr
    assert "briefgen build" in first.stderr
    again = invoke(["init", str(target)])
    assert again.exit_code == 1
    errors = [line for line in again.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("briefgen: error:") and "--force" in errors[0]
    assert invoke(["init", "--force", "-q", str(target)]).exit_code == 0


def test_scaffolded_examples_change_the_output_when_switched_on(tmp_path: Path) -> None:
    brief = Brief.from_json(FIXTURE.read_text(encoding="utf-8"))
    init_project(tmp_path / "desk")
    theme = tmp_path / "desk" / "templates"
    as_is = render(brief, ["html", "md"], theme)
    default = render(brief, ["html", "md"])
    assert as_is["md"] == default["md"]  # the examples are off: same brief
    assert "Regional desk" not in as_is["html"].decode()
    switch_on_first_example(theme / "brief.html.j2")
    switch_on_first_example(theme / "brief.md.j2")
    (theme / "custom.css").write_text(":root { --accent: #6b1f1f; }\n", encoding="utf-8")
    changed = render(brief, ["html", "md"], theme)
    html, md = changed["html"].decode(), changed["md"].decode()
    assert "Regional desk · for internal distribution" in html
    assert html.index("Regional desk") < html.index("<h1>")
    assert "--accent: #6b1f1f" in html
    assert "*Prepared for the morning meeting.*" in md


def test_templates_list_shows_where_each_name_resolves(
    tmp_path: Path, invoke: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    builtin = builtin_templates_dir()
    init_project(tmp_path / "desk")
    result = invoke(["templates", "list", "--config", str(tmp_path / "desk" / "config.yaml")])
    assert result.exit_code == 0, result.stderr
    rows = {
        line.split()[0]: line
        for line in result.stdout.splitlines()
        if line and not line.startswith(("Search path", "  "))
    }
    theme = (tmp_path / "desk" / "templates").resolve()
    assert rows["brief.html.j2"].split()[1] == str(theme / "brief.html.j2")
    assert rows["brief.html.j2"].endswith("(yours, replaces the built-in)")
    assert rows["custom.css"].endswith("(yours)")
    assert rows["base.html.j2"].split()[1] == str(builtin / "base.html.j2")
    assert rows["base.html.j2"].endswith("(built-in)")
    assert f"1. {theme}" in result.stdout and f"2. {builtin}" in result.stdout
    monkeypatch.chdir(tmp_path)  # no config.yaml here: the built-in theme only
    alone = invoke(["templates", "list"])
    assert alone.exit_code == 0 and "yours" not in alone.stdout and "style.css" in alone.stdout
    missing = invoke(["templates", "list", "--config", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 3


@pytest.mark.model
def test_init_then_build_works(tmp_path: Path, invoke: Any, fixed_time: str) -> None:
    target = tmp_path / "desk"
    assert invoke(["init", "-q", str(target)]).exit_code == 0
    result = invoke(
        ["build", "--config", str(target / "config.yaml"), "--format", "md,html,json", "-q"]
    )
    assert result.exit_code == 0, result.stderr
    out = sorted(p.name for p in (target / "out").iterdir())
    assert out == [
        "brief-2023-11-14.html",
        "brief-2023-11-14.json",
        "brief-2023-11-14.md",
        "index.html",  # the archive of the briefs in the folder
        "index.json",
    ]
    html = (target / "out" / "brief-2023-11-14.html").read_text(encoding="utf-8")
    assert "Kim Jong-un" in html and 'id="figure-network"' in html
