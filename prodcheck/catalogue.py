"""Every fact a rule can name, declared once: subject kind, dotted name, type,
meaning, and what it needs (providers, mapped columns, billing collections).

Contracts are checked against this catalogue when they load (an unknown fact, a
misspelt template variable or `gt` on a text fact is an error, never a rule that
silently never fires); a rule whose facts the provider or the mapped columns
cannot supply is skipped with the reason; `prodcheck facts`, `prodcheck rules
RULE_ID` and the README's fact reference are generated from it. The `account.*`
facts come from the accounts table's declaration (tables.py): an optional column
added there is a fact here with no further edit.
"""

from __future__ import annotations

from prodcheck.catalogue_tables import app_facts, credit_facts, event_facts
from prodcheck.factspec import FIELD_TYPES, STATUSES, FactSpec, FactType
from prodcheck.model import Provider
from prodcheck.tables import ACCOUNTS

# Facts that say nothing without plans.prices (FactSpec.settings).
PLANS = ("plans",)
# Why Stripe paused a subscription (status_details.paused.subscription.type).
PAUSE_REASONS = (
    "first_payment_failure",
    "final_payment_failure",
    "pause_requested",
    "trial_end_without_payment_method",
    "system",
)
PAUSE_REASON = (
    "why a paused subscription is paused (Stripe API 2026-09-30+; null when not said): "
    "first_payment_failure (recovering: counted as past_due), final_payment_failure, "
    "pause_requested, trial_end_without_payment_method, system"
)


def _subscription_fields(subject: str, root: str) -> list[FactSpec]:
    """The fields of a subscription summary (an account's candidate, a subscription)."""
    return [
        FactSpec(
            subject,
            f"{root}.{name}",
            kind,
            text,
            item=item,
            values=values,
            settings=PLANS if name in ("plan", "tier") else (),
        )
        for name, kind, text, item, values in (
            ("id", FactType.ID, "the subscription's id", None, ()),
            ("status", FactType.TEXT, "the provider's status", None, STATUSES),
            ("customer_id", FactType.ID, "its customer", None, ()),
            ("price_ids", FactType.LIST, "the prices of its items", FactType.ID, ()),
            ("plan", FactType.TEXT, "the highest-tier plan its prices map to", None, ()),
            ("tier", FactType.INTEGER, "that plan's position in plans.tiers", None, ()),
            ("entitles", FactType.FLAG, "it entitles its customer now", None, ()),
            ("cancel_at_period_end", FactType.FLAG, "it ends when the period ends", None, ()),
            ("pause_reason", FactType.TEXT, PAUSE_REASON, None, PAUSE_REASONS),
            (
                "collection_paused",
                FactType.FLAG,
                "its payment collection is paused (Stripe's pause_collection): the status "
                "stays, nothing is collected",
                None,
                (),
            ),
            ("period_start", FactType.TIME, "the current period's start", None, ()),
            ("period_end", FactType.TIME, "the current period's end", None, ()),
            ("days_past_due", FactType.INTEGER, "days since the unpaid renewal, or null", None, ()),
            ("had_trial", FactType.FLAG, "it had a trial", None, ()),
            ("monthly_amount", FactType.MONEY, "its monthly amount", None, ()),
        )
    ]


# Row fields the engine derives rather than reads as they are.
_DERIVED_ACCOUNT_FIELDS = {
    "comped": FactSpec(
        "account",
        "account.comped",
        FactType.FLAG,
        "access given on purpose: the comped column, or listed in policy.comped_accounts",
    ),
}


def _account_fields() -> list[FactSpec]:
    """`account.<field>` for every field of the accounts table, from tables.py."""
    specs = [
        _DERIVED_ACCOUNT_FIELDS.get(field.name)
        or FactSpec(
            "account",
            f"account.{field.name}",
            FIELD_TYPES[field.type],
            field.meaning,
            columns=() if field.required else (field.name,),
        )
        for field in ACCOUNTS.fields
    ]
    specs.append(
        FactSpec(
            "account",
            "account.deleted",
            FactType.FLAG,
            "the row is soft-deleted (deleted_at is set and not in the future; false when "
            "deleted_at is not mapped)",
        )
    )
    return specs


