"""Baselines and suppressions: adopting prodcheck on a database that already drifts.

The issue's done-means: a baseline taken on the mixed scenario makes the next
run pass, and one new drifted account makes it fail with only that finding.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from prodcheck.baseline import load_baseline
from prodcheck.errors import ConfigError
from prodcheck.yamlfile import load_schema

from .conftest import SCENARIOS

MIXED = SCENARIOS / "mixed-saas"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    target = tmp_path / "mixed-saas"
    shutil.copytree(MIXED, target)
    return target


def _edit_accounts(folder: Path, changes: dict[int, dict[str, object]]) -> None:
    path = folder / "db" / "users.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    for row in rows:
        row.update(changes.get(row["id"], {}))
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")


def _json_report(run_cli, *args: str) -> tuple[int, dict]:
    result = run_cli("check", *args, "--format", "json")
    report = json.loads(result.output)
    jsonschema.validate(report, load_schema("report.schema.json"))
    return result.exit_code, report


def test_baseline_then_pass_then_one_new_drift_fails_alone(run_cli, mixed, tmp_path) -> None:
    baseline = tmp_path / ".prodcheck-baseline.json"
    before, report = _json_report(run_cli, "--fixtures", str(mixed))
    assert before == 1 and report["summary"]["fail"] > 0
    recorded = {
        (f["rule"], f"{f['subject']['kind']}:{f['subject']['id']}") for f in report["findings"]
    }

    result = run_cli("baseline", "--fixtures", str(mixed), "--out", str(baseline))
    assert result.exit_code == 0, result.output
    document = json.loads(baseline.read_text())
    jsonschema.validate(document, load_schema("baseline.schema.json"))
    assert {(e["rule"], e["subject"]) for e in document["entries"]} == recorded
    assert document["created"] == "2026-11-01T12:00:00Z"  # the scenario's now: deterministic

    code, report = _json_report(run_cli, "--fixtures", str(mixed), "--baseline", str(baseline))
    assert code == 0
    assert report["verdict"] == "pass"
    assert report["summary"]["known"] == len(recorded)
    assert all(f["status"] == "known" for f in report["findings"])  # listed, never hidden
    assert report["baseline"]["resolved"] == []

    # Account 2001 pays for starter and loses its access flag: new drift.
    _edit_accounts(mixed, {2001: {"has_paid_access": False}})
    code, report = _json_report(run_cli, "--fixtures", str(mixed), "--baseline", str(baseline))
    assert code == 1
    assert report["verdict"] == "fail"
    new = [f for f in report["findings"] if f["status"] == "new"]
    assert [(f["rule"], f["subject"]["id"]) for f in new] == [("access.revenue_leak", "2001")]
    assert report["summary"]["fail"] == 1 and report["summary"]["warn"] == 0


def test_fixed_drift_is_listed_as_resolved_and_pruned(run_cli, mixed, tmp_path) -> None:
    baseline = tmp_path / "base.json"
    run_cli("baseline", "--fixtures", str(mixed), "--out", str(baseline))
    entries_before = len(json.loads(baseline.read_text())["entries"])
    # Account 2030's access flag is fixed; account 2001 newly drifts.
    _edit_accounts(mixed, {2030: {"has_paid_access": True}, 2001: {"has_paid_access": False}})

    code, report = _json_report(run_cli, "--fixtures", str(mixed), "--baseline", str(baseline))
    assert code == 1
    assert report["baseline"]["resolved"] == [
        {
            "fingerprint": report["baseline"]["resolved"][0]["fingerprint"],
            "rule": "access.revenue_leak",
            "subject": "account:2030",
        }
    ]
    terminal = run_cli("check", "--fixtures", str(mixed), "--baseline", str(baseline)).output
    assert "1 resolved" in terminal and "access.revenue_leak  account 2030" in terminal

    result = run_cli("baseline", "--fixtures", str(mixed), "--out", str(baseline), "--prune")
    assert result.exit_code == 0, result.output
    assert "pruned 1 resolved entry" in result.output
    kept = json.loads(baseline.read_text())["entries"]
    assert len(kept) == entries_before - 1
    # Pruning never adds: the new drift on 2001 is not accepted by it.
    assert not any(e["subject"] == "account:2001" for e in kept)


def test_skipped_rule_entries_are_not_resolved(run_cli, mixed, tmp_path) -> None:
    baseline = tmp_path / "base.json"
    run_cli("baseline", "--fixtures", str(mixed), "--out", str(baseline))
    config = mixed / "prodcheck.yml"
    config.write_text(config.read_text().replace("    deleted_at: deleted_at\n", ""))
    _, report = _json_report(run_cli, "--fixtures", str(mixed), "--baseline", str(baseline))
    rule = "lifecycle.deleted_account_billed"
    assert rule in {s["rule"] for s in report["skipped_rules"]}
    # Not checked is not fixed: the entry stays, counted as unchecked.
    assert report["baseline"]["unchecked"] == 1
    assert report["baseline"]["resolved"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "is not valid JSON"),
        (
            '{"schema_version": 2, "created": "2026-01-01T00:00:00Z", "entries": []}',
            "schema_version",
        ),
        (
            '{"schema_version": 1, "created": "2026-01-01T00:00:00Z",\n "entries": [\n'
            '  {"fingerprint": "0000000000000000", "rule": "access.revenue_leak",'
            ' "subject": "account:u_1"}]}',
            "is not the fingerprint of access.revenue_leak account:u_1",
        ),
    ],
)
def test_bad_baseline_file_names_the_file(tmp_path, run_cli, text, expected) -> None:
    path = tmp_path / "base.json"
    path.write_text(text)
    with pytest.raises(ConfigError, match=expected) as info:
        load_baseline(path)
    assert str(path) in str(info.value)
    result = run_cli("check", "--fixtures", str(MIXED), "--baseline", str(path))
    assert result.exit_code == 2
    assert str(path) in result.output and "Traceback" not in result.output


def test_missing_baseline_file_exits_2_before_reading_data(run_cli, tmp_path) -> None:
    missing = tmp_path / "nope.json"
    result = run_cli("check", "--fixtures", str(MIXED), "--baseline", str(missing))
    assert result.exit_code == 2
    assert f"{missing}: baseline file not found" in result.output


SUPPRESSIONS = """
suppressions:
  - rule: access.revenue_leak
    subject: "account:20*"
    reason: Migration in progress, tracked in BILL-12
    expires: "2026-12-31"
  - rule: plan.*
    subject: "2035"
    reason: Grandfathered plan
  - rule: access.grace_expired
    reason: Retries extended by hand
    expires: "2026-10-01"
  - rule: identity.unknown_customer
    reason: Nothing to cover any more
