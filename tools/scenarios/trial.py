"""The trial pack: a failing and a passing scenario per rule."""

from __future__ import annotations

from scenario_kit import Scenario, new_id

from .common import (
    member,
    new,
)


def trial_repeat_trial_fail() -> Scenario:
    s = new(
        "trial-repeat-trial-fail",
        "Dana took a trial in March as Dana.Kim@example.com and another now as "
        "dana.kim@example.com, on two customers (one person, case-insensitive email); Lee "
        "took two trials on one customer.",
    )
    dana_1 = new_id("cus", "trial-repeat-trial-fail:dana-1")
    dana_2 = new_id("cus", "trial-repeat-trial-fail:dana-2")
    s.customer(
        dana_1, email="Dana.Kim@example.com", name="Dana Kim", user_id="u_561", created_days_ago=230
    )
    s.subscription(
        new_id("sub", "trial-repeat-trial-fail:dana-1"),
        dana_1,
        "price_pro_monthly",
        status="canceled",
        trial=True,
        created_days_ago=230,
        canceled_days_ago=216,
        period_started_days_ago=230,
    )
    s.account("u_561", dana_1, has_access=False, plan="free", email="Dana.Kim@example.com")
    s.customer(
        dana_2, email="dana.kim@example.com", name="Dana Kim", user_id="u_562", created_days_ago=4
    )
    s.subscription(
        new_id("sub", "trial-repeat-trial-fail:dana-2"),
        dana_2,
        "price_pro_monthly",
        status="trialing",
        trial=True,
        created_days_ago=4,
        period_started_days_ago=4,
    )
    s.account("u_562", dana_2, has_access=True, plan="pro", email="dana.kim@example.com")
    lee, _ = member(
        s,
        "u_563",
        "Lee Park",
        "price_starter_monthly",
        customer_created_days_ago=121,
        status="trialing",
        trial=True,
        created_days_ago=5,
        period_started_days_ago=5,
    )
    s.subscription(
        new_id("sub", "trial-repeat-trial-fail:lee-old"),
        lee,
        "price_starter_monthly",
        status="canceled",
        trial=True,
        created_days_ago=120,
        canceled_days_ago=106,
        period_started_days_ago=120,
    )
    s.expect(
        "warn",
        [
            ("trial.repeat_trial", "person:dana.kim@example.com"),
            ("trial.repeat_trial", "person:lee.park@example.com"),
        ],
    )
    return s


def trial_repeat_trial_pass() -> Scenario:
    s = new(
        "trial-repeat-trial-pass",
        "One trial each: Vic's trial converted into the same subscription (now active); "
        "Wyn has two customers under one email (different case) but only one ever had a trial.",
    )
    member(s, "u_571", "Vic Adams", trial=True, created_days_ago=60, period_started_days_ago=16)
    wyn_1 = new_id("cus", "trial-repeat-trial-pass:wyn-1")
    wyn_2 = new_id("cus", "trial-repeat-trial-pass:wyn-2")
    s.customer(wyn_1, email="Wyn.Hart@example.com", name="Wyn Hart", user_id="u_572")
    s.subscription(
        new_id("sub", "trial-repeat-trial-pass:wyn-1"),
        wyn_1,
        "price_starter_monthly",
        trial=True,
        created_days_ago=300,
        period_started_days_ago=20,
    )
    s.account("u_572", wyn_1, has_access=True, plan="starter", email="Wyn.Hart@example.com")
    s.customer(wyn_2, email="wyn.hart@example.com", name="Wyn Hart (work)", user_id="u_573")
    s.subscription(
        new_id("sub", "trial-repeat-trial-pass:wyn-2"),
        wyn_2,
        "price_team_monthly",
        created_days_ago=40,
    )
    s.account("u_573", wyn_2, has_access=True, plan="team", email="wyn.hart@example.com")
    s.expect("pass", [])
    return s


BUILDERS = {
    "trial-repeat-trial-fail": trial_repeat_trial_fail,
    "trial-repeat-trial-pass": trial_repeat_trial_pass,
}