def _account() -> list[FactSpec]:
    s = "account"
    o, f, i, t, ty = FactType.OBJECT, FactType.FLAG, FactType.INTEGER, FactType.TEXT, FactType.TIME
    ids = FactType.LIST
    return [
        FactSpec(s, "account", o, "the app's row, through the column mapping"),
        *_account_fields(),
        FactSpec(s, "customer", o, "the billing customer the row references"),
        FactSpec(s, "customer.exists", f, "billing knows the customer, and it is not deleted"),
        FactSpec(s, "customer.id", FactType.ID, "the customer id the row holds"),
        FactSpec(s, "customer.email", t, "billing's email for the customer"),
        FactSpec(
            s,
            "customer.metadata_user_id",
            t,
            "the user id the customer's metadata (Paddle: custom_data) names, under "
            "policy.metadata_user_id_key",
        ),
        FactSpec(s, "has_customer_id", f, "the row references a billing customer"),
        FactSpec(s, "entitled", f, "some subscription of the customer entitles it now"),
        FactSpec(
            s,
            "entitling_subscriptions",
            ids,
            "ids of the subscriptions that entitle it",
            item=FactType.ID,
        ),
        FactSpec(s, "entitling_count", i, "how many subscriptions entitle it"),
        FactSpec(s, "subscription_count", i, "how many subscriptions the customer has"),
        FactSpec(
            s,
            "subscription_statuses",
            ids,
            "the distinct statuses of those subscriptions",
            item=FactType.TEXT,
            values=STATUSES,
        ),
        FactSpec(
            s,
            "candidate",
            o,
            "the subscription that decides access: the entitling one of the "
            "highest tier; else a past_due one beyond grace; else the latest",
        ),
        *_subscription_fields(s, "candidate"),
        FactSpec(
            s,
            "in_grace",
            f,
            "entitled only through subscriptions recovering a failed renewal (past_due, or "
            "paused after the first failed attempt) within grace",
        ),
        FactSpec(s, "grace_expired", f, "not entitled, and the candidate's grace period is over"),
        FactSpec(s, "days_past_due", i, "the candidate's days past_due"),
        FactSpec(
            s,
            "billing_plan",
            t,
            "the highest-tier plan among entitling subscriptions",
            settings=PLANS,
        ),
        FactSpec(
            s,
            "billing_tier",
            i,
            "billing_plan's position in plans.tiers (0 = lowest)",
            settings=PLANS,
        ),
        FactSpec(
            s,
            "db_plan",
            t,
            "the plan the row's plan column stands for (plans.stored_as, "
            "plans.values); null when its value names no plan",
            columns=("plan",),
            settings=PLANS,
        ),
        FactSpec(
            s, "db_tier", i, "db_plan's position in plans.tiers", columns=("plan",), settings=PLANS
        ),
        FactSpec(
            s, "plan_matches", f, "db_plan equals billing_plan", columns=("plan",), settings=PLANS
        ),
        FactSpec(
            s,
            "billing_plan_value",
            t,
            "billing_plan as the app's plan column stores it "
            "(a price id, product id, lookup key or name under plans.stored_as)",
            settings=PLANS,
        ),
        FactSpec(
            s,
            "unknown_prices",
            ids,
            "entitling prices missing from plans.prices",
            item=FactType.ID,
            settings=PLANS,
        ),
        FactSpec(
            s,
            "pending_plan",
            t,
            "the plan of a pending (unpaid) subscription update",
            providers=frozenset({Provider.STRIPE.value}),
            settings=PLANS,
        ),
        FactSpec(
            s,
            "stale_downgrade",
            o,
            "a schedule that downgrades after a later upgrade",
            needs=("subscription_schedules",),
            settings=PLANS,
        ),
        FactSpec(s, "stale_downgrade.schedule_id", FactType.ID, "the schedule"),
        FactSpec(s, "stale_downgrade.subscription_id", FactType.ID, "the subscription"),
        FactSpec(s, "stale_downgrade.from_plan", t, "the plan billed now"),
        FactSpec(s, "stale_downgrade.to_plan", t, "the lower plan the schedule moves to"),
        FactSpec(s, "stale_downgrade.effective", ty, "when the downgrade takes effect"),
        FactSpec(
            s, "billing_period_end", ty, "the latest period end among entitling subscriptions"
        ),
        FactSpec(
            s,
            "expiry_gap_days",
            FactType.NUMBER,
            "days between the row's access expiry and billing_period_end",
            columns=("access_expires_at",),
        ),
        FactSpec(
            s,
            "access_expired",
            f,
            "the row's access expiry is in the past",
            columns=("access_expires_at",),
        ),
        FactSpec(s, "trial_count", i, "subscriptions of the customer that had a trial"),
        FactSpec(
            s,
            "access_state",
            t,
            "the row's access as the app stores it: `has_paid_access = "
            "false`, `subscription_status = 'canceled'`, `paid_until = 2026-10-01T00:00:00Z`",
        ),
        FactSpec(s, "access_grant", t, "what to write to grant access, the app's way"),
        FactSpec(
            s,
            "served_elsewhere",
            f,
            "another row with the same customer id is the one paid for: it has access, or "
            "the customer's metadata names it",
        ),
        FactSpec(
            s,
            "paid_for",
            f,
            "the customer pays for this row: entitled, and not served "
            "elsewhere (what rules that ask the row to change test)",
        ),
        FactSpec(
            s,
            "stored_subscription",
            o,
            "the subscription the row stores, as billing knows it",
            columns=("subscription_id",),
        ),
        FactSpec(s, "stored_subscription.id", FactType.ID, "the id the row stores"),
        FactSpec(s, "stored_subscription.exists", f, "billing knows a subscription of that id"),
        FactSpec(s, "stored_subscription.ours", f, "it is a subscription of the row's customer"),
        FactSpec(s, "stored_subscription.customer_id", FactType.ID, "its customer in billing"),
        FactSpec(s, "stored_subscription.status", t, "its status", values=STATUSES),
        FactSpec(s, "stored_subscription.entitles", f, "it entitles its customer now"),
        FactSpec(
            s,
            "stored_subscription.account_ids",
            ids,
            "rows holding its customer id",
            item=FactType.ID,
        ),
        FactSpec(
            s,
            "email_matches",
            f,
            "the row's email and the customer's agree (case aside); null when either is missing",
            columns=("email",),
        ),
        FactSpec(
            s,
            "account_name",
            t,
            "the row as messages name it: `account u_1`, or with "
            "database.tables.accounts.subject and a label column `team Acme (42)`",
        ),
        FactSpec(s, "access_revoke", t, "what to write to revoke access, the app's way"),
        FactSpec(
            s,
            "monthly_amount",
            FactType.MONEY,
            "money at stake per month: the entitling subscriptions' total, else the candidate's",
        ),
    ]


