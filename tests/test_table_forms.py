"""`database.tables.accounts: {table, columns, where}` and the older
`database.table/columns/where` mean the same thing: every scenario reads as the
same settings either way, scenarios of every shape give the same report either
way, and `validate` notes the older form."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from prodcheck.config import Config, load_config
from prodcheck.config_schema import OLD_FORM

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
    accounts = {key: database.pop(key) for key in OLD_FORM if key in database}
    database["tables"] = {"accounts": accounts}
    config.write_text(yaml.safe_dump(data, sort_keys=False))


def _old_form(config: Path) -> None:
    data = yaml.safe_load(config.read_text())
    database = data["database"]
    database.update(database.pop("tables")["accounts"])
    config.write_text(yaml.safe_dump(data, sort_keys=False))


def _written(folder: Path, tmp_path: Path) -> Path:
    """A copy of the scenario, its config in the older form."""
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    if "tables" in yaml.safe_load((copy / "prodcheck.yml").read_text())["database"]:
        _old_form(copy / "prodcheck.yml")
    return copy


def _read(config: Path) -> Config:
    """The config as the checks use it, less where it sits and what it notes."""
    read = load_config(config)
    database = replace(read.database, key="database")
    return replace(read, database=database, path=None, deprecations=())


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_both_forms_read_as_the_same_config(folder: Path, tmp_path: Path) -> None:
    """Every scenario: the older form and the newer one are the same settings, which
    the checks then read alike (below, end to end, on scenarios of every shape)."""
    copy = _written(folder, tmp_path)
    old = _read(copy / "prodcheck.yml")
    _new_form(copy / "prodcheck.yml")
    assert _read(copy / "prodcheck.yml") == old


# End to end on the scenarios that are no twin of another (the demo, mixed-saas,
# settle windows, comped and unmapped columns) and on each app schema's -fail.
REPORTED = [f for f in FOLDERS if not f.name.endswith(("-pass", "-fail"))] + [
    f for f in FOLDERS if f.name.startswith("schema-") and f.name.endswith("-fail")
]


@pytest.mark.parametrize("folder", REPORTED, ids=[f.name for f in REPORTED])
def test_both_forms_give_the_same_report(folder: Path, run_cli, tmp_path: Path) -> None:
    copy = _written(folder, tmp_path)
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
