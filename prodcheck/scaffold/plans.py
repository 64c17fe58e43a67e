"""`prodcheck init`: the plans map, from the prices billing shows, and how the app's
plan column stores plans.

Prices come from live subscriptions (a read-only key) or from a fixture folder's
subscriptions; each price's plan is named from its product name, lookup key or
nickname, and the tiers are ordered by each plan's cheapest monthly price. The
plan column's sampled values say whether it holds plan keys, price or product
ids, lookup keys or product names (`plans.stored_as`); values that name no known
plan are listed for the user to map (`plans.values`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from prodcheck.model import Money, Subscription
from prodcheck.sources.stripe_prices import ENDED, PriceInUse


@dataclass(frozen=True, slots=True)
class PlanProposal:
    prices: Mapping[str, str]  # price id -> plan
    tiers: tuple[str, ...]  # lowest first
    comments: Mapping[str, str] = field(default_factory=dict)  # price id -> what it is


@dataclass(frozen=True, slots=True)
class StoredPlans:
    """How the mapped plan column stores plans, and its values no map names."""

    column: str
    stored_as: str  # plan | price_id | product_id | lookup_key | product_name
    values: Mapping[str, str] = field(default_factory=dict)  # value -> plan, when known
    unknown: tuple[str, ...] = ()  # values seen that name no known plan


_NOISE = re.compile(
    r"(^|_)(monthly|yearly|annual|annually|quarterly|weekly|daily|month|year|mo|yr|plan|"
    r"subscription|membership|tier|price|usd|eur|gbp)(?=_|$)"
)


def plan_slug(text: str) -> str:
    """`Pro Plan` -> `pro`, `team_yearly` -> `team`, `Business+ (annual)` -> `business`."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    stripped = _NOISE.sub("", slug).strip("_")
    return re.sub(r"_+", "_", stripped or slug)


_ID_PREFIX = re.compile(r"^(price|plan|pri|prod|pro)_")
_WORDS = re.compile(r"[a-z]+(_[a-z]+)*")


def plan_name(price: PriceInUse) -> str:
    """The product's name, else the lookup key or nickname, else a readable price or
    product id (`price_pro_monthly` -> pro; a generated `prod_NWjs8kK` is no name)."""
    for text in (price.product_name, price.lookup_key, price.nickname):
        if text and plan_slug(text):
            return plan_slug(text)
    for text in (price.product, price.id):
        slug = plan_slug(_ID_PREFIX.sub("", text or ""))
        if _WORDS.fullmatch(slug) and text == text.lower():
            return slug
    return plan_slug(price.product or price.id) or price.id


def _describe(price: PriceInUse) -> str:
    parts = [price.product_name or price.nickname or price.lookup_key or price.product]
    if price.unit_amount is not None:
        every = "" if price.interval_count == 1 else f"{price.interval_count} "
        parts.append(f"{Money(price.unit_amount, price.currency).format()}/{every}{price.interval}")
    parts.append(f"{price.subscriptions} subscription{'' if price.subscriptions == 1 else 's'}")
    return ", ".join(p for p in parts if p)


def propose_plans(prices: Sequence[PriceInUse]) -> PlanProposal:
    """Each price's plan, and the tiers ordered by the cheapest monthly price of each plan."""
    mapping = {p.id: plan_name(p) for p in prices}
    currencies = [p.currency for p in prices]
    main = max(sorted(set(currencies)), key=currencies.count) if currencies else "usd"
    cheapest: dict[str, float] = {}
    for price in prices:
        monthly = price.monthly_amount
        plan = mapping[price.id]
        if monthly is None or price.currency != main:
            cheapest.setdefault(plan, float("inf"))
            continue
        cheapest[plan] = min(cheapest.get(plan, float("inf")), monthly)
    tiers = tuple(sorted(cheapest, key=lambda plan: (cheapest[plan], plan)))
    return PlanProposal(
        prices=dict(sorted(mapping.items())),
        tiers=tiers,
        comments={p.id: _describe(p) for p in prices},
    )


def prices_in_state(subscriptions: Iterable[Subscription]) -> list[PriceInUse]:
    """The distinct prices on normalized subscriptions that still bill (a fixture
    folder's, either provider), most used first, as the live Stripe read gives them."""
    found: dict[str, PriceInUse] = {}
    counts: dict[str, int] = {}
    for subscription in subscriptions:
        if subscription.status.value in ENDED:
            continue
        for item in subscription.items:
            counts[item.price_id] = counts.get(item.price_id, 0) + 1
            found.setdefault(
                item.price_id,
                PriceInUse(
                    id=item.price_id,
                    product=item.product_id or "",
                    currency=item.currency,
                    interval=item.interval,
                    interval_count=item.interval_count,
                    unit_amount=item.unit_amount,
                    subscriptions=0,
                    lookup_key=item.lookup_key,
                    product_name=item.product_name,
                ),
            )
    prices = [replace(p, subscriptions=counts[p.id]) for p in found.values()]
    return sorted(prices, key=lambda p: (-p.subscriptions, p.id))


def known_values(
    prices: Sequence[PriceInUse], plans: PlanProposal | None
) -> dict[str, frozenset[str]]:
    """stored_as -> the values billing shows for it (what a plan column may hold)."""
    plan_keys = set(plans.prices.values()) | set(plans.tiers) if plans else set()
    return {
        "plan": frozenset(plan_keys | {"free"}),
        "lookup_key": frozenset(p.lookup_key for p in prices if p.lookup_key),
        "product_name": frozenset(p.product_name for p in prices if p.product_name),
    }


def propose_stored(
    column: str, stored_as: str, found: Sequence[str], prices: Sequence[PriceInUse],
    plans: PlanProposal | None,
) -> StoredPlans:  # fmt: skip
    """The plan column's proposal: values a map names are left to it; the rest of a
    plan-key or product-name column is listed for the user to map."""
    mapping = dict(plans.prices) if plans else {}
    keys: dict[str, Callable[[PriceInUse], str | None]] = {
        "price_id": lambda p: p.id,
        "product_id": lambda p: p.product,
        "lookup_key": lambda p: p.lookup_key,
        "product_name": lambda p: p.product_name,
    }
    read = keys.get(stored_as)
    by_value = {read(p): mapping.get(p.id) for p in prices} if read else {}
    plan_keys = known_values(prices, plans)["plan"]
    values: dict[str, str] = {}
    unknown = []
    for value in found:
        if by_value.get(value) or (stored_as == "plan" and value in plan_keys):
            continue
        slug = plan_slug(value)
        if stored_as in ("plan", "product_name") and slug in plan_keys:
            values[value] = slug
        else:
            unknown.append(value)
    return StoredPlans(column, stored_as, values, tuple(unknown))
