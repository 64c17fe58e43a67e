"""Plans as the app stores them: a plan name, a price id, a product id, a lookup key or
a product name, each mapped through billing's price map before it is compared."""

from __future__ import annotations

from typing import Any

import pytest

from prodcheck.config import PlansConfig
from prodcheck.engine.stored_plans import stored_plans
from prodcheck.model import Subscription, SubscriptionItem, SubscriptionStatus
from prodcheck.sources.stripe_normalize import _item

PRICES = {"p_pro_m": "pro", "p_pro_y": "pro", "p_team_m": "team", "p_start_m": "starter"}
TIERS = ("free", "starter", "pro", "team")


def _sub(sid: str, *items: tuple[str, str, str | None, str | None]) -> Subscription:
    return Subscription(
        id=sid,
        customer_id="c",
        status=SubscriptionStatus.ACTIVE,
        items=tuple(
            SubscriptionItem(
                id=f"{sid}{i}",
                price_id=price,
                quantity=1,
                unit_amount=100,
                currency="usd",
                interval="month",
                interval_count=1,
                product_id=product,
                lookup_key=lookup,
                product_name=name,
            )
            for i, (price, product, lookup, name) in enumerate(items)
        ),
    )


SUBS = [
    _sub("s1", ("p_pro_m", "prod_pro", "pro_monthly", None)),
    _sub("s2", ("p_pro_y", "prod_pro", "pro_yearly", "Pro Plan")),
    _sub("s3", ("p_team_m", "prod_team", "team_monthly", None)),
    # One product with prices on two plans: its id stands for the higher tier.
    _sub("s4", ("p_start_m", "prod_mixed", None, None)),
    _sub("s5", ("p_team_m", "prod_mixed", None, None)),
]


def _plans(stored_as: str, values: dict[str, str] | None = None) -> Any:
    config = PlansConfig(prices=PRICES, tiers=TIERS, stored_as=stored_as, values=values or {})
    return stored_plans(config, SUBS)


@pytest.mark.parametrize(
    ("stored_as", "value", "plan"),
    [
        ("plan", "pro", "pro"),
        ("plan", "enterprise", "enterprise"),  # no tier: plan rules say so
        ("price_id", "p_pro_y", "pro"),  # monthly and yearly prices are one plan
        ("price_id", "p_unknown", None),
        ("product_id", "prod_pro", "pro"),
        ("product_id", "prod_mixed", "team"),
        ("lookup_key", "team_monthly", "team"),
        ("product_name", "Pro Plan", "pro"),  # named by billing's expanded product
        ("product_name", " TEAM ", "team"),  # else a plan name but for case and spaces
        ("product_name", "Gold", None),
    ],
)
def test_a_stored_value_stands_for_a_plan(stored_as: str, value: str, plan: str | None) -> None:
    assert _plans(stored_as).plan_of(value) == plan
    assert _plans(stored_as).plan_of(None) is None


def test_explicit_values_come_first() -> None:
    plans = _plans("product_name", {"Gold": "team", "Pro Plan": "starter"})
    assert plans.plan_of("Gold") == "team"
    assert plans.plan_of("Pro Plan") == "starter"
    assert _plans("plan", {"premium": "pro"}).plan_of("premium") == "pro"  # a legacy key


@pytest.mark.parametrize(
    ("stored_as", "values", "expected"),
    [
        ("plan", {}, "pro"),
        ("price_id", {}, "p_pro_m"),
        ("product_id", {}, "prod_pro"),
        ("lookup_key", {}, "pro_monthly"),
        ("product_name", {}, "Pro Plan"),
        ("product_name", {"Plus": "team"}, "Plus"),
    ],
)
def test_what_the_column_should_hold_is_in_the_apps_form(
    stored_as: str, values: dict[str, str], expected: str
) -> None:
    plan = "team" if values else "pro"
    subscriptions = SUBS[2:3] if values else SUBS[:2]
    assert _plans(stored_as, values).value_of(plan, subscriptions) == expected
    assert _plans(stored_as).value_of(None, SUBS) is None


def test_stripe_items_keep_product_lookup_key_and_name() -> None:
    base = {"id": "si_1", "quantity": 1}
    price = {"id": "price_1", "currency": "usd", "unit_amount": 900, "lookup_key": "pro_m"}
    plain = _item({**base, "price": {**price, "product": "prod_1"}})
    assert (plain.product_id, plain.lookup_key, plain.product_name) == ("prod_1", "pro_m", None)
    expanded = _item({**base, "price": {**price, "product": {"id": "prod_1", "name": "Pro"}}})
    assert (expanded.product_id, expanded.product_name) == ("prod_1", "Pro")
