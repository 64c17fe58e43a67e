"""One check, end to end: config -> sources -> snapshot -> engine -> report.

The CLI calls these; nothing here prints or exits.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prodcheck import __version__
from prodcheck.account_store import store_rows
from prodcheck.baseline import apply_baseline, load_baseline
from prodcheck.bundled import contracts_dir, display_path
from prodcheck.config import Config, find_config, load_config
from prodcheck.coverage import unchecked
from prodcheck.engine.contracts import Rule, load_rules
from prodcheck.engine.credit_sums import credit_accounts
from prodcheck.engine.duck import configure, connect
from prodcheck.engine.evaluate import apply_overrides, evaluate
from prodcheck.engine.index import build_index
from prodcheck.engine.unique import check_unique
from prodcheck.errors import ConfigError, doing
from prodcheck.factspec import EFFECTS
from prodcheck.model import AccountState, BillingState, CreditAccount, Snapshot, SourceInfo
from prodcheck.results import Report, RuleInfo, verdict_for
from prodcheck.scenario import read_scenario
from prodcheck.sources import open_accounts, open_billing
from prodcheck.sources.credits import CREDIT_TABLES, credit_tables, read_credit_tables
from prodcheck.sources.duck_billing import read_billing_folder
from prodcheck.sources.fixtures import FixtureBilling
from prodcheck.sources.rows import typed_rows
from prodcheck.suppressions import apply_suppressions
from prodcheck.tables import TABLES
from prodcheck.webhooks_config import matches


@dataclass(frozen=True, slots=True)
class CheckRequest:
    config_path: Path | None = None
    fixtures: Path | None = None
    now: datetime | None = None
    quiet: bool = False
    baseline: Path | None = None  # known findings: listed, not counted


def parse_now(text: str, where: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"{where}: '{text}' is not an ISO 8601 timestamp; use e.g. 2026-01-31T12:00:00Z."
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def resolve_now(request: CheckRequest) -> datetime:
    """--now, then the scenario's `now`, then the clock."""
    if request.now is not None:
        return request.now
    if request.fixtures is not None:
        scenario = read_scenario(request.fixtures, required=False)
        if scenario is not None and scenario.now is not None:
            return scenario.now
    return datetime.now(UTC).replace(microsecond=0)


def load_checked_rules(config: Config) -> list[Rule]:
    rules = load_rules(contracts_dir(), config.contracts.packs, config.contracts.files)
    return apply_overrides(rules, config)


def _check_sources_configured(config: Config, fixtures: Path | None) -> None:
    path = config.path
    if fixtures is None and config.billing.fixtures is None and not config.billing.api_key_env:
        raise ConfigError(
            f"{path}: billing has neither `api_key_env` (live) nor `fixtures`: add one, "
            "or pass --fixtures DIR."
        )
    if fixtures is None and config.database.fixtures is None and not config.database.url_env:
        raise ConfigError(
            f"{path}: database has neither `url_env` (live) nor `fixtures`: add one, "
            "or pass --fixtures DIR."
        )


def needs_for(config: Config, rules: list[Rule]) -> frozenset[str]:
    """Billing collections beyond customers and subscriptions that this run reads
    (none for a rule that needs a table the config does not map: it is skipped)."""
    tables = config.database.tables
    needs = frozenset(
        n
        for rule in rules
        if all(t in tables for t in rule.needs if t in TABLES)
        and (EFFECTS not in rule.settings or config.webhooks.effects)
        for n in rule.needs
    )
    if config.policy.settle_window_minutes:
        # Recent events tell which objects changed while webhooks may be in flight.
        needs |= {"recent_events"}
    return needs


