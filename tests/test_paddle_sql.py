"""Paddle objects normalized by SQL (sources/paddle_sql.py, on files read by
sources/duck_fixtures.py) equal what paddle_normalize.py makes of them, object by
object: on every Paddle scenario, in every file layout, on values at the edges
of what the SQL reads, and on mutated objects, where each object the SQL does not
list as unread must be one Python reads, to the same values, and each object
Python refuses must be listed as unread (so that Python reads its collection and
names the problem). The tables have the columns stripe_sql.py's have."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from prodcheck.model import Event, Provider
from prodcheck.sources import paddle_normalize
from prodcheck.sources.duck_fixtures import empty_raw_table, raw_table
from prodcheck.sources.duck_macros import ensure_macros
from prodcheck.sources.fixtures import read_json_list
from prodcheck.sources.paddle_sql import OPTIONAL, RAW_COLUMNS, STATEMENTS

from .conftest import SCENARIOS
from .normalized import (
    agree,
    customers,
    dicts,
    mutation_outcomes,
    subscriptions,
    write_folder,
)

duckdb = pytest.importorskip("duckdb")

PADDLE = sorted(folder for folder in SCENARIOS.iterdir() if (folder / "paddle").is_dir())
COLLECTIONS = tuple(RAW_COLUMNS)
CONVERTERS = {
    "subscriptions": (paddle_normalize._subscription, "paddle-subscription"),
    "customers": (paddle_normalize._customer, "paddle-customer"),
    "notifications": (paddle_normalize._notification, "paddle-notification"),
}
# The scenarios whose objects each collection's mutations start from.
MUTATED = {
    name: [f / "paddle" for f in PADDLE if (f / "paddle" / f"{name}.json").is_file()]
    for name in COLLECTIONS
}


def _conn() -> Any:
    conn = duckdb.connect()
    conn.execute("SET TimeZone = 'UTC'")
    return conn


def _load(conn: Any, folder: Path) -> bool:
    """A folder's paddle/ files into raw tables, normalized; False when DuckDB's
    reader refuses one (a nesting it does not declare: Python reads that file)."""
    for name in COLLECTIONS:
        found = [folder / f"{name}{suffix}" for suffix in (".json", ".ndjson")]
        path = next((p for p in found if p.is_file()), None)
        if path is None:
            assert name in OPTIONAL, name
            conn.execute(empty_raw_table(f"raw_paddle_{name}", RAW_COLUMNS[name]))
        elif raw_table(conn, f"raw_paddle_{name}", path, RAW_COLUMNS[name]) is None:
            return False
    ensure_macros(conn)
    for statement in STATEMENTS:
        conn.execute(statement)
    return True


def _objects(folder: Path) -> dict[str, list[Any]]:
    return {
        name: read_json_list(folder / f"{name}.json") if (folder / f"{name}.json").is_file() else []
        for name in COLLECTIONS
    }


def _from_tables(conn: Any) -> tuple[dict[str, dict[int, Any]], set[tuple[str, int]]]:
    notifications = {
        row.pop("pos"): Event(**{k: v for k, v in row.items() if k != "ok"})
        for row in dicts(conn, "SELECT * FROM billing_events WHERE ok")
    }
    read = {
        "subscriptions": subscriptions(conn, Provider.PADDLE),
        "customers": customers(conn),
        "notifications": notifications,
    }
    unread = set(conn.execute("SELECT collection, pos FROM paddle_unread").fetchall())
    return read, unread


def _agree(conn: Any, objects: dict[str, list[Any]]) -> int:
    """Both readings compared; the number of objects SQL read."""
    sql, unread = _from_tables(conn)
    return agree(sql, unread, objects, CONVERTERS)


@pytest.mark.parametrize("folder", PADDLE, ids=[f.name for f in PADDLE])
def test_every_scenario_reads_the_same_through_sql(folder: Path) -> None:
    conn = _conn()
    assert _load(conn, folder / "paddle")
    objects = _objects(folder / "paddle")
    # Scenarios hold Paddle's own shapes: SQL reads every object.
    assert _agree(conn, objects) == sum(map(len, objects.values()))


def test_every_layout_reads_the_same(tmp_path: Path) -> None:
    objects = _objects(MUTATED["notifications"][0])  # a folder holding every collection
    layouts = {
        "array": lambda listed: json.dumps(listed, indent=2),
        "paddle's list": lambda listed: json.dumps({"data": listed, "meta": {}}),
        "ndjson": lambda listed: "".join(json.dumps(o) + "\n" for o in listed),
    }
    tables = []
    for layout, write in layouts.items():
        folder = tmp_path / layout.replace("'", "").replace(" ", "_")
        folder.mkdir()
        suffix = ".ndjson" if layout == "ndjson" else ".json"
        for name, listed in objects.items():
            (folder / f"{name}{suffix}").write_text(write(listed))
        conn = _conn()
        assert _load(conn, folder), layout
        assert _agree(conn, objects) == sum(map(len, objects.values()))
        tables.append(conn.execute("SELECT * FROM billing_items ORDER BY ALL").fetchall())
    assert tables[0] == tables[1] == tables[2]


def _one_subscription(change: dict[str, Any]) -> dict[str, list[Any]]:
    """The first scenario's objects, the first subscription's keys changed (a key
    path `a.b.0.c`; None deletes the key)."""
    objects = copy.deepcopy(_objects(PADDLE[0] / "paddle"))
    for path, value in change.items():
        *parents, last = path.split(".")
        node: Any = objects["subscriptions"][0]
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key: Any = int(last) if isinstance(node, list) else last
        if value is None and isinstance(node, dict):
            node.pop(key, None)
        else:
            node[key] = value
    return objects


# Values at the edges of what the SQL reads: each is read as Python reads it, or
# left to Python (listed unread), never read otherwise.
EDGES = {
    "fraction of a second": {"created_at": "2026-04-15T12:00:00.5Z"},
    "no fraction": {"created_at": "2026-04-15T12:00:00Z"},
    "seven digits of fraction": {"created_at": "2026-04-15T12:00:00.1234567Z"},
    "an offset": {"created_at": "2026-04-15T14:00:00+02:00"},
    "a date that is not": {"created_at": "2026-02-30T12:00:00Z"},
    "the year 0": {"created_at": "0000-01-01T00:00:00Z"},
    "the year 1": {"created_at": "0001-01-01T00:00:00Z"},
    "epoch seconds": {"created_at": 1776254400},
    "blank around": {"created_at": " 2026-04-15T12:00:00Z "},
    "a leap second": {"created_at": "2026-06-30T23:59:60Z"},
    "amount with zeros": {"items.0.price.unit_price.amount": "0042"},
    "amount as an integer": {"items.0.price.unit_price.amount": 4200},
    "amount with a fraction": {"items.0.price.unit_price.amount": "42.5"},
    "amount negative": {"items.0.price.unit_price.amount": "-42"},
    "amount empty": {"items.0.price.unit_price.amount": ""},
    "amount absent": {"items.0.price.unit_price.amount": None},
    "currency in capitals": {"items.0.price.unit_price.currency_code": "EUR"},
    "currency with blanks": {"items.0.price.unit_price.currency_code": " eur"},
    "quantity zero": {"items.0.quantity": 0},
    "quantity absent": {"items.0.quantity": None},
    "quantity as text": {"items.0.quantity": "3"},
    "frequency zero": {"items.0.price.billing_cycle": {"interval": "year", "frequency": 0}},
    "no billing cycle": {"items.0.price.billing_cycle": None},
    "interval blank": {"items.0.price.billing_cycle": {"interval": "", "frequency": 2}},
    "a cancel scheduled": {
        "scheduled_change": {"action": "cancel", "effective_at": "2026-11-21T12:00:00Z"}
    },
    "a pause scheduled": {"scheduled_change": {"action": "pause", "effective_at": None}},
    "a resume scheduled": {
        "scheduled_change": {"action": "resume", "effective_at": "2026-11-21T12:00:00Z"}
    },
    "a change as text": {"scheduled_change": "cancel"},
    "a trial": {"items.0.trial_dates": {"starts_at": "2026-04-15T12:00:00Z", "ends_at": None}},
    "a trial as text": {"items.0.trial_dates": "soon"},
    "a product named": {"items.0.product": {"name": "Pro"}},
    "a product as text": {"items.0.product": "Pro"},
    "no items": {"items": []},
    "status unknown": {"status": "expired"},
    "status as a number": {"status": 1},
    "an id as a number": {"id": 42},
    "metadata of numbers": {"custom_data": {"seats": 3}},
    "metadata null": {"custom_data": None},
    "no period": {"current_billing_period": None},
}


@pytest.mark.parametrize("case", EDGES)
def test_values_at_the_edges_are_read_as_python_reads_them(tmp_path: Path, case: str) -> None:
    objects = _one_subscription(EDGES[case])
    conn = _conn()
    if _load(conn, write_folder(tmp_path / "paddle", objects)):
        _agree(conn, objects)


def test_the_canonical_edges_stay_on_the_sql_path(tmp_path: Path) -> None:
    """Shapes Paddle itself sends are read by SQL, not handed to Python."""
    canonical = (
        "fraction of a second",
        "no fraction",
        "amount with zeros",
        "quantity zero",
        "a cancel scheduled",
        "a trial",
        "a product named",
        "no billing cycle",
    )
    for case in canonical:
        objects = _one_subscription(EDGES[case])
        conn = _conn()
        assert _load(conn, write_folder(tmp_path / case.replace(" ", "_"), objects)), case
        assert _agree(conn, objects) == sum(map(len, objects.values())), case


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_mutated_objects_are_read_the_same_or_left_to_python(
    tmp_path: Path, collection: str
) -> None:
    """A mutated object is read as Python reads it, or left to Python
    (normalized.mutation_outcomes)."""

    def normalize(folder: Path) -> Any:
        conn = _conn()
        return conn if _load(conn, folder) else None

    outcomes = mutation_outcomes(
        MUTATED[collection], collection, _objects, normalize, _agree, tmp_path
    )
    # Each outcome happens: the test exercises all three paths.
    assert min(outcomes.values()) >= 3, outcomes


def test_the_tables_have_stripes_columns() -> None:
    """The engine and billing_objects.py read the same tables whatever the provider."""
    from prodcheck.sources.stripe_sql import STATEMENTS as STRIPE_STATEMENTS
    from prodcheck.sources.stripe_sql import empty_table

    def columns(statements: tuple[str, ...], empty: list[str]) -> dict[str, list[Any]]:
        conn = _conn()
        for statement in empty:
            conn.execute(statement)
        ensure_macros(conn)
        for statement in statements:
            conn.execute(statement)
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'billing_%'"
            ).fetchall()
        ]
        return {t: conn.execute(f"DESCRIBE {t}").fetchall() for t in sorted(tables)}

    from prodcheck.sources.stripe_sql import RAW_COLUMNS as STRIPE_RAW

    paddle_empty = [
        f"CREATE TEMP TABLE raw_paddle_{name} (pos BIGINT, "
        + ", ".join(f'"{k}" {v}' for k, v in kinds.items())
        + ")"
        for name, kinds in RAW_COLUMNS.items()
    ]
    stripe = columns(STRIPE_STATEMENTS, [empty_table(name) for name in STRIPE_RAW])
    paddle = columns(STATEMENTS, paddle_empty)
    assert paddle == stripe
