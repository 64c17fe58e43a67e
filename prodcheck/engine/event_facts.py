"""The provider's events next to the app's table of processed events
(database.tables.processed_events): the webhooks pack's subjects and their facts.

An event is a subject when its type is one the app must process
(webhooks.event_types) and it was created within webhooks.lookback_days of now,
oldest first. Its facts: the event's own fields, its age, and how many rows of
the app's table hold its id. sql_facts.py computes the same as SQL
(tests/test_sql_facts.py holds the two together).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta
from typing import Any

from prodcheck.engine.index import Index
from prodcheck.model import Event, Money
from prodcheck.results import Subject
from prodcheck.webhooks_config import matches

MICROSECONDS_PER_HOUR = 3_600_000_000
# The event's fields its `event.*` facts are (how it was delivered and what its
# object is worth are facts of their own).
EVENT_FIELDS = tuple(
    f.name
    for f in fields(Event)
    if f.name not in ("destination", "delivered", "amount", "currency", "status")
)
# Stripe retries a live event's delivery for up to 3 days, and keeps events 30 days;
# Paddle retries a live notification for 3 days too, and keeps events 90 days.
RETRY_HOURS = 72
RETENTION_DAYS = {"stripe": 30, "paddle": 90}


# billing_events' rows folded into one per event. Stripe's: one row per event, its
# pending deliveries as Stripe counts them. Paddle's: a row per notification (an
# event's delivery to one destination, replays included); a destination is owed the
# event while a notification to it failed or needs a retry and none reached it, and
# the notification to replay is a failing one's, else the latest one's.
EVENT_ROWS = """
WITH per_destination AS (
    SELECT id, destination, min(type) AS type, min(created) AS created,
        min(object_id) AS object_id,
        CASE WHEN destination IS NULL THEN sum(pending_webhooks)
            WHEN bool_or(delivered) THEN 0
            ELSE least(sum(pending_webhooks), 1) END AS pending,
        max(notification_id) AS notification_id, min(subscription_id) AS subscription_id,
        min(amount) AS amount, min(currency) AS currency
    FROM billing_events WHERE created >= ? {where}
    GROUP BY id, destination
)
SELECT id, min(type), min(created), min(object_id), sum(pending)::BIGINT,
    coalesce(max(notification_id) FILTER (WHERE pending > 0), max(notification_id)),
    min(subscription_id), min(amount), min(currency)
FROM per_destination GROUP BY id ORDER BY min(created), id
"""


def event_rows(index: Index) -> list[Event]:
    """The events the app must have processed, oldest first (then by id)."""
    cached = index.event_cache.get("rows")
    if cached is not None:
        return list(cached)
    webhooks, provider = index.config.webhooks, index.config.billing.provider
    since = index.now - timedelta(days=webhooks.lookback_days)
    found = []
    subjects = index.has_processed_table or bool(webhooks.effects)
    if subjects and index.has_events and index.billing_db is not None:
        params: list[Any] = [since]
        where = ""
        if webhooks.destination and provider.value == "paddle":
            where, params = "AND destination = ?", [since, webhooks.destination]
        rows = index.billing_db.execute(EVENT_ROWS.format(where=where), params).fetchall()
        for eid, etype, created, object_id, pending, notification, sub, amount, cur in rows:
            event = Event(
                eid,
                etype,
                created,
                object_id,
                pending,
                notification_id=notification,
                subscription_id=sub,
                amount=amount,
                currency=cur,
            )
            if webhooks.relevant(provider, event.type):
                found.append(event)
    index.event_cache["rows"] = tuple(found)
    return found


def settles(index: Index, event: Event) -> bool:
    """Created within the settle window: its webhook may still be in flight (the
    engine decides it in SQL, sql_facts.event_facts; this says the same in Python)."""
    minutes = index.config.policy.settle_window_minutes
    since = index.now - timedelta(minutes=minutes)
    return bool(minutes) and event.created is not None and event.created >= since


def age_hours(index: Index, event: Event) -> float | None:
    if event.created is None:
        return None
    return (index.now - event.created) / timedelta(microseconds=1) / MICROSECONDS_PER_HOUR


def _effects(index: Index, event: Event) -> dict[str, Any]:
    """Whether the handler wrote what each effect check for its type looks for (the
    event's object id, or its subscription, in the check's table.column)."""
    found: bool | None = None
    where = value = None
    for number, check in enumerate(index.config.webhooks.effects):
        if not matches(check.event_type, event.type):
            continue
        wanted = check.value_of(event.object_id, event.subscription_id)
        if wanted is None or number >= len(index.effects_found):
            continue
        present = wanted in index.effects_found[number]
        found = present if found is None else found and present
        if not present and where is None:
            where, value = check.where, wanted
    return {"effect_found": found, "effect_missing_in": where, "effect_value": value}


def retention_days(index: Index) -> int:
    """How long the provider keeps an event (and it can be resent)."""
    return RETENTION_DAYS[index.config.billing.provider.value]


def event_subject(
    index: Index, event: Event
) -> tuple[Subject, dict[str, Any], dict[str, tuple[str, ...]]]:
    """(subject, facts, refs) of one event. What it is worth: the monthly amount of
    the subscription its object is or names, when billing holds it (counted once
    with any other finding about that subscription); else the object's own amount."""
    count = index.processed_counts.get(event.id, 0)
    sub = index.subscriptions_by_id.get(event.subscription_id or "")
    own = (
        Money(event.amount, event.currency) if event.amount is not None and event.currency else None
    )
    worth = sub.monthly_amount if sub is not None and sub.monthly_amount is not None else own
    facts: dict[str, Any] = {
        "event": {name: getattr(event, name) for name in EVENT_FIELDS},
        "age_hours": (age := age_hours(index, event)),
        "retry_hours_left": None if age is None else RETRY_HOURS - age,
        "retention_days_left": None if age is None else retention_days(index) - age / 24,
        "processed": count > 0,
        "processed_count": count,
        "monthly_amount": worth,
        "object_amount": own,
        **_effects(index, event),
    }
    refs: dict[str, tuple[str, ...]] = {"event": (event.id,)}
    if sub is not None:
        refs["subscription"] = (sub.id,)
    return Subject("event", event.id), facts, refs
