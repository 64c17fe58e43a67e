"""Stripe's pauses, each with its policy (issue 20; README: Billing semantics).

Since API 2026-09-30 a subscription may be `paused`, and status_details says why:
- first_payment_failure: its renewal failed and Stripe paused it instead of
  past_due; the invoice is still collected and the subscription resumes by itself
  once paid. Counted as past_due: entitled within the grace period from the failed
  renewal, revoking within it is access.revoked_in_grace, keeping access beyond it
  access.grace_expired;
- final_payment_failure (retries exhausted), pause_requested, a trial that ended
  without a payment method, system, or no reason given (an older API version):
  never entitled, like canceled or unpaid;
and `pause_collection` on an active subscription pauses collection, not the
status: nothing is collected, so neither keeping access (the status entitles) nor
revoking it (nothing paid is lost) is drift.
"""

from __future__ import annotations

from typing import Any

from scenario_kit import Scenario

from .common import member, new


def _paused(
    s: Scenario,
    uid: str,
    name: str,
    reason: str | None,
    *,
    access: bool,
    days_ago: float = 20,
    **subscription: Any,
) -> None:
    """A member whose subscription Stripe paused `days_ago` for `reason` (None: a pause
    whose reason the API version does not give)."""
    member(
        s,
        uid,
        name,
        access=access,
        plan="pro" if access else "free",
        status="paused",
        period_started_days_ago=days_ago,
        **subscription,
    )
    if reason is not None:
        s.subscriptions[-1]["status_details"] = {
            "paused": {
                "type": "subscription",
                "transitioned_at": s.ago(days_ago),
                "subscription": {"type": reason},
            }
        }


def _collection_paused(s: Scenario, uid: str, name: str, behavior: str, access: bool) -> None:
    member(s, uid, name, access=access, plan="pro" if access else "free")
    s.subscriptions[-1]["pause_collection"] = {"behavior": behavior, "resumes_at": None}


def access_paused_fail() -> Scenario:
    s = new(
        "access-paused-fail",
        "Stripe paused five subscriptions (API 2026-09-30), for five reasons. u_951's renewal "
        "failed 20 days ago and Stripe paused it (first_payment_failure): counted as past_due, "
        "so beyond the 14-day grace period its access must end (grace expired). u_952's "
        "retries ran out (final_payment_failure), u_953 asked for a pause, u_954's trial "
        "ended without a payment method: none is entitled, all three keep access (wrongful "
        "access, each message naming the reason). u_955's renewal failed 3 days ago and "
        "Stripe paused it: within grace, yet the app locked them out (revoked in grace).",
    )
    _paused(s, "u_951", "Aino Laine", "first_payment_failure", access=True)
    _paused(s, "u_952", "Bo Ek", "final_payment_failure", access=True, days_ago=40)
    _paused(s, "u_953", "Cai Lund", "pause_requested", access=True, days_ago=12)
    _paused(
        s,
        "u_954",
        "Dag Holm",
        "trial_end_without_payment_method",
        access=True,
        days_ago=2,
        trial=True,
        created_days_ago=16,
    )
    _paused(s, "u_955", "Eir Nyberg", "first_payment_failure", access=False, days_ago=3)
    s.expect(
        "fail",
        [
            ("access.grace_expired", "account:u_951"),
            ("access.revoked_in_grace", "account:u_955"),
            ("access.wrongful_access", "account:u_952"),
            ("access.wrongful_access", "account:u_953"),
            ("access.wrongful_access", "account:u_954"),
        ],
        monthly_at_stake={"usd": 24500},
    )
    return s


def access_paused_pass() -> Scenario:
    s = new(
        "access-paused-pass",
        "Each pause handled as its policy says. u_961's renewal failed 3 days ago and Stripe "
        "paused it (first_payment_failure): within the grace period access stays. u_962 "
        "(retries exhausted), u_963 (a requested pause), u_964 (a trial ended without a "
        "payment method) and u_965 (paused, no reason given: an older API version) have no "
        "access. u_966's and u_967's collection is paused (pause_collection) while the "
        "status stays active: nothing is collected, so the app may keep access (u_967, "
        "keep_as_draft) or end it (u_966, void) and neither is drift.",
    )
    _paused(s, "u_961", "Frej Dahl", "first_payment_failure", access=True, days_ago=3)
    _paused(s, "u_962", "Gry Moe", "final_payment_failure", access=False, days_ago=40)
    _paused(s, "u_963", "Hed Berg", "pause_requested", access=False, days_ago=12)
    _paused(
        s,
        "u_964",
        "Ida Vik",
        "trial_end_without_payment_method",
        access=False,
        days_ago=2,
        trial=True,
        created_days_ago=16,
    )
    _paused(s, "u_965", "Jon Ask", None, access=False, days_ago=5)
    _collection_paused(s, "u_966", "Kai Strand", "void", access=False)
    _collection_paused(s, "u_967", "Liv Sund", "keep_as_draft", access=True)
    s.expect("pass", [])
    return s


BUILDERS = {
    "access-paused-fail": access_paused_fail,
    "access-paused-pass": access_paused_pass,
}
