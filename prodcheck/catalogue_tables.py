"""The facts of the subjects read from the app's declared tables beside the
provider's objects: a row of its own subscriptions table (app_subscription), and
an event of the provider's next to its table of processed events (event), and an
account of its credit tables (credit_account). Each says nothing without its
table: every rule about one is then skipped. catalogue.py joins them to the other kinds' facts."""

from __future__ import annotations

from dataclasses import replace

from prodcheck.factspec import EFFECTS, FIELD_TYPES, STATUSES, FactSpec, FactType
from prodcheck.tables import APP_SUBSCRIPTIONS


def app_facts() -> list[FactSpec]:
    """A row of the app's own subscriptions table next to the provider's subscription."""
    s, f, t, need = "app_subscription", FactType.FLAG, FactType.TIME, ("app_subscriptions",)
    fields = [
        FactSpec(s, f"app_subscription.{field.name}", FIELD_TYPES[field.type], field.meaning)
        for field in APP_SUBSCRIPTIONS.fields
    ]
    specs = [
        FactSpec(s, "app_subscription", FactType.OBJECT, "the app's row"),
        *fields,
        FactSpec(s, "billed", FactType.OBJECT, "the provider's subscription of the same id"),
        FactSpec(s, "billed.exists", f, "the provider knows a subscription of that id"),
        FactSpec(s, "billed.status", FactType.TEXT, "its status", values=STATUSES),
        FactSpec(s, "billed.customer_id", FactType.ID, "its customer"),
        FactSpec(s, "billed.price_ids", FactType.LIST, "its prices", item=FactType.ID),
        FactSpec(s, "billed.quantity", FactType.INTEGER, "its items' total quantity"),
        FactSpec(s, "billed.period_end", t, "its current period end"),
        FactSpec(s, "billed.cancel_at_period_end", f, "it ends with its period"),
        FactSpec(s, "billed.entitles", f, "it entitles its customer now"),
        *(
            FactSpec(
                s,
                f"{name}_matches",
                f,
                f"the app's {what} agrees with the provider's; null when either is unknown",
                columns=(f"app_subscriptions.{column}",),
                needs=need,
            )
            for name, column, what in (
                ("status", "status", "status"),
                ("price", "price_id", "price (one of the subscription's prices)"),
                ("quantity", "quantity", "quantity"),
                ("period_end", "period_end", "period end (within an hour)"),
                ("cancel", "cancel_at_period_end", "cancel at period end"),
            )
        ),
        FactSpec(s, "monthly_amount", FactType.MONEY, "the provider's monthly amount"),
    ]
    events = ("app_subscriptions", "events")
    written = ("app_subscriptions.status", "app_subscriptions.updated_at")
    order = [
        FactSpec(
            s,
            "newest_event",
            FactType.OBJECT,
            "the provider's newest event carrying "
            "the subscription (its status), within webhooks.lookback_days",
        ),
        FactSpec(s, "newest_event.id", FactType.ID, "its id"),
        FactSpec(s, "newest_event.status", FactType.TEXT, "the status it carried"),
        FactSpec(s, "newest_event.created", t, "when the provider created it"),
        FactSpec(
            s,
            "stale_event",
            FactType.OBJECT,
            "the older event whose status the row "
            "holds, though the row was written after the newest one",
        ),
        FactSpec(s, "stale_event.id", FactType.ID, "its id"),
        FactSpec(s, "stale_event.status", FactType.TEXT, "the status it carried"),
        FactSpec(s, "stale_event.created", t, "when the provider created it"),
        FactSpec(
            s,
            "stale_overwrite",
            f,
            "the row was written after the newest event yet "
            "holds an older event's status: an out-of-order overwrite",
            columns=written,
        ),
    ]
    # Without the table there is no subject: every rule about one is skipped, not run on
    # nothing.
    return [
        *(replace(spec, needs=need) for spec in specs),
        *(replace(spec, needs=events) for spec in order),
    ]


