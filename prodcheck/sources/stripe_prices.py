"""`prodcheck init`: the Stripe prices in use, to propose the config's plans map.

"In use" means on a subscription that still bills (any status but canceled and
incomplete_expired): those are the prices `plans.prices` must map. Prices come
from the subscriptions' own items (full price objects, no extra permission);
product names, the best plan names, from GET /v1/products when the key may
read products; without that permission the lookup key or nickname names the
plan and a note says so. Read-only, through the same client and request
budget as the live source.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from prodcheck.config import BillingConfig
from prodcheck.sources.credentials import read_key
from prodcheck.sources.http_budget import RequestBudget, RetryPolicy
from prodcheck.sources.stripe import (
    DEFAULT_REQUESTS_PER_SECOND,
    STRIPE_API_BASE,
    list_page,
    make_client,
)
from prodcheck.sources.stripe_access import RESTRICTED_KEY_ADVICE, classify_error, explain
from prodcheck.sources.stripe_slices import PAGE_LIMIT, Listing, fetch_all

ENDED = frozenset({"canceled", "incomplete_expired"})
_MONTHS = {"day": 12 / 365, "week": 12 / 52, "month": 1, "year": 12}  # months per interval


@dataclass(frozen=True, slots=True)
class PriceInUse:
    id: str
    product: str
    currency: str
    interval: str  # "month", "year", ... ("one_time" without recurring)
    interval_count: int
    unit_amount: int | None
    subscriptions: int  # billing subscriptions using it
    nickname: str | None = None
    lookup_key: str | None = None
    product_name: str | None = None

    @property
    def monthly_amount(self) -> float | None:
        if self.unit_amount is None or self.interval not in _MONTHS:
            return None
        return self.unit_amount / (_MONTHS[self.interval] * self.interval_count)


def prices_from_subscriptions(subscriptions: Sequence[Mapping[str, Any]]) -> list[PriceInUse]:
    """Pure: the distinct prices on billing subscriptions, most used first."""
    found: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    for sub in subscriptions:
        if sub.get("status") in ENDED:
            continue
        items = sub.get("items") or {}
        data = items.get("data", []) if isinstance(items, Mapping) else items
        for item in data:
            price = item.get("price")
            if not isinstance(price, Mapping) or not price.get("id"):
                continue
            found.setdefault(price["id"], dict(price))
            counts[price["id"]] = counts.get(price["id"], 0) + 1
    prices = []
    for price_id, price in found.items():
        recurring = price.get("recurring") or {}
        product = price.get("product")
        product_id = product.get("id") if isinstance(product, Mapping) else product
        prices.append(
            PriceInUse(
                id=price_id,
                product=str(product_id or ""),
                currency=str(price.get("currency") or "usd"),
                interval=str(recurring.get("interval") or "one_time"),
                interval_count=int(recurring.get("interval_count") or 1),
                unit_amount=price.get("unit_amount"),
                subscriptions=counts[price_id],
                nickname=price.get("nickname"),
                lookup_key=price.get("lookup_key"),
                product_name=product.get("name") if isinstance(product, Mapping) else None,
            )
        )
    return sorted(prices, key=lambda p: (-p.subscriptions, p.id))


def stripe_prices_in_use(
    config: BillingConfig, env: Mapping[str, str] = os.environ
) -> tuple[list[PriceInUse], list[str]]:
    """(prices in use, notes). Raises SourceError/CredentialError like the live source."""
    key = read_key(env, config.api_key_env, "Stripe", RESTRICTED_KEY_ADVICE)
    variable = config.api_key_env or ""
    base = config.api_base or STRIPE_API_BASE
    client = make_client(config, key)
    budget = RequestBudget(
        config.requests_per_second or DEFAULT_REQUESTS_PER_SECOND,
        policy=RetryPolicy(max_retries=config.max_retries),
    )

    def fetch_page(resource: str, params: dict[str, Any]) -> Mapping[str, Any]:
        try:
            return budget.call(lambda: list_page(client, resource, params), classify_error)
        except Exception as exc:
            raise explain(exc, resource, key=key, variable=variable, base=base) from None

    listing = Listing("subscriptions", "subscriptions", {"status": "all"})
    fetched = fetch_all([listing], fetch_page, concurrency=config.concurrency)
    prices = prices_from_subscriptions(fetched.get("subscriptions", []))
    names, notes = _product_names(fetch_page, sorted({p.product for p in prices if p.product}))
    named = [replace(p, product_name=p.product_name or names.get(p.product)) for p in prices]
    return named, notes


def _product_names(fetch_page: Any, product_ids: list[str]) -> tuple[dict[str, str], list[str]]:
    """Product id -> name, 100 ids a request; a key without Products read gets a note."""
    names: dict[str, str] = {}
    for start in range(0, len(product_ids), PAGE_LIMIT):
        chunk = product_ids[start : start + PAGE_LIMIT]
        try:
            page = fetch_page("products", {"ids": chunk, "limit": PAGE_LIMIT})
        except Exception as exc:
            return names, [
                f"product names not read ({getattr(exc, 'message', exc)}); plan names come from "
                "price lookup keys and nicknames. Grant the key Read on Products for better names."
            ]
        for product in page.get("data") or []:
            if product.get("id") and product.get("name"):
                names[product["id"]] = str(product["name"])
    return names, []
