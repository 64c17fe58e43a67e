"""`--format markdown`: for PR comments and the GitHub job summary."""

from __future__ import annotations

from prodcheck.model import Money
from prodcheck.results import Finding, Report, Severity, Verdict

_ICON = {Verdict.PASS: "✅", Verdict.WARN: "⚠️", Verdict.FAIL: "❌", Verdict.ERROR: "⛔"}
MAX_FINDINGS = 50


def cell(text: str) -> str:
    """Table-cell safe: no pipes or line breaks, no HTML from the data."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def _money(amounts: tuple[Money, ...]) -> str:
    return " + ".join(f"{m.format()}/mo" for m in amounts) if amounts else "–"


def _finding_row(finding: Finding) -> str:
    amount = finding.monthly_amount.format() + "/mo" if finding.monthly_amount else "–"
    status = "" if finding.status == "new" else f" ({finding.status})"
    return (
        f"| {finding.severity.value}{status} | `{finding.rule}` | {finding.subject.kind} "
        f"`{cell(finding.subject.id)}` | {amount} | {cell(finding.message)} | {cell(finding.fix)} |"
    )


def render(report: Report) -> str:
    verdict = report.verdict
    at_stake = report.monthly_at_stake()
    lines = [f"## {_ICON[verdict]} prodcheck: {verdict.value.upper()}", ""]
    if report.errors:
        lines += ["**Could not check; nothing was verified.**", ""]
        lines += [f"- {cell(e)}" for e in report.errors] + [""]
    else:
        lines.append(
            f"**{report.count(Severity.FAIL)}** failures, **{report.count(Severity.WARN)}** "
            f"warnings, {len(report.rules_run)} rules run"
            + (f", **{_money(at_stake)}** at stake" if at_stake else "")
            + "."
        )
        lines.append("")
    rows = report.by_rule()
    if rows:
        lines += ["| rule | severity | findings | at stake |", "| --- | --- | ---: | ---: |"]
        lines += [
            f"| `{r.rule}` {cell(r.title)} | {r.severity.value} | {r.count} | {_money(r.monthly)} |"
            for r in rows
        ]
        lines.append("")
    if report.findings:
        shown = report.findings[:MAX_FINDINGS]
        lines += [
            "<details><summary>Findings</summary>",
            "",
            "| severity | rule | subject | at stake | message | fix |",
            "| --- | --- | --- | ---: | --- | --- |",
            *(_finding_row(f) for f in shown),
            "",
        ]
        if len(report.findings) > len(shown):
            lines += [f"…and {len(report.findings) - len(shown)} more in the JSON report.", ""]
        lines += ["</details>", ""]
    if report.skipped_rules:
        lines += [
            "**Skipped rules:** "
            + "; ".join(f"`{s.rule}` ({cell(s.reason)})" for s in report.skipped_rules),
            "",
        ]
    if report.settling:
        lines += [
            f"{len(report.settling)} subject(s) settling (changed within the settle window), "
            "not checked.",
            "",
        ]
    lines.append(f"<sub>prodcheck {report.version} · now {report.now.isoformat()}</sub>")
    return "\n".join(lines) + "\n"
