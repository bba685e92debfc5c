"""Golden files: the seed brief as JSON and Markdown, byte for byte.

The seed project (the repo's config.yaml and seeds/) is built through the CLI with
``SOURCE_DATE_EPOCH`` pinned and ``--format json,md``, and the outputs are compared
with ``tests/golden/seed.json`` and ``tests/golden/seed.md``.

When a change to extraction, fusion or the templates changes the brief on purpose,
review the diff this test prints, then regenerate the golden files with the one
command (from the repository root)::

    BRIEFGEN_REGEN_GOLDEN=1 pytest tests/test_golden.py

and review ``git diff tests/golden`` before committing.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from conftest import FIXED_EPOCH, FIXED_GENERATED_AT, copy_seed_project, env_flag, run_cli

from briefgen.model import Brief

GOLDEN = Path(__file__).parent / "golden"
REGEN = env_flag("BRIEFGEN_REGEN_GOLDEN")
MAX_DIFF_LINES = 60

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("golden-project")
    config = copy_seed_project(root)
    result = run_cli(
        ["build", "--config", str(config), "--format", "json,md", "-q"],
        env={"SOURCE_DATE_EPOCH": FIXED_EPOCH},
    )
    assert result.exit_code == 0, result.stderr
    out = root / "out"
    found: dict[str, str] = {}
    for ext in ("json", "md"):
        files = sorted(p for p in out.glob(f"*.{ext}") if p.stem != "index")
        assert len(files) == 1, files
        found[ext] = files[0].read_bytes().decode("utf-8")
    return found


def short_diff(expected: str, actual: str, name: str) -> str:
    lines = list(
        difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            f"golden/{name}",
            f"new/{name}",
            lineterm="",
            n=2,
        )
    )
    more = len(lines) - MAX_DIFF_LINES
    shown = lines[:MAX_DIFF_LINES] + ([f"... {more} more diff lines"] if more > 0 else [])
    return "\n".join(shown)


@pytest.mark.parametrize("ext", ["json", "md"])
def test_seed_matches_golden(outputs: dict[str, str], ext: str) -> None:
    path = GOLDEN / f"seed.{ext}"
    actual = outputs[ext]
    if REGEN:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    assert path.is_file(), (
        f"{path} is missing; create it with: BRIEFGEN_REGEN_GOLDEN=1 pytest tests/test_golden.py"
    )
    expected = path.read_bytes().decode("utf-8")
    if expected != actual:
        pytest.fail(
            f"the seed brief ({ext}) differs from {path.name}:\n"
            + short_diff(expected, actual, path.name)
            + "\nif the change is intended: BRIEFGEN_REGEN_GOLDEN=1 pytest tests/test_golden.py",
            pytrace=False,
        )


def test_golden_json_is_a_pinned_brief() -> None:
    brief = Brief.from_json((GOLDEN / "seed.json").read_bytes())
    assert brief.generated_at == FIXED_GENERATED_AT
    assert brief.title == "Daily brief — Korean peninsula"
    assert [d.path for d in brief.documents] == ["seeds/kim-putin-arms-talks.txt"]
    # No absolute or machine-specific path leaks into the golden files.
    for name in ("seed.json", "seed.md"):
        text = (GOLDEN / name).read_text(encoding="utf-8")
        assert "/tmp" not in text and "/home" not in text and "/work" not in text
    json.loads((GOLDEN / "seed.json").read_text(encoding="utf-8"))
