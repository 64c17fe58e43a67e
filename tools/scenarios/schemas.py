"""Real app schemas, checked with no view: access read the way each starter stores it.

- `schema-teams-status-*`: a Drizzle `teams` table (next-saas-starter style): serial
  id, `stripe_customer_id`, `stripe_subscription_id`, `stripe_product_id`,
  `plan_name` (the Stripe product's name: Base, Plus), and `subscription_status`
  holding Stripe's status string; access is "the status is active or trialing".
- `schema-period-end-*`: a Prisma `users` table (Taxonomy style): `stripe_price_id`
  as the plan and `stripe_current_period_end`; access is "the period end, plus a
  day, is ahead".
- `schema-members-joined-*`: Ghost-style `members` (status free, paid or comped)
  whose Stripe customer id lives in `members_stripe_customers`, joined on
  member_id: no view.
"""

from __future__ import annotations

from typing import Any

from scenario_kit import Scenario, default_config, new_id

from .common import NOW

STATUS_COLUMNS = {
    "id": "id",
    "customer_id": "stripe_customer_id",
    "has_access": {"column": "subscription_status", "grants": ["active", "trialing"]},
    "plan": "plan_name",
    "label": "name",
    "subscription_id": "stripe_subscription_id",
}
PERIOD_END_COLUMNS = {
    "id": "id",
    "customer_id": "stripe_customer_id",
    "has_access": {"expires_at": "stripe_current_period_end", "allowance_hours": 24},
    "plan": "stripe_price_id",
    "email": "email",
    "label": "name",
    "subscription_id": "stripe_subscription_id",
}
PRODUCTS = {"price_starter_monthly": "prod_starter", "price_pro_monthly": "prod_pro"}
# The app stores the product's name; its plans are called starter and pro.
NAMES = {"price_starter_monthly": "Base", "price_pro_monthly": "Plus"}
BY_NAME = {"stored_as": "product_name", "values": {"Base": "starter", "Plus": "pro"}}
BY_PRICE = {"stored_as": "price_id"}


def _scenario(
    name: str, description: str, table: str, columns: dict[str, Any], plans: dict[str, Any]
) -> Scenario:
    config = default_config()
    # The rows are teams or users: messages say "team Acme (1)", "user Ann Lee (clu1ann)".
    noun = "team" if table == "teams" else "user"
    config["database"] = {
        "url_env": "DATABASE_URL",
        "tables": {"accounts": {"table": table, "subject": noun, "columns": columns}},
    }
    config["plans"].update(plans)
    return Scenario(name, now=NOW, description=description, config=config)


def _team(
    s: Scenario,
    number: int,
    name: str,
    *,
    status: str | None,
    app_status: str | None,
    price: str = "price_pro_monthly",
    app_price: str | None = None,
    **subscription: Any,
) -> None:
    """A team row; with `status`, a Stripe customer and subscription in that status
    (`app_price`: the price whose product the row names, when it differs)."""
    row: dict[str, Any] = {
        "id": number,
        "name": name,
        "created_at": s.ago_iso(300),
        "updated_at": s.ago_iso(30),
        "stripe_customer_id": None,
        "stripe_subscription_id": None,
        "stripe_product_id": None,
        "plan_name": None,
        "subscription_status": app_status,
    }
    if status is not None:
        cid = new_id("cus", f"{s.name}:{number}")
        sid = new_id("sub", f"{s.name}:{number}")
        s.customer(cid, email=f"billing@{name.lower()}.example", name=name)
        s.subscription(sid, cid, price, status=status, **subscription)
        row.update(
            stripe_customer_id=cid,
            stripe_subscription_id=sid,
            stripe_product_id=PRODUCTS[app_price or price],
            plan_name=NAMES[app_price or price],
        )
    s.rows.append(row)


def schema_teams_status_fail() -> Scenario:
    s = _scenario(
        "schema-teams-status-fail",
        "A teams table whose access is its subscription_status column (active or trialing "
        "grant it). Globex canceled 12 days ago but its row still says 'active' (wrongful "
        "access, fixed by writing 'canceled'); Initech pays but its row says 'canceled' "
        "(revenue leak, fixed by writing 'active'). Acme and Umbrella agree; Hooli never "
        "subscribed. Stark upgraded to Plus in Stripe but its plan_name still says Base "
        "(the product name, mapped through plans.values): underprovisioned, fixed by "
        "writing 'Plus'.",
        "teams",
        STATUS_COLUMNS,
        BY_NAME,
    )
    _team(s, 1, "Acme", status="active", app_status="active")
    _team(s, 2, "Globex", status="canceled", app_status="active", canceled_days_ago=12)
    _team(s, 3, "Initech", status="active", app_status="canceled")
    _team(s, 4, "Umbrella", status="trialing", app_status="trialing", trial=True)
    _team(s, 5, "Hooli", status=None, app_status=None)
    _team(s, 6, "Stark", status="active", app_status="active", app_price="price_starter_monthly")
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:3"),
            ("access.wrongful_access", "account:2"),
            ("plan.underprovisioned", "account:6"),
        ],
        monthly_at_stake={"usd": 14700},
    )
    return s


