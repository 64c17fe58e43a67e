"""The bad-input corpus: every case in tests/corpus/*.yml is a small edit of a bundled
scenario (a config value of the wrong shape, a fixture object with a string where an
object belongs, an alias bomb ...) and the outcome it must have: the exit code, and
the words the message must contain (the file, the key or object index, what to do).

Every case must end cleanly: no traceback, no "internal error" (that is prodcheck
not knowing the input, which the corpus exists to prevent), no exit 1 without drift,
and within 30 seconds. Odd but valid inputs (CRLF, byte-order marks, large files)
are cases too, with the exit code of a normal run.

A case:
  id: short-name
  base: demo                          # scenario folder copied into a temp dir
  args: [check, --fixtures, "{dir}"]  # the default
  edit:                               # file (relative to the copy) -> edits
    prodcheck.yml: {set: {plans: [a, b]}}
  exit: 2
  says: ["prodcheck.yml:", "plans: expected object"]
Edits: set {dotted.path: value}, delete [dotted.path], text (whole file), latin1
(the text in Latin-1 bytes), append,
generate {name: ..., ...} (see GENERATORS), bom, crlf, remove.
"""

from __future__ import annotations

import json
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from prodcheck.cli import cli

from .conftest import SCENARIOS
from .python_readers import python_readers

CORPUS = Path(__file__).resolve().parent / "corpus"
SECONDS = 30


def _load_cases() -> list[Any]:
    params = []
    for file in sorted(CORPUS.glob("*.yml")):
        for case in yaml.safe_load(file.read_text(encoding="utf-8")):
            params.append(pytest.param(case, id=f"{file.stem}:{case['id']}"))
    return params


CASES = _load_cases()


def _step(container: Any, part: str) -> tuple[Any, Any]:
    key: Any = int(part) if isinstance(container, list) else part
    return container, key


def _set(data: Any, path: str, value: Any, *, delete: bool = False) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    container, key = _step(node, parts[-1])
    if delete:
        del container[key]
    elif isinstance(container, list) and key == len(container):
        container.append(value)
    else:
        container[key] = value


def _alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def _deep_yaml(depth: int = 5000) -> str:
    return "x: " + "[" * depth + "]" * depth + "\n"


def _deep_json(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


def _number(digits: int = 5000) -> str:
    return "9" * digits


def _big_json_array(count: int = 20_000, template: str = '{"id": "x%d"}') -> str:
    return "[" + ",".join(template % n for n in range(count)) + "]"


GENERATORS: dict[str, Callable[..., str]] = {
    "alias_bomb": _alias_bomb,
    "deep_yaml": _deep_yaml,
    "deep_json": _deep_json,
    "number": _number,
    "big_json_array": _big_json_array,
}


def _apply(path: Path, edit: dict[str, Any]) -> None:
    if edit.get("remove"):
        path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if "latin1" in edit:
        path.write_bytes(edit["latin1"].encode("latin-1"))
    if "text" in edit:
        path.write_text(edit["text"], encoding="utf-8")
    if "generate" in edit:
        spec = dict(edit["generate"])
        generated = GENERATORS[spec.pop("name")](**spec)
        prefix = edit.get("prefix", "")
        path.write_text(prefix + generated + edit.get("suffix", ""), encoding="utf-8")
    if "set" in edit or "delete" in edit:
        text = path.read_text(encoding="utf-8")
        is_json = path.suffix == ".json"
        data = json.loads(text) if is_json else yaml.safe_load(text)
        for dotted, value in (edit.get("set") or {}).items():
            _set(data, dotted, value)
        for dotted in edit.get("delete") or ():
            _set(data, dotted, None, delete=True)
        path.write_text(json.dumps(data) if is_json else yaml.safe_dump(data), encoding="utf-8")
    if "append" in edit:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(edit["append"])
    if edit.get("crlf"):
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    if edit.get("bom"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"the case ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case: dict[str, Any], tmp_path: Path, monkeypatch) -> None:
    _run_case(case, tmp_path, monkeypatch)


# The cases about billing files and the app's rows, read by the Python readers too
# (tests/python_readers.py): each ends as it does by default, where SQL reads what
# it can exactly as Python does and leaves the rest, with its messages, to Python.
LOADED_CASES = [c for c in CASES if c.id.split(":")[0] in ("stripe", "paddle", "valid", "rows")]


@pytest.mark.parametrize("case", LOADED_CASES)
def test_corpus_case_with_the_python_loader(
    case: dict[str, Any], tmp_path: Path, monkeypatch
) -> None:
    with python_readers():
        _run_case(case, tmp_path, monkeypatch)


def _run_case(case: dict[str, Any], tmp_path: Path, monkeypatch: Any) -> None:
    folder = tmp_path / "case"
    shutil.copytree(SCENARIOS / case.get("base", "demo"), folder)
    for relative, edit in (case.get("edit") or {}).items():
        _apply(folder / relative, edit)
    args = [str(a).replace("{dir}", str(folder)) for a in case.get("args", CHECK)]
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    with _time_limit(SECONDS):
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    assert "internal error" not in text, text
    assert result.exit_code == case["exit"], text
    for words in case.get("says") or ():
        assert words in text, f"{words!r} not in:\n{text}"


CHECK = ["check", "--fixtures", "{dir}"]


def test_the_corpus_is_large_enough() -> None:
    """The issue asks for at least 150 cases across configs, contracts, fixtures
    (JSON and CSV), baselines and scenario files."""
    assert len(CASES) >= 150
    files = {param.id.split(":")[0] for param in CASES}
    assert {"config", "yaml", "contracts", "baseline", "scenario"} <= files


def test_readme_guarantees_count_the_corpus() -> None:
    """The README's Guarantees table states the number of cases behind each class."""
    readme = (CORPUS.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    stated = [
        int(line.rsplit("|", 2)[1])
        for line in section.splitlines()
        if line.strip().startswith("| ")
        and line.strip().endswith("|")
        and line.rsplit("|", 2)[1].strip().isdigit()
    ]
    counts = {
        file.stem: len(yaml.safe_load(file.read_text(encoding="utf-8")))
        for file in sorted(CORPUS.glob("*.yml"))
    }
    order = [
        "yaml",
        "config",
        "contracts",
        "baseline",
        "scenario",
        "stripe",
        "paddle",
        "rows",
        "unchecked",
        "valid",
    ]
    assert stated == [counts[name] for name in order]
    assert sorted(order) == sorted(counts)
