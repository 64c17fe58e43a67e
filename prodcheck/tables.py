"""The tables prodcheck reads from the app's database, declared once.

A `TableSpec` says which fields a table has, their types, which are required
and what each means. Everything else derives from it: the config schema's
column properties, the contract schema's `requires` values, the column types
`doctor` accepts, `init`'s column guesses and comments, and the skip reasons.
Adding an optional column is one edit here (plus its scenarios). mapping.py maps a
spec's fields to the app's real columns.
"""

from __future__ import annotations

from prodcheck.table_spec import (
    KINDS,
    SOURCE,
    Derivation,
    EpochUnit,
    FieldSpec,
    FieldType,
    Form,
    TableSpec,
)

# What a declaration is (table_spec.py), read from here with the declarations.
__all__ = [
    "ACCOUNTS",
    "APP_SUBSCRIPTIONS",
    "CREDIT_BALANCES",
    "CREDIT_LEDGER",
    "KINDS",
    "PROCESSED_EVENTS",
    "SOURCE",
    "TABLES",
    "WRITTEN_AT",
    "Derivation",
    "EpochUnit",
    "FieldSpec",
    "FieldType",
    "Form",
    "TableSpec",
]


# fmt: off
ACCOUNTS = TableSpec(
    name="accounts",
    meaning="the app's accounts (users, teams or organizations) and the access each has",
    guesses=(
        "users", "accounts", "customers", "organizations", "orgs", "teams", "workspaces",
        "companies", "tenants", "subscribers", "members", "profiles",
    ),
    fields=(
        FieldSpec(
            "id", FieldType.ID, "the account's id", required=True, example="id",
            guesses=("id", "user_id", "account_id", "uuid", "uid"),
        ),
        FieldSpec(
            "customer_id", FieldType.ID, "the billing provider's customer id", required=True,
            example="stripe_customer_id", holds="customer",
            provider_guesses={
                "stripe": (
                    "stripe_customer_id", "stripe_customer", "stripe_cus_id", "stripe_id",
                    "billing_customer_id", "customer_id", "payment_customer_id",
                ),
                "paddle": (
                    "paddle_customer_id", "paddle_customer", "paddle_id", "billing_customer_id",
                    "customer_id",
                ),
            },
        ),
        FieldSpec(
            "has_access", FieldType.FLAG, "whether the app grants paid access", required=True,
            forms=(Form.STATUS, Form.EXPIRY, Form.TABLE), expiry_field="access_expires_at",
            example="has_paid_access",
            value_guesses=(
                "active", "trialing", "paid", "comped", "complimentary", "premium", "pro",
                "lifetime",
            ),
            guesses=(
                "has_paid_access", "has_access", "is_paid", "paid", "is_paying",
                "has_subscription", "is_subscribed", "subscribed", "subscription_active",
                "is_active_subscriber", "is_premium", "premium", "is_pro", "pro", "paid_access",
                "access", "is_active",
            ),
        ),
        FieldSpec(
            "plan", FieldType.TEXT, "the plan the app grants",
            enables="the plan name your app grants (plan.* rules)",
            extra_kinds={"enum": "", "integer": "compared as text with plans.prices"},
            guesses=(
                "plan", "plan_name", "tier", "plan_tier", "subscription_plan",
                "subscription_tier", "plan_type", "pricing_plan", "plan_key", "plan_slug",
                "plan_id", "stripe_price_id", "stripe_price", "paddle_price_id", "price_id",
                "stripe_product_id", "paddle_product_id", "product_id", "price_lookup_key",
                "lookup_key",
            ),
        ),
        FieldSpec(
            "email", FieldType.TEXT, "the account's email address",
            enables="finds duplicate people and repeat trials",
            guesses=("email", "email_address", "user_email", "billing_email", "contact_email"),
        ),
        FieldSpec(
            "deleted_at", FieldType.TIME,
            "when the account was soft-deleted (a time still ahead: a deletion scheduled, "
            "not one yet)",
            enables="soft-deleted accounts still billed",
            guesses=("deleted_at", "archived_at", "removed_at", "deactivated_at", "discarded_at"),
        ),
        FieldSpec(
            "access_expires_at", FieldType.TIME, "until when the app grants paid access",
            enables="stored paid-until dates",
            guesses=(
                "paid_until", "access_expires_at", "current_period_end",
                "stripe_current_period_end", "paddle_current_period_end", "access_until",
                "subscription_ends_at", "subscription_expires_at", "plan_expires_at",
                "premium_until", "pro_until", "expires_at", "valid_until", "period_end",
                "ends_at",
            ),
        ),
        FieldSpec(
            "comped", FieldType.FLAG, "whether access is given on purpose, without payment",
            forms=(Form.STATUS,),
            enables="accounts with access on purpose",
            value_guesses=("comped", "complimentary", "comp"),
            guesses=(
                "comped", "is_comped", "complimentary", "is_complimentary", "comp",
                "free_forever",
            ),
        ),
        FieldSpec(
            "label", FieldType.TEXT, "a name for the row (a team's or a user's name)",
            enables="names accounts in messages: team Acme (42), not a bare id",
            guesses=(
                "name", "display_name", "full_name", "team_name", "organization_name",
                "org_name", "company_name", "workspace_name", "username", "title",
            ),
        ),
        FieldSpec(
            "subscription_id", FieldType.ID, "the billing subscription the app tracks",
            enables="finds rows tracking a subscription other than the one billed",
            holds="subscription",
            provider_guesses={
                "stripe": (
                    "stripe_subscription_id", "stripe_subscription", "stripe_sub_id",
                    "subscription_id",
                ),
                "paddle": ("paddle_subscription_id", "paddle_subscription", "subscription_id"),
            },
        ),
        FieldSpec(
            "updated_at", FieldType.TIME, "when the row last changed",
            enables="skips rows changed within the settle window",
            guesses=("updated_at", "modified_at", "last_modified_at", "updated", "modified"),
        ),
    ),
)
# fmt: on


