"""Rows of the accounts table -> Accounts, through the config's column mapping.

Fixture rows (JSON, CSV) and live rows (Postgres, SQLite) pass through this one
function, so "false" in a CSV and FALSE in Postgres mean the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from prodcheck.mapping import ColumnMapping
from prodcheck.model import ACCOUNT_ATTRIBUTES, Account, AccountState
from prodcheck.sources.coerce import (
    CoercionError,
    EpochRangeError,
    to_bool,
    to_datetime,
    to_int,
    to_str,
)
from prodcheck.sources.normalize_common import MAX_ERRORS, raise_if_errors
from prodcheck.tables import SOURCE, FieldType


def missing_columns(columns: Iterable[str], mapping: ColumnMapping) -> list[str]:
    present = set(columns)
    return [f"{name} -> '{column}'" for name, column in mapping.items() if column not in present]


def _flag(value: Any) -> bool:
    return bool(to_bool(value, null=False))


# How each field type is read from a row (tables.py declares each field's type); a
# time by `_time`, in the table's epoch unit.
READERS: dict[FieldType, Callable[[Any], Any]] = {
    FieldType.ID: to_str,
    FieldType.TEXT: to_str,
    FieldType.FLAG: _flag,
    FieldType.COUNT: to_int,
}


def _time(value: Any, milliseconds: bool) -> Any:
    """A time column's value; a number too large for epoch seconds is named with the
    option that reads it as milliseconds."""
    try:
        return to_datetime(value, milliseconds=milliseconds)
    except EpochRangeError as exc:
        if exc.milliseconds:
            raise
        raise CoercionError(
            f"expected epoch seconds, got {exc.value} (out of range; if the table stores "
            "epoch milliseconds, set `epoch_unit: milliseconds` on it)"
        ) from None


def typed_row(row: Mapping[str, Any], mapping: ColumnMapping) -> dict[str, Any]:
    """field -> typed value, for every field of the mapping's table (None or False when
    the field is not mapped), read the same way whatever the source."""
    values: dict[str, Any] = {}
    for spec in mapping.spec.fields:
        column = mapping.get(spec.name)
        raw = row.get(column) if column else None
        derivation = mapping.derivation(spec.name)
        try:
            if derivation is None and spec.type is FieldType.TIME:
                values[spec.name] = _time(raw, mapping.milliseconds)
            elif derivation is None:
                values[spec.name] = READERS[spec.type](raw)
            elif derivation.expires or derivation.source:
                values[spec.name] = None  # decided against `now` by the engine
            else:
                status = to_str(raw)
                values[spec.name] = status in derivation.grants
                values[f"{spec.name}{SOURCE}"] = status
        except CoercionError as exc:
            raise CoercionError(f"column '{column}' ({spec.name}): {exc}") from None
    return values


def typed_rows(
    rows: Iterable[Mapping[str, Any]], mapping: ColumnMapping, origin: str
) -> tuple[dict[str, Any], ...]:
    """Rows of any declared table, each field read by its type; every bad row is named
    (`origin[number]`), like the accounts'."""
    typed: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, row in enumerate(rows):
        try:
            values = typed_row(row, mapping)
            field, column = mapping.key
            if values[field] is None:
                raise CoercionError(f"column '{column}' ({field}): is empty; every row needs one")
            typed.append(values)
        except CoercionError as exc:
            errors.append(f"{origin}[{number}]: {exc}")
            if len(errors) > MAX_ERRORS:
                break
    raise_if_errors(errors, f"rows in {origin}")
    return tuple(typed)


def _account(row: Mapping[str, Any], mapping: ColumnMapping) -> Account:
    values = typed_row(row, mapping)
    if values["id"] is None:
        raise CoercionError(f"column '{mapping.id}' (id): is empty; every account needs an id")
    extra = tuple(
        (k, v) for k, v in values.items() if k not in ACCOUNT_ATTRIBUTES and v is not None
    )
    return Account(**{k: v for k, v in values.items() if k in ACCOUNT_ATTRIBUTES}, extra=extra)


def accounts_from_rows(
    rows: Iterable[Mapping[str, Any]],
    mapping: ColumnMapping,
    origin: str,
    *,
    first_row_number: int = 0,
    row_label: str = "{origin}[{number}]",
    positions: Iterable[int] | None = None,
) -> AccountState:
    """`origin` names the file or table; row numbers in errors start at `first_row_number`
    (0 for a JSON index; 2 and "{origin}:{number}" for a CSV line under its header),
    and count the rows given, or are `positions` (each row's index in its table,
    when only some of its rows are given) from there."""
    accounts: list[Account] = []
    errors: list[str] = []
    numbered = enumerate(rows) if positions is None else zip(positions, rows, strict=True)
    for index, row in numbered:
        number = first_row_number + index
        try:
            accounts.append(_account(row, mapping))
        except CoercionError as exc:
            errors.append(f"{row_label.format(origin=origin, number=number)}: {exc}")
            if len(errors) > MAX_ERRORS:
                break
    raise_if_errors(errors, f"rows in {origin}")
    return AccountState(accounts=tuple(accounts), mapped_columns=mapping.mapped_optional)
