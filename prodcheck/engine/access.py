"""Access as the app stores it: a boolean column, a status column whose values grant
access, or an expiry time (plus an allowance) still ahead. The engine decides access
the app's way, and says what to write the app's way: never `= true` into a status
column."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prodcheck.model import Account, SubscriptionStatus
from prodcheck.tables import SOURCE, ColumnMapping, Derivation


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def has_access(columns: ColumnMapping, account: Account, now: datetime) -> bool:
    access = columns.derivation("has_access")
    if access is not None and access.expires:
        end = account.access_expires_at
        return end is not None and end + timedelta(hours=access.allowance_hours) > now
    return bool(account.has_access)


def state(columns: ColumnMapping, account: Account, granted: bool) -> str:
    """The row's access as stored: `has_paid_access = false`, `status = 'canceled'`."""
    access = columns.derivation("has_access")
    column = columns.get("has_access")
    if access is None:
        return f"{column} = {'true' if granted else 'false'}"
    if access.expires:
        end = account.access_expires_at
        return f"{column} = {_iso(end)}" if end else f"{column} empty"
    status = account.value(f"has_access{SOURCE}")
    return f"{column} = '{status}'" if status is not None else f"{column} empty"


def _status_value(access: Derivation, billed: str | None, grant: bool) -> str:
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
) -> str:
    """What to write to grant (or revoke) access, the app's way."""
    access = columns.derivation("has_access")
    column = columns.get("has_access")
    if access is None:
        return f"{column} = {'true' if grant else 'false'}"
    if access.expires:
        if grant:
            return (
                f"{column} = {_iso(billed_until)}"
                if billed_until
                else (f"{column} to the end of the period paid for")
            )
        return f"{column} = {_iso(now)} (now) or earlier"
    return f"{column} = '{_status_value(access, billed_status, grant)}'"
