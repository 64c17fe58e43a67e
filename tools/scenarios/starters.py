"""Two more starter schemas, checked with no view, access from the app's own table.

- `schema-cashier-*`: Laravel Cashier. `users` holds the Stripe customer id in
  `stripe_id` (no access column); `subscriptions` holds one row per Stripe
  subscription (`stripe_id`, `stripe_status`, `stripe_price`, `quantity`, and
  `ends_at`, which Cashier sets only on cancellation: not a period end);
  `subscription_items` copies the items. A user has access while a row says
  active or trialing, and old rows of canceled subscriptions stay.
- `schema-prisma-team-*`: a Prisma app with PascalCase tables: `Team`
  (`stripeCustomerId`) and its own `Subscription` model (`teamId`,
  `stripeSubscriptionId`, `status`, `priceId`, `quantity`, `currentPeriodEnd`,
  `cancelAtPeriodEnd`), camelCase columns and cuid ids.
"""

from __future__ import annotations

from typing import Any

from scenario_kit import Scenario, iso, new_id

from .schemas import schema_scenario

ACCESS_FROM_TABLE = {"from": "app_subscriptions", "grants": ["active", "trialing"]}
CASHIER_USERS = {
    "id": "id",
    "customer_id": "stripe_id",
    "has_access": ACCESS_FROM_TABLE,
    "email": "email",
    "label": "name",
}
CASHIER_SUBSCRIPTIONS = {
    "table": "subscriptions",
    "columns": {
        "id": "stripe_id",
        "account_id": "user_id",
        "status": "stripe_status",
        "price_id": "stripe_price",
        "quantity": "quantity",
    },
}


def _cashier(name: str, description: str) -> Scenario:
    s = schema_scenario(name, description, "users", CASHIER_USERS, {})
    s.config["database"]["tables"]["app_subscriptions"] = CASHIER_SUBSCRIPTIONS
    s.tables["subscriptions"] = []
    s.tables["subscription_items"] = []
    return s


def _cashier_row(s: Scenario, user_id: int, sub: dict[str, Any], **changes: Any) -> None:
    """Cashier's row and item row for a Stripe subscription, then `changes` (drift)."""
    item = sub["items"]["data"][0]
    number = len(s.tables["subscriptions"]) + 1
    row = {
        "id": number,
        "user_id": user_id,
        "type": "default",
        "stripe_id": sub["id"],
        "stripe_status": sub["status"],
        "stripe_price": item["price"]["id"],
        "quantity": item["quantity"],
        "trial_ends_at": None,
        "ends_at": iso(item["current_period_end"]) if sub["status"] == "canceled" else None,
        "created_at": iso(sub["created"]),
        "updated_at": iso(sub["created"]),
    }
    row.update(changes)
    s.tables["subscriptions"].append(row)
    s.tables["subscription_items"].append(
        {
            "id": number,
            "subscription_id": number,
            "stripe_id": item["id"],
            "stripe_product": item["price"]["product"],
            "stripe_price": item["price"]["id"],
            "quantity": item["quantity"],
        }
    )


def _cashier_user(
    s: Scenario,
    user_id: int,
    name: str,
    *,
    status: str | None = "active",
    price: str = "price_pro_monthly",
    row: dict[str, Any] | None = None,
    **subscription: Any,
) -> dict[str, Any] | None:
    """A users row; with `status`, its Stripe customer and subscription, and Cashier's
    row for it as `row` changes it."""
    email = f"{name.lower().replace(' ', '.')}@example.com"
    user: dict[str, Any] = {
        "id": user_id,
        "name": name,
        "email": email,
        "stripe_id": None,
        "pm_type": None,
        "pm_last_four": None,
        "trial_ends_at": None,
        "created_at": s.ago_iso(300),
        "updated_at": s.ago_iso(30),
    }
    s.rows.append(user)
    if status is None:
        return None
    cid = new_id("cus", f"{s.name}:{user_id}")
    s.customer(cid, email=email, name=name)
    user.update(stripe_id=cid, pm_type="visa", pm_last_four="4242")
    sub = s.subscription(
        new_id("sub", f"{s.name}:{user_id}"), cid, price, status=status, **subscription
    )
    _cashier_row(s, user_id, sub, **(row or {}))
    return sub


