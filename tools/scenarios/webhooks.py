"""The webhooks pack: Stripe's own list of events against the app's table of the
events its handler processed (database.tables.processed_events, here
`processed_events(event_id, event_type, processed_at)`), within
webhooks.lookback_days (3 by default) and outside the settle window."""

from __future__ import annotations

from typing import Any

from scenario_kit import MINUTE, Scenario, new_id

from .common import in_tables_form, member, new

HOUR = 60  # the kit's events count minutes
PROCESSED_TABLE = {
    "table": "processed_events",
    "columns": {"id": "event_id", "type": "event_type", "processed_at": "processed_at"},
}


def with_ledger(s: Scenario) -> Scenario:
    """The scenario's config in the tables form, with the processed-events ledger
    mapped; the ledger empty."""
    return in_tables_form(s, processed_events=PROCESSED_TABLE)


def record(s: Scenario, eid: str, etype: str, *, minutes_ago: float, times: int) -> None:
    """The handler's ledger rows for an event, `times` of them (0: never recorded),
    each a minute apart after the event."""
    for n in range(times):
        s.tables["processed_events"].append(
            {
                "event_id": eid,
                "event_type": etype,
                "processed_at": s.ago_iso(minutes_ago / (24 * 60) - (n + 1) * MINUTE),
            }
        )


def _scenario(name: str, description: str) -> Scenario:
    return with_ledger(new(name, description))


def _event(
    s: Scenario, name: str, etype: str, about: str, *, minutes_ago: float, times: int = 1, **kw: Any
) -> str:
    """A Stripe event about subscription `about` (an invoice.* event: about its invoice,
    of the subscription's monthly amount), recorded `times` times by the handler (0:
    never)."""
    eid = new_id("evt", f"{s.name}:{name}")
    if etype.startswith("invoice.") and about.startswith("sub_"):
        sub = next(sub for sub in s.subscriptions if sub["id"] == about)
        fields = {
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": about},
            },
            "amount_due": sum(
                i["price"]["unit_amount"] * i["quantity"] for i in sub["items"]["data"]
            ),
            "currency": "usd",
        }
        kw = {"object_type": "invoice", "fields": fields, **kw}
        about = new_id("in", f"{s.name}:{name}")
    s.event(eid, etype, about, minutes_ago=minutes_ago, **kw)
    record(s, eid, etype, minutes_ago=minutes_ago, times=times)
    return eid


def _members(s: Scenario) -> tuple[str, str]:
    """Two paying members, agreed on by both sides; their subscription ids."""
    _, ana = member(s, "u_971", "Ana Ruiz")
    _, ben = member(s, "u_972", "Ben Ode")
    return ana, ben


def webhooks_unprocessed_event_fail() -> Scenario:
    s = _scenario(
        "webhooks-unprocessed-event-fail",
        "Stripe's events of the last three days against the app's processed_events table. "
        "invoice.paid for Ben, 5 hours old, was delivered and never recorded (the handler "
        "returned 200 and wrote nothing); customer.subscription.updated for Ana, 30 hours "
        "old, still has an endpoint to deliver it to: both unprocessed (and a day and more "
        "from the end of Stripe's retries: not yet expiring). Not findings: Ana's "
        "processed invoice.paid; a customer.updated (not a type the app must process); an "
        "invoice.payment_failed of 3 minutes ago (settling: its webhook may be in flight); "
        "an unprocessed invoice.paid of 5 days ago (beyond the lookback). The failed "
        "payment's event settles Ben's customer, subscription and account too.",
    )
    ana, ben = _members(s)
    _event(s, "ana-paid", "invoice.paid", ana, minutes_ago=20 * HOUR)
    _event(s, "ben-paid", "invoice.paid", ben, minutes_ago=5 * HOUR, times=0)
    _event(
        s,
        "ana-updated",
        "customer.subscription.updated",
        ana,
        minutes_ago=30 * HOUR,
        times=0,
        pending_webhooks=1,
    )
    _event(s, "ben-customer", "customer.updated", "cus_x", minutes_ago=3 * HOUR, times=0)
    _event(s, "ben-failed", "invoice.payment_failed", ben, minutes_ago=3, times=0)
    _event(s, "ana-old", "invoice.paid", ana, minutes_ago=5 * 24 * HOUR, times=0)
    s.expect(
        "fail",
        [
            ("webhooks.unprocessed_event", f"event:{new_id('evt', f'{s.name}:ben-paid')}"),
            ("webhooks.unprocessed_event", f"event:{new_id('evt', f'{s.name}:ana-updated')}"),
        ],
        # the failed payment's event, and (as for any recent event) Ben's customer,
        # subscription and account: a webhook may be in flight for them
        monthly_at_stake={"usd": 9_800},  # Ana's and Ben's subscriptions, $49 each
        settling=[
            f"event:{new_id('evt', f'{s.name}:ben-failed')}",
            "account:u_972",
            f"customer:{s.subscriptions[1]['customer']}",
            f"subscription:{ben}",
        ],
    )
    return s


