"""The webhooks pack on Paddle: its notifications (an event's delivery to one
destination, a replay being another) against the app's table of processed events
(`processed_events(event_id, event_type, processed_at)`)."""

from __future__ import annotations

from typing import Any

from scenario_kit import Scenario, paddle_id

from .common import NOW
from .paddle import PADDLE_PRO, PADDLE_STARTER, paddle_member
from .webhooks import record, with_ledger

HOUR = 60  # minutes


def _scenario(name: str, description: str) -> Scenario:
    return with_ledger(Scenario.paddle(name, NOW, description))


def _destination(name: str) -> str:
    return paddle_id("ntfset", name)


def _event(
    s: Scenario,
    name: str,
    etype: str,
    entity: str,
    *,
    minutes_ago: float,
    statuses: tuple[str, ...] = ("delivered",),
    destination: str = "app",
    times: int = 1,
    data: dict[str, Any] | None = None,
) -> str:
    """A Paddle event, notified to `destination` once per status (the first the
    original, the rest its replays), and recorded `times` times by the handler."""
    eid = paddle_id("evt", f"{s.name}:{name}")
    if etype.startswith("subscription.") and data is None:
        data = {"status": "active"}  # the subscription's state the event carried
    for n, status in enumerate(statuses):
        s.notification(
            paddle_id("ntf", f"{s.name}:{name}:{destination}:{n}"),
            eid,
            etype,
            entity,
            minutes_ago=minutes_ago,
            status=status,
            destination=_destination(destination),
            origin="event" if n == 0 else "replay",
            data=data,
        )
    record(s, eid, etype, minutes_ago=minutes_ago, times=times)
    return eid


def _members(s: Scenario) -> tuple[str, str]:
    """Two paying members, agreed on by both sides; their subscription ids."""
    paddle_member(s, "u_981", "Ana Ruiz", PADDLE_PRO, period_started_days_ago=10)
    paddle_member(s, "u_982", "Ben Ode", PADDLE_STARTER, period_started_days_ago=12)
    return paddle_id("sub", f"{s.name}:u_981"), paddle_id("sub", f"{s.name}:u_982")


def _paid(s: Scenario, name: str, subscription: str, total: int, **kw: Any) -> str:
    """A transaction.completed of `total` cents for the subscription."""
    data = {
        "subscription_id": subscription,
        "currency_code": "USD",
        "details": {"totals": {"total": str(total)}},
    }
    return _event(
        s,
        name,
        "transaction.completed",
        paddle_id("txn", f"{s.name}:{name}"),
        data=data,
        **kw,
    )


def webhooks_paddle_fail() -> Scenario:
    s = _scenario(
        "webhooks-paddle-fail",
        "Paddle's notifications of the last three days against the app's processed_events. "
        "Ben's subscription.updated, 5 hours old, was delivered and never recorded "
        "(unprocessed, Ben's $19 a month); so was a one-off transaction.completed of $25 "
        "with no subscription; Ana's subscription.updated, 60 hours old, unprocessed and "
        "still retried, has 12 hours of Paddle's retries left (expiring, the only finding for "
        "it); Ana's renewal transaction.completed of 30 hours ago was processed twice "
        "(duplicate: Ana's $49 a month, counted once with the expiring one); Ben's "
        "transaction.completed, 4 hours old, was processed, yet its notification still needs "
        "a retry (a warning, no money lost: the handler did not answer 200 in time). Not "
        "findings: Ana's processed transaction.completed; Ben's subscription.activated, whose "
        "notification failed and whose replay was delivered and processed. $93 a month at "
        "stake.",
    )
    ana, ben = _members(s)
    _paid(s, "ana-paid", ana, 4900, minutes_ago=20 * HOUR)
    _event(s, "ben-updated", "subscription.updated", ben, minutes_ago=5 * HOUR, times=0)
    one_off = {"subscription_id": None, "currency_code": "USD"}
    _event(
        s,
        "one-off",
        "transaction.completed",
        paddle_id("txn", f"{s.name}:one-off"),
        minutes_ago=7 * HOUR,
        times=0,
        data={**one_off, "details": {"totals": {"total": "2500"}}},
    )
    _event(
        s,
        "ana-renewed",
        "subscription.updated",
        ana,
        minutes_ago=60 * HOUR,
        statuses=("needs_retry",),
        times=0,
    )
    _paid(s, "ben-paid", ben, 1900, minutes_ago=4 * HOUR, statuses=("needs_retry",))
    _paid(s, "ana-charged", ana, 4900, minutes_ago=30 * HOUR, times=2)
    _event(
        s,
        "ben-activated",
        "subscription.activated",
        ben,
        minutes_ago=10 * HOUR,
        statuses=("failed", "delivered"),
    )

    def event(name: str) -> str:
        return f"event:{paddle_id('evt', f'{s.name}:{name}')}"

    s.expect(
        "fail",
        [
            ("webhooks.unprocessed_event", event("ben-updated")),
            ("webhooks.unprocessed_event", event("one-off")),
            ("webhooks.expiring_unprocessed", event("ana-renewed")),
            ("webhooks.delivery_failing", event("ben-paid")),
            ("webhooks.duplicate_processing", event("ana-charged")),
        ],
        monthly_at_stake={"usd": 9_300},
    )
    return s


def webhooks_paddle_pass() -> Scenario:
    s = _scenario(
        "webhooks-paddle-pass",
        "Paddle, with webhooks.destination naming the app's notification destination: every "
        "event of a type the app must process from the last three days was delivered there "
        "and recorded once. Not findings: an analytics destination's failed notifications "
        "(not the app's); a notification that failed and was replayed, delivered and "
        "processed; a needs_retry notification 20 minutes old (Paddle's first hour of "
        "retries is routine) that the app already recorded; a customer.updated never "
        "recorded (not a type the app processes); an unprocessed transaction.completed of "
        "5 days ago (beyond the lookback).",
    )
    s.config["webhooks"] = {"destination": _destination("app")}
    ana, ben = _members(s)
    _paid(s, "ana-paid", ana, 4900, minutes_ago=20 * HOUR)
    _paid(
        s,
        "ana-paid",
        ana,
        4900,
        minutes_ago=20 * HOUR,
        statuses=("failed",),
        destination="analytics",
        times=0,
    )
    _event(
        s,
        "ben-updated",
        "subscription.updated",
        ben,
        minutes_ago=30 * HOUR,
        statuses=("failed", "delivered"),
    )
    _paid(s, "ben-paid", ben, 1900, minutes_ago=20, statuses=("needs_retry",))
    _event(
        s,
        "ana-customer",
        "customer.updated",
        paddle_id("ctm", f"{s.name}:u_981"),
        minutes_ago=3 * HOUR,
        times=0,
    )
    _paid(s, "ana-old", ana, 4900, minutes_ago=5 * 24 * HOUR, times=0)
    s.expect("pass", [])
    return s


BUILDERS = {
    "webhooks-paddle-fail": webhooks_paddle_fail,
    "webhooks-paddle-pass": webhooks_paddle_pass,
}
