"""`--format markdown`: for PR comments and the GitHub job summary."""

from __future__ import annotations

from prodcheck.model import Money
from prodcheck.reporters.fixes import shown_fixes
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


def _finding_row(finding: Finding, fix: str) -> str:
    amount = finding.monthly_amount.format() + "/mo" if finding.monthly_amount else "–"
    status = "" if finding.status == "new" else f" ({finding.status})"
    if finding.suppression_reason:
        fix = f"{fix} (suppressed: {finding.suppression_reason})"
    subject = finding.subject
    shown = cell(subject.label) if subject.label else f"{subject.kind} `{cell(subject.id)}`"
    return (
        f"| {finding.severity.value}{status} | `{finding.rule}` | {shown} "
        f"| {amount} | {cell(finding.message)} | {cell(fix)} |"
    )


_STATUS_ORDER = {"new": 0, "known": 1, "suppressed": 2}


def _warnings(report: Report) -> list[str]:
    warnings = [n.removeprefix("warning: ") for n in report.notes if n.startswith("warning: ")]
    return [*(f"> ⚠️ {cell(w)}" for w in warnings), ""] if warnings else []


def _baseline(report: Report) -> list[str]:
    summary = report.baseline
    suppressed = report.count_status("suppressed")
    lines: list[str] = []
    if summary is not None:
        unchecked = f", {summary.unchecked} not checked this run" if summary.unchecked else ""
        lines.append(
            f"Baseline `{cell(summary.path)}`: {summary.entries} entries, "
            f"**{report.count_status('known')}** known findings not counted, "
            f"**{len(summary.resolved)}** resolved{unchecked}."
        )
    if suppressed:
        lines.append(f"**{suppressed}** suppressed findings not counted (reasons below).")
    if summary is not None and summary.resolved:
        lines += [
            "",
            "<details><summary>Resolved since the baseline (drop them with "
            "<code>prodcheck baseline --prune</code>)</summary>",
            "",
            *(f"- `{e.rule}` {e.subject.kind} `{cell(e.subject.id)}`" for e in summary.resolved),
            "",
            "</details>",
        ]
    return [*lines, ""] if lines else []


def render(report: Report) -> str:
    verdict = report.verdict
    at_stake = report.monthly_at_stake()
    lines = [f"## {_ICON[verdict]} prodcheck: {verdict.value.upper()}", ""]
    if report.errors:
        lines += [f"**{report.error_headline.capitalize()}.**", ""]
        lines += [f"- {cell(e)}" for e in report.errors] + [""]
    if not report.errors or report.checked_partly:
        lines.append(
            f"**{report.count(Severity.FAIL)}** failures, **{report.count(Severity.WARN)}** "
            f"warnings, {len(report.rules_run)} rules run"
            + (f", **{_money(at_stake)}** at stake" if at_stake else "")
            + "."
        )
        lines.append("")
    lines += _warnings(report) + _baseline(report)
    rows = report.by_rule()
    if rows:
        lines += ["| rule | severity | findings | at stake |", "| --- | --- | ---: | ---: |"]
        lines += [
            f"| `{r.rule}` {cell(r.title)} | {r.severity.value} | {r.count} | {_money(r.monthly)} |"
            for r in rows
        ]
        lines.append("")
    if report.findings:
        # New findings first: with a large baseline the known ones would push them out.
        ordered = sorted(report.findings, key=lambda f: _STATUS_ORDER.get(f.status, 3))
        shown = ordered[:MAX_FINDINGS]
        lines += [
            "<details><summary>Findings</summary>",
            "",
            "| severity | rule | subject | at stake | message | fix |",
            "| --- | --- | --- | ---: | --- | --- |",
            *(_finding_row(f, fix) for f, fix in zip(shown, shown_fixes(shown), strict=True)),
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
