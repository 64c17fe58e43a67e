"""Paddle Billing: the access rules on Paddle-shaped objects."""

from __future__ import annotations

from typing import Any

from scenario_kit import MINUTE, Scenario, paddle_id

from .common import (
    NEEDS_DELETED_AT,
    NEEDS_EMAIL,
    NEEDS_EXPIRY,
    NEEDS_SCHEDULES,
    NEEDS_SUBSCRIPTION_ID,
    NEEDS_TABLES,
    NOW,
    SAME,
    STRIPE_ONLY,
    email_of,
)

PADDLE_PRO = "pri_01jc8pro0monthly0000"
PADDLE_PRO_YEARLY = "pri_01jc8pro0yearly00000"
PADDLE_STARTER = "pri_01jc8starter0monthly"
PADDLE_TEAM = "pri_01jc8team0monthly000"


def paddle_member(
    s: Scenario,
    uid: str,
    name: str,
    price: str,
    *,
    access: bool = True,
    plan: str | None = SAME,
    **sub: Any,
) -> None:
    """A Paddle customer (custom_data.user_id), one subscription, the account holding it."""
    cid = paddle_id("ctm", f"{s.name}:{uid}")
    s.customer(
        cid,
        email=email_of(name),
        name=name,
        user_id=uid,
        created_days_ago=sub.get("created_days_ago", 200) + 5 * MINUTE,
    )
    s.subscription(paddle_id("sub", f"{s.name}:{uid}"), cid, price, **sub)
    db_plan = s.prices[price]["plan"] if plan == SAME else plan
    s.account(uid, cid, has_access=access, plan=db_plan, email=email_of(name))


def paddle_fail() -> Scenario:
    s = Scenario.paddle(
        "paddle-fail",
        NOW,
        "Paddle Billing: an active customer locked out (revenue leak, $49); a paused and a "
        "canceled subscription that kept access (wrongful access, $49 + $19); a subscription "
        "past_due for 20 days counted from current_billing_period.starts_at, beyond the "
        "14-day grace, with access on (grace expired, $99). $216/mo at stake.",
    )
    paddle_member(s, "u_701", "Arlo Vance", PADDLE_PRO, access=False)
    paddle_member(s, "u_702", "Bea Kruger", PADDLE_PRO, status="paused", period_started_days_ago=10)
    paddle_member(
        s,
        "u_703",
        "Cas Ortega",
        PADDLE_STARTER,
        status="canceled",
        canceled_days_ago=25,
        period_started_days_ago=55,
    )
    paddle_member(
        s, "u_704", "Dov Amsel", PADDLE_TEAM, status="past_due", period_started_days_ago=20
    )
    paddle_member(s, "u_705", "Ebba Lind", PADDLE_PRO_YEARLY, period_started_days_ago=120)
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:u_701"),
            ("access.wrongful_access", "account:u_702"),
            ("access.wrongful_access", "account:u_703"),
            ("access.grace_expired", "account:u_704"),
        ],
        monthly_at_stake={"usd": 21_600},
        # plan.unpaid_upgrade reads pending_plan, which Paddle never has: skipped with
        # that reason (it used to run here and could never fire).
        skipped_rules=NEEDS_TABLES
        + NEEDS_DELETED_AT
        + NEEDS_EXPIRY
        + NEEDS_SCHEDULES
        + STRIPE_ONLY
        + NEEDS_SUBSCRIPTION_ID
        + NEEDS_EMAIL,
    )
    return s


def paddle_pass() -> Scenario:
    s = Scenario.paddle(
        "paddle-pass",
        NOW,
        "Paddle Billing, all consistent: a scheduled_change {action: cancel} still in its "
        "billing period keeps access, a trialing subscription, past_due for 5 days (within "
        "grace) with access, a yearly subscription, a canceled one without access, and a "
        "guest checkout whose custom_data.user_id is null (names no user, so no mismatch).",
    )
    paddle_member(
        s, "u_711", "Fenna Bos", PADDLE_PRO, cancel_at_period_end=True, period_started_days_ago=12
    )
    paddle_member(
        s,
        "u_712",
        "Gil Haddad",
        PADDLE_STARTER,
        status="trialing",
        trial=True,
        created_days_ago=5,
        period_started_days_ago=5,
    )
    paddle_member(
        s, "u_713", "Hux Moreno", PADDLE_TEAM, status="past_due", period_started_days_ago=5
    )
    paddle_member(s, "u_714", "Isa Nakamura", PADDLE_PRO_YEARLY, period_started_days_ago=200)
    paddle_member(
        s,
        "u_715",
        "Jem Farrow",
        PADDLE_PRO,
        access=False,
        plan="free",
        status="canceled",
        canceled_days_ago=40,
        period_started_days_ago=70,
    )
    # A guest checkout: the app's checkout wrote custom_data.user_id = null, then linked
    # the customer to the account that claimed it.
    paddle_member(s, "u_716", "Kit Oduya", PADDLE_STARTER, period_started_days_ago=3)
    s.customers[-1]["custom_data"] = {"user_id": None, "source": "guest_checkout"}
    s.expect("pass", [])
    return s


BUILDERS = {
    "paddle-fail": paddle_fail,
    "paddle-pass": paddle_pass,
}
