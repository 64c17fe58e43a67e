"""CSV fixtures and joined tables read by DuckDB (sources/duck_csv.py,
sources/duck_joins.py) give the accounts fixtures.py, joins.py and rows.py give:
every scenario's accounts as CSV; mutated CSV text, where each file SQL reads is
read as Python reads it and each it leaves to Python is one Python refuses or
might read otherwise; joins on keys of every shape, the ones SQL leaves to
joins.py among them."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from prodcheck.config import load_config
from prodcheck.errors import ProdcheckError
from prodcheck.model import AccountState, SourceInfo
from prodcheck.sources.fixtures import FixtureAccounts, table_file

from .conftest import SCENARIOS

FOLDERS = sorted(folder for folder in SCENARIOS.iterdir() if (folder / "prodcheck.yml").is_file())
Read = tuple[AccountState, SourceInfo]


def _conn() -> Any:
    from prodcheck.engine.duck import connect

    return connect()


def _both(folder: Path) -> tuple[Read | ProdcheckError, Read | None]:
    """(what Python reads, or the error it raises; what SQL reads, or None)."""
    config = load_config(folder / "prodcheck.yml")
    source = FixtureAccounts(folder, config.database)
    python: Read | ProdcheckError
    try:
        python = source.load()
    except ProdcheckError as exc:
        python = exc
    try:
        sql = source.load_by_sql(_conn())
    except ProdcheckError as exc:  # an error SQL meets first is Python's too
        assert isinstance(python, ProdcheckError), exc
        assert exc.message == python.message
        return python, None
    return python, sql


def _same(folder: Path) -> bool:
    """Whether SQL read the folder's accounts; when it did, as Python did."""
    python, sql = _both(folder)
    if sql is not None:
        assert not isinstance(python, ProdcheckError), python.message
        assert sql == python
    return sql is not None


def _as_csv(path: Path) -> Path:
    """A JSON fixture rewritten as CSV beside it (the JSON removed): every key a
    column, a value as str() writes it, null as nothing."""
    rows = json.loads(path.read_text())
    rows = rows["data"] if isinstance(rows, dict) else rows
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else str(row.get(c)) for c in columns])
    target = path.with_suffix(".csv")
    target.write_text(out.getvalue(), encoding="utf-8")
    path.unlink()
    return target


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_every_scenario_as_csv_reads_the_same_accounts(tmp_path: Path, folder: Path) -> None:
    copy = tmp_path / folder.name
    shutil.copytree(folder / "db", copy / "db")
    shutil.copy(folder / "prodcheck.yml", copy)
    for path in sorted((copy / "db").glob("*.json")):
        _as_csv(path)
    assert _same(copy), "a scenario's CSV accounts left to Python"


CONFIG = {
    "version": 1,
    "billing": {"provider": "stripe", "api_key_env": "K"},
    "database": {
        "url_env": "D",
        "tables": {
            "accounts": {
                "table": "users",
                "columns": {"id": "id", "customer_id": "cus", "has_access": "paid"},
            }
        },
    },
}
USERS = [
    {"id": "u1", "cus": "cus_1", "paid": True},
    {"id": "u2", "cus": "", "paid": "no"},
    {"id": 3, "cus": "cus_3", "paid": 1},
]


def _folder(tmp_path: Path, config: dict[str, Any], tables: dict[str, Any]) -> Path:
    """A fixture folder: prodcheck.yml and db/<name> for each table (a list of rows
    is written as JSON, text as it is)."""
    (tmp_path / "db").mkdir(parents=True, exist_ok=True)
    (tmp_path / "prodcheck.yml").write_text(yaml.safe_dump(config))
    for name, content in tables.items():
        text = content if isinstance(content, str) else json.dumps(content)
        (tmp_path / "db" / name).write_text(text, encoding="utf-8")
    return tmp_path


# Mutations of a CSV's text: the characters CSV gives meaning to, and others.
_PIECES = ['"', ",", "\n", "\r\n", "\r", " ", "", '""', "\x00", "é", ";", "\ufeff", "\t", "x"]


def _mutated(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(text) + 1)
        cut = rng.choice([0, 0, 1, 2])
        text = text[:at] + rng.choice(_PIECES) + text[at + cut :]
    return text


def test_mutated_csv_is_read_by_sql_as_python_reads_it_or_left_to_python(tmp_path: Path) -> None:
    base = "id,cus,paid,plan\nu1,cus_1,true,pro\nu2,,no,\n3,cus_3,1, team\n"
    rng = random.Random(20261205)
    read = left = 0
    for number in range(400):
        folder = _folder(tmp_path / str(number), CONFIG, {"users.csv": _mutated(rng, base)})
        if _same(folder):
            read += 1
        else:
            left += 1
    # Not vacuous: SQL reads many mutations and leaves others to Python (most of
    # them ones Python refuses: a mapped column lost, a quote unclosed).
    assert read > 60 and left > 60, (read, left)


