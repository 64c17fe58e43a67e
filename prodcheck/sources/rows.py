"""Rows of the accounts table -> Accounts, through the config's column mapping.

Fixture rows (JSON, CSV) and live rows (Postgres, SQLite) pass through this one
function, so "false" in a CSV and FALSE in Postgres mean the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from prodcheck.config import ColumnMapping
from prodcheck.model import Account, AccountState
from prodcheck.sources.coerce import CoercionError, to_bool, to_datetime, to_str
from prodcheck.sources.normalize_common import MAX_ERRORS, raise_if_errors


def missing_columns(columns: Iterable[str], mapping: ColumnMapping) -> list[str]:
    present = set(columns)
    return [f"{name} -> '{column}'" for name, column in mapping.items() if column not in present]


def _account(row: Mapping[str, Any], mapping: ColumnMapping) -> Account:
    def get(name: str) -> Any:
        column = getattr(mapping, name)
        return row.get(column) if column else None

    def read(name: str, convert: Any) -> Any:
        try:
            return convert(get(name))
        except CoercionError as exc:
            raise CoercionError(f"column '{getattr(mapping, name)}' ({name}): {exc}") from None

    account_id = read("id", to_str)
    if account_id is None:
        raise CoercionError(f"column '{mapping.id}' (id): is empty; every account needs an id")
    return Account(
        id=account_id,
        customer_id=read("customer_id", to_str),
        has_access=bool(read("has_access", lambda v: to_bool(v, null=False))),
        plan=read("plan", to_str),
        email=read("email", to_str),
        deleted_at=read("deleted_at", to_datetime),
        access_expires_at=read("access_expires_at", to_datetime),
        comped=bool(read("comped", lambda v: to_bool(v, null=False))),
        updated_at=read("updated_at", to_datetime),
    )


def accounts_from_rows(
    rows: Iterable[Mapping[str, Any]],
    mapping: ColumnMapping,
    origin: str,
    *,
    first_row_number: int = 0,
    row_label: str = "{origin}[{number}]",
) -> AccountState:
    """`origin` names the file or table; row numbers in errors start at `first_row_number`
    (0 for a JSON index; 2 and "{origin}:{number}" for a CSV line under its header)."""
    accounts: list[Account] = []
    errors: list[str] = []
    for number, row in enumerate(rows, start=first_row_number):
        try:
            accounts.append(_account(row, mapping))
        except CoercionError as exc:
            errors.append(f"{row_label.format(origin=origin, number=number)}: {exc}")
            if len(errors) > MAX_ERRORS:
                break
    raise_if_errors(errors, f"rows in {origin}")
    return AccountState(accounts=tuple(accounts), mapped_columns=mapping.mapped_optional)
