"""Access the way apps store it: a boolean, a status column whose values grant it, or
an expiry time (plus an allowance) still ahead; and what to write to fix it, the
app's way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from prodcheck.config import load_config
from prodcheck.engine import access
from prodcheck.errors import ConfigError
from prodcheck.mapping import ColumnMapping
from prodcheck.model import Account
from prodcheck.sources.column_checks import column_checks
from prodcheck.sources.rows import accounts_from_rows
from prodcheck.tables import Derivation

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
STATUS = ColumnMapping(
    id="id",
    customer_id="cus",
    has_access={"column": "status", "grants": ["paid", "comped"]},
    comped={"column": "status", "grants": ["comped"]},
)
EXPIRY = ColumnMapping(
    id="id",
    customer_id="cus",
    has_access=Derivation("ends", expires=True, allowance_hours=24),
    access_expires_at="ends",
)
BOOLEAN = ColumnMapping(id="id", customer_id="cus", has_access="paid")


def _accounts(rows: list[dict], mapping: ColumnMapping) -> dict[str, Account]:
    state = accounts_from_rows(rows, mapping, "members")
    return {a.id: a for a in state.accounts}


def test_a_status_column_grants_access_for_its_values() -> None:
    rows = [
        {"id": "m1", "cus": "c1", "status": "paid"},
        {"id": "m2", "cus": "c2", "status": "comped"},
        {"id": "m3", "cus": None, "status": "free"},
        {"id": "m4", "cus": None, "status": None},
    ]
    got = _accounts(rows, STATUS)
    assert [got[i].has_access for i in ("m1", "m2", "m3", "m4")] == [True, True, False, False]
    assert [got[i].comped for i in ("m1", "m2", "m3", "m4")] == [False, True, False, False]
    assert access.state(STATUS, got["m3"], False) == "status = 'free'"
    assert access.state(STATUS, got["m4"], False) == "status empty"


def test_integer_statuses_compare_as_text() -> None:
    mapping = ColumnMapping(id="id", customer_id="c", has_access={"column": "s", "grants": [1, 2]})
    got = _accounts([{"id": "a", "c": "x", "s": 2}, {"id": "b", "c": "y", "s": 3}], mapping)
    assert got["a"].has_access is True and got["b"].has_access is False


def test_an_expiry_grants_access_while_it_is_ahead_plus_the_allowance() -> None:
    rows = [
        {"id": "ahead", "cus": "c", "ends": "2026-11-20T00:00:00Z"},
        {"id": "allowance", "cus": "c", "ends": "2026-11-01T02:00:00Z"},  # 10 hours ago
        {"id": "past", "cus": "c", "ends": "2026-10-30T00:00:00Z"},
        {"id": "never", "cus": "c", "ends": None},
    ]
    got = _accounts(rows, EXPIRY)
    assert all(a.has_access is None for a in got.values())  # decided against `now`
    decided = {i: access.has_access(EXPIRY, a, NOW) for i, a in got.items()}
    assert decided == {"ahead": True, "allowance": True, "past": False, "never": False}
    assert access.state(EXPIRY, got["past"], False) == "ends = 2026-10-30T00:00:00Z"


@pytest.mark.parametrize(
    ("mapping", "grant", "status", "expected"),
    [
        (BOOLEAN, True, "active", "paid = true"),
        (BOOLEAN, False, "canceled", "paid = false"),
        (STATUS, True, None, "status = 'paid'"),
        (STATUS, False, None, "status = 'canceled'"),
        (
            ColumnMapping(
                id="i",
                customer_id="c",
                has_access={"column": "s", "grants": ["active", "trialing"]},
            ),
            True,
            "trialing",
            "s = 'trialing'",  # billing's own status when it grants
        ),
        (
            ColumnMapping(
                id="i",
                customer_id="c",
                has_access={"column": "s", "grants": ["active", "past_due"]},
            ),
            False,
            "unpaid",
            "s = 'unpaid'",
        ),
        (EXPIRY, True, "active", "ends = 2026-11-28T12:00:00Z"),
        (EXPIRY, False, "canceled", "ends = 2026-11-01T12:00:00Z (now) or earlier"),
    ],
)
def test_what_to_write_is_said_the_apps_way(
    mapping: ColumnMapping, grant: bool, status: str | None, expected: str
) -> None:
    until = NOW + timedelta(days=27)
    assert access.assignment(mapping, grant, status, until, NOW) == expected


def _config(tmp_path: Path, columns: dict) -> Path:
    data = {
        "version": 1,
        "billing": {"provider": "stripe", "fixtures": "."},
        "database": {
            "fixtures": ".",
            "tables": {
                "accounts": {
                    "table": "users",
                    "columns": {"id": "id", "customer_id": "cus", **columns},
                }
            },
        },
    }
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_an_expiry_is_also_the_access_expires_at_column(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, {"has_access": {"expires_at": "paid_until"}}))
    assert config.database.columns.get("access_expires_at") == "paid_until"
    same = {"has_access": {"expires_at": "paid_until"}, "access_expires_at": "paid_until"}
    assert load_config(_config(tmp_path, same)).database.columns == config.database.columns


def test_an_expiry_and_another_expiry_column_is_an_error(tmp_path: Path) -> None:
    columns = {"has_access": {"expires_at": "paid_until"}, "access_expires_at": "valid_until"}
    with pytest.raises(ConfigError) as caught:
        load_config(_config(tmp_path, columns))
    text = str(caught.value)
    assert "prodcheck.yml:" in text and "database.tables.accounts.columns.access_expires_at" in text
    assert "map it to 'paid_until'" in text


def test_doctor_accepts_the_column_types_of_each_form(tmp_path: Path) -> None:
    config = load_config(
        _config(tmp_path, {"has_access": {"column": "status", "grants": ["active"]}})
    ).database
    checks = {
        c.name: c.ok
        for c in column_checks(
            config, {"id": ("text", "text"), "cus": ("text", "text"), "status": ("enum", "enum")}
        )
    }
    assert checks["column has_access -> status"] is True
    wrong = column_checks(
        config, {"id": ("text", "text"), "cus": ("text", "text"), "status": ("boolean", "bool")}
    )
    assert [c.ok for c in wrong if c.name == "column has_access -> status"] == [False]
    expiry = load_config(_config(tmp_path, {"has_access": {"expires_at": "ends"}})).database
    kinds = {"id": ("text", "text"), "cus": ("text", "text"), "ends": ("timestamp", "timestamptz")}
    assert all(c.ok for c in column_checks(expiry, kinds))


TABLE = ColumnMapping(
    id="id", customer_id="cus", has_access={"from": "app_subscriptions", "grants": ["active"]}
)


def test_the_apps_subscriptions_table_can_decide_access() -> None:
    account = _accounts([{"id": "u1", "cus": "c1"}], TABLE)["u1"]
    rows = [{"id": "sub_1", "status": "canceled"}, {"id": "sub_2", "status": "active"}]
    assert access.has_access(TABLE, account, NOW, rows) is True
    assert access.has_access(TABLE, account, NOW, rows[:1]) is False
    assert access.has_access(TABLE, account, NOW, ()) is False
    assert access.state(TABLE, account, False, (), "subscriptions") == "no row in subscriptions"
    assert access.state(TABLE, account, True, rows[1:], "subscriptions") == (
        "subscriptions row sub_2 'active'"
    )
    grant = access.assignment(TABLE, True, "active", None, NOW, (), ("subscriptions", "sub_9"))
    assert grant == "status = 'active' in subscriptions for sub_9"
    revoke = access.assignment(TABLE, False, "canceled", None, NOW, rows, ("subscriptions", None))
    assert revoke == "status = 'canceled' in subscriptions for sub_1, sub_2"


@pytest.mark.parametrize(
    ("app_table", "words"),
    [
        (None, "map database.tables.app_subscriptions (the table it reads)"),
        ({"id": "id", "user_id": None}, "map status under database.tables.app_subscriptions"),
        ({"id": "id", "status": "status"}, "map account_id (or customer_id)"),
    ],
)
def test_access_from_the_table_needs_it_mapped(
    tmp_path: Path, app_table: dict | None, words: str
) -> None:
    path = _config(tmp_path, {"has_access": {"from": "app_subscriptions", "grants": ["active"]}})
    data = yaml.safe_load(path.read_text())
    if app_table is not None:
        columns = {k: v for k, v in app_table.items() if v}
        data["database"]["tables"]["app_subscriptions"] = {"table": "subs", "columns": columns}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = str(caught.value)
    assert "database.tables.accounts.columns.has_access" in text and words in text
