"""briefgen.cli in-process with click's CliRunner: commands, outputs, exit codes, messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import FIXED_GENERATED_AT

from briefgen.cli import EXIT_BUILD, EXIT_CONFIG, EXIT_OK, EXIT_USAGE, main
from briefgen.model import Brief, json_schema

ARTICLE_A = (
    "Ministers meet in Geneva\n"
    "German Foreign Minister Annalena Baerbock met Chinese Foreign Minister Wang Yi in Geneva "
    "on Monday. Baerbock said that the talks were constructive. The two ministers will meet "
    "again in March.\n"
)
ARTICLE_B = (
    "Port strike ends\n"
    "Dock workers in Rotterdam ended a three-day strike on Friday. The union said that wages "
    "would rise by four percent.\n"
)
BINARY = b"\x00\x01\x02\x03PK\x00\x00binary"


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema())


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("briefgen: error:")]


# --- help and version


def test_help_lists_the_commands(invoke: Any) -> None:
    result = invoke(["--help"])
    assert result.exit_code == EXIT_OK
    for command in ("build", "extract", "schema"):
        assert command in result.stdout
    assert "Exit codes" in result.stdout


def test_build_help_lists_options(invoke: Any) -> None:
    result = invoke(["build", "--help"])
    assert result.exit_code == EXIT_OK
    for option in ("--config", "--format", "--out", "--quiet", "--verbose"):
        assert option in result.stdout


def test_version(invoke: Any) -> None:
    from briefgen import __version__

    result = invoke(["--version"])
    assert result.exit_code == EXIT_OK
    assert __version__ in result.stdout


# --- build


@pytest.mark.model
def test_build_writes_the_requested_formats(
    make_project: Any, invoke: Any, fixed_time: str, assert_spans: Any
) -> None:
    config = make_project({"a.txt": ARTICLE_A, "b.txt": ARTICLE_B})
    result = invoke(["build", "--config", str(config), "--format", "json,md"])
    assert result.exit_code == EXIT_OK, result.stderr
    out = config.parent / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "brief.json",
        "brief.md",
        "index.html",  # the archive of the briefs in the folder
        "index.json",
    ]
    assert result.stdout == ""  # progress and logs go to stderr only
    assert "wrote 2 file(s) from 2 document(s)" in result.stderr
    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    assert not list(validator().iter_errors(data))
    brief = Brief.model_validate(data)
    assert brief.title == "Test brief"
    assert brief.marking.label == "TLP:AMBER"
    assert brief.generated_at == FIXED_GENERATED_AT
    assert [d.title for d in brief.documents] == ["Ministers meet in Geneva", "Port strike ends"]
    texts = {
        d.id: (config.parent / str(d.path)).read_bytes().decode("utf-8") for d in brief.documents
    }
    assert assert_spans(brief, texts) > 5
    assert brief.actors[0].name == "Annalena Baerbock"
    assert brief.key_developments[0].who == ["Annalena Baerbock"]
    md = (out / "brief.md").read_text(encoding="utf-8")
    assert "# Test brief" in md
    assert "TLP:AMBER" in md


@pytest.mark.model
@pytest.mark.slow
def test_build_default_formats_write_all_four(make_project: Any, invoke: Any) -> None:
    config = make_project({"a.txt": ARTICLE_A})
    result = invoke(["build", "--config", str(config), "-q"])
    assert result.exit_code == EXIT_OK, result.stderr
    assert result.stderr == ""  # -q: nothing on success
    out = config.parent / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "brief.html",
        "brief.json",
        "brief.md",
        "brief.pdf",
        "index.html",
        "index.json",
    ]
    assert (out / "brief.pdf").read_bytes().startswith(b"%PDF-")
    assert "<html" in (out / "brief.html").read_text(encoding="utf-8").lower()


@pytest.mark.model
def test_build_out_option_overrides_the_config(
    make_project: Any, invoke: Any, tmp_path: Path
) -> None:
    config = make_project({"a.txt": ARTICLE_A})
    target = tmp_path / "elsewhere"
    result = invoke(["build", "--config", str(config), "--format", "json", "--out", str(target)])
    assert result.exit_code == EXIT_OK, result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["brief.json", "index.html", "index.json"]
    assert not (config.parent / "out").exists()


@pytest.mark.model
def test_binary_file_among_good_ones_is_skipped_with_a_warning(
    make_project: Any, invoke: Any
) -> None:
    config = make_project({"a.txt": ARTICLE_A, "junk.txt": BINARY, "b.txt": ARTICLE_B})
    result = invoke(["build", "--config", str(config), "--format", "json"])
    assert result.exit_code == EXIT_OK, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert "junk.txt" in warnings[0] and "binary" in warnings[0]
    data = json.loads((config.parent / "out" / "brief.json").read_text(encoding="utf-8"))
    assert len(data["documents"]) == 2


def test_bad_config_exits_3_with_key_paths(make_project: Any, invoke: Any) -> None:
    config = make_project(
        config=(
            "sources:\n  - path: articles/*\n"
            "output:\n  formats: [md, odt]\n"
            "nlp:\n  batch_size: 0\n"
            "titel: Typo\n"
        )
    )
    result = invoke(["build", "--config", str(config)])
    assert result.exit_code == EXIT_CONFIG
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("briefgen: error:")
    assert "output.formats.1" in line
    assert "nlp.batch_size" in line
    assert "titel" in line and "title" in line  # unknown key with a suggestion
    assert "3 problems" in line


def test_missing_config_exits_3(invoke: Any, tmp_path: Path) -> None:
    result = invoke(["build", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == EXIT_CONFIG
    assert len(error_lines(result.stderr)) == 1
    assert "nope.yaml" in result.stderr
    assert "not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_unopenable_log_file_in_config_exits_3(make_project: Any, invoke: Any) -> None:
    """A ``log_file`` that cannot be opened is a configuration error naming the key (it
    used to end as "internal error: TypeError", exit 1)."""
    config = make_project(extra_config="log_file: blocker/run.log\n")
    (config.parent / "blocker").write_text("a file where the log folder should be")
    result = invoke(["build", "--config", str(config), "--format", "json"])
    assert result.exit_code == EXIT_CONFIG, result.stderr
    errors = error_lines(result.stderr)
    assert len(errors) == 1
    assert "log_file: cannot append to" in errors[0] and "run.log" in errors[0]
    assert "1 problem in the configuration" in errors[0]
    assert not (config.parent / "out").exists()


def test_invalid_yaml_exits_3(make_project: Any, invoke: Any) -> None:
    config = make_project(config="sources: [\n")
    result = invoke(["build", "--config", str(config)])
    assert result.exit_code == EXIT_CONFIG
    assert len(error_lines(result.stderr)) == 1
    assert "line" in error_lines(result.stderr)[0]


def test_no_readable_input_exits_1_with_one_line(make_project: Any, invoke: Any) -> None:
    config = make_project({"junk.txt": BINARY, "empty.txt": ""})
    result = invoke(["build", "--config", str(config), "--format", "json"])
    assert result.exit_code == EXIT_BUILD
    errors = error_lines(result.stderr)
    assert len(errors) == 1
    assert "no readable" in errors[0]
    assert "junk.txt" in errors[0]
    assert "Traceback" not in result.stderr
    assert not (config.parent / "out").exists()


def test_unknown_format_is_a_usage_error(make_project: Any, invoke: Any) -> None:
    config = make_project({"a.txt": ARTICLE_A})
    result = invoke(["build", "--config", str(config), "--format", "odt"])
    assert result.exit_code == EXIT_USAGE
    assert "odt" in result.stderr
    assert "md, html, pdf, json, docx" in result.stderr
    assert not (config.parent / "out").exists()


def test_main_maps_errors_to_exit_codes_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["build", "--config", str(tmp_path / "missing.yaml")])
    assert info.value.code == EXIT_CONFIG
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("briefgen: error:") == 1


# --- schema


def test_schema_prints_valid_json_schema(invoke: Any) -> None:
    result = invoke(["schema"])
    assert result.exit_code == EXIT_OK
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == json_schema()
    assert "key_developments" in schema["properties"]


# --- extract


@pytest.mark.model
def test_extract_writes_one_brief_per_input(
    tmp_path: Path, invoke: Any, monkeypatch: pytest.MonkeyPatch, assert_spans: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    result = invoke(["extract", "--out", "DIR", "a.txt", "b.txt"])
    assert result.exit_code == EXIT_OK, result.stderr
    out = tmp_path / "DIR"
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.json"]
    for stem, article in (("a", ARTICLE_A), ("b", ARTICLE_B)):
        data = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        errors = [e.message for e in validator().iter_errors(data)]
        assert not errors, errors
        brief = Brief.model_validate(data)
        assert len(brief.documents) == 1
        assert brief.title == article.splitlines()[0]
        assert assert_spans(brief, article) > 0


@pytest.mark.model
def test_extract_skips_a_binary_file_with_a_warning(
    tmp_path: Path, invoke: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (tmp_path / "blob.txt").write_bytes(BINARY)
    result = invoke(["extract", "--out", "DIR", "a.txt", "blob.txt"])
    assert result.exit_code == EXIT_OK, result.stderr
    assert "blob.txt" in result.stderr and "warning" in result.stderr
    assert [p.name for p in (tmp_path / "DIR").iterdir()] == ["a.json"]


def test_extract_with_nothing_readable_exits_1(
    tmp_path: Path, invoke: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blob.txt").write_bytes(BINARY)
    result = invoke(["extract", "--out", "DIR", "blob.txt"])
    assert result.exit_code == EXIT_BUILD
    assert len(error_lines(result.stderr)) == 1
    assert not (tmp_path / "DIR").exists()


def test_extract_needs_files_and_out(invoke: Any) -> None:
    assert invoke(["extract", "--out", "DIR"]).exit_code == EXIT_USAGE
    assert invoke(["extract", "a.txt"]).exit_code == EXIT_USAGE


# --- start-up cost


def test_importing_the_cli_loads_no_heavy_module() -> None:
    code = (
        "import sys, briefgen.cli\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'spacy', 'thinc', 'weasyprint', 'pydantic', 'jinja2'})\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "spacy" not in out.stdout
    assert "weasyprint" not in out.stdout
    assert out.stdout.strip() == ""
