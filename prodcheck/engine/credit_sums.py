"""The credit tables summed by SQL: per account, its balance row, what its ledger
entries add up to, and the idempotency keys its entries repeat (the credits pack's
subjects, engine/credit_facts.py).

Read from db_credit_balances(pos, account_id, balance) and db_credit_ledger(pos,
account_id, amount, idempotency_key, created_at), the tables every source ends in
(sources/credits.py): a million ledger entries are grouped where they are, and
only one row per account comes back. duckdb is the caller's connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prodcheck.errors import DataError
from prodcheck.model import CreditAccount

BALANCES, LEDGER = "credit_balances", "credit_ledger"
SHOWN = 3  # accounts named when the balances repeat some


# Per account: entries, their sum, the latest; and the keys its entries repeat (an
# entry holding a key an earlier one holds, by created_at, then position), with
# the first of them, how many entries hold it and what the repeating entries
# added. A field the config does not map is an empty column: no key, no repeat.
LEDGER_SUMS = f"""sums AS (
    SELECT account_id, count(*) AS entries, sum(amount) AS total, max(created_at) AS last_at
    FROM db_{LEDGER} GROUP BY account_id
), keyed AS (
    SELECT account_id, idempotency_key AS key, amount,
        row_number() OVER (PARTITION BY idempotency_key ORDER BY created_at NULLS LAST, pos)
            AS nth,
        count(*) OVER (PARTITION BY idempotency_key) AS sharing,
        min(pos) OVER (PARTITION BY idempotency_key) AS first_pos
    FROM db_{LEDGER} WHERE idempotency_key IS NOT NULL
), repeats AS (
    SELECT account_id, count(DISTINCT key) AS keys, arg_min(key, first_pos) AS first_key,
        arg_min(sharing, first_pos) AS first_sharing, sum(amount) AS excess
    FROM keyed WHERE nth > 1 GROUP BY account_id
)"""
NO_LEDGER = """sums AS (
    SELECT NULL::VARCHAR AS account_id, 0 AS entries, 0 AS total,
        NULL::TIMESTAMPTZ AS last_at WHERE FALSE
), repeats AS (
    SELECT NULL::VARCHAR AS account_id, 0 AS keys, NULL::VARCHAR AS first_key,
        0 AS first_sharing, 0 AS excess WHERE FALSE
)"""


def credit_accounts(
    conn: Any, mapped: frozenset[str], where: Mapping[str, str]
) -> tuple[CreditAccount, ...]:
    """Every account either table holds, by id. `mapped`: the credit tables the
    config maps; `where`: each one's name for messages (a balance held twice is
    bad input, named)."""
    if BALANCES in mapped:
        _check_one_balance(conn, where[BALANCES])
        balances = f"SELECT account_id, min(balance) AS balance FROM db_{BALANCES} GROUP BY 1"
    else:
        balances = "SELECT NULL::VARCHAR AS account_id, NULL::BIGINT AS balance WHERE FALSE"
    balances = f"SELECT *, TRUE AS present FROM ({balances})"
    ledger = LEDGER_SUMS if LEDGER in mapped else NO_LEDGER
    found = conn.execute(
        f"""
WITH balances AS ({balances}), {ledger}, joined AS (
    SELECT coalesce(b.account_id, s.account_id) AS account_id,
        coalesce(b.present, FALSE) AS present, b.balance,
        coalesce(s.entries, 0) AS entries, coalesce(s.total, 0) AS total, s.last_at
    FROM balances b FULL JOIN sums s ON s.account_id = b.account_id
)
SELECT j.account_id, j.present, j.balance, j.entries, j.total, j.last_at, coalesce(r.keys, 0),
    r.first_key, coalesce(r.first_sharing, 0), coalesce(r.excess, 0)
FROM joined j LEFT JOIN repeats r ON r.account_id = j.account_id
ORDER BY j.account_id
"""
    ).fetchall()
    return tuple(
        CreditAccount(
            account_id=account_id,
            has_balance=present,
            balance=None if balance is None else int(balance),
            entries=int(entries),
            ledger_sum=int(total),
            last_entry_at=last_at,
            duplicate_count=int(keys),
            duplicate_key=first_key,
            duplicate_entries=int(sharing),
            duplicate_excess=int(excess),
        )
        for (
            account_id,
            present,
            balance,
            entries,
            total,
            last_at,
            keys,
            first_key,
            sharing,
            excess,
        ) in found
    )


def _check_one_balance(conn: Any, where: str) -> None:
    """An account's balance is one row: two would leave its balance undecided."""
    found = conn.execute(
        f"SELECT account_id, list(pos ORDER BY pos), count(*) OVER () FROM db_{BALANCES} "
        f"GROUP BY account_id HAVING count(*) > 1 ORDER BY min(pos) LIMIT {SHOWN}"
    ).fetchall()
    if not found:
        return
    listed = "; ".join(
        f"account {ident} at {', '.join(f'[{pos}]' for pos in positions)}"
        for ident, positions, _ in found
    )
    more = found[0][2] - len(found)
    raise DataError(
        f"{where}: {found[0][2]} account id{'s' if found[0][2] > 1 else ''} with more than "
        f"one balance row ({listed}{f'; {more} more' if more > 0 else ''}): an account "
        "has one balance. If the table keeps one balance per kind of credit, check one "
        "kind with database.tables.credit_balances.where (and the ledger's where)."
    )