def schema_teams_status_pass() -> Scenario:
    s = _scenario(
        "schema-teams-status-pass",
        "The same teams table in agreement: active and trialing teams have those statuses, "
        "a team canceled in Stripe says 'canceled', one whose payment is past due within the "
        "grace period says 'past_due' (this app grants past_due too), a team that never "
        "subscribed has no status.",
        "teams",
        {
            **STATUS_COLUMNS,
            "has_access": {
                **STATUS_COLUMNS["has_access"],
                "grants": ["active", "trialing", "past_due"],
            },
        },
        BY_NAME,
    )
    _team(s, 1, "Acme", status="active", app_status="active")
    _team(s, 2, "Globex", status="canceled", app_status="canceled", canceled_days_ago=12)
    _team(s, 3, "Initech", status="past_due", app_status="past_due", period_started_days_ago=3)
    _team(s, 4, "Umbrella", status="trialing", app_status="trialing", trial=True)
    _team(s, 5, "Hooli", status=None, app_status=None)
    s.expect("pass", [])
    return s


def _user(
    s: Scenario,
    uid: str,
    name: str,
    *,
    status: str | None,
    app_period_end_days: float | None,
    app_price: str = "price_pro_monthly",
    **subscription: Any,
) -> None:
    """A users row whose access is its period end; `app_period_end_days` is how far
    ahead (negative: ago) the app's stripe_current_period_end is."""
    email = f"{name.lower().replace(' ', '.')}@example.com"
    row: dict[str, Any] = {
        "id": uid,
        "name": name,
        "email": email,
        "stripe_customer_id": None,
        "stripe_subscription_id": None,
        "stripe_price_id": None,
        "stripe_current_period_end": (
            s.ago_iso(-app_period_end_days) if app_period_end_days is not None else None
        ),
    }
    if status is not None:
        cid = new_id("cus", f"{s.name}:{uid}")
        sid = new_id("sub", f"{s.name}:{uid}")
        s.customer(cid, email=email, name=name)
        s.subscription(sid, cid, "price_pro_monthly", status=status, **subscription)
        row.update(stripe_customer_id=cid, stripe_subscription_id=sid, stripe_price_id=app_price)
    s.rows.append(row)


def schema_period_end_fail() -> Scenario:
    s = _scenario(
        "schema-period-end-fail",
        "A users table whose access is stripe_current_period_end plus one day. Bea's renewal "
        "webhook was lost: Stripe renewed her 3 days ago, the row still ends 3 days ago, so "
        "she is locked out (revenue leak, fixed by writing billing's new period end; one "
        "finding, not a stale period end besides). Cal's subscription was canceled at once "
        "5 days ago but his row runs 25 more days (wrongful access). Dee's period ended 10 "
        "hours ago, inside the app's one-day allowance: settling, not drift. Fay pays for "
        "Pro but her row holds the Starter price id: underprovisioned, fixed by writing the "
        "Pro price id (plans.stored_as: price_id).",
        "users",
        PERIOD_END_COLUMNS,
        BY_PRICE,
    )
    _user(s, "clu1ann", "Ann Lee", status="active", app_period_end_days=20)
    _user(
        s, "clu2bea", "Bea Cruz", status="active", app_period_end_days=-3, period_started_days_ago=3
    )
    _user(
        s,
        "clu3cal",
        "Cal Dunn",
        status="canceled",
        app_period_end_days=25,
        period_started_days_ago=5,
        canceled_days_ago=5,
    )
    _user(
        s,
        "clu4dee",
        "Dee Ford",
        status="canceled",
        app_period_end_days=-10 / 24,
        period_started_days_ago=30 + 10 / 24,
        canceled_days_ago=10 / 24,
    )
    _user(s, "clu5eve", "Eve Gray", status=None, app_period_end_days=None)
    _user(
        s,
        "clu6fay",
        "Fay Hale",
        status="active",
        app_period_end_days=20,
        app_price="price_starter_monthly",
    )
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:clu2bea"),
            ("access.wrongful_access", "account:clu3cal"),
            ("plan.underprovisioned", "account:clu6fay"),
        ],
        monthly_at_stake={"usd": 14700},
        settling=["account:clu4dee"],
    )
    return s


