"""The normalized snapshot: what both sides look like once adapters are done.

Vendor objects never cross the adapter boundary; these frozen dataclasses do.
Money is always an integer number of minor units with its currency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any


class Provider(StrEnum):
    STRIPE = "stripe"
    PADDLE = "paddle"


class SubscriptionStatus(StrEnum):
    """Union of Stripe's and Paddle's subscription statuses."""

    ACTIVE = "active"
    TRIALING = "trialing"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    UNPAID = "unpaid"
    INCOMPLETE = "incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired"
    PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class Money:
    amount: int  # minor units (cents)
    currency: str  # lower-case ISO 4217
    # Usage billed on top: an item priced per use (metered or tiered, no unit
    # amount) is not in `amount`, which is then the known part, a floor.
    plus_usage: bool = False

    def format(self) -> str:
        text = format_money(self.amount, self.currency)
        return f"≥ {text}" if self.plus_usage else text


_ZERO_DECIMAL = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()  # noqa: SIM905
)
_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "cad": "CA$", "aud": "A$"}


def format_money(amount: int, currency: str) -> str:
    """`123456, usd` -> `$1,234.56`; zero-decimal currencies have no cents."""
    currency = currency.lower()
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if currency in _ZERO_DECIMAL:
        number = f"{amount:,}"
    else:
        whole, cents = divmod(amount, 100)
        number = f"{whole:,}" if cents == 0 else f"{whole:,}.{cents:02d}"
    symbol = _SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency.upper()}"


_PER_YEAR = {"day": 365, "week": 52, "month": 12, "year": 1}


@dataclass(frozen=True, slots=True)
class SubscriptionItem:
    id: str
    price_id: str
    quantity: int
    unit_amount: int | None  # minor units per interval, None when unknown (metered)
    currency: str
    interval: str  # day | week | month | year
    interval_count: int
    current_period_start: datetime | None = None
    current_period_end: datetime | None = None
    created: datetime | None = None
    # What an app may store instead of the price id: its product, lookup key, product name.
    product_id: str | None = None
    lookup_key: str | None = None
    product_name: str | None = None

    @property
    def monthly_amount(self) -> int | None:
        """Price x quantity normalized to a month, rounded to the minor unit."""
        if self.unit_amount is None:
            return None
        per_interval = self.unit_amount * self.quantity
        count = max(self.interval_count, 1)
        # Exact integer arithmetic, then one rounding: a yearly $120 is $10/mo.
        numerator = per_interval * _PER_YEAR.get(self.interval, 12)
        denominator = 12 * count
        return (numerator * 2 + denominator) // (2 * denominator)


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    customer_id: str
    status: SubscriptionStatus
    items: tuple[SubscriptionItem, ...]
    created: datetime | None = None
    current_period_start: datetime | None = None
    current_period_end: datetime | None = None
    cancel_at_period_end: bool = False
    cancel_at: datetime | None = None
    canceled_at: datetime | None = None
    ended_at: datetime | None = None
    trial_start: datetime | None = None
    trial_end: datetime | None = None
    # Price ids the subscription will move to once a pending update is paid.
    pending_update_price_ids: tuple[str, ...] = ()
    # Why a paused subscription is paused (Stripe's status_details.paused.subscription
    # .type, API 2026-09-30+): first_payment_failure, final_payment_failure,
    # pause_requested, trial_end_without_payment_method, system; None when not said.
    pause_reason: str | None = None
    # Payment collection paused (Stripe's pause_collection): the status stays as it is
    # and nothing is collected.
    collection_paused: bool = False
    metadata: Mapping[str, str] = field(default_factory=dict)
    provider: Provider = Provider.STRIPE

    @property
    def price_ids(self) -> tuple[str, ...]:
        return tuple(item.price_id for item in self.items)

    @property
    def period_start(self) -> datetime | None:
        """Item-level period (API 2025-03-31+) first, the subscription's as fallback."""
        starts = [i.current_period_start for i in self.items if i.current_period_start]
        return min(starts) if starts else self.current_period_start

    @property
    def renewed_at(self) -> datetime | None:
        """When the latest item period began: the renewal a past_due subscription
        failed to collect. Under flexible billing (Stripe's default since API
        2025-09-30) items keep cycles of their own: a monthly add-on on a yearly
        plan renews, and fails, monthly, long after the yearly item's start."""
        starts = [i.current_period_start for i in self.items if i.current_period_start]
        return max(starts) if starts else self.current_period_start

    @property
    def period_end(self) -> datetime | None:
        ends = [i.current_period_end for i in self.items if i.current_period_end]
        return max(ends) if ends else self.current_period_end

    @property
    def monthly_amount(self) -> Money | None:
        """Sum over items in the subscription's currency. An item priced per use
        (no unit amount: metered, tiered) adds usage nobody knows ahead: the sum of
        the others, marked plus_usage; None when no item has a price."""
        amounts = [item.monthly_amount for item in self.items]
        priced = [amount for amount in amounts if amount is not None]
        if not priced:
            return None
        return Money(sum(priced), self.items[0].currency, len(priced) < len(amounts))


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    email: str | None = None
    name: str | None = None
    created: datetime | None = None
    deleted: bool = False
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SchedulePhase:
    start: datetime | None
    end: datetime | None
    price_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SubscriptionSchedule:
    id: str
    subscription_id: str | None
    customer_id: str | None
    status: str
    created: datetime | None
    phases: tuple[SchedulePhase, ...]


