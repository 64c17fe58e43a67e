"""`prodcheck repair`: what goes where (SQL, provider commands, the review list), the
provider's window, conflicts between findings, byte-identical output, and bad input
as exit 2 naming the file and what to do. Applying the SQL to a real database is
tests/e2e/test_repair_apply.py."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from prodcheck.cli import cli
from prodcheck.engine.contracts import load_contract_file
from prodcheck.engine.repairs import ACTIONS as ENGINE_ACTIONS
from prodcheck.errors import ContractError
from prodcheck.remedies import ACTIONS
from prodcheck.scenario import read_scenario

from .conftest import SCENARIOS

NOW = {
    "demo": None,
    "webhooks-unprocessed-event-fail": None,
    "webhooks-paddle-fail": None,
    "lifecycle-deleted-account-billed-fail": None,
    "schema-supabase-fail": None,
    "schema-prisma-team-fail": None,
}


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each scenario's JSON report, as of its own `now`."""
    folder = tmp_path_factory.mktemp("reports")
    written = {}
    for name in NOW:
        scenario = read_scenario(SCENARIOS / name)
        assert scenario is not None and scenario.now is not None
        path = folder / f"{name}.json"
        now = scenario.now.isoformat()
        args = ("check", "--fixtures", str(SCENARIOS / name), "--format", "json", "--now", now)
        result = _invoke(*args, "--output", str(path))
        assert result.exit_code == 1, result.output
        written[name] = path
    return written


def _plan(report: Path, out: Path, now: str = "2026-11-01T12:00:00Z") -> dict[str, str]:
    result = _invoke("repair", "--report", str(report), "--out", str(out), "--now", now)
    assert result.exit_code == 0, result.output
    return {p.name: p.read_text() for p in sorted(out.iterdir())}


def _review(files: dict[str, str]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files["review.csv"])))


def test_every_declared_action_is_built_and_every_rule_names_known_ones() -> None:
    assert set(ENGINE_ACTIONS) == set(ACTIONS)


def test_demo_plan_guards_each_change_and_lists_the_rest(reports, tmp_path) -> None:
    files = _plan(reports["demo"], tmp_path / "plan")
    assert sorted(files) == ["provider.sh", "repair.sql", "review.csv"]
    sql = files["repair.sql"]
    assert sql.count("BEGIN;") == 1 and sql.count("COMMIT;") == 1
    report = json.loads(reports["demo"].read_text())
    fixed = [f for f in report["findings"] if f.get("repair", {}).get("database")]
    assert len(fixed) == 5
    for finding in fixed:
        assert finding["fingerprint"] in sql
        for row in finding["repair"]["database"]:
            for change in row["set"]:
                before = json.dumps(change["before"]).strip('"')
                assert f"\"{change['column']}\" IS NOT DISTINCT FROM '{before}'" in sql
    assert sql.count("GET DIAGNOSTICS changed = ROW_COUNT;") == 5
    assert "-- before: users.plan = 'starter' where id = 'u_1008'; after: 'team'" in sql
    review = _review(files)
    assert [(r["rule"], r["why"]) for r in review] == [
        ("identity.orphan_subscription", "its rule writes no repair: follow the fix")
    ]
    assert "Nothing to do at the provider." in files["provider.sh"]
    # Byte-identical when written again.
    assert _plan(reports["demo"], tmp_path / "again") == files


def test_events_are_resent_while_the_provider_keeps_them(reports, tmp_path) -> None:
    report = reports["webhooks-unprocessed-event-fail"]
    files = _plan(report, tmp_path / "plan")
    events = [
        f["subject"]["id"]
        for f in json.loads(report.read_text())["findings"]
        if f["rule"] == "webhooks.unprocessed_event"
    ]
    assert events
    for event in events:
        assert f"\nstripe events resend {event}\n" in files["provider.sh"]
    # 40 days on, Stripe no longer has them: they need a person.
    late = _plan(report, tmp_path / "late", now="2026-12-11T12:00:00Z")
    assert "\nstripe events resend" not in late["provider.sh"]
    whys = {r["subject"].split()[-1]: r["why"] for r in _review(late)}
    for event in events:
        assert "can no longer be resent" in whys[event]


def test_a_live_mode_reports_stripe_commands_carry_live(reports, tmp_path) -> None:
    def live(data: dict) -> None:
        for source in data["sources"]:
            if source["side"] == "billing":
                source.update(kind="stripe", location="Stripe API (live mode) at https://x")

    files = _plan(
        _edited(reports["webhooks-unprocessed-event-fail"], tmp_path, live), tmp_path / "l"
    )
    commands = [line for line in files["provider.sh"].splitlines() if line.startswith("stripe ")]
    assert commands and all(line.endswith(" --live") for line in commands)
    assert "read Stripe in live mode" in files["provider.sh"]
    test = _plan(reports["webhooks-unprocessed-event-fail"], tmp_path / "t")
    assert "--live\n" not in test["provider.sh"] and "add --live" in test["provider.sh"]


