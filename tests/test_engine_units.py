"""Conditions, entitlement, money and facts, each on its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from prodcheck.bundled import contracts_dir
from prodcheck.config import (
    BillingConfig,
    ColumnMapping,
    Config,
    DatabaseConfig,
    PlansConfig,
    Policy,
)
from prodcheck.engine.conditions import ConditionError, check_condition
from prodcheck.engine.contracts import load_rules
from prodcheck.engine.entitlement import days_past_due, entitles
from prodcheck.engine.evaluate import evaluate
from prodcheck.engine.facts import SUBJECTS
from prodcheck.engine.index import build_index
from prodcheck.model import (
    Account,
    AccountState,
    BillingState,
    Customer,
    Money,
    Provider,
    Snapshot,
    Subscription,
    SubscriptionItem,
    SubscriptionStatus,
    format_money,
)

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def item(
    price: str = "price_pro",
    amount: int | None = 4900,
    interval: str = "month",
    quantity: int = 1,
    count: int = 1,
    started_days_ago: int = 5,
) -> SubscriptionItem:
    start = NOW - timedelta(days=started_days_ago)
    return SubscriptionItem(
        id=f"si_{price}",
        price_id=price,
        quantity=quantity,
        unit_amount=amount,
        currency="usd",
        interval=interval,
        interval_count=count,
        current_period_start=start,
        current_period_end=start + timedelta(days=30),
    )


def sub(
    sid: str, customer: str, status: str = "active", *items: SubscriptionItem, **kw
) -> Subscription:
    return Subscription(
        id=sid,
        customer_id=customer,
        status=SubscriptionStatus(status),
        items=items or (item(),),
        created=NOW - timedelta(days=100),
        **kw,
    )


# -- conditions --------------------------------------------------------------------


# What conditions mean is tested through DuckDB in test_sql_conditions.py.


@pytest.mark.parametrize(
    "condition, message",
    [
        ({"fact": "a"}, "needs exactly one operator"),
        ({"fact": "a", "eq": 1, "ne": 2}, "needs exactly one operator"),
        ({"all": []}, "non-empty list"),
        ({"all": [{"fact": "a", "eq": 1}], "fact": "b"}, "must stand alone"),
        ({"fact": "a", "in": "pro"}, "expected a list"),
        ({"fact": "a", "exists": "yes"}, "expected true or false"),
        ({"whatever": 1}, "expected `all`, `any`, `not` or `fact`"),
    ],
)
def test_invalid_conditions(condition: dict, message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        check_condition(condition)


# -- entitlement --------------------------------------------------------------------

POLICY = Policy()


@pytest.mark.parametrize(
    "status, expected",
    [
        ("active", True),
        ("trialing", True),
        ("canceled", False),
        ("unpaid", False),
        ("incomplete", False),
        ("incomplete_expired", False),
        ("paused", False),
    ],
)
def test_status_entitlement(status: str, expected: bool) -> None:
    assert entitles(sub("s", "c", status), POLICY, NOW) is expected


def test_past_due_grace_counts_from_item_period_start() -> None:
    within = sub("s", "c", "past_due", item(started_days_ago=14))
    beyond = sub("s", "c", "past_due", item(started_days_ago=15))
    assert days_past_due(within, NOW) == 14 and entitles(within, POLICY, NOW)
    assert days_past_due(beyond, NOW) == 15 and not entitles(beyond, POLICY, NOW)
    assert entitles(beyond, Policy(grace_period_days=30), NOW)


def test_past_due_falls_back_to_subscription_period() -> None:
    no_item_period = SubscriptionItem("si", "p", 1, 100, "usd", "month", 1)
    subscription = sub(
        "s", "c", "past_due", no_item_period, current_period_start=NOW - timedelta(days=20)
    )
    assert days_past_due(subscription, NOW) == 20


def test_policy_can_widen_entitled_statuses_but_never_to_canceled() -> None:
    policy = Policy(entitled_statuses=frozenset({"active", "trialing", "canceled"}))
    assert not entitles(sub("s", "c", "canceled"), policy, NOW)


# -- money --------------------------------------------------------------------------


def test_monthly_normalization() -> None:
    assert item(amount=12000, interval="year").monthly_amount == 1000
    assert item(amount=4900, quantity=3).monthly_amount == 14700
    assert item(amount=3000, interval="month", count=3).monthly_amount == 1000
    assert item(amount=1000, interval="week").monthly_amount == 4333
    assert item(amount=None).monthly_amount is None
    two = sub("s", "c", "active", item("a", 1000), item("b", 12000, "year"))
    assert two.monthly_amount == Money(2000, "usd")


def test_money_formatting() -> None:
    assert format_money(123456, "usd") == "$1,234.56"
    assert format_money(4900, "usd") == "$49"
    assert format_money(5000, "jpy") == "¥5,000"
    assert format_money(1999, "chf") == "19.99 CHF"


# -- facts --------------------------------------------------------------------------


def config(**plans) -> Config:
    return Config(
        billing=BillingConfig(provider=Provider.STRIPE),
        database=DatabaseConfig(
            table="users", columns=ColumnMapping("id", "cid", "access", plan="plan")
        ),
        plans=PlansConfig(
            prices={"price_pro": "pro", "price_team": "team"}, tiers=("free", "pro", "team")
        ),
    )


def facts_for(accounts, subscriptions, customers=(), kind="account"):
    snapshot = Snapshot(
        billing=BillingState(
            Provider.STRIPE, customers=tuple(customers), subscriptions=tuple(subscriptions)
        ),
        accounts=AccountState(tuple(accounts), frozenset({"plan"})),
    )
    index = build_index(snapshot, config(), NOW)
    return {item.subject.id: item.facts for item in SUBJECTS[kind](index)}


def test_account_plan_is_highest_tier_among_entitling_subscriptions() -> None:
    facts = facts_for(
        [Account("u1", "cus_1", True, plan="pro")],
        [
            sub("s1", "cus_1", "active", item("price_pro")),
            sub("s2", "cus_1", "active", item("price_team", 9900)),
            sub("s3", "cus_1", "canceled", item("price_team", 9900)),
        ],
        [Customer("cus_1")],
    )["u1"]
    assert facts["entitled"] and facts["entitling_count"] == 2
    assert (facts["billing_plan"], facts["billing_tier"], facts["db_tier"]) == ("team", 2, 1)
    assert facts["monthly_amount"] == Money(14800, "usd")


def test_customer_and_price_subjects() -> None:
    accounts = [Account("u1", "cus_1", True), Account("u2", "cus_1", False)]
    subscriptions = [
        sub("s1", "cus_1", "active", item("price_new")),
        sub("s2", "cus_2", "active", item("price_new")),
    ]
    customers = facts_for(accounts, subscriptions, kind="customer")
    assert customers["cus_1"]["account_count"] == 2 and customers["cus_2"]["account_count"] == 0
    prices = facts_for(accounts, subscriptions, kind="price")
    assert prices["price_new"]["mapped"] is False
    assert prices["price_new"]["subscriptions"] == ["s1", "s2"]


def test_settle_window_marks_recent_subjects() -> None:
    recent = Subscription(
        "s1", "cus_1", SubscriptionStatus.ACTIVE, (item(),), created=NOW - timedelta(minutes=3)
    )
    snapshot = Snapshot(
        billing=BillingState(Provider.STRIPE, subscriptions=(recent,)),
        accounts=AccountState(
            (
                Account("u1", "cus_1", False),
                Account("u2", None, True, updated_at=NOW - timedelta(minutes=1)),
            ),
            frozenset(),
        ),
    )

    result = evaluate(load_rules(contracts_dir(), None, ()), build_index(snapshot, config(), NOW))
    settling = {s.id for s in result.settling if s.kind == "account"}
    assert settling == {"u1", "u2"}


def test_structural_rules_run_inside_the_settle_window() -> None:

    recent = Subscription(
        "s1", "cus_1", SubscriptionStatus.ACTIVE, (item(),), created=NOW - timedelta(minutes=3)
    )
    snapshot = Snapshot(
        billing=BillingState(Provider.STRIPE, subscriptions=(recent,)),
        accounts=AccountState(
            (Account("u1", "cus_1", False), Account("u2", "cus_1", False)), frozenset()
        ),
    )
    result = evaluate(load_rules(contracts_dir(), None, ()), build_index(snapshot, config(), NOW))
    fired = {(f.rule, f.subject.id) for f in result.findings}
    # The missing access may be a webhook in flight; two accounts on one customer is not.
    assert fired == {("identity.duplicate_customer", "cus_1")}
    assert {s.id for s in result.settling} >= {"u1", "u2", "cus_1"}
