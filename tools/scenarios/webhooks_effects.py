"""The webhooks pack's effect checks (webhooks.effects): what the handler must have
written for an event, here an `orders` row per checkout session
(`orders.stripe_session_id`), checked in one query whatever the number of events,
with no ledger of processed events at all."""

from __future__ import annotations

from typing import Any

from scenario_kit import Scenario, new_id

from .common import member, new

HOUR = 60  # minutes
AMOUNTS = (1900, 2900, 4900, 9900, 1500)  # one-off checkout totals, in cents


def _scenario(name: str, description: str) -> Scenario:
    s = new(name, description)
    s.config["webhooks"] = {
        "effects": [
            {
                "event_type": "checkout.session.completed",
                "table": "orders",
                "column": "stripe_session_id",
            }
        ]
    }
    s.tables["orders"] = []
    member(s, "u_991", "Ana Ruiz")
    member(s, "u_992", "Ben Ode")
    return s


def _checkout(
    s: Scenario,
    name: str,
    amount: int,
    *,
    minutes_ago: float,
    ordered: bool = True,
    **kw: Any,
) -> str:
    """A one-off checkout session, completed `minutes_ago`; its order row unless not
    `ordered`. The event's id."""
    session = new_id("cs", f"{s.name}:{name}")
    eid = new_id("evt", f"{s.name}:{name}")
    fields = {
        "mode": "payment",
        "payment_status": "paid",
        "amount_total": amount,
        "currency": "usd",
        "subscription": None,
    }
    s.event(
        eid,
        "checkout.session.completed",
        session,
        minutes_ago=minutes_ago,
        object_type="checkout.session",
        fields=fields,
        **kw,
    )
    if ordered:
        s.tables["orders"].append(
            {
                "id": len(s.tables["orders"]) + 1,
                "stripe_session_id": session,
                "amount_cents": amount,
                "created_at": s.ago_iso(minutes_ago / (24 * 60) - 1 / 1440),
            }
        )
    return eid


def webhooks_effect_missing_fail() -> Scenario:
    s = _scenario(
        "webhooks-effect-missing-fail",
        "50 one-off checkout sessions completed over the last two days; the handler "
        "answered every checkout.session.completed, yet wrote no orders row for 3 of them "
        "($49, $99 and $29: $177 at stake). One query reads orders for all 50. The app "
        "keeps no ledger of processed events: the effect check needs none.",
    )
    missing = {7, 23, 41}
    events = [
        _checkout(
            s,
            f"checkout-{n}",
            AMOUNTS[n % len(AMOUNTS)],
            minutes_ago=(n + 1) * HOUR,
            ordered=n not in missing,
        )
        for n in range(50)
    ]
    s.expect(
        "fail",
        [("webhooks.effect_missing", f"event:{events[n]}") for n in sorted(missing)],
        monthly_at_stake={"usd": 4900 + 9900 + 2900},
    )
    return s


def webhooks_effect_missing_pass() -> Scenario:
    s = _scenario(
        "webhooks-effect-missing-pass",
        "Every checkout session delivered within the lookback has its orders row. Not "
        "findings: a session completed 4 minutes ago (settling: its webhook may be in "
        "flight); one 30 minutes old that Stripe has not delivered yet (pending_webhooks "
        "1: nothing was answered); one of 5 days ago (beyond the lookback); an invoice.paid "
        "(no effect check for its type).",
    )
    for n in range(10):
        _checkout(s, f"checkout-{n}", AMOUNTS[n % len(AMOUNTS)], minutes_ago=(n + 1) * HOUR)
    _checkout(s, "just-now", 2900, minutes_ago=4, ordered=False)
    _checkout(s, "in-flight", 4900, minutes_ago=30, ordered=False, pending_webhooks=1)
    _checkout(s, "old", 1900, minutes_ago=5 * 24 * HOUR, ordered=False)
    ana = s.subscriptions[0]["id"]
    s.event(new_id("evt", f"{s.name}:invoice"), "invoice.paid", ana, minutes_ago=2 * HOUR)
    s.expect("pass", [])
    return s


BUILDERS = {
    "webhooks-effect-missing-fail": webhooks_effect_missing_fail,
    "webhooks-effect-missing-pass": webhooks_effect_missing_pass,
}