@pytest.mark.parametrize(
    "text",
    [
        "id,cus,paid\nu1,cus_1,true,\n",  # a value more than the header names
        "id,cus,paid\nu1,cus_1,true,x\n",
        'id,cus,paid\nu1,"cus_1"x,true\n',  # quoting Python refuses
        'id,cus,paid\nu1,"cus_1" ,true\n',  # (DuckDB's CSV reader takes this one)
        'id,cus,paid\n"u1,cus_1,true\n',  # (and reads this one as no row)
        "id,cus,paid\n\xe9,cus_1,true\n",  # not UTF-8
        "id,id,paid\nu1,u2,true\n",  # a name twice
        "id,paid\nu1,true\n",  # a mapped column the header lacks
        "\nid,cus,paid\nu1,cus_1,true\n",  # a blank first line
        "id,cus,paid\nu1," + "c" * 131_073 + ",true\n",  # a field over Python's limit
        "id,cus,paid\nu1,cus_1\n",  # fewer values than the header names (an error)
        '"id",cus,paid\nu1\n',  # (the same, in a file the csv module parses)
    ],
)
def test_a_csv_python_refuses_or_reads_otherwise_is_left_to_it(tmp_path: Path, text: str) -> None:
    folder = _folder(tmp_path, CONFIG, {})
    (folder / "db" / "users.csv").write_bytes(text.encode("latin-1"))
    assert not _same(folder)


@pytest.mark.parametrize(
    "text",
    [
        'id,cus,paid\nu1,"cus, 1",true\n"u2",cus_2,"no"\n',  # quoted values
        '"id","cus","paid"\r\n"u1","cus_1","true"\r\n',  # everything quoted
        'id,cus,paid\nu1,"two\nlines",true\n',  # a line break in quotes
        'id,cus,paid\nu1,"say ""hi""",true\n',  # a doubled quote
        "id,ID,cus,paid\nu1,u2,cus_1,true\n",  # names equal but for case
        "id,cus,paid,cus\nu1,c1,true,c2\n",  # a name twice: the last one's value
        "id,cus,paid\nu1,\x01prodcheck-null\x02,true\n",  # DuckDB's null marker itself
        "\ufeff" + '"id",cus,paid\nu1,,\n\nu2,,\n',
    ],
)
def test_a_csv_duckdb_might_misread_is_parsed_by_the_csv_module(tmp_path: Path, text: str) -> None:
    """Files with quotes (and the other shapes DuckDB's CSV reader might read
    otherwise) are parsed by Python's csv module itself, as DictReader parses
    them, and appended to DuckDB in batches: read by SQL, exactly as Python."""
    folder = _folder(tmp_path, CONFIG, {"users.csv": text})
    assert _same(folder)


def test_a_csv_of_empty_values(tmp_path: Path) -> None:
    text = "\ufeffid,cus,paid\r\nu1,cus_1,\r\n\r\nu2,,\r\n u3,cus 3 ,yes\r\nu4,,"
    folder = _folder(tmp_path, CONFIG, {"users.csv": text})
    assert _same(folder)
    python, _ = _both(folder)
    assert not isinstance(python, ProdcheckError)
    accounts = [(a.id, a.customer_id, a.has_access) for a in python[0].accounts]
    assert accounts == [
        ("u1", "cus_1", False),
        ("u2", None, False),
        ("u3", "cus 3", True),  # stripped, as rows.py strips
        ("u4", None, False),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffid,cus,paid\r\nu1,cus_1,true\r\n\r\nu2,cus_2\r\nu3",  # DuckDB's reader
        'id,cus,paid\n"u1",cus_1,true\n\nu2,cus_2\nu3',  # the csv module
    ],
)
def test_a_csv_row_short_of_its_header_is_an_error(tmp_path: Path, text: str) -> None:
    """A row with fewer values than the header names is malformed, not a row of
    nulls (it read as one, silently): both readers stop at its line."""
    folder = _folder(tmp_path, CONFIG, {"users.csv": text})
    python, sql = _both(folder)
    assert sql is None and isinstance(python, ProdcheckError)
    assert python.message == (
        f"{folder / 'db/users.csv'}:4: fewer values than header columns (none for paid); "
        "give every row a value for each column, an empty one for none."
    )


JOINED = {
    **CONFIG,
    "database": {
        "url_env": "D",
        "tables": {
            "accounts": {
                "table": "users",
                "columns": {
                    "id": "id",
                    "customer_id": "customers.stripe_id",
                    "has_access": "paid",
                    "plan": "teams.plan",
                },
                "joins": {
                    "customers": {"on": {"user_id": "id"}},
                    "teams": {"on": {"owner_id": "id"}},
                },
            }
        },
    },
}
JOIN_USERS = [
    {"id": "u1", "paid": True},
    {"id": "u2", "paid": False},
    {"id": 3, "paid": True},
    {"id": "u5", "paid": True},
    {"id": 40, "paid": True},
]
CUSTOMERS = [
    {"user_id": "u1", "stripe_id": "cus_1"},
    {"user_id": "3", "stripe_id": "cus_3"},
    {"user_id": "nobody", "stripe_id": "cus_9"},
    {"user_id": None, "stripe_id": "cus_8"},
]
TEAMS = [{"owner_id": "u2", "plan": "pro"}, {"owner_id": 40, "plan": "team"}]


