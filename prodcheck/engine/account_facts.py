"""Facts about one account: what billing says it should have, next to what it has."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from prodcheck.engine import access
from prodcheck.engine.entitlement import collecting, days_past_due, grace_expired, recovering
from prodcheck.engine.index import Index
from prodcheck.engine.lazy import LazyFacts
from prodcheck.model import (
    ACCOUNT_ATTRIBUTES,
    Account,
    Customer,
    Money,
    Subscription,
    SubscriptionStatus,
)
from prodcheck.results import sum_money
from prodcheck.tables import ACCOUNTS

SECONDS_PER_DAY = 86_400.0
# The accounts table's fields: read once, not per account.
_FIELDS = ACCOUNTS.names
_ATTRIBUTES = tuple(name for name in _FIELDS if name in ACCOUNT_ATTRIBUTES)
_EXTRA = tuple(name for name in _FIELDS if name not in ACCOUNT_ATTRIBUTES)


def subscription_plan(index: Index, subscription: Subscription) -> tuple[str | None, int | None]:
    """The highest-tier mapped plan among a subscription's prices (cached per subscription)."""
    cached = index.plan_cache.get(subscription.id)
    if cached is None:
        cached = index.plan_cache[subscription.id] = _subscription_plan(index, subscription)
    return cached


def _subscription_plan(index: Index, subscription: Subscription) -> tuple[str | None, int | None]:
    best: tuple[str | None, int | None] = (None, None)
    for price_id in subscription.price_ids:
        plan = index.plan_of(price_id)
        if plan is None:
            continue
        tier = index.tier_of(plan)
        if best[0] is None or (tier is not None and (best[1] is None or tier > best[1])):
            best = (plan, tier)
    return best


def subscription_summary(index: Index, subscription: Subscription) -> dict[str, Any]:
    plan, tier = subscription_plan(index, subscription)
    return {
        "id": subscription.id,
        "status": subscription.status.value,
        "customer_id": subscription.customer_id,
        "price_ids": list(subscription.price_ids),
        "plan": plan,
        "tier": tier,
        "entitles": subscription.id in index.entitling,
        "cancel_at_period_end": subscription.cancel_at_period_end,
        "pause_reason": subscription.pause_reason,
        "collection_paused": subscription.collection_paused,
        "period_start": subscription.period_start,
        "period_end": subscription.period_end,
        "days_past_due": days_past_due(subscription, index.now),
        "had_trial": had_trial(subscription),
        "monthly_amount": subscription.monthly_amount,
    }


def had_trial(subscription: Subscription) -> bool:
    return (
        subscription.trial_start is not None or subscription.status is SubscriptionStatus.TRIALING
    )


def _rank(index: Index, subscription: Subscription) -> tuple[int, int, float]:
    """Orders a customer's subscriptions by how much they say about access now."""
    _, tier = subscription_plan(index, subscription)
    created = subscription.created.timestamp() if subscription.created else 0.0
    return (
        1 if subscription.id in index.entitling else 0,
        tier if tier is not None else -1,
        created,
    )


def _pick_candidate(index: Index, subscriptions: tuple[Subscription, ...]) -> Subscription | None:
    """The entitling subscription of the highest tier; failing that, a past_due one whose
    grace ran out; failing that, the most recent one."""
    if not subscriptions:
        return None
    expired = [s for s in subscriptions if grace_expired(s, index.config.policy, index.now)]
    if expired and not any(s.id in index.entitling for s in subscriptions):
        return max(expired, key=lambda s: _rank(index, s))
    return max(subscriptions, key=lambda s: _rank(index, s))


def _monthly(entitling: list[Subscription], candidate: Subscription | None) -> Money | None:
    totals = sum_money(s.monthly_amount for s in entitling)
    if len(totals) == 1:
        return totals[0]
    return candidate.monthly_amount if candidate else None


