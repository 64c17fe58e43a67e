"""prodcheck.yml: load, validate against the shipped schema, turn into frozen settings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from prodcheck.config_schema import config_schema, deprecations, semantic_errors
from prodcheck.errors import ConfigError
from prodcheck.mapping import ColumnMapping, Join, TableConfig
from prodcheck.model import Provider
from prodcheck.redaction import register_secret, register_url
from prodcheck.tables import ACCOUNTS, TABLES, EpochUnit
from prodcheck.webhooks_config import WebhooksConfig, webhooks_config
from prodcheck.yamlfile import Located, dotted, read_yaml_file, schema_errors

CONFIG_FILENAME = "prodcheck.yml"
DEFAULT_ENTITLED = ("active", "trialing")
# The optional fields of the accounts table, from its declaration (tables.py).
OPTIONAL_COLUMNS = ACCOUNTS.optional


@dataclass(frozen=True, slots=True)
class BillingConfig:
    provider: Provider
    api_key_env: str | None = None
    fixtures: Path | None = None
    api_base: str | None = None
    api_version: str | None = None
    environment: str = "production"
    requests_per_second: float | None = None
    concurrency: int = 8
    timeout_seconds: float = 30.0
    max_retries: int = 6
    events_days: int | None = None  # None: as far back as webhooks.lookback_days


@dataclass(frozen=True, slots=True)
class DatabaseConfig:
    """Where the database is, and the accounts table's mapping: written as
    `database.tables.accounts: {table, columns, where}`, or in the older form
    `database.table` / `database.columns` / `database.where` (still read)."""

    table: str
    columns: ColumnMapping
    url_env: str | None = None
    fixtures: Path | None = None
    where: str | None = None
    statement_timeout_seconds: float = 60.0
    connect_timeout_seconds: int = 10
    # Where the accounts mapping sits in the config, for messages that say what to fix.
    key: str = "database"
    subject: str = "account"  # what one row is called in messages (team, member ...)
    joins: tuple[Join, ...] = ()  # tables joined to the accounts table
    # The other declared tables the config maps (app_subscriptions ...), by spec name.
    others: Mapping[str, TableConfig] = field(default_factory=dict)

    @property
    def tables(self) -> dict[str, TableConfig]:
        """Every table this config maps, by spec name (the accounts table today)."""
        accounts = TableConfig(ACCOUNTS, self.table, self.columns, self.where, self.key, self.joins)
        return {"accounts": accounts, **self.others}


@dataclass(frozen=True, slots=True)
class PlansConfig:
    prices: Mapping[str, str] = field(default_factory=dict)
    tiers: tuple[str, ...] = ()
    # What the accounts plan column holds (plan, price_id, product_id, lookup_key,
    # product_name) and explicit value -> plan entries for what that does not resolve.
    stored_as: str = "plan"
    values: Mapping[str, str] = field(default_factory=dict)

    def tier_of(self, plan: str | None) -> int | None:
        """Position of a plan in the tier order (0 = lowest), None when unknown."""
        if plan is None or plan not in self.tiers:
            return None
        return self.tiers.index(plan)


@dataclass(frozen=True, slots=True)
class Policy:
    entitled_statuses: frozenset[str] = frozenset(DEFAULT_ENTITLED)
    grace_period_days: int = 14
    settle_window_minutes: int = 10
    comped_accounts: frozenset[str] = frozenset()
    metadata_user_id_key: str = "user_id"


@dataclass(frozen=True, slots=True)
class ContractsConfig:
    packs: tuple[str, ...] | None = None  # None: every built-in pack
    files: tuple[Path, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    disable: frozenset[str] = frozenset()
    # Where each override came from, for errors naming an unknown rule id.
    locations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Suppression:
    rule: str
    reason: str
    subject: str | None = None
    expires: date | None = None
    location: str = ""


@dataclass(frozen=True, slots=True)
class SlackConfig:
    webhook_url_env: str
    on: frozenset[str] = frozenset({"fail"})


MEMORY_LIMIT = "300MB"


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """The embedded DuckDB's bounds: beyond memory_limit it spills to temp_directory
    instead of failing (None: a private directory under the system's temporary
    directory, removed at exit). The default limit, 300MB, holds a million
    subscriptions' check at 555 MB peak with no loss of time (bench/bench_check.py;
    at DuckDB's own 50% it peaked at 2 GB): what DuckDB holds beyond it is mostly
    raw tables read once, and it spills them."""

    memory_limit: str = MEMORY_LIMIT
    temp_directory: Path | None = None


@dataclass(frozen=True, slots=True)
class Config:
    billing: BillingConfig
    database: DatabaseConfig
    plans: PlansConfig = PlansConfig()
    policy: Policy = Policy()
    contracts: ContractsConfig = ContractsConfig()
    engine: EngineConfig = EngineConfig()
    webhooks: WebhooksConfig = field(default_factory=WebhooksConfig)
    suppressions: tuple[Suppression, ...] = ()
    slack: SlackConfig | None = None
    path: Path | None = None
    # Older forms still read, each with what to write instead (`validate` shows them).
    deprecations: tuple[str, ...] = ()


def find_config(explicit: Path | None, fixtures: Path | None) -> Path:
    """--config wins; then ./prodcheck.yml; then the one inside the fixtures folder."""
    if explicit is not None:
        return explicit
    here = Path(CONFIG_FILENAME)
    if here.is_file():
        return here
    if fixtures is not None and (fixtures / CONFIG_FILENAME).is_file():
        return fixtures / CONFIG_FILENAME
    where = f" or in {fixtures}" if fixtures is not None else ""
    raise ConfigError(
        f"no {CONFIG_FILENAME} found in the current directory{where}. "
        "Pass --config FILE, or create one with `prodcheck init`."
    )


def load_config(path: Path) -> Config:
    located = read_yaml_file(path, ConfigError, "config file")
    if not isinstance(located.data, dict):
        raise ConfigError(
            f"{path}:1: the config must be a mapping with `billing:` and `database:` sections."
        )
    # What the schema cannot say is only asked of a config of the right shape.
    errors = schema_errors(located, config_schema()) or semantic_errors(located)
    if errors:
        count = f"{len(errors)} error{'s' if len(errors) > 1 else ''}"
        raise ConfigError(f"{path}: invalid config ({count}):", details=tuple(errors))
    config = replace(_build(located, path), deprecations=tuple(deprecations(located)))
    register_named_secrets(config, os.environ)
    return config


def register_named_secrets(config: Config, env: Mapping[str, str]) -> None:
    """Every secret the config names is kept out of all output from the moment the
    config is read, before any client library or error message can echo it."""
    register_secret(env.get(config.billing.api_key_env or ""))
    register_url(env.get(config.database.url_env or ""))
    if config.slack is not None:
        register_url(env.get(config.slack.webhook_url_env), whole=True)


def _check_access_source(located: Located, database: DatabaseConfig) -> None:
    """Access decided by the app's subscriptions table needs that table, its status,
    and a way to link its rows to accounts (account_id, else customer_id)."""
    access = database.columns.derivation("has_access")
    if access is None or not access.source:
        return
    key = (*database.key.split("."), "columns", "has_access")
    table = database.tables.get(access.source)
    if table is None:
        problem = f"map database.tables.{access.source} (the table it reads)"
    elif table.columns.get("status") is None:
        problem = f"map status under database.tables.{access.source}.columns"
    elif not {"account_id", "customer_id"} & table.columns.mapped_optional:
        problem = (
            f"map account_id (or customer_id) under database.tables.{access.source}.columns "
            "so its rows can be linked to accounts"
        )
    else:
        return
    raise ConfigError(
        f"{located.where(key)}: {dotted(key)}: access comes from {access.source}: {problem}."
    )


def _relative(base: Path, value: str | None) -> Path | None:
    if value is None:
        return None
    candidate = Path(value)
    return candidate if candidate.is_absolute() else base / candidate


def _columns(located: Located, database: Mapping[str, Any], unit: EpochUnit) -> ColumnMapping:
    """The accounts mapping. A flag read from an expiry time is that time: the field
    its spec names for it (`expiry_field`) maps to the same column, or to none."""
    columns = ColumnMapping(epoch_unit=unit, **database["columns"])
    for spec in ACCOUNTS.fields:
        derived = columns.derivation(spec.name)
        if derived is None or not derived.expires:
            continue
        target = spec.expiry_field
        mapped = columns.get(target)
        if mapped is None:
            columns = columns.replace(**{target: derived.column})
        elif mapped != derived.column:
            key = (*database.get("key", "database").split("."), "columns", target)
            raise ConfigError(
                f"{located.where(key)}: {dotted(key)}: {spec.name} is read from "
                f"'{derived.column}' as an expiry time, so {target} is that column too: "
                f"remove this line or map it to '{derived.column}'."
            )
    return columns


def _build(located: Located, path: Path) -> Config:
    data: dict[str, Any] = located.data
    base = path.parent
    billing_data = dict(data["billing"])
    billing_data["provider"] = Provider(billing_data["provider"])
    billing_data["fixtures"] = _relative(base, billing_data.get("fixtures"))
    billing = BillingConfig(**billing_data)

    database_data = dict(data["database"])
    tables = database_data.pop("tables", None)
    if tables:
        database_data.update(tables["accounts"], key="database.tables.accounts")
        database_data["others"] = {
            name: TableConfig(
                TABLES[name],
                table["table"],
                ColumnMapping(
                    spec=TABLES[name],
                    epoch_unit=EpochUnit(table.get("epoch_unit", EpochUnit.SECONDS)),
                    **table["columns"],
                ),
                table.get("where"),
                f"database.tables.{name}",
            )
            for name, table in sorted(tables.items())
            if name != "accounts"
        }
        database_data["joins"] = tuple(
            Join(name, tuple(join["on"].items()), join.get("where"))
            for name, join in (tables["accounts"].get("joins") or {}).items()
        )
    unit = EpochUnit(database_data.pop("epoch_unit", EpochUnit.SECONDS))
    database_data["columns"] = _columns(located, database_data, unit)
    database_data["fixtures"] = _relative(base, database_data.get("fixtures"))
    database = DatabaseConfig(**database_data)
    _check_access_source(located, database)

    plans_data = data.get("plans") or {}
    plans = PlansConfig(
        prices=dict(plans_data.get("prices") or {}),
        tiers=tuple(plans_data.get("tiers") or ()),
        stored_as=plans_data.get("stored_as", "plan"),
        values=dict(plans_data.get("values") or {}),
    )

    policy_data = data.get("policy") or {}
    policy = Policy(
        entitled_statuses=frozenset(policy_data.get("entitled_statuses", DEFAULT_ENTITLED)),
        grace_period_days=policy_data.get("grace_period_days", 14),
        settle_window_minutes=policy_data.get("settle_window_minutes", 10),
        comped_accounts=frozenset(str(a) for a in policy_data.get("comped_accounts", ())),
        metadata_user_id_key=policy_data.get("metadata_user_id_key", "user_id"),
    )

    webhooks = webhooks_config(data.get("webhooks") or {})

    contracts_data = data.get("contracts") or {}
    locations = {
        rule: located.where(("contracts", "severity", rule))
        for rule in contracts_data.get("severity") or {}
    }
    for index, rule in enumerate(contracts_data.get("disable") or ()):
        locations.setdefault(rule, located.where(("contracts", "disable", index)))
    contracts = ContractsConfig(
        packs=tuple(contracts_data["packs"]) if "packs" in contracts_data else None,
        files=tuple(p for p in (_relative(base, f) for f in contracts_data.get("files", ())) if p),
        severity=dict(contracts_data.get("severity") or {}),
        disable=frozenset(contracts_data.get("disable") or ()),
        locations=locations,
    )

    suppressions = tuple(
        Suppression(
            rule=item["rule"],
            reason=item["reason"],
            subject=item.get("subject"),
            expires=date.fromisoformat(item["expires"]) if "expires" in item else None,
            location=located.where(("suppressions", index)),
        )
        for index, item in enumerate(data.get("suppressions") or ())
    )
    engine_data = data.get("engine") or {}
    engine = EngineConfig(
        memory_limit=str(engine_data.get("memory_limit", MEMORY_LIMIT)).replace(" ", ""),
        temp_directory=_relative(base, engine_data["temp_directory"])
        if "temp_directory" in engine_data
        else None,
    )
    slack_data = (data.get("notify") or {}).get("slack")
    slack = (
        SlackConfig(
            webhook_url_env=slack_data["webhook_url_env"],
            on=frozenset(slack_data.get("on", ("fail",))),
        )
        if slack_data
        else None
    )
    return Config(
        billing=billing,
        database=database,
        plans=plans,
        policy=policy,
        contracts=contracts,
        engine=engine,
        webhooks=webhooks,
        suppressions=suppressions,
        slack=slack,
        path=path,
    )
