"""`database.tables.accounts: {table, columns, where}` and the older
`database.table/columns/where` mean the same thing: every scenario gives the same
report either way, and `validate` notes the older form."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import SCENARIOS


def _newer_form_only(folder: Path) -> bool:
    """Joins, and access read from another declared table, exist only in the newer form."""
    database = yaml.safe_load((folder / "prodcheck.yml").read_text())["database"]
    accounts = (database.get("tables") or {}).get("accounts") or {}
    access = (accounts.get("columns") or {}).get("has_access")
    return bool(accounts.get("joins")) or (isinstance(access, dict) and "from" in access)


# Those scenarios have no older twin.
FOLDERS = sorted(
    p.parent for p in SCENARIOS.glob("*/scenario.yml") if not _newer_form_only(p.parent)
)


def _new_form(config: Path) -> None:
    data = yaml.safe_load(config.read_text())
    database = data["database"]
    moved = ("table", "columns", "where", "subject")
    accounts = {key: database.pop(key) for key in moved if key in database}
    database["tables"] = {"accounts": accounts}
    config.write_text(yaml.safe_dump(data, sort_keys=False))


def _old_form(config: Path) -> None:
    data = yaml.safe_load(config.read_text())
    database = data["database"]
    database.update(database.pop("tables")["accounts"])
    config.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_both_forms_give_the_same_report(folder: Path, run_cli, tmp_path: Path) -> None:
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    written_new = "tables" in yaml.safe_load((copy / "prodcheck.yml").read_text())["database"]
    if written_new:  # the scenario is in the new form: compare with the old one
        _old_form(copy / "prodcheck.yml")
    old = run_cli("check", "--fixtures", str(copy), "--format", "json")
    _new_form(copy / "prodcheck.yml")
    new = run_cli("check", "--fixtures", str(copy), "--format", "json")
    assert new.exit_code == old.exit_code
    # The same report, but for the config key that messages tell you to fix.
    assert new.stdout.replace("database.tables.accounts.", "database.") == old.stdout


def test_validate_notes_the_older_form(run_cli, demo_copy: Path) -> None:
    result = run_cli("validate", "--config", str(demo_copy / "prodcheck.yml"))
    assert result.exit_code == 0
    assert (
        "note: " in result.stdout and "the older form of database.tables.accounts" in result.stdout
    )
    _new_form(demo_copy / "prodcheck.yml")
    result = run_cli("validate", "--config", str(demo_copy / "prodcheck.yml"))
    assert result.exit_code == 0 and "note:" not in result.stdout