def schema_cashier_fail() -> Scenario:
    s = _cashier(
        "schema-cashier-fail",
        "Laravel Cashier: access is an active or trialing row in its subscriptions table. "
        "Ben canceled 10 days ago but his row still says 'active' (wrongful access, and a "
        "stale copy); Cat's first invoice was paid but the webhook that marks the row "
        "active never arrived, so it still says 'incomplete' (revenue leak, and a stale "
        "copy); Dan moved to Team in Stripe but his row keeps the Pro price. Ann agrees; "
        "Eve never subscribed. Ben's and Cat's money counts once each: $98/mo.",
    )
    _cashier_user(s, 1, "Ann Abel")
    ben = _cashier_user(
        s, 2, "Ben Bauer", status="canceled", canceled_days_ago=10,
        row={"stripe_status": "active", "ends_at": None},
    )  # fmt: skip
    cat = _cashier_user(s, 3, "Cat Cruz", row={"stripe_status": "incomplete"})
    dan = _cashier_user(
        s, 4, "Dan Diaz", price="price_team_monthly", row={"stripe_price": "price_pro_monthly"}
    )
    _cashier_user(s, 5, "Eve Ebert", status=None)
    assert ben is not None and cat is not None and dan is not None
    s.expect(
        "fail",
        [
            ("access.wrongful_access", "account:2"),
            ("app.status_mismatch", f"app_subscription:{ben['id']}"),
            ("access.revenue_leak", "account:3"),
            ("app.status_mismatch", f"app_subscription:{cat['id']}"),
            ("app.price_mismatch", f"app_subscription:{dan['id']}"),
        ],
        monthly_at_stake={"usd": 9800},
    )
    return s


def schema_cashier_pass() -> Scenario:
    s = _cashier(
        "schema-cashier-pass",
        "The same Cashier app in agreement: each row copies its Stripe subscription; a "
        "subscription canceled long ago keeps its row, 'canceled' with ends_at set, beside "
        "the same user's new active one; a trialing user has a trialing row; a user who "
        "never subscribed has no customer and no row.",
    )
    _cashier_user(s, 1, "Ann Abel")
    old = s.subscription(
        new_id("sub", f"{s.name}:1:old"),
        new_id("cus", f"{s.name}:1"),
        "price_starter_monthly",
        status="canceled",
        created_days_ago=400,
        period_started_days_ago=230,
        canceled_days_ago=200,
    )
    _cashier_row(s, 1, old)
    _cashier_user(s, 2, "Ben Bauer", status="canceled", canceled_days_ago=10)
    _cashier_user(s, 3, "Cat Cruz", status="trialing", trial=True)
    _cashier_user(s, 5, "Eve Ebert", status=None)
    s.expect("pass", [])
    return s


TEAM_COLUMNS = {
    "id": "id",
    "customer_id": "stripeCustomerId",
    "has_access": ACCESS_FROM_TABLE,
    "label": "name",
}
SUBSCRIPTION_MODEL = {
    "table": "Subscription",
    "columns": {
        "id": "stripeSubscriptionId",
        "account_id": "teamId",
        "status": "status",
        "price_id": "priceId",
        "quantity": "quantity",
        "period_end": "currentPeriodEnd",
        "cancel_at_period_end": "cancelAtPeriodEnd",
    },
}


def _prisma(name: str, description: str) -> Scenario:
    s = schema_scenario(name, description, "Team", TEAM_COLUMNS, {})
    tables = s.config["database"]["tables"]
    tables["accounts"]["subject"] = "team"
    tables["app_subscriptions"] = SUBSCRIPTION_MODEL
    s.tables["Subscription"] = []
    return s


def _cuid(kind: str, number: int) -> str:
    return f"cl{kind}{number:03d}x7k2m9q4w8e5r1t6"