def schema_period_end_pass() -> Scenario:
    s = _scenario(
        "schema-period-end-pass",
        "The same users table in agreement: an active subscriber whose row ends with the "
        "paid period, one canceled long ago whose row ended with it, a user who never "
        "subscribed, and one whose row holds the yearly Pro price while Stripe bills the "
        "monthly one: the same plan, so no plan finding.",
        "users",
        PERIOD_END_COLUMNS,
        BY_PRICE,
    )
    _user(s, "clu1ann", "Ann Lee", status="active", app_period_end_days=20)
    _user(
        s,
        "clu2bea",
        "Bea Cruz",
        status="canceled",
        app_period_end_days=-40,
        period_started_days_ago=70,
        canceled_days_ago=40,
    )
    _user(s, "clu5eve", "Eve Gray", status=None, app_period_end_days=None)
    _user(
        s,
        "clu6fay",
        "Fay Hale",
        status="active",
        app_period_end_days=20,
        app_price="price_pro_yearly",
    )
    s.expect("pass", [])
    return s


MEMBER_COLUMNS = {
    "id": "id",
    "customer_id": "members_stripe_customers.customer_id",
    "has_access": {"column": "status", "grants": ["paid", "comped"], "otherwise": "free"},
    "comped": {"column": "status", "grants": ["comped"]},
    "email": "email",
    "label": "name",
}


def _members(name: str, description: str) -> Scenario:
    s = _scenario(name, description, "members", MEMBER_COLUMNS, {})
    accounts = s.config["database"]["tables"]["accounts"]
    accounts["subject"] = "member"
    accounts["joins"] = {"members_stripe_customers": {"on": {"member_id": "id"}}}
    s.tables["members_stripe_customers"] = []
    return s


def _member(
    s: Scenario, number: int, name: str, *, app_status: str, status: str | None, **sub: Any
) -> None:
    """A members row (Ghost ids are 24-hex object ids) and, with `status`, its Stripe
    customer in members_stripe_customers and a subscription in that status."""
    member_id = f"6500000000000000000000{number:02d}"
    email = f"{name.lower().replace(' ', '.')}@example.com"
    s.rows.append(
        {
            "id": member_id,
            "uuid": f"uuid-{number}",
            "email": email,
            "name": name,
            "status": app_status,
            "created_at": s.ago_iso(300),
        }
    )
    if status is None:
        return
    cid = new_id("cus", f"{s.name}:{number}")
    s.customer(cid, email=email, name=name)
    s.subscription(
        new_id("sub", f"{s.name}:{number}"), cid, "price_pro_monthly", status=status, **sub
    )
    s.tables["members_stripe_customers"].append(
        {
            "id": f"msc{number}",
            "member_id": member_id,
            "customer_id": cid,
            "name": name,
            "email": email,
            "created_at": s.ago_iso(200),
        }
    )


def schema_members_joined_fail() -> Scenario:
    s = _members(
        "schema-members-joined-fail",
        "Ghost-style members: status free, paid or comped, the Stripe customer id in "
        "members_stripe_customers (joined on member_id). Bo canceled 9 days ago but is still "
        "'paid' (wrongful access, fixed by writing 'free'); Cy pays but is 'free' (revenue "
        "leak, fixed by writing 'paid'). Ada agrees; Di is comped with no customer; Ed is "
        "free.",
    )
    _member(s, 1, "Ada Stone", app_status="paid", status="active")
    _member(s, 2, "Bo Lind", app_status="paid", status="canceled", canceled_days_ago=9)
    _member(s, 3, "Cy Park", app_status="free", status="active")
    _member(s, 4, "Di Moss", app_status="comped", status=None)
    _member(s, 5, "Ed Ng", app_status="free", status=None)
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:650000000000000000000003"),
            ("access.wrongful_access", "account:650000000000000000000002"),
        ],
        monthly_at_stake={"usd": 9800},
    )
    return s


def schema_members_joined_pass() -> Scenario:
    s = _members(
        "schema-members-joined-pass",
        "The same members in agreement: paid members pay, a member who canceled is free, a "
        "comped member has no customer, a free member never subscribed.",
    )
    _member(s, 1, "Ada Stone", app_status="paid", status="active")
    _member(s, 2, "Bo Lind", app_status="free", status="canceled", canceled_days_ago=9)
    _member(s, 4, "Di Moss", app_status="comped", status=None)
    _member(s, 5, "Ed Ng", app_status="free", status=None)
    s.expect("pass", [])
    return s


BUILDERS = {
    "schema-members-joined-fail": schema_members_joined_fail,
    "schema-members-joined-pass": schema_members_joined_pass,
    "schema-period-end-fail": schema_period_end_fail,
    "schema-period-end-pass": schema_period_end_pass,
    "schema-teams-status-fail": schema_teams_status_fail,
    "schema-teams-status-pass": schema_teams_status_pass,
}
