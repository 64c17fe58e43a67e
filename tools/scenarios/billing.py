"""The billing pack: a failing and a passing scenario per rule."""

from __future__ import annotations

from scenario_kit import MINUTE, Scenario, new_id

from .common import (
    member,
    new,
)


def billing_multiple_entitling_subscriptions_fail() -> Scenario:
    s = new(
        "billing-multiple-entitling-subscriptions-fail",
        "A double checkout (two tabs) 30 days ago created two active Pro subscriptions for "
        "one customer: billed $49 x 2 = $98/mo for one account.",
    )
    cid, _ = member(s, "u_541", "Rex Hale", created_days_ago=30, period_started_days_ago=0.5)
    s.subscription(
        new_id("sub", "billing-multiple-entitling-subscriptions-fail:u_541:2"),
        cid,
        "price_pro_monthly",
        created_days_ago=30 - 2 * MINUTE,
        period_started_days_ago=0.5,
    )
    member(s, "u_542", "Sia Moon", "price_team_monthly")
    s.expect(
        "warn",
        [("billing.multiple_entitling_subscriptions", f"customer:{cid}")],
        monthly_at_stake={"usd": 9800},
    )
    return s


def billing_multiple_entitling_subscriptions_pass() -> Scenario:
    s = new(
        "billing-multiple-entitling-subscriptions-pass",
        "Several subscriptions, one entitling: u_551 changed plans by starting a new "
        "subscription after canceling the old; u_552's first checkout failed "
        "(incomplete_expired) before the second succeeded.",
    )
    cid, _ = member(
        s,
        "u_551",
        "Ted Ford",
        "price_team_monthly",
        created_days_ago=60,
        customer_created_days_ago=301,
    )
    s.subscription(
        new_id("sub", "billing-multiple-entitling-subscriptions-pass:u_551:old"),
        cid,
        "price_pro_monthly",
        status="canceled",
        created_days_ago=300,
        canceled_days_ago=60,
        period_started_days_ago=80,
    )
    cid, _ = member(s, "u_552", "Uma Reyes", created_days_ago=20, customer_created_days_ago=22)
    s.subscription(
        new_id("sub", "billing-multiple-entitling-subscriptions-pass:u_552:failed"),
        cid,
        "price_pro_monthly",
        status="incomplete_expired",
        created_days_ago=21,
        period_started_days_ago=21,
    )
    s.expect("pass", [])
    return s


BUILDERS = {
    "billing-multiple-entitling-subscriptions-fail": billing_multiple_entitling_subscriptions_fail,
    "billing-multiple-entitling-subscriptions-pass": billing_multiple_entitling_subscriptions_pass,
}
