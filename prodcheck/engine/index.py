"""The join, built once per snapshot: every lookup after this is a dict access.

account <-> customer (by customer id) <-> subscriptions (by customer id);
subscription -> schedules; price -> plan and tier. Nothing here is quadratic:
each collection is walked once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from prodcheck.account_store import store_accounts
from prodcheck.billing_store import store
from prodcheck.config import Config
from prodcheck.engine.duck import connect
from prodcheck.engine.entitlement import entitles
from prodcheck.engine.stored_plans import StoredPlans, stored_plans
from prodcheck.model import (
    Account,
    BillingState,
    CreditAccount,
    Customer,
    Snapshot,
    Subscription,
    SubscriptionSchedule,
)
from prodcheck.tables import APP_SUBSCRIPTIONS


@dataclass(frozen=True, slots=True)
class Index:
    config: Config
    now: datetime
    accounts: tuple[Account, ...]
    customers: dict[str, Customer]
    subscriptions_by_customer: dict[str, tuple[Subscription, ...]]
    accounts_by_customer: dict[str, tuple[Account, ...]]
    schedules_by_subscription: dict[str, tuple[SubscriptionSchedule, ...]]
    entitling: frozenset[str]  # ids of subscriptions that entitle now
    settling_customers: frozenset[str]
    settling_accounts: frozenset[str]
    mapped_columns: frozenset[str]
    has_events: bool
    has_schedules: bool
    # Accounts whose access, read from an expiry time, is inside the app's own
    # allowance after that time: the app means them to have access a little longer.
    within_allowance: frozenset[str] = frozenset()
    # The app's plan column values -> plans (plans.stored_as).
    stored: StoredPlans | None = None
    subscriptions_by_id: dict[str, Subscription] = field(default_factory=dict)
    # The app's own subscriptions table (database.tables.app_subscriptions), when mapped.
    app_rows: tuple[Mapping[str, Any], ...] = ()
    app_ids: frozenset[str] = frozenset()
    has_app_table: bool = False
    app_fields: tuple[str, ...] = APP_SUBSCRIPTIONS.names
    app_table: str = ""  # its real name, for messages
    # Its rows by the account they belong to (account_id when mapped, else customer_id).
    app_by_owner: dict[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)
    app_by_account: bool = False
    # The app's processed-events table (database.tables.processed_events), when mapped:
    # how many of its rows hold each event id.
    processed_counts: Mapping[str, int] = field(default_factory=dict)
    has_processed_table: bool = False
    processed_table: str = ""  # its real name, for messages
    # Each effect check's values found in its table (webhooks.effects, in order).
    effects_found: tuple[frozenset[str], ...] = ()
    # The accounts of the app's credit tables, summed by SQL (credit_sums.py).
    credit_accounts: tuple[CreditAccount, ...] = ()
    # The events the webhooks pack checks, filled on first use (event_facts.py).
    event_cache: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # The DuckDB connection holding billing's objects in the billing_* tables and
    # the accounts in db_accounts.
    billing_db: Any = None
    # Derived per-subscription values, filled on first use by the fact builders.
    plan_cache: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)

    def plan_of(self, price_id: str) -> str | None:
        return self.config.plans.prices.get(price_id)

    def tier_of(self, plan: str | None) -> int | None:
        return self.config.plans.tier_of(plan)

    def subscriptions_of(self, customer_id: str | None) -> tuple[Subscription, ...]:
        if customer_id is None:
            return ()
        return self.subscriptions_by_customer.get(customer_id, ())

    def app_rows_for(self, account: Account) -> tuple[Mapping[str, Any], ...]:
        """The app's subscriptions rows that belong to `account`."""
        owner = account.id if self.app_by_account else account.customer_id
        return self.app_by_owner.get(owner or "", ())

    def db_plan(self, value: str | None) -> str | None:
        """The plan the app's plan column value stands for."""
        return self.stored.plan_of(value) if self.stored else value

    def is_comped(self, account: Account) -> bool:
        return account.comped or account.id in self.config.policy.comped_accounts


def _billing_fields(billing: BillingState) -> dict[str, Any]:
    """The index's lookups over billing's objects."""
    # Sorted by id so that every list a message shows is in the same order
    # whatever order a source returned the objects in.
    by_customer: dict[str, list[Subscription]] = defaultdict(list)
    for subscription in sorted(billing.subscriptions, key=lambda s: s.id):
        by_customer[subscription.customer_id].append(subscription)
    schedules: dict[str, list[SubscriptionSchedule]] = defaultdict(list)
    for schedule in sorted(billing.schedules, key=lambda s: s.id):
        if schedule.subscription_id:
            schedules[schedule.subscription_id].append(schedule)
    return {
        "customers": {c.id: c for c in billing.customers},
        "subscriptions_by_customer": {k: tuple(by_customer[k]) for k in sorted(by_customer)},
        "schedules_by_subscription": {k: tuple(v) for k, v in schedules.items()},
        "subscriptions_by_id": {s.id: s for s in billing.subscriptions},
        "has_events": billing.has_events,
        "has_schedules": "subscription_schedules" in billing.loaded,
    }


def with_billing(
    index: Index,
    billing: BillingState,
    *,
    entitling: frozenset[str],
    settling_customers: frozenset[str],
    stored: StoredPlans,
) -> Index:
    """The index over some of billing's objects (those of the subjects that fire,
    when the rest stayed in DuckDB), with what only all of them tell given: the
    subscription ids that entitle, the customers settling, the plans stored values
    stand for."""
    return replace(
        index,
        **_billing_fields(billing),
        entitling=entitling,
        settling_customers=settling_customers,
        stored=stored,
    )