def event_facts() -> list[FactSpec]:
    """An event of the provider's, of a type the app must process (webhooks.event_types),
    within webhooks.lookback_days, next to the app's processed-events table."""
    s, i = "event", FactType.INTEGER
    specs = [
        FactSpec(s, "event", FactType.OBJECT, "the provider's event"),
        FactSpec(s, "event.id", FactType.ID, "its id"),
        FactSpec(s, "event.type", FactType.TEXT, "its type (customer.subscription.updated ...)"),
        FactSpec(s, "event.created", FactType.TIME, "when the provider created it"),
        FactSpec(s, "event.object_id", FactType.ID, "the object it is about"),
        FactSpec(
            s,
            "event.pending_webhooks",
            i,
            "endpoints (Paddle: notification destinations) it has not reached yet",
        ),
        FactSpec(
            s,
            "event.notification_id",
            FactType.ID,
            "Paddle: the notification to replay (a failing one's, else the latest); Stripe: none",
        ),
        FactSpec(
            s,
            "event.subscription_id",
            FactType.ID,
            "the subscription its object is or names (an invoice's, a checkout's, a transaction's)",
        ),
        FactSpec(
            s,
            "monthly_amount",
            FactType.MONEY,
            "what it is worth: that subscription's monthly amount, else the object's own "
            "amount (an invoice's amount due, a checkout's or a transaction's total)",
        ),
        FactSpec(
            s,
            "object_amount",
            FactType.MONEY,
            "the object's own amount: an invoice's amount due, a checkout's or a "
            "transaction's total",
        ),
        FactSpec(s, "age_hours", FactType.NUMBER, "hours since it was created"),
        FactSpec(
            s,
            "retry_hours_left",
            FactType.NUMBER,
            "hours until the provider stops retrying its delivery (3 days after it was created)",
        ),
        FactSpec(
            s,
            "retention_days_left",
            FactType.NUMBER,
            "days until it leaves the provider's events (Stripe keeps 30 days, Paddle 90) "
            "and can no longer be resent",
        ),
    ]
    ledger = [
        FactSpec(s, "processed", FactType.FLAG, "the processed-events table holds its id"),
        FactSpec(s, "processed_count", i, "how many rows of that table hold its id"),
    ]
    effects = [
        FactSpec(
            s,
            "effect_found",
            FactType.FLAG,
            "every effect check for its type (webhooks.effects) found its value in its "
            "table; null when no check applies",
        ),
        FactSpec(
            s,
            "effect_missing_in",
            FactType.TEXT,
            "the table.column of the first check that did not find it",
        ),
        FactSpec(s, "effect_value", FactType.ID, "the value that check looked for"),
    ]
    # Stripe's events, Paddle's notifications: an event is a subject when the app's
    # ledger is mapped or effect checks are listed, and a rule about what it lacks is
    # skipped, not run on nothing.
    return [
        *(replace(spec, needs=("events",)) for spec in specs),
        *(replace(spec, needs=("events", "processed_events")) for spec in ledger),
        *(replace(spec, needs=("events",), settings=(EFFECTS,)) for spec in effects),
    ]


def credit_facts() -> list[FactSpec]:
    """An account of the credit tables (database.tables.credit_balances and
    credit_ledger), summed by SQL: every account either table holds."""
    s, i = "credit_account", FactType.INTEGER
    balance = [
        FactSpec(s, "has_balance", FactType.FLAG, "credit_balances holds a row for it"),
        FactSpec(s, "balance", i, "its balance; null without a balance row"),
    ]
    ledger = [
        FactSpec(s, "ledger_entries", i, "how many ledger entries it has"),
        FactSpec(s, "ledger_sum", i, "its ledger entries' amounts added up (0 without any)"),
    ]
    difference = FactSpec(
        s, "difference", i, "its balance minus its ledger sum; null without a balance row"
    )
    last = FactSpec(s, "last_entry_at", FactType.TIME, "when its latest ledger entry was written")
    keyed = [
        FactSpec(
            s,
            "duplicate_count",
            i,
            "how many idempotency keys one of its entries repeats (an earlier entry, by "
            "created_at then position, holds the same key)",
        ),
        FactSpec(s, "duplicate_key", FactType.ID, "the first key it repeats"),
        FactSpec(s, "duplicate_entries", i, "how many entries hold that key"),
        FactSpec(
            s,
            "duplicate_excess",
            i,
            "what its repeating entries added to its ledger (the credits applied twice)",
        ),
    ]
    return [
        FactSpec(s, "account_id", FactType.ID, "the account the credits belong to"),
        *(replace(spec, needs=("credit_balances",)) for spec in balance),
        *(replace(spec, needs=("credit_ledger",)) for spec in ledger),
        replace(difference, needs=("credit_balances", "credit_ledger")),
        replace(last, needs=("credit_ledger",), columns=("credit_ledger.created_at",)),
        *(
            replace(spec, needs=("credit_ledger",), columns=("credit_ledger.idempotency_key",))
            for spec in keyed
        ),
    ]
