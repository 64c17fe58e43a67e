"""Does a subscription entitle its customer right now? One place, both providers.

Stripe: `active` and `trialing` entitle (or whatever the policy lists);
a renewal being recovered entitles while Stripe is still retrying, i.e. for no
longer than the grace period, counted from the renewal that went unpaid: the latest
item period's start (items may renew on cycles of their own), else the
subscription's. A renewal is being recovered when the subscription is `past_due`,
or `paused` after its first failed renewal attempt (API 2026-09-30+:
status_details says `first_payment_failure`; it resumes by itself once paid).
`canceled`, `unpaid`, `incomplete`, `incomplete_expired` never entitle, nor does
any other pause: retries exhausted (`final_payment_failure`), a requested pause, a
trial ended without a payment method, or a pause whose reason is not given.
`cancel_at_period_end` keeps access until the period ends, which Stripe models
by leaving the status `active` until then. `pause_collection` leaves the status as
it is: the subscription entitles as its status says, but collects nothing (see
`collecting`).
Paddle maps onto the same statuses (see sources/paddle_normalize.py).
"""

from __future__ import annotations

from datetime import datetime

from prodcheck.config import Policy
from prodcheck.model import Subscription, SubscriptionStatus

NEVER_ENTITLED = frozenset(
    {
        SubscriptionStatus.CANCELED,
        SubscriptionStatus.UNPAID,
        SubscriptionStatus.INCOMPLETE,
        SubscriptionStatus.INCOMPLETE_EXPIRED,
        SubscriptionStatus.PAUSED,
    }
)
SECONDS_PER_DAY = 86_400
# status_details' reason for a pause Stripe lifts by itself once the renewal is paid.
RECOVERING_PAUSE = "first_payment_failure"


def recovering(subscription: Subscription) -> bool:
    """A renewal that went unpaid and is still being collected: past_due, or paused
    after the first failed attempt."""
    status = subscription.status
    return status is SubscriptionStatus.PAST_DUE or (
        status is SubscriptionStatus.PAUSED and subscription.pause_reason == RECOVERING_PAUSE
    )


def collecting(subscription: Subscription) -> bool:
    """Whether the subscription collects payment (its collection is not paused)."""
    return not subscription.collection_paused


def days_past_due(subscription: Subscription, now: datetime) -> int | None:
    """Whole days since the renewal that went unpaid (the latest item period's
    start), for a subscription whose renewal is being recovered."""
    if not recovering(subscription):
        return None
    start = subscription.renewed_at
    if start is None:
        return None
    return max(0, int((now - start).total_seconds() // SECONDS_PER_DAY))


def in_grace(subscription: Subscription, policy: Policy, now: datetime) -> bool:
    days = days_past_due(subscription, now)
    # A past_due subscription with no known period start cannot be timed:
    # give it the benefit of the doubt rather than report a false lock-out.
    return days is None or days <= policy.grace_period_days


def entitles(subscription: Subscription, policy: Policy, now: datetime) -> bool:
    status = subscription.status
    if status.value in policy.entitled_statuses and status not in NEVER_ENTITLED:
        return True
    if recovering(subscription):
        return in_grace(subscription, policy, now)
    return False


def grace_expired(subscription: Subscription, policy: Policy, now: datetime) -> bool:
    """Recovering beyond the grace period: retries have gone on too long to keep access."""
    return recovering(subscription) and not entitles(subscription, policy, now)
