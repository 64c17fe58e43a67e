"""Every reporter's output on the demo scenario, snapshot-tested; GitHub's caps and escaping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from prodcheck.model import Money
from prodcheck.reporters import REPORTERS, get_renderer
from prodcheck.reporters.fixes import shown_fixes
from prodcheck.reporters.github import escape_data, escape_property
from prodcheck.reporters.github import render as render_github
from prodcheck.reporters.markdown import cell
from prodcheck.reporters.terminal import render_color
from prodcheck.results import Finding, Report, Severity, Subject, verdict_for
from prodcheck.runner import CheckRequest, run_check

from .conftest import DEMO

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_report() -> Report:
    _, report = run_check(CheckRequest(config_path=DEMO / "prodcheck.yml", fixtures=DEMO), env={})
    return report


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_reporter_snapshot(fmt: str, demo_report: Report, snapshot) -> None:
    assert get_renderer(fmt)(demo_report) == snapshot


def test_colour_only_adds_escape_codes(demo_report: Report) -> None:
    coloured = render_color(demo_report)
    assert "\x1b[" in coloured
    plain = get_renderer("terminal")(demo_report)
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_no_color_env_disables_colour(run_cli, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    result = run_cli("check", "--fixtures", str(DEMO), env={"NO_COLOR": "1"})
    assert "\x1b[" not in result.output


def _finding(index: int, severity: Severity, cents: int | None) -> Finding:
    return Finding(
        rule="access.revenue_leak" if severity is Severity.FAIL else "identity.duplicate_customer",
        title="t",
        severity=severity,
        subject=Subject("account", f"u_{index:03d}"),
        message=f"line one, 100% sure: {index}\nline two",
        fix="do it",
        monthly_amount=Money(cents, "usd") if cents is not None else None,
    )


def _report(findings: list[Finding]) -> Report:
    ordered = tuple(sorted(findings, key=lambda f: f.sort_key))
    return Report(
        verdict=verdict_for(ordered, ()), findings=ordered, now=NOW, config_path="prodcheck.yml"
    )


def test_github_caps_ten_per_level_worst_first() -> None:
    fails = [_finding(i, Severity.FAIL, 100 * i) for i in range(15)]
    warns = [_finding(i, Severity.WARN, None) for i in range(3)]
    lines = render_github(_report(fails + warns)).splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == 10 and len(warnings) == 3
    # The nine largest amounts, then one summary for the other six.
    assert "u_014" in errors[0] and "u_006" in errors[8]
    assert "6 more fail findings" in errors[9]
    assert lines[-1].startswith("prodcheck verdict: FAIL")


def test_github_exactly_ten_needs_no_summary() -> None:
    lines = render_github(_report([_finding(i, Severity.FAIL, 100) for i in range(10)]))
    assert lines.count("::error ") == 10
    assert "more fail findings" not in lines


def test_github_escaping() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    line = render_github(_report([_finding(1, Severity.FAIL, 4900)])).splitlines()[0]
    assert line.startswith("::error file=prodcheck.yml,title=access.revenue_leak%3A account u_001")
    assert "100%25 sure: 1%0Aline two%0AFix: do it" in line
    assert "\n" not in line


def test_markdown_cells_cannot_break_the_table() -> None:
    assert cell("a|b\nc<script>") == "a\\|b c&lt;script&gt;"


GENERIC = (
    "Then find why the webhook did not grant access: check the endpoint's failed deliveries "
    "and make the handler write the row before it returns 200."
)


def _fixed(rule: str, subject: str, fix: str) -> Finding:
    return Finding(
        rule=rule,
        title="t",
        severity=Severity.FAIL,
        subject=Subject("account", subject),
        message="m",
        fix=fix,
    )


def test_a_fix_shared_by_a_rules_findings_is_said_once() -> None:
    findings = [
        _fixed("access.revenue_leak", "u_1", f"Set paid = true for account u_1. {GENERIC}"),
        _fixed("access.revenue_leak", "u_2", f"Set paid = true for account u_2. {GENERIC}"),
        _fixed("access.revenue_leak", "u_3", f"Set paid = true for account u_3. {GENERIC}"),
        _fixed("plan.mismatch", "u_4", f"Set plan = pro for account u_4. {GENERIC}"),
        _fixed("identity.duplicate_customer", "u_5", GENERIC),
        _fixed("identity.duplicate_customer", "u_6", GENERIC),
        _fixed("trial.repeat_trial", "u_7", "Short. Same."),
        _fixed("trial.repeat_trial", "u_8", "Other. Same."),
    ]
    shown = shown_fixes(findings)
    assert shown[0] == findings[0].fix  # the rule's first: whole
    assert shown[1] == "Set paid = true for account u_2. The rest as for account u_1 above."
    assert shown[2] == "Set paid = true for account u_3. The rest as for account u_1 above."
    assert shown[3] == findings[3].fix  # another rule's: whole
    assert shown[4] == GENERIC and shown[5] == "As for account u_5 above."
    assert shown[6:] == ["Short. Same.", "Other. Same."]  # too short a rest to refer to
    report = _report(findings)
    text = get_renderer("terminal")(report)
    assert text.count("make the handler write the row") == 3  # once per rule
    markdown = get_renderer("markdown")(report)
    assert markdown.count("make the handler write the row") == 3
    assert "The rest as for account u_1 above." in markdown
    assert get_renderer("json")(report).count("make the handler write the row") == 6
