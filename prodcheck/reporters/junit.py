"""`--format junit`: JUnit XML for test-report tabs (GitLab, Jenkins, the GitHub test reporters).

One test case per rule: a rule that ran and found nothing passes; one with
findings fails, and its single `<failure>` carries every finding (many
readers show only the first failure of a case); a skipped rule is skipped
with its reason. Known (baseline) and suppressed findings do not fail a case:
they are listed in its `<system-out>`, never dropped. A run that could not
check is one case with an `<error>`, so a report tab never shows it as green.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from prodcheck.results import Finding, Report, Severity, money_at_stake

SUITE = "prodcheck"


def _finding_text(finding: Finding) -> str:
    amount = f" ({finding.monthly_amount.format()}/mo)" if finding.monthly_amount else ""
    refs = "; ".join(f"{kind}: {', '.join(ids)}" for kind, ids in sorted(finding.refs.items()))
    lines = [
        f"{finding.severity.value.upper()} {finding.subject.shown}{amount}",
        f"  {finding.message}",
        f"  fix: {finding.fix}",
    ]
    if refs:
        lines.append(f"  refs: {refs}")
    lines.append(f"  fingerprint: {finding.fingerprint}")
    return "\n".join(lines)


def _accepted_text(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        why = f": {f.suppression_reason}" if f.suppression_reason else ""
        lines.append(f"{f.status} ({f.severity.value}) {f.subject.shown}{why}")
    return "\n".join(lines)


def _case(suite: ET.Element, rule: str) -> ET.Element:
    # The rule id is the name: ids never change, so test history stays attached to it.
    pack = rule.split(".", 1)[0]
    return ET.SubElement(
        suite,
        "testcase",
        {"name": rule, "classname": f"prodcheck.{pack}", "time": "0"},
    )


def _rule_case(suite: ET.Element, rule: str, title: str, findings: list[Finding]) -> bool:
    """Adds the rule's case; True when it failed."""
    case = _case(suite, rule)
    new = [f for f in findings if f.status == "new"]
    accepted = [f for f in findings if f.status != "new"]
    if new:
        worst = Severity.FAIL if any(f.severity is Severity.FAIL for f in new) else Severity.WARN
        totals = money_at_stake(new)
        money = f", {' + '.join(m.format() for m in totals)}/mo at stake" if totals else ""
        failure = ET.SubElement(
            case,
            "failure",
            {
                "message": f"{title}: {len(new)} {worst.value} finding{'s' if len(new) > 1 else ''}"
                f"{money}",
                "type": worst.value,
            },
        )
        failure.text = "\n\n".join(_finding_text(f) for f in new)
    if accepted:
        ET.SubElement(case, "system-out").text = _accepted_text(accepted)
    return bool(new)


def render(report: Report) -> str:
    suite = ET.Element("testsuite", {"name": SUITE, "timestamp": _timestamp(report)})
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("verdict", report.verdict.value),
        ("config", report.config_path or ""),
        ("prodcheck.version", report.version),
        ("monthly_at_stake", " + ".join(m.format() for m in report.monthly_at_stake())),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": value})

    titles = {rule.id: rule.title for rule in report.rules}
    by_rule: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
        titles.setdefault(finding.rule, finding.title)
    failures = errors = skipped = tests = 0
    for error in report.errors:
        tests += 1
        errors += 1
        case = _case(suite, "prodcheck.check")
        ET.SubElement(
            case, "error", {"message": error.splitlines()[0], "type": "error"}
        ).text = error
    for rule in sorted(report.rules_run):
        tests += 1
        failures += _rule_case(suite, rule, titles.get(rule, rule), by_rule.get(rule, []))
    for skip in report.skipped_rules:
        tests += 1
        skipped += 1
        case = _case(suite, skip.rule)
        title = titles.get(skip.rule, skip.rule)
        ET.SubElement(case, "skipped", {"message": f"{title}: skipped, {skip.reason}"})
    counts = {
        "tests": str(tests),
        "failures": str(failures),
        "errors": str(errors),
        "skipped": str(skipped),
        "time": "0",
    }
    suite.attrib.update(counts)
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _timestamp(report: Report) -> str:
    # JUnit's timestamp is ISO 8601 without a zone designator; prodcheck's `now` is UTC.
    return report.now.replace(tzinfo=None).isoformat(timespec="seconds")