def load_snapshot(
    config: Config,
    rules: list[Rule],
    fixtures: Path | None,
    env: Mapping[str, str],
    quiet: bool,
    now: datetime | None = None,
) -> Snapshot:
    _check_sources_configured(config, fixtures)
    with doing("setting the engine's memory limit"):
        configure(config.engine, small=_small(fixtures, config))
    needs = needs_for(config, rules)
    billing_from = fixtures or config.billing.fixtures
    where = f"fixtures in {billing_from}" if billing_from else f"the {config.billing.provider} API"
    with doing(f"reading billing from {where}"):
        source = open_billing(config, fixtures, env, quiet=quiet, now=now)
        billing_db, (billing, billing_info) = _billing_by_sql(source, needs)
    rows_from = fixtures or config.database.fixtures
    where = f"fixtures in {rows_from}" if rows_from else "the database"
    database = open_accounts(config, fixtures, env)
    with doing(f"reading the accounts table {config.database.table} from {where}"):
        accounts_read = _accounts_by_sql(database, billing_db)
        accounts, accounts_info = accounts_read or database.load()
    # The accounts stay in DuckDB beside billing's tables; read beside billing's
    # objects, they are objects too.
    accounts_in_db = billing_db is not None and accounts_read is not None
    tables: dict[str, tuple[Mapping[str, Any], ...]] = {}
    infos = [billing_info, accounts_info]
    for name, table in config.database.tables.items():
        if name == "accounts" or name in CREDIT_TABLES:
            continue
        with doing(f"reading the table {table.table} ({table.key}) from {where}"):
            rows = _table_by_sql(database, name)
            if rows is None:
                rows = typed_rows(database.read_table(name), table.columns, table.table)
            tables[name] = rows
        infos.append(
            SourceInfo(
                side="database",
                kind=accounts_info.kind,
                location=f"table {table.table}",
                counts={name: len(tables[name])},
            )
        )
    credits: tuple[CreditAccount, ...] = ()
    if credit_tables(config.database):
        with doing(f"reading the credit tables from {where}"):
            credits, counts = read_credits(config, database)
        infos.extend(
            SourceInfo(
                side="database",
                kind=accounts_info.kind,
                location=f"table {config.database.tables[name].table}",
                counts={name: count},
            )
            for name, count in counts.items()
        )
    return Snapshot(
        billing=billing,
        accounts=accounts,
        sources=tuple(infos),
        tables=tables,
        billing_db=billing_db,
        accounts_in_db=accounts_in_db,
        effects=effects_found(config, rules, billing_db, billing, database, now),
        credits=credits,
    )


def read_credits(
    config: Config, database: Any, rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None
) -> tuple[tuple[CreditAccount, ...], dict[str, int]]:
    """The credit tables' accounts, summed by SQL, and the rows each table holds:
    read from `database` into the engine (its typed `rows` when given: a snapshot
    being recorded has read them)."""
    names = credit_tables(config.database)
    tables = config.database.tables
    conn = connect()
    try:
        if rows is None:
            counts = read_credit_tables(conn, database, config.database)
        else:
            for name in names:
                store_rows(conn, name, rows[name], tables[name].columns)
            counts = {name: len(rows[name]) for name in names}
        where = {name: f"{tables[name].table} ({tables[name].key})" for name in names}
        return credit_accounts(conn, frozenset(names), where), counts
    finally:
        conn.close()


def effects_found(
    config: Config,
    rules: list[Rule],
    billing_db: Any,
    billing: BillingState,
    database: Any,
    now: datetime | None,
) -> tuple[frozenset[str], ...]:
    """Each effect check's values its table holds, of those the events of its type
    within the lookback name: one query per check, whatever the number of events."""
    checks = config.webhooks.effects
    if not checks or not billing.has_events or not any(EFFECTS in r.settings for r in rules):
        return ()
    since = (now or datetime.now(UTC)) - timedelta(days=config.webhooks.lookback_days)
    if billing_db is not None:
        events = billing_db.execute(
            "SELECT DISTINCT type, object_id, subscription_id FROM billing_events "
            "WHERE created >= ?",
            [since],
        ).fetchall()
    else:
        events = [
            (e.type, e.object_id, e.subscription_id)
            for e in billing.events
            if e.created is not None and e.created >= since
        ]
    found = []
    for check in checks:
        values = {
            value
            for etype, object_id, subscription in events
            if matches(check.event_type, etype)
            and (value := check.value_of(object_id, subscription)) is not None
        }
        with doing(f"running the effect check {check.key} on {check.where}"):
            found.append(database.values_present(check, sorted(values)))
    return tuple(found)


# Fixture folders up to this size are read and checked on one thread.
SMALL_INPUT = 4 << 20


def _small(fixtures: Path | None, config: Config) -> bool:
    """Whether this run reads fixture files only, SMALL_INPUT bytes at most in all."""
    billing, database = fixtures or config.billing.fixtures, fixtures or config.database.fixtures
    if billing is None or database is None:
        return False
    total = 0
    for folder in {billing, database}:
        for path in folder.rglob("*") if folder.is_dir() else ():
            total += path.stat().st_size if path.is_file() else 0
            if total > SMALL_INPUT:
                return False
    return True


def _billing_by_sql(
    source: Any, needs: frozenset[str]
) -> tuple[Any, tuple[BillingState, SourceInfo]]:
    """(the DuckDB connection whose billing tables hold the objects, what was read):
    fixture files and the objects a live API sent, normalized by SQL (the objects
    it leaves to the provider's normalizer put in their place); (None, the objects
    as the normalizer read them) for a live collection the SQL does not know."""
    conn = connect()
    in_db = False
    try:
        if isinstance(source, FixtureBilling):
            read = read_billing_folder(conn, source.folder, source.provider)
            in_db = True
        else:
            state, info, in_db = source.load_by_sql(conn, needs)
            read = state, info
    finally:
        if not in_db:
            conn.close()
    return (conn if in_db else None), read