@dataclass(frozen=True, slots=True)
class Event:
    """A provider's event. Stripe: one per event, `pending_webhooks` its endpoints not
    yet reached. Paddle: one per notification (an event's delivery to one
    destination), `pending_webhooks` 1 while it is failed or needs_retry; the
    webhooks pack folds an event's notifications together (engine/event_facts.py)."""

    id: str
    type: str
    created: datetime | None
    object_id: str | None
    pending_webhooks: int = 0
    notification_id: str | None = None  # Paddle: the notification, if it can be replayed
    destination: str | None = None  # Paddle: the notification setting it went to
    delivered: bool = False  # Paddle: this notification reached its destination
    # What the event's object is worth: the subscription it is (or belongs to), and
    # the object's own amount (an invoice's amount due, a checkout's or a Paddle
    # transaction's total) in the lowest unit of its currency.
    subscription_id: str | None = None
    amount: int | None = None
    currency: str | None = None
    # A subscription object's status as the event carried it (the state a handler
    # writes), for telling an out-of-order overwrite.
    status: str | None = None


@dataclass(frozen=True, slots=True)
class CreditAccount:
    """An account's credits as the app keeps them (database.tables.credit_balances and
    credit_ledger), summed by SQL (engine/credit_sums.py): its balance row, what its
    ledger entries add up to, and the idempotency keys its entries repeat."""

    account_id: str
    has_balance: bool  # credit_balances holds a row for it
    balance: int | None = None  # None: no balance row, or an empty balance
    entries: int = 0  # its ledger entries
    ledger_sum: int = 0  # their amounts added up (0 without any)
    last_entry_at: datetime | None = None
    duplicate_count: int = 0  # keys an entry of its repeats (an earlier entry holds it)
    duplicate_key: str | None = None  # the first such key
    duplicate_entries: int = 0  # how many entries hold that key
    duplicate_excess: int = 0  # what its repeating entries added to the ledger


# The collections whose objects are events: Stripe's events, Paddle's notifications.
EVENT_COLLECTIONS = frozenset({"events", "notifications"})


@dataclass(frozen=True, slots=True)
class BillingState:
    provider: Provider
    customers: tuple[Customer, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()
    schedules: tuple[SubscriptionSchedule, ...] = ()
    events: tuple[Event, ...] = ()
    # Collections that were read at all (an empty list counts; a missing file does
    # not): rules needing an unread collection are skipped, never silently passed.
    loaded: frozenset[str] = frozenset({"customers", "subscriptions"})

    @property
    def has_events(self) -> bool:
        """Events were read: Stripe's, or Paddle's notifications (an event each)."""
        return bool(self.loaded & EVENT_COLLECTIONS)


@dataclass(frozen=True, slots=True)
class Account:
    """One row of the app's accounts table, through the config's column mapping.

    The fields the engine's code reads by name are attributes; any other field the
    accounts TableSpec declares is in `extra` (field, value), so a column added to
    the spec reaches the `account.*` facts with no edit here."""

    id: str
    customer_id: str | None
    has_access: bool | None  # None: read from an expiry time, decided against `now`
    plan: str | None = None
    email: str | None = None
    deleted_at: datetime | None = None
    access_expires_at: datetime | None = None
    comped: bool = False
    updated_at: datetime | None = None
    extra: tuple[tuple[str, Any], ...] = ()

    def value(self, name: str) -> Any:
        """A field of the row by its spec name, attribute or extra."""
        if name in ACCOUNT_ATTRIBUTES:
            return getattr(self, name)
        return next((value for key, value in self.extra if key == name), None)


@dataclass(frozen=True, slots=True)
class AccountState:
    accounts: tuple[Account, ...]
    # Optional columns the config maps (email, deleted_at, ...): rules that
    # need an unmapped one are skipped with a note, never silently.
    mapped_columns: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What was read: shown in every report so a reader knows what was checked."""

    side: str  # billing | database
    kind: str  # fixture | stripe | paddle | postgres | sqlite
    location: str  # a folder, a redacted URL, an API mode
    counts: Mapping[str, int]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Snapshot:
    billing: BillingState
    accounts: AccountState
    sources: tuple[SourceInfo, ...] = ()
    # Other declared tables (app_subscriptions ...): name -> rows, field -> typed value.
    tables: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)
    # The DuckDB connection whose billing_* tables hold `billing` when SQL read it
    # (sources/duck_billing.py); the engine then reads them there.
    billing_db: Any = None
    # Whether its db_accounts table holds the accounts (sources/duck_rows.py):
    # `accounts.accounts` is then empty, and the engine reads them there too.
    accounts_in_db: bool = False
    # Each effect check's (webhooks.effects, in order) values its table holds, of
    # those the events asked for; empty when no check ran.
    effects: tuple[frozenset[str], ...] = ()
    # The accounts of the credit tables (database.tables.credit_balances and
    # credit_ledger), summed by SQL; empty when neither is mapped.
    credits: tuple[CreditAccount, ...] = ()


ACCOUNT_ATTRIBUTES = frozenset(f.name for f in fields(Account)) - {"extra"}
