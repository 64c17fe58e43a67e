"""Stripe objects normalized by SQL (sources/stripe_sql.py, on files read by
sources/duck_fixtures.py) equal what stripe_normalize.py makes of them, object by
object: on every scenario, in every file layout (array, list object, NDJSON),
and on mutated objects, where each object the SQL does not list as unread must
be one Python reads, to the same values, and each object Python refuses must be
listed as unread (so that Python reads its collection and names the problem)."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from prodcheck.model import (
    Event,
    Provider,
    SchedulePhase,
    SubscriptionSchedule,
    SubscriptionStatus,
)
from prodcheck.sources import stripe_normalize
from prodcheck.sources.duck_fixtures import raw_table
from prodcheck.sources.duck_macros import ensure_macros
from prodcheck.sources.fixtures import read_json_list
from prodcheck.sources.stripe_sql import (
    ABSENT,
    BY_COLLECTION,
    MACROS,
    OPTIONAL,
    RAW_COLUMNS,
    STATEMENTS,
    empty_table,
)

from .conftest import SCENARIOS
from .normalized import (
    agree,
    customers,
    dicts,
    mutation_outcomes,
    subscriptions,
    write_folder,
)

duckdb = pytest.importorskip("duckdb")  # a core dependency: present wherever prodcheck is

STRIPE = sorted(folder for folder in SCENARIOS.iterdir() if (folder / "stripe").is_dir())


COLLECTIONS = tuple(RAW_COLUMNS)
CONVERTERS = {
    "subscriptions": (stripe_normalize._subscription, "stripe-subscription"),
    "customers": (stripe_normalize._customer, "stripe-customer"),
    "subscription_schedules": (stripe_normalize._schedule, "stripe-subscription-schedule"),
    "events": (stripe_normalize._event, "stripe-event"),
}


def _load(conn: Any, folder: Path) -> bool:
    """A folder's stripe/ files into raw tables (an empty one for an optional file
    that is absent), normalized; False when DuckDB's reader refuses one (a nesting
    it does not declare: Python reads that file)."""
    conn.execute("SET TimeZone = 'UTC'")
    for name in COLLECTIONS:
        found = [folder / f"{name}{suffix}" for suffix in (".json", ".ndjson")]
        path = next((p for p in found if p.is_file()), None)
        if path is None:
            assert name in OPTIONAL, name
            conn.execute(empty_table(name))
        elif raw_table(conn, f"raw_stripe_{name}", path, RAW_COLUMNS[name]) is None:
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


def _schedules(conn: Any) -> dict[int, SubscriptionSchedule]:
    phases: dict[int, list[SchedulePhase]] = {}
    for row in dicts(conn, "SELECT * FROM billing_schedule_phases ORDER BY schedule_pos, pos"):
        phase = SchedulePhase(row["phase_start"], row["phase_end"], tuple(row["price_ids"]))
        phases.setdefault(row["schedule_pos"], []).append(phase)
    return {
        row["pos"]: SubscriptionSchedule(
            id=row["id"],
            subscription_id=row["subscription_id"],
            customer_id=row["customer_id"],
            status=row["status"],
            created=row["created"],
            phases=tuple(phases.get(row["pos"], ())),
        )
        for row in dicts(conn, "SELECT * FROM billing_schedules WHERE ok")
    }


def _from_tables(conn: Any) -> tuple[dict[str, dict[int, Any]], set[tuple[str, int]]]:
    """The model objects the tables describe, by collection and position; and what
    is listed unread."""
    events = {
        row.pop("pos"): Event(**{k: v for k, v in row.items() if k != "ok"})
        for row in dicts(conn, "SELECT * FROM billing_events WHERE ok")
    }
    read = {
        "subscriptions": subscriptions(conn, Provider.STRIPE),
        "customers": customers(conn),
        "subscription_schedules": _schedules(conn),
        "events": events,
    }
    unread = set(conn.execute("SELECT collection, pos FROM stripe_unread").fetchall())
    return read, unread


def _agree(conn: Any, objects: dict[str, list[Any]]) -> int:
    """Both readings compared; the number of objects SQL read."""
    sql, unread = _from_tables(conn)
    return agree(sql, unread, objects, CONVERTERS)


def _conn() -> Any:
    return duckdb.connect()


@pytest.mark.parametrize("folder", STRIPE, ids=[f.name for f in STRIPE])
def test_every_scenario_reads_the_same_through_sql(folder: Path) -> None:
    conn = _conn()
    assert _load(conn, folder / "stripe")
    objects = _objects(folder / "stripe")
    # Scenarios hold Stripe's own shapes: SQL reads every object.
    assert _agree(conn, objects) == sum(map(len, objects.values()))


def test_every_layout_reads_the_same(tmp_path: Path) -> None:
    source = SCENARIOS / "mixed-saas" / "stripe"
    objects = _objects(source)
    subscriptions = objects["subscriptions"]
    layouts = {
        ".json": json.dumps(subscriptions, indent=2),
        ".json ": json.dumps({"object": "list", "data": subscriptions, "has_more": False}),
        ".ndjson": "".join(json.dumps(o) + "\n" for o in subscriptions),
    }
    tables = []
    for number, (suffix, text) in enumerate(layouts.items()):
        folder = tmp_path / str(number)
        shutil.copytree(source, folder)
        (folder / "subscriptions.json").unlink()
        (folder / f"subscriptions{suffix.strip()}").write_text(text)
        conn = _conn()
        assert _load(conn, folder)
        assert _agree(conn, objects) == sum(map(len, objects.values()))
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


MUTATED = {
    "subscriptions": ("mixed-saas", "audit-8200", "plan-stale-pending-downgrade-fail"),
    "customers": ("mixed-saas", "audit-8200", "demo"),
    "subscription_schedules": ("mixed-saas", "plan-stale-pending-downgrade-fail"),
    "events": ("settle-window", "settle-window-elapsed", "webhooks-expiring-unprocessed-fail"),
}


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_mutated_objects_are_read_the_same_or_left_to_python(
    tmp_path: Path, collection: str
) -> None:
    """A mutated object is read as Python reads it, or left to Python
    (normalized.mutation_outcomes)."""

    def normalize(folder: Path) -> Any:
        conn = _conn()
        return conn if _load(conn, folder) else None

    folders = [SCENARIOS / name / "stripe" for name in MUTATED[collection]]
    outcomes = mutation_outcomes(folders, collection, _objects, normalize, _agree, tmp_path)
    # Each outcome happens: the test exercises all three paths.
    assert min(outcomes.values()) >= 3, outcomes


def test_a_changed_status_stays_on_the_sql_path(tmp_path: Path) -> None:
    """A changed status is still Stripe's shape, and SQL reads it."""
    rng = random.Random(7)
    objects = _objects(SCENARIOS / "mixed-saas" / "stripe")
    statuses = [s.value for s in SubscriptionStatus]
    for obj in objects["subscriptions"]:
        obj["status"] = rng.choice(statuses)
    conn = _conn()
    assert _load(conn, write_folder(tmp_path / "changed", objects))
    assert _agree(conn, objects) == sum(map(len, objects.values()))


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


