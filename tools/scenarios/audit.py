"""The audit: a B2B SaaS leaking $8,200 a month, modelled on a real audit."""

from __future__ import annotations

from typing import Any

from scenario_kit import Scenario, default_config

from .common import (
    NEEDS_DELETED_AT,
    NEEDS_EMAIL,
    NEEDS_EXPIRY,
    NEEDS_SCHEDULES,
    NEEDS_SUBSCRIPTION_ID,
    NEEDS_TABLES,
    NOW,
    SAME,
    member,
)

FIRST = (  # noqa: SIM905
    "Aaron Abby Adele Ahmed Aiko Alba Amir Ana Anders Arjun Astrid Ben Bianca Carla Chen "
    "Dario Elena Emre Erik Esme Farah Felix Greta Hamid Hannah Ines Ivan Jana Jonas Julia "
    "Kamal Karin Lars Leila Liam Lotte Luca Maja Marco Mei Nadia Nils Olga Paolo Petra Raj "
    "Rita Ruben Selin Sven Tariq Theo Tove Valentina Wei Yusuf Zofia"
).split()
LAST = (  # noqa: SIM905
    "Ahmadi Andersen Baker Bauer Brandt Castro Costa Dahl Eriksen Ferreira Fischer Garcia "
    "Hansen Haas Iqbal Jansen Kaya Klein Kowalski Larsen Lindgren Meyer Moreau Novak "
    "Nowak Okafor Olsen Park Perez Quist Rossi Sato Schmidt Silva Tanaka Vogel Weber Yilmaz"
).split()


def full_name(n: int) -> str:
    """The n-th name of a deterministic, unrepeated sequence of first and last names."""
    return f"{FIRST[n % len(FIRST)]} {LAST[(n * 7 + n // len(FIRST)) % len(LAST)]}"


AUDIT_PRICES = {
    "price_starter_monthly": {"amount": 5000, "interval": "month", "plan": "starter"},
    "price_growth_monthly": {"amount": 20000, "interval": "month", "plan": "growth"},
    "price_growth_yearly": {"amount": 240000, "interval": "year", "plan": "growth"},
    "price_scale_monthly": {"amount": 35000, "interval": "month", "plan": "scale"},
}


def audit_8200() -> Scenario:
    """Modelled on a real audit of a B2B SaaS: $8,200 a month was leaking."""
    s = Scenario(
        "audit-8200",
        now=NOW,
        description=(
            "Fieldbook (B2B scheduling, 95 accounts), modelled on a real audit. 23 accounts "
            "kept access after their subscriptions were canceled (17 Growth monthly at $200, "
            "6 Growth yearly at $2,400/yr = $200/mo): 23 x $200 = $4,600/mo. 4 failed-payment "
            "retry cycles ended in unpaid with access left on: 4 x $200 = $800/mo. Both are "
            "wrongful access: 27 findings, $5,400/mo. 8 customers pay for Scale ($350) but the "
            "database gives them Growth: 8 underprovisioned, 8 x $350 = $2,800/mo. In all "
            "$5,400 + $2,800 = $8,200/mo at stake. The other 60 accounts are healthy: 18 "
            "Starter, 16 Growth monthly, 6 Growth yearly, 8 Scale, 5 Growth trials, 7 churned "
            "customers without access."
        ),
        config=default_config(
            prices={p: v["plan"] for p, v in AUDIT_PRICES.items()},
            tiers=["free", "starter", "growth", "scale"],
        ),
        prices=dict(AUDIT_PRICES),
    )
    groups = (
        [("canceled", "price_growth_monthly")] * 17
        + [("canceled", "price_growth_yearly")] * 6
        + [("unpaid", "price_growth_monthly")] * 4
        + [("upgraded", "price_scale_monthly")] * 8
        + [("healthy", "price_starter_monthly")] * 18
        + [("healthy", "price_growth_monthly")] * 16
        + [("healthy", "price_growth_yearly")] * 6
        + [("healthy", "price_scale_monthly")] * 8
        + [("trialing", "price_growth_monthly")] * 5
        + [("churned", "price_growth_monthly")] * 7
    )
    # Accounts in signup order, the drift spread among them as it was in the audit.
    order = sorted(range(len(groups)), key=lambda i: (i * 37) % len(groups))
    expected: list[tuple[str, str]] = []
    for position, index in enumerate(order):
        state, price = groups[index]
        uid = 1001 + position
        name = full_name(position)
        domain = (
            f"{name.split()[1].lower()}-{['services', 'field', 'co', 'works'][position % 4]}.com"
        )
        age = 30 + (position * 11) % 600  # days since signup
        options: dict[str, Any] = {"created_days_ago": age, "period_started_days_ago": age % 28 + 1}
        if price == "price_growth_yearly":
            options["period_started_days_ago"] = age % 360 + 1
        access, plan = True, SAME
        if state == "canceled":
            ended = 5 + (position * 13) % 180
            length = 365 if price == "price_growth_yearly" else 30
            options.update(
                status="canceled",
                created_days_ago=max(age, ended + length + 1),
                canceled_days_ago=ended,
                period_started_days_ago=ended + length,
            )
            expected.append(("access.wrongful_access", f"account:{uid}"))
        elif state == "unpaid":
            options.update(status="unpaid", period_started_days_ago=35 + position % 20)
            expected.append(("access.wrongful_access", f"account:{uid}"))
        elif state == "upgraded":
            plan = "growth"
            options["item_created_days_ago"] = min(age, 10 + position % 60)
            expected.append(("plan.underprovisioned", f"account:{uid}"))
        elif state == "trialing":
            trial_age = 1 + position % 12
            options.update(
                status="trialing",
                trial=True,
                created_days_ago=trial_age,
                period_started_days_ago=trial_age,
            )
        elif state == "churned":
            ended = 20 + (position * 17) % 300
            access, plan = False, "free"
            options.update(
                status="canceled",
                created_days_ago=max(age, ended + 31),
                canceled_days_ago=ended,
                period_started_days_ago=ended + 30,
            )
        member(s, uid, name, price, access=access, plan=plan, domain=domain, **options)
    s.expect(
        "fail",
        expected,
        monthly_at_stake={"usd": 820_000},
        skipped_rules=NEEDS_TABLES
        + NEEDS_DELETED_AT
        + NEEDS_EXPIRY
        + NEEDS_SCHEDULES
        + NEEDS_SUBSCRIPTION_ID
        + NEEDS_EMAIL,
    )
    return s


BUILDERS = {
    "audit-8200": audit_8200,
}
