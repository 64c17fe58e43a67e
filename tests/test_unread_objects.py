"""The objects the SQL does not read exactly as the provider's normalizer does go
to the normalizer one by one, never with their file (sources/duck_billing.py,
billing_store.py): the run stays in DuckDB, the normalizer sees exactly those
objects (named by their index in the file), the objects read back are the Python
loader's, and the report and every error message are the same byte for byte."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prodcheck.billing_objects import billing_objects
from prodcheck.billing_store import COLUMNS, store
from prodcheck.config import load_config
from prodcheck.engine.duck import connect
from prodcheck.model import Provider
from prodcheck.runner import load_checked_rules, load_snapshot
from prodcheck.scenario import read_scenario
from prodcheck.sources import duck_billing
from prodcheck.sources.duck_billing import SQL
from prodcheck.sources.duck_macros import ensure_macros
from prodcheck.sources.fixtures import NORMALIZERS, FixtureBilling

from .conftest import SCENARIOS
from .python_readers import python_readers, python_snapshot

BILLED = sorted(
    f for f in SCENARIOS.iterdir() if (f / "stripe").is_dir() or (f / "paddle").is_dir()
)


def _spy(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """What the normalizer is handed during the SQL path: collection -> positions
    (the Python readers, which hand it every object, share the dict: not counted)."""
    seen: dict[str, list[int]] = {}
    for provider, normalize in NORMALIZERS.items():

        def spy(
            raw: Any, origins: Any, positions: Any = None, _normalize: Callable = normalize
        ) -> Any:
            for name, objects in raw.items() if positions is not None else ():
                assert len(objects) == len(positions[name])
                seen.setdefault(name, []).extend(positions[name])
            return _normalize(raw, origins, positions)

        monkeypatch.setitem(duck_billing.NORMALIZERS, provider, spy)
    return seen


def _edit(folder: Path, relative: str, change: Callable[[list[Any]], None]) -> None:
    path = folder / relative
    objects = json.loads(path.read_text())
    change(objects)
    path.write_text(json.dumps(objects, indent=1))


def _both(folder: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    args = ("check", "--fixtures", str(folder), "--format", "json")
    sql = run_cli(*args)
    with python_readers():
        python = run_cli(*args)
    return sql, python


def _set(index: int, key: str, value: Any) -> Callable[[list[Any]], None]:
    def change(objects: list[Any]) -> None:
        objects[index][key] = value

    return change


# (scenario, file, edit, the positions the normalizer is to see): shapes the
# normalizer reads that the SQL leaves to it.
ODD = [
    ("demo", "stripe/subscriptions.json", _set(0, "created", "2026-01-05T12:00:00Z"), [0]),
    ("demo", "stripe/subscriptions.json", _set(3, "cancel_at", "1767225600"), [3]),
    ("demo", "stripe/customers.json", _set(2, "created", "2026-01-05T12:00:00Z"), [2]),
    ("settle-window", "stripe/events.json", _set(0, "created", "2026-01-05T12:00:00Z"), [0]),
    ("paddle-fail", "paddle/subscriptions.json", _set(1, "created_at", 1767225600), [1]),
    ("paddle-fail", "paddle/customers.json", _set(0, "created_at", 1767225600), [0]),
]


@pytest.mark.parametrize(("base", "relative", "change", "positions"), ODD)
def test_an_odd_object_alone_goes_to_python(
    base: str,
    relative: str,
    change: Callable[[list[Any]], None],
    positions: list[int],
    tmp_path: Path,
    run_cli: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / base
    shutil.copytree(SCENARIOS / base, folder)
    _edit(folder, relative, change)
    config = load_config(folder / "prodcheck.yml")
    scenario = read_scenario(folder)
    assert scenario is not None
    rules = load_checked_rules(config)
    python = python_snapshot(config, rules, folder, scenario.now)
    seen = _spy(monkeypatch)
    snapshot = load_snapshot(config, rules, folder, {}, True, scenario.now)
    collection = Path(relative).stem
    assert seen == {collection: positions}
    assert snapshot.billing_db is not None
    provider = config.billing.provider
    read_back = billing_objects(snapshot.billing_db, snapshot.billing.loaded, None, provider)[0]
    assert read_back == python.billing
    assert snapshot.sources == python.sources
    sql, by_python = _both(folder, run_cli, monkeypatch)
    assert (sql.exit_code, sql.stdout) == (by_python.exit_code, by_python.stdout)


def test_a_file_duckdb_refuses_goes_to_python_alone(
    tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A byte-order mark: that file's objects go to the normalizer, the other's not."""
    folder = tmp_path / "demo"
    shutil.copytree(SCENARIOS / "demo", folder)
    path = folder / "stripe" / "customers.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    count = len(json.loads(path.read_text(encoding="utf-8-sig")))
    config = load_config(folder / "prodcheck.yml")
    seen = _spy(monkeypatch)
    with connect() as conn:
        state, info = duck_billing.read_billing_folder(conn, folder, Provider.STRIPE)
        python, python_info = FixtureBilling(folder, config.billing).load(frozenset())
        assert billing_objects(conn, state.loaded, None, Provider.STRIPE)[0] == python
    assert seen == {"customers": list(range(count))}
    assert info == python_info


