"""Fixture sources: provider-shaped JSON and DB rows as JSON or CSV, from a folder.

Layout (DESIGN.md): stripe/{customers,subscriptions,events,subscription_schedules}.json,
paddle/{customers,subscriptions,notifications}.json, db/<table>.json or db/<table>.csv. Any `.json`
file may instead be `.ndjson`: one object per line, for large folders.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from prodcheck.bundled import display_path
from prodcheck.config import BillingConfig, DatabaseConfig
from prodcheck.errors import DataError, FixtureError, json_kind
from prodcheck.mapping import TableConfig
from prodcheck.model import Account, AccountState, BillingState, Provider, SourceInfo
from prodcheck.sources import paddle_normalize, stripe_normalize
from prodcheck.sources.joins import joined_rows
from prodcheck.sources.lacking import Lacking, lacking_keys_in, lacking_note
from prodcheck.sources.rows import accounts_from_rows, missing_columns
from prodcheck.sources.shapes import shown as shown_value
from prodcheck.webhooks_config import EffectCheck

COLLECTIONS = {
    Provider.STRIPE: ("customers", "subscriptions", "events", "subscription_schedules"),
    Provider.PADDLE: ("customers", "subscriptions", "notifications"),
}
REQUIRED = frozenset({"customers", "subscriptions"})
# Files in a provider folder that look like data: each must be a collection's.
_DATA_SUFFIXES = (".json", ".ndjson", ".jsonl", ".csv")
NORMALIZERS = {
    Provider.STRIPE: stripe_normalize.normalize,
    Provider.PADDLE: paddle_normalize.normalize,
}


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """What reading a JSON fixture can raise, as the error naming the file."""
    try:
        yield
    except FileNotFoundError:
        raise FixtureError(f"{path}: fixture file not found.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError(f"{path}: cannot read fixture: {exc}") from None
    except RecursionError:
        raise FixtureError(
            f"{path}: nested too deeply to be a provider object or a row; fix the file."
        ) from None
    except ValueError:  # a number beyond Python's digit limit
        raise FixtureError(f"{path}: a number in the file is too long to read; fix it.") from None


def read_ndjson(path: Path) -> list[Any]:
    """Newline-delimited JSON: one value per line; blank lines are skipped."""
    values = []
    with _reading(path), path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                values.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise FixtureError(
                    f"{path}:{number}:{exc.colno}: malformed JSON: {exc.msg}. An .ndjson "
                    "file holds one JSON object per line; fix the line."
                ) from None
    return values


def read_json_list(path: Path) -> list[Any]:
    """A JSON array, or a list object (`{"object": "list", "data": [...]}` or Paddle's
    `{"data": [...]}`), as a list; an `.ndjson` file's lines."""
    if path.suffix == ".ndjson":
        return read_ndjson(path)
    with _reading(path):
        try:
            # utf-8-sig: a byte-order mark (as some Windows editors write) is not an error.
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as exc:
            raise FixtureError(
                f"{path}:{exc.lineno}:{exc.colno}: malformed JSON: {exc.msg}. Fix the file."
            ) from None
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        if data.get("has_more"):
            raise FixtureError(
                f"{path}: the list object says has_more=true: the fixture holds only one page. "
                "Record every page (prodcheck snapshot does)."
            )
        return list(data["data"])
    if isinstance(data, list):
        return data
    raise FixtureError(
        f"{path}: expected a JSON array of objects or a list object with `data`, "
        f"got {json_kind(data)}."
    )


@contextmanager
def fixture_errors() -> Iterator[None]:
    """A DataError raised inside (a normalizer's, rows.py's) is the fixture's: a
    FixtureError with the same message and details."""
    try:
        yield
    except FixtureError:
        raise
    except DataError as exc:
        raise FixtureError(exc.message, details=exc.details) from None


def billing_info(folder: Path, provider: Provider, counts: Mapping[str, int]) -> SourceInfo:
    """What a fixture folder's billing side held, for the report."""
    return SourceInfo(
        side="billing",
        kind="fixture",
        location=display_path(folder / provider.value),
        counts=dict(sorted(counts.items())),
    )


