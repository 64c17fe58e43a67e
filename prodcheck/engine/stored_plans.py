"""Plans as the app stores them: its plan column may hold a plan name, or billing's
price id, product id, price lookup key or product name. The value goes through the
same map as billing's prices before the two are compared, so the monthly and yearly
prices of one plan are one plan, and `plans.tiers` always names plans.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from prodcheck.config import PlansConfig
from prodcheck.model import Subscription, SubscriptionItem


def _stored_value(item: SubscriptionItem, stored_as: str) -> str | None:
    if stored_as == "price_id":
        return item.price_id
    if stored_as == "product_id":
        return item.product_id
    if stored_as == "lookup_key":
        return item.lookup_key
    if stored_as == "product_name":
        return item.product_name
    return None


@dataclass(frozen=True, slots=True)
class StoredPlans:
    plans: PlansConfig
    derived: Mapping[str, str]  # stored value -> plan, from billing's items

    def plan_of(self, value: str | None) -> str | None:
        """The plan a plan-column value stands for, or None when it names none."""
        if value is None:
            return None
        plans = self.plans
        if value in plans.values:
            return plans.values[value]
        if plans.stored_as == "plan":
            return value
        if plans.stored_as == "price_id":
            return plans.prices.get(value)
        found = self.derived.get(value)
        if found is None and plans.stored_as == "product_name":
            # Product names are known only when billing expanded the product: else a
            # name equal to a plan but for case and spaces is that plan ("Pro" -> pro).
            known = {p.strip().lower(): p for p in (*plans.tiers, *plans.prices.values())}
            found = known.get(value.strip().lower())
        return found

    def value_of(self, plan: str | None, subscriptions: Iterable[Subscription]) -> str | None:
        """What the app's plan column should hold for billing's `plan`: the value of the
        first item (by subscription, then item order) whose price maps to it."""
        if plan is None:
            return None
        plans = self.plans
        if plans.stored_as != "plan":
            for subscription in subscriptions:
                for item in subscription.items:
                    if plans.prices.get(item.price_id) == plan:
                        value = _stored_value(item, plans.stored_as)
                        if value is not None:
                            return value
        aliases = sorted(v for v, p in plans.values.items() if p == plan)
        return aliases[0] if aliases and plans.stored_as != "plan" else plan


def stored_plans(plans: PlansConfig, subscriptions: Iterable[Subscription]) -> StoredPlans:
    """Stored value -> plan from every item billing shows; when one value stands for
    two plans (a product with prices on two plans), the higher tier wins."""
    return stored_from_items(plans, (i for s in subscriptions for i in s.items))


def stored_from_items(plans: PlansConfig, items: Iterable[SubscriptionItem]) -> StoredPlans:
    """stored_plans from the items alone (in any order: the higher tier wins, and
    plans of one tier by name)."""
    derived: dict[str, str] = {}
    if plans.stored_as not in ("plan", "price_id"):
        for item in items:
            plan = plans.prices.get(item.price_id)
            value = _stored_value(item, plans.stored_as)
            if plan is None or value is None:
                continue
            current = derived.get(value)
            if current is None or _rank(plans, plan) > _rank(plans, current):
                derived[value] = plan
    return StoredPlans(plans, derived)


def _rank(plans: PlansConfig, plan: str) -> tuple[int, str]:
    tier = plans.tier_of(plan)
    return (tier if tier is not None else -1, plan)