def _joined(tmp_path: Path, **tables: Any) -> Path:
    files = {"users.json": JOIN_USERS, "customers.json": CUSTOMERS, "teams.json": TEAMS}
    files.update({name.replace("_", "."): rows for name, rows in tables.items()})
    return _folder(tmp_path, JOINED, {k: v for k, v in files.items() if v is not None})


def test_joins_on_text_and_whole_number_keys(tmp_path: Path) -> None:
    folder = _joined(tmp_path)
    assert _same(folder)
    python, _ = _both(folder)
    assert not isinstance(python, ProdcheckError)
    assert [(a.id, a.customer_id, a.plan) for a in python[0].accounts] == [
        ("u1", "cus_1", None),
        ("u2", None, "pro"),
        ("3", "cus_3", None),
        ("u5", None, None),
        ("40", None, "team"),
    ]


def test_joined_tables_as_csv(tmp_path: Path) -> None:
    folder = _joined(tmp_path)
    for name in ("users", "customers", "teams"):
        _as_csv(folder / "db" / f"{name}.json")
    assert _same(folder)


def test_rows_holding_the_joined_columns_are_taken_as_they_are(tmp_path: Path) -> None:
    recorded = [
        {"id": "u1", "paid": True, "customers.stripe_id": "cus_r", "teams.plan": "team"},
        {"id": "u2", "paid": False},
    ]
    assert _same(_joined(tmp_path, users_json=recorded, customers_json=None, teams_json=None))


@pytest.mark.parametrize(
    ("table", "rows"),
    [
        ("customers_json", [*CUSTOMERS, {"user_id": "u1", "stripe_id": "cus_0"}]),  # twice
        ("customers_json", [{"user_id": True, "stripe_id": "cus_1"}]),  # str(True)
        ("customers_json", [{"user_id": 1.0, "stripe_id": "cus_1"}]),  # str(1.0)
        ("teams_json", [{"owner_id": {"a": 1}, "plan": "pro"}]),
        ("users_json", [{"id": 10.5, "paid": True}]),
        ("customers_json", [{"user_id": "u1"}]),  # a mapped column in no row
        ("teams_json", None),  # no file
    ],
)
def test_a_join_sql_does_not_read_as_joins_py_is_left_to_it(
    tmp_path: Path, table: str, rows: Any
) -> None:
    assert not _same(_joined(tmp_path, **{table: rows}))


def test_a_missing_joined_file_is_named_as_python_names_it(tmp_path: Path) -> None:
    folder = _joined(tmp_path, teams_json=None)
    python, sql = _both(folder)
    assert sql is None
    assert isinstance(python, ProdcheckError)
    config = load_config(folder / "prodcheck.yml")
    joined = config.database.tables["accounts"].joined()[1][1]
    with pytest.raises(ProdcheckError):
        table_file(folder, joined)


DECLARED = [
    folder for folder in FOLDERS if len(load_config(folder / "prodcheck.yml").database.tables) > 1
]


@pytest.mark.parametrize("folder", DECLARED, ids=[f.name for f in DECLARED])
@pytest.mark.parametrize("form", ["json", "csv"])
def test_declared_tables_are_read_by_sql_as_python_reads_them(
    tmp_path: Path, folder: Path, form: str
) -> None:
    """The app's other tables (its own subscriptions ...): typed by SQL, the rows
    rows.typed_rows makes of them, in the same order; as JSON and as CSV."""
    from prodcheck.sources.rows import typed_rows

    copy = tmp_path / folder.name
    shutil.copytree(folder / "db", copy / "db")
    shutil.copy(folder / "prodcheck.yml", copy)
    if form == "csv":
        for path in sorted((copy / "db").glob("*.json")):
            _as_csv(path)
    config = load_config(copy / "prodcheck.yml")
    source = FixtureAccounts(copy, config.database)
    for name, table in config.database.tables.items():
        if name == "accounts":
            continue
        python = typed_rows(source.read_table(name), table.columns, table.table)
        sql = source.read_table_by_sql(_conn(), name)
        assert sql is not None, f"{name} left to Python"
        assert sql == python
        assert [list(row) for row in sql] == [list(row) for row in python]  # key order


def test_a_declared_table_sql_does_not_read_is_left_to_python(tmp_path: Path) -> None:
    folder = SCENARIOS / "app-subscriptions-fail"
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    config = load_config(copy / "prodcheck.yml")
    table = config.database.tables["app_subscriptions"]
    path = table_file(copy, table)
    rows = json.loads(path.read_text())
    rows[0][str(table.columns.get("quantity"))] = 1.5  # a float: Python's to read
    path.write_text(json.dumps(rows))
    assert (
        FixtureAccounts(copy, config.database).read_table_by_sql(_conn(), table.spec.name) is None
    )
