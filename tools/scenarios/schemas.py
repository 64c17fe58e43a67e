"""Real app schemas, checked with no view: access read the way each starter stores it.

- `schema-teams-status-*`: a Drizzle `teams` table (next-saas-starter style): serial
  id, `stripe_customer_id`, `stripe_subscription_id`, `stripe_product_id`,
  `plan_name` (the Stripe product's name: Base, Plus), and `subscription_status`
  holding Stripe's status string; access is "the status is active or trialing".
- `schema-period-end-*`: a Prisma `users` table (Taxonomy style): `stripe_price_id`
  as the plan and `stripe_current_period_end`; access is "the period end, plus a
  day, is ahead".
- `app-subscriptions-*`: a Supabase-style app keeping its own `subscriptions` table
  (id, status, price_id, quantity, current_period_end, cancel_at_period_end),
  compared with Stripe's subscription of the same id, field by field.
- `schema-supabase-*`: the Supabase starter: `users` (no billing column at all),
  `customers` (the Stripe customer id, joined on id) and its own `subscriptions`
  table, which decides access (an active or trialing row).
- `schema-members-joined-*`: Ghost-style `members` (status free, paid or comped)
  whose Stripe customer id lives in `members_stripe_customers`, joined on
  member_id: no view.
"""

from __future__ import annotations

from typing import Any

from scenario_kit import Scenario, default_config, iso, new_id

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