ODD_KEYS = {
    "odd metadata keys": ('"metadata": {}', '"metadata": {"a\\\\": "x", "": "y", "[0]": null}'),
    "a metadata key twice": ('"metadata": {}', '"metadata": {"user_id": "u1", "user_id": "u2"}'),
    "a recurring key twice": ('"recurring": {"interval": "month"',
                              '"recurring": {"interval": "year", "interval": "month"'),
    "an id twice": ('"customer": "(cus_[A-Za-z0-9]+)"', '"customer": {"id": "x", "id": "{1}"}'),
}  # fmt: skip


@pytest.mark.parametrize("case", ODD_KEYS)
def test_odd_keys_read_as_python_reads_them(tmp_path: Path, case: str) -> None:
    """Keys JSONPath cannot name, and keys repeated (Python's json keeps the last
    value, DuckDB finds the first): read as Python reads them, or left to it."""
    import re

    pattern, replacement = ODD_KEYS[case]
    source = SCENARIOS / "demo" / "stripe"
    folder = tmp_path / "stripe"
    shutil.copytree(source, folder)
    text = json.dumps(read_json_list(source / "subscriptions.json"))
    changed = re.sub(
        pattern, lambda m: replacement.replace("{1}", m.group(m.lastindex or 0)), text, count=1
    )
    assert changed != text
    (folder / "subscriptions.json").write_text(changed)
    objects = _objects(folder)
    conn = _conn()
    assert _load(conn, folder)
    _agree(conn, objects)


