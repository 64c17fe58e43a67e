"""Every bundled scenario, through the same path as `prodcheck check --fixtures`.

Verdicts and findings are asserted explicitly from scenario.yml, never through
snapshots, so updating snapshots can never quietly accept a changed verdict.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prodcheck.runner import CheckRequest, run_check
from prodcheck.scenario import read_scenario
from prodcheck.testing import compare, find_scenarios

from .conftest import SCENARIOS

ALL = find_scenarios((SCENARIOS,))


def test_there_are_scenarios() -> None:
    assert len(ALL) >= 2


@pytest.mark.parametrize("folder", ALL, ids=[p.name for p in ALL])
def test_scenario(folder: Path) -> None:
    scenario = read_scenario(folder)
    assert scenario is not None
    _, report = run_check(
        CheckRequest(config_path=folder / "prodcheck.yml", fixtures=folder, now=scenario.now),
        env={},
    )
    assert report.verdict.value == scenario.expect.verdict
    got = {(f.rule, f"{f.subject.kind}:{f.subject.id}") for f in report.active_findings}
    assert got == scenario.expect.findings
    assert compare(scenario, report) == []
    for finding in report.findings:
        assert finding.message and finding.fix
        assert "{{" not in finding.message and "{{" not in finding.fix
