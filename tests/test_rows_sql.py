"""The app's rows typed by SQL (sources/rows_sql.py, on files read by
sources/duck_rows.py) equal what rows.py makes of them: the accounts of every
scenario, in every file layout; and value by value, for every field type, each
value SQL reads is read to typed_row's value, and each value SQL leaves to
Python (a shape it does not read) is one Python reads differently or refuses,
never a plain one."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from prodcheck.config import load_config
from prodcheck.mapping import ColumnMapping, TableConfig
from prodcheck.sources.coerce import CoercionError
from prodcheck.sources.duck_rows import read_accounts, read_typed
from prodcheck.sources.fixtures import FixtureAccounts
from prodcheck.sources.rows import typed_row
from prodcheck.tables import ACCOUNTS, EpochUnit

from .conftest import SCENARIOS

duckdb = pytest.importorskip("duckdb")  # a core dependency: present wherever prodcheck is

FOLDERS = sorted(folder for folder in SCENARIOS.iterdir() if (folder / "prodcheck.yml").is_file())


def _conn() -> Any:
    from prodcheck.engine.duck import connect

    return connect()


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_every_scenario_reads_the_same_accounts(folder: Path) -> None:
    config = load_config(folder / "prodcheck.yml")
    source = FixtureAccounts(folder, config.database)
    python = source.load()
    sql = source.load_by_sql(_conn())
    assert sql is not None, "a scenario's accounts left to Python"
    assert sql == python
    # times in the same offset (a date shown in a message is the date in it)
    for ours, theirs in zip(sql[0].accounts, python[0].accounts, strict=True):
        for name in ("deleted_at", "access_expires_at", "updated_at"):
            mine, other = getattr(ours, name), getattr(theirs, name)
            assert (mine and mine.utcoffset()) == (other and other.utcoffset())


@pytest.mark.parametrize("layout", ["array", "list object", "ndjson"])
def test_every_layout_is_read(tmp_path: Path, layout: str) -> None:
    rows = [
        {"id": "u1", "cus": "cus_1", "paid": True, "plan": "pro"},
        {"id": 2, "cus": "cus_2", "paid": "no", "plan": None},
    ]
    name = "users.ndjson" if layout == "ndjson" else "users.json"
    path = tmp_path / name
    if layout == "ndjson":
        path.write_text("\n".join(json.dumps(row) for row in rows) + "\n\n")
    elif layout == "list object":
        path.write_text(json.dumps({"object": "list", "data": rows, "has_more": False}))
    else:
        path.write_text(json.dumps(rows))
    table = TableConfig(ACCOUNTS, "users", ColumnMapping("id", "cus", "paid", "plan"))
    state = read_accounts(_conn(), path, table)
    assert state is not None
    assert [(a.id, a.customer_id, a.has_access, a.plan) for a in state.accounts] == [
        ("u1", "cus_1", True, "pro"),
        ("2", "cus_2", False, None),
    ]


# Values of every shape, for every field type: plain ones SQL must read, and the
# rest, which it may read (to typed_row's value) or leave to Python.
PLAIN = {
    "str": ["u_1", "cus_ABC", 42, 0, -7, 18446744073709551615, "", None, "ünïcode", "a b",
            " u1", "u1 ", "\u00a0x\u2003", "\t", "  "],
    "flag": [True, False, 0, 1, "true", "FALSE", "t", "F", "yes", "No", "y", "n", "on",
             "OFF", "1", "0", "", None, " yes ", "TRUE\n"],
    "count": [0, 3, -2, "12", "-4", "", None, 9_000_000_000],
    "time": [1767225600, 0, -86400, "1767225600", "2026-01-01", "2026-01-01T10:20",
             "2026-01-01T10:20:30", "2026-01-01T10:20:30Z", "2026-01-01 10:20:30.5",
             "2026-01-01T10:20:30.123456+00:00", "", None, " 2026-01-01 ", " 1767225600"],
    # a table of epoch milliseconds (epoch_unit: milliseconds), to its first and last
    "time_ms": [1767225600123, 0, -86400001, 1767225600, "1767225600123", " 1767225600123",
                "-1", "2026-01-01", "2026-01-01T10:20:30Z", "", None, 253402300799999,
                -62135596800000],
}  # fmt: skip
ODD = [
    "\u00a0", "x\u2003\u200b", "\ufeffx", 1.0, 1.5, 1e300, -0.0, True, False,
    {"a": 1}, [1], [], {}, 2, -1, "2", "maybe", "TRUE ", "İ", "\u212a", "+5", "1_000",
    "٣", "²", "--5", "-", "1" * 25, "99999999999999", "2026-01-01T10:20:30+05:30",
    "2026-01-01T10:20:30-00:00", "2026-01-01Z", "2026-02-30", "2026-01-01T24:00",
    "2026-01-01T23:59:60", "0000-01-01", "2026-01-01T10", "2026-01-01T10:20:30.1234567",
    "20260101", "2026-W01-1", "2026-01-01t10:20", 253402300800, -62135596801,
    253402300800000, -62135596800001, "1" * 15, "1" * 16, 1767225600123.5,
    "2026-1-1", "10000-01-01", 18446744073709551616, -9223372036854775809,
]  # fmt: skip


def _mapping(unit: EpochUnit) -> ColumnMapping:
    return ColumnMapping(
        id="id", customer_id="cus", has_access="paid", deleted_at="at", epoch_unit=unit
    )


def _python(field: str, value: Any, unit: EpochUnit = EpochUnit.SECONDS) -> tuple[bool, Any]:
    """(read, value) as typed_row reads `value` in the field's column."""
    mapping = _mapping(unit)
    try:
        typed = typed_row(
            {"id": "u", "cus": "c", "paid": False, "at": None, "x": value}, _x(mapping, field)
        )
    except CoercionError:
        return False, None
    return True, typed[field]


