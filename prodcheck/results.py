"""One result model that every reporter reads: findings, verdict, summary."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from prodcheck.model import Money, SourceInfo
from prodcheck.remedies import Repair

REPORT_SCHEMA_VERSION = "1.1"


class Severity(StrEnum):
    FAIL = "fail"
    WARN = "warn"


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1
    NOT_CHECKED = 2


def exit_code_for(verdict: Verdict, *, strict: bool) -> ExitCode:
    if verdict is Verdict.ERROR:
        return ExitCode.NOT_CHECKED
    if verdict is Verdict.FAIL or (verdict is Verdict.WARN and strict):
        return ExitCode.FAILED
    return ExitCode.OK


SEVERITY_ORDER = {Severity.FAIL: 0, Severity.WARN: 1}


@dataclass(frozen=True, slots=True)
class Subject:
    kind: str  # account | subscription | customer | price | email | event
    id: str
    # How reports name it when the app has its own word and a name column ("team Acme
    # (42)"); display only: never part of its identity.
    label: str | None = field(default=None, compare=False)

    @property
    def shown(self) -> str:
        return self.label or f"{self.kind} {self.id}"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    title: str
    severity: Severity
    subject: Subject
    message: str
    fix: str
    refs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    monthly_amount: Money | None = None
    # How the finding relates to a baseline or suppression: new | known | suppressed.
    status: str = "new"
    suppression_reason: str | None = None
    # The subscriptions monthly_amount is the money of, each with its own amount:
    # totals count each subscription once, however many findings name it. Empty
    # when they are not known (the amount is then counted as it is).
    parts: tuple[tuple[str, Money], ...] = ()
    # The subject's facts the rule's condition and texts read (name -> value), for
    # explaining a finding (`prodcheck mcp`'s explain_finding); not in the reports.
    facts: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # What would repair it (its rule's `repair:` actions), None when the rule has none.
    repair: Repair | None = field(default=None, compare=False)

    @property
    def fingerprint(self) -> str:
        """Stable across runs for the same problem: rule and subject, nothing volatile."""
        return fingerprint(self.rule, self.subject)

    @property
    def sort_key(self) -> tuple[int, str, str, str]:
        return (SEVERITY_ORDER[self.severity], self.rule, self.subject.kind, self.subject.id)


def fingerprint(rule: str, subject: Subject) -> str:
    raw = f"{rule}\x1f{subject.kind}\x1f{subject.id}".encode()
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class SkippedRule:
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class SettlingSubject:
    """A subject left out because a webhook may still be in flight for it."""

    kind: str
    id: str
    reason: str


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a reporter may say about a rule without the engine: SARIF rule metadata."""

    id: str
    title: str
    severity: Severity
    subject: str
    rationale: str


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One known finding recorded in a baseline file."""

    fingerprint: str
    rule: str
    subject: Subject

    @property
    def subject_text(self) -> str:
        return f"{self.subject.kind}:{self.subject.id}"


@dataclass(frozen=True, slots=True)
class BaselineSummary:
    """How a run compared with the baseline file it was given."""

    path: str
    entries: int
    # Entries whose rule ran and whose subject was checked, and that no longer occur:
    # fixed drift, to drop from the file (`prodcheck baseline --prune`).
    resolved: tuple[BaselineEntry, ...] = ()
    # Entries not checked this run (rule skipped or not loaded, subject settling).
    unchecked: int = 0


@dataclass(frozen=True, slots=True)
class RuleSummary:
    rule: str
    title: str
    severity: Severity
    count: int
    monthly: tuple[Money, ...]  # per currency, sorted by currency


@dataclass(frozen=True, slots=True)
class Report:
    verdict: Verdict
    findings: tuple[Finding, ...]
    now: datetime
    rules_run: tuple[str, ...] = ()
    skipped_rules: tuple[SkippedRule, ...] = ()
    settling: tuple[SettlingSubject, ...] = ()
    sources: tuple[SourceInfo, ...] = ()
    errors: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    config_path: str | None = None
    version: str = ""
    # Every rule loaded for the run (run or skipped), for reporters that describe rules.
    rules: tuple[RuleInfo, ...] = ()
    baseline: BaselineSummary | None = None

    @property
    def checked_partly(self) -> bool:
        """An error report of a run that checked some of what it was asked to (its
        rules ran; coverage.py names what was left unchecked), not nothing."""
        return bool(self.errors) and bool(self.rules_run)

    @property
    def error_headline(self) -> str:
        if self.checked_partly:
            return "not everything asked for was checked"
        return "could not check; nothing was verified"

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        """Findings that count towards the verdict (not suppressed, not baselined)."""
        return tuple(f for f in self.findings if f.status == "new")

    def count_status(self, status: str) -> int:
        return sum(1 for f in self.findings if f.status == status)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.active_findings if f.severity is severity)

    def by_rule(self) -> tuple[RuleSummary, ...]:
        """Counts and revenue at stake per rule, worst severity first."""
        groups: dict[str, list[Finding]] = {}
        for f in self.active_findings:
            groups.setdefault(f.rule, []).append(f)
        summaries = []
        for rule, findings in groups.items():
            summaries.append(
                RuleSummary(
                    rule=rule,
                    title=findings[0].title,
                    severity=findings[0].severity,
                    count=len(findings),
                    monthly=money_at_stake(findings),
                )
            )
        return tuple(sorted(summaries, key=lambda s: (SEVERITY_ORDER[s.severity], s.rule)))

    def monthly_at_stake(self) -> tuple[Money, ...]:
        return money_at_stake(self.active_findings)


def money_at_stake(findings: Iterable[Finding]) -> tuple[Money, ...]:
    """The monthly money at stake in these findings, per currency: each
    subscription's once, however many findings are about it (two rows sharing one
    customer, a leak and a double subscription); an amount of no known
    subscriptions as it is."""
    once: dict[str, Money] = {}
    loose: list[Money] = []
    for finding in findings:
        if finding.monthly_amount is None:
            continue
        if finding.parts:
            for subscription_id, money in finding.parts:
                once.setdefault(subscription_id, money)
        else:
            loose.append(finding.monthly_amount)
    return sum_money([*once.values(), *loose])


def sum_money(amounts: Iterable[Money | None]) -> tuple[Money, ...]:
    totals: dict[str, int] = {}
    usage: set[str] = set()  # currencies whose total has usage on top (a floor)
    for money in amounts:
        if money is not None:
            totals[money.currency] = totals.get(money.currency, 0) + money.amount
            if money.plus_usage:
                usage.add(money.currency)
    return tuple(
        Money(amount, currency, currency in usage) for currency, amount in sorted(totals.items())
    )


def verdict_for(findings: tuple[Finding, ...], errors: tuple[str, ...]) -> Verdict:
    if errors:
        return Verdict.ERROR
    active = [f for f in findings if f.status == "new"]
    if any(f.severity is Severity.FAIL for f in active):
        return Verdict.FAIL
    if active:
        return Verdict.WARN
    return Verdict.PASS
