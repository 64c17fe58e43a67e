"""Facts as SQL views (engine/sql_facts.py) equal the Python facts, column by column
and subject by subject: on every scenario, and on a snapshot built for the cases
scenarios rarely hold (ties between tiers, untiered plans, pending updates, one
customer id on several rows, emails differing in case, past_due with no period,
schedules past and future, a subscription id listed twice)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from prodcheck.catalogue import FACTS
from prodcheck.config import (
    BillingConfig,
    ColumnMapping,
    Config,
    DatabaseConfig,
    PlansConfig,
    Policy,
    load_config,
)
from prodcheck.engine.app_facts import app_customer
from prodcheck.engine.conditions import getter
from prodcheck.engine.event_facts import settles
from prodcheck.engine.facts import KINDS
from prodcheck.engine.index import Index, build_index
from prodcheck.engine.sql_conditions import cell
from prodcheck.engine.sql_engine import Session
from prodcheck.engine.sql_facts import SETTLING, SETTLING_COLUMN, allowance_reason
from prodcheck.model import (
    Account,
    AccountState,
    BillingState,
    Customer,
    Provider,
    SchedulePhase,
    Snapshot,
    Subscription,
    SubscriptionItem,
    SubscriptionSchedule,
    SubscriptionStatus,
)
from prodcheck.runner import load_checked_rules
from prodcheck.scenario import read_scenario
from prodcheck.testing import find_scenarios

from .conftest import SCENARIOS
from .python_readers import python_snapshot

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _settling(index: Index, kind: str, row: Any) -> str | None:
    """Who settles, read straight off the index's sets: an account changed within
    the window (or whose customer did), or whose access ended within the app's
    allowance; a subscription, customer or app row whose customer changed."""
    if kind == "event":
        return SETTLING if settles(index, row) else None
    if kind == "account":
        if row.id in index.settling_accounts or row.customer_id in index.settling_customers:
            return SETTLING
        return allowance_reason(index) if row.id in index.within_allowance else None
    customer = {
        "subscription": lambda: row[0],
        "customer": lambda: row,
        "app_subscription": lambda: app_customer(index, row) or "",
    }.get(kind, lambda: None)()
    return SETTLING if customer is not None and customer in index.settling_customers else None


def _compare(index: Index) -> int:
    """Every SQL fact column against the Python fact, row by row; the cells compared."""
    session = Session(index)
    compared = 0
    try:
        for kind in KINDS:
            # The rows as the Python index lists them; SQL numbers them alike.
            rows = list(KINDS[kind].rows(index))
            assert session.count(kind) == len(rows), kind
            session.read_keys(kind, None)
            for number, row in enumerate(rows):
                assert session.ident(kind, number) == KINDS[kind].ident(row), (kind, number)
            paths = session.provided(kind)
            assert paths, kind
            selected = ", ".join(f'"{p}"' for p in paths)
            found = session.conn.execute(
                f"SELECT row, {selected} FROM facts_{kind} ORDER BY row"
            ).fetchall()
            assert [r[0] for r in found] == list(range(len(rows))), kind
            settles = session.conn.execute(
                f"SELECT {SETTLING_COLUMN} FROM facts_{kind} ORDER BY row"
            ).fetchall()
            for row, (reason,) in zip(rows, settles, strict=True):
                assert reason == _settling(index, kind, row), (kind, KINDS[kind].ident(row))
                compared += 1
            for row, values in zip(rows, found, strict=True):
                facts = KINDS[kind].build(index, row).facts
                for path, value in zip(paths, values[1:], strict=True):
                    expected = cell(getter(path)(facts), FACTS[kind][path])
                    assert value == expected, (kind, KINDS[kind].ident(row), path)
                    compared += 1
    finally:
        session.close()
    return compared


@pytest.mark.parametrize("folder", find_scenarios((SCENARIOS,)), ids=lambda p: p.name)
def test_sql_facts_equal_python_facts_on_every_scenario(folder: Path) -> None:
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    config = load_config(folder / "prodcheck.yml")
    snapshot = python_snapshot(config, load_checked_rules(config), folder, scenario.now)
    index = build_index(snapshot, config, scenario.now)
    assert _compare(index) > 0


def _item(n: str, price: str, start: datetime | None = None) -> SubscriptionItem:
    end = start + timedelta(days=30) if start else None
    created = NOW - timedelta(days=3)  # the price was set 3 days ago
    return SubscriptionItem(f"si_{n}", price, 1, 1000, "usd", "month", 1, start, end, created)


def _sub(n: str, customer: str, status: str, *prices: str, **more: Any) -> Subscription:
    start = more.pop("start", NOW - timedelta(days=5))
    items = tuple(_item(f"{n}{i}", p, start) for i, p in enumerate(prices))
    ident = more.pop("ident", f"sub_{n}")
    return Subscription(ident, customer, SubscriptionStatus(status), items, **more)


def _schedule(n: str, subscription: str, status: str, *phases: tuple[int, str]) -> Any:
    """A schedule made 8 days ago; phases as (days from now, price)."""
    return SubscriptionSchedule(
        f"sub_sched_{n}",
        subscription,
        None,
        status,
        NOW - timedelta(days=8),
        tuple(SchedulePhase(NOW + timedelta(days=d), None, (p,)) for d, p in phases),
    )


def _tricky() -> Snapshot:
    subscriptions = [
        # the highest tier wins whatever its position; an untiered plan loses to a tiered one
        _sub("a1", "cus_a", "active", "price_basic", "price_pro", "price_pro2"),
        _sub("a2", "cus_a", "trialing", "price_legacy", "price_team"),
        # untiered plans only: the first mapped price; an unmapped price is skipped
        _sub("b1", "cus_b", "active", "price_unknown", "price_legacy", "price_old"),
        # past_due: within grace, beyond it, and with no period start at all
        _sub("c1", "cus_c", "past_due", "price_pro", start=NOW - timedelta(days=3)),
        _sub("d1", "cus_d", "past_due", "price_pro", start=NOW - timedelta(days=40)),
        _sub("e1", "cus_e", "past_due", "price_pro", start=None),
        # a pending update to a higher plan, and two that tie
        _sub("f1", "cus_f", "active", "price_basic", pending_update_price_ids=("price_team",)),
        _sub(
            "f2",
            "cus_f",
            "active",
            "price_basic",
            pending_update_price_ids=("price_legacy", "price_pro", "price_pro2"),
        ),
        _sub("g1", "cus_g", "canceled", "price_pro"),
        _sub("g2", "cus_g", "unpaid", "price_team"),
        _sub("h1", "", "active", "price_pro"),
        _sub("i1", "cus_shared", "active", "price_pro"),
        _sub("fresh", "cus_fresh", "active", "price_pro"),
        # schedules: a past phase to a lower plan is no downgrade; a future one is, unless
        # the schedule is released; one to a higher plan is not
        _sub("m1", "cus_m", "active", "price_team"),
        _sub("n1", "cus_n", "active", "price_team"),
        _sub("o1", "cus_o", "active", "price_pro"),
        # one subscription id twice: the index keeps the last one billing listed
        _sub("p1", "cus_p", "active", "price_pro", ident="sub_dup"),
        _sub("q1", "cus_q", "canceled", "price_pro", ident="sub_dup"),
        # two entitling subscriptions on untiered plans: the first one's plan
        _sub("j1", "cus_j", "active", "price_legacy"),
        _sub("j2", "cus_j", "active", "price_old"),
        # pending updates to untiered plans: the first subscription's, its first price's
        _sub(
            "k1",
            "cus_k",
            "active",
            "price_basic",
            pending_update_price_ids=("price_old", "price_legacy"),
        ),
        _sub(
            "k2",
            "cus_k",
            "active",
            "price_basic",
            pending_update_price_ids=("price_legacy", "price_old"),
        ),
    ]
    customers = [
        Customer("cus_a", email="Ann@Example.com "),
        Customer("cus_b", email=None),
        Customer("cus_c", email="c@example.com", deleted=True),
        Customer("cus_shared", email="s@example.com", metadata={"user_id": "u_shared2"}),
        Customer("cus_g", email="   "),
        Customer("cus_fresh", created=NOW - timedelta(minutes=1)),
    ]
    accounts = [
        Account("u_a", "cus_a", True, plan="pro", email="ann@example.com"),
        Account("u_b", "cus_b", False, plan="legacy", email="b@example.com"),
        Account("u_c", "cus_c", True, plan="Pro"),
        Account("u_d", "cus_d", True, plan=None, email=""),
        Account("u_e", "cus_e", False, plan="team"),
        Account("u_f", "cus_f", True, plan="basic"),
        Account("u_g", "cus_g", True, plan="pro", email="x@example.com"),
        Account("u_h", "", True),
        Account("u_j", "cus_j", True, plan="old"),
        # settling: a row updated 2 minutes ago; a customer created a minute ago
        Account("u_settle", "cus_b", True, updated_at=NOW - timedelta(minutes=2)),
        Account("u_fresh", "cus_fresh", False),
        Account("u_m", "cus_m", True, plan="team"),
        Account("u_n", "cus_n", True, plan="team"),
        Account("u_o", "cus_o", True, plan="pro"),
        Account("u_p", "cus_p", True, plan="pro", extra=(("subscription_id", "sub_dup"),)),
        Account("u_q", "cus_q", True, plan="pro", extra=(("subscription_id", "sub_a1"),)),
        Account("u_r", "cus_a", True, plan="pro", extra=(("subscription_id", "sub_gone"),)),
        Account("u_k", "cus_k", True, plan="basic"),
        Account("u_none", None, False),
        Account("u_missing", "cus_missing", True, plan="nothing"),
        Account("u_shared1", "cus_shared", False, plan="pro"),
        Account("u_shared2", "cus_shared", False, plan="pro"),
        Account("u_shared3", "cus_shared", True, plan="pro"),
        Account("u_shared3", "cus_shared", True, plan="pro"),  # a duplicate id
    ]
    schedules = (
        _schedule("m", "sub_m1", "active", (-10, "price_basic")),
        _schedule("n", "sub_n1", "active", (-10, "price_team"), (20, "price_basic")),
        _schedule("n2", "sub_n1", "released", (20, "price_basic")),
        _schedule("o", "sub_o1", "not_started", (20, "price_team")),
    )
    return Snapshot(
        billing=BillingState(
            Provider.STRIPE,
            tuple(customers),
            tuple(subscriptions),
            schedules,
            loaded=frozenset({"customers", "subscriptions", "subscription_schedules"}),
        ),
        accounts=AccountState(tuple(accounts), frozenset({"plan", "email"})),
        tables={"app_subscriptions": _app_rows()},
    )


def _app_rows() -> tuple[dict[str, Any], ...]:
    """The app's copy: of a repeated id, of an unknown one, half empty, 59, 60 and 61
    minutes off."""
    end = NOW + timedelta(days=25)
    rows = [
        ("sub_dup", "canceled", "price_pro", 1, end, False),
        ("sub_nowhere", "active", "price_pro", 1, end, False),
        ("sub_a1", None, None, None, None, False),
        ("sub_b1", "active", "price_old", 3, end + timedelta(minutes=59), True),
        ("sub_c1", "active", "price_team", 1, end - timedelta(minutes=61), False),
        ("sub_i1", "active", "price_pro", 1, end + timedelta(minutes=60), False),
    ]
    names = ("id", "status", "price_id", "quantity", "period_end", "cancel_at_period_end")
    return tuple(dict(zip(names, row, strict=True)) for row in rows)


@pytest.mark.parametrize(
    "policy",
    [
        Policy(),
        Policy(grace_period_days=0, entitled_statuses=frozenset({"active"})),
        Policy(entitled_statuses=frozenset({"active", "past_due", "canceled"})),
        Policy(entitled_statuses=frozenset()),
    ],
    ids=["default", "strict", "past-due-entitled", "none-entitled"],
)
def test_sql_facts_equal_python_facts_on_the_cases_scenarios_rarely_hold(policy: Policy) -> None:
    prices = {
        "price_basic": "basic",
        "price_pro": "pro",
        "price_pro2": "pro2",
        "price_team": "team",
        "price_legacy": "legacy",
        "price_old": "old",
    }
    config = Config(
        billing=BillingConfig(provider=Provider.STRIPE),
        database=DatabaseConfig(
            table="users",
            columns=ColumnMapping("id", "customer_id", "has_access", plan="plan", email="email"),
        ),
        plans=PlansConfig(prices=prices, tiers=("basic", "pro", "pro2", "team")),
        policy=policy,
    )
    index = build_index(_tricky(), config, NOW)
    assert _compare(index) > 300
