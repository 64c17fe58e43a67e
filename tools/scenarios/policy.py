"""The settle window, comped accounts, and rules skipped for unmapped columns."""

from __future__ import annotations

from scenario_kit import MINUTE, Scenario, new_id

from .common import (
    NEEDS_DELETED_AT,
    NEEDS_EMAIL,
    NEEDS_EXPIRY,
    NEEDS_PLAN,
    NEEDS_SCHEDULES,
    NEEDS_SUBSCRIPTION_ID,
    NEEDS_TABLES,
    email_of,
    member,
    new,
)


def _in_flight(name: str, minutes: float, description: str) -> Scenario:
    """Three webhooks in flight `minutes` ago: a new checkout not yet granted, an app-side
    plan change not yet in billing, a cancellation not yet revoked."""
    s = new(name, description, optional=("updated_at",))
    ago = minutes * MINUTE
    cid = new_id("cus", "settle:u_601")
    sid = new_id("sub", "settle:u_601")
    s.customer(
        cid,
        email=email_of("Ayla Demir"),
        name="Ayla Demir",
        user_id="u_601",
        created_days_ago=ago + MINUTE,
    )
    s.subscription(sid, cid, "price_pro_monthly", created_days_ago=ago, period_started_days_ago=ago)
    s.account(
        "u_601",
        cid,
        has_access=False,
        plan="free",
        email=email_of("Ayla Demir"),
        updated_days_ago=41,
    )
    member(
        s,
        "u_602",
        "Bram Peeters",
        "price_pro_monthly",
        plan="team",
        row={"updated_days_ago": ago - MINUTE},
    )
    cid, sid = member(
        s,
        "u_603",
        "Cora Blum",
        "price_pro_monthly",
        status="canceled",
        canceled_days_ago=ago - 2 * MINUTE,
        period_started_days_ago=12,
        row={"updated_days_ago": 12},
    )
    s.event(
        new_id("evt", f"{name}:u_603"),
        "customer.subscription.deleted",
        sid,
        minutes_ago=minutes - 2,
        pending_webhooks=1,
    )
    member(s, "u_604", "Dirk Vos", "price_team_monthly", row={"updated_days_ago": 30})
    return s


def settle_window() -> Scenario:
    s = _in_flight(
        "settle-window",
        3,
        "Webhooks in flight while prodcheck reads (settle window 10 minutes): u_601's "
        "subscription was created 3 minutes ago and access is not granted yet; u_602's row "
        "was updated 2 minutes ago (plan team, billing still pro); u_603's subscription was "
        "deleted a minute ago (event with a pending webhook). No findings: they are counted "
        "as settling (the JSON report lists them under `settling`).",
    )
    s.expect(
        "pass",
        [],
        settling=[
            "account:u_601",
            "account:u_602",
            "account:u_603",
            "customer:cus_lGVBElIGGeE7YL",
            "customer:cus_mbY5v1i96QUvJp",
            "subscription:sub_1BSvyC6yDK0JxJPSr4PSDqzF",
            "subscription:sub_1Gsr6tkWhyjRsqyQ8u3Ckswp",
        ],
    )
    return s


def settle_window_elapsed() -> Scenario:
    s = _in_flight(
        "settle-window-elapsed",
        45,
        "The same three changes as settle-window, 45 minutes old: outside the 10-minute "
        "settle window they are drift, and fire. $49 x 3 = $147/mo.",
    )
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:u_601"),
            ("plan.overprovisioned", "account:u_602"),
            ("access.wrongful_access", "account:u_603"),
        ],
        monthly_at_stake={"usd": 14700},
    )
    return s


def comped_accounts() -> Scenario:
    s = new(
        "comped-accounts",
        "Comped accounts are exempt from wrongful access: u_611 (support staff, is_comped "
        "column, no customer), u_612 (listed in policy.comped_accounts, canceled customer), "
        "u_613 (is_comped, past_due beyond grace). u_614, the same as u_612 without the "
        "exemption, is wrongful access.",
        optional=("comped",),
        policy={"comped_accounts": ["u_612"]},
    )
    s.account("u_611", None, has_access=True, plan="team", email="support@example.com", comped=True)
    canceled = {"status": "canceled", "canceled_days_ago": 50, "period_started_days_ago": 80}
    member(s, "u_612", "Elin Sund", row={"comped": False}, **canceled)
    member(
        s, "u_613", "Fred Lowe", status="past_due", period_started_days_ago=30, row={"comped": True}
    )
    member(s, "u_614", "Gale Ross", row={"comped": False}, **canceled)
    s.expect("fail", [("access.wrongful_access", "account:u_614")], monthly_at_stake={"usd": 4900})
    return s


def optional_columns_unmapped() -> Scenario:
    s = new(
        "optional-columns-unmapped",
        "The users table has plan, deleted_at and access_expires_at, but the config maps "
        "none of them (nor a subscription id) and there are no subscription schedules: the 9 "
        "rules that need them "
        "are reported as skipped, never silently passed. Without deleted_at, u_621 (deleted, "
        "still billed) looks like a revenue leak; without access_expires_at, u_622 is plain "
        "wrongful access; u_623's plan drift goes unchecked.",
        columns={"id": "id", "customer_id": "stripe_customer_id", "has_access": "has_paid_access"},
    )
    member(s, "u_621", "Hedy Lamb", access=False, plan="free", row={"deleted_days_ago": 12})
    member(
        s,
        "u_622",
        "Ivo Marsh",
        status="canceled",
        canceled_days_ago=45,
        period_started_days_ago=45,
        row={"expires_in_days": -15},
    )
    member(
        s, "u_623", "Jill Nash", "price_team_monthly", plan="starter", row={"expires_in_days": 20}
    )
    s.expect(
        "fail",
        [("access.revenue_leak", "account:u_621"), ("access.wrongful_access", "account:u_622")],
        monthly_at_stake={"usd": 9800},
        skipped_rules=NEEDS_TABLES
        + NEEDS_DELETED_AT
        + NEEDS_EXPIRY
        + NEEDS_PLAN
        + NEEDS_SCHEDULES
        + NEEDS_SUBSCRIPTION_ID
        + NEEDS_EMAIL,
    )
    return s


BUILDERS = {
    "settle-window": settle_window,
    "settle-window-elapsed": settle_window_elapsed,
    "comped-accounts": comped_accounts,
    "optional-columns-unmapped": optional_columns_unmapped,
}