# fmt: off
APP_SUBSCRIPTIONS = TableSpec(
    name="app_subscriptions",
    meaning="the app's own copy of the provider's subscriptions (Supabase's subscriptions, "
    "Laravel Cashier's, dj-stripe's), compared with the provider's field by field",
    guesses=("subscriptions", "stripe_subscriptions", "billing_subscriptions"),
    fields=(
        FieldSpec(
            "id", FieldType.ID, "the provider's subscription id the row copies", required=True,
            example="id", holds="subscription", guesses=(
                "stripe_id", "stripe_subscription_id", "paddle_subscription_id",
                "subscription_id", "processor_id", "id",
            ),
        ),
        FieldSpec(
            "account_id", FieldType.ID, "the accounts row the subscription belongs to",
            enables="access from this table (has_access: {from: app_subscriptions})",
            guesses=("user_id", "account_id", "team_id", "organization_id", "owner_id"),
        ),
        FieldSpec(
            "customer_id", FieldType.ID, "the provider's customer id",
            enables="rows of a customer", holds="customer",
            guesses=("stripe_customer_id", "customer_id", "customer"),
        ),
        FieldSpec(
            "status", FieldType.TEXT, "the subscription status the app stores",
            enables="app.status_mismatch",
            guesses=("status", "stripe_status", "subscription_status"),
        ),
        FieldSpec(
            "price_id", FieldType.ID, "the price the app stores",
            enables="app.price_mismatch", holds="price",
            guesses=("price_id", "stripe_price", "stripe_price_id", "price"),
        ),
        FieldSpec(
            "quantity", FieldType.COUNT, "the quantity (seats) the app stores",
            enables="app.quantity_mismatch", guesses=("quantity", "seats"),
        ),
        FieldSpec(
            "period_end", FieldType.TIME, "the current period end the app stores",
            enables="app.period_end_mismatch",
            guesses=("current_period_end", "period_end", "renews_at"),
        ),
        FieldSpec(
            "cancel_at_period_end", FieldType.FLAG, "whether it ends with its period",
            enables="app.cancel_mismatch", guesses=("cancel_at_period_end",),
        ),
        FieldSpec(
            "updated_at", FieldType.TIME, "when the app last wrote the row",
            enables="webhooks.stale_overwrite", guesses=("updated_at", "modified_at"),
        ),
    ),
)
# fmt: on

