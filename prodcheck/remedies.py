"""What would repair a finding, as data: the rows of the app's database to change
(each with the values the check read), the provider steps (an event to resend, a
subscription to cancel), or why it needs a person. The engine fills it from the
rule's `repair:` actions (engine/repairs.py); the JSON report carries it; `prodcheck
repair` turns it into a reviewed plan (plan/). Nothing here is ever executed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# A value as the report writes it: JSON's scalars, a time as ISO 8601 (UTC).
Scalar = str | int | float | bool | None

# The actions a rule may declare (contract.schema.json's `repair` enum): the subject
# kind each applies to, and what it writes, for `prodcheck rules`.
ACTIONS: dict[str, tuple[str, str]] = {
    "grant_access": ("account", "SQL: grant access, the app's way"),
    "revoke_access": ("account", "SQL: revoke access, the app's way"),
    "set_plan": ("account", "SQL: set the plan billed"),
    "set_expiry": ("account", "SQL: set the access expiry to the period end"),
    "set_subscription_id": ("account", "SQL: set the subscription id billed"),
    "cancel_subscriptions": ("account", "provider: cancel the subscriptions"),
    "set_app_status": ("app_subscription", "SQL: set the copy's status"),
    "set_app_period_end": ("app_subscription", "SQL: set the copy's period end"),
    "set_app_cancel": ("app_subscription", "SQL: set the copy's cancel at period end"),
    "set_app_quantity": ("app_subscription", "SQL: set the copy's quantity"),
    "resend_event": ("event", "provider: resend the event while it is kept"),
}


def scalar(value: Any) -> Scalar:
    """A value read from a row as the report writes it."""
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        spec = "seconds" if moment.microsecond == 0 else "microseconds"
        return moment.isoformat(timespec=spec).replace("+00:00", "Z")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


@dataclass(frozen=True, slots=True)
class ColumnChange:
    column: str
    value: Scalar
    before: Scalar  # what the check read: the statement changes the row only if it still holds it


@dataclass(frozen=True, slots=True)
class RowChange:
    """One row of a table of the app's (its real name), found by its key column."""

    table: str
    key_column: str
    key: Scalar
    changes: tuple[ColumnChange, ...]


@dataclass(frozen=True, slots=True)
class ProviderStep:
    provider: str  # stripe | paddle
    action: str  # resend_event | replay_notification | cancel_subscription
    id: str
    # Until when the provider can still do it (an event's retention), else None.
    until: str | None = None


@dataclass(frozen=True, slots=True)
class Repair:
    rows: tuple[RowChange, ...] = ()
    provider: tuple[ProviderStep, ...] = ()
    manual: str | None = None  # why no statement or command can be written for it


def repair_record(repair: Repair) -> dict[str, Any]:
    """The report's `repair` object of a finding."""
    record: dict[str, Any] = {}
    if repair.rows:
        record["database"] = [
            {
                "table": row.table,
                "key": {"column": row.key_column, "value": row.key},
                "set": [
                    {"column": c.column, "value": c.value, "before": c.before} for c in row.changes
                ],
            }
            for row in repair.rows
        ]
    if repair.provider:
        record["provider"] = [
            {
                "provider": step.provider,
                "action": step.action,
                "id": step.id,
                **({"until": step.until} if step.until else {}),
            }
            for step in repair.provider
        ]
    if repair.manual:
        record["manual"] = repair.manual
    return record
