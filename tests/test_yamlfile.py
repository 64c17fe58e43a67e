"""YAML read through libyaml's parser (the fast path) gives what the pure-Python
parser gives (the data and every key's line) for every file prodcheck ships and
every YAML text of the bad-input corpus; a text libyaml refuses is read by the
pure-Python parser, whose message users see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from prodcheck import yamlfile
from prodcheck.errors import ConfigError

from .conftest import SCENARIOS
from .test_corpus import CASES, _apply

REPO = Path(__file__).resolve().parent.parent
SHIPPED = sorted(
    path
    for pattern in ("contracts/*/*.yml", "scenarios/*/*.yml", "examples/**/*.yml", "*.yml")
    for path in REPO.glob(pattern)
)

pytestmark = pytest.mark.skipif(yamlfile._FAST is None, reason="PyYAML without libyaml")


def _both(text: str) -> tuple[object, object]:
    def read(loader: object, parser: object) -> object:
        try:
            located = yamlfile._load(text, "f.yml", ConfigError, loader, parser)
        except ConfigError as exc:
            return ("error", exc.message)
        return (located.data, located.lines)

    fast = read(yamlfile._FAST, yaml.CSafeLoader)
    python = read(yamlfile._UniqueKeyLoader, yaml.SafeLoader)
    return fast, python


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(REPO)) for p in SHIPPED])
def test_every_shipped_file_reads_the_same(path: Path) -> None:
    fast, python = _both(path.read_text(encoding="utf-8"))
    assert fast == python


@pytest.mark.parametrize("case", CASES)
def test_what_libyaml_reads_the_pure_parser_reads_the_same(
    case: dict[str, Any], tmp_path: Path
) -> None:
    """Every YAML file of every corpus case, as the case leaves it."""
    import shutil

    folder = tmp_path / "case"
    shutil.copytree(SCENARIOS / case.get("base", "demo"), folder)
    for relative, edit in (case.get("edit") or {}).items():
        _apply(folder / relative, edit)
    for path in sorted(folder.rglob("*.yml")):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (UnicodeDecodeError, OSError):
            continue
        fast, python = _both(text)
        if fast[0] != "error":  # else load_yaml asks the pure-Python parser, which says
            assert fast == python, path.name


def test_a_refused_text_gets_the_pure_parsers_message() -> None:
    with pytest.raises(ConfigError) as caught:
        yamlfile.load_yaml("a: [1, 2\nb: 3\n", "f.yml", ConfigError)
    try:
        list(yaml.parse("a: [1, 2\nb: 3\n", Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        assert str(exc.problem) in caught.value.message
