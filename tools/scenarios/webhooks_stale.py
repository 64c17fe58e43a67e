"""The webhooks pack's out-of-order check: the app's own subscriptions table (with
the time each row was last written, `updated_at`) against the statuses Stripe's
subscription events carried."""

from __future__ import annotations

from typing import Any

from scenario_kit import Scenario, new_id

from .schemas import APP_TABLE, _app, _subscriber

HOUR = 60  # minutes
DAY_MINUTES = 24 * 60


def _scenario(name: str, description: str) -> Scenario:
    s = _app(name, description)
    columns = {**APP_TABLE["columns"], "updated_at": "updated_at"}
    s.config["database"]["tables"]["app_subscriptions"] = {**APP_TABLE, "columns": columns}
    return s


def _event(
    s: Scenario, name: str, etype: str, sub: dict[str, Any], status: str, minutes: float
) -> str:
    eid = new_id("evt", f"{s.name}:{name}")
    s.event(eid, etype, sub["id"], minutes_ago=minutes, fields={"status": status})
    return eid


def _written(s: Scenario, minutes_ago: float, **changes: Any) -> None:
    """The last row written `minutes_ago`, with `changes`."""
    s.tables["subscriptions"][-1].update(
        {"updated_at": s.ago_iso(minutes_ago / DAY_MINUTES), **changes}
    )


def webhooks_stale_overwrite_fail() -> Scenario:
    s = _scenario(
        "webhooks-stale-overwrite-fail",
        "Ben canceled: Stripe sent customer.subscription.updated (active) 2 hours ago and "
        "customer.subscription.deleted (canceled) an hour ago. The handler applied the "
        "deletion, then the retried update arrived and wrote 'active' over it 30 minutes "
        "ago: the row was written after the newest event yet holds the older one's status "
        "(one finding, not a status mismatch besides; $49 a month). Ava's row applied her "
        "events in order.",
    )
    ava = _subscriber(s, "u_721", "Ava Ames", copy={})
    _event(s, "ava-updated", "customer.subscription.updated", ava, "active", 3 * HOUR)
    _written(s, 3 * HOUR - 1)
    ben = _subscriber(
        s,
        "u_722",
        "Ben Bell",
        access=False,
        status="canceled",
        canceled_days_ago=1 / 24,
        copy={"status": "active"},
    )
    _event(s, "ben-updated", "customer.subscription.updated", ben, "active", 2 * HOUR)
    _event(s, "ben-deleted", "customer.subscription.deleted", ben, "canceled", HOUR)
    _written(s, 30)
    s.expect(
        "fail",
        [("webhooks.stale_overwrite", f"app_subscription:{ben['id']}")],
        monthly_at_stake={"usd": 4900},
    )
    return s


def webhooks_stale_overwrite_pass() -> Scenario:
    s = _scenario(
        "webhooks-stale-overwrite-pass",
        "Every row holds the status of the newest event about its subscription: Cat's "
        "deletion applied after her update (written an hour ago); Dan's row rewritten "
        "after an update that kept him active; Eve's row never written since an event "
        "(updated_at before them all, its status still the newest); Fay's row has no "
        "updated_at (nothing to order by).",
    )
    cat = _subscriber(
        s, "u_731", "Cat Cole", access=False, status="canceled", canceled_days_ago=1 / 24, copy={}
    )
    _event(s, "cat-updated", "customer.subscription.updated", cat, "active", 2 * HOUR)
    _event(s, "cat-deleted", "customer.subscription.deleted", cat, "canceled", HOUR)
    _written(s, HOUR - 1)
    dan = _subscriber(s, "u_732", "Dan Dorn", copy={})
    _event(s, "dan-renewed", "customer.subscription.updated", dan, "active", 5 * HOUR)
    _event(s, "dan-updated", "customer.subscription.updated", dan, "active", 2 * HOUR)
    _written(s, 20)
    eve = _subscriber(s, "u_733", "Eve Earl", copy={})
    _event(s, "eve-updated", "customer.subscription.updated", eve, "active", 2 * HOUR)
    _written(s, 3 * DAY_MINUTES)
    fay = _subscriber(s, "u_734", "Fay Finn", copy={})
    _event(s, "fay-updated", "customer.subscription.updated", fay, "active", 2 * HOUR)
    _written(s, 0, updated_at=None)
    s.expect("pass", [])
    return s


BUILDERS = {
    "webhooks-stale-overwrite-fail": webhooks_stale_overwrite_fail,
    "webhooks-stale-overwrite-pass": webhooks_stale_overwrite_pass,
}
