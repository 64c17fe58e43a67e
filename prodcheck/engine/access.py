"""Access as the app stores it: a boolean column, a status column whose values grant
access, or an expiry time (plus an allowance) still ahead. The engine decides access
the app's way, and says what to write the app's way: never `= true` into a status
column."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from prodcheck.mapping import ColumnMapping
from prodcheck.model import Account, SubscriptionStatus
from prodcheck.tables import SOURCE, Derivation


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _stored(columns: ColumnMapping, moment: datetime, note: str = "") -> str:
    """A time as the table stores it: ISO 8601, or in a table of epoch milliseconds
    the number to write, with its ISO reading; `note` in parentheses after it."""
    if not columns.milliseconds:
        return f"{_iso(moment)} ({note})" if note else _iso(moment)
    milliseconds = (moment - _EPOCH) // timedelta(milliseconds=1)
    return f"{milliseconds} ({_iso(moment)}{', ' + note if note else ''})"


Rows = Sequence[Mapping[str, Any]]


def has_access(columns: ColumnMapping, account: Account, now: datetime, rows: Rows = ()) -> bool:
    """`rows`: the account's rows of the app's subscriptions table, when access is
    decided by them."""
    access = columns.derivation("has_access")
    if access is not None and access.source:
        return any(row.get("status") in access.grants for row in rows)
    if access is not None and access.expires:
        end = account.access_expires_at
        return end is not None and end + timedelta(hours=access.allowance_hours) > now
    return bool(account.has_access)


def state(
    columns: ColumnMapping, account: Account, granted: bool, rows: Rows = (), table: str = ""
) -> str:
    """The row's access as stored: `has_paid_access = false`, `status = 'canceled'`."""
    access = columns.derivation("has_access")
    column = columns.get("has_access")
    if access is not None and access.source:
        if not rows:
            return f"no row in {table}"
        shown = ", ".join(f"{row['id']} '{row.get('status')}'" for row in rows)
        return f"{table} row{'s' if len(rows) > 1 else ''} {shown}"
    if access is None:
        return f"{column} = {'true' if granted else 'false'}"
    if access.expires:
        end = account.access_expires_at
        return f"{column} = {_stored(columns, end)}" if end else f"{column} empty"
    status = account.value(f"has_access{SOURCE}")
    return f"{column} = '{status}'" if status is not None else f"{column} empty"


def status_value(access: Derivation, billed: str | None, grant: bool) -> str:
    """The status to write: billing's own when it means the same, else the first fit."""
    own = grant or access.otherwise is None  # revoking: `otherwise` wins over billing's
    if billed is not None and (billed in access.grants) is grant and own:
        return billed
    if grant:
        return access.grants[0]
    if access.otherwise is not None:
        return access.otherwise
    return next(
        (
            s.value
            for s in (SubscriptionStatus.CANCELED, *SubscriptionStatus)
            if s.value not in access.grants
        ),
        "canceled",
    )


def assignment(
    columns: ColumnMapping,
    grant: bool,
    billed_status: str | None,
    billed_until: datetime | None,
    now: datetime,
    rows: Rows = (),
    where: tuple[str, str | None] = ("", None),
) -> str:
    """What to write to grant (or revoke) access, the app's way. `rows` and `where`
    (the app's subscriptions table and billing's subscription id) when its rows decide."""
    access = columns.derivation("has_access")
    column = columns.get("has_access")
    if access is not None and access.source:
        table, subscription = where
        value = status_value(access, billed_status, grant)
        if grant:
            return (
                f"status = '{value}' in {table} for {subscription or 'the subscription paid for'}"
            )
        ids = ", ".join(str(row["id"]) for row in rows) or "its rows"
        return f"status = '{value}' in {table} for {ids}"
    if access is None:
        return f"{column} = {'true' if grant else 'false'}"
    if access.expires:
        if grant:
            return (
                f"{column} = {_stored(columns, billed_until)}"
                if billed_until
                else (f"{column} to the end of the period paid for")
            )
        return f"{column} = {_stored(columns, now, 'now')} or earlier"
    return f"{column} = '{status_value(access, billed_status, grant)}'"
