"""One object per id: billing's subscriptions and customers, and the accounts, each
held once. Two with one id would be joined as if distinct (a leak reported twice,
a customer counted twice); a list or a table that repeats an id is bad input,
named with where each copy is, never evaluated.

Read from the tables every source ends in (billing_*, db_accounts), so fixtures,
live pages and database rows are checked alike, once, by the runner before it
evaluates (the engine itself takes what it is given: its tests hold it to
repeated ids too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prodcheck.errors import DataError
from prodcheck.model import SourceInfo

SHOWN = 3  # repeated ids named in the message

_TABLES = (
    # (table, what its rows are, the side its source is on)
    ("billing_subscriptions", "subscription", "billing"),
    ("billing_customers", "customer", "billing"),
    ("db_accounts", "account", "database"),
)


def check_unique(conn: Any, sources: Sequence[SourceInfo], where_key: str) -> None:
    """Raise naming the ids held more than once, and where (0-based positions in
    the list or table as read)."""
    problems = []
    for table, noun, side in _TABLES:
        # the repeated ids first (a count per id, no list of every id's positions),
        # then the positions of the few shown
        found = conn.execute(
            f"WITH repeated AS (SELECT id, min(pos) AS first FROM {table} WHERE id IS NOT NULL "
            f"GROUP BY id HAVING count(*) > 1), shown AS (SELECT id, first, count(*) OVER () "
            f"AS total FROM repeated ORDER BY first LIMIT {SHOWN}) "
            f"SELECT s.id, list(t.pos ORDER BY t.pos), s.total FROM shown s JOIN {table} t "
            f"ON t.id = s.id GROUP BY s.id, s.first, s.total ORDER BY s.first"
        ).fetchall()
        if not found:
            continue
        where = next((s.location for s in sources if s.side == side), side)
        listed = "; ".join(
            f"{noun} {ident} at {', '.join(f'[{pos}]' for pos in positions)}"
            for ident, positions, _ in found
        )
        more = found[0][2] - len(found)
        problems.append(
            f"{where}: {found[0][2]} {noun} id{'s' if found[0][2] > 1 else ''} held more than "
            f"once ({listed}{f'; {more} more' if more > 0 else ''}): "
            + (_ROWS.format(where=where_key) if side == "database" else _OBJECTS)
        )
    if problems:
        raise DataError(problems[0], details=tuple(problems[1:]))


_OBJECTS = (
    "a list holds each object once, and two with one id would be checked as if "
    "distinct. Remove the copies."
)
_ROWS = (
    "an account's id is its own, and two rows with one id would be checked as two "
    "accounts. A join or view that repeats rows (a user in two teams) does this: fix "
    "the query, or {where}."
)
