"""The Slack message for `--notify slack`: short enough to read in a channel.

Verdict, counts, revenue at stake, the five worst findings (largest amount
first) and a link to the run when there is one. Not a `--format`: it is the
body of an incoming-webhook POST (`payload`), built here so it stays pure and
testable; prodcheck/notify.py sends it. `text` is the notification fallback,
`blocks` the message (Slack's Block Kit).
"""

from __future__ import annotations

import json
from typing import Any

from prodcheck.model import Money
from prodcheck.results import Finding, Report, Severity, Verdict

TOP_FINDINGS = 5
MAX_MESSAGE = 280  # a section holds 3,000 characters; five findings must fit
_ICON = {
    Verdict.PASS: ":white_check_mark:",
    Verdict.WARN: ":warning:",
    Verdict.FAIL: ":x:",
    Verdict.ERROR: ":no_entry:",
}


def escape(text: str) -> str:
    """Slack mrkdwn: only &, < and > are special (they would start links and mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _money(amounts: tuple[Money, ...]) -> str:
    return " + ".join(f"{m.format()}/mo" for m in amounts)


def worst_first(findings: tuple[Finding, ...]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (
            -(f.monthly_amount.amount if f.monthly_amount else 0),
            f.severity is not Severity.FAIL,
            f.rule,
            f.subject.id,
        ),
    )


def summary_line(report: Report) -> str:
    if report.errors and not report.checked_partly:
        return "could not check: nothing was verified"
    parts = [report.error_headline] if report.checked_partly else []
    parts += [
        f"{report.count(Severity.FAIL)} failures",
        f"{report.count(Severity.WARN)} warnings",
    ]
    accepted = [
        f"{n} {status}" for status in ("known", "suppressed") if (n := report.count_status(status))
    ]
    if accepted:
        parts.append(f"{', '.join(accepted)} not counted")
    at_stake = _money(report.monthly_at_stake())
    if at_stake:
        parts.append(f"{at_stake} at stake")
    return " · ".join(parts)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1].rstrip() + "…"


def _finding_line(finding: Finding) -> str:
    amount = f" ({finding.monthly_amount.format()}/mo)" if finding.monthly_amount else ""
    subject = finding.subject
    shown = (
        escape(subject.label) if subject.label else f"{escape(subject.kind)} `{escape(subject.id)}`"
    )
    return (
        f"• *{finding.severity.value.upper()}* `{finding.rule}` {shown}{amount}: "
        f"{escape(_clip(finding.message))}"
    )


def payload(report: Report, run_url: str | None = None) -> dict[str, Any]:
    verdict = report.verdict
    where = f" · {report.config_path}" if report.config_path else ""
    title = f"prodcheck: {verdict.value.upper()}{where}"
    summary = summary_line(report)
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"{_ICON[verdict]} *{escape(title)}*\n{escape(summary)}",
            },
        },
    ]
    if report.errors:
        errors = "\n".join(f"• {escape(e.splitlines()[0])}" for e in report.errors)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": errors}})
    top = worst_first(report.active_findings)[:TOP_FINDINGS]
    if top:
        lines = [_finding_line(f) for f in top]
        rest = len(report.active_findings) - len(top)
        if rest > 0:
            lines.append(f"…and {rest} more")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}})
    context = [f"prodcheck {report.version} · now {report.now.isoformat()}"]
    if run_url:
        context.append(f"<{run_url}|View the run>")
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(context)}]}
    )
    text = f"{title}: {summary}" + (f" ({run_url})" if run_url else "")
    return {"text": text, "blocks": blocks}


def render(report: Report) -> str:
    return json.dumps(payload(report), indent=2, ensure_ascii=False) + "\n"