def schema_scenario(
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
    s = schema_scenario(
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
    s = schema_scenario(
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


def period_end_user(
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
    s = schema_scenario(
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
    period_end_user(s, "clu1ann", "Ann Lee", status="active", app_period_end_days=20)
    period_end_user(
        s, "clu2bea", "Bea Cruz", status="active", app_period_end_days=-3, period_started_days_ago=3
    )
    period_end_user(
        s,
        "clu3cal",
        "Cal Dunn",
        status="canceled",
        app_period_end_days=25,
        period_started_days_ago=5,
        canceled_days_ago=5,
    )
    period_end_user(
        s,
        "clu4dee",
        "Dee Ford",
        status="canceled",
        app_period_end_days=-10 / 24,
        period_started_days_ago=30 + 10 / 24,
        canceled_days_ago=10 / 24,
    )
    period_end_user(s, "clu5eve", "Eve Gray", status=None, app_period_end_days=None)
    period_end_user(
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
    s = schema_scenario(
        "schema-period-end-pass",
        "The same users table in agreement: an active subscriber whose row ends with the "
        "paid period, one canceled long ago whose row ended with it, a user who never "
        "subscribed, and one whose row holds the yearly Pro price while Stripe bills the "
        "monthly one: the same plan, so no plan finding.",
        "users",
        PERIOD_END_COLUMNS,
        BY_PRICE,
    )
    period_end_user(s, "clu1ann", "Ann Lee", status="active", app_period_end_days=20)
    period_end_user(
        s,
        "clu2bea",
        "Bea Cruz",
        status="canceled",
        app_period_end_days=-40,
        period_started_days_ago=70,
        canceled_days_ago=40,
    )
    period_end_user(s, "clu5eve", "Eve Gray", status=None, app_period_end_days=None)
    period_end_user(
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
    s = schema_scenario(name, description, "members", MEMBER_COLUMNS, {})
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


APP_TABLE = {
    "table": "subscriptions",
    "columns": {
        "id": "id",
        "status": "status",
        "price_id": "price_id",
        "quantity": "quantity",
        "period_end": "current_period_end",
        "cancel_at_period_end": "cancel_at_period_end",
    },
}
USERS = {
    "id": "id",
    "customer_id": "stripe_customer_id",
    "has_access": "has_paid_access",
    "plan": "plan",
}


def _app(name: str, description: str) -> Scenario:
    s = schema_scenario(name, description, "users", USERS, {})
    s.config["database"]["tables"]["app_subscriptions"] = APP_TABLE
    s.tables["subscriptions"] = []
    return s


def _copy(s: Scenario, sub: dict[str, Any], **changes: Any) -> None:
    """The app's row for a Stripe subscription, as a faithful handler writes it, then
    `changes` (the drift)."""
    item = sub["items"]["data"][0]
    row = {
        "id": sub["id"],
        "user_id": sub["metadata"].get("user_id") if sub.get("metadata") else None,
        "status": sub["status"],
        "price_id": item["price"]["id"],
        "quantity": item["quantity"],
        "cancel_at_period_end": sub["cancel_at_period_end"],
        "current_period_end": iso(item["current_period_end"]),
        "created": iso(sub["created"]),
    }
    row.update(changes)
    s.tables["subscriptions"].append(row)


def _subscriber(
    s: Scenario,
    uid: str,
    name: str,
    *,
    access: bool = True,
    copy: dict[str, Any] | None = None,
    **subscription: Any,
) -> dict[str, Any]:
    cid = new_id("cus", f"{s.name}:{uid}")
    s.customer(cid, email=f"{name.lower().replace(' ', '.')}@example.com", name=name)
    sub = s.subscription(new_id("sub", f"{s.name}:{uid}"), cid, "price_pro_monthly", **subscription)
    s.account(uid, cid, has_access=access, plan="pro")
    if copy is not None:
        _copy(s, sub, **copy)
    return sub


def app_subscriptions_fail() -> Scenario:
    s = _app(
        "app-subscriptions-fail",
        "The app keeps its own subscriptions table. Ben's cancellation never reached it "
        "(still 'active'); Cat's upgrade to Pro did not (still the Starter price); Dan's "
        "5 seats are 3 there; Eve's renewal 3 days ago did not move its period end; Fay "
        "canceled at period end but the row does not say so; Gus's subscription has no "
        "row at all; and a row names a subscription Stripe does not know. Ava's row is right.",
    )
    _subscriber(s, "u_701", "Ava Ames", copy={})
    _subscriber(
        s,
        "u_702",
        "Ben Bell",
        access=False,
        status="canceled",
        canceled_days_ago=10,
        copy={"status": "active"},
    )
    _subscriber(s, "u_703", "Cat Cole", copy={"price_id": "price_starter_monthly"})
    _subscriber(s, "u_704", "Dan Dorn", quantity=5, copy={"quantity": 3})
    eve = _subscriber(s, "u_705", "Eve Earl", period_started_days_ago=3, copy={})
    s.tables["subscriptions"][-1]["current_period_end"] = iso(
        eve["items"]["data"][0]["current_period_start"]
    )
    _subscriber(
        s, "u_706", "Fay Finn", cancel_at_period_end=True, copy={"cancel_at_period_end": False}
    )
    gus = _subscriber(s, "u_707", "Gus Gale")
    ghost = "sub_1GhostRowNoStripe0000000"
    s.tables["subscriptions"].append(
        {
            "id": ghost,
            "user_id": None,
            "status": "active",
            "price_id": "price_pro_monthly",
            "quantity": 1,
            "cancel_at_period_end": False,
            "current_period_end": s.ago_iso(-20),
            "created": s.ago_iso(40),
        }
    )
    s.expect(
        "fail",
        [
            (
                "app.status_mismatch",
                f"app_subscription:{new_id('sub', 'app-subscriptions-fail:u_702')}",
            ),
            (
                "app.price_mismatch",
                f"app_subscription:{new_id('sub', 'app-subscriptions-fail:u_703')}",
            ),
            (
                "app.quantity_mismatch",
                f"app_subscription:{new_id('sub', 'app-subscriptions-fail:u_704')}",
            ),
            ("app.period_end_mismatch", f"app_subscription:{eve['id']}"),
            (
                "app.cancel_mismatch",
                f"app_subscription:{new_id('sub', 'app-subscriptions-fail:u_706')}",
            ),
            ("app.missing_subscription", f"subscription:{gus['id']}"),
            ("app.unknown_subscription", f"app_subscription:{ghost}"),
        ],
        monthly_at_stake={"usd": 9800},
    )
    return s


def app_subscriptions_pass() -> Scenario:
    s = _app(
        "app-subscriptions-pass",
        "The app's subscriptions table agrees with Stripe: status, price, 5 seats, cancel at "
        "period end, a canceled subscription copied as canceled, a period end stored 20 "
        "minutes off (time zone rounding, within the hour), and a subscription canceled "
        "long ago with no row (nothing entitles it).",
    )
    _subscriber(s, "u_711", "Ida Ivy", copy={})
    _subscriber(
        s, "u_712", "Jon Jay", access=False, status="canceled", canceled_days_ago=10, copy={}
    )
    _subscriber(s, "u_713", "Kim Kaye", quantity=5, copy={})
    _subscriber(s, "u_714", "Lee Lund", cancel_at_period_end=True, copy={})
    late = _subscriber(s, "u_715", "Max Moe", copy={})
    end = late["items"]["data"][0]["current_period_end"]
    s.tables["subscriptions"][-1]["current_period_end"] = iso(end - 20 * 60)
    _subscriber(s, "u_716", "Ned Noe", access=False, status="canceled", canceled_days_ago=200)
    s.expect("pass", [])
    return s


SUPABASE_USERS = {
    "id": "id",
    "customer_id": "customers.stripe_customer_id",
    "has_access": {"from": "app_subscriptions", "grants": ["active", "trialing"]},
    "label": "full_name",
}
SUPABASE_SUBSCRIPTIONS = {
    "table": "subscriptions",
    "columns": {**APP_TABLE["columns"], "account_id": "user_id"},
}


def _supabase(name: str, description: str) -> Scenario:
    s = schema_scenario(name, description, "users", SUPABASE_USERS, {})
    tables = s.config["database"]["tables"]
    tables["accounts"]["subject"] = "user"
    tables["accounts"]["joins"] = {"customers": {"on": {"id": "id"}}}
    tables["app_subscriptions"] = SUPABASE_SUBSCRIPTIONS
    s.tables["customers"] = []
    s.tables["subscriptions"] = []
    return s


def _supabase_user(
    s: Scenario,
    number: int,
    name: str,
    *,
    row: dict[str, Any] | None = None,
    status: str | None = "active",
    **subscription: Any,
) -> dict[str, Any] | None:
    """A Supabase user; with `status`, a Stripe customer (in `customers`) and a
    subscription; `row` is how the app's subscriptions table differs from Stripe
    ({"skip": True}: no row at all)."""
    uid = f"5a1e0000-0000-4000-8000-0000000000{number:02d}"
    s.rows.append({"id": uid, "full_name": name, "avatar_url": None, "billing_address": None})
    if status is None:
        return None
    cid = new_id("cus", f"{s.name}:{number}")
    s.customer(cid, email=f"{name.lower().replace(' ', '.')}@example.com", name=name)
    s.tables["customers"].append({"id": uid, "stripe_customer_id": cid})
    sub = s.subscription(
        new_id("sub", f"{s.name}:{number}"), cid, "price_pro_monthly", status=status, **subscription
    )
    changes = dict(row or {})
    if not changes.pop("skip", False):
        _copy(s, sub, user_id=uid, **changes)
    return sub


def schema_supabase_fail() -> Scenario:
    s = _supabase(
        "schema-supabase-fail",
        "The Supabase starter: access is whatever its own subscriptions table says. Bo "
        "canceled 8 days ago but his row still says 'active': he keeps access (wrongful "
        "access) and the copy is stale (status mismatch). Cy's checkout webhook never wrote "
        "a row: he pays and is locked out (revenue leak), and the subscription has no row "
        "(missing). One problem each, reported from both sides, and each subscription's "
        "money counted once: $49 + $49 = $98/mo.",
    )
    _supabase_user(s, 1, "Ann Ash")
    bo = _supabase_user(
        s, 2, "Bo Birch", status="canceled", canceled_days_ago=8, row={"status": "active"}
    )
    cy = _supabase_user(s, 3, "Cy Cedar", row={"skip": True})
    _supabase_user(s, 4, "Di Dogwood", status="trialing", trial=True)
    _supabase_user(s, 5, "Ed Elm", status=None)
    assert bo is not None and cy is not None
    s.expect(
        "fail",
        [
            ("access.wrongful_access", "account:5a1e0000-0000-4000-8000-000000000002"),
            ("app.status_mismatch", f"app_subscription:{bo['id']}"),
            ("access.revenue_leak", "account:5a1e0000-0000-4000-8000-000000000003"),
            ("app.missing_subscription", f"subscription:{cy['id']}"),
        ],
        monthly_at_stake={"usd": 9800},
    )
    return s


def schema_supabase_pass() -> Scenario:
    s = _supabase(
        "schema-supabase-pass",
        "The same Supabase app in agreement: each subscription's row copies Stripe's, a "
        "canceled one says 'canceled' and grants nothing, a trialing one grants access, a "
        "user who never subscribed has neither a customer nor a row.",
    )
    _supabase_user(s, 1, "Ann Ash")
    _supabase_user(s, 2, "Bo Birch", status="canceled", canceled_days_ago=8)
    _supabase_user(s, 4, "Di Dogwood", status="trialing", trial=True)
    _supabase_user(s, 5, "Ed Elm", status=None)
    s.expect("pass", [])
    return s


BUILDERS = {
    "schema-supabase-fail": schema_supabase_fail,
    "schema-supabase-pass": schema_supabase_pass,
    "app-subscriptions-fail": app_subscriptions_fail,
    "app-subscriptions-pass": app_subscriptions_pass,
    "schema-members-joined-fail": schema_members_joined_fail,
    "schema-members-joined-pass": schema_members_joined_pass,
    "schema-period-end-fail": schema_period_end_fail,
    "schema-period-end-pass": schema_period_end_pass,
    "schema-teams-status-fail": schema_teams_status_fail,
    "schema-teams-status-pass": schema_teams_status_pass,
}
