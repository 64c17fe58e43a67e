"""The report as plain JSON-ready records: built once, read by every structured format."""

from __future__ import annotations

from typing import Any

from prodcheck.model import Money
from prodcheck.remedies import repair_record
from prodcheck.results import (
    REPORT_SCHEMA_VERSION,
    BaselineEntry,
    BaselineSummary,
    Finding,
    Report,
    Severity,
)


def money_record(money: Money | None) -> dict[str, Any] | None:
    if money is None:
        return None
    record = {"amount": money.amount, "currency": money.currency, "formatted": money.format()}
    return {**record, "plus_usage": True} if money.plus_usage else record


def money_list(amounts: tuple[Money, ...]) -> list[dict[str, Any]]:
    return [r for r in (money_record(m) for m in amounts) if r is not None]


def _subject(finding: Finding) -> dict[str, str]:
    subject = {"kind": finding.subject.kind, "id": finding.subject.id}
    if finding.subject.label:
        subject["label"] = finding.subject.label
    return subject


def finding_record(finding: Finding) -> dict[str, Any]:
    record: dict[str, Any] = {
        "rule": finding.rule,
        "title": finding.title,
        "severity": finding.severity.value,
        "subject": _subject(finding),
        "refs": {kind: list(ids) for kind, ids in sorted(finding.refs.items())},
        "message": finding.message,
        "fix": finding.fix,
        "fingerprint": finding.fingerprint,
        "monthly_amount": money_record(finding.monthly_amount),
        "status": finding.status,
    }
    if finding.suppression_reason:
        record["suppression_reason"] = finding.suppression_reason
    if finding.repair is not None:
        record["repair"] = repair_record(finding.repair)
    return record


def baseline_entry_record(entry: BaselineEntry) -> dict[str, Any]:
    return {"fingerprint": entry.fingerprint, "rule": entry.rule, "subject": entry.subject_text}


def baseline_record(summary: BaselineSummary, known: int) -> dict[str, Any]:
    return {
        "path": summary.path,
        "entries": summary.entries,
        "known": known,
        "resolved": [baseline_entry_record(e) for e in summary.resolved],
        "unchecked": summary.unchecked,
    }


def report_record(report: Report) -> dict[str, Any]:
    statuses = [f.status for f in report.findings]
    record = _report_record(report, statuses)
    if report.baseline is not None:
        record["baseline"] = baseline_record(report.baseline, statuses.count("known"))
    return record


def _report_record(report: Report, statuses: list[str]) -> dict[str, Any]:
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "tool": {"name": "prodcheck", "version": report.version},
        "verdict": report.verdict.value,
        "now": report.now.isoformat().replace("+00:00", "Z"),
        "config": report.config_path,
        "summary": {
            "findings": len(report.active_findings),
            "fail": report.count(Severity.FAIL),
            "warn": report.count(Severity.WARN),
            "known": statuses.count("known"),
            "suppressed": statuses.count("suppressed"),
            "settling": len(report.settling),
            "rules_run": len(report.rules_run),
            "rules_skipped": len(report.skipped_rules),
            "monthly_at_stake": money_list(report.monthly_at_stake()),
            "by_rule": [
                {
                    "rule": s.rule,
                    "title": s.title,
                    "severity": s.severity.value,
                    "count": s.count,
                    "monthly_at_stake": money_list(s.monthly),
                }
                for s in report.by_rule()
            ],
        },
        "findings": [finding_record(f) for f in report.findings],
        "rules_run": list(report.rules_run),
        "skipped_rules": [{"rule": s.rule, "reason": s.reason} for s in report.skipped_rules],
        "settling": [{"kind": s.kind, "id": s.id, "reason": s.reason} for s in report.settling],
        "sources": [
            {
                "side": s.side,
                "kind": s.kind,
                "location": s.location,
                "counts": dict(sorted(s.counts.items())),
                "notes": list(s.notes),
            }
            for s in report.sources
        ],
        "notes": list(report.notes),
        "errors": list(report.errors),
    }
