"""`--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Every loaded rule is a `reportingDescriptor` with its title, rationale and a
help text; every finding is a result located at the config file (drift lives
in data, and the config is the file in the repository that says how the data
is read), with the finding's fingerprint as its partial fingerprint so an
alert keeps its identity across runs. Baseline and suppression statuses map to
SARIF's own `baselineState` and `suppressions`. A run that could not check
says so in `invocations` (executionSuccessful: false).
"""

from __future__ import annotations

from typing import Any

from prodcheck.json_text import dumps
from prodcheck.reporters.records import money_record
from prodcheck.results import Finding, Report, RuleInfo, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "prodcheckFindingHash/v1"
_LEVEL = {Severity.FAIL: "error", Severity.WARN: "warning"}


def _help(rule: RuleInfo) -> dict[str, str]:
    text = (
        f"{rule.title}.\n\nWhy: {rule.rationale}\n\n"
        f"Each result's message says what to fix. `prodcheck rules {rule.id}` explains the "
        "rule: when it fires, the fix, and an example."
    )
    markdown = (
        f"**{rule.title}** (`{rule.id}`, {rule.severity.value}, subject: {rule.subject})\n\n"
        f"{rule.rationale}\n\nEach result's message says what to fix. Run "
        f"`prodcheck rules {rule.id}` for when it fires, the fix and an example."
    )
    return {"text": text, "markdown": markdown}


def _rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    pack = rule.id.split(".", 1)[0]
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.replace(".", "_").split("_")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": _help(rule),
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": sorted({"billing", pack}), "precision": "high"},
    }


def _rules(report: Report) -> list[RuleInfo]:
    """The report's rules, plus any rule a finding names that the report does not describe."""
    rules = {rule.id: rule for rule in report.rules}
    for f in report.findings:
        rules.setdefault(f.rule, RuleInfo(f.rule, f.title, f.severity, f.subject.kind, f.title))
    return [rules[rule_id] for rule_id in sorted(rules)]


def _location(report: Report) -> list[dict[str, Any]]:
    if not report.config_path:
        return []
    return [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": report.config_path, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 1},
            }
        }
    ]


def _result(finding: Finding, index: int, report: Report) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": _LEVEL[finding.severity],
        "message": {"text": f"{finding.message}\nFix: {finding.fix}"},
        "locations": _location(report),
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "subject": {"kind": finding.subject.kind, "id": finding.subject.id},
            "refs": {kind: list(ids) for kind, ids in sorted(finding.refs.items())},
            "monthlyAmount": money_record(finding.monthly_amount),
            "status": finding.status,
        },
    }
    if report.baseline is not None:
        result["baselineState"] = "unchanged" if finding.status == "known" else "new"
    if finding.status == "suppressed":
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": finding.suppression_reason or "suppressed in the config",
            }
        ]
    return result


def render(report: Report) -> str:
    rules = _rules(report)
    index = {rule.id: position for position, rule in enumerate(rules)}
    invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
    notifications = [{"level": "error", "message": {"text": error}} for error in report.errors] + [
        {"level": "warning", "message": {"text": note.removeprefix("warning: ")}}
        for note in report.notes
        if note.startswith("warning: ")
    ]
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "prodcheck",
                "version": report.version or "0",
                "semanticVersion": report.version or "0.0.0",
                "rules": [_rule_descriptor(rule) for rule in rules],
            }
        },
        "automationDetails": {"id": "prodcheck/"},
        "invocations": [invocation],
        "results": [_result(f, index[f.rule], report) for f in report.findings],
        "properties": {
            "verdict": report.verdict.value,
            "now": report.now.isoformat().replace("+00:00", "Z"),
        },
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return dumps(document) + "\n"