def _accounts_by_sql(database: Any, conn: Any) -> tuple[AccountState, SourceInfo] | None:
    """The accounts as SQL reads them (JSON fixtures, a Postgres table by COPY),
    else None (Python reads them): into `conn`'s db_accounts, where they stay, when
    billing's tables are there; else as objects, on a connection of their own."""
    if not hasattr(database, "load_by_sql"):
        return None
    read: tuple[AccountState, SourceInfo] | None
    if conn is not None:
        read = database.load_by_sql(conn, objects=False)
        return read
    own = connect()
    try:
        read = database.load_by_sql(own)
    finally:
        own.close()
    return read


def _table_by_sql(database: Any, name: str) -> tuple[dict[str, Any], ...] | None:
    """A declared table's rows as SQL reads and types them (every source the
    accounts are read from), else None (Python reads them)."""
    if not hasattr(database, "read_table_by_sql"):
        return None
    conn = connect()
    try:
        rows: tuple[dict[str, Any], ...] | None = database.read_table_by_sql(conn, name)
    finally:
        conn.close()
    return rows


def run_check(request: CheckRequest, env: Mapping[str, str]) -> tuple[Config, Report]:
    config_path = find_config(request.config_path, request.fixtures)
    with doing(f"loading the config {config_path}"):
        config = load_config(config_path)
    with doing("loading the contracts"):
        rules = load_checked_rules(config)
    # Read before any source: a bad baseline file fails fast, not after a live fetch.
    with doing(f"reading the baseline {request.baseline}"):
        baseline = load_baseline(request.baseline) if request.baseline else None
    with doing("reading scenario.yml"):
        now = resolve_now(request)
    with within_memory(config):
        snapshot = load_snapshot(config, rules, request.fixtures, env, request.quiet, now)
        with doing("evaluating the rules"):
            report = evaluate_snapshot(config, rules, snapshot, now)
    with doing("comparing with the baseline"):
        return config, apply_baseline(report, baseline) if baseline else report


@contextmanager
def within_memory(config: Config) -> Iterator[None]:
    """DuckDB running out of memory under engine.memory_limit (what it cannot spill)
    is the config's to fix, said so, not an internal error."""
    try:
        yield
    except Exception as exc:
        if type(exc).__name__ != "OutOfMemoryException":
            raise
        raise ConfigError(
            f"{config.path}: the engine ran out of memory under engine.memory_limit "
            f"{config.engine.memory_limit!r}: raise it (e.g. 4GB, or 80% of the machine's "
            "memory), or run on a machine with more."
        ) from None


def evaluate_snapshot(
    config: Config, rules: list[Rule], snapshot: Snapshot, now: datetime
) -> Report:
    index = build_index(snapshot, config, now)
    try:
        # every source ends in these tables: one id held twice is bad input, named
        check_unique(index.billing_db, snapshot.sources, f"{config.database.key}.where")
    except BaseException:
        index.billing_db.close()
        raise
    evaluation = evaluate(rules, index)
    notes = tuple(note for source in snapshot.sources for note in source.notes)
    if config.database.where and "identity.duplicate_customer" in evaluation.rules_run:
        notes += (
            "database.where limits the rows read: identity.duplicate_customer only sees "
            "duplicates among those rows",
        )
    errors = unchecked(config, rules, evaluation, snapshot.sources)
    report = Report(
        verdict=verdict_for(evaluation.findings, errors),
        findings=evaluation.findings,
        now=now,
        rules_run=evaluation.rules_run,
        skipped_rules=evaluation.skipped,
        settling=evaluation.settling,
        sources=snapshot.sources,
        errors=errors,
        notes=notes,
        config_path=display_path(config.path) if config.path else None,
        version=__version__,
        rules=tuple(
            RuleInfo(rule.id, rule.title, rule.severity, rule.subject, rule.rationale)
            for rule in sorted(rules, key=lambda r: r.id)
        ),
    )
    return apply_suppressions(report, config.suppressions)


def error_report(message: str, now: datetime | None, config_path: Any = None) -> Report:
    """A report for a run that could not check: verdict error, never pass."""
    return Report(
        verdict=verdict_for((), (message,)),
        findings=(),
        now=now or datetime.now(UTC).replace(microsecond=0),
        errors=(message,),
        config_path=display_path(config_path) if config_path else None,
        version=__version__,
    )
