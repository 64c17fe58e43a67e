"""Billing semantics users found wrong (issue 20): each scenario failed before its
fix, and is what the fix is held to."""

from __future__ import annotations

from scenario_kit import Scenario

from .common import (
    NEEDS_APP_TABLE,
    NEEDS_DELETED_AT,
    NEEDS_EMAIL,
    NEEDS_EXPIRY,
    NEEDS_SUBSCRIPTION_ID,
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
            *NEEDS_APP_TABLE,
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


BUILDERS = {
    "plan-rules-without-plans": plan_rules_without_plans,
    "lifecycle-deleted-in-future": deleted_in_future,
}