def _others() -> list[FactSpec]:
    o, f, i, t = FactType.OBJECT, FactType.FLAG, FactType.INTEGER, FactType.TEXT
    ids, money, id_ = FactType.LIST, FactType.MONEY, FactType.ID
    return [
        FactSpec("subscription", "subscription", o, "the billing subscription"),
        *_subscription_fields("subscription", "subscription"),
        FactSpec("subscription", "entitles", f, "it entitles its customer now"),
        FactSpec("subscription", "customer_exists", f, "billing knows its customer"),
        FactSpec("subscription", "account_count", i, "accounts referencing its customer"),
        FactSpec("subscription", "account_ids", ids, "those accounts' ids", item=id_),
        FactSpec("subscription", "monthly_amount", money, "its monthly amount"),
        FactSpec(
            "subscription",
            "app_row_exists",
            f,
            "the app's subscriptions table has a row for it",
            needs=("app_subscriptions",),
        ),
        FactSpec("customer", "customer", o, "a customer id seen in billing or in the table"),
        FactSpec("customer", "customer.id", id_, "the customer id"),
        FactSpec("customer", "customer.exists", f, "billing knows the customer"),
        FactSpec("customer", "customer.email", t, "billing's email for it"),
        FactSpec("customer", "account_count", i, "accounts referencing it (whole table)"),
        FactSpec("customer", "account_ids", ids, "those accounts' ids", item=id_),
        FactSpec("customer", "entitling_count", i, "its entitling subscriptions"),
        FactSpec("customer", "entitling_subscriptions", ids, "their ids", item=id_),
        FactSpec("customer", "trial_count", i, "its subscriptions that had a trial"),
        FactSpec("customer", "monthly_amount", money, "its entitling subscriptions' total"),
        FactSpec("price", "price", o, "a price used by an entitling subscription"),
        FactSpec("price", "price.id", id_, "the price id"),
        FactSpec("price", "mapped", f, "the price is in plans.prices", settings=PLANS),
        FactSpec("price", "plan", t, "the plan it maps to, if any", settings=PLANS),
        FactSpec("price", "subscriptions", ids, "entitling subscriptions using it", item=id_),
        FactSpec("price", "subscription_count", i, "how many"),
        FactSpec("price", "monthly_amount", money, "their monthly total"),
        FactSpec("person", "person", o, "customers grouped by email"),
        FactSpec("person", "person.id", t, "the lower-cased email, or the customer id without one"),
        FactSpec("person", "person.email", t, "the lower-cased email"),
        FactSpec("person", "customer_ids", ids, "customers sharing the email", item=id_),
        FactSpec("person", "customer_count", i, "how many"),
        FactSpec("person", "trial_count", i, "trials across those customers"),
        FactSpec(
            "person", "trial_subscriptions", ids, "the subscriptions that had a trial", item=id_
        ),
    ]


SUBJECT_KINDS = (
    "account",
    "subscription",
    "customer",
    "price",
    "person",
    "app_subscription",
    "event",
    "credit_account",
)

# subject kind -> dotted fact name -> its declaration (STYLE.md #3: a plain dict).
FACTS: dict[str, dict[str, FactSpec]] = {kind: {} for kind in SUBJECT_KINDS}
for _spec in (*_account(), *_others(), *app_facts(), *event_facts(), *credit_facts()):
    FACTS[_spec.subject][_spec.name] = _spec


def top_level(subject: str) -> dict[str, FactSpec]:
    """The facts a subject's mapping holds (objects, not their fields)."""
    return {name: spec for name, spec in FACTS[subject].items() if spec.parent is None}


def fields_of(subject: str, name: str) -> dict[str, FactSpec]:
    """An object fact's fields, by their short name."""
    prefix = name + "."
    return {
        n[len(prefix) :]: spec
        for n, spec in FACTS[subject].items()
        if n.startswith(prefix) and spec.parent == name
    }
