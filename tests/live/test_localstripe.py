"""StripeBilling against localstripe: objects made by Stripe-like logic, not by hand.

localstripe's own CLI binds every interface (`::`) with no option to change
it, so the fixture runs its aiohttp app on 127.0.0.1 instead, and turns off
its pickling of every write to /tmp/localstripe.pickle (shared between runs).

What localstripe cannot do, and where it is covered instead:
- no Price objects: items carry legacy `plan` objects (the normalizer reads both);
- no `created` filter on customers or subscriptions: the fetch here pages with
  one worker (plain cursors); created-range slicing is tested on FakeStripe;
- no subscription schedules endpoint: not requested here;
- `trial_period_days` yields `incomplete`, not `trialing`: trials are left out;
- no `status=paused` filter: the run reads the API version that has status_details,
  which needs no listing of the paused subscriptions (stripe_pauses.py).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from prodcheck.model import SubscriptionStatus
from prodcheck.sources.stripe import StripeBilling
from prodcheck.sources.stripe_pauses import DETAILS_SINCE

from .conftest import stripe_config

pytest.importorskip("localstripe", reason="localstripe is a dev dependency (pip install .[dev])")
import stripe

KEY = "sk_test_localstripe"
LAUNCH = """
import sys
from aiohttp import web
from localstripe import resources, server
resources.Store.dump_to_disk = lambda self: None
web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def localstripe_url() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    errors = process.stderr.read().decode() if process.stderr else ""
                    pytest.fail(f"localstripe did not start: {errors[-2000:]}")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _card(client: stripe.StripeClient, number: str) -> str:
    card = {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    token: str = client.v1.tokens.create({"card": card}).id
    return token


@pytest.fixture(scope="module")
def made(localstripe_url: str) -> dict[str, Any]:
    """Customers and subscriptions created through the SDK, as an app would."""
    client = stripe.StripeClient(KEY, base_addresses={"api": localstripe_url})
    client.v1.plans.create(
        {
            "id": "pro-monthly",
            "amount": 2900,
            "currency": "usd",
            "interval": "month",
            "product": {"name": "Pro"},
        }
    )
    good = client.v1.customers.create(
        {"email": "paid@example.com", "source": _card(client, "4242424242424242")}
    )
    # This card attaches, then every charge is declined: the first invoice fails.
    declined = client.v1.customers.create(
        {"email": "declined@example.com", "source": _card(client, "4000000000000341")}
    )
    items = [{"plan": "pro-monthly"}]
    active = client.v1.subscriptions.create({"customer": good.id, "items": items})
    incomplete = client.v1.subscriptions.create({"customer": declined.id, "items": items})
    ended = client.v1.subscriptions.create({"customer": good.id, "items": items})
    client.v1.subscriptions.cancel(ended.id)
    # More customers than a page holds, to follow cursors.
    extra = [client.v1.customers.create({"email": f"c{n}@example.com"}).id for n in range(101)]
    return {
        "customers": {good.id, declined.id, *extra},
        "statuses": {active.id: "active", incomplete.id: "incomplete", ended.id: "canceled"},
        "owner": {active.id: good.id, incomplete.id: declined.id, ended.id: good.id},
    }


def test_fetch_and_normalize_what_the_sdk_created(localstripe_url: str, made: dict) -> None:
    # at the version that has status_details: localstripe refuses status=paused, the
    # listing an older version adds for it (tested on FakeStripe)
    config = stripe_config(localstripe_url, concurrency=1, api_version=DETAILS_SINCE)
    state, info = StripeBilling(config, env={"STRIPE_KEY": KEY}).load(frozenset({"events"}))

    assert {c.id for c in state.customers} == made["customers"]
    assert {s.id: s.status.value for s in state.subscriptions} == made["statuses"]
    for sub in state.subscriptions:
        assert sub.customer_id == made["owner"][sub.id]
        assert sub.price_ids == ("pro-monthly",)
        assert sub.monthly_amount is not None and sub.monthly_amount.amount == 2900
        assert sub.period_end is not None and sub.period_start is not None
    canceled = next(s for s in state.subscriptions if s.status is SubscriptionStatus.CANCELED)
    assert canceled.ended_at is not None  # localstripe sets ended_at, not canceled_at
    types = {event.type for event in state.events}
    assert {"customer.created", "customer.subscription.created"} <= types
    assert {"customer.subscription.deleted"} <= types
    assert info.counts["customers"] == 103 and info.counts["subscriptions"] == 3
