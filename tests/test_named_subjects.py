"""Rows named the app's way: `subject: team` and a label column make every report and
message say "team Acme (42)", never a bare id; without them, nothing changes."""

from __future__ import annotations

import json

import jsonschema

from prodcheck.results import Subject
from prodcheck.runner import CheckRequest, run_check
from prodcheck.scenario import read_scenario
from prodcheck.yamlfile import load_schema

from .conftest import DEMO, SCENARIOS

TEAMS = SCENARIOS / "schema-teams-status-fail"


def _report(folder):
    scenario = read_scenario(folder)
    assert scenario is not None
    request = CheckRequest(config_path=folder / "prodcheck.yml", fixtures=folder, now=scenario.now)
    return run_check(request, env={})[1]


def test_the_label_is_display_only() -> None:
    plain, named = Subject("account", "3"), Subject("account", "3", "team Initech (3)")
    assert plain == named and hash(plain) == hash(named)  # baselines and fingerprints agree
    assert (plain.shown, named.shown) == ("account 3", "team Initech (3)")


def test_messages_and_reports_name_the_team(run_cli) -> None:
    report = _report(TEAMS)
    by_id = {f.subject.id: f for f in report.findings}
    leak = by_id["3"]
    assert leak.subject.label == "team Initech (3)"
    assert leak.message.startswith("Team Initech (3) has subscription_status = 'canceled'")
    assert "for team Initech (3)" in leak.fix
    text = run_cli("check", "--fixtures", str(TEAMS)).output
    assert "access.revenue_leak  team Initech (3)" in text
    markdown = run_cli("check", "--fixtures", str(TEAMS), "--format", "markdown").output
    assert "| `access.revenue_leak` | team Initech (3) |" in markdown
    document = json.loads(run_cli("check", "--fixtures", str(TEAMS), "--format", "json").output)
    jsonschema.validate(document, load_schema("report.schema.json"))
    subjects = {f["subject"]["id"]: f["subject"] for f in document["findings"]}
    assert subjects["3"] == {"kind": "account", "id": "3", "label": "team Initech (3)"}


def test_without_a_noun_or_label_nothing_changes() -> None:
    report = _report(DEMO)
    assert report.findings and all(f.subject.label is None for f in report.findings)
    accounts = [f for f in report.findings if f.subject.kind == "account"]
    assert accounts and all(f.message.startswith("Account u_") for f in accounts)