def _days_between(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return abs((a - b).total_seconds()) / SECONDS_PER_DAY


def _stale_downgrade(index: Index, subscriptions: list[Subscription]) -> dict[str, Any] | None:
    """A schedule that will move an entitling subscription to a lower tier although the
    current price was set after the schedule was created."""
    for subscription in subscriptions:
        _, current_tier = subscription_plan(index, subscription)
        if current_tier is None:
            continue
        for schedule in index.schedules_by_subscription.get(subscription.id, ()):
            if schedule.status not in ("active", "not_started") or schedule.created is None:
                continue
            for phase in schedule.phases:
                if phase.start is None or phase.start <= index.now:
                    continue
                plans = [index.plan_of(p) for p in phase.price_ids]
                tiers = [t for t in (index.tier_of(p) for p in plans) if t is not None]
                if not tiers or max(tiers) >= current_tier:
                    continue
                price_set = [i.created for i in subscription.items if i.created is not None]
                if price_set and max(price_set) > schedule.created:
                    return {
                        "schedule_id": schedule.id,
                        "subscription_id": subscription.id,
                        "to_plan": next(p for p in plans if p is not None),
                        "from_plan": subscription_plan(index, subscription)[0],
                        "effective": phase.start,
                    }
    return None


def account_name(index: Index, account: Account) -> str:
    """`account u_1`; `team Acme (42)` with a subject noun and a label column."""
    noun = index.config.database.subject
    label = account.value("label")
    return f"{noun} {label} ({account.id})" if label else f"{noun} {account.id}"


def _served_elsewhere(index: Index, account: Account, facts: LazyFacts) -> bool:
    """Another row holding the same customer id is the one the customer pays for: it
    has access, or the customer's metadata names it."""
    others = [
        other
        for other in index.accounts_by_customer.get(account.customer_id or "", ())
        if other.id != account.id
    ]
    if not others:
        return False
    named = facts["customer"]["metadata_user_id"]
    columns = index.config.database.columns
    return any(
        other.id == named or access.has_access(columns, other, index.now, index.app_rows_for(other))
        for other in others
    )


def ids_looked_up(account: Account) -> list[str]:
    """The subscription ids the account's facts look up by id, beyond its customer's
    subscriptions: the one the row stores."""
    stored = account.value("subscription_id")
    return [stored] if isinstance(stored, str) and stored else []


def _stored_subscription(index: Index, account: Account) -> dict[str, Any] | None:
    """The subscription the row stores, as billing knows it (None when none is stored)."""
    stored = account.value("subscription_id")
    if not stored:
        return None
    found = index.subscriptions_by_id.get(stored)
    if found is None:
        return {
            "id": stored,
            "exists": False,
            "ours": False,
            "customer_id": None,
            "status": None,
            "entitles": False,
            "account_ids": [],
        }
    owners = index.accounts_by_customer.get(found.customer_id, ())
    return {
        "id": stored,
        "exists": True,
        "ours": found.customer_id == account.customer_id,
        "customer_id": found.customer_id,
        "status": found.status.value,
        "entitles": found.id in index.entitling,
        "account_ids": sorted(a.id for a in owners),
    }


def email_key(email: str | None) -> str | None:
    """An email as identity compares it: case and surrounding spaces aside (None when
    there is none)."""
    return email.strip().lower() if email else None


def _same_email(mine: str | None, customer: Customer | None) -> bool | None:
    """Whether the row's and the customer's emails agree (case and spaces aside); None
    when either is missing."""
    ours, theirs = email_key(mine), email_key(customer.email if customer else None)
    if ours is None or theirs is None:
        return None
    return ours == theirs


def subject_label(index: Index, account: Account) -> str | None:
    """How reports name the row: `team Acme (42)` when the config names the rows or
    maps a label column; None for the plain `account u_1`."""
    plain = index.config.database.subject == "account" and not account.value("label")
    return None if plain else account_name(index, account)


def account_values(index: Index, account: Account, granted: bool) -> dict[str, Any]:
    """The `account` object: the row's fields, its access decided the app's way."""
    return {
        **{name: getattr(account, name) for name in _ATTRIBUTES},
        **({name: account.value(name) for name in _EXTRA} if _EXTRA else {}),
        "has_access": granted,
        # a deletion scheduled for later (deleted_at in the future) is not one yet
        "deleted": account.deleted_at is not None and account.deleted_at <= index.now,
        "comped": index.is_comped(account),
    }


def account_facts(index: Index, account: Account) -> LazyFacts:
    subscriptions = index.subscriptions_of(account.customer_id)
    entitling = [s for s in subscriptions if s.id in index.entitling]
    customer = index.customers.get(account.customer_id or "")
    policy = index.config.policy
    columns = index.config.database.columns
    rows = index.app_rows_for(account)
    granted = access.has_access(columns, account, index.now, rows)
    values: dict[str, Any] = {
        "account": account_values(index, account, granted),
        "customer": {
            "exists": customer is not None and not customer.deleted,
            "id": account.customer_id,
            "email": customer.email if customer else None,
            "metadata_user_id": (
                customer.metadata.get(policy.metadata_user_id_key) if customer else None
            ),
        },
        "has_customer_id": account.customer_id is not None,
        "entitled": bool(entitling),
        "entitling_subscriptions": [s.id for s in entitling],
        "entitling_count": len(entitling),
        "subscription_count": len(subscriptions),
    }
    facts = LazyFacts(values, {})

    @cache
    def candidate() -> Subscription | None:
        return _pick_candidate(index, subscriptions)

    def candidate_facts() -> dict[str, Any] | None:
        chosen = candidate()
        return subscription_summary(index, chosen) if chosen else None

    @cache
    def billing() -> tuple[str | None, int | None]:
        best: tuple[str | None, int | None] = (None, None)
        for subscription in entitling:
            plan, tier = subscription_plan(index, subscription)
            if best[0] is None or (tier is not None and (best[1] is None or tier > best[1])):
                best = (plan, tier)
        return best

    def pending_plan() -> str | None:
        plans = [
            (plan, index.tier_of(plan))
            for s in entitling
            for plan in (index.plan_of(p) for p in s.pending_update_price_ids)
            if plan is not None
        ]
        return max(plans, key=lambda p: p[1] if p[1] is not None else -1)[0] if plans else None

    @cache
    def period_end() -> datetime | None:
        return max((s.period_end for s in entitling if s.period_end), default=None)

    def grace_ran_out() -> bool:
        if entitling:
            return False
        chosen = candidate()
        return chosen is not None and grace_expired(chosen, policy, index.now)

    facts._thunks.update(
        {
            "subscription_statuses": lambda: sorted({s.status.value for s in subscriptions}),
            "candidate": candidate_facts,
            "in_grace": lambda: bool(entitling) and all(recovering(s) for s in entitling),
            "grace_expired": grace_ran_out,
            "days_past_due": lambda: (facts["candidate"] or {}).get("days_past_due"),
            "billing_plan": lambda: billing()[0],
            "billing_tier": lambda: billing()[1],
            "db_plan": lambda: index.db_plan(account.plan),
            "db_tier": lambda: index.tier_of(facts["db_plan"]),
            "plan_matches": lambda: (
                facts["billing_plan"] is not None and facts["db_plan"] == facts["billing_plan"]
            ),
            "billing_plan_value": lambda: (
                index.stored.value_of(facts["billing_plan"], entitling)
                if index.stored
                else facts["billing_plan"]
            ),
            "unknown_prices": lambda: sorted(
                {p for s in entitling for p in s.price_ids if index.plan_of(p) is None}
            ),
            "pending_plan": pending_plan,
            "stale_downgrade": lambda: (
                _stale_downgrade(index, entitling) if index.has_schedules else None
            ),
            "billing_period_end": period_end,
            "expiry_gap_days": lambda: _days_between(account.access_expires_at, period_end()),
            "access_expired": lambda: (
                account.access_expires_at is not None and account.access_expires_at < index.now
            ),
            "trial_count": lambda: sum(1 for s in subscriptions if had_trial(s)),
            "access_state": lambda: access.state(columns, account, granted, rows, index.app_table),
            "account_name": lambda: account_name(index, account),
            "served_elsewhere": lambda: _served_elsewhere(index, account, facts),
            "paid_for": lambda: (
                any(collecting(s) for s in entitling) and not facts["served_elsewhere"]
            ),
            "stored_subscription": lambda: _stored_subscription(index, account),
            "email_matches": lambda: _same_email(account.email, customer),
            "access_grant": lambda: access.assignment(
                columns,
                True,
                (facts["candidate"] or {}).get("status"),
                period_end(),
                index.now,
                rows,
                (index.app_table, (facts["candidate"] or {}).get("id")),
            ),
            "access_revoke": lambda: access.assignment(
                columns,
                False,
                (facts["candidate"] or {}).get("status"),
                None,
                index.now,
                rows,
                (index.app_table, None),
            ),
            "monthly_amount": lambda: _monthly(entitling, candidate()),
        }
    )
    return facts
