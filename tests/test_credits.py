"""The credits pack: the SQL sums (engine/credit_sums.py) against a plain Python
reading of the same ledgers, whatever is mapped; what each partial mapping skips,
and why; and that a ledger read by Python (values the SQL reader leaves to it)
gives the same findings. The scenarios credits-* hold the rules themselves, in
fixtures, PostgreSQL and MariaDB."""

from __future__ import annotations

import json
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from prodcheck.engine.credit_sums import credit_accounts
from prodcheck.engine.duck import connect
from prodcheck.mapping import ColumnMapping
from prodcheck.model import CreditAccount
from prodcheck.sources.credits import store_rows
from prodcheck.tables import CREDIT_BALANCES, CREDIT_LEDGER

from .conftest import SCENARIOS

FAIL, PASS = SCENARIOS / "credits-fail", SCENARIOS / "credits-pass"
START = datetime(2026, 10, 1, tzinfo=UTC)


def _ledger(rng: random.Random, accounts: list[str], size: int) -> list[dict[str, Any]]:
    """Entries over a few keys (so some repeat, within an account and across two),
    some without a key, some without a time, times out of order."""
    keys = [f"k{n}" for n in range(size // 2)] + [None, None]
    return [
        {
            "account_id": rng.choice(accounts),
            "amount": rng.randint(-50, 100),
            "idempotency_key": rng.choice(keys),
            "created_at": None
            if rng.random() < 0.1
            else START + timedelta(seconds=rng.randint(0, 50)),
        }
        for _ in range(size)
    ]


def _expected(
    balances: list[dict[str, Any]], ledger: list[dict[str, Any]], keyed: bool, timed: bool
) -> tuple[CreditAccount, ...]:
    """The same accounts, read in plain Python."""
    ids = sorted({r["account_id"] for r in balances} | {e["account_id"] for e in ledger})
    first_pos: dict[str, int] = {}
    sharing: dict[str, int] = {}
    by_key: dict[str, list[tuple[Any, int]]] = {}
    for pos, entry in enumerate(ledger):
        key = entry["idempotency_key"] if keyed else None
        if key is None:
            continue
        first_pos.setdefault(key, pos)
        sharing[key] = sharing.get(key, 0) + 1
        moment = entry["created_at"] if timed else None
        by_key.setdefault(key, []).append(((moment is None, moment or START, pos), pos))
    repeats = {
        pos for entries in by_key.values() for _, pos in sorted(entries, key=lambda e: e[0])[1:]
    }
    found = []
    for account in ids:
        rows = [r for r in balances if r["account_id"] == account]
        entries = [(pos, e) for pos, e in enumerate(ledger) if e["account_id"] == account]
        mine = [(pos, e) for pos, e in entries if pos in repeats]
        keys = {e["idempotency_key"] for _, e in mine}
        first = min(keys, key=lambda k: first_pos[k]) if keys else None
        times = [e["created_at"] for _, e in entries if e["created_at"] is not None]
        found.append(
            CreditAccount(
                account_id=account,
                has_balance=bool(rows),
                balance=rows[0]["balance"] if rows else None,
                entries=len(entries),
                ledger_sum=sum(e["amount"] for _, e in entries),
                last_entry_at=max(times) if times and timed else None,
                duplicate_count=len(keys),
                duplicate_key=first,
                duplicate_entries=sharing[first] if first else 0,
                duplicate_excess=sum(e["amount"] for _, e in mine),
            )
        )
    return tuple(found)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(("keyed", "timed"), [(True, True), (True, False), (False, True)])
def test_sql_sums_are_the_ledgers_as_python_adds_them(seed: int, keyed: bool, timed: bool) -> None:
    rng = random.Random(seed)
    accounts = [f"u_{n}" for n in range(6)]
    ledger = _ledger(rng, accounts, rng.randint(0, 30))
    balances = [
        {"account_id": a, "balance": rng.randint(-20, 200)} for a in accounts if rng.random() < 0.7
    ]
    fields = (("idempotency_key", keyed), ("created_at", timed))
    optional = {name: name for name, on in fields if on}
    both_fields = {"account_id": "account_id"}
    conn = connect()
    try:
        mapping = ColumnMapping(spec=CREDIT_BALANCES, balance="balance", **both_fields)
        store_rows(conn, "credit_balances", balances, mapping)
        mapping = ColumnMapping(spec=CREDIT_LEDGER, amount="amount", **both_fields, **optional)
        store_rows(conn, "credit_ledger", ledger, mapping)
        where = {"credit_balances": "balances", "credit_ledger": "ledger"}
        both = frozenset(where)
        found = credit_accounts(conn, both, where)
    finally:
        conn.close()
    assert found == _expected(balances, ledger, keyed, timed)


def _copy(tmp_path: Path, folder: Path = FAIL) -> Path:
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    return copy


def _edit_config(copy: Path, edit: Any) -> None:
    data = yaml.safe_load((copy / "prodcheck.yml").read_text())
    edit(data["database"]["tables"])
    (copy / "prodcheck.yml").write_text(yaml.safe_dump(data))


def _report(run_cli, folder: Path) -> dict[str, Any]:
    result = run_cli("check", "--fixtures", str(folder), "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def _rules(report: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["subject"]["id"]) for f in report["findings"])


def _skipped(report: dict[str, Any]) -> dict[str, str]:
    return {s["rule"]: s["reason"] for s in report["skipped_rules"]}


def test_balances_alone_check_what_needs_no_ledger(run_cli, tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    _edit_config(copy, lambda tables: tables.pop("credit_ledger"))
    report = _report(run_cli, copy)
    assert _rules(report) == [("credits.negative_balance", "u_803")]
    skipped = _skipped(report)
    for rule in ("credits.ledger_mismatch", "credits.duplicate_grant", "credits.orphan_ledger"):
        assert "map it as database.tables.credit_ledger" in skipped[rule]


def test_a_ledger_alone_finds_its_repeats(run_cli, tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    _edit_config(copy, lambda tables: tables.pop("credit_balances"))
    report = _report(run_cli, copy)
    assert _rules(report) == [("credits.duplicate_grant", "u_802")]
    assert "database.tables.credit_balances" in _skipped(report)["credits.negative_balance"]


def test_without_a_key_column_duplicates_are_skipped_saying_which(run_cli, tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    _edit_config(copy, lambda tables: tables["credit_ledger"]["columns"].pop("idempotency_key"))
    report = _report(run_cli, copy)
    assert "credits.duplicate_grant" not in {rule for rule, _ in _rules(report)}
    assert (
        "idempotency_key column of database.tables.credit_ledger"
        in (_skipped(report)["credits.duplicate_grant"])
    )


def test_a_ledger_left_to_python_gives_the_same_findings(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Amounts written as whole floats (-25.0, as some encoders write them): the SQL
    reader leaves the file to rows.py, whose rows are stored where the sums run."""
    import prodcheck.sources.credits as credits

    stored: list[str] = []

    def spy(conn: Any, name: str, *args: Any) -> None:
        stored.append(name)
        store_rows(conn, name, *args)

    copy = _copy(tmp_path)
    path = copy / "db" / "credit_ledger.json"
    ledger = json.loads(path.read_text())
    for entry in ledger:
        entry["amount"] = float(entry["amount"])
    path.write_text(json.dumps(ledger))
    monkeypatch.setattr(credits, "store_rows", spy)
    assert _rules(_report(run_cli, copy)) == _rules(_report(run_cli, FAIL))
    assert stored == ["credit_ledger"]


def test_the_scenarios_near_misses_are_not_findings(run_cli) -> None:
    report = _report(run_cli, PASS)
    assert report["verdict"] == "pass"
    assert not [s for s in report["skipped_rules"] if s["rule"].startswith("credits.")]
