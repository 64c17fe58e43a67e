"""The command line: exit codes, formats, determinism, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from prodcheck.yamlfile import load_schema

from .conftest import DEMO, SCENARIOS


def test_demo_fails_with_a_revenue_leak(run_cli) -> None:
    result = run_cli("demo")
    assert result.exit_code == 1
    assert "VERDICT: FAIL" in result.output
    assert "access.revenue_leak" in result.output
    assert "What this shows" in result.output


def test_demo_runs_from_any_directory(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "prodcheck", "demo"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 1, result.stderr
    assert "access.revenue_leak" in result.stdout
    assert "Traceback" not in result.stderr


def test_version(run_cli) -> None:
    from prodcheck import __version__

    result = run_cli("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_passing_scenario_exits_zero(run_cli) -> None:
    passing = next(p for p in sorted(SCENARIOS.iterdir()) if p.name.endswith("-pass"))
    result = run_cli("check", "--fixtures", str(passing))
    assert result.exit_code == 0, result.output


def test_json_report_validates_against_the_shipped_schema(run_cli) -> None:
    result = run_cli("check", "--fixtures", str(DEMO), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    jsonschema.validate(report, load_schema("report.schema.json"))
    assert report["verdict"] == "fail"
    assert {f["rule"] for f in report["findings"]} >= {"access.revenue_leak"}
    fingerprints = [f["fingerprint"] for f in report["findings"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_output_is_byte_identical_across_runs(run_cli) -> None:
    for fmt in ("terminal", "json", "github", "markdown"):
        first = run_cli("check", "--fixtures", str(DEMO), "--format", fmt).output
        second = run_cli("check", "--fixtures", str(DEMO), "--format", fmt).output
        assert first == second, fmt


def test_several_formats_in_one_run(run_cli, tmp_path: Path) -> None:
    report, summary = tmp_path / "r.json", tmp_path / "r.md"
    result = run_cli(
        "check",
        "--fixtures",
        str(DEMO),
        "--format",
        "json",
        "--output",
        str(report),
        "--format",
        "markdown",
        "--output",
        str(summary),
        "--format",
        "terminal",
    )
    assert result.exit_code == 1
    assert json.loads(report.read_text())["verdict"] == "fail"
    assert summary.read_text().startswith("## ❌ prodcheck: FAIL")
    assert "VERDICT: FAIL" in result.output


def test_an_output_belongs_to_the_format_before_it(run_cli, tmp_path: Path) -> None:
    """`--format terminal --format json --output r.json`: the file is the JSON report
    and the terminal one prints (they were paired by position: the terminal text in
    r.json, the JSON on stdout)."""
    report = tmp_path / "r.json"
    args = ["--format", "terminal", "--format", "json", "--output", str(report)]
    result = run_cli("check", "--fixtures", str(DEMO), *args)
    assert result.exit_code == 1
    assert json.loads(report.read_text())["verdict"] == "fail"
    assert "VERDICT: FAIL" in result.output
    inline = run_cli("check", "--fixtures", str(DEMO), "--format=json", f"--output={report}")
    assert inline.exit_code == 1 and json.loads(report.read_text())["verdict"] == "fail"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--output", "r.json", "--format", "json"], "--output r.json follows no --format"),
        (
            ["--format", "json", "--output", "a.json", "--output", "b.json"],
            "--output a.json and --output b.json both follow --format json",
        ),
    ],
)
def test_an_output_without_its_own_format_is_an_error(run_cli, args, says) -> None:
    result = run_cli("check", "--fixtures", str(DEMO), *args)
    assert result.exit_code == 2
    assert says in result.output


def test_one_output_without_a_format_takes_the_default(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    result = run_cli("check", "--fixtures", str(DEMO), "--output", str(out))
    assert result.exit_code == 1 and result.output == ""
    assert "VERDICT: FAIL" in out.read_text()


def test_two_formats_on_stdout_is_an_error(run_cli) -> None:
    result = run_cli("check", "--fixtures", str(DEMO), "--format", "json", "--format", "terminal")
    assert result.exit_code == 2
    assert "would all print to stdout" in result.output


def test_github_format_is_automatic_in_actions(run_cli, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = run_cli(
        "check",
        "--fixtures",
        str(DEMO),
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.exit_code == 1
    assert result.output.startswith("::error ")
    assert "## ❌ prodcheck: FAIL" in summary.read_text()


def test_strict_turns_warnings_into_failure(run_cli, demo_copy: Path) -> None:
    config = demo_copy / "prodcheck.yml"
    text = config.read_text()
    # Downgrade every fail rule that fires in the demo to a warning.
    config.write_text(
        text
        + "contracts:\n  severity:\n"
        + "".join(
            f"    {rule}: warn\n"
            for rule in (
                "access.revenue_leak",
                "access.wrongful_access",
                "access.grace_expired",
                "plan.underprovisioned",
            )
        )
    )
    assert run_cli("check", "--fixtures", str(demo_copy)).exit_code == 0
    strict = run_cli("check", "--fixtures", str(demo_copy), "--strict")
    assert strict.exit_code == 1
    assert "VERDICT: WARN" in strict.output


def test_now_flag_changes_grace_arithmetic(run_cli) -> None:
    # Eleven days earlier the past_due subscription was still within grace.
    result = run_cli("check", "--fixtures", str(DEMO), "--now", "2026-10-21T12:00:00Z")
    assert "access.grace_expired" not in result.output


def test_bad_now_is_exit_2(run_cli) -> None:
    result = run_cli("check", "--fixtures", str(DEMO), "--now", "yesterday")
    assert result.exit_code == 2
    assert "ISO 8601" in result.output


def test_missing_fixture_file(run_cli, demo_copy: Path) -> None:
    (demo_copy / "stripe" / "subscriptions.json").unlink()
    result = run_cli("check", "--fixtures", str(demo_copy))
    assert result.exit_code == 2
    assert "subscriptions.json: fixture file not found" in result.output
    assert "Traceback" not in result.output


def test_malformed_json_names_file_and_line(run_cli, demo_copy: Path) -> None:
    path = demo_copy / "stripe" / "customers.json"
    path.write_text('[\n  {"id": "cus_1",}\n]\n')
    result = run_cli("check", "--fixtures", str(demo_copy))
    assert result.exit_code == 2
    assert "customers.json:2:" in result.output
    assert "malformed JSON" in result.output


def test_malformed_object_names_index_and_key(run_cli, demo_copy: Path) -> None:
    path = demo_copy / "stripe" / "subscriptions.json"
    subscriptions = json.loads(path.read_text())
    subscriptions[3]["status"] = "activ"
    del subscriptions[5]["customer"]
    path.write_text(json.dumps(subscriptions))
    result = run_cli("check", "--fixtures", str(demo_copy))
    assert result.exit_code == 2
    assert (
        "subscriptions.json[3] (sub_Nq4): status: unknown subscription status 'activ'"
        in result.output
    )
    assert "subscriptions.json[5]" in result.output and "customer: is required" in result.output


def test_error_still_writes_a_json_error_report(run_cli, demo_copy: Path, tmp_path: Path) -> None:
    (demo_copy / "db" / "users.json").write_text("{}")
    out = tmp_path / "report.json"
    result = run_cli(
        "check", "--fixtures", str(demo_copy), "--format", "json", "--output", str(out)
    )
    assert result.exit_code == 2
    report = json.loads(out.read_text())
    jsonschema.validate(report, load_schema("report.schema.json"))
    assert report["verdict"] == "error"
    assert report["errors"]


def test_csv_rows_are_typed_like_live_rows(run_cli, demo_copy: Path) -> None:
    rows = json.loads((demo_copy / "db" / "users.json").read_text())
    (demo_copy / "db" / "users.json").unlink()
    lines = ["id,stripe_customer_id,has_paid_access,plan"]
    for row in rows:
        access = "false" if not row["has_paid_access"] else "t"
        lines.append(f"{row['id']},{row['stripe_customer_id']},{access},{row['plan'] or ''}")
    (demo_copy / "db" / "users.csv").write_text("\n".join(lines) + "\n")
    as_csv = run_cli("check", "--fixtures", str(demo_copy), "--format", "json")
    as_json = run_cli("check", "--fixtures", str(DEMO), "--format", "json")
    findings = lambda out: [(f["rule"], f["subject"]) for f in json.loads(out)["findings"]]  # noqa: E731
    assert findings(as_csv.output) == findings(as_json.output)


def test_csv_bad_boolean_names_line_and_column(run_cli, demo_copy: Path) -> None:
    (demo_copy / "db" / "users.json").unlink()
    (demo_copy / "db" / "users.csv").write_text(
        "id,stripe_customer_id,has_paid_access,plan\nu_1,cus_Nq1,maybe,pro\n"
    )
    result = run_cli("check", "--fixtures", str(demo_copy))
    assert result.exit_code == 2
    assert "users.csv:2: column 'has_paid_access' (has_access)" in result.output


def test_fixtures_folder_must_exist(run_cli, tmp_path: Path) -> None:
    result = run_cli("check", "--fixtures", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "no such folder" in result.output


def test_no_config_anywhere(run_cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fx").mkdir()
    result = run_cli("check", "--fixtures", str(tmp_path / "fx"))
    assert result.exit_code == 2
    assert "no prodcheck.yml found" in result.output


def test_validate(run_cli) -> None:
    result = run_cli("validate", "--config", str(DEMO / "prodcheck.yml"))
    assert result.exit_code == 0
    assert "valid" in result.output and "rules in" in result.output


def test_test_command_reports_mismatch_with_a_diff(run_cli, demo_copy: Path) -> None:
    assert run_cli("test", str(demo_copy)).exit_code == 0
    scenario = demo_copy / "scenario.yml"
    scenario.write_text(scenario.read_text().replace("account:u_1003", "account:u_9999"))
    result = run_cli("test", str(demo_copy))
    assert result.exit_code == 1
    assert "- missing    access.revenue_leak  account:u_9999" in result.output
    assert "+ unexpected access.revenue_leak  account:u_1003" in result.output


def test_test_command_with_broken_scenario_is_exit_2(run_cli, demo_copy: Path) -> None:
    (demo_copy / "scenario.yml").write_text("description: x\nexpect: {verdict: maybe}\n")
    result = run_cli("test", str(demo_copy))
    assert result.exit_code == 2
    assert "scenario.yml:2" in result.output


def test_rules_lists_and_explains(run_cli) -> None:
    listing = run_cli("rules")
    assert listing.exit_code == 0
    assert "access.revenue_leak" in listing.output
    explained = run_cli("rules", "access.revenue_leak")
    assert explained.exit_code == 0
    assert "Why:" in explained.output and "Example (scenarios/" in explained.output
    unknown = run_cli("rules", "access.nope")
    assert unknown.exit_code == 2


def test_the_lazy_command_map_names_every_command_where_it_is_defined() -> None:
    """`prodcheck.cli.COMMANDS` (command -> module, imported when the command runs)
    lists each command of each module, and only those."""
    import importlib

    from prodcheck.cli import COMMANDS

    defined = {}
    for module in sorted(set(COMMANDS.values())):
        for command in importlib.import_module(f"prodcheck.cli.{module}").COMMANDS:
            defined[command.name] = module
    assert defined == COMMANDS


def test_version_imports_no_command() -> None:
    """`prodcheck --version` answers without importing a command, the runner or a
    source: what a CI step pays to print the version."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom prodcheck.cli import main\nsys.argv = ['prodcheck', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('prodcheck.cli.check', "
        "'prodcheck.runner', 'prodcheck.sources', 'prodcheck.engine', 'jsonschema', 'yaml'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("[]"), out.stdout[-300:]
