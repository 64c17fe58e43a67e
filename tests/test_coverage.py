"""Never a silent pass (coverage.py, and the readers' side of it): a run asked to
check that checked nothing, or less than asked, ends in `error` with every
reporter saying so; rows lacking mapped keys are named in a warning, by the SQL
readers and the Python readers alike. The cases of bad input are in
tests/corpus/unchecked.yml, the scenarios in scenarios/coverage-*."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from prodcheck.cli import cli
from prodcheck.reporters.github import render as render_github
from prodcheck.reporters.html import _headline
from prodcheck.reporters.markdown import render as render_markdown
from prodcheck.reporters.slack import summary_line
from prodcheck.reporters.terminal import render as render_terminal
from prodcheck.results import Verdict
from prodcheck.runner import CheckRequest, run_check

from .conftest import SCENARIOS
from .python_readers import python_readers

NOW = "2026-11-01T12:00:00Z"


def _copy(tmp_path: Path, name: str = "access-revenue-leak-fail") -> Path:
    return Path(shutil.copytree(SCENARIOS / name, tmp_path / name))


def _json_check(folder: Path) -> tuple[int, dict]:
    result = CliRunner().invoke(
        cli, ["check", "--fixtures", str(folder), "--format", "json", "--now", NOW]
    )
    return result.exit_code, json.loads(result.output)


def test_no_accounts_and_no_subscriptions_is_a_pass(tmp_path: Path) -> None:
    """An empty app with an empty billing account has nothing unchecked."""
    folder = _copy(tmp_path)
    for name in ("db/users.json", "stripe/subscriptions.json", "stripe/customers.json"):
        (folder / name).write_text("[]")
    code, report = _json_check(folder)
    assert (code, report["verdict"], report["errors"]) == (0, "pass", [])


def test_empty_billing_is_checked_against_the_accounts(tmp_path: Path) -> None:
    """No subscription at all (a new billing account, or the wrong one): the rows are
    checked against that (an internal error before: a count left a result open)."""
    folder = _copy(tmp_path)
    for name in ("stripe/subscriptions.json", "stripe/customers.json"):
        (folder / name).write_text("[]")
    code, report = _json_check(folder)
    assert (code, report["verdict"], report["errors"]) == (1, "fail", [])
    assert ("access.wrongful_access", "u_203") in {
        (f["rule"], f["subject"]["id"]) for f in report["findings"]
    }


def test_no_accounts_keeps_the_findings_it_made(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "db/users.json").write_text("[]")
    code, report = _json_check(folder)
    assert code == 2 and report["verdict"] == "error"
    assert report["errors"] == [
        "no row was read from the users table while billing holds 3 subscriptions: nothing "
        "on the app's side was checked. Check database.table and database.where, that the "
        "database is the app's own, and that the read-only role can see the rows (a "
        "row-level security policy hides them without an error)."
    ]
    rules = {f["rule"] for f in report["findings"]}
    assert rules == {"identity.orphan_subscription"}


def test_one_account_outside_the_window_is_checked() -> None:
    """The settle-window scenario: three rows settle, one is checked: no error."""
    folder = SCENARIOS / "settle-window"
    code, report = _json_check(folder)
    assert (code, report["verdict"], report["errors"]) == (0, "pass", [])
    everyone = SCENARIOS / "coverage-all-settling-error"
    code, report = _json_check(everyone)
    assert code == 2 and "every row of the users table (2) was left out" in report["errors"][0]


def test_own_rule_that_runs_is_no_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    rule = (SCENARIOS.parent / "contracts/access/revenue_leak.yml").read_text()
    (folder / "ours.yml").write_text(rule.replace("id: access.revenue_leak", "id: ours.leak"))
    config = folder / "prodcheck.yml"
    config.write_text(config.read_text() + "contracts:\n  packs: []\n  files: [ours.yml]\n")
    code, report = _json_check(folder)
    assert (code, report["verdict"], report["errors"]) == (1, "fail", [])
    assert {f["rule"] for f in report["findings"]} == {"ours.leak"}


@pytest.fixture
def partly() -> object:
    """A report of a run that checked some of what it was asked to."""
    folder = SCENARIOS / "coverage-no-accounts-error"
    _, report = run_check(CheckRequest(fixtures=folder, config_path=folder / "prodcheck.yml"), {})
    assert report.verdict is Verdict.ERROR and report.checked_partly
    return report


def test_every_reporter_says_what_was_left_unchecked(partly) -> None:
    terminal = render_terminal(partly)
    assert "VERDICT: ERROR · not everything asked for was checked · 0 failures, 2 warnings" in (
        terminal
    )
    assert "ERROR\n  no row was read from the users table" in terminal
    markdown = render_markdown(partly)
    assert "**Not everything asked for was checked.**" in markdown
    assert "**0** failures, **2** warnings" in markdown
    assert summary_line(partly).startswith("not everything asked for was checked · 0 failures")
    assert _headline(partly).startswith("Not everything asked for was checked · 0 failures")
    assert "title=prodcheck did not check everything::no row was read" in render_github(partly)


def test_a_run_that_checked_nothing_says_so(partly) -> None:
    nothing = replace(partly, rules_run=(), findings=())
    assert (
        render_terminal(nothing)
        .rstrip()
        .endswith("VERDICT: ERROR · could not check; nothing was verified")
    )
    assert "**Could not check; nothing was verified.**" in render_markdown(nothing)
    assert summary_line(nothing) == "could not check: nothing was verified"
    assert "title=prodcheck could not check::no row was read" in render_github(nothing)


def _rows_lacking(folder: Path, layout: str) -> None:
    """u_201 without has_paid_access, u_202 without plan, in the given layout."""
    path = folder / "db/users.json"
    rows = json.loads(path.read_text())
    del rows[0]["has_paid_access"], rows[1]["plan"]
    planless = {k: v for k, v in rows[2].items() if k != "plan"}
    rows += [planless | {"id": f"u_9{n}"} for n in range(3)]
    if layout == "ndjson":
        path.unlink()
        (folder / "db/users.ndjson").write_text("".join(json.dumps(r) + "\n" for r in rows))
    elif layout == "list":
        path.write_text(json.dumps({"object": "list", "data": rows, "has_more": False}))
    else:
        path.write_text(json.dumps(rows))


@pytest.mark.parametrize("layout", ["array", "ndjson", "list"])
def test_rows_lacking_mapped_keys_are_named_by_both_readers(tmp_path: Path, layout: str) -> None:
    folder = _copy(tmp_path)
    _rows_lacking(folder, layout)
    code, report = _json_check(folder)
    with python_readers():
        python_code, python_report = _json_check(folder)
    shown = str(folder / ("db/users.ndjson" if layout == "ndjson" else "db/users.json"))
    expected = (
        f"warning: 5 of 6 rows of {shown} lack a mapped column's key, read as null: "
        f"{shown}[0] lacks has_paid_access; {shown}[1] lacks plan; {shown}[3] lacks plan; "
        "2 more. Write the key with null where a row has no value, or fix the column mapping."
    )
    assert report["notes"] == [expected]
    assert (python_code, python_report) == (code, report)


def test_rows_holding_every_key_get_no_warning(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "db/users.json"
    rows = json.loads(path.read_text())
    rows[0]["has_paid_access"] = None  # a null is a value: no warning
    path.write_text(json.dumps(rows))
    _, report = _json_check(folder)
    assert report["notes"] == []
