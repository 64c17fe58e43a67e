"""`--format html`: one self-contained page to open or attach to a run.

The verdict, the counts, monthly revenue at stake per rule as a CSS bar chart,
and the findings grouped by rule with a search box and severity/status
filters in a few lines of inline JavaScript. No external assets (a Content
Security Policy in the page refuses any); every value from the data is
escaped by Jinja2's autoescape, and the script only reads the DOM, so no
finding text is ever parsed as code. `?q=TEXT` in the URL pre-fills the search.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, Template, select_autoescape

from prodcheck.model import Money
from prodcheck.results import Finding, Report, Severity, money_at_stake

TEMPLATE = "report.html.j2"


@cache
def _template() -> Template:
    environment = Environment(
        loader=PackageLoader("prodcheck.reporters", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    return environment.get_template(TEMPLATE)


def _money(amounts: tuple[Money, ...]) -> str:
    return " + ".join(f"{m.format()}/mo" for m in amounts)


@dataclass(frozen=True, slots=True)
class _Bar:
    rule: str
    severity: str
    count: int
    amount: str
    percent: float


@dataclass(frozen=True, slots=True)
class _Chart:
    currency: str
    bars: tuple[_Bar, ...]


def _charts(report: Report) -> list[_Chart]:
    """One chart per currency: bars as a share of the largest rule, biggest first."""
    by_currency: dict[str, list[tuple[Money, str, str, int]]] = {}
    for summary in report.by_rule():
        for money in summary.monthly:
            by_currency.setdefault(money.currency, []).append(
                (money, summary.rule, summary.severity.value, summary.count)
            )
    charts = []
    for currency, rows in sorted(by_currency.items()):
        largest = max(money.amount for money, *_ in rows) or 1
        ordered = sorted(rows, key=lambda r: (-r[0].amount, r[1]))
        bars = tuple(
            _Bar(rule, severity, count, money.format(), _share(money.amount, largest))
            for money, rule, severity, count in ordered
        )
        charts.append(_Chart(currency, bars))
    return charts


def _share(amount: int, largest: int) -> float:
    return round(max(amount, 0) * 100 / largest, 1)


def _finding_view(finding: Finding) -> dict[str, Any]:
    refs = "; ".join(f"{kind}: {', '.join(ids)}" for kind, ids in sorted(finding.refs.items()))
    return {
        "subject": f"{finding.subject.shown}",
        "severity": finding.severity.value,
        "status": finding.status,
        "message": finding.message,
        "fix": finding.fix,
        "reason": finding.suppression_reason,
        "refs": refs,
        "amount": f"{finding.monthly_amount.format()}/mo" if finding.monthly_amount else "–",
        "fingerprint": finding.fingerprint,
    }


_STATUS_ORDER = {"new": 0, "known": 1, "suppressed": 2}


def _groups(report: Report) -> list[dict[str, Any]]:
    rationale = {rule.id: rule.rationale for rule in report.rules}
    grouped: dict[str, list[Finding]] = {}
    for finding in report.findings:
        grouped.setdefault(finding.rule, []).append(finding)
    groups = []
    for rule, findings in grouped.items():
        ordered = sorted(findings, key=lambda f: (_STATUS_ORDER.get(f.status, 3), f.sort_key))
        new = [f for f in findings if f.status == "new"]
        groups.append(
            {
                "rule": rule,
                "title": findings[0].title,
                "severity": findings[0].severity.value,
                "rationale": rationale.get(rule, ""),
                "at_stake": _money(money_at_stake(new)),
                "findings": [_finding_view(f) for f in ordered],
                "order": (0 if new else 1, 0 if findings[0].severity is Severity.FAIL else 1, rule),
            }
        )
    return sorted(groups, key=lambda g: g["order"])


def _headline(report: Report) -> str:
    if report.errors and not report.checked_partly:
        return "Could not check: nothing was verified."
    parts = [report.error_headline.capitalize()] if report.checked_partly else []
    parts += [
        f"{report.count(Severity.FAIL)} failures",
        f"{report.count(Severity.WARN)} warnings",
        f"{len(report.rules_run)} rules run",
    ]
    at_stake = _money(report.monthly_at_stake())
    if at_stake:
        parts.append(f"{at_stake} at stake")
    return " · ".join(parts)


def render(report: Report) -> str:
    context = {
        "verdict": report.verdict.value,
        "headline": _headline(report),
        "config": report.config_path,
        "version": report.version,
        "now": report.now.isoformat().replace("+00:00", "Z"),
        "at_stake": _money(report.monthly_at_stake()),
        "counts": {
            "fail": report.count(Severity.FAIL),
            "warn": report.count(Severity.WARN),
            "known": report.count_status("known"),
            "suppressed": report.count_status("suppressed"),
            "rules_run": len(report.rules_run),
        },
        "errors": report.errors,
        "notes": report.notes,
        "charts": _charts(report),
        "baseline": report.baseline,
        "groups": _groups(report),
        "total": len(report.findings),
        "skipped": report.skipped_rules,
        "settling": len(report.settling),
        "sources": [
            {
                "side": s.side,
                "kind": s.kind,
                "location": s.location,
                "counts": ", ".join(f"{v} {k}" for k, v in sorted(s.counts.items())),
            }
            for s in report.sources
        ],
    }
    return _template().render(context)
