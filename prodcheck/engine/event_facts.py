"""The provider's events next to the app's table of processed events
(database.tables.processed_events): the webhooks pack's subjects and their facts.

An event is a subject when its type is one the app must process
(webhooks.event_types) and it was created within webhooks.lookback_days of now,
oldest first. Its facts: the event's own fields, its age, and how many rows of
the app's table hold its id. sql_facts.py computes the same as SQL
(tests/test_sql_facts.py holds the two together).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prodcheck.engine.index import Index
from prodcheck.model import Event
from prodcheck.results import Subject

MICROSECONDS_PER_HOUR = 3_600_000_000
# Stripe retries a live event's delivery for up to 3 days, and keeps events 30 days.
RETRY_HOURS = 72
RETENTION_DAYS = 30


def event_rows(index: Index) -> list[Event]:
    """The events the app must have processed, oldest first (then by id)."""
    cached = index.event_cache.get("rows")
    if cached is not None:
        return list(cached)
    webhooks, provider = index.config.webhooks, index.config.billing.provider
    since = index.now - timedelta(days=webhooks.lookback_days)
    found = []
    if index.has_processed_table and index.has_events and index.billing_db is not None:
        for row in index.billing_db.execute(
            "SELECT id, type, created, object_id, pending_webhooks FROM billing_events "
            "WHERE created >= ? ORDER BY created, id",
            [since],
        ).fetchall():
            event = Event(*row)
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


def event_subject(
    index: Index, event: Event
) -> tuple[Subject, dict[str, Any], dict[str, tuple[str, ...]]]:
    """(subject, facts, refs) of one event."""
    count = index.processed_counts.get(event.id, 0)
    facts: dict[str, Any] = {
        "event": {
            "id": event.id,
            "type": event.type,
            "created": event.created,
            "object_id": event.object_id,
            "pending_webhooks": event.pending_webhooks,
        },
        "age_hours": (age := age_hours(index, event)),
        "retry_hours_left": None if age is None else RETRY_HOURS - age,
        "retention_days_left": None if age is None else RETENTION_DAYS - age / 24,
        "processed": count > 0,
        "processed_count": count,
    }
    return Subject("event", event.id), facts, {"event": (event.id,)}