def test_paddle_notifications_are_replayed_with_curl(reports, tmp_path) -> None:
    files = _plan(reports["webhooks-paddle-fail"], tmp_path / "plan")
    replays = [line for line in files["provider.sh"].splitlines() if line.startswith("curl --fail")]
    assert replays and all(
        "https://api.paddle.com/notifications/ntf_" in line
        and line.endswith('/replay -H "Authorization: Bearer $PADDLE_API_KEY"')
        for line in replays
    )


def test_deleted_accounts_subscriptions_are_canceled_at_the_provider(reports, tmp_path) -> None:
    files = _plan(reports["lifecycle-deleted-account-billed-fail"], tmp_path / "plan")
    report = json.loads(reports["lifecycle-deleted-account-billed-fail"].read_text())
    subscriptions = [
        sub
        for f in report["findings"]
        if f["rule"] == "lifecycle.deleted_account_billed"
        for sub in f["refs"]["subscription"]
    ]
    assert subscriptions
    for sub in subscriptions:
        assert f"\nstripe subscriptions cancel {sub}\n" in files["provider.sh"]
    assert "Nothing to change in the database." in files["repair.sql"]


def test_what_cannot_be_written_goes_to_review_with_the_reason(reports, tmp_path) -> None:
    supabase = _review(_plan(reports["schema-supabase-fail"], tmp_path / "s"))
    assert any(
        r["rule"] == "access.revenue_leak" and "holds no row for" in r["why"] for r in supabase
    )
    # Stark's paid subscription sits on Wayne's team: revoking it would cancel what is
    # paid for, so it is for a person, not a status write.
    prisma = _plan(reports["schema-prisma-team-fail"], tmp_path / "p")
    assert any("sits on the wrong account" in r["why"] for r in _review(prisma))
    assert "sub_15VMV1rn9FXCsBVsmTNGz7kO" not in prisma["repair.sql"].split("BEGIN;")[1]


def _edited(report: Path, tmp_path: Path, edit) -> Path:
    data = json.loads(report.read_text())
    edit(data)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def test_two_findings_setting_one_column_are_written_once_or_sent_to_review(
    reports, tmp_path
) -> None:
    def same(data: dict) -> None:
        first = data["findings"][0]
        data["findings"].append({**first, "rule": "plan.mismatch", "fingerprint": "0" * 16})

    files = _plan(_edited(reports["demo"], tmp_path, same), tmp_path / "same")
    assert files["repair.sql"].count("GET DIAGNOSTICS") == 5
    assert "-- Repaired by [1]: the same change." in files["repair.sql"]

    def other(data: dict) -> None:
        first = json.loads(json.dumps(data["findings"][0]))
        change = first["repair"]["database"][0]["set"][0]
        change["value"] = not change["value"]
        data["findings"].append({**first, "fingerprint": "1" * 16})

    files = _plan(_edited(reports["demo"], tmp_path, other), tmp_path / "other")
    assert files["repair.sql"].count("GET DIAGNOSTICS") == 5
    assert any("where finding [1] sets " in r["why"] for r in _review(files))


def test_suppressed_findings_are_left_out_and_old_reports_say_why(reports, tmp_path) -> None:
    def suppress(data: dict) -> None:
        for finding in data["findings"]:
            finding["status"] = "suppressed"

    path = _edited(reports["demo"], tmp_path, suppress)
    result = _invoke("repair", "--report", str(path), "--out", str(tmp_path / "s"))
    assert result.exit_code == 0 and "left out: 6 suppressed findings" in result.output
    assert _review({"review.csv": (tmp_path / "s" / "review.csv").read_text()}) == []

    def old(data: dict) -> None:
        data["schema_version"] = "1.0"
        for finding in data["findings"]:
            finding.pop("repair", None)

    files = _plan(_edited(reports["demo"], tmp_path, old), tmp_path / "old")
    assert len(_review(files)) == 6
    assert all("predates repair plans" in r["why"] for r in _review(files))


def _database(kind: str):
    def edit(data: dict) -> None:
        for source in data["sources"]:
            if source["side"] == "database":
                source["kind"] = kind

    return edit


