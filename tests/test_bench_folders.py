"""The benchmark's generated folders (bench/generate.py) are what the figures
claim: Stripe or Paddle objects, JSON arrays or NDJSON, read into DuckDB by the
SQL path (never left to Python), with the same report as the Python reader and
drift of every kind the generator plants."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from prodcheck.config import load_config
from prodcheck.runner import load_checked_rules, load_snapshot, parse_now

from .conftest import REPO
from .python_readers import python_readers

NOW = "2026-11-01T12:00:00Z"


def _generate() -> object:
    sys.path.insert(0, str(REPO / "bench"))
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("provider", ["stripe", "paddle"])
@pytest.mark.parametrize("ndjson", [False, True], ids=["json", "ndjson"])
def test_a_generated_folder_is_read_by_sql_as_python_reads_it(
    run_cli, tmp_path: Path, provider: str, ndjson: bool
) -> None:
    folder = tmp_path / "data"
    _generate().generate(1200, folder, ndjson=ndjson, provider=provider)  # type: ignore[attr-defined]
    config = load_config(folder / "prodcheck.yml")
    snapshot = load_snapshot(
        config, load_checked_rules(config), folder, {}, True, parse_now(NOW, "now")
    )
    assert snapshot.billing_db is not None and snapshot.accounts_in_db
    snapshot.billing_db.close()
    args = ("check", "--fixtures", str(folder), "--now", NOW, "--format", "json")
    sql = run_cli(*args)
    with python_readers():
        python = run_cli(*args)
    assert sql.exit_code == python.exit_code == 1
    assert sql.stdout == python.stdout
    rules = Counter(f["rule"] for f in json.loads(sql.stdout)["findings"])
    assert set(rules) >= {
        "access.revenue_leak",
        "access.wrongful_access",
        "access.grace_expired",
        "plan.underprovisioned",
        "identity.unknown_customer",
    }, rules
