"""The credits pack's subjects: every account the app's credit tables hold
(database.tables.credit_balances and credit_ledger), as credit_sums.py summed them
in SQL, and their facts. sql_facts.credit_facts computes the same as SQL
(tests/test_sql_facts.py holds the two together)."""

from __future__ import annotations

from typing import Any

from prodcheck.engine.index import Index
from prodcheck.model import CreditAccount
from prodcheck.results import Subject


def credit_rows(index: Index) -> tuple[CreditAccount, ...]:
    """The accounts, by id."""
    return index.credit_accounts


def credit_subject(
    index: Index, row: CreditAccount
) -> tuple[Subject, dict[str, Any], dict[str, tuple[str, ...]]]:
    """(subject, facts, refs) of one account's credits."""
    return Subject("credit_account", row.account_id), credit_facts(row), {}


def credit_facts(row: CreditAccount) -> dict[str, Any]:
    """An account's facts: its own fields, and its balance against its ledger."""
    difference = None if row.balance is None else row.balance - row.ledger_sum
    return {
        "account_id": row.account_id,
        "has_balance": row.has_balance,
        "balance": row.balance,
        "ledger_entries": row.entries,
        "ledger_sum": row.ledger_sum,
        "difference": difference,
        "last_entry_at": row.last_entry_at,
        "duplicate_count": row.duplicate_count,
        "duplicate_key": row.duplicate_key,
        "duplicate_entries": row.duplicate_entries,
        "duplicate_excess": row.duplicate_excess,
    }