def _x(mapping: ColumnMapping, field: str) -> ColumnMapping:
    return mapping.replace(**{field: "x"})


def _sql(
    tmp_path: Path, field: str, value: Any, unit: EpochUnit = EpochUnit.SECONDS
) -> tuple[bool, Any]:
    mapping = _mapping(unit)
    table = TableConfig(ACCOUNTS, "users", _x(mapping, field))
    path = tmp_path / "users.json"
    path.write_text(json.dumps([{"id": "u", "cus": "c", "paid": False, "at": None, "x": value}]))
    conn = _conn()
    if read_typed(conn, path, table, "accounts") is None:
        return False, None
    found = conn.execute(f'SELECT "{field}" FROM db_accounts').fetchall()[0][0]
    return True, found


FIELDS = {"str": "customer_id", "flag": "comped", "time": "deleted_at", "time_ms": "deleted_at"}
UNITS = {"time_ms": EpochUnit.MILLISECONDS}


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_plain_values_are_read_by_sql_as_python_reads_them(tmp_path: Path, kind: str) -> None:
    field, unit = FIELDS[kind], UNITS.get(kind, EpochUnit.SECONDS)
    for value in PLAIN[kind]:
        read, python = _python(field, value, unit)
        assert read, value
        if field == "customer_id" and python is None:
            continue  # an account's customer id may be null; the id may not
        read, sql = _sql(tmp_path, field, value, unit)
        assert read, f"SQL leaves the plain value {value!r} to Python"
        assert sql == python, value


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_any_value_sql_reads_is_read_as_python_reads_it(tmp_path: Path, kind: str) -> None:
    field, unit = FIELDS[kind], UNITS.get(kind, EpochUnit.SECONDS)
    rng = random.Random(19)
    values = [*PLAIN[kind], *ODD, *(_random_text(rng) for _ in range(30))]
    left = []
    for value in values:
        read, sql = _sql(tmp_path, field, value, unit)
        python_read, python = _python(field, value, unit)
        if read:
            assert python_read, f"SQL reads {value!r}, which Python refuses"
            assert sql == python, value
            if isinstance(python, datetime):
                assert python.utcoffset() == sql.utcoffset(), value
        else:
            left.append(value)
    assert left, "some values must be left to Python"


