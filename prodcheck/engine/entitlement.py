"""Does a subscription entitle its customer right now? One place, both providers.

Stripe: `active` and `trialing` entitle (or whatever the policy lists);
`past_due` entitles while Stripe is still retrying, i.e. for no longer than the
grace period, counted from the renewal that went unpaid: the latest item period's
start (items may renew on cycles of their own), else the subscription's.
`canceled`, `unpaid`, `incomplete`, `incomplete_expired`, `paused` never do.
`cancel_at_period_end` keeps access until the period ends, which Stripe models
by leaving the status `active` until then.
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


def days_past_due(subscription: Subscription, now: datetime) -> int | None:
    """Whole days since the renewal that went unpaid (the latest item period's
    start), for a past_due subscription."""
    if subscription.status is not SubscriptionStatus.PAST_DUE:
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
    if status is SubscriptionStatus.PAST_DUE:
        return in_grace(subscription, policy, now)
    return False


def grace_expired(subscription: Subscription, policy: Policy, now: datetime) -> bool:
    """past_due beyond the grace period: retries have gone on too long to keep access."""
    return subscription.status is SubscriptionStatus.PAST_DUE and not entitles(
        subscription, policy, now
    )
