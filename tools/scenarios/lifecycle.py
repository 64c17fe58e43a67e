"""The lifecycle pack: a failing and a passing scenario per rule."""

from __future__ import annotations

from scenario_kit import Scenario

from .common import (
    NEEDS_DELETED_AT,
    NEEDS_EMAIL,
    NEEDS_EXPIRY,
    NEEDS_SCHEDULES,
    NEEDS_SUBSCRIPTION_ID,
    NEEDS_TABLES,
    member,
    new,
)


def lifecycle_deleted_account_billed_fail() -> Scenario:
    s = new(
        "lifecycle-deleted-account-billed-fail",
        "Two deleted accounts are still charged: u_481's deletion reset access and plan but "
        "never canceled the subscription; u_483's only set deleted_at. Neither is a revenue "
        "leak or a plan drift (a deleted account is owed nothing). $49 + $99 = $148/mo.",
        optional=("deleted_at",),
    )
    member(s, "u_481", "Dag Holm", access=False, plan="free", row={"deleted_days_ago": 12})
    member(s, "u_482", "Eve Stark", "price_starter_monthly")
    member(s, "u_483", "Finn Olsen", "price_team_monthly", row={"deleted_days_ago": 3})
    s.expect(
        "fail",
        [
            ("lifecycle.deleted_account_billed", "account:u_481"),
            ("lifecycle.deleted_account_billed", "account:u_483"),
        ],
        monthly_at_stake={"usd": 14800},
        skipped_rules=NEEDS_TABLES
        + NEEDS_EXPIRY
        + NEEDS_SCHEDULES
        + NEEDS_SUBSCRIPTION_ID
        + NEEDS_EMAIL,
    )
    return s


def lifecycle_deleted_account_billed_pass() -> Scenario:
    s = new(
        "lifecycle-deleted-account-billed-pass",
        "u_491 deleted their account and the deletion canceled the subscription the same "
        "minute; u_492 is a live customer (deleted_at is null).",
        optional=("deleted_at",),
    )
    member(
        s,
        "u_491",
        "Fay Dunn",
        access=False,
        plan="free",
        status="canceled",
        canceled_days_ago=30,
        period_started_days_ago=40,
        row={"deleted_days_ago": 30},
    )
    member(s, "u_492", "Gus Hart", "price_pro_monthly")
    s.expect("pass", [])
    return s


def lifecycle_stale_period_end_fail() -> Scenario:
    s = new(
        "lifecycle-stale-period-end-fail",
        "u_501 renewed 10 days ago but invoice.paid was not applied: access_expires_at still "
        "holds the old period end (10 days ago) while billing's period ends in 20 days, 30 "
        "days apart. An app that expires access lazily will lock out a paying customer.",
        optional=("access_expires_at",),
    )
    member(s, "u_501", "Hal Ames", period_started_days_ago=10, row={"expires_in_days": -10})
    member(s, "u_502", "Ida Voss", period_started_days_ago=10, row={"expires_in_days": 20})
    s.expect(
        "warn",
        [("lifecycle.stale_period_end", "account:u_501")],
        monthly_at_stake={"usd": 4900},
        skipped_rules=NEEDS_TABLES
        + NEEDS_DELETED_AT
        + NEEDS_SCHEDULES
        + NEEDS_SUBSCRIPTION_ID
        + NEEDS_EMAIL,
    )
    return s


def lifecycle_stale_period_end_pass() -> Scenario:
    s = new(
        "lifecycle-stale-period-end-pass",
        "Stored expiries agree with billing: u_511's equals the period end, u_512's adds 12 "
        "hours of slack (within a day). u_513 canceled; its old expiry is not compared.",
        optional=("access_expires_at",),
    )
    member(s, "u_511", "Jon Bex", period_started_days_ago=10, row={"expires_in_days": 20})
    member(
        s,
        "u_512",
        "Kay Orr",
        "price_pro_yearly",
        period_started_days_ago=100,
        row={"expires_in_days": 265.5},
    )
    member(
        s,
        "u_513",
        "Lux Ng",
        access=False,
        plan="free",
        status="canceled",
        canceled_days_ago=20,
        period_started_days_ago=50,
        row={"expires_in_days": -20},
    )
    s.expect("pass", [])
    return s


def lifecycle_expired_still_active_fail() -> Scenario:
    s = new(
        "lifecycle-expired-still-active-fail",
        "u_521 canceled; access_expires_at passed 15 days ago but the lazy expiry never ran "
        "and has_paid_access is still true: expired_still_active, which supersedes "
        "wrongful_access for the same account. $49/mo not paid.",
        optional=("access_expires_at",),
    )
    member(
        s,
        "u_521",
        "Max Tan",
        status="canceled",
        canceled_days_ago=45,
        period_started_days_ago=45,
        row={"expires_in_days": -15},
    )
    member(s, "u_522", "Noa Beck", period_started_days_ago=10, row={"expires_in_days": 20})
    s.expect(
        "fail",
        [("lifecycle.expired_still_active", "account:u_521")],
        monthly_at_stake={"usd": 4900},
    )
    return s


def lifecycle_expired_still_active_pass() -> Scenario:
    s = new(
        "lifecycle-expired-still-active-pass",
        "u_531's access expired and was revoked; u_532's expiry passed but it is comped "
        "(policy.comped_accounts); u_533 renewed and its expiry is the new period end.",
        optional=("access_expires_at",),
        policy={"comped_accounts": ["u_532"]},
    )
    member(
        s,
        "u_531",
        "Oda Lin",
        access=False,
        plan="free",
        status="canceled",
        canceled_days_ago=45,
        period_started_days_ago=45,
        row={"expires_in_days": -15},
    )
    s.account(
        "u_532", None, has_access=True, plan="team", email="press@example.com", expires_in_days=-30
    )
    member(s, "u_533", "Pim Vos", period_started_days_ago=10, row={"expires_in_days": 20})
    s.expect("pass", [])
    return s


BUILDERS = {
    "lifecycle-deleted-account-billed-fail": lifecycle_deleted_account_billed_fail,
    "lifecycle-deleted-account-billed-pass": lifecycle_deleted_account_billed_pass,
    "lifecycle-stale-period-end-fail": lifecycle_stale_period_end_fail,
    "lifecycle-stale-period-end-pass": lifecycle_stale_period_end_pass,
    "lifecycle-expired-still-active-fail": lifecycle_expired_still_active_fail,
    "lifecycle-expired-still-active-pass": lifecycle_expired_still_active_pass,
}
