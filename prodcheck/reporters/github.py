"""`--format github`: workflow-command annotations, within GitHub's caps.

GitHub shows at most 10 error and 10 warning annotations per step. When there
are more, the worst (largest monthly amount, then rule and subject) get nine
places and one summary annotation counts the rest. The Markdown job summary
comes from reporters/markdown.py; the CLI appends it to $GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

from prodcheck.results import Finding, Report, Severity

MAX_PER_LEVEL = 10


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, title: str, message: str, file: str | None) -> str:
    props = [f"title={escape_property(title)}"]
    if file:
        props.insert(0, f"file={escape_property(file)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def _worst_first(findings: list[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (-(f.monthly_amount.amount if f.monthly_amount else 0), f.rule, f.subject.id),
    )


def render(report: Report) -> str:
    lines: list[str] = []
    file = report.config_path
    for error in report.errors:
        title = "did not check everything" if report.checked_partly else "could not check"
        lines.append(_command("error", f"prodcheck {title}", error, file))
    for note in report.notes:
        # Expired suppressions and risky credentials: worth a yellow line in the PR.
        if note.startswith("warning: "):
            lines.append(_command("warning", "prodcheck", note.removeprefix("warning: "), file))
    for severity, level in ((Severity.FAIL, "error"), (Severity.WARN, "warning")):
        findings = _worst_first([f for f in report.active_findings if f.severity is severity])
        cap = MAX_PER_LEVEL if len(findings) <= MAX_PER_LEVEL else MAX_PER_LEVEL - 1
        for finding in findings[:cap]:
            amount = f" ({finding.monthly_amount.format()}/mo)" if finding.monthly_amount else ""
            title = f"{finding.rule}: {finding.subject.shown}{amount}"
            lines.append(_command(level, title, f"{finding.message}\nFix: {finding.fix}", file))
        rest = findings[cap:]
        if rest:
            rules = sorted({f.rule for f in rest})
            lines.append(
                _command(
                    level,
                    f"prodcheck: {len(rest)} more {severity.value} findings",
                    f"{len(rest)} more findings not annotated ({', '.join(rules)}); "
                    "see the job summary or the JSON report.",
                    file,
                )
            )
    if report.baseline is not None and report.baseline.resolved:
        count = len(report.baseline.resolved)
        lines.append(
            _command(
                "notice",
                "prodcheck baseline",
                f"{count} baseline entries no longer occur (fixed): drop them with "
                f"`prodcheck baseline --prune --out {report.baseline.path}`.",
                file,
            )
        )
    at_stake = " + ".join(f"{m.format()}/mo" for m in report.monthly_at_stake())
    accepted = [
        f"{n} {status}" for status in ("known", "suppressed") if (n := report.count_status(status))
    ]
    lines.append(
        f"prodcheck verdict: {report.verdict.value.upper()} · "
        f"{report.count(Severity.FAIL)} failures, {report.count(Severity.WARN)} warnings"
        + (f" ({', '.join(accepted)} not counted)" if accepted else "")
        + (f" · {at_stake} at stake" if at_stake else "")
    )
    return "\n".join(lines) + "\n"