@pytest.mark.parametrize(
    ("kind", "update", "guard"),
    [
        (
            "mysql",
            "UPDATE `users` SET `plan` = 'team'\n WHERE `id` = 'u_1008'\n"
            "   AND `plan` <=> 'starter';",
            "IF(ROW_COUNT() = 1, 1, NULL)",
        ),
        (
            "sqlite",
            'UPDATE "users" SET "plan" = \'team\'\n WHERE "id" = \'u_1008\'\n'
            "   AND \"plan\" IS 'starter';",
            "CASE WHEN changes() = 1 THEN 1 END",
        ),
    ],
)
def test_the_sql_is_the_report_databases(reports, tmp_path, kind, update, guard) -> None:
    files = _plan(_edited(reports["demo"], tmp_path, _database(kind)), tmp_path / kind)
    sql = files["repair.sql"]
    assert update in sql
    assert sql.count("INSERT INTO prodcheck_repair_guard VALUES (") == 5
    assert sql.count(guard) == 5 and sql.rstrip().endswith("COMMIT;")
    # --dialect writes another's.
    other = "postgres" if kind == "mysql" else "mysql"
    path = tmp_path / "edited.json"
    result = _invoke(
        "repair", "--report", str(path), "--out", str(tmp_path / "o"), "--dialect", other
    )
    assert result.exit_code == 0
    assert update not in (tmp_path / "o" / "repair.sql").read_text()


def test_a_database_without_a_dialect_is_described_for_review(reports, tmp_path) -> None:
    files = _plan(_edited(reports["demo"], tmp_path, _database("duckdb")), tmp_path / "d")
    assert "Nothing to change in the database." in files["repair.sql"]
    whys = [r["why"] for r in _review(files)]
    assert (
        "repair writes no SQL for duckdb (PostgreSQL, MySQL/MariaDB and SQLite only): set "
        "plan = 'team' (was 'starter') in users where id = 'u_1008'"
    ) in whys


def test_hostile_values_stay_literals() -> None:
    from prodcheck.repair.postgres import identifier, literal

    assert literal("it's $repair$ 100%", "x") == "'it''s $repair$ 100%'"
    assert literal(None, "x") == "NULL" and literal(True, "x") == "'true'"
    assert identifier('public.we"ird') == '"public"."we""ird"'


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "report not found"),
        ("{not json", "is not valid JSON (Expecting property name"),
        ("[]", "this is not a prodcheck JSON report"),
        ('{"findings": [], "verdict": "pass"}', "not a valid prodcheck JSON report"),
    ],
)
def test_bad_reports_are_exit_2_naming_the_file(tmp_path, content, expected) -> None:
    path = tmp_path / "report.json"
    if content is not None:
        path.write_text(content)
    result = _invoke("repair", "--report", str(path), "--out", str(tmp_path / "plan"))
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and expected in result.output
    assert "Traceback" not in result.output


def test_an_edited_repair_is_named_by_its_line(reports, tmp_path) -> None:
    def edit(data: dict) -> None:
        data["findings"][0]["repair"]["database"][0]["set"][0]["colum"] = "x"

    path = _edited(reports["demo"], tmp_path, edit)
    result = _invoke("repair", "--report", str(path), "--out", str(tmp_path / "plan"))
    assert result.exit_code == 2
    assert re.search(
        rf"{re.escape(str(path))}:\d+: findings\[0\]\.repair\.database\[0\]\.set\[0\]\.colum: "
        "unknown key 'colum'",
        result.output,
    )


def test_a_report_that_checked_nothing_has_nothing_to_repair(reports, tmp_path) -> None:
    def error(data: dict) -> None:
        data.update(verdict="error", rules_run=[], findings=[], errors=["no config"])
        data["summary"].update(findings=0, fail=0, warn=0, rules_run=0)

    path = _edited(reports["demo"], tmp_path, error)
    result = _invoke("repair", "--report", str(path), "--out", str(tmp_path / "plan"))
    assert result.exit_code == 2 and "the report checked nothing" in result.output
    assert not (tmp_path / "plan").exists()


def test_out_must_be_a_folder(reports, tmp_path) -> None:
    out = tmp_path / "file"
    out.write_text("")
    result = _invoke("repair", "--report", str(reports["demo"]), "--out", str(out))
    assert result.exit_code == 2


def test_an_action_for_another_subject_is_a_contract_error(tmp_path) -> None:
    path = tmp_path / "mine.yml"
    path.write_text(
        "id: mine.resend\ntitle: Resend it\nsubject: account\nseverity: fail\n"
        "repair: [resend_event]\nwhen: {fact: entitled, eq: true}\n"
        "message: m\nfix: f\nrationale: r\n"
    )
    with pytest.raises(ContractError, match="resend_event repairs a finding about event"):
        load_contract_file(path)
