"""Properties over generated snapshots (hypothesis), built with the scenario kit and
checked through the CLI as a user's fixture folder is:

- a random consistent snapshot (customers paying, trialing, retrying within
  grace, canceled long ago, never billed) passes with no finding;
- one drift of each kind injected into it gives exactly that finding, on that
  account;
- the findings, their fingerprints and the report's bytes (JSON and Markdown) do
  not depend on the order of the customers, the subscriptions or the rows.

Examples are derandomized (the same ones on every run: a merge gate's own tests
do not flake) and few, each a full run of `check`.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodcheck.cli import cli

from .conftest import REPO


@pytest.fixture(scope="module")
def kit() -> Iterator[Any]:
    """tools/scenario_kit and the scenarios' shorthands (on the path for this module)."""
    tools = str(REPO / "tools")
    sys.path.insert(0, tools)
    try:
        import scenario_kit

        from scenarios import common

        yield scenario_kit, common
    finally:
        sys.path.remove(tools)


# A member's state: how billing and the app agree on them.
PAYING, TRIALING, GRACE, CANCELED, NEVER = "paying", "trialing", "grace", "canceled", "never"
PRICES = ("price_starter_monthly", "price_pro_monthly", "price_team_monthly")
# drift -> (the states it can be injected into, the rule that must report it)
DRIFTS = {
    "locked out while paying": ((PAYING, TRIALING), "access.revenue_leak"),
    "access kept after cancelling": ((CANCELED,), "access.wrongful_access"),
    "access kept beyond grace": ((GRACE,), "access.grace_expired"),
    "locked out within grace": ((GRACE,), "access.revoked_in_grace"),
    "a lower plan than paid for": ((PAYING,), "plan.underprovisioned"),
    "a higher plan than paid for": ((PAYING,), "plan.overprovisioned"),
}

WARNINGS = {"access.revoked_in_grace"}


@dataclass(frozen=True)
class Member:
    state: str
    price: str
    days: int  # since the renewal (grace), or since cancelling


members = st.builds(
    Member,
    st.sampled_from((PAYING, TRIALING, GRACE, CANCELED, NEVER)),
    st.sampled_from(PRICES),
    st.integers(0, 14),  # the grace period's last day included
)
snapshots = st.lists(members, min_size=1, max_size=7)


def _build(kit: Any, people: list[Member], drift: tuple[int, str] | None = None) -> Any:
    """The scenario of `people`, consistent, but for `drift` (member index, drift)."""
    scenario_kit, common = kit
    s = scenario_kit.Scenario(
        "generated", now=common.NOW, description="generated", config=scenario_kit.default_config()
    )
    s.expect("pass", [])  # (scenario.yml is not what is checked here: the report is)
    tiers = ["starter", "pro", "team"]
    for index, person in enumerate(people):
        uid, name = f"u_{index:03d}", f"Member {index:03d}"
        what = drift[1] if drift is not None and drift[0] == index else None
        plan = s.prices[person.price]["plan"]
        if person.state == NEVER:
            s.account(uid, None, has_access=False, plan="free", email=common.email_of(name))
            continue
        if person.state == CANCELED:
            common.member(
                s,
                uid,
                name,
                person.price,
                access=what == "access kept after cancelling",
                plan="free",
                status="canceled",
                canceled_days_ago=40 + person.days,
                period_started_days_ago=70 + person.days,
            )
            continue
        if person.state == GRACE:
            late = what == "access kept beyond grace"
            common.member(
                s,
                uid,
                name,
                person.price,
                access=what != "locked out within grace",
                status="past_due",
                period_started_days_ago=20 + person.days if late else person.days,
            )
            continue
        db_plan = plan
        if what == "a lower plan than paid for":
            db_plan = tiers[tiers.index(plan) - 1] if plan != "starter" else "free"
        if what == "a higher plan than paid for":
            db_plan = tiers[tiers.index(plan) + 1] if plan != "team" else "enterprise"
        trial = person.state == TRIALING
        common.member(
            s,
            uid,
            name,
            person.price,
            access=what != "locked out while paying",
            plan=db_plan,
            status="trialing" if trial else "active",
            trial=trial,
            **({"created_days_ago": 3, "period_started_days_ago": 3} if trial else {}),
        )
    if "enterprise" not in s.config["plans"]["tiers"]:
        s.config["plans"]["tiers"].append("enterprise")
    return s


def _check(folder: Path, *formats: str) -> dict[str, str]:
    """The report in each format, and the exit code, from a run of `check`."""
    found: dict[str, str] = {}
    for name in formats:
        result = CliRunner().invoke(
            cli, ["check", "--fixtures", str(folder), "--format", name, "--quiet"]
        )
        assert result.exit_code in (0, 1), result.output
        found[name] = result.stdout
        found["exit"] = str(result.exit_code)
    return found


def _findings(report: str) -> list[tuple[str, str]]:
    return [(f["rule"], f["subject"]["id"]) for f in json.loads(report)["findings"]]


def _write(scenario: Any, root: Path) -> Path:
    shutil.rmtree(root / scenario.name, ignore_errors=True)
    return scenario.write(root)


SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(people=snapshots)
def test_a_consistent_snapshot_passes(kit: Any, tmp_path: Path, people: list[Member]) -> None:
    folder = _write(_build(kit, people), tmp_path)
    report = _check(folder, "json")
    assert _findings(report["json"]) == [] and report["exit"] == "0", report["json"]


@pytest.mark.parametrize("drift", sorted(DRIFTS))
@settings(SETTINGS, max_examples=5)
@given(people=snapshots, data=st.data())
def test_one_drift_gives_exactly_its_finding(
    kit: Any, tmp_path: Path, drift: str, people: list[Member], data: st.DataObject
) -> None:
    states, rule = DRIFTS[drift]
    # the member it is injected into: one of a state it applies to, added if none is
    candidates = [i for i, p in enumerate(people) if p.state in states]
    if not candidates:
        people = [*people, Member(states[0], PRICES[1], 3)]
        candidates = [len(people) - 1]
    target = data.draw(st.sampled_from(candidates), label="member")
    folder = _write(_build(kit, people, (target, drift)), tmp_path)
    report = _check(folder, "json")
    assert _findings(report["json"]) == [(rule, f"u_{target:03d}")], report["json"]
    assert report["exit"] == ("0" if rule in WARNINGS else "1")  # a warning passes the gate


@SETTINGS
@given(people=snapshots, data=st.data())
def test_the_report_does_not_depend_on_the_input_order(
    kit: Any, tmp_path: Path, people: list[Member], data: st.DataObject
) -> None:
    # some drift, so there are findings to order (their money, fingerprints, fixes)
    drift = data.draw(st.sampled_from(sorted(DRIFTS)), label="drift")
    candidates = [i for i, p in enumerate(people) if p.state in DRIFTS[drift][0]]
    target = data.draw(st.sampled_from(candidates), label="member") if candidates else None
    scenario = _build(kit, people, (target, drift) if target is not None else None)
    before = _check(_write(scenario, tmp_path), "json", "markdown")
    seed = data.draw(st.integers(0, 2**32 - 1), label="shuffle")
    shuffle = random.Random(seed).shuffle
    for objects in (scenario.customers, scenario.subscriptions, scenario.rows):
        shuffle(objects)
    after = _check(_write(scenario, tmp_path), "json", "markdown")
    assert after == before
    fingerprints = [f["fingerprint"] for f in json.loads(after["json"])["findings"]]
    assert len(set(fingerprints)) == len(fingerprints)