def _team(
    s: Scenario,
    number: int,
    name: str,
    *,
    status: str | None = "active",
    row: dict[str, Any] | None = None,
    **subscription: Any,
) -> dict[str, Any] | None:
    """A Team; with `status`, its Stripe customer and subscription and the app's
    Subscription row, as `row` changes it ({"skip": True}: no row)."""
    team_id = _cuid("tm", number)
    team: dict[str, Any] = {
        "id": team_id,
        "name": name,
        "slug": name.lower(),
        "stripeCustomerId": None,
        "createdAt": s.ago_iso(300),
        "updatedAt": s.ago_iso(30),
    }
    s.rows.append(team)
    if status is None:
        return None
    cid = new_id("cus", f"{s.name}:{number}")
    s.customer(cid, email=f"billing@{name.lower()}.example", name=name)
    team["stripeCustomerId"] = cid
    sub = s.subscription(
        new_id("sub", f"{s.name}:{number}"), cid, "price_pro_monthly", status=status, **subscription
    )
    changes = dict(row or {})
    if changes.pop("skip", False):
        return sub
    item = sub["items"]["data"][0]
    copy = {
        "id": _cuid("sb", number),
        "teamId": team_id,
        "stripeSubscriptionId": sub["id"],
        "status": sub["status"],
        "priceId": item["price"]["id"],
        "quantity": item["quantity"],
        "currentPeriodEnd": iso(item["current_period_end"]),
        "cancelAtPeriodEnd": sub["cancel_at_period_end"],
        "createdAt": iso(sub["created"]),
    }
    copy.update(changes)
    s.tables["Subscription"].append(copy)
    return sub


def schema_prisma_team_fail() -> Scenario:
    s = _prisma(
        "schema-prisma-team-fail",
        "A Prisma app with PascalCase tables: Team, and its own Subscription model deciding "
        "access. Globex canceled 12 days ago but its row says 'active' (wrongful access, "
        "stale status). Initech renewed 3 days ago and its row kept the old period end. "
        "Umbrella will cancel at period end but its row does not say so. Hooli pays for 10 "
        "seats; its row says 5. Stark's checkout handler wrote its subscription on Wayne's "
        "team: Stark pays and has no access (revenue leak), Wayne never paid and has "
        "access (wrongful access). Acme agrees. Globex's and Stark's subscriptions are the "
        "money at stake, each counted once: $98/mo.",
    )
    _team(s, 1, "Acme")
    globex = _team(s, 2, "Globex", status="canceled", canceled_days_ago=12,
                   row={"status": "active"})  # fmt: skip
    initech = _team(s, 3, "Initech", period_started_days_ago=3)
    assert initech is not None
    s.tables["Subscription"][-1]["currentPeriodEnd"] = iso(
        initech["items"]["data"][0]["current_period_start"]
    )
    umbrella = _team(s, 4, "Umbrella", cancel_at_period_end=True,
                     row={"cancelAtPeriodEnd": False})  # fmt: skip
    hooli = _team(s, 5, "Hooli", quantity=10, row={"quantity": 5})
    _team(s, 6, "Stark", row={"teamId": _cuid("tm", 7)})
    _team(s, 7, "Wayne", status=None)
    assert globex is not None and umbrella is not None and hooli is not None
    s.expect(
        "fail",
        [
            ("access.wrongful_access", f"account:{_cuid('tm', 2)}"),
            ("app.status_mismatch", f"app_subscription:{globex['id']}"),
            ("app.period_end_mismatch", f"app_subscription:{initech['id']}"),
            ("app.cancel_mismatch", f"app_subscription:{umbrella['id']}"),
            ("app.quantity_mismatch", f"app_subscription:{hooli['id']}"),
            ("access.revenue_leak", f"account:{_cuid('tm', 6)}"),
            ("access.wrongful_access", f"account:{_cuid('tm', 7)}"),
        ],
        monthly_at_stake={"usd": 9800},
    )
    return s


def schema_prisma_team_pass() -> Scenario:
    s = _prisma(
        "schema-prisma-team-pass",
        "The same Prisma app in agreement: rows copy status, price, seats, period end and "
        "cancel at period end; a canceled team's row says 'canceled'; a trialing team's "
        "row grants access; a team that never subscribed has no row.",
    )
    _team(s, 1, "Acme")
    _team(s, 2, "Globex", status="canceled", canceled_days_ago=12)
    _team(s, 4, "Umbrella", cancel_at_period_end=True)
    _team(s, 5, "Hooli", quantity=10)
    _team(s, 6, "Stark", status="trialing", trial=True)
    _team(s, 7, "Wayne", status=None)
    s.expect("pass", [])
    return s


BUILDERS = {
    "schema-cashier-fail": schema_cashier_fail,
    "schema-cashier-pass": schema_cashier_pass,
    "schema-prisma-team-fail": schema_prisma_team_fail,
    "schema-prisma-team-pass": schema_prisma_team_pass,
}