def _by_customer(accounts: Iterable[Account]) -> dict[str, tuple[Account, ...]]:
    """The accounts holding each customer id, by account id."""
    by_customer: dict[str, list[Account]] = defaultdict(list)
    for account in sorted(accounts, key=lambda a: a.id):
        if account.customer_id:
            by_customer[account.customer_id].append(account)
    return {k: tuple(v) for k, v in by_customer.items()}


def with_accounts(
    index: Index,
    accounts: tuple[Account, ...],
    *,
    settling_accounts: frozenset[str],
    within_allowance: frozenset[str],
) -> Index:
    """The index over some of the accounts (those the subjects that fire involve,
    when the rest stayed in DuckDB), with who settles and who is within the
    allowance as SQL found them among all of them."""
    return replace(
        index,
        accounts=accounts,
        accounts_by_customer=_by_customer(accounts),
        settling_accounts=settling_accounts,
        within_allowance=within_allowance,
    )


def build_index(snapshot: Snapshot, config: Config, now: datetime) -> Index:
    billing = snapshot.billing
    policy = config.policy
    entitling = frozenset(s.id for s in billing.subscriptions if entitles(s, policy, now))
    settling_customers, settling_accounts = _settling(snapshot, config, now)
    return Index(
        config=config,
        now=now,
        accounts=snapshot.accounts.accounts,
        **_billing_fields(billing),
        accounts_by_customer=_by_customer(snapshot.accounts.accounts),
        entitling=entitling,
        settling_customers=settling_customers,
        settling_accounts=settling_accounts,
        within_allowance=_within_allowance(snapshot, config, now),
        stored=stored_plans(config.plans, billing.subscriptions),
        app_rows=snapshot.tables.get("app_subscriptions", ()),
        app_ids=frozenset(r["id"] for r in snapshot.tables.get("app_subscriptions", ())),
        has_app_table="app_subscriptions" in config.database.tables,
        **_processed(snapshot, config),
        effects_found=snapshot.effects,
        credit_accounts=snapshot.credits,
        **_app_owners(snapshot, config),
        mapped_columns=snapshot.accounts.mapped_columns | _other_mapped(config),
        billing_db=_database(snapshot, config),
    )


def _processed(snapshot: Snapshot, config: Config) -> dict[str, Any]:
    table = config.database.tables.get("processed_events")
    if table is None:
        return {}
    rows = snapshot.tables.get("processed_events", ())
    return {
        "processed_counts": dict(Counter(str(row["id"]) for row in rows)),
        "has_processed_table": True,
        "processed_table": table.table,
    }


def _database(snapshot: Snapshot, config: Config) -> Any:
    """The connection holding billing's objects in the billing_* tables and the
    accounts in db_accounts: the one SQL read them into, or a new one, where what
    Python read (a snapshot made of Python objects) is stored."""
    conn = snapshot.billing_db
    if conn is None:
        conn = connect()
        store(conn, snapshot.billing)
    if not snapshot.accounts_in_db:
        store_accounts(conn, snapshot.accounts.accounts, config.database.columns)
    return conn


def _app_owners(snapshot: Snapshot, config: Config) -> dict[str, Any]:
    """The app's subscriptions rows grouped by the account they belong to: by
    account_id when the table maps it, else by customer id."""
    table = config.database.tables.get("app_subscriptions")
    if table is None:
        return {}
    by_account = "account_id" in table.columns.mapped_optional
    link = "account_id" if by_account else "customer_id"
    owners: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in sorted(snapshot.tables.get("app_subscriptions", ()), key=lambda r: str(r["id"])):
        if row.get(link) is not None:
            owners[str(row[link])].append(row)
    return {
        "app_table": table.table,
        "app_by_owner": {k: tuple(v) for k, v in owners.items()},
        "app_by_account": by_account,
    }


def _other_mapped(config: Config) -> frozenset[str]:
    """`table.field` for every optional field mapped in the other declared tables."""
    return frozenset(
        f"{name}.{field_name}"
        for name, table in config.database.tables.items()
        if name != "accounts"
        for field_name in table.columns.mapped_optional
    )


def _within_allowance(snapshot: Snapshot, config: Config, now: datetime) -> frozenset[str]:
    access = config.database.columns.derivation("has_access")
    if access is None or not access.expires or not access.allowance_hours:
        return frozenset()
    since = now - timedelta(hours=access.allowance_hours)
    return frozenset(
        a.id
        for a in snapshot.accounts.accounts
        if a.access_expires_at is not None and since < a.access_expires_at <= now
    )


def _settling(
    snapshot: Snapshot, config: Config, now: datetime
) -> tuple[frozenset[str], frozenset[str]]:
    """Subjects a webhook may still be in flight for: billing objects created or
    changed (per recent events) and DB rows updated within the settle window."""
    window = timedelta(minutes=config.policy.settle_window_minutes)
    if not window:
        return frozenset(), frozenset()
    since = now - window

    def recent(moment: datetime | None) -> bool:
        return moment is not None and since <= moment <= now + timedelta(minutes=1)

    billing = snapshot.billing
    customers = {c.id for c in billing.customers if recent(c.created)}
    subscription_customer = {s.id: s.customer_id for s in billing.subscriptions}
    customers.update(s.customer_id for s in billing.subscriptions if recent(s.created))
    for event in billing.events:
        if recent(event.created) and event.object_id:
            # the object, or the subscription it names (an invoice's), is in flight
            named = event.subscription_id or event.object_id
            customers.add(subscription_customer.get(named, event.object_id))
    accounts = {a.id for a in snapshot.accounts.accounts if recent(a.updated_at)}
    return frozenset(customers), frozenset(accounts)
