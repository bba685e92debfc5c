"""briefgen.config: defaults, the repo's config.yaml, and error reporting."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from briefgen.config import (
    DEFAULT_FORMATS,
    TLP_LABELS,
    Config,
    default_config_text,
    load_config,
    parse_config,
)
from briefgen.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert info.value.exit_code == 3
    return info.value.problems


def test_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "sources:\n  - path: seeds/*\n"))
    assert config.title == "Intelligence brief"
    assert config.marking == "UNCLASSIFIED"
    assert config.handling is None and config.author is None and config.templates is None
    assert config.output.dir == "out"
    assert config.output.name == "brief-{date:%Y-%m-%d}"
    assert config.output.formats == list(DEFAULT_FORMATS)
    assert (config.nlp.model, config.nlp.batch_size, config.nlp.n_process) == ("auto", 32, "auto")
    assert config.watchlist.actors == [] and config.watchlist.topics == []
    assert config.ingest.max_bytes == 15_000_000
    assert config.base_dir == tmp_path.absolute()
    assert config.config_path == (tmp_path / "config.yaml").absolute()
    assert config.output_dir() == tmp_path.absolute() / "out"
    assert config.resolve("seeds") == tmp_path.absolute() / "seeds"
    assert config.output_stem(datetime(2024, 5, 1, 9, 30)) == "brief-2024-05-01"


def test_repo_config_loads_and_is_the_default_text() -> None:
    config = load_config(REPO / "config.yaml")
    assert config.title == "Daily brief — Korean peninsula"
    assert config.sources[0].path == "seeds/*"
    assert config.watchlist.actors == ["Kim Jong-un"]
    (topic,) = config.watchlist.items("topics")
    assert topic.name == "arms transfers" and "arms deal" in topic.aliases
    assert config.output.formats == ["md", "html", "pdf", "json"]
    assert config.base_dir == REPO
    assert (REPO / "config.yaml").read_text(encoding="utf-8") == default_config_text()


def test_default_text_is_fully_commented() -> None:
    lines = default_config_text().splitlines()
    for index, line in enumerate(lines):
        if line.strip() and not line.lstrip().startswith(("#", "-")):
            assert lines[index - 1].strip().startswith("#"), f"no comment above {line!r}"


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = (
        "sources:\n  - path: a\n    url: https://example.org\n"
        "output:\n  formats: [md, odt]\n"
        "nlp:\n  batch_size: 0\n"
        "marking: TLP:WHITE\n"
    )
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    error = info.value
    assert error.exit_code == 3
    message = str(error)
    assert "4 problems" in message
    assert "sources.0: give exactly one of path, feed, url" in error.problems
    assert "output.formats.1: 'odt' is not a format; choose from md, html, pdf, json, docx" in (
        error.problems
    )
    assert any(p.startswith("nlp.batch_size: must be at least 1") for p in error.problems)
    assert any(p.startswith("marking: ") and "TLP:CLEAR" in p for p in error.problems)
    for key in ("sources.0", "output.formats.1", "nlp.batch_size", "marking"):
        assert key in message


def test_unknown_keys_get_a_suggestion(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        "outptu:\n  dir: x\nsources:\n  - pth: seeds/*\noutput:\n  fromats: [md]\nnlp:\n  zzz: 1\n",
    )
    assert "outptu: unknown key; did you mean 'output'?" in problems
    assert "output.fromats: unknown key; did you mean 'formats'?" in problems
    assert "sources.0.pth: unknown key; did you mean 'path'?" in problems
    known = "model, batch_size, n_process, executor"
    assert f"nlp.zzz: unknown key; known keys here: {known}" in problems


def test_yaml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "title: x\nsources: [\n  - path: a\n")
    assert len(problems) == 1
    assert problems[0].startswith("line ")
    assert ", column " in problems[0]


def test_yaml_key_given_twice(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "title: a\ntitle: b\nsources: [{path: a}]\n")
    assert problems == ["line 2: key 'title' is given twice; keep one"]


@pytest.mark.parametrize("label", TLP_LABELS)
def test_tlp_labels(tmp_path: Path, label: str) -> None:
    config = parse_config({"marking": label.lower(), "sources": [{"path": "a"}]}, tmp_path)
    assert config.marking == label
    marking = config.marking_info()
    assert marking.label == label and marking.system == "tlp"
    assert marking.handling and marking.color


def test_tlp_colours_and_handling_override(tmp_path: Path) -> None:
    data = {"marking": "TLP:RED", "sources": [{"path": "a"}]}
    assert parse_config(data, tmp_path).marking_info().color == "#FF2B2B"
    custom = parse_config({**data, "handling": "Named recipients only."}, tmp_path)
    assert custom.marking_info().handling == "Named recipients only."


def test_classification_marking(tmp_path: Path) -> None:
    data = {"marking": "SECRET//REL TO USA, GBR", "sources": [{"path": "a"}]}
    marking = parse_config(data, tmp_path).marking_info()
    assert marking.system == "classification"
    assert marking.handling == "" and marking.color is None


def test_bad_markings(tmp_path: Path) -> None:
    white = problems_of(tmp_path, "marking: TLP:WHITE\nsources: [{path: a}]\n")
    assert len(white) == 1 and "TLP:CLEAR" in white[0] and "renamed" in white[0]
    lower = problems_of(tmp_path, "marking: unclassified\nsources: [{path: a}]\n")
    assert "did you mean 'UNCLASSIFIED'?" in lower[0]
    amber = problems_of(tmp_path, "marking: 'TLP:ORANGE'\nsources: [{path: a}]\n")
    assert amber[0].startswith("marking: 'TLP:ORANGE' is not a TLP 2.0 label")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("brief-{day}", "unknown field {day}; the only field is {date}"),
        ("{date:%Y/%m/%d}", "path separator"),
        ("brief-{date", "not a valid name pattern"),
        ("{}", "name it {date}"),
        ("", "empty file name"),
    ],
)
def test_output_name_pattern(tmp_path: Path, name: str, expected: str) -> None:
    problems = problems_of(tmp_path, f"output:\n  name: '{name}'\nsources: [{{path: a}}]\n")
    assert len(problems) == 1
    assert problems[0].startswith("output.name: ")
    assert expected in problems[0]


def test_formats_deduplicated_in_order(tmp_path: Path) -> None:
    config = parse_config(
        {"output": {"formats": ["pdf", "MD", "pdf"]}, "sources": [{"path": "a"}]}, tmp_path
    )
    assert config.output.formats == ["pdf", "md"]
    assert problems_of(tmp_path, "output: {formats: []}\nsources: [{path: a}]\n") == [
        "output.formats: list at least one format from md, html, pdf, json, docx"
    ]


def test_sources(tmp_path: Path) -> None:
    config = parse_config(
        {
            "sources": [
                {"path": "seeds/*", "publisher": "Yonhap", "published": "2023-09-04"},
                {"feed": "https://example.org/rss"},
                {"url": "http://example.org/story"},
            ]
        },
        tmp_path,
    )
    assert [s.kind for s in config.sources] == ["path", "feed", "url"]
    assert config.sources[0].published == date(2023, 9, 4)
    assert config.sources[1].label == "feed https://example.org/rss"
    problems = problems_of(
        tmp_path,
        "sources:\n  - {}\n  - url: file:///etc/passwd\n  - seeds/*\n  - path: ''\n"
        "  - {path: a, published: someday}\n",
    )
    assert problems[0] == "sources.0: give exactly one of path, feed, url"
    assert problems[1].startswith("sources.1.url: 'file:///etc/passwd' is not an http://")
    assert problems[2].startswith("sources.2: expected one of `path: GLOB`")
    assert problems[3].startswith("sources.3.path: empty path")
    assert problems[4].startswith("sources.4.published: expected a date as YYYY-MM-DD")


def test_sources_required(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "")[0].startswith("sources: required")
    assert problems_of(tmp_path, "sources: []\n")[0].startswith("sources: list at least one")


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "- path: a\n")
    assert problems == ["the top level must be a mapping (title:, sources:, …), got a list"]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yaml")
    assert info.value.exit_code == 3
    assert "not found" in str(info.value)
    assert "briefgen init DIR" in str(info.value)


def test_templates_folder_relative_to_config(tmp_path: Path) -> None:
    (tmp_path / "theme").mkdir()
    config = load_config(write(tmp_path, "templates: theme\nsources: [{path: a}]\n"))
    assert config.resolve(config.templates or "") == tmp_path.absolute() / "theme"
    problems = problems_of(tmp_path, "templates: missing\nsources: [{path: a}]\n")
    assert problems[0].startswith("templates: folder ") and "does not exist" in problems[0]


def test_type_errors_are_plain(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path, "title: 12\nnlp: {n_process: many}\noutput: fast\nsources: [{path: a}]\n"
    )
    assert "title: expected text, got a number; put it in quotes" in problems
    assert "nlp.n_process: expected a whole number or auto, got 'many'" in problems
    assert "output: expected a mapping of keys, got text" in problems


def test_config_built_in_code_resolves_against_cwd() -> None:
    config = Config.model_validate({"sources": [{"path": "a"}]})
    assert config.base_dir == Path.cwd()


def test_watchlist_items_with_aliases(tmp_path: Path) -> None:
    config = parse_config(
        {
            "sources": [{"path": "x"}],
            "watchlist": {
                "actors": [
                    "Kim Jong-un",
                    {"name": "Sergei Shoigu", "aliases": ["Shoigu"]},
                    " Kim  Jong-un ",
                ],
                "topics": [{"name": "arms transfers", "aliases": ["arms deal", " "]}],
            },
        },
        tmp_path,
    )
    assert config.watchlist.actor_names() == ["Kim Jong-un", "Sergei Shoigu", "Shoigu"]
    assert config.watchlist.topic_keys() == ("arms transfers|arms deal",)
    assert [i.name for i in config.watchlist.items("actors")] == ["Kim Jong-un", "Sergei Shoigu"]


def test_watchlist_item_without_a_name_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(
            {"sources": [{"path": "x"}], "watchlist": {"topics": [{"aliases": ["arms deal"]}]}},
            tmp_path,
        )
    assert "watchlist.topics.0" in str(info.value)


def test_sections_caps_default_and_validate(tmp_path: Path) -> None:
    from briefgen.model import SECTION_CAPS

    config = load_config(write(tmp_path, "sources:\n  - path: seeds/*\n"))
    assert config.sections.model_dump() == SECTION_CAPS
    config = load_config(
        write(tmp_path, "sources:\n  - path: seeds/*\nsections:\n  actors: 5\n  timeline: 60\n")
    )
    assert (config.sections.actors, config.sections.timeline) == (5, 60)
    assert config.sections.statements == SECTION_CAPS["statements"]
    problems = problems_of(
        tmp_path, "sources:\n  - path: seeds/*\nsections:\n  actors: 0\n  statments: 3\n"
    )
    assert any(p.startswith("sections.actors") for p in problems), problems
    assert any("sections.statments" in p and "statements" in p for p in problems), problems
