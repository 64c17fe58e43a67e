"""A Postgres accounts table copied into DuckDB (sources/postgres_copy.py) against the
real server: the same Accounts as psycopg's rows through rows.py, value by value
and type by type; what it does not read as psycopg does is left to that path;
the copy runs in the read-only transaction, and a `where` cannot smuggle in a
statement."""

from __future__ import annotations

import pytest

from prodcheck.config import ColumnMapping
from prodcheck.engine.duck import connect as duck_connect
from prodcheck.errors import SourceError
from prodcheck.sources.postgres import PostgresAccounts

from .conftest import connect, run
from .data import BILLING_USERS, TABLES, URL_ENV, Table


def env(url: str) -> dict[str, str]:
    return {URL_ENV: url}


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_copied_rows_are_the_accounts_psycopg_reads(pg_tables: str, table: Table) -> None:
    source = PostgresAccounts(table.config(), env=env(pg_tables))
    python = source.load()
    copied = source.load_by_sql(duck_connect())
    if copied is None:
        # left to psycopg: a column of a type the copy does not read (numeric ...)
        with connect(pg_tables) as conn:
            kinds = {
                row[0]
                for row in conn.execute(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_schema || '.' || table_name = %s OR table_name = %s",
                    (table.name, table.name),
                ).fetchall()
            }
        assert kinds - {"integer", "bigint", "smallint", "text", "boolean", "uuid",
                        "timestamp with time zone", "timestamp without time zone", "date",
                        "character varying", "USER-DEFINED", "character"}, kinds  # fmt: skip
        return
    assert copied == python


def test_most_tables_are_copied(pg_tables: str) -> None:
    copied = [
        t.name
        for t in TABLES
        if PostgresAccounts(t.config(), env=env(pg_tables)).load_by_sql(duck_connect())
    ]
    assert len(copied) >= len(TABLES) - 1, copied


# Column type -> values (SQL literals) of every shape, some of which the copy reads
# and some it leaves to psycopg; whichever path reads them, the result is the same.
VALUES = {
    "text": ["'cus_1'", "' cus_2 '", "''", "NULL", "'a,b'", "'say \"hi\"'", "E'two\\nlines'",
             "'\\N'", "'ünï'", "E'\\t'", "'NULL'"],
    "boolean": ["true", "false", "NULL"],
    "bigint": ["0", "42", "-7", "9223372036854775807", "NULL"],
    "timestamptz": ["'2026-01-01 10:20:30+00'", "'2026-01-01 10:20:30.123456+05:30'",
                    "'0999-01-01 00:00:00+00'", "'infinity'", "NULL"],
    "timestamp": ["'2026-01-01 10:20:30'", "'2026-01-01 10:20:30.5'", "NULL"],
    "date": ["'2026-01-01'", "NULL"],
    "uuid": ["'6f1c5f3e-0a7b-4c5e-9d1a-2b3c4d5e6f70'", "NULL"],
    "numeric": ["1", "NULL"],
}  # fmt: skip
# The field each column type is read as.
FIELDS = {
    "text": "customer_id",
    "boolean": "comped",
    "bigint": "customer_id",
    "timestamptz": "deleted_at",
    "timestamp": "deleted_at",
    "date": "deleted_at",
    "uuid": "customer_id",
    "numeric": "customer_id",
}


@pytest.mark.parametrize("kind", sorted(VALUES))
def test_every_value_is_read_as_psycopg_and_rows_py_read_it(pg_url: str, kind: str) -> None:
    name = f"copy_{kind}"
    run(
        pg_url,
        f"DROP TABLE IF EXISTS {name}",
        f"CREATE TABLE {name} (id int, paid boolean, x {kind})",
    )
    for number, value in enumerate(VALUES[kind]):
        run(pg_url, f"INSERT INTO {name} VALUES ({number}, true, {value})")
    columns = ColumnMapping(id="id", customer_id="id", has_access="paid").replace(
        **{FIELDS[kind]: "x"}
    )
    config = BILLING_USERS.config(table=name, columns=columns)
    source = PostgresAccounts(config, env=env(pg_url))
    try:
        python = source.load()
    except Exception as exc:  # a value psycopg or rows.py refuses: the copy must leave it
        assert source.load_by_sql(duck_connect()) is None, exc
        return
    copied = source.load_by_sql(duck_connect())
    if kind not in ("numeric",):
        assert copied is not None or kind == "timestamptz", "plain values left to psycopg"
    if copied is not None:
        assert copied == python
        for ours, theirs in zip(copied[0].accounts, python[0].accounts, strict=True):
            for field in ("deleted_at",):
                mine, other = getattr(ours, field), getattr(theirs, field)
                assert (mine and mine.utcoffset()) == (other and other.utcoffset())


def test_a_plain_table_is_copied_whole(pg_url: str) -> None:
    """Every value of the plain kinds: the copy reads the table, no fallback."""
    run(
        pg_url,
        "DROP TABLE IF EXISTS copy_plain",
        "CREATE TABLE copy_plain (id bigint, cus text, paid boolean, seen timestamptz, "
        "until timestamp, born date, plan text)",
        "INSERT INTO copy_plain SELECT g, CASE WHEN g % 5 = 0 THEN NULL ELSE 'cus_' || g END, "
        "g % 2 = 0, TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '1 minute 0.25 second', "
        "TIMESTAMP '2026-01-01' + g * INTERVAL '1 hour', DATE '2026-01-01' + g, "
        "CASE WHEN g % 3 = 0 THEN '' ELSE ' pro ' END FROM generate_series(1, 500) g",
    )
    columns = ColumnMapping(
        id="id", customer_id="cus", has_access="paid", plan="plan", updated_at="seen",
        deleted_at="born", access_expires_at="until",
    )  # fmt: skip
    source = PostgresAccounts(
        BILLING_USERS.config(table="copy_plain", columns=columns), env=env(pg_url)
    )
    copied = source.load_by_sql(duck_connect())
    assert copied is not None
    assert copied == source.load()
    assert copied[1].counts == {"accounts": 500}


