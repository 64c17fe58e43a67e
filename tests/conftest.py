"""Shared helpers: run the CLI in-process, copy scenarios, write configs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from prodcheck.cli import cli

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
DEMO = SCENARIOS / "demo"


def without_near_misses(folders: list[Path]) -> list[Path]:
    """The folders but each `-pass` scenario whose `-fail` twin is among them. A near
    miss holds the same shapes of objects and rows as its failing twin, so a test of
    readers (SQL against the Python readers, live pages against files) learns nothing
    more from it; those tests take the failing one and keep CI under its 10 minutes.
    Tests of facts and rules keep every scenario."""
    names = {folder.name for folder in folders}
    return [
        folder
        for folder in folders
        if not (folder.name.endswith("-pass") and folder.name[: -len("pass")] + "fail" in names)
    ]


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Invoke prodcheck with a clean GitHub/colour environment."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo scenario, to break in a test."""
    target = tmp_path / "demo"
    shutil.copytree(DEMO, target)
    return target
