"""A mixed SaaS: 40 accounts, per-seat and yearly prices, euros, trials."""

from __future__ import annotations

from typing import Any

from scenario_kit import MINUTE, Scenario, default_config, iso, new_id

from .common import (
    NEEDS_SUBSCRIPTION_ID,
    NEEDS_TABLES,
    NOW,
    member,
)

MIXED_PRICES = {
    "price_starter_monthly": {"amount": 1900, "interval": "month", "plan": "starter"},
    "price_pro_monthly": {"amount": 4900, "interval": "month", "plan": "pro"},
    "price_pro_yearly": {"amount": 49000, "interval": "year", "plan": "pro"},
    "price_team_seat_monthly": {"amount": 1500, "interval": "month", "plan": "team"},
    "price_team_seat_yearly": {"amount": 15000, "interval": "year", "plan": "team"},
    "price_pro_monthly_eur": {
        "amount": 4500,
        "interval": "month",
        "plan": "pro",
        "currency": "eur",
    },
    "price_pro_yearly_eur": {"amount": 45000, "interval": "year", "plan": "pro", "currency": "eur"},
}


def mixed_saas() -> Scenario:
    s = Scenario(
        "mixed-saas",
        now=NOW,
        description=(
            "Planwise, a project-planning SaaS: 40 accounts, monthly and yearly prices, Team "
            "billed per seat, euro customers, trials, cancellations at period end, retries "
            "within grace, a staff account comped by policy, a legitimate scheduled "
            "downgrade; every optional column mapped, so all 19 rules run. Findings: a euro "
            "customer locked out (EUR 45), an immediate cancellation that kept access "
            "($490/12 = $40.83), 6 seats past_due 19 days ($90), 12 seats on plan pro "
            "($180), a downgrade not applied ($49), a grandfathered plan name not in the "
            "tiers ($49), an orphan checkout ($19), a double subscription ($98), a repeat "
            "trial under two email spellings, a renewal whose expiry was not stored ($49), "
            "a deleted account still billed ($19). USD: 40.83 + 90 + 180 + 49 + 49 + 19 + 98 "
            "+ 49 + 19 = $593.83/mo; EUR 45/mo."
        ),
        config=default_config(
            prices={p: v["plan"] for p, v in MIXED_PRICES.items()},
            optional=("email", "deleted_at", "access_expires_at", "updated_at"),
            policy={"comped_accounts": [2019]},
        ),
        prices=dict(MIXED_PRICES),
    )

    def account(
        uid: int, name: str, *prices: str, expiry: str = "period_end", **options: Any
    ) -> str:
        """A member whose row was last updated days ago and whose stored expiry is its
        subscription's period end (`expiry="period_start"`: the renewal was not stored)."""
        row = {"updated_days_ago": 1 + uid % 9, **options.pop("row", {})}
        cid, _ = member(s, uid, name, *prices, domain="planwise-customer.io", row=row, **options)
        item = s.subscriptions[-1]["items"]["data"][0]
        moment = item["current_period_end" if expiry == "period_end" else "current_period_start"]
        s.rows[-1]["access_expires_at"] = iso(moment)
        return cid

    # Healthy accounts.
    account(2001, "Ada Quist", "price_starter_monthly", created_days_ago=300)
    account(2002, "Ben Okoye", "price_pro_monthly", created_days_ago=220)
    account(2003, "Cai Lund", "price_pro_yearly", created_days_ago=500, period_started_days_ago=135)
    account(2004, "Dee Marsh", "price_team_seat_monthly", quantity=5, created_days_ago=410)
    account(2005, "Eko Sato", "price_team_seat_yearly", quantity=8, period_started_days_ago=61)
    account(2006, "Fleur Janssen", "price_pro_monthly_eur", created_days_ago=150)
    account(
        2007,
        "Gerd Vogel",
        "price_pro_yearly_eur",
        created_days_ago=700,
        period_started_days_ago=340,
    )
    account(2008, "Hiro Tanaka", "price_pro_monthly", created_days_ago=95)
    trial = {"status": "trialing", "trial": True}
    account(
        2009,
        "Ines Duarte",
        "price_starter_monthly",
        created_days_ago=4,
        period_started_days_ago=4,
        **trial,
    )
    account(
        2010,
        "Joss Whit",
        "price_pro_monthly",
        created_days_ago=9,
        period_started_days_ago=9,
        **trial,
    )
    ending = {"cancel_at_period_end": True, "canceled_days_ago": 6, "period_started_days_ago": 12}
    account(2011, "Kit Moreno", "price_pro_monthly", **ending)
    account(2012, "Lou Baptiste", "price_team_seat_monthly", quantity=3, **ending)
    account(2013, "Mo Rahman", "price_pro_monthly", status="past_due", period_started_days_ago=4)
    account(
        2014, "Nell Park", "price_starter_monthly", status="past_due", period_started_days_ago=11
    )
    churned = {"status": "canceled", "canceled_days_ago": 70, "period_started_days_ago": 100}
    account(2015, "Oren Levi", "price_pro_monthly", access=False, plan="free", **churned)
    account(2016, "Pip Carter", "price_starter_monthly", access=False, plan="free", **churned)
    for uid, email in ((2017, "quinn.free@gmail.com"), (2018, "rae.trial-never@outlook.com")):
        s.account(uid, None, has_access=False, plan="free", email=email, updated_days_ago=30)
    s.account(
        2019, None, has_access=True, plan="team", email="ops@planwise.io", updated_days_ago=200
    )
    cid = account(2020, "Sid Novak", "price_team_seat_monthly", quantity=12, created_days_ago=200)
    s.schedule(
        new_id("sub_sched", "mixed-saas:2020"),
        s.subscriptions[-1]["id"],
        cid,
        created_days_ago=6,
        phases=[(-14, 16, "price_team_seat_monthly"), (16, None, "price_pro_monthly")],
    )
    account(2021, "Tea Rossi", "price_pro_monthly", created_days_ago=60)
    account(
        2022, "Udo Brandt", "price_pro_yearly", created_days_ago=390, period_started_days_ago=25
    )
    account(2023, "Vera Lind", "price_starter_monthly", created_days_ago=33)
    account(2024, "Wim de Vries", "price_pro_monthly_eur", created_days_ago=80)
    account(
        2025,
        "Xu Ming",
        "price_pro_monthly",
        access=False,
        plan="free",
        status="unpaid",
        period_started_days_ago=40,
        expiry="period_start",
    )
    account(2026, "Yael Cohen", "price_team_seat_monthly", quantity=4, created_days_ago=120)
    account(2027, "Zed Adams", "price_pro_monthly", created_days_ago=240, item_created_days_ago=3)
    account(
        2028,
        "Amaia Etxeberria",
        "price_pro_yearly_eur",
        created_days_ago=30,
        period_started_days_ago=30,
    )
    account(2029, "Bodhi Shah", "price_starter_monthly", created_days_ago=14)
    # Drift.
    account(2030, "Chloé Martin", "price_pro_monthly_eur", access=False)
    account(
        2031,
        "Dov Klein",
        "price_pro_yearly",
        status="canceled",
        canceled_days_ago=20,
        period_started_days_ago=100,
        created_days_ago=465,
    )
    account(
        2032,
        "Esi Mensah",
        "price_team_seat_monthly",
        quantity=6,
        status="past_due",
        period_started_days_ago=19,
    )
    account(
        2033,
        "Finn Walsh",
        "price_team_seat_monthly",
        quantity=12,
        plan="pro",
        item_created_days_ago=9,
    )
    account(2034, "Gia Conti", "price_pro_monthly", plan="team")
    account(2035, "Hal Berg", "price_pro_monthly", plan="pro_2023", created_days_ago=1100)
    double = account(
        2036, "Ida Holm", "price_pro_monthly", created_days_ago=40, period_started_days_ago=10
    )
    s.subscription(
        new_id("sub", "mixed-saas:2036:second"),
        double,
        "price_pro_monthly",
        created_days_ago=40 - MINUTE,
        period_started_days_ago=10,
    )
    old_trial = new_id("cus", "mixed-saas:2037")
    s.customer(
        old_trial,
        email="Sam.Lee@planwise-customer.io",
        name="Sam Lee",
        user_id="2037",
        created_days_ago=180,
    )
    s.subscription(
        new_id("sub", "mixed-saas:2037"),
        old_trial,
        "price_pro_monthly",
        status="canceled",
        trial=True,
        created_days_ago=180,
        canceled_days_ago=166,
        period_started_days_ago=180,
    )
    s.account(
        2037,
        old_trial,
        has_access=False,
        plan="free",
        email="Sam.Lee@planwise-customer.io",
        expires_in_days=-166,
        updated_days_ago=166,
    )
    new_trial = new_id("cus", "mixed-saas:2038")
    s.customer(
        new_trial,
        email="sam.lee@planwise-customer.io",
        name="Sam Lee",
        user_id="2038",
        created_days_ago=6,
    )
    s.subscription(
        new_id("sub", "mixed-saas:2038"),
        new_trial,
        "price_pro_monthly",
        status="trialing",
        trial=True,
        created_days_ago=6,
        period_started_days_ago=6,
    )
    s.account(
        2038,
        new_trial,
        has_access=True,
        plan="pro",
        email="sam.lee@planwise-customer.io",
        expires_in_days=8,
        updated_days_ago=6,
    )
    account(2039, "Jo Baker", "price_pro_monthly", period_started_days_ago=8, expiry="period_start")
    account(2040, "Kai Ito", "price_starter_monthly", plan="starter", row={"deleted_days_ago": 5})
    orphan = new_id("cus", "mixed-saas:orphan")
    orphan_sub = new_id("sub", "mixed-saas:orphan")
    s.customer(orphan, email="lin.yu@planwise-customer.io", name="Lin Yu", created_days_ago=3)
    s.subscription(
        orphan_sub, orphan, "price_starter_monthly", created_days_ago=3, period_started_days_ago=3
    )
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:2030"),
            ("access.wrongful_access", "account:2031"),
            ("access.grace_expired", "account:2032"),
            ("plan.underprovisioned", "account:2033"),
            ("plan.overprovisioned", "account:2034"),
            ("plan.mismatch", "account:2035"),
            ("billing.multiple_entitling_subscriptions", f"customer:{double}"),
            ("trial.repeat_trial", "person:sam.lee@planwise-customer.io"),
            ("lifecycle.stale_period_end", "account:2039"),
            ("lifecycle.deleted_account_billed", "account:2040"),
            ("identity.orphan_subscription", f"subscription:{orphan_sub}"),
        ],
        monthly_at_stake={"usd": 59_383, "eur": 4_500},
        skipped_rules=NEEDS_TABLES + NEEDS_SUBSCRIPTION_ID,
    )
    return s


BUILDERS = {
    "mixed-saas": mixed_saas,
}