@pytest.mark.parametrize(
    "where",
    [
        "1=1; DELETE FROM billing.users",
        "1=1); DELETE FROM billing.users; --",
        "1=1); COMMIT; DELETE FROM billing.users; --",
        "1=1)) TO STDOUT; DELETE FROM billing.users; COPY ((SELECT 1",
    ],
)
def test_a_where_cannot_smuggle_in_a_write(pg_tables: str, where: str) -> None:
    with connect(pg_tables) as conn:
        before = conn.execute("SELECT count(*) FROM billing.users").fetchone()[0]
    source = PostgresAccounts(BILLING_USERS.config(where=where), env=env(pg_tables))
    with pytest.raises(SourceError, match=r"database\.where"):
        source.load_by_sql(duck_connect())
    with connect(pg_tables) as conn:
        assert conn.execute("SELECT count(*) FROM billing.users").fetchone()[0] == before > 0


def test_times_are_utc_whatever_the_servers_zone(pg_tables: str) -> None:
    tokyo = f"{pg_tables}?options=-c%20TimeZone%3DAsia%2FTokyo"
    source = PostgresAccounts(BILLING_USERS.config(), env=env(tokyo))
    python, _ = source.load()
    copied = source.load_by_sql(duck_connect())
    assert copied is not None and copied[0] == python
    times = [a.updated_at for a in python.accounts if a.updated_at is not None]
    assert times and all(t.utcoffset().total_seconds() == 0 for t in times)


def _joined_tables(pg_url: str, key: str = "text", extra: str = "") -> None:
    run(
        pg_url,
        "DROP TABLE IF EXISTS copy_users, copy_links, copy_teams",
        "CREATE TABLE copy_users (id bigint, paid boolean, owner uuid)",
        f"CREATE TABLE copy_links (user_id {key}, cus text, live boolean)",
        "CREATE TABLE copy_teams (owner uuid, plan text)",
        "INSERT INTO copy_users SELECT g, g % 2 = 0, CASE WHEN g % 4 = 0 THEN "
        "('6f1c5f3e-0a7b-4c5e-9d1a-' || lpad(g::text, 12, '0'))::uuid END "
        "FROM generate_series(1, 300) g",
        # a text key meets the bigint id; some users have no link, some links no user
        "INSERT INTO copy_links SELECT g, 'cus_' || g, g % 10 <> 0 FROM generate_series(50, 400) g",
        "INSERT INTO copy_teams SELECT ('6f1c5f3e-0a7b-4c5e-9d1a-' || lpad(g::text, 12, '0'))"
        "::uuid, CASE WHEN g % 3 = 0 THEN 'team' ELSE ' pro ' END "
        "FROM generate_series(4, 300, 8) g",
        *([extra] if extra else []),
    )


def _joined_source(pg_url: str, where: str | None = "live") -> PostgresAccounts:
    from prodcheck.mapping import Join

    columns = ColumnMapping(
        id="id", customer_id="copy_links.cus", has_access="paid", plan="copy_teams.plan"
    )
    joins = (
        Join("copy_links", (("user_id", "id"),), where),
        Join("copy_teams", (("owner", "owner"),)),
    )
    config = BILLING_USERS.config(table="copy_users", columns=columns, joins=joins)
    return PostgresAccounts(config, env=env(pg_url))


def test_joined_tables_are_copied_and_joined_as_psycopg_rows_are(pg_url: str) -> None:
    _joined_tables(pg_url)
    try:
        source = _joined_source(pg_url)
        copied = source.load_by_sql(duck_connect())
        assert copied is not None
        python = source.load()
        assert copied == python
        accounts = python[0].accounts
        assert len(accounts) == 300
        linked = [a for a in accounts if a.customer_id]
        assert len(linked) == 251 - 26  # ids 50..300, less the links the where drops
        assert {a.plan for a in accounts} == {None, "pro", "team"}
    finally:
        run(pg_url, "DROP TABLE IF EXISTS copy_users, copy_links, copy_teams")


@pytest.mark.parametrize(
    ("key", "extra"),
    [
        ("text", "INSERT INTO copy_links VALUES ('60', 'cus_other', true)"),  # a key twice
        ("boolean", ""),  # str(True) is not the COPY's 't'
        ("numeric", ""),
    ],
)
def test_a_join_the_copy_does_not_read_as_joins_py_is_left_to_it(
    pg_url: str, key: str, extra: str
) -> None:
    _joined_tables(pg_url, "text" if key == "boolean" else key, extra)
    try:
        if key == "boolean":
            run(
                pg_url,
                "DROP TABLE copy_links",
                "CREATE TABLE copy_links (user_id boolean, cus text, live boolean)",
                "INSERT INTO copy_links VALUES (true, 'cus_1', true)",
            )
        source = _joined_source(pg_url, where=None)
        assert source.load_by_sql(duck_connect()) is None
        source.load()  # which reads it
    finally:
        run(pg_url, "DROP TABLE IF EXISTS copy_users, copy_links, copy_teams")