def webhooks_unprocessed_event_pass() -> Scenario:
    s = _scenario(
        "webhooks-unprocessed-event-pass",
        "Every event of a type the app must process, from the last three days, has its row "
        "in processed_events (one of them of the customer.subscription.* family). The ones "
        "without a row are of a type the app does not process (customer.updated), or older "
        "than the lookback.",
    )
    ana, ben = _members(s)
    _event(s, "ana-paid", "invoice.paid", ana, minutes_ago=20 * HOUR)
    _event(s, "ben-deleted", "customer.subscription.deleted", ben, minutes_ago=30 * HOUR)
    _event(s, "ben-customer", "customer.updated", "cus_x", minutes_ago=3 * HOUR, times=0)
    _event(s, "ana-old", "invoice.paid", ana, minutes_ago=4 * 24 * HOUR, times=0)
    s.expect("pass", [])
    return s


def webhooks_duplicate_processing_fail() -> Scenario:
    s = _scenario(
        "webhooks-duplicate-processing-fail",
        "Stripe retried checkout's invoice.paid for Ana after a slow answer, and the handler "
        "ran twice: two rows of processed_events hold its id. Every other event has one row.",
    )
    ana, ben = _members(s)
    paid = _event(s, "ana-paid", "invoice.paid", ana, minutes_ago=6 * HOUR, times=2)
    _event(s, "ben-paid", "invoice.paid", ben, minutes_ago=7 * HOUR)
    s.expect(
        "fail",
        [("webhooks.duplicate_processing", f"event:{paid}")],
        monthly_at_stake={"usd": 4_900},
    )
    return s


def webhooks_duplicate_processing_pass() -> Scenario:
    s = _scenario(
        "webhooks-duplicate-processing-pass",
        "Each event has exactly one row in processed_events, the same subscription's two "
        "events included (one id each).",
    )
    ana, _ = _members(s)
    _event(s, "ana-paid", "invoice.paid", ana, minutes_ago=6 * HOUR)
    _event(s, "ana-updated", "customer.subscription.updated", ana, minutes_ago=6 * HOUR - 1)
    s.expect("pass", [])
    return s


def _lookback(s: Scenario, days: int) -> None:
    s.config["webhooks"] = {"lookback_days": days}