class FixtureBilling:
    def __init__(self, folder: Path, config: BillingConfig) -> None:
        self.folder = folder
        self.provider = config.provider

    def fetch(
        self, needs: frozenset[str]
    ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
        """The raw provider objects per collection, and the file each came from."""
        raw: dict[str, list[dict[str, Any]]] = {}
        origins: dict[str, str] = {}
        for name, path in collection_paths(self.folder, self.provider):
            raw[name] = read_json_list(path)
            origins[name] = display_path(path)
        return raw, origins

    def load(self, needs: frozenset[str]) -> tuple[BillingState, SourceInfo]:
        raw, origins = self.fetch(needs)
        with fixture_errors():
            state = NORMALIZERS[self.provider](raw, origins)
        counts = {name: len(objects) for name, objects in raw.items()}
        return state, billing_info(self.folder, self.provider, counts)


def collection_paths(folder: Path, provider: Provider) -> Iterator[tuple[str, Path]]:
    """(collection, its file) for each collection the fixtures hold, in
    COLLECTIONS order; an error for a missing provider folder, for a data file in
    it that is no collection's, or for a missing required file when its turn
    comes (after the files before it are read)."""
    base = folder / provider.value
    if not base.is_dir():
        raise FixtureError(
            f"{base}: no {provider.value}/ folder in the fixtures. Billing is "
            f"'{provider.value}' in the config: add {provider.value}/customers.json "
            "and subscriptions.json, or fix billing.provider."
        )
    read = {f"{name}{suffix}" for name in COLLECTIONS[provider] for suffix in (".json", ".ndjson")}
    for path in sorted(base.iterdir()):
        if path.suffix.lower() in _DATA_SUFFIXES and path.name not in read and path.is_file():
            # a misnamed collection (events.jsonl, schedules.json) would go unread, and
            # the rules needing it skipped as if the folder had none
            files = ", ".join(f"{name}.json" for name in COLLECTIONS[provider])
            raise FixtureError(
                f"{path}: not a file prodcheck reads, so its objects would go unchecked. "
                f"A {provider.value}/ folder holds {files} (or .ndjson): rename it, or "
                "move it out of the folder."
            )
    for name in COLLECTIONS[provider]:
        path = collection_file(base, name, (".json", ".ndjson"))
        if not path.is_file():
            if name in REQUIRED:
                raise FixtureError(f"{path}: fixture file not found; it is required.")
            # Optional collections may be absent: rules that need them are then
            # reported as skipped, never silently passed.
            continue
        yield name, path


def collection_file(base: Path, name: str, suffixes: tuple[str, ...]) -> Path:
    """base/name with the one suffix present (the first suffix's path if none is);
    two files for one collection are an error, never a silent choice."""
    found = [
        base / f"{name}{suffix}" for suffix in suffixes if (base / f"{name}{suffix}").is_file()
    ]
    if len(found) > 1:
        raise FixtureError(
            f"{base}: both {' and '.join(p.name for p in found)} are here; keep one of them."
        )
    return found[0] if found else base / f"{name}{suffixes[0]}"


def table_file(folder: Path, table: TableConfig | EffectCheck) -> Path:
    """db/<table>.json or db/<table>.csv for any declared table, or an effect check's
    (schema prefix optional)."""
    name = table.table
    for candidate in (name, name.split(".")[-1]):
        path = collection_file(folder / "db", candidate, (".json", ".ndjson", ".csv"))
        if path.is_file():
            return path
    raise FixtureError(
        f"{folder / 'db' / (name + '.json')}: fixture file not found. The config's "
        f"{table.key}.table is '{name}': add db/{name}.json (an array of rows), "
        f"db/{name}.ndjson (a row per line) or db/{name}.csv."
    )


def read_rows(path: Path) -> list[dict[str, Any]]:
    """A table's rows from its fixture file, keyed by the real column names."""
    if path.suffix == ".csv":
        return _read_csv(path)
    rows = read_json_list(path)
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise FixtureError(f"{path}[{index}]: expected a row object, got {shown_value(row)}.")
    return rows


class FixtureAccounts:
    def __init__(self, folder: Path, config: DatabaseConfig) -> None:
        self.folder = folder
        self.config = config
        self.table = config.tables["accounts"]

    def _file(self) -> Path:
        return table_file(self.folder, self.table)

    def fetch(self) -> list[dict[str, Any]]:
        """The rows, keyed by the real column names (as a live source returns them),
        joined columns as `table.column`."""
        return self._joined(read_rows(self._file()))[0]

    def read_table(self, name: str) -> list[dict[str, Any]]:
        return self._read_plain(self.config.tables[name])

    def values_present(self, check: EffectCheck, values: Sequence[str]) -> frozenset[str]:
        from prodcheck.sources.effects import values_in_file

        return values_in_file(self.folder, check, values)

    def _read_plain(self, table: TableConfig) -> list[dict[str, Any]]:
        path = table_file(self.folder, table)
        rows = read_rows(path)
        present = {column for row in rows for column in row}
        missing = [c for _, c in table.columns.items() if c not in present] if rows else []
        if missing:
            raise FixtureError(
                f"{display_path(path)}: no column {', '.join(missing)} in any row. Fix "
                f"{table.key} in the config or the fixture's keys."
            )
        return rows

    def _joined(self, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
        """Rows with their joined columns. Rows that already hold every joined column
        (a recorded snapshot writes them so) are taken as they are."""
        if not self.table.joins:
            return rows, []
        present = {column for row in rows for column in row}
        wanted = {c for _, c in self.table.columns.items() if self.table.join_of(c)}
        if rows and wanted <= present:
            return rows, []
        merged, notes = joined_rows(rows, self.table, self._read_plain)
        return list(merged), notes

    def load_by_sql(
        self, conn: Any, *, objects: bool = True
    ) -> tuple[AccountState, SourceInfo] | None:
        """The accounts read by DuckDB and typed by SQL (duck_rows.py) into
        `db_accounts` on `conn` (the rows holding a value SQL does not read as
        rows.py does read by rows.py, those rows alone), or None when only `load`
        reads this file as it is. Without `objects` they stay there: the
        AccountState holds none."""
        from prodcheck.sources.duck_rows import account_state, read_typed

        path = self._file()
        locate = partial(table_file, self.folder)
        lacking: list[Lacking] = []
        read = read_typed(conn, path, self.table, "accounts", locate, self._accounts_at, lacking)
        if read is None:
            return None
        state, count = account_state(conn, self.table, objects=objects)
        note = lacking_note(display_path(path), count, lacking[0]) if lacking else []
        return state, self._info(path, count, note)

    def _accounts_at(self, conn: Any, path: Path, positions: list[int]) -> tuple[Account, ...]:
        """The Accounts of these rows of the file, read by rows.py, whose errors
        name each row as `load` names it."""
        from prodcheck.sources.duck_fixtures import objects_at

        csv_file = path.suffix == ".csv"
        if csv_file:
            wanted, rows = set(positions), []
            for index, row in enumerate(csv_rows(path)):
                if index in wanted:
                    rows.append(row)
                    if len(rows) == len(wanted):
                        break
        else:
            rows = objects_at(conn, path, positions)
            for index, row in zip(positions, rows, strict=True):
                if not isinstance(row, dict):  # as read_rows says it
                    raise FixtureError(
                        f"{path}[{index}]: expected a row object, got {shown_value(row)}."
                    )
        return self._accounts(rows, path, positions).accounts

    def _accounts(
        self, rows: list[dict[str, Any]], path: Path, positions: list[int] | None = None
    ) -> AccountState:
        """rows.py's Accounts of these rows of the file (at these positions, when
        not all of them), each error naming its row: a JSON file's index, a CSV
        file's line under its header."""
        csv_file = path.suffix == ".csv"
        with fixture_errors():
            return accounts_from_rows(
                rows,
                self.config.columns,
                display_path(path),
                first_row_number=2 if csv_file else 0,
                row_label="{origin}:{number}" if csv_file else "{origin}[{number}]",
                positions=positions,
            )

    def copy_tables_by_sql(self, conn: Any, names: Sequence[str]) -> list[str]:
        """These declared tables read by DuckDB into db_<name> and typed by SQL; the
        names read (`read_table` reads the others)."""
        from prodcheck.sources.duck_rows import read_typed

        tables, locate = self.config.tables, partial(table_file, self.folder)
        typed = [read_typed(conn, locate(tables[n]), tables[n], n, locate) for n in names]
        return [name for name, columns in zip(names, typed, strict=True) if columns is not None]

    def read_table_by_sql(self, conn: Any, name: str) -> tuple[dict[str, Any], ...] | None:
        """A declared table's typed rows, read by DuckDB and typed by SQL (as
        `load_by_sql` reads the accounts), or None when Python is to read it."""
        from prodcheck.row_objects import table_rows

        return table_rows(conn, name) if self.copy_tables_by_sql(conn, [name]) else None

    def _info(self, path: Path, count: int, notes: list[str]) -> SourceInfo:
        return SourceInfo(
            side="database",
            kind="fixture",
            location=display_path(path),
            counts={"accounts": count},
            notes=tuple(notes),
        )

    def load(self) -> tuple[AccountState, SourceInfo]:
        path = self._file()
        own_rows = read_rows(path)
        shown = display_path(path)
        # a JSON row's keys (a CSV row holds every column of its header, or is refused)
        own = [] if path.suffix == ".csv" else self.table.own_mapped()
        lacking = lacking_note(shown, len(own_rows), lacking_keys_in(own_rows, own))
        rows, notes = self._joined(own_rows)
        columns: set[str] = set()
        for row in rows:
            columns.update(row)
        missing = missing_columns(columns, self.config.columns) if rows else []
        if missing:
            raise FixtureError(
                f"{shown}: no column for {', '.join(missing)} in any row. Fix "
                f"{self.config.key}.columns in the config or the fixture's keys."
            )
        return self._accounts(rows, path), self._info(path, len(rows), [*lacking, *notes])


def _read_csv(path: Path) -> list[dict[str, Any]]:
    return list(csv_rows(path))


def csv_rows(path: Path) -> Iterator[dict[str, Any]]:
    """A CSV file's rows, keyed by its header, one at a time; errors name the file."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle, strict=True)
            for row in reader:
                if None in row:
                    raise FixtureError(
                        f"{path}:{reader.line_num}: more values than header columns."
                    )
                lacking = [name for name, value in row.items() if value is None]
                if lacking:  # DictReader's restval: the row stopped short of the header
                    raise FixtureError(
                        f"{path}:{reader.line_num}: fewer values than header columns (none "
                        f"for {', '.join(lacking)}); give every row a value for each column, "
                        "an empty one for none."
                    )
                yield dict(row)
    except csv.Error as exc:
        raise FixtureError(f"{path}: malformed CSV: {exc}") from None
    except UnicodeDecodeError as exc:
        raise FixtureError(f"{path}: not UTF-8 text: {exc}") from None