def _random_text(rng: random.Random) -> str:
    """Text near the shapes the readers parse: digits, dates, flags, blanks."""
    pieces = ["2026", "-", "01", "T", ":", "30", "Z", "+00:00", " ", ".5", "1", "0", "t",
              "rue", "\u00a0", "e", "N", "o"]  # fmt: skip
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 7)))


def test_a_count_field_is_read_as_python_reads_it(tmp_path: Path) -> None:
    """COUNT fields (quantities) as the app_subscriptions table declares them."""
    from prodcheck.tables import APP_SUBSCRIPTIONS

    counts = [f.name for f in APP_SUBSCRIPTIONS.fields if f.type.value == "count"]
    if not counts:
        pytest.skip("no declared table has a count field")
    field = counts[0]
    required = {name: name for name in APP_SUBSCRIPTIONS.required}
    mapping = ColumnMapping(spec=APP_SUBSCRIPTIONS, **{**required, field: "x"})
    table = TableConfig(APP_SUBSCRIPTIONS, "subs", mapping)
    path = tmp_path / "subs.json"
    cases = [(value, True) for value in PLAIN["count"]] + [(value, False) for value in ODD]
    for value, plain in cases:
        row = {**{name: "v" for name in required}, "x": value}
        try:
            python: Any = (True, typed_row(row, mapping)[field])
        except CoercionError:
            python = (False, None)
        path.write_text(json.dumps([row]))
        conn = _conn()
        if read_typed(conn, path, table, "subs") is None:
            assert not plain, f"SQL leaves the plain value {value!r} to Python"
            continue
        assert python[0], f"SQL reads {value!r}, which Python refuses"
        assert conn.execute(f'SELECT "{field}" FROM db_subs').fetchall()[0][0] == python[1]


def test_a_status_column_keeps_the_status_it_read(tmp_path: Path) -> None:
    mapping = ColumnMapping(
        id="id", customer_id="cus", has_access={"column": "state", "grants": ["active", 1]}
    )
    rows = [
        {"id": "a", "cus": "c", "state": "active"},
        {"id": "b", "cus": "c", "state": 1},
        {"id": "c", "cus": "c", "state": " free "},
        {"id": "d", "cus": "c", "state": None},
    ]
    path = tmp_path / "users.json"
    path.write_text(json.dumps(rows))
    state = read_accounts(_conn(), path, TableConfig(ACCOUNTS, "users", mapping))
    assert state is not None
    assert [(a.has_access, a.extra) for a in state.accounts] == [
        (True, (("has_access:source", "active"),)),
        (True, (("has_access:source", "1"),)),
        (False, (("has_access:source", "free"),)),
        (False, ()),
    ]


@pytest.mark.parametrize(
    "text",
    [
        '[{"id": "u1", "cus": "c"}, null]',
        '[{"id": "u1", "cus": "c"}, {}]',
        '[{"id": "u1", "cus": "c"}, [1]]',
        '[{"id": "u1", "id": "u2", "cus": "c"}]',
        '[{"id": "u1", "cus": "c",}]',
        '[{"cus": "c"}]',
        '[{"id": "u1"}]',
        '{"data": [{"id": "u1", "cus": "c"}], "has_more": true}',
        "\ufeff" + '[{"id": "u1", "cus": "c"}]',
        "",
        "[",
    ],
)
def test_a_file_python_refuses_or_reads_otherwise_is_left_to_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "users.json"
    path.write_text(text)
    table = TableConfig(ACCOUNTS, "users", ColumnMapping("id", "cus", "paid"))
    assert read_accounts(_conn(), path, table) is None


def test_a_naive_time_is_utc_whatever_the_machine_zone(tmp_path: Path) -> None:
    read, sql = _sql(tmp_path, "deleted_at", "2026-01-01T10:20:30")
    assert read
    assert sql == datetime(2026, 1, 1, 10, 20, 30, tzinfo=UTC)
