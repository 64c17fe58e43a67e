"""The price catalogues the bundled scenarios share and the prodcheck.yml they start from."""

from __future__ import annotations

import copy
from typing import Any

# The plans every bundled Stripe scenario shares unless it says otherwise.
PRICES: dict[str, dict[str, Any]] = {
    "price_starter_monthly": {"amount": 1900, "interval": "month", "plan": "starter"},
    "price_pro_monthly": {"amount": 4900, "interval": "month", "plan": "pro"},
    "price_pro_yearly": {"amount": 49000, "interval": "year", "plan": "pro"},
    "price_team_monthly": {"amount": 9900, "interval": "month", "plan": "team"},
}
# The same catalogue as Paddle prices (Paddle ids start with pri_).
PADDLE_PRICES: dict[str, dict[str, Any]] = {
    "pri_01jc8starter0monthly": {"amount": 1900, "interval": "month", "plan": "starter"},
    "pri_01jc8pro0monthly0000": {"amount": 4900, "interval": "month", "plan": "pro"},
    "pri_01jc8pro0yearly00000": {"amount": 49000, "interval": "year", "plan": "pro"},
    "pri_01jc8team0monthly000": {"amount": 9900, "interval": "month", "plan": "team"},
}
TIERS = ["free", "starter", "pro", "team"]

# Where an optional logical column lives in the kit's tables when the config
# does not map it: the column exists in the table, prodcheck is just not told.
DEFAULT_COLUMNS = {
    "email": "email",
    "deleted_at": "deleted_at",
    "access_expires_at": "access_expires_at",
    "comped": "is_comped",
    "updated_at": "updated_at",
    "subscription_id": "stripe_subscription_id",
}


def default_config(
    provider: str = "stripe",
    *,
    columns: dict[str, str] | None = None,
    prices: dict[str, str] | None = None,
    tiers: list[str] | None = TIERS,
    policy: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    optional: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A prodcheck.yml for the kit's `users` table; `optional` maps extra logical columns
    (email, deleted_at, access_expires_at, comped, updated_at) to their default names."""
    catalogue = PRICES if provider == "stripe" else PADDLE_PRICES
    mapped = columns or {
        "id": "id",
        "customer_id": "stripe_customer_id" if provider == "stripe" else "paddle_customer_id",
        "has_access": "has_paid_access",
        "plan": "plan",
    }
    mapped = {**mapped, **{name: DEFAULT_COLUMNS[name] for name in optional}}
    config: dict[str, Any] = {
        "version": 1,
        "billing": {
            "provider": provider,
            "api_key_env": "STRIPE_API_KEY" if provider == "stripe" else "PADDLE_API_KEY",
        },
        "database": {"url_env": "DATABASE_URL", "table": "users", "columns": mapped},
        "plans": {"prices": prices or {p: v["plan"] for p, v in catalogue.items()}},
    }
    if tiers:
        config["plans"]["tiers"] = tiers
    if policy:
        config["policy"] = policy
    config.update(extra or {})
    # a copy: a scenario that changes its config (a tier added) changes no default
    return copy.deepcopy(config)


def _default_prices() -> dict[str, dict[str, Any]]:
    return {**PRICES, **PADDLE_PRICES}
