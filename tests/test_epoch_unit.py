"""A table's `epoch_unit`: numbers in its time columns count epoch seconds (the
default) or milliseconds (Prisma's DateTime on SQLite, JavaScript's Date.now()).
Both readers read it alike (tests/test_rows_sql.py, value by value); here: the
config, the messages and fixes, doctor's notes and init's proposal. The scenarios
schema-epoch-ms-* run it end to end, live in tests/e2e."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from prodcheck.config import load_config
from prodcheck.engine import access
from prodcheck.errors import DataError
from prodcheck.mapping import ColumnMapping
from prodcheck.model import Provider
from prodcheck.scaffold.propose import propose_schema
from prodcheck.scaffold.shapes import epoch_milliseconds
from prodcheck.sources.coerce import CoercionError, to_datetime
from prodcheck.sources.column_checks import column_checks
from prodcheck.sources.rows import accounts_from_rows
from prodcheck.tables import Derivation, EpochUnit

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
MS = ColumnMapping(
    id="id",
    customer_id="cus",
    has_access=Derivation("ends", expires=True, allowance_hours=24),
    access_expires_at="ends",
    updated_at="changed",
    epoch_unit=EpochUnit.MILLISECONDS,
)


def test_milliseconds_are_read_to_the_millisecond() -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(milliseconds=123)
    assert to_datetime(1767225600123, milliseconds=True) == moment
    assert to_datetime(" 1767225600123 ", milliseconds=True) == moment
    assert to_datetime(-1, milliseconds=True) == datetime(1969, 12, 31, 23, 59, 59, 999000, UTC)
    # text in ISO 8601 is read as it is in either unit
    assert to_datetime("2026-01-01T00:00:00Z", milliseconds=True) == moment.replace(microsecond=0)
    with pytest.raises(CoercionError, match="expected epoch milliseconds"):
        to_datetime(10**17, milliseconds=True)


def test_a_millisecond_value_read_as_seconds_names_the_option() -> None:
    seconds = ColumnMapping(id="id", customer_id="cus", has_access="paid", deleted_at="gone")
    rows = [{"id": "u1", "cus": "c", "paid": True, "gone": 1767225600123}]
    with pytest.raises(DataError) as caught:
        accounts_from_rows(rows, seconds, "users")
    text = "\n".join(caught.value.details)
    assert "users[0]: column 'gone' (deleted_at): expected epoch seconds, got 1767225600123" in text
    assert "set `epoch_unit: milliseconds` on it" in text
    fields = {"id": "id", "customer_id": "cus", "has_access": "paid", "deleted_at": "gone"}
    milliseconds = ColumnMapping.of(seconds.spec, fields, EpochUnit.MILLISECONDS)
    (account,) = accounts_from_rows(rows, milliseconds, "users").accounts
    assert account.deleted_at == datetime(2026, 1, 1, 0, 0, 0, 123000, UTC)


def test_the_unit_belongs_to_the_mapping() -> None:
    assert MS.replace(label="name").epoch_unit is EpochUnit.MILLISECONDS
    fields = {"id": "id", "customer_id": "cus", "has_access": "paid"}
    assert ColumnMapping(**fields) != ColumnMapping(**fields, epoch_unit=EpochUnit.MILLISECONDS)
    assert "epoch_unit='milliseconds'" in repr(MS)
    # a joined table's fields are its column names, whatever they are called
    spec = MS.spec
    with pytest.raises(TypeError, match="has no field 'epoch_unit'"):
        ColumnMapping.of(spec, {**fields, "epoch_unit": "x"})


def test_state_and_fixes_say_the_number_to_write() -> None:
    rows = [{"id": "u1", "cus": "c", "ends": 1793275200123, "changed": 1790078400456}]
    (account,) = accounts_from_rows(rows, MS, "User").accounts
    assert account.updated_at == datetime(2026, 9, 22, 12, 0, 0, 456000, UTC)
    assert access.state(MS, account, False) == "ends = 1793275200123 (2026-10-29T12:00:00Z)"
    until = NOW + timedelta(days=27)
    assert access.assignment(MS, True, "active", until, NOW) == (
        "ends = 1795867200000 (2026-11-28T12:00:00Z)"
    )
    assert access.assignment(MS, False, "canceled", until, NOW) == (
        "ends = 1793534400000 (2026-11-01T12:00:00Z, now) or earlier"
    )


def _config(tmp_path: Path, **table: object) -> Path:
    accounts = {
        "table": "users",
        "columns": {"id": "id", "customer_id": "cus", "has_access": {"expires_at": "ends"}},
        **table,
    }
    data = {
        "version": 1,
        "billing": {"provider": "stripe", "fixtures": "."},
        "database": {"fixtures": ".", "tables": {"accounts": accounts}},
    }
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_the_config_sets_the_unit_per_table(tmp_path: Path) -> None:
    default = load_config(_config(tmp_path)).database
    assert default.columns.epoch_unit is EpochUnit.SECONDS
    database = load_config(_config(tmp_path, epoch_unit="milliseconds")).database
    assert database.tables["accounts"].columns.epoch_unit is EpochUnit.MILLISECONDS


def test_doctor_says_how_an_integer_time_column_is_read(tmp_path: Path) -> None:
    kinds = {"id": ("text", "text"), "cus": ("text", "text"), "ends": ("integer", "bigint")}
    for unit, said in (("seconds", "epoch seconds"), ("milliseconds", "epoch milliseconds")):
        database = load_config(_config(tmp_path, epoch_unit=unit)).database
        checks = [c for c in column_checks(database, kinds) if "ends" in c.name]
        assert checks and all(c.ok and said in c.message for c in checks), checks


@pytest.mark.parametrize(
    ("found", "proposed"),
    [
        ([1793275200123, None, "1790078400456"], "1790078400456"),
        ([1793275200, 1790078400], None),  # seconds
        ([1793275200123, 1793275200], None),  # both: not decided for the user
        (["2026-10-29T12:00:00Z"], None),
        ([], None),
    ],
)
def test_init_proposes_milliseconds_when_only_they_fit(found: list, proposed: str | None) -> None:
    rows = [{"ends": value} for value in found]
    assert epoch_milliseconds(rows, ["ends"]) == proposed


def test_init_writes_the_unit_for_the_table_it_proposes() -> None:
    columns = [
        ("id", "text"),
        ("stripe_customer_id", "text"),
        ("stripe_current_period_end", "bigint"),
    ]
    rows = [{"id": "u1", "stripe_customer_id": "cus_1", "stripe_current_period_end": 1793275200123}]
    proposal = propose_schema({"users": columns}, Provider.STRIPE, {"users": rows})
    assert proposal.accounts[0].milliseconds_seen == "1793275200123"
