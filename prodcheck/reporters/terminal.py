"""The terminal report: verdict at a glance, counts and money by rule, then each finding.

`render(report)` is plain text; `render_color(report)` adds ANSI colour, which
the CLI uses only on a TTY and never when NO_COLOR is set.
"""

from __future__ import annotations

import textwrap

from prodcheck.model import Money
from prodcheck.reporters.fixes import shown_fixes
from prodcheck.results import Finding, Report, Severity, Verdict

_COLORS = {"red": "31", "yellow": "33", "green": "32", "bold": "1", "dim": "2", "magenta": "35"}
_VERDICT_COLOR = {
    Verdict.PASS: "green",
    Verdict.WARN: "yellow",
    Verdict.FAIL: "red",
    Verdict.ERROR: "magenta",
}
_SEVERITY_COLOR = {Severity.FAIL: "red", Severity.WARN: "yellow"}
WIDTH = 100


def _money(amounts: tuple[Money, ...]) -> str:
    return " + ".join(f"{m.format()}/mo" for m in amounts) if amounts else "-"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_COLORS[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def _wrap(text: str, indent: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines += textwrap.wrap(
            paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent
        ) or [indent.rstrip()]
    return lines


def _finding(finding: Finding, paint: _Painter, fix: str) -> list[str]:
    label = finding.severity.value.upper()
    amount = f"  {finding.monthly_amount.format()}/mo" if finding.monthly_amount else ""
    head = (
        f"{paint(label.ljust(4), _SEVERITY_COLOR[finding.severity], 'bold')}  "
        f"{paint(finding.rule, 'bold')}  {finding.subject.shown}"
        f"{paint(amount, 'dim')}"
    )
    lines = [head, *_wrap(finding.message, "      ")]
    lines += _wrap(f"fix: {fix}", "      ")
    return lines


def _accepted(report: Report, paint: _Painter) -> list[str]:
    """Known (baseline) and suppressed findings: listed, one line each, never hidden."""
    lines: list[str] = []
    for status, heading in (
        ("known", "Known (in the baseline, not counted)"),
        ("suppressed", "Suppressed (not counted)"),
    ):
        findings = [f for f in report.findings if f.status == status]
        if not findings:
            continue
        lines += ["", paint(f"{heading}: {len(findings)}", "bold")]
        for f in findings:
            reason = f" ({f.suppression_reason})" if f.suppression_reason else ""
            lines.append(f"  {f.severity.value:<4}  {f.rule}  {f.subject.shown}{reason}")
    return lines


def _baseline(report: Report, paint: _Painter) -> list[str]:
    summary = report.baseline
    if summary is None:
        return []
    lines = [
        "",
        paint("Baseline", "bold")
        + f" {summary.path}: {summary.entries} {'entry' if summary.entries == 1 else 'entries'}, "
        f"{report.count_status('known')} still occurring, {len(summary.resolved)} resolved"
        + (f", {summary.unchecked} not checked this run" if summary.unchecked else ""),
    ]
    if summary.resolved:
        lines.append(
            "  Resolved (fixed since the baseline; `prodcheck baseline --prune` drops them):"
        )
        lines += [f"    {e.rule}  {e.subject.shown}" for e in summary.resolved]
    return lines


def _header(report: Report) -> list[str]:
    config = f" · config {report.config_path}" if report.config_path else ""
    lines = [f"prodcheck {report.version} · now {report.now.isoformat()}{config}"]
    for source in report.sources:
        counts = ", ".join(f"{v} {k}" for k, v in sorted(source.counts.items()))
        lines.append(f"  read {source.side}: {source.kind} {source.location} ({counts})")
    lines += [f"  note: {note}" for note in report.notes]
    return lines


def _summary(report: Report, paint: _Painter) -> list[str]:
    rows = report.by_rule()
    if not rows:
        return []
    width = max(len(r.rule) for r in rows)
    lines = ["", paint("By rule", "bold")]
    for row in rows:
        severity = paint(row.severity.value.ljust(4), _SEVERITY_COLOR[row.severity])
        lines.append(
            f"  {row.rule.ljust(width)}  {severity}  {row.count:>4}  {_money(row.monthly)}"
        )
    return lines


def _verdict_line(report: Report, paint: _Painter) -> str:
    verdict = paint(
        f"VERDICT: {report.verdict.value.upper()}", _VERDICT_COLOR[report.verdict], "bold"
    )
    if report.verdict is Verdict.ERROR and not report.checked_partly:
        return f"{verdict} · {report.error_headline}"
    parts = [
        _plural(report.count(Severity.FAIL), "failure"),
        _plural(report.count(Severity.WARN), "warning"),
    ]
    known = sum(1 for f in report.findings if f.status == "known")
    suppressed = sum(1 for f in report.findings if f.status == "suppressed")
    if known:
        parts.append(f"{known} known (baseline)")
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    at_stake = report.monthly_at_stake()
    money = f" · {_money(at_stake).replace('/mo', '')} a month at stake" if at_stake else ""
    counts = f"{', '.join(parts)} · {_plural(len(report.rules_run), 'rule')} run{money}"
    if report.verdict is Verdict.ERROR:
        return f"{verdict} · {report.error_headline} · {counts}"
    return f"{verdict} · {counts}"


def _render(report: Report, paint: _Painter) -> str:
    lines = _header(report)
    for error in report.errors:
        lines += ["", paint("ERROR", "magenta", "bold"), *_wrap(error, "  ")]
    active = report.active_findings
    for finding, fix in zip(active, shown_fixes(active), strict=True):
        lines += ["", *_finding(finding, paint, fix)]
    lines += _accepted(report, paint)
    lines += _baseline(report, paint)
    lines += _summary(report, paint)
    if report.skipped_rules:
        lines += ["", paint("Skipped rules (not checked)", "bold")]
        lines += _skipped(report)
    for reason in sorted({s.reason for s in report.settling}, key=lambda r: r != _WINDOW):
        subjects = [s for s in report.settling if s.reason == reason]
        if reason == _WINDOW:
            header = (
                f"Settling: {_plural(len(subjects), 'subject')} changed within the settle "
                "window, not checked this run (a webhook may be in flight):"
            )
        else:
            header = (
                f"Settling: {_plural(len(subjects), 'subject')} not checked this run ({reason}):"
            )
        lines += ["", header, *_wrap(", ".join(f"{s.kind} {s.id}" for s in subjects), "  ")]
    lines += ["", _verdict_line(report, paint)]
    return "\n".join(lines) + "\n"


_WINDOW = "changed within the settle window"


def _skipped(report: Report) -> list[str]:
    """One line per reason: rules skipped for the same reason are listed together."""
    by_reason: dict[str, list[str]] = {}
    for skipped in report.skipped_rules:
        by_reason.setdefault(skipped.reason, []).append(skipped.rule)
    lines = []
    for reason, rules in by_reason.items():
        if len(rules) == 1:
            lines.append(f"  {rules[0]}: {reason}")
        else:
            lines += [f"  {len(rules)} rules: {reason}", *_wrap(", ".join(rules), "    ")]
    return lines


def render(report: Report) -> str:
    return _render(report, _Painter(color=False))


def render_color(report: Report) -> str:
    return _render(report, _Painter(color=True))
