"""Billing semantics users found wrong (issue 20): each scenario failed before its
fix, and is what the fix is held to."""

from __future__ import annotations

from scenario_kit import MINUTE, Scenario, new_id

from .common import (
    NEEDS_DELETED_AT,
    NEEDS_EMAIL,
    NEEDS_EXPIRY,
    NEEDS_SUBSCRIPTION_ID,
    NEEDS_TABLES,
    member,
    new,
)

PLAN_RULES = [
    "plan.mismatch",
    "plan.overprovisioned",
    "plan.stale_pending_downgrade",
    "plan.underprovisioned",
    "plan.unknown_price",
    "plan.unpaid_upgrade",
]


def plan_rules_without_plans() -> Scenario:
    s = new(
        "plan-rules-without-plans",
        "A config without a `plans` section: no price names a plan, so the plan rules are "
        "skipped with the reason (map prices under plans.prices), not run to call every "
        "entitling price unknown. u_731 pays for Pro and has access; u_732 canceled and has "
        "none. The access rules still run: a pass.",
    )
    del s.config["plans"]
    member(s, "u_731", "Mira Solberg")
    member(s, "u_732", "Nils Aho", access=False, plan="free", status="canceled")
    s.expect(
        "pass",
        [],
        skipped_rules=[
            *PLAN_RULES,
            *NEEDS_TABLES,
            *NEEDS_EMAIL,
            *NEEDS_SUBSCRIPTION_ID,
            *NEEDS_DELETED_AT,
            *NEEDS_EXPIRY,
        ],
    )
    return s


def deleted_in_future() -> Scenario:
    s = new(
        "lifecycle-deleted-in-future",
        "deleted_at in the future is a deletion scheduled for later (a grace period before "
        "erasure), not one yet: u_741, deleted in 14 days, still pays and uses Pro, which is "
        "no drift. u_742, deleted 3 days ago, is still charged: $49/mo.",
        optional=("deleted_at",),
    )
    member(s, "u_741", "Olga Ries", row={"deleted_days_ago": -14})
    member(s, "u_742", "Paul Endo", access=False, plan="free", row={"deleted_days_ago": 3})
    s.expect(
        "fail",
        [("lifecycle.deleted_account_billed", "account:u_742")],
        monthly_at_stake={"usd": 4900},
    )
    return s


def money_once_shared_customer() -> Scenario:
    s = new(
        "money-once-shared-customer",
        "u_751 and u_752 (one person, two sign-ups) share one Stripe customer paying one "
        "$49 Pro subscription, and neither row has access: two revenue leaks and a "
        "duplicate customer, all about the same $49. Each subscription's money counts once "
        "in any total: $49/mo at stake, not $147.",
    )
    cid = new_id("cus", "money-once-shared-customer:shared")
    s.customer(cid, email="vera.holt@example.com", name="Vera Holt")
    s.subscription(new_id("sub", "money-once-shared-customer:shared"), cid, "price_pro_monthly")
    s.account("u_751", cid, has_access=False, plan="free", email="vera.holt@example.com")
    s.account("u_752", cid, has_access=False, plan="free", email="vera@holt.dev")
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:u_751"),
            ("access.revenue_leak", "account:u_752"),
            ("identity.duplicate_customer", f"customer:{cid}"),
        ],
        monthly_at_stake={"usd": 4900},
    )
    return s


def money_once_double_subscription() -> Scenario:
    s = new(
        "money-once-double-subscription",
        "A double checkout gave u_761 two active $49 Pro subscriptions, and the row never "
        "got access: a revenue leak and a double subscription, both about the same two "
        "subscriptions. $98 is billed, so $98/mo is at stake, not $196.",
    )
    cid, _ = member(s, "u_761", "Wim Dekker", access=False, plan="free", created_days_ago=30)
    s.subscription(
        new_id("sub", "money-once-double-subscription:u_761:2"),
        cid,
        "price_pro_monthly",
        created_days_ago=30 - 2 * MINUTE,
    )
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:u_761"),
            ("billing.multiple_entitling_subscriptions", f"customer:{cid}"),
        ],
        monthly_at_stake={"usd": 9800},
    )
    return s


def money_metered_item() -> Scenario:
    s = new(
        "money-metered-item",
        "u_781 pays $49/mo for Pro plus API calls billed per use (a metered price, no unit "
        "amount), and the row never got access. The money at stake is the known part, at "
        "least $49/mo, shown as such; one metered item no longer makes the whole "
        "subscription's amount unknown.",
    )
    s.prices["price_api_metered"] = {
        "amount": None,
        "interval": "month",
        "plan": "pro",
        "usage_type": "metered",
    }
    s.config["plans"]["prices"]["price_api_metered"] = "pro"
    member(s, "u_781", "Xena Park", "price_pro_monthly", "price_api_metered", access=False,
           plan="free")  # fmt: skip
    member(s, "u_782", "Yuri Sato", "price_pro_monthly", "price_api_metered")
    s.expect("fail", [("access.revenue_leak", "account:u_781")], monthly_at_stake={"usd": 4900})
    return s


def flexible_addon_past_due() -> Scenario:
    s = new(
        "access-flexible-addon-past-due",
        "Flexible billing: u_791 pays Pro yearly (the year began 200 days ago) plus a monthly "
        "seats add-on, which renewed 5 days ago and failed, so the subscription is past_due. "
        "The 14-day grace counts from that renewal, not from the yearly item's start: still "
        "in grace, access kept, no finding. u_792's add-on failed 20 days ago: grace over, "
        "access still on.",
    )
    s.prices["price_seats_monthly"] = {"amount": 1000, "interval": "month", "plan": "pro"}
    s.config["plans"]["prices"]["price_seats_monthly"] = "pro"
    for uid, name, failed in (("u_791", "Zoe Lind", 5), ("u_792", "Abe Kroll", 20)):
        member(s, uid, name, "price_pro_yearly", "price_seats_monthly", status="past_due",
               created_days_ago=400, period_started_days_ago=200)  # fmt: skip
        yearly, seats = s.subscriptions[-1]["items"]["data"]
        seats["current_period_start"] = s.ago(failed)
        seats["current_period_end"] = s.ago(failed - 30)
        assert yearly["current_period_start"] == s.ago(200)
    s.expect(
        "fail",
        [("access.grace_expired", "account:u_792")],
        monthly_at_stake={"usd": 5083},
    )
    return s


BUILDERS = {
    "plan-rules-without-plans": plan_rules_without_plans,
    "lifecycle-deleted-in-future": deleted_in_future,
    "money-once-shared-customer": money_once_shared_customer,
    "money-once-double-subscription": money_once_double_subscription,
    "money-metered-item": money_metered_item,
    "access-flexible-addon-past-due": flexible_addon_past_due,
}
