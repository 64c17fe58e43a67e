"""A finding's repair (remedies.Repair) from its rule's `repair:` actions: the rows of
the app's tables to change, the app's way (a status column gets a status, an expiry
a time, a table-decided access its rows' status), each with the value the check read;
the provider steps; or why it needs a person. Written, never executed: `prodcheck
repair` turns it into a reviewed plan."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from prodcheck.engine.access import status_value
from prodcheck.engine.event_facts import RETENTION_DAYS
from prodcheck.engine.index import Index
from prodcheck.mapping import ColumnMapping, TableConfig
from prodcheck.model import Account
from prodcheck.remedies import ColumnChange, ProviderStep, Repair, RowChange, Scalar, scalar
from prodcheck.tables import SOURCE

# What an action gives: rows and provider steps, or why a person must do it.
Outcome = tuple[list[RowChange], list[ProviderStep]] | str
Action = Callable[[Mapping[str, Any], Any, Index], Outcome]


def _time(columns: ColumnMapping, moment: datetime | None) -> Scalar:
    """A time as the table stores it: epoch milliseconds, else ISO 8601."""
    if moment is None or not columns.milliseconds:
        return scalar(moment)
    return (moment - datetime(1970, 1, 1, tzinfo=moment.tzinfo)) // timedelta(milliseconds=1)


def _row(table: TableConfig, key: Any, column: str | None, value: Any, before: Any) -> Outcome:
    """One column of one row of `table`, found by its key column."""
    if column is None:
        return f"{table.table} maps no column for it"
    join = table.join_of(column)
    if join is not None:
        return f"{column} is a column of the joined table {join.table}: change it there by hand"
    change = ColumnChange(column, scalar(value), scalar(before))
    return [RowChange(table.table, table.columns.id, scalar(key), (change,))], []


def _accounts(index: Index) -> TableConfig:
    return index.config.database.tables["accounts"]


def _access(grant: bool) -> Action:
    def action(facts: Mapping[str, Any], account: Account, index: Index) -> Outcome:
        table = _accounts(index)
        columns = table.columns
        access = columns.derivation("has_access")
        billed = (facts["candidate"] or {}).get("status")
        if access is None:
            return _row(table, account.id, columns.get("has_access"), grant, account.has_access)
        if access.source:
            return _app_access(grant, facts, account, index, billed)
        if access.expires:
            before = _time(columns, account.access_expires_at)
            if not grant:
                until = index.now - timedelta(hours=access.allowance_hours)
                return _row(table, account.id, access.column, _time(columns, until), before)
            end = facts["billing_period_end"]
            if end is None:
                return "billing names no period end to extend access to"
            return _row(table, account.id, access.column, _time(columns, end), before)
        value = status_value(access, billed, grant)
        return _row(table, account.id, access.column, value, account.value(f"has_access{SOURCE}"))

    return action


def _app_access(
    grant: bool, facts: Mapping[str, Any], account: Account, index: Index, billed: str | None
) -> Outcome:
    """Access decided by the app's subscriptions rows: their status, the app's way."""
    table = index.config.database.tables["app_subscriptions"]
    access = index.config.database.columns.derivation("has_access")
    assert access is not None
    status = table.columns.get("status")
    rows = index.app_rows_for(account)
    if grant:
        paid = (facts["candidate"] or {}).get("id")
        found = [row for row in rows if row["id"] == paid]
        if not found:
            return (
                f"access is decided by {table.table}, which holds no row for {paid}: insert "
                "it by hand, or resend the subscription's event once the handler writes it"
            )
    else:
        found = [row for row in rows if row.get("status") in access.grants]
    changes: list[RowChange] = []
    for row in found:
        own = index.subscriptions_by_id.get(row["id"])
        if not grant and own is not None and own.id in index.entitling:
            return (
                f"{table.table} row {row['id']} is a subscription billing bills to customer "
                f"{own.customer_id} ({own.status.value}): it sits on the wrong account; move "
                "it to the account that pays, by hand"
            )
        value = status_value(access, own.status.value if own else billed, grant)
        outcome = _row(table, row["id"], status, value, row.get("status"))
        if isinstance(outcome, str):
            return outcome
        changes += outcome[0]
    return changes, []


def _account_field(field: str, fact: Callable[[Mapping[str, Any]], Any]) -> Action:
    """Set a field of the row to billing's value, when the field is mapped and differs
    (a rule that supersedes the field's own rule repairs it too)."""

    def action(facts: Mapping[str, Any], account: Account, index: Index) -> Outcome:
        table = _accounts(index)
        value = fact(facts)
        if value is None:
            return f"billing names no {field.replace('_', ' ')} to write"
        before = account.value(field)
        if isinstance(value, datetime):
            value, before = _time(table.columns, value), _time(table.columns, before)
        if table.columns.get(field) is None or value == before:
            return [], []
        return _row(table, account.id, table.columns.get(field), value, before)

    return action


def _billing_plan(facts: Mapping[str, Any]) -> Any:
    return None if facts["plan_matches"] else facts["billing_plan_value"]


def _paid_subscription(facts: Mapping[str, Any]) -> Any:
    stored = facts["account"].get("subscription_id")
    paid = facts["entitling_subscriptions"]
    return None if not paid or stored in paid else paid[0]


def _app_field(field: str) -> Action:
    def action(facts: Mapping[str, Any], _row_object: Any, index: Index) -> Outcome:
        table = index.config.database.tables["app_subscriptions"]
        row, billed = facts["app_subscription"], facts["billed"]
        value = billed[field]
        if field == "status" and value is None:
            value = (facts.get("newest_event") or {}).get("status")
        if value is None:
            return f"billing holds no {field.replace('_', ' ')} for {row['id']}"
        before = row.get(field)
        if isinstance(value, datetime):
            value, before = _time(table.columns, value), _time(table.columns, before)
        return _row(table, row["id"], table.columns.get(field), value, before)

    return action


def _cancel(facts: Mapping[str, Any], _account: Any, index: Index) -> Outcome:
    provider = index.config.billing.provider.value
    ids = facts["entitling_subscriptions"]
    return [], [ProviderStep(provider, "cancel_subscription", sub) for sub in ids]


def _resend(facts: Mapping[str, Any], _event: Any, index: Index) -> Outcome:
    provider = index.config.billing.provider.value
    event = facts["event"]
    created = event["created"]
    until = None
    if created is not None:
        until = str(scalar(created + timedelta(days=RETENTION_DAYS[provider])))
    if provider == "stripe":
        return [], [ProviderStep(provider, "resend_event", event["id"], until)]
    if not event.get("notification_id"):
        return "Paddle names no notification of this event to replay"
    return [], [ProviderStep(provider, "replay_notification", event["notification_id"], until)]


ACTIONS: dict[str, Action] = {
    "grant_access": _access(True),
    "revoke_access": _access(False),
    "set_plan": _account_field("plan", _billing_plan),
    "set_expiry": _account_field("access_expires_at", lambda facts: facts["billing_period_end"]),
    "set_subscription_id": _account_field("subscription_id", _paid_subscription),
    "cancel_subscriptions": _cancel,
    "set_app_status": _app_field("status"),
    "set_app_period_end": _app_field("period_end"),
    "set_app_cancel": _app_field("cancel_at_period_end"),
    "set_app_quantity": _app_field("quantity"),
    "resend_event": _resend,
}


def repair_of(
    actions: tuple[str, ...], facts: Mapping[str, Any], row: Any, index: Index
) -> Repair | None:
    """The repair of a finding whose rule declares `actions` (None: it declares none).
    The first is the rule's own repair: when it cannot be written, a person must do
    it. The others repair what the rule supersedes, where it applies. A column two
    actions would set is set once, by the first."""
    if not actions:
        return None
    rows: list[RowChange] = []
    steps: list[ProviderStep] = []
    seen: set[tuple[str, Scalar, str]] = set()
    for number, action in enumerate(actions):
        outcome = ACTIONS[action](facts, row, index)
        if isinstance(outcome, str):
            if number == 0:
                return Repair(manual=outcome)
            continue
        for change in outcome[0]:
            kept = tuple(
                c for c in change.changes if (change.table, change.key, c.column) not in seen
            )
            seen.update((change.table, change.key, c.column) for c in kept)
            if kept:
                rows.append(RowChange(change.table, change.key_column, change.key, kept))
        steps += outcome[1]
    if not rows and not steps:
        return Repair(manual="the row already holds what billing says: nothing to write")
    return Repair(tuple(rows), tuple(steps))