@pytest.mark.parametrize(
    "text",
    ['[{"id": "sub_1",}]', '[{"id": {"a": 1 ,\n }}]', '[{"id": "a"},\n]'],
    ids=["in an object", "nested, blanks between", "in the array"],
)
def test_a_trailing_comma_is_left_to_python(tmp_path: Path, text: str) -> None:
    """DuckDB's reader accepts `,}`; JSON does not, and Python says where."""
    path = tmp_path / "subscriptions.json"
    path.write_text(text)
    assert raw_table(_conn(), "raw", path, RAW_COLUMNS["subscriptions"]) is None


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
@pytest.mark.parametrize(
    ("text", "found"),
    [
        (b"[1,\n  ]", True),
        (b'{"a": 1 ,  \n\n\n   }', True),
        (b"[1," + b" " * 30 + b"]", True),
        (b'{"a": ",}"}', True),  # inside a string: Python reads the file as well
        (b"[1, 2]", False),
        (b"[1]" + b" " * 20 + b",", False),
        (b'[{"a": [1, 2], "b": {"c": 3}}]', False),
        (b"", False),
    ],
)
def test_the_trailing_comma_scan_spans_its_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: bytes, found: bool, chunk: int
) -> None:
    """The file is scanned in chunks: a comma and its closing bracket in different
    chunks, blanks between, are found as in one."""
    from prodcheck.sources import duck_fixtures

    monkeypatch.setattr(duck_fixtures, "_CHUNK", chunk)
    path = tmp_path / "subscriptions.json"
    path.write_bytes(text)
    assert duck_fixtures._trailing_comma(path) is found


@pytest.mark.parametrize("collection", sorted(ABSENT))
def test_an_absent_collection_gets_the_tables_its_statementswrite_folder(collection: str) -> None:
    conn = _conn()
    conn.execute(empty_table(collection))
    for statement in MACROS + BY_COLLECTION[collection]:
        conn.execute(statement)
    absent = _conn()
    for statement in ABSENT[collection]:
        absent.execute(statement)
    for create in ABSENT[collection]:
        table = create.split("TEMP TABLE ", 1)[1].split(" ", 1)[0]
        described = f"SELECT column_name, column_type FROM (DESCRIBE {table})"
        assert absent.execute(described).fetchall() == conn.execute(described).fetchall()


def test_the_whitespace_class_is_pythons() -> None:
    """pc_unstripped's regular expression says what str.strip() does, for every
    character of the Basic Multilingual Plane at either end."""
    from prodcheck.sources.stripe_sql import MACROS as macros

    conn = _conn()
    conn.execute(macros[0])
    texts = [chr(c) + "a" for c in range(1, 0x10000) if not 0xD800 <= c < 0xE000]
    texts += ["a" + t[0] for t in texts]
    found = conn.execute("SELECT list_transform(?, lambda t: pc_unstripped(t))", [texts]).fetchone()
    assert found is not None
    assert found[0] == [t == t.strip() for t in texts]
