"""Record the live state as a fixture folder: `prodcheck snapshot --out DIR`.

The folder holds the provider's raw objects and the raw rows, exactly what the
adapters' `fetch` returned, so `check --fixtures DIR` runs them through the same
normalizers. Personal data (emails, names, phone numbers, addresses) is
replaced by stable pseudonyms unless asked otherwise; ids are kept so the join
holds, and one email always maps to one pseudonym (case-insensitively) so
email-based rules behave the same.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from prodcheck.config import load_config
from prodcheck.model import Snapshot, SourceInfo
from prodcheck.redaction import scrub
from prodcheck.runner import (
    effects_found,
    evaluate_snapshot,
    load_checked_rules,
    needs_for,
    read_credits,
)
from prodcheck.sources import open_accounts, open_billing
from prodcheck.sources.credits import credit_tables
from prodcheck.sources.fixtures import NORMALIZERS
from prodcheck.sources.rows import accounts_from_rows, typed_rows

PERSONAL_KEYS = frozenset({"email", "name", "phone", "address", "shipping", "description"})


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().lower().encode()).hexdigest()[:10]


def pseudonym(key: str, value: Any) -> Any:
    if value is None or value == "":
        return value
    if key == "email":
        return f"user-{_digest(str(value))}@example.invalid"
    if key == "phone":
        digits = str(int(_digest(str(value)), 16))[:7]
        return f"+1555{digits}"
    if key in ("address", "shipping"):
        return {"line1": "redacted", "city": "redacted", "country": "XX"} if value else value
    return f"redacted-{_digest(str(value))}"


def redact(value: Any) -> Any:
    """Replace personal fields at any depth; everything else is kept as is."""
    if isinstance(value, dict):
        return {k: pseudonym(k, v) if k in PERSONAL_KEYS else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def redact_rows(rows: list[dict[str, Any]], personal_columns: set[str]) -> list[dict[str, Any]]:
    return [
        {k: pseudonym("email", v) if k in personal_columns else v for k, v in row.items()}
        for row in rows
    ]


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot record {type(value).__name__} in a fixture")


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default, sort_keys=True)
    path.write_text(scrub(text + "\n"), encoding="utf-8")


def _write_config(config_path: Path, contract_files: tuple[Path, ...], out: Path) -> None:
    """Copy the config; user contract files come along so the folder stands alone."""
    text = config_path.read_text(encoding="utf-8")
    if contract_files:
        data = yaml.safe_load(text)
        copied = []
        for index, source in enumerate(contract_files):
            target = Path("contracts") / f"{index:02d}-{source.name}"
            (out / target).parent.mkdir(parents=True, exist_ok=True)
            (out / target).write_text(scrub(source.read_text(encoding="utf-8")), encoding="utf-8")
            copied.append(str(target))
        data["contracts"]["files"] = copied
        text = yaml.safe_dump(data, sort_keys=False)
    (out / "prodcheck.yml").write_text(scrub(text), encoding="utf-8")


def _effect_rows(
    config: Any, effects: tuple[frozenset[str], ...]
) -> dict[str, list[dict[str, str]]]:
    """What the effect checks found, as the rows of their tables a fixture run finds
    the same in: only the values looked up and found, in the checks' columns (a
    table the snapshot records whole is left as it is)."""
    recorded = {table.table for table in config.database.tables.values()}
    rows: dict[str, list[dict[str, str]]] = {}
    for check, found in zip(config.webhooks.effects, effects, strict=False):
        if check.table not in recorded:
            rows.setdefault(check.table, []).extend({check.column: v} for v in sorted(found))
    return rows


def record_snapshot(
    config_path: Path, out: Path, env: Mapping[str, str], *, now: datetime, redact_data: bool = True
) -> str:
    config = load_config(config_path)
    rules = load_checked_rules(config)
    needs = needs_for(config, rules)
    billing_source = open_billing(config, None, env, now=now)
    fetched, _ = billing_source.fetch(needs)
    raw = {name: list(objects) for name, objects in fetched.items()}
    database = open_accounts(config, None, env)
    rows = [dict(row) for row in database.fetch()]
    others = {
        name: database.read_table(name) for name in config.database.tables if name != "accounts"
    }
    if redact_data:
        raw = {name: redact(objects) for name, objects in raw.items()}
        email_column = config.database.columns.get("email")
        rows = redact_rows(rows, {email_column} if email_column else set())

    provider = config.billing.provider
    billing = NORMALIZERS[provider](raw)
    accounts = accounts_from_rows(rows, config.database.columns, config.database.table)
    tables = {
        name: typed_rows(others[name], table.columns, table.table)
        for name, table in config.database.tables.items()
        if name in others
    }
    # what was read, counted as a check counts it: a run that would check nothing
    # (coverage.py) is recorded as the error it is
    sources = (
        SourceInfo("billing", provider.value, "snapshot", {k: len(v) for k, v in raw.items()}),
        SourceInfo("database", "snapshot", config.database.table, {"accounts": len(rows)}),
    )
    effects = effects_found(config, rules, None, billing, database, now)
    credits = read_credits(config, database, tables)[0] if credit_tables(config.database) else ()
    snapshot = Snapshot(
        billing, accounts, sources=sources, tables=tables, effects=effects, credits=credits
    )
    report = evaluate_snapshot(config, rules, snapshot, now)

    for name, objects in sorted(raw.items()):
        _write_json(out / provider.value / f"{name}.json", objects)
    _write_json(out / "db" / f"{config.database.table}.json", rows)
    for name, table_rows in others.items():
        _write_json(out / "db" / f"{config.database.tables[name].table}.json", table_rows)
    for table, effect_rows in _effect_rows(config, effects).items():
        _write_json(out / "db" / f"{table}.json", effect_rows)
    _write_config(config_path, config.contracts.files, out)
    scenario = {
        "description": (
            f"Snapshot of the live state at {now.isoformat()}"
            + (" (personal data pseudonymized)" if redact_data else "")
            + f": {len(report.findings)} findings."
        ),
        "now": now.isoformat().replace("+00:00", "Z"),
        "expect": {
            "verdict": report.verdict.value,
            "findings": [
                {"rule": f.rule, "subject": f"{f.subject.kind}:{f.subject.id}"}
                for f in report.findings
            ],
        },
    }
    scenario_text = scrub(yaml.safe_dump(scenario, sort_keys=False))
    (out / "scenario.yml").write_text(scenario_text, encoding="utf-8")
    counts = ", ".join(f"{len(v)} {k}" for k, v in sorted(raw.items()))
    return (
        f"wrote {out}: {counts}, {len(rows)} accounts; {len(report.findings)} findings "
        f"recorded in scenario.yml (verdict {report.verdict.value}).\n"
        f"Reproduce without keys: prodcheck check --fixtures {out}"
    )