# The app_subscriptions field saying when the app last wrote a row.
WRITTEN_AT = "updated_at"

# fmt: off
PROCESSED_EVENTS = TableSpec(
    name="processed_events",
    meaning="the provider's events the app's webhook handler recorded as processed (its "
    "idempotency ledger), checked against the provider's own list of events",
    guesses=("processed_events", "webhook_events", "stripe_events", "processed_webhooks"),
    fields=(
        FieldSpec(
            "id", FieldType.ID, "the provider's event id the handler recorded", required=True,
            example="event_id", holds="event",
            guesses=("event_id", "stripe_event_id", "provider_event_id", "id"),
        ),
        FieldSpec(
            "type", FieldType.TEXT, "the event's type as recorded",
            enables="names the type the handler saw", guesses=("type", "event_type"),
        ),
        FieldSpec(
            "processed_at", FieldType.TIME, "when the handler processed it",
            enables="says when it was processed",
            guesses=("processed_at", "created_at", "received_at"),
        ),
    ),
)
# fmt: on

# fmt: off
CREDIT_BALANCES = TableSpec(
    name="credit_balances",
    meaning="the credits each account holds now (a usage-based product's balance), "
    "checked against its ledger",
    guesses=("credit_balances", "credits", "account_credits", "user_credits", "balances"),
    fields=(
        FieldSpec(
            "account_id", FieldType.ID, "the account the balance belongs to", required=True,
            example="account_id",
            guesses=("account_id", "user_id", "team_id", "organization_id", "owner_id", "id"),
        ),
        FieldSpec(
            "balance", FieldType.COUNT, "the credits it holds, a whole number", required=True,
            example="balance",
            guesses=("balance", "credits", "credit_balance", "credits_remaining", "remaining"),
        ),
    ),
)

CREDIT_LEDGER = TableSpec(
    name="credit_ledger",
    meaning="every grant and deduction of credits, one signed entry each: what the "
    "balances must add up to",
    guesses=("credit_ledger", "credit_transactions", "credit_entries", "ledger_entries"),
    fields=(
        FieldSpec(
            "account_id", FieldType.ID, "the account the entry belongs to", required=True,
            example="account_id",
            guesses=("account_id", "user_id", "team_id", "organization_id", "owner_id"),
        ),
        FieldSpec(
            "amount", FieldType.COUNT,
            "the credits it grants (positive) or deducts (negative), a whole number",
            required=True, example="amount",
            guesses=("amount", "delta", "credits", "change", "quantity"),
        ),
        FieldSpec(
            "idempotency_key", FieldType.ID,
            "what makes the entry unique: its idempotency key, or the invoice or payment "
            "that granted it (an entry without one is never a duplicate)",
            enables="credits.duplicate_grant",
            guesses=(
                "idempotency_key", "idempotency_id", "request_id", "stripe_invoice_id",
                "invoice_id", "paddle_transaction_id", "transaction_id", "reference",
                "source_id",
            ),
        ),
        FieldSpec(
            "created_at", FieldType.TIME, "when the entry was written",
            enables="says which of two duplicate entries came first",
            guesses=("created_at", "inserted_at", "occurred_at", "timestamp"),
        ),
    ),
)
# fmt: on

# table name -> spec (STYLE.md #3: a plain dict).
TABLES: dict[str, TableSpec] = {
    "accounts": ACCOUNTS,
    "app_subscriptions": APP_SUBSCRIPTIONS,
    "processed_events": PROCESSED_EVENTS,
    "credit_balances": CREDIT_BALANCES,
    "credit_ledger": CREDIT_LEDGER,
}
