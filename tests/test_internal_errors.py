"""Nothing exits 1 but drift: an unexpected exception anywhere is one line saying
what prodcheck was doing, advice, exit 2, the traceback only with --debug, and a
JSON report with verdict `error` when one was asked for."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from prodcheck.engine import evaluate as evaluate_module
from prodcheck.sources import fixtures as fixtures_module

from .conftest import DEMO, SCENARIOS


def _explode(*args: object, **kwargs: object) -> object:
    raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")


@pytest.fixture
def broken_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("prodcheck.runner.evaluate", _explode)
    assert evaluate_module.evaluate is not _explode  # only the runner's reference is broken


def test_internal_error_is_one_line_and_exit_2(run_cli, broken_engine) -> None:
    result = run_cli("check", "--fixtures", str(DEMO))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "prodcheck: internal error while evaluating the rules: TypeError: unsupported operand "
        "type(s) for +: 'int' and 'str'"
    )
    assert "nothing was verified (exit 2)" in lines[1] and "--debug" in lines[1]
    assert "Traceback" not in result.stderr


def test_debug_prints_the_traceback(run_cli, broken_engine) -> None:
    result = run_cli("--debug", "check", "--fixtures", str(DEMO))
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert "_explode" in result.stderr


def test_debug_from_the_environment(run_cli, broken_engine) -> None:
    result = run_cli("check", "--fixtures", str(DEMO), env={"PRODCHECK_DEBUG": "1"})
    assert result.exit_code == 2 and "Traceback" in result.stderr


def test_internal_error_still_writes_every_structured_report(
    run_cli, broken_engine, tmp_path: Path
) -> None:
    report, junit = tmp_path / "r.json", tmp_path / "j.xml"
    result = run_cli(
        "check",
        "--fixtures",
        str(DEMO),
        "--format",
        "json",
        "--output",
        str(report),
        "--format",
        "junit",
        "--output",
        str(junit),
    )
    assert result.exit_code == 2
    data = json.loads(report.read_text())
    assert data["verdict"] == "error" and data["findings"] == []
    assert data["errors"] == [
        "internal error while evaluating the rules: TypeError: unsupported operand type(s) "
        "for +: 'int' and 'str'"
    ]
    assert "internal error" in junit.read_text()


def test_the_activity_names_the_stage_that_broke(run_cli, monkeypatch) -> None:
    # both readers: SQL's (the default) and Python's
    monkeypatch.setattr(fixtures_module.FixtureAccounts, "load", _explode)
    monkeypatch.setattr(fixtures_module.FixtureAccounts, "load_by_sql", _explode)
    result = run_cli("check", "--fixtures", str(DEMO))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"prodcheck: internal error while reading the accounts table users from fixtures in "
        f"{DEMO}: TypeError"
    )


def test_a_scenario_that_crashes_does_not_stop_the_others(
    run_cli, monkeypatch, tmp_path: Path
) -> None:
    for name in ("demo", "access-revenue-leak-pass"):
        shutil.copytree(SCENARIOS / name, tmp_path / name)
    original = fixtures_module.FixtureAccounts.load

    def crash_on_demo(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "demo" in str(self.folder):
            raise KeyError("has_access")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(fixtures_module.FixtureAccounts, "load", crash_on_demo)
    sql = fixtures_module.FixtureAccounts.load_by_sql

    def python_reads_demo(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None if "demo" in str(self.folder) else sql(self, *args, **kwargs)

    monkeypatch.setattr(fixtures_module.FixtureAccounts, "load_by_sql", python_reads_demo)
    result = run_cli("test", str(tmp_path))
    assert result.exit_code == 2
    assert "ok    " + str(tmp_path / "access-revenue-leak-pass") in result.stdout
    assert "ERROR " + str(tmp_path / "demo") in result.stdout
    assert "internal error while reading the accounts table" in result.stdout
    assert "1 ok, 0 mismatched, 1 could not run" in result.stdout


def test_a_closed_stdout_is_exit_2_not_a_traceback(tmp_path: Path) -> None:
    """`prodcheck rules | head -1`: the reader goes away before the output ends."""
    script = (
        f"{sys.executable} -m prodcheck rules | head -c 10 >/dev/null; "
        'echo "exit=${PIPESTATUS[0]}" >&2'
    )
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert "Traceback" not in result.stderr
    assert "exit=1" not in result.stderr


def test_a_real_process_exits_2_on_an_unexpected_shape(tmp_path: Path) -> None:
    """Through the console entry point, not the test runner: a fixture of a shape
    nobody foresaw ends as exit 2 with no traceback, whatever the message."""
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    path = folder / "stripe" / "subscriptions.json"
    data = json.loads(path.read_text())
    subs = data["data"] if isinstance(data, dict) else data
    subs[0]["items"]["data"][0]["price"]["recurring"] = "month"
    path.write_text(json.dumps(data))
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "prodcheck", "check", "--fixtures", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "subscriptions" in result.stderr or "internal error" in result.stderr
