"""Suppressions from the config: accepted drift, with a reason and an expiry.

A suppressed finding stays in every report with status `suppressed` and its
reason; it is never hidden, it only stops counting towards the verdict. An
expired suppression no longer applies: its findings count again and the report
carries a warning naming the suppression, so nobody accepts drift forever by
accident. A suppression that matched nothing is noted too (the drift it
covered is fixed: remove it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from fnmatch import fnmatchcase

from prodcheck.config import Suppression
from prodcheck.errors import ConfigError
from prodcheck.results import Finding, Report, verdict_for


def matches(suppression: Suppression, finding: Finding) -> bool:
    """Rule id or glob (`plan.*`, `*`); subject id or glob, bare (`u_1*`) or with its kind
    (`account:u_1*`); no subject means every subject of the rule."""
    if not fnmatchcase(finding.rule, suppression.rule):
        return False
    if suppression.subject is None:
        return True
    subject = finding.subject
    return fnmatchcase(subject.id, suppression.subject) or fnmatchcase(
        f"{subject.kind}:{subject.id}", suppression.subject
    )


def is_expired(suppression: Suppression, today: date) -> bool:
    """A suppression holds through its expiry day."""
    return suppression.expires is not None and suppression.expires < today


def _check_rule_ids(suppressions: Sequence[Suppression], loaded: set[str]) -> None:
    """A suppression naming a rule that is not loaded is a typo, not accepted drift."""
    unknown = [
        s for s in suppressions if not any(c in s.rule for c in "*?[") and s.rule not in loaded
    ]
    if unknown and loaded:
        raise ConfigError(
            "suppressions name rules that are not loaded:",
            details=tuple(
                f"{s.location}: unknown rule id '{s.rule}' (see `prodcheck rules` for the ids; "
                "a pattern such as plan.* matches several)"
                for s in unknown
            ),
        )


def _label(suppression: Suppression) -> str:
    subject = f", subject {suppression.subject}" if suppression.subject else ""
    return f"suppression at {suppression.location} (rule {suppression.rule}{subject})"


def _reason(suppression: Suppression) -> str:
    until = f" (until {suppression.expires.isoformat()})" if suppression.expires else ""
    return f"{suppression.reason}{until}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def apply_suppressions(report: Report, suppressions: Sequence[Suppression]) -> Report:
    """Findings matched by a live suppression marked `suppressed`; warnings for expired ones."""
    if not suppressions:
        return report
    _check_rule_ids(suppressions, {rule.id for rule in report.rules})
    today = report.now.date()
    live = [s for s in suppressions if not is_expired(s, today)]
    used: dict[int, int] = {}
    findings: list[Finding] = []
    for finding in report.findings:
        match = next((s for s in live if matches(s, finding)), None)
        if match is None or finding.status != "new":
            findings.append(finding)
            continue
        used[id(match)] = used.get(id(match), 0) + 1
        findings.append(replace(finding, status="suppressed", suppression_reason=_reason(match)))
    notes: list[str] = []
    for suppression in suppressions:
        if is_expired(suppression, today):
            assert suppression.expires is not None
            count = sum(1 for f in report.findings if matches(suppression, f))
            notes.append(
                f"warning: {_label(suppression)} expired on {suppression.expires.isoformat()}: "
                f"its {_plural(count, 'finding')} count again. Fix the drift, or extend "
                "`expires` with a reason."
            )
        elif id(suppression) not in used and any(
            fnmatchcase(rule, suppression.rule) for rule in report.rules_run
        ):
            notes.append(
                f"{_label(suppression)} matched no finding this run: remove it if the "
                "drift it covered is fixed."
            )
    result = tuple(findings)
    return replace(
        report,
        findings=result,
        verdict=verdict_for(result, report.errors),
        notes=(*report.notes, *notes),
    )