"""


def test_suppressions_mark_findings_and_expired_ones_count_again(run_cli, mixed) -> None:
    config = mixed / "prodcheck.yml"
    config.write_text(config.read_text() + SUPPRESSIONS)
    code, report = _json_report(run_cli, "--fixtures", str(mixed))
    by_rule = {(f["rule"], f["subject"]["id"]): f for f in report["findings"]}
    leak = by_rule[("access.revenue_leak", "2030")]
    assert leak["status"] == "suppressed"
    assert (
        leak["suppression_reason"] == "Migration in progress, tracked in BILL-12 (until 2026-12-31)"
    )
    assert by_rule[("plan.mismatch", "2035")]["status"] == "suppressed"
    # Expired on 2026-10-01 (the scenario's now is 2026-11-01): counts again, with a warning.
    assert by_rule[("access.grace_expired", "2032")]["status"] == "new"
    warnings = [n for n in report["notes"] if n.startswith("warning: ")]
    assert len(warnings) == 1 and "expired on 2026-10-01" in warnings[0]
    assert any(
        "identity.unknown_customer" in n and "matched no finding" in n for n in report["notes"]
    )
    assert report["summary"]["suppressed"] == 2
    assert code == 1  # the expired one and the rest still fail

    github = run_cli("check", "--fixtures", str(mixed), "--format", "github").output
    assert "::warning file=" in github and "expired on 2026-10-01" in github
    assert "suppressed not counted" in github


def test_suppressing_everything_passes_and_still_lists(run_cli, mixed) -> None:
    config = mixed / "prodcheck.yml"
    config.write_text(config.read_text() + '\nsuppressions:\n  - {rule: "*", reason: adopting}\n')
    code, report = _json_report(run_cli, "--fixtures", str(mixed))
    assert code == 0 and report["verdict"] == "pass"
    assert report["findings"] and all(f["status"] == "suppressed" for f in report["findings"])
    result = run_cli("check", "--fixtures", str(mixed))
    assert "Suppressed (not counted):" in result.output
    # Suppressed findings never go into a baseline: an expiring suppression must bite again.
    out = mixed / "base.json"
    run_cli("baseline", "--fixtures", str(mixed), "--out", str(out))
    assert json.loads(out.read_text())["entries"] == []


def test_suppression_of_an_unknown_rule_is_a_config_error(run_cli, mixed) -> None:
    config = mixed / "prodcheck.yml"
    config.write_text(
        config.read_text() + "\nsuppressions:\n  - {rule: access.revenue_leek, reason: typo}\n"
    )
    result = run_cli("check", "--fixtures", str(mixed))
    assert result.exit_code == 2
    assert "unknown rule id 'access.revenue_leek'" in result.output
    assert "prodcheck.yml:" in result.output  # file and line of the suppression
