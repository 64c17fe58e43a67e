"""`prodcheck test`: run scenario folders and compare with their `expect:`.

Teams keep regression scenarios next to their config and gate merges on them,
so a mismatch explains itself: verdict, missing and unexpected findings, totals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from prodcheck.errors import ProdcheckError
from prodcheck.failures import internal_error_message
from prodcheck.results import Report
from prodcheck.runner import CheckRequest, run_check
from prodcheck.scenario import SCENARIO_FILENAME, Scenario, read_scenario


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    folder: Path
    ok: bool
    differences: tuple[str, ...] = ()
    error: str | None = None
    report: Report | None = None


def find_scenarios(paths: tuple[Path, ...]) -> list[Path]:
    """Each path is a scenario folder, or a folder holding scenario folders."""
    found: list[Path] = []
    for path in paths:
        if (path / SCENARIO_FILENAME).is_file():
            found.append(path)
        else:
            found.extend(sorted(p.parent for p in path.rglob(SCENARIO_FILENAME)))
    return sorted(dict.fromkeys(found))


def compare(scenario: Scenario, report: Report) -> list[str]:
    expect = scenario.expect
    differences: list[str] = []
    if report.verdict.value != expect.verdict:
        differences.append(f"verdict: expected {expect.verdict}, got {report.verdict.value}")
    got = {(f.rule, f"{f.subject.kind}:{f.subject.id}") for f in report.active_findings}
    for rule, subject in sorted(expect.findings - got):
        differences.append(f"- missing    {rule}  {subject}")
    for rule, subject in sorted(got - expect.findings):
        differences.append(f"+ unexpected {rule}  {subject}")
    if expect.monthly_at_stake is not None:
        totals = {m.currency: m.amount for m in report.monthly_at_stake()}
        if totals != expect.monthly_at_stake:
            differences.append(
                f"monthly_at_stake: expected {dict(sorted(expect.monthly_at_stake.items()))}, "
                f"got {dict(sorted(totals.items()))}"
            )
    if expect.skipped_rules is not None:
        skipped = {s.rule for s in report.skipped_rules}
        if skipped != expect.skipped_rules:
            differences.append(
                f"skipped_rules: expected {sorted(expect.skipped_rules)}, got {sorted(skipped)}"
            )
    if expect.settling is not None:
        settling = {f"{s.kind}:{s.id}" for s in report.settling}
        if settling != expect.settling:
            differences.append(
                f"settling: expected {sorted(expect.settling)}, got {sorted(settling)}"
            )
    return differences


def run_scenario(folder: Path, config_path: Path | None, env: Mapping[str, str]) -> ScenarioResult:
    try:
        scenario = read_scenario(folder)
        assert scenario is not None
        config = config_path or folder / "prodcheck.yml"
        _, report = run_check(
            CheckRequest(config_path=config, fixtures=folder, now=scenario.now, quiet=True),
            env,
        )
    except ProdcheckError as exc:
        return ScenarioResult(folder, ok=False, error=str(exc))
    except Exception as exc:
        # One scenario that cannot run must not stop the others (exit 2 all the same).
        return ScenarioResult(folder, ok=False, error=internal_error_message(exc))
    differences = compare(scenario, report)
    return ScenarioResult(folder, ok=not differences, differences=tuple(differences), report=report)
