"""`prodcheck doctor`'s column checks, the same for every backend: each mapped column
of the accounts table, its joined tables and the other declared tables is there, with
a type that suits its field as mapped (from the declarations in tables.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from prodcheck.config import DatabaseConfig
from prodcheck.errors import SourceError
from prodcheck.mapping import TableConfig
from prodcheck.sources.database import Check, missing_columns_message
from prodcheck.tables import ACCOUNTS

# field -> accepted column kind -> note shown by doctor, from the declarations.
ACCEPTED_KINDS: dict[str, dict[str, str]] = {spec.name: spec.kinds for spec in ACCOUNTS.fields}


def _typed(
    table: TableConfig, field: str, column: str, actual: tuple[str, str], label: str | None = None
) -> Check:
    """A mapped column's type against what its field takes as mapped (a flag read from a
    status column takes text)."""
    mapping = table.columns
    accepted = table.spec.field(field).kinds_for(mapping.derivation(field), mapping.epoch_unit)
    check = type_check(field, column, *actual, accepted)
    return check if label is None else Check(label, check.ok, check.message)


def type_check(
    field: str,
    column: str,
    kind: str,
    type_name: str,
    accepted: Mapping[str, str] | None = None,
) -> Check:
    """Whether a column's type suits the field it is mapped to. `kind` is the backend's
    reading of the type: boolean, integer, numeric, text, uuid, enum, timestamp, other,
    or untyped (SQLite columns declared without a type hold anything). `accepted`: the
    kinds the field takes as mapped (a flag read from a status column takes text)."""
    name = f"column {field} -> {column}"
    accepted = ACCEPTED_KINDS[field] if accepted is None else accepted
    if kind == "untyped":
        return Check(name, True, "no declared type: values are read as stored")
    if kind in accepted:
        note = accepted[kind]
        return Check(name, True, f"{type_name}: {note}" if note else type_name)
    wanted = " or ".join(sorted(accepted))
    return Check(
        name,
        False,
        f"{type_name} does not suit {field} (expected {wanted}): map another column "
        "or change the column's type.",
    )


def column_checks(
    config: DatabaseConfig, actual: Mapping[str, tuple[str, str]], *, ignore_case: bool = False
) -> list[Check]:
    """One check per mapped column. `actual`: real column -> (kind, type name);
    SQLite matches names ignoring case, as SQLite itself does."""
    fold = str.lower if ignore_case else str
    by_name = {fold(column): column for column in actual}
    checks = []
    accounts = config.tables["accounts"]
    for field, column in config.columns.items():
        if accounts.join_of(column):
            continue  # checked with its joined table (join_checks)
        real = by_name.get(fold(column))
        if real is None:
            message = missing_columns_message(config.table, config.columns, [column], list(actual))
            checks.append(Check(f"column {field} -> {column}", False, message))
        else:
            checks.append(_typed(accounts, field, column, actual[real]))
    return checks


def join_checks(
    config: DatabaseConfig,
    describe: Callable[[str], Mapping[str, tuple[str, str]]],
    *,
    ignore_case: bool = False,
) -> list[Check]:
    """One check per joined table: found, its key and mapped columns present with a
    type that suits each field. `describe(table)` gives column -> (kind, type name)
    and raises SourceError for a table that is not there."""
    fold = str.lower if ignore_case else str
    accounts = config.tables["accounts"]
    checks = []
    for join in accounts.joins:
        name = f"join {join.table}"
        try:
            actual = describe(join.table)
        except SourceError as exc:
            checks.append(Check(name, False, exc.message))
            continue
        by_name = {fold(column): column for column in actual}
        missing = [c for c in join.columns(accounts.columns) if fold(c) not in by_name]
        if missing:
            shown = ", ".join(list(actual)[:40])
            checks.append(
                Check(name, False, f"no column {', '.join(missing)}; its columns are: {shown}")
            )
            continue
        keys = ", ".join(f"{column} = {field}" for column, field in join.on)
        checks.append(Check(name, True, f"on {keys}"))
        prefix = f"{join.table}."
        for field, column in accounts.columns.items():
            if column.startswith(prefix):
                real = by_name[fold(column[len(prefix) :])]
                checks.append(_typed(accounts, field, column, actual[real]))
    return checks


def other_table_checks(
    config: DatabaseConfig,
    describe: Callable[[str], Mapping[str, tuple[str, str]]],
    *,
    ignore_case: bool = False,
) -> list[Check]:
    """The other declared tables the config maps (app_subscriptions ...): found, and
    each mapped column present with a type that suits its field."""
    fold = str.lower if ignore_case else str
    checks = []
    for name, table in config.tables.items():
        if name == "accounts":
            continue
        try:
            actual = describe(table.table)
        except SourceError as exc:
            checks.append(Check(f"table {table.table} ({table.key})", False, exc.message))
            continue
        checks.append(Check(f"table {table.table} ({table.key})", True, "found"))
        by_name = {fold(column): column for column in actual}
        for field_name, column in table.columns.items():
            real = by_name.get(fold(column))
            label = f"column {name}.{field_name} -> {column}"
            if real is None:
                message = missing_columns_message(
                    table.table, table.columns, [column], [*actual], table.key
                )
                checks.append(Check(label, False, message))
            else:
                checks.append(_typed(table, field_name, column, actual[real], label))
    return checks
