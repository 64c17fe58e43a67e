"""Baselines: adopting prodcheck on a database that already drifts.

`prodcheck baseline --out FILE` records the fingerprints of today's findings.
`check --baseline FILE` marks those findings `known`: still listed in every
report, no longer counted in the verdict, so only new drift fails. Entries
that no longer occur (their rule ran, their subject was checked, no finding)
are reported as resolved, and `prodcheck baseline --prune` drops them, so the
file only ever shrinks as the drift is fixed.

Suppressed findings never go into a baseline: a suppression has a reason and
an expiry, and a finding whose suppression expires must count again rather
than be swallowed by the baseline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from prodcheck.bundled import display_path
from prodcheck.errors import ConfigError
from prodcheck.json_file import json_located, read_text
from prodcheck.json_text import dumps
from prodcheck.results import (
    BaselineEntry,
    BaselineSummary,
    Report,
    Subject,
    fingerprint,
    verdict_for,
)
from prodcheck.yamlfile import Located, schema_errors

BASELINE_FILENAME = ".prodcheck-baseline.json"
# A baseline holds one short entry per known finding: 64 MiB is about 500,000.
MAX_BASELINE_BYTES = 64 * 1024 * 1024
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Baseline:
    path: str  # as reports and messages show it
    entries: tuple[BaselineEntry, ...]

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(entry.fingerprint for entry in self.entries)


def _regenerate(path: Path) -> str:
    return f"regenerate it with `prodcheck baseline --out {path}`"


def load_baseline(path: Path) -> Baseline:
    """The baseline file, validated; a ConfigError naming the file (and line) otherwise."""
    text = read_text(
        path,
        "the baseline file",
        "baseline file not found. Check the path, or create it with "
        f"`prodcheck baseline --out {path}`.",
    )
    located = json_located(
        text, path, "the baseline file", _regenerate(path), max_bytes=MAX_BASELINE_BYTES
    )
    errors = schema_errors(located, "baseline.schema.json") or _mismatched(located, path)
    if errors:
        count = f"{len(errors)} error{'s' if len(errors) > 1 else ''}"
        raise ConfigError(f"{path}: invalid baseline file ({count}):", details=tuple(errors))
    entries = tuple(_entry(item) for item in located.data["entries"])
    unique = {entry.fingerprint: entry for entry in entries}
    return Baseline(path=display_path(path), entries=tuple(unique.values()))


def _entry(item: dict[str, str]) -> BaselineEntry:
    kind, _, subject_id = item["subject"].partition(":")
    return BaselineEntry(item["fingerprint"], item["rule"], Subject(kind, subject_id))


def _mismatched(located: Located, path: Path) -> list[str]:
    """Entries edited by hand: the fingerprint no longer belongs to the rule and subject."""
    errors = []
    for index, item in enumerate(located.data["entries"]):
        entry = _entry(item)
        expected = fingerprint(entry.rule, entry.subject)
        if entry.fingerprint != expected:
            key = ("entries", index, "fingerprint")
            errors.append(
                f"{located.where(key)}: entries[{index}].fingerprint: {entry.fingerprint} is not "
                f"the fingerprint of {entry.rule} {entry.subject_text} ({expected}); "
                f"{_regenerate(path)}"
            )
    return errors


def apply_baseline(report: Report, baseline: Baseline) -> Report:
    """Known findings marked `known`, resolved entries listed, the verdict recomputed."""
    known = baseline.fingerprints
    findings = tuple(
        replace(f, status="known") if f.status == "new" and f.fingerprint in known else f
        for f in report.findings
    )
    occurring = {f.fingerprint for f in report.findings}
    ran = set(report.rules_run)
    settling = {(s.kind, s.id) for s in report.settling}
    resolved: list[BaselineEntry] = []
    unchecked = 0
    for entry in baseline.entries:
        if entry.fingerprint in occurring:
            continue
        if entry.rule in ran and (entry.subject.kind, entry.subject.id) not in settling:
            resolved.append(entry)
        else:
            unchecked += 1
    summary = BaselineSummary(
        path=baseline.path,
        entries=len(baseline.entries),
        resolved=tuple(sorted(resolved, key=_entry_order)),
        unchecked=unchecked,
    )
    return replace(
        report,
        findings=findings,
        verdict=verdict_for(findings, report.errors),
        baseline=summary,
    )


def _entry_order(entry: BaselineEntry) -> tuple[str, str, str]:
    return (entry.rule, entry.subject.kind, entry.subject.id)


def entries_of(report: Report) -> tuple[BaselineEntry, ...]:
    """What a new baseline records: every finding except the suppressed ones."""
    return _sorted(
        BaselineEntry(f.fingerprint, f.rule, f.subject)
        for f in report.findings
        if f.status != "suppressed"
    )


def pruned_entries(report: Report, baseline: Baseline) -> tuple[BaselineEntry, ...]:
    """The old entries minus the resolved ones; never adds a finding.

    `report` must have had `baseline` applied."""
    resolved = {e.fingerprint for e in report.baseline.resolved} if report.baseline else set()
    return _sorted(e for e in baseline.entries if e.fingerprint not in resolved)


def _sorted(entries: Iterable[BaselineEntry]) -> tuple[BaselineEntry, ...]:
    unique = {entry.fingerprint: entry for entry in entries}
    return tuple(sorted(unique.values(), key=_entry_order))


def render_baseline(report: Report, entries: tuple[BaselineEntry, ...]) -> str:
    """The baseline file's text: deterministic (sorted entries, the run's `now`)."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "created": report.now.isoformat().replace("+00:00", "Z"),
        "tool": f"prodcheck {report.version}".strip(),
        "config": report.config_path,
        "entries": [
            {"fingerprint": e.fingerprint, "rule": e.rule, "subject": e.subject_text}
            for e in entries
        ],
    }
    return dumps(document) + "\n"
