"""Stripe objects normalized by SQL (sources/stripe_sql.py, on files read by
sources/duck_fixtures.py) equal what stripe_normalize.py makes of them, object by
object: on every scenario, in every file layout (array, list object, NDJSON),
and on mutated objects, where each object the SQL does not list as unread must
be one Python reads, to the same values, and each object Python refuses must be
listed as unread (so that Python reads its collection and names the problem)."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from prodcheck.model import Customer, Subscription, SubscriptionItem, SubscriptionStatus
from prodcheck.sources import stripe_normalize
from prodcheck.sources.coerce import metadata
from prodcheck.sources.duck_fixtures import raw_table
from prodcheck.sources.fixtures import read_json_list
from prodcheck.sources.normalize_common import convert_all
from prodcheck.sources.stripe_sql import RAW_COLUMNS, STATEMENTS

from .conftest import SCENARIOS
from .fuzzing import mutate_data

duckdb = pytest.importorskip("duckdb")  # a core dependency: present wherever prodcheck is

STRIPE = sorted(folder for folder in SCENARIOS.iterdir() if (folder / "stripe").is_dir())


def _normalize(conn: Any) -> None:
    conn.execute("SET TimeZone = 'UTC'")
    for statement in STATEMENTS:
        conn.execute(statement)


def _load(conn: Any, subscriptions: Path, customers: Path) -> bool:
    """Both files into raw tables, normalized; False when DuckDB's reader refuses
    one (a nesting it does not declare: Python reads that file)."""
    for name, path in (("subscriptions", subscriptions), ("customers", customers)):
        if raw_table(conn, f"raw_stripe_{name}", path, RAW_COLUMNS[name]) is None:
            return False
    _normalize(conn)
    return True


def _dicts(conn: Any, query: str) -> list[dict[str, Any]]:
    cursor = conn.execute(query)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _meta(text: str | None) -> dict[str, str]:
    return metadata(json.loads(text)) if text is not None else {}


def _from_tables(conn: Any) -> tuple[dict[int, Subscription], dict[int, Customer], set[tuple]]:
    """The model objects the tables describe, by position; and what is unread."""
    items: dict[int, list[SubscriptionItem]] = {}
    for row in _dicts(conn, "SELECT * FROM billing_items ORDER BY sub_pos, pos"):
        sub, row = row.pop("sub_pos"), {k: v for k, v in row.items() if k not in ("pos", "ok")}
        items.setdefault(sub, []).append(SubscriptionItem(**row))
    pending: dict[int, list[str]] = {}
    for sub, price in conn.execute(
        "SELECT sub_pos, price_id FROM billing_pending ORDER BY sub_pos, pos"
    ).fetchall():
        pending.setdefault(sub, []).append(price)
    subscriptions = {}
    for row in _dicts(conn, "SELECT * FROM billing_subscriptions WHERE ok"):
        pos = row.pop("pos")
        row.pop("ok")
        subscriptions[pos] = Subscription(
            id=row["id"],
            customer_id=row["customer_id"],
            status=SubscriptionStatus(row["status"]),
            items=tuple(items.get(pos, ())),
            created=row["created"],
            current_period_start=row["current_period_start"],
            current_period_end=row["current_period_end"],
            cancel_at_period_end=row["cancel_at_period_end"],
            cancel_at=row["cancel_at"],
            canceled_at=row["canceled_at"],
            ended_at=row["ended_at"],
            trial_start=row["trial_start"],
            trial_end=row["trial_end"],
            pending_update_price_ids=tuple(pending.get(pos, ())),
            metadata=_meta(row["metadata"]),
        )
    customers = {
        row["pos"]: Customer(
            id=row["id"],
            email=row["email"],
            name=row["name"],
            created=row["created"],
            deleted=row["deleted"],
            metadata=_meta(row["metadata"]),
        )
        for row in _dicts(conn, "SELECT * FROM billing_customers WHERE ok")
    }
    unread = set(conn.execute("SELECT collection, pos FROM stripe_unread").fetchall())
    return subscriptions, customers, unread


def _python(objects: list[Any], convert: Any, shape: str) -> dict[int, Any]:
    """Position -> the object Python reads, for the objects it reads without error."""
    read = {}
    for pos, obj in enumerate(objects):
        errors: list[str] = []
        converted = convert_all([obj], convert, "x", errors, shape)
        if not errors:
            read[pos] = converted[0]
    return read


def _agree(conn: Any, subscriptions: list[Any], customers: list[Any]) -> int:
    """Both readings compared; the number of objects SQL read."""
    sql_subs, sql_customers, unread = _from_tables(conn)
    py_subs = _python(subscriptions, stripe_normalize._subscription, "stripe-subscription")
    py_customers = _python(customers, stripe_normalize._customer, "stripe-customer")
    read = 0
    for name, objects, sql, python in (
        ("subscriptions", subscriptions, sql_subs, py_subs),
        ("customers", customers, sql_customers, py_customers),
    ):
        for pos in range(len(objects)):
            if (name, pos) in unread:
                continue
            assert pos in python, (name, pos, objects[pos])  # SQL read what Python refuses
            assert sql[pos] == python[pos], (name, pos, objects[pos])
            read += 1
    return read


def _conn() -> Any:
    return duckdb.connect()


@pytest.mark.parametrize("folder", STRIPE, ids=[f.name for f in STRIPE])
def test_every_scenario_reads_the_same_through_sql(folder: Path) -> None:
    subscriptions = folder / "stripe" / "subscriptions.json"
    customers = folder / "stripe" / "customers.json"
    conn = _conn()
    assert _load(conn, subscriptions, customers)
    subs, custs = read_json_list(subscriptions), read_json_list(customers)
    # Scenarios hold Stripe's own shapes: SQL reads every object.
    assert _agree(conn, subs, custs) == len(subs) + len(custs)


def test_every_layout_reads_the_same(tmp_path: Path) -> None:
    objects = read_json_list(SCENARIOS / "mixed-saas" / "stripe" / "subscriptions.json")
    customers = SCENARIOS / "mixed-saas" / "stripe" / "customers.json"
    layouts = {
        "array.json": json.dumps(objects, indent=2),
        "list.json": json.dumps({"object": "list", "data": objects, "has_more": False}),
        "lines.ndjson": "".join(json.dumps(o) + "\n" for o in objects),
    }
    tables = []
    for name, text in layouts.items():
        path = tmp_path / name
        path.write_text(text)
        conn = _conn()
        assert _load(conn, path, customers)
        assert _agree(conn, objects, read_json_list(customers)) >= len(objects)
        tables.append(conn.execute("SELECT * FROM billing_items ORDER BY ALL").fetchall())
    assert tables[0] == tables[1] == tables[2]


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff[]",  # a byte-order mark: fixtures.py reads it
        '{"object": "list", "data": [], "has_more": true}',  # one page of several
        "[{]",  # malformed: fixtures.py names the line and column
        '"a string"',
    ],
)
def test_what_duckdb_does_not_read_is_left_to_python(tmp_path: Path, text: str) -> None:
    path = tmp_path / "subscriptions.json"
    path.write_text(text, encoding="utf-8")
    assert raw_table(_conn(), "raw", path, RAW_COLUMNS["subscriptions"]) is None


def _write(path: Path, objects: list[Any]) -> Path:
    path.write_text(json.dumps(objects, default=str))
    return path


@pytest.mark.parametrize("collection", ["subscriptions", "customers"])
def test_mutated_objects_are_read_the_same_or_left_to_python(
    tmp_path: Path, collection: str
) -> None:
    """One object mutated per file (tests/fuzzing.py), 90 times: DuckDB's reader
    refuses the file (a nesting it does not declare: Python reads it), or SQL reads
    the untouched objects and reads the mutated one as Python does, or lists it."""
    rng = random.Random(20261205)
    folders = ("mixed-saas", "audit-8200", "plan-stale-pending-downgrade-fail")
    outcomes = {"refused": 0, "unread": 0, "read": 0}
    for attempt in range(90):
        folder = SCENARIOS / folders[attempt % 3] / "stripe"
        objects = {name: read_json_list(folder / f"{name}.json") for name in RAW_COLUMNS}
        pos = rng.randrange(len(objects[collection]))
        objects[collection][pos] = mutate_data(rng, objects[collection][pos], 2)
        conn = _conn()
        paths = {name: _write(tmp_path / f"{name}.json", objects[name]) for name in objects}
        if not _load(conn, paths["subscriptions"], paths["customers"]):
            outcomes["refused"] += 1
            continue
        total = len(objects["subscriptions"]) + len(objects["customers"])
        read = _agree(conn, objects["subscriptions"], objects["customers"])
        assert read >= total - 1
        outcomes["read" if read == total else "unread"] += 1
    # Each outcome happens: the test exercises all three paths.
    assert min(outcomes.values()) >= 6, outcomes


def test_deep_mutations_mostly_stay_on_the_sql_path(tmp_path: Path) -> None:
    """Not every mutation makes an object unreadable: a changed amount or status is
    still Stripe's shape, and SQL reads it (else the SQL path would read nothing)."""
    rng = random.Random(7)
    objects = read_json_list(SCENARIOS / "mixed-saas" / "stripe" / "subscriptions.json")
    changed: list[Mapping[str, Any]] = copy.deepcopy(objects)
    statuses = [s.value for s in SubscriptionStatus]
    for obj in changed:
        obj["status"] = rng.choice(statuses)  # type: ignore[index]
    conn = _conn()
    assert _load(
        conn,
        _write(tmp_path / "s.json", list(changed)),
        SCENARIOS / "mixed-saas" / "stripe" / "customers.json",
    )
    customers = read_json_list(SCENARIOS / "mixed-saas" / "stripe" / "customers.json")
    assert _agree(conn, list(changed), customers) == len(objects) + len(customers)


def test_whitespace_is_pythons() -> None:
    from prodcheck.sources.stripe_sql import WHITESPACE

    assert list(WHITESPACE) == [c for c in range(0x110000) if chr(c).isspace()]


@pytest.mark.parametrize(
    "value",
    ["cus_1", " cus_1", "cus_1\n", "\u00a0cus_1", "cus_1\x0b", "\u3000", "", " ", "a b", "é",
     None, 5, True, 1.5, {"id": "x"}],
)  # fmt: skip
def test_text_reads_as_to_str_or_is_left_to_python(value: Any) -> None:
    from prodcheck.sources.coerce import CoercionError, to_str
    from prodcheck.sources.stripe_sql import MACROS

    conn = _conn()
    for macro in MACROS:
        conn.execute(macro)
    ok, text = conn.execute(
        "SELECT pc_text_ok(j), pc_text(j) FROM (SELECT ?::JSON AS j)", [json.dumps(value)]
    ).fetchone()
    if ok:
        try:
            expected = to_str(value)
        except CoercionError:
            pytest.fail(f"SQL reads {value!r}, which to_str refuses")
        assert text == expected
    else:
        # Left to Python: a value to_str would change or refuse, never a plain one.
        assert not (isinstance(value, str) and value == value.strip() and value)
