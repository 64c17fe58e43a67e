"""The credits pack: a usage-based product's balances (database.tables.credit_balances,
here `credit_balances(account_id, balance)`) against its ledger of signed entries
(`credit_ledger(id, account_id, amount, idempotency_key, created_at)`). Billing and
the accounts agree throughout: every finding is about the credits."""

from __future__ import annotations

from typing import Any

from scenario_kit import MINUTE, Scenario

from .common import in_tables_form, member, new

BALANCES_TABLE = {
    "table": "credit_balances",
    "columns": {"account_id": "account_id", "balance": "balance"},
}
LEDGER_TABLE = {
    "table": "credit_ledger",
    "columns": {
        "account_id": "account_id",
        "amount": "amount",
        "idempotency_key": "idempotency_key",
        "created_at": "created_at",
    },
}


def _scenario(name: str, description: str) -> Scenario:
    """The config in the tables form with both credit tables mapped; both empty."""
    return in_tables_form(
        new(name, description), credit_balances=BALANCES_TABLE, credit_ledger=LEDGER_TABLE
    )


def _balance(s: Scenario, account: str, balance: int) -> None:
    s.tables["credit_balances"].append({"account_id": account, "balance": balance})


def _entries(s: Scenario, account: str, *entries: tuple[int, Any]) -> None:
    """Ledger entries (amount, idempotency key or None), a minute apart, the last an
    hour ago."""
    ledger = s.tables["credit_ledger"]
    for n, (amount, key) in enumerate(entries):
        ledger.append(
            {
                "id": len(ledger) + 1,
                "account_id": account,
                "amount": amount,
                "idempotency_key": key,
                "created_at": s.ago_iso((60 + len(entries) - n) * MINUTE),
            }
        )


def _members(s: Scenario) -> None:
    """Two paying members and three free accounts, agreed on by billing."""
    member(s, "u_801", "Ana Ruiz")
    member(s, "u_802", "Ben Ode")
    for uid in ("u_803", "u_804", "u_805"):
        s.account(uid, None, has_access=False, plan=None)


def credits_fail() -> Scenario:
    s = _scenario(
        "credits-fail",
        "Five accounts' credits. Ben's deduction for request req_b7 was applied twice "
        "(two ledger entries with its key, -25 each, the balance moved by both): "
        "credits.duplicate_grant. Cleo spent 30 credits holding 20 (two requests each saw "
        "enough): -10, credits.negative_balance, her ledger agreeing. Dev's balance is "
        "70, his ledger adds up to 50: a deduction of 20 lost its balance update, "
        "credits.ledger_mismatch. Eve has a grant of 50 in the ledger and no balance row: "
        "credits.orphan_ledger (warn). Ana's balance is her ledger's sum, two of her "
        "entries without a key (never duplicates).",
    )
    _members(s)
    _balance(s, "u_801", 65)
    _entries(s, "u_801", (100, "in_ana_1"), (-10, "req_a1"), (-10, None), (-15, None))
    _balance(s, "u_802", 50)
    _entries(s, "u_802", (100, "in_ben_1"), (-25, "req_b7"), (-25, "req_b7"))
    _balance(s, "u_803", -10)
    _entries(s, "u_803", (20, "in_cleo_1"), (-15, "req_c1"), (-15, "req_c2"))
    _balance(s, "u_804", 70)
    _entries(s, "u_804", (100, "in_dev_1"), (-30, "req_d1"), (-20, "req_d2"))
    _entries(s, "u_805", (50, "in_eve_1"))
    s.expect(
        "fail",
        [
            ("credits.duplicate_grant", "credit_account:u_802"),
            ("credits.negative_balance", "credit_account:u_803"),
            ("credits.ledger_mismatch", "credit_account:u_804"),
            ("credits.orphan_ledger", "credit_account:u_805"),
        ],
    )
    return s


def credits_pass() -> Scenario:
    s = _scenario(
        "credits-pass",
        "The near misses. Ana's balance is 0, not below. Ben made two deductions of the "
        "same size under two keys, and three entries have no key at all: none is a "
        "repeat. Cleo's balance row has no ledger entry and holds 0. Dev's grants and "
        "deductions add up to his balance exactly. Eve has a balance and no entry.",
    )
    _members(s)
    _balance(s, "u_801", 0)
    _entries(s, "u_801", (40, "in_ana_1"), (-40, "req_a1"))
    _balance(s, "u_802", 40)
    _entries(s, "u_802", (100, "in_ben_1"), (-20, "req_b1"), (-20, "req_b2"))
    _entries(s, "u_802", (-5, None), (-5, None), (-10, None))
    _balance(s, "u_803", 0)
    _balance(s, "u_804", 1_250)
    _entries(s, "u_804", (1_000, "in_dev_1"), (500, "in_dev_2"), (-250, "req_d1"))
    _balance(s, "u_805", 0)
    s.expect("pass", [])
    return s


BUILDERS = {
    "credits-fail": credits_fail,
    "credits-pass": credits_pass,
}
