"""The SQL loader (the default: billing files read by DuckDB, normalized by SQL,
the engine's billing tables computed from them, objects read back only for the
subjects that fire) against the Python readers (tests/python_readers.py):
every scenario gives the same report, byte for byte, in every format that shows
findings; every Stripe and Paddle scenario is read by SQL, not handed back to
Python; and every subject's facts built from the objects read back for it alone
are the ones built from all of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prodcheck.billing_objects import billing_objects
from prodcheck.catalogue import FACTS
from prodcheck.config import load_config
from prodcheck.engine.conditions import getter
from prodcheck.engine.facts import KINDS
from prodcheck.engine.index import build_index
from prodcheck.engine.sql_engine import Session
from prodcheck.row_objects import account_objects
from prodcheck.runner import load_checked_rules, load_snapshot
from prodcheck.scenario import read_scenario
from prodcheck.testing import find_scenarios

from .conftest import SCENARIOS, without_near_misses
from .python_readers import python_readers, python_snapshot

FOLDERS = find_scenarios((SCENARIOS,))
DUCKDB: dict[str, str] = {}  # the default


READ = without_near_misses(FOLDERS)


@pytest.mark.parametrize("folder", READ, ids=[f.name for f in READ])
def test_both_loaders_give_the_same_report(folder: Path, run_cli, monkeypatch) -> None:
    # Every format that shows findings on the two with the most kinds of them; the
    # rest in JSON, which holds every finding's fields.
    many = folder.name in ("demo", "mixed-saas")
    for output in ("json", "terminal", "markdown") if many else ("json",):
        args = ("check", "--fixtures", str(folder), "--format", output)
        sql = run_cli(*args)
        with python_readers():
            python = run_cli(*args)
        assert sql.exit_code == python.exit_code
        assert sql.stdout == python.stdout, output


BILLED = [f for f in FOLDERS if (f / "stripe").is_dir() or (f / "paddle").is_dir()]


@pytest.mark.parametrize("folder", BILLED, ids=[f.name for f in BILLED])
def test_provider_scenarios_are_read_by_sql(folder: Path) -> None:
    scenario = read_scenario(folder)
    assert scenario is not None
    config = load_config(folder / "prodcheck.yml")
    rules = load_checked_rules(config)
    snapshot = load_snapshot(config, rules, folder, DUCKDB, True, scenario.now)
    assert snapshot.billing_db is not None
    # The objects stay in DuckDB; read back, they are Python's, in the same order.
    assert snapshot.billing.subscriptions == ()
    # So do the accounts, joined tables and all.
    assert snapshot.accounts_in_db
    assert snapshot.accounts.accounts == ()
    python = python_snapshot(config, rules, folder, scenario.now)
    # the Python readers read every object and row themselves
    assert python.billing_db is None and not python.accounts_in_db
    assert python.billing.subscriptions
    # (every scenario has accounts but the one about a table that reads empty)
    assert python.accounts.accounts or folder.name == "coverage-no-accounts-error"
    read_back = tuple(account_objects(snapshot.billing_db).values())
    assert read_back == python.accounts.accounts
    loaded = snapshot.billing.loaded
    assert loaded == python.billing.loaded
    provider = config.billing.provider
    assert billing_objects(snapshot.billing_db, loaded, None, provider)[0] == python.billing
    assert snapshot.sources == python.sources


def _facts(item: Any) -> dict[str, Any]:
    facts = {path: getter(path)(item.facts) for path in FACTS[item.subject.kind]}
    return {"subject": item.subject, "refs": item.refs, **facts}


# Subjects compared per kind: every one in a small scenario, an evenly spaced
# sample of the large ones (each comparison reads back and builds one subject).
SAMPLE = 12


def _every_subject_alike(folder: Path) -> int:
    """Each subject's facts, built from the objects its closure reads back alone,
    equal the ones built from every object, kind by kind and row by row (up to
    SAMPLE rows of a kind, evenly spaced, the first and last among them)."""
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    config = load_config(folder / "prodcheck.yml")
    rules = load_checked_rules(config)
    python = build_index(python_snapshot(config, rules, folder, scenario.now), config,
                         scenario.now)  # fmt: skip
    snapshot = load_snapshot(config, rules, folder, DUCKDB, True, scenario.now)
    assert snapshot.billing_db is not None
    session = Session(build_index(snapshot, config, scenario.now))
    compared = 0
    try:
        for kind, spec in KINDS.items():
            rows = list(spec.rows(python))
            assert session.count(kind) == len(rows), kind
            session.read_keys(kind, None)
            step = max(1, -(-len(rows) // SAMPLE))
            for number, row in enumerate(rows):
                if number % step and number != len(rows) - 1:
                    continue
                assert session.ident(kind, number) == spec.ident(row), kind
                partial = session.facts_index({kind: [number]})
                item = spec.build(partial, session.python_row(kind, number))
                assert _facts(item) == _facts(spec.build(python, row)), (kind, spec.ident(row))
                compared += 1
    finally:
        session.close()
    return compared


# A -pass scenario is its -fail twin with the drift mended: the same kinds of
# objects and closures, so the twins are compared on the -fail side only.
FIRING = [folder for folder in BILLED if not folder.name.endswith("-pass")]


@pytest.mark.parametrize("folder", FIRING, ids=[f.name for f in FIRING])
def test_facts_from_the_objects_read_back_are_the_same(folder: Path) -> None:
    assert _every_subject_alike(folder) > 0


def test_facts_from_the_objects_read_back_are_the_same_on_tricky_billing(tmp_path: Path) -> None:
    from .test_sql_billing import _tricky

    assert _every_subject_alike(_tricky(tmp_path)) > 50