BAD = [
    # one malformed object among good ones
    [("stripe/subscriptions.json", _set(2, "status", "enabled"))],
    # malformed objects in two files, and an odd good one beside them
    [
        ("stripe/customers.json", _set(1, "created", "yesterday")),
        ("stripe/subscriptions.json", _set(0, "created", "2026-01-05T12:00:00Z")),
        ("stripe/subscriptions.json", _set(4, "items", {"data": [{"id": 3}]})),
    ],
    # a file DuckDB refuses holding a malformed object
    [("stripe/customers.json", _set(0, "created", "never")), ("bom", None)],
]


@pytest.mark.parametrize("edits", BAD, ids=["one", "two-files", "refused-file"])
def test_malformed_objects_are_named_as_the_python_loader_names_them(
    edits: list[Any], tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(SCENARIOS / "demo", folder)
    for relative, change in edits:
        if relative == "bom":
            path = folder / "stripe" / "customers.json"
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        else:
            _edit(folder, relative, change)
    sql, python = _both(folder, run_cli, monkeypatch)
    assert sql.exit_code == python.exit_code == 2
    assert sql.stderr == python.stderr
    assert "malformed Stripe objects" in sql.stderr


@pytest.mark.parametrize("folder", BILLED, ids=[f.name for f in BILLED])
def test_stored_objects_read_back_as_they_went_in(folder: Path) -> None:
    """billing_store is billing_objects' inverse: every scenario's objects,
    normalized by Python and stored into new tables, read back equal."""
    config = load_config(folder / "prodcheck.yml")
    state, _ = FixtureBilling(folder, config.billing).load(frozenset())
    with connect() as conn:
        store(conn, state)
        assert billing_objects(conn, state.loaded, None, config.billing.provider)[0] == state


@pytest.mark.parametrize("provider", list(Provider), ids=[p.value for p in Provider])
def test_the_stored_tables_are_the_ones_the_sql_writes(provider: Provider) -> None:
    sql = SQL[provider]
    with connect() as conn:
        for name, columns in sql.raw_columns.items():
            declared = ", ".join(f'"{k}" {v}' for k, v in columns.items())
            conn.execute(f"CREATE TEMP TABLE raw_{provider.value}_{name} (pos BIGINT, {declared})")
        ensure_macros(conn)
        for statement in sql.statements(frozenset(sql.raw_columns)):
            conn.execute(statement)
        for table, columns in COLUMNS.items():
            described = conn.execute(f"DESCRIBE {table}").fetchall()
            assert {name: kind for name, kind, *_ in described} == columns, table
