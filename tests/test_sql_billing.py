"""The engine's billing tables computed by SQL from the files (sources/stripe_sql.py,
then engine/sql_billing.py) equal the ones the Python index defines
(tests/billing_oracle.py), table by table and row by row, on every Stripe scenario, on a folder of
the cases scenarios lack, and under four policies (the settle window and the
metadata key change what they hold)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from prodcheck.config import load_config
from prodcheck.engine.duck import connect
from prodcheck.engine.index import build_index
from prodcheck.engine.sql_billing import register, statements
from prodcheck.model import Provider
from prodcheck.runner import load_checked_rules
from prodcheck.scenario import read_scenario
from prodcheck.sources.duck_billing import read_billing_folder

from . import billing_oracle
from .conftest import SCENARIOS
from .python_readers import python_snapshot

duckdb = pytest.importorskip("duckdb")

STRIPE = sorted(folder for folder in SCENARIOS.iterdir() if (folder / "stripe").is_dir())
# Table -> the query both sides answer (schedule_row only groups a schedule's rows:
# each side numbers schedules its own way).
TABLES = {
    "customers": "SELECT id, deleted, email, email_key, metadata_user_id FROM customers",
    "subscriptions": (
        "SELECT row, id, customer_id, status, period_start, had_trial, period_end, canonical, "
        "price_set, cancel_at_period_end, quantity FROM subscriptions"
    ),
    "items": "SELECT sub_row, pos, price_id FROM items",
    "pending": "SELECT sub_row, pos, price_id FROM pending",
    "schedule_prices": (
        "SELECT subscription, status, created, phase_start, price_id, "
        "dense_rank() OVER (ORDER BY subscription, created, schedule_row) AS schedule "
        "FROM schedule_prices"
    ),
    "settle_customers": "SELECT id FROM settle_customers",
}


def _rows(conn: Any, query: str) -> list[tuple[Any, ...]]:
    return sorted(conn.execute(query).fetchall(), key=repr)


def _sql_tables(folder: Path, config: Any, now: Any) -> Any:
    conn = connect()
    read = read_billing_folder(conn, folder, Provider.STRIPE)
    assert read is not None  # every object read by SQL
    register(conn)
    for statement in statements(config.policy, now):
        conn.execute(statement)
    return conn


POLICIES = {
    "as configured": {},
    "no settle window": {"settle_window_minutes": 0},
    "a day's settle window": {"settle_window_minutes": 1440},
    "another metadata key": {"metadata_user_id_key": "account_id"},
}


# Every scenario as configured; the policies on the ones whose tables they change.
CASES = [(folder, "as configured") for folder in STRIPE] + [
    (SCENARIOS / name, policy)
    for name in ("settle-window", "settle-window-elapsed", "identity-metadata-mismatch-fail")
    for policy in POLICIES
    if policy != "as configured"
]


@pytest.mark.parametrize(
    ("folder", "policy"), CASES, ids=[f"{folder.name}/{policy}" for folder, policy in CASES]
)
def test_billing_tables_from_sql_equal_the_ones_from_python(folder: Path, policy: str) -> None:
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    now = scenario.now
    config = load_config(folder / "prodcheck.yml")
    config = replace(config, policy=replace(config.policy, **POLICIES[policy]))
    snapshot = python_snapshot(config, load_checked_rules(config), folder, now)
    index = build_index(snapshot, config, now)
    python = duckdb.connect()
    billing_oracle.register(python, index)
    sql = _sql_tables(folder, config, now)
    for table, query in TABLES.items():
        assert _rows(sql, query) == _rows(python, query), table


def _tricky(tmp_path: Path) -> Path:
    """mixed-saas with the cases its files lack: ids listed twice (customers and
    subscriptions, with different values), a trial with no trial_start, no items,
    items with no period, a pending update, a two-phase schedule, events about a
    subscription, a customer and an unknown object, and creation times at the edges
    of the settle window (its start, one minute past now, beyond)."""
    folder = tmp_path / "tricky"
    shutil.copytree(SCENARIOS / "mixed-saas", folder)
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    now = int(scenario.now.timestamp())
    stripe = folder / "stripe"
    customers = json.loads((stripe / "customers.json").read_text())
    subscriptions = json.loads((stripe / "subscriptions.json").read_text())
    first, base = customers[0], subscriptions[0]
    customers += [
        {**first, "email": "Second@Example.com", "metadata": {"user_id": "u_other"}},
        {"id": "cus_edge_start", "created": now - 10 * 60, "email": None},
        {"id": "cus_edge_late", "created": now + 60},
        {"id": "cus_edge_beyond", "created": now + 61},
        # keyed by Python's lower(): DuckDB's lowers İ and a final Σ otherwise
        {"id": "cus_dotted", "created": now - 86_400, "email": "İlkay@Example.com"},
        {"id": "cus_sigma", "created": now - 86_400, "email": "ΟΔΥΣΣΕΑΣ@Example.com"},
    ]
    item = base["items"]["data"][0]
    bare = {k: v for k, v in item.items() if k not in ("current_period_start", "created")}
    bare["current_period_end"] = item["current_period_end"] + 30 * 86_400  # the later end
    subscriptions += [
        {**base, "customer": "cus_edge_start", "status": "past_due"},  # the id, listed twice
        {**base, "id": "sub_trial", "status": "trialing", "trial_start": None,
         "customer": "cus_edge_late", "created": now - 9 * 60},
        {**base, "id": "sub_empty", "items": {"object": "list", "data": []}},
        {**base, "id": "sub_bare", "items": {"object": "list", "data": [bare, item]},
         "pending_update": {"subscription_items": [{"price": "price_team_monthly"},
                                                   {"plan": {"id": "price_pro_monthly"}}]}},
    ]  # fmt: skip
    schedules = json.loads((stripe / "subscription_schedules.json").read_text())
    schedules.append(
        {"id": "sub_sched_two", "subscription": "sub_bare", "status": "not_started",
         "created": now - 86_400, "phases": [
             {"start_date": now - 10, "items": [{"price": "price_pro_monthly"}]},
             {"start_date": now + 86_400, "items": [{"price": {"id": "price_starter_monthly"}},
                                                   {"plan": "price_team_monthly"}]},
             {"start_date": now + 2 * 86_400, "items": []}]}
    )  # fmt: skip
    schedules.append(  # released: attached to no subscription
        {"id": "sub_sched_free", "subscription": None, "customer": "cus_edge_start",
         "phases": [{"start_date": now + 86_400, "items": [{"price": "price_pro_monthly"}]}]}
    )  # fmt: skip
    events = [
        {"id": "evt_1", "type": "customer.subscription.updated", "created": now - 60,
         "data": {"object": {"id": "sub_bare"}}},
        {"id": "evt_2", "type": "customer.updated", "created": now - 60,
         "data": {"object": {"id": "cus_edge_beyond"}}},
        {"id": "evt_3", "type": "invoice.paid", "created": now - 60,
         "data": {"object": {"id": "in_unknown"}}},
        {"id": "evt_4", "type": "invoice.paid", "created": now - 3600,
         "data": {"object": {"id": "sub_trial"}}},
    ]  # fmt: skip
    for name, listed in (
        ("customers", customers),
        ("subscriptions", subscriptions),
        ("subscription_schedules", schedules),
        ("events", events),
    ):
        (stripe / f"{name}.json").write_text(json.dumps(listed))  # fmt: skip
    return folder


@pytest.mark.parametrize("policy", POLICIES, ids=list(POLICIES))
def test_tricky_billing_tables_from_sql_equal_the_ones_from_python(
    tmp_path: Path, policy: str
) -> None:
    test_billing_tables_from_sql_equal_the_ones_from_python(_tricky(tmp_path), policy)


def test_the_settle_window_is_tested_with_something_in_it() -> None:
    """Some scenario has customers settling under each window, so the comparison
    above compares something."""
    folder = SCENARIOS / "settle-window"
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    config = load_config(folder / "prodcheck.yml")
    sql = _sql_tables(folder, config, scenario.now)
    assert sql.execute("SELECT count(*) FROM settle_customers").fetchone()[0] >= 2
    day = replace(config, policy=replace(config.policy, settle_window_minutes=1440))
    wide = _sql_tables(folder, day, scenario.now + timedelta(minutes=1))
    assert wide.execute("SELECT count(*) FROM settle_customers").fetchone()[0] >= 2