def webhooks_expiring_unprocessed_fail() -> Scenario:
    s = _scenario(
        "webhooks-expiring-unprocessed-fail",
        "Checked over Stripe's whole 30 days (webhooks.lookback_days: 30). Ben's invoice.paid, "
        "60 hours old and never processed, has 12 hours of Stripe's retries left; Ana's "
        "customer.subscription.deleted, 28 days old, leaves Stripe's events in 2 days: "
        "both expiring, the last chance to resend them (one finding each, not an unprocessed "
        "one besides). Ana's invoice.paid of 5 hours ago is unprocessed, not yet expiring.",
    )
    _lookback(s, 30)
    ana, ben = _members(s)
    _event(s, "ben-paid", "invoice.paid", ben, minutes_ago=60 * HOUR, times=0, pending_webhooks=1)
    _event(
        s, "ana-deleted", "customer.subscription.deleted", ana, minutes_ago=28 * 24 * HOUR, times=0
    )
    _event(s, "ana-paid", "invoice.paid", ana, minutes_ago=5 * HOUR, times=0)
    _event(s, "ana-updated", "customer.subscription.updated", ana, minutes_ago=20 * 24 * HOUR)
    s.expect(
        "fail",
        [
            ("webhooks.expiring_unprocessed", f"event:{new_id('evt', f'{s.name}:ben-paid')}"),
            ("webhooks.expiring_unprocessed", f"event:{new_id('evt', f'{s.name}:ana-deleted')}"),
            ("webhooks.unprocessed_event", f"event:{new_id('evt', f'{s.name}:ana-paid')}"),
        ],
        # Ben's subscription, and Ana's once for her two events
        monthly_at_stake={"usd": 9_800},
    )
    return s


def webhooks_expiring_unprocessed_pass() -> Scenario:
    s = _scenario(
        "webhooks-expiring-unprocessed-pass",
        "Over Stripe's whole 30 days, the events near the end of the retries (60 hours old) "
        "and of the 30 days (28 days old) were processed: nothing to resend.",
    )
    _lookback(s, 30)
    ana, ben = _members(s)
    _event(s, "ben-paid", "invoice.paid", ben, minutes_ago=60 * HOUR)
    _event(s, "ana-deleted", "customer.subscription.deleted", ana, minutes_ago=28 * 24 * HOUR)
    s.expect("pass", [])
    return s


def webhooks_delivery_failing_fail() -> Scenario:
    s = _scenario(
        "webhooks-delivery-failing-fail",
        "Ben's invoice.paid, 3 hours old, is in the app's processed_events, yet Stripe still "
        "has 1 endpoint to deliver it to: the handler did the work and did not answer 2xx in "
        "time, so Stripe will send it again (a warning).",
    )
    ana, ben = _members(s)
    paid = _event(s, "ben-paid", "invoice.paid", ben, minutes_ago=3 * HOUR, pending_webhooks=1)
    _event(s, "ana-paid", "invoice.paid", ana, minutes_ago=4 * HOUR)
    # the app did the work: no money at stake
    s.expect("warn", [("webhooks.delivery_failing", f"event:{paid}")], monthly_at_stake={})
    return s


def webhooks_delivery_failing_pass() -> Scenario:
    s = _scenario(
        "webhooks-delivery-failing-pass",
        "Ana's invoice.paid, 20 minutes old, still has an endpoint to reach: within the first "
        "hour Stripe's retries are routine. Ben's was delivered and processed.",
    )
    ana, ben = _members(s)
    _event(s, "ana-paid", "invoice.paid", ana, minutes_ago=20, pending_webhooks=1)
    _event(s, "ben-paid", "invoice.paid", ben, minutes_ago=2 * HOUR)
    s.expect("pass", [])
    return s


BUILDERS = {
    "webhooks-expiring-unprocessed-fail": webhooks_expiring_unprocessed_fail,
    "webhooks-expiring-unprocessed-pass": webhooks_expiring_unprocessed_pass,
    "webhooks-delivery-failing-fail": webhooks_delivery_failing_fail,
    "webhooks-delivery-failing-pass": webhooks_delivery_failing_pass,
    "webhooks-unprocessed-event-fail": webhooks_unprocessed_event_fail,
    "webhooks-unprocessed-event-pass": webhooks_unprocessed_event_pass,
    "webhooks-duplicate-processing-fail": webhooks_duplicate_processing_fail,
    "webhooks-duplicate-processing-pass": webhooks_duplicate_processing_pass,
}
