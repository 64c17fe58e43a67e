"""The model's Accounts read back from the typed rows the SQL reader writes
(db_accounts: sources/rows_sql.py): all of them, or only some, which is all the
engine needs to write the messages of the subjects that fire.

The connection is given; nothing here imports duckdb.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from prodcheck.model import Account

# Account's fields in its constructor's order, before `extra`.
ATTRIBUTES = tuple(f.name for f in fields(Account) if f.name != "extra")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def account_objects(conn: Any, where: str = "") -> dict[int, Account]:
    """The Accounts of db_accounts by row (`pos`), in row order; `where` (a
    condition on its columns) keeps some of them."""
    names = [row[0] for row in conn.execute("DESCRIBE db_accounts").fetchall()]
    extra = [name for name in names if name not in (*ATTRIBUTES, "pos", "ok")]
    selected = ", ".join(_quoted(name) for name in ("pos", *ATTRIBUTES, *extra))
    condition = f"WHERE {where}" if where else ""
    split = 1 + len(ATTRIBUTES)
    accounts: dict[int, Account] = {}
    for row in conn.execute(
        f"SELECT {selected} FROM db_accounts {condition} ORDER BY pos"
    ).fetchall():
        values = zip(extra, row[split:], strict=True)
        found = tuple((key, value) for key, value in values if value is not None)
        # row[1:split] holds exactly the fields before `extra`, in their order
        accounts[row[0]] = Account(*row[1:split], extra=found)  # type: ignore[misc]
    return accounts


def table_rows(conn: Any, name: str) -> tuple[dict[str, Any], ...]:
    """The typed rows of db_<name> (any declared table the SQL reader wrote), in
    row order, as rows.typed_rows gives them: field -> value, a status column's
    value as `field:source`."""
    names = [row[0] for row in conn.execute(f"DESCRIBE db_{name}").fetchall()]
    fields = [name for name in names if name not in ("pos", "ok")]
    selected = ", ".join(_quoted(field) for field in fields)
    found = conn.execute(f"SELECT {selected} FROM db_{name} ORDER BY pos").fetchall()
    return tuple(dict(zip(fields, row, strict=True)) for row in found)
