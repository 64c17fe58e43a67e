"""What the scenario modules share: the clock, the rules a default config skips, and
shorthands for a scenario, an email and a paying member."""

from __future__ import annotations

from typing import Any

from scenario_kit import MINUTE, Scenario, default_config, new_id

NOW = "2026-11-01T12:00:00Z"
SAME = "<billing's plan>"  # account(): the DB plan equals the plan of the first price

# Rules that need something a default config (id, customer id, access, plan) does
# not give them.
NEEDS_DELETED_AT = ["lifecycle.deleted_account_billed"]
NEEDS_EXPIRY = ["lifecycle.expired_still_active", "lifecycle.stale_period_end"]
NEEDS_PLAN = [
    "plan.mismatch",
    "plan.overprovisioned",
    "plan.underprovisioned",
    "plan.unpaid_upgrade",
]
NEEDS_SCHEDULES = ["plan.stale_pending_downgrade"]
NEEDS_SUBSCRIPTION_ID = [
    "identity.foreign_subscription_id",
    "identity.stale_subscription_id",
    "identity.unknown_subscription_id",
]
NEEDS_EMAIL = ["identity.email_mismatch"]
# The rules about the app's own subscriptions table (database.tables.app_subscriptions).
NEEDS_APP_TABLE = [
    "app.cancel_mismatch",
    "app.missing_subscription",
    "app.period_end_mismatch",
    "app.price_mismatch",
    "app.quantity_mismatch",
    "app.status_mismatch",
    "app.unknown_subscription",
    "webhooks.stale_overwrite",  # (the rows' updated_at beside the events too)
]
# The rules about the app's table of processed webhook events (the webhooks pack).
NEEDS_PROCESSED_TABLE = [
    "webhooks.delivery_failing",
    "webhooks.duplicate_processing",
    "webhooks.expiring_unprocessed",
    "webhooks.unprocessed_event",
]
# The rules that need effect checks (webhooks.effects), which the default config lists none of.
NEEDS_EFFECTS = ["webhooks.effect_missing"]
# The rules about the app's credit tables (the credits pack).
NEEDS_CREDIT_TABLES = [
    "credits.duplicate_grant",
    "credits.ledger_mismatch",
    "credits.negative_balance",
    "credits.orphan_ledger",
]
# Every rule that needs a table the default config does not map, or checks to run on one.
NEEDS_TABLES = [*NEEDS_APP_TABLE, *NEEDS_PROCESSED_TABLE, *NEEDS_EFFECTS, *NEEDS_CREDIT_TABLES]
# Facts Paddle does not supply (it has no pending subscription updates).
STRIPE_ONLY = ["plan.unpaid_upgrade"]


def new(name: str, description: str, **config: Any) -> Scenario:
    """A Stripe scenario at NOW; `config` goes to default_config (optional=, policy=, ...)."""
    return Scenario(name, now=NOW, description=description, config=default_config(**config))


def in_tables_form(s: Scenario, **tables: dict[str, Any]) -> Scenario:
    """The scenario's config in the tables form (database.tables): its accounts table
    as it was, and these declared tables mapped, each empty."""
    database = s.config["database"]
    s.config["database"] = {
        "url_env": database["url_env"],
        "tables": {
            "accounts": {"table": database["table"], "columns": database["columns"]},
            **tables,
        },
    }
    for table in tables.values():
        s.tables[table["table"]] = []
    return s


def email_of(name: str, domain: str = "example.com") -> str:
    return f"{name.lower().replace(' ', '.')}@{domain}"


def member(
    s: Scenario,
    uid: str | int,
    name: str,
    *prices: str,
    access: bool = True,
    plan: str | None = SAME,
    status: str = "active",
    domain: str = "example.com",
    row: dict[str, Any] | None = None,
    customer_created_days_ago: float | None = None,
    **subscription: Any,
) -> tuple[str, str]:
    """A customer (metadata user_id = uid), one subscription and the account holding it.
    The customer is created at checkout, five minutes before the subscription, unless
    `customer_created_days_ago` says otherwise (an older subscription of theirs)."""
    prices = prices or ("price_pro_monthly",)
    cid = new_id("cus", f"{s.name}:{uid}")
    sid = new_id("sub", f"{s.name}:{uid}")
    if customer_created_days_ago is None:
        customer_created_days_ago = subscription.get("created_days_ago", 200) + 5 * MINUTE
    s.customer(
        cid,
        email=email_of(name, domain),
        name=name,
        user_id=str(uid),
        created_days_ago=customer_created_days_ago,
    )
    s.subscription(sid, cid, *prices, status=status, **subscription)
    db_plan = s.prices[prices[0]]["plan"] if plan == SAME else plan
    s.account(
        uid, cid, has_access=access, plan=db_plan, email=email_of(name, domain), **(row or {})
    )
    return cid, sid
