"""StripeBilling through the real stripe SDK against the local fake Stripe server."""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from prodcheck.errors import CredentialError, SourceError
from prodcheck.model import SubscriptionStatus
from prodcheck.sources.http_budget import RetryPolicy
from prodcheck.sources.stripe import STRIPE_API_VERSION, StripeBilling
from prodcheck.sources.stripe_pauses import DETAILS_SINCE

from .conftest import STRIPE_KEY, stripe_config
from .fake_http import Faults
from .fake_stripe import FakeStripe
from .stripe_objects import DAY, T0, account, event, item, price, schedule, subscription

ENV = {"STRIPE_KEY": STRIPE_KEY}
ALL = frozenset({"events", "subscription_schedules"})


def _billing(fake: FakeStripe, retry: RetryPolicy, env: dict[str, str] = ENV, **config: object):
    return StripeBilling(stripe_config(fake.url, **config), env=env, retry=retry)


def test_complete_result_normalized(fast_retry: RetryPolicy) -> None:
    objects = account(30)
    now = int(time.time())
    events = [event(f"evt_{n}", now - n * DAY - DAY // 2, f"cus_{n:05d}") for n in range(40)]
    schedules = [schedule("sub_sched_1", "sub_00001", "cus_00001", T0, "price_pro")]
    with FakeStripe(**objects, events=events, schedules=schedules) as fake:
        state, info = _billing(fake, fast_retry).load(ALL)
        # the pinned version, and the one that says why a paused subscription is paused
        assert fake.versions == {STRIPE_API_VERSION, DETAILS_SINCE}

    assert {s.id for s in state.subscriptions} == {s["id"] for s in objects["subscriptions"]}
    assert {c.id for c in state.customers} == {c["id"] for c in objects["customers"]}
    by_id = {s.id: s for s in state.subscriptions}
    for raw in objects["subscriptions"]:
        sub = by_id[raw["id"]]
        assert sub.customer_id == raw["customer"]
        assert sub.status == SubscriptionStatus(raw["status"])
        assert sub.price_ids == ("price_basic",)
        assert sub.monthly_amount is not None and sub.monthly_amount.amount == 1000
    # Events: only the configured window (30 days by default), each exactly once.
    assert sorted(e.id for e in state.events) == sorted(f"evt_{n}" for n in range(30))
    assert [p.price_ids for p in state.schedules[0].phases] == [("price_pro",)]
    assert info.kind == "stripe" and "test mode" in info.location
    assert info.counts == {
        "customers": 30,
        "events": 30,
        "subscription_schedules": 1,
        "subscriptions": 30,
    }
    assert f"Stripe API version {STRIPE_API_VERSION}" in info.notes


def test_pages_followed_and_canceled_included(fast_retry: RetryPolicy) -> None:
    objects = account(450)  # 5 pages of subscriptions, 5 of customers
    canceled = {s["id"] for s in objects["subscriptions"] if s["status"] == "canceled"}
    with FakeStripe(**objects) as fake:
        state, _ = _billing(fake, fast_retry, concurrency=1).load(frozenset())
        sub_queries = [
            hit.query
            for hit in fake.hits
            if hit.path == "/v1/subscriptions" and hit.query["status"] != "paused"  # (why)
        ]

    assert len(state.subscriptions) == 450 and len(state.customers) == 450
    assert canceled and canceled <= {s.id for s in state.subscriptions}
    assert len(sub_queries) == 5
    assert all(q["status"] == "all" and q["limit"] == "100" for q in sub_queries)


def test_items_beyond_the_embedded_list_are_fetched(fast_retry: RetryPolicy) -> None:
    prices = [price(f"price_{n}", amount=100 + n) for n in range(25)]
    big = subscription(
        "sub_big", "cus_1", T0, items=[item(f"si_{n:02d}", prices[n]) for n in range(25)]
    )
    small = subscription("sub_small", "cus_1", T0 + 1)
    with FakeStripe(subscriptions=[big, small], embedded_items=10) as fake:
        state, _ = _billing(fake, fast_retry).load(frozenset())
        item_hits = [hit for hit in fake.hits if hit.path == "/v1/subscription_items"]

    subs = {s.id: s for s in state.subscriptions}
    assert subs["sub_big"].price_ids == tuple(f"price_{n}" for n in range(25))
    assert subs["sub_big"].monthly_amount is not None
    assert subs["sub_big"].monthly_amount.amount == sum(100 + n for n in range(25))
    assert len(subs["sub_small"].items) == 1
    # Continued after the last embedded item, for that subscription only.
    assert [h.query.get("starting_after") for h in item_hits] == ["si_09"]
    assert {h.query["subscription"] for h in item_hits} == {"sub_big"}


@pytest.mark.parametrize("concurrency", [1, 6])
def test_objects_kept_as_text_are_the_parsed_ones(
    fast_retry: RetryPolicy, concurrency: int
) -> None:
    """fetch_lines keeps each object as its JSON text from its page on (what the
    SQL normalization reads): the same objects, in the same order, as fetch's
    parsed ones, continued item lists stitched in; and normalized by SQL, the
    objects the Python normalizer makes of them."""
    import json

    from prodcheck.billing_objects import billing_objects
    from prodcheck.engine.duck import connect
    from prodcheck.model import Provider

    objects = account(450)
    prices = [price(f"price_{n}", amount=100 + n) for n in range(25)]
    items = [item(f"si_{n:02d}", each) for n, each in enumerate(prices)]
    objects["subscriptions"].append(subscription("sub_big", "cus_00001", T0, items=items))
    with FakeStripe(**objects, embedded_items=10) as fake:
        billing = _billing(fake, fast_retry, concurrency=concurrency)
        lines, origins = billing.fetch_lines(frozenset())
        raw, raw_origins = billing.fetch(frozenset())
        conn = connect()
        state, _, in_db = billing.load_by_sql(conn, frozenset())
        python, _ = billing.load(frozenset())

    assert origins == raw_origins
    assert {name: [json.loads(line) for line in texts] for name, texts in lines.items()} == raw
    big = next(s for s in raw["subscriptions"] if s["id"] == "sub_big")
    assert len(big["items"]["data"]) == 25 and big["items"]["has_more"] is False
    assert in_db
    assert billing_objects(conn, state.loaded, None, Provider.STRIPE)[0] == python


@pytest.mark.parametrize("status", [429, 500, 503])
def test_flaky_server_still_yields_the_complete_result(status: int) -> None:
    # Every third request fails, counted across all threads, so one page can fail
    # several times in a row: generous retries, with enough jitter that threads
    # do not fall into step with the server's count.
    retry = RetryPolicy(max_retries=12, base_delay=0.005, max_delay=0.04)
    objects = account(700)
    with FakeStripe(**objects, faults=Faults(every_nth=3, status=status)) as fake:
        billing = _billing(fake, retry, concurrency=6)
        state, info = billing.load(frozenset())
        failed = sum(1 for hit in fake.hits if hit.status == status)

    assert sorted(s.id for s in state.subscriptions) == sorted(
        s["id"] for s in objects["subscriptions"]
    )
    assert sorted(c.id for c in state.customers) == sorted(c["id"] for c in objects["customers"])
    assert failed >= 5
    assert any(f"retried: {failed}" in note for note in info.notes)


@pytest.mark.parametrize("status", [429, 500])
def test_stripe_should_retry_false_is_not_retried(status: int, fast_retry: RetryPolicy) -> None:
    faults = Faults(first=1, status=status, headers={"Stripe-Should-Retry": "false"})
    with FakeStripe(**account(5), faults=faults) as fake:
        with pytest.raises(SourceError, match="Stripe-Should-Retry: false") as caught:
            _billing(fake, fast_retry, concurrency=1).load(frozenset())
        repeats = Counter((hit.path, str(hit.query)) for hit in fake.hits)
    assert f"HTTP {status}" in caught.value.message
    assert max(repeats.values()) == 1


def test_stripe_should_retry_true_retries_even_a_409(fast_retry: RetryPolicy) -> None:
    faults = Faults(first=2, status=409, headers={"Stripe-Should-Retry": "true"})
    with FakeStripe(**account(5), faults=faults) as fake:
        state, _ = _billing(fake, fast_retry, concurrency=1).load(frozenset())
    assert len(state.subscriptions) == 5


def test_retry_after_is_honoured(fast_retry: RetryPolicy) -> None:
    faults = Faults(first=1, status=429, headers={"Retry-After": "0.3"})
    with FakeStripe(**account(5), faults=faults) as fake:
        _billing(fake, fast_retry, concurrency=1).load(frozenset())
        first, second = fake.hits[0], fake.hits[1]
    assert (first.status, second.status) == (429, 200)
    assert second.started - first.finished >= 0.29


def test_persistent_429_is_an_error_not_a_partial_snapshot() -> None:
    retry = RetryPolicy(max_retries=2, base_delay=0.001, max_delay=0.002)
    faults = Faults(every_nth=1, status=429)
    with FakeStripe(**account(5), faults=faults) as fake, pytest.raises(SourceError) as caught:
        _billing(fake, retry).fetch(frozenset())
    assert "kept rate-limiting" in caught.value.message
    assert "3 attempts" in caught.value.message
    assert "requests_per_second" in caught.value.message


def test_unreachable_server_fails_fast(closed_port_url: str) -> None:
    billing = StripeBilling(stripe_config(closed_port_url), env=ENV)  # default backoff
    started = time.monotonic()
    with pytest.raises(SourceError, match="cannot reach the Stripe API") as caught:
        billing.load(frozenset())
    assert time.monotonic() - started < 5
    assert closed_port_url in caught.value.message
    assert STRIPE_KEY not in str(caught.value)


def test_a_server_that_never_answers_times_out(fast_retry: RetryPolicy) -> None:
    with FakeStripe(**account(3), faults=Faults(latency=2.0)) as fake:
        billing = _billing(fake, fast_retry, timeout_seconds=0.2)
        started = time.monotonic()
        with pytest.raises(SourceError, match="timed out"):
            billing.fetch(frozenset())
        assert time.monotonic() - started < 1.5


def test_missing_permission_is_named(fast_retry: RetryPolicy) -> None:
    faults = Faults(denied={"events": "rak_event_read"})
    with FakeStripe(**account(5), faults=faults) as fake, pytest.raises(SourceError) as caught:
        _billing(fake, fast_retry).load(ALL)
    message = caught.value.message
    assert "'Events' read permission (rak_event_read)" in message
    assert "Developers > API keys" in message and "STRIPE_KEY" in message


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "STRIPE_KEY is not set"),
        ({"STRIPE_KEY": "  "}, "STRIPE_KEY is empty"),
        ({"STRIPE_KEY": "pk_test_abc"}, "publishable key"),
        ({"STRIPE_KEY": "whsec_abc"}, "webhook signing secret"),
    ],
)
def test_missing_or_wrong_key_is_a_credential_error(env: dict[str, str], expected: str) -> None:
    billing = StripeBilling(stripe_config("http://127.0.0.1:9"), env=env)
    with pytest.raises(CredentialError, match=expected):
        billing.load(frozenset())


def test_no_key_variable_in_config_is_a_credential_error() -> None:
    billing = StripeBilling(stripe_config("http://127.0.0.1:9", api_key_env=None), env=ENV)
    with pytest.raises(CredentialError, match=r"billing\.api_key_env is not set"):
        billing.fetch(frozenset())


@pytest.mark.parametrize(
    ("key", "mode", "warned"),
    [
        ("sk_live_" + "a" * 24, "live", True),
        ("rk_live_" + "a" * 24, "live", False),
        ("sk_test_" + "a" * 24, "test", False),
        ("rk_test_" + "a" * 24, "test", False),
    ],
)
def test_key_kinds_recorded_full_access_live_key_warned(
    key: str, mode: str, warned: bool, fast_retry: RetryPolicy
) -> None:
    with FakeStripe(**account(3)) as fake:
        _, info = _billing(fake, fast_retry, env={"STRIPE_KEY": key}).load(frozenset())
    assert f"({mode} mode)" in info.location
    warnings = [note for note in info.notes if note.startswith("warning")]
    assert bool(warnings) == warned
    if warned:
        assert "restricted key" in warnings[0] and "Read on Customers" in warnings[0]
    kind = "restricted" if key.startswith("rk_") else "full-access secret"
    assert f"key: {kind} {mode}-mode key from $STRIPE_KEY" in info.notes
    assert all(key not in note for note in (*info.notes, info.location))


@pytest.mark.parametrize(
    "faults",
    [
        Faults(denied={"subscriptions": "rak_subscription_read"}),
        Faults(every_nth=1, status=500),
        Faults(every_nth=1, status=400),
    ],
)
def test_the_key_never_appears_in_errors(faults: Faults) -> None:
    retry = RetryPolicy(max_retries=1, base_delay=0.001, max_delay=0.001)
    with FakeStripe(**account(3), faults=faults) as fake, pytest.raises(SourceError) as caught:
        _billing(fake, retry).load(frozenset())
    text = str(caught.value)
    assert STRIPE_KEY not in text and STRIPE_KEY[:12] not in text


def test_rejected_key_is_explained_without_echoing_it(fast_retry: RetryPolicy) -> None:
    rejected = "sx_test_" + "z" * 26 + "9876"  # not a Stripe key: the fake answers 401
    with FakeStripe(**account(3)) as fake:
        billing = _billing(fake, fast_retry, env={"STRIPE_KEY": rejected})
        with pytest.raises(SourceError, match=r"rejected the API key in \$STRIPE_KEY") as caught:
            billing.fetch(frozenset())
        assert fake.hits[0].status == 401
    assert "9876" not in str(caught.value) and "zzzz" not in str(caught.value)


def test_concurrent_slices_stay_under_the_budget() -> None:
    """The shared budget paces all threads: the fake's own limiter never trips."""
    objects = account(2_000, step=600)
    # The server tolerates a small burst, as Stripe does: client-side pacing cannot
    # stop thread scheduling from bunching a few requests on the wire.
    faults = Faults(latency=0.02, rate_limit=60.0, burst=10)
    with FakeStripe(**objects, faults=faults) as fake:
        billing = _billing(fake, RetryPolicy(), requests_per_second=50.0, concurrency=8)
        started = time.monotonic()
        raw, _ = billing.fetch(frozenset())
        elapsed = time.monotonic() - started
        statuses = Counter(hit.status for hit in fake.hits)
        served = fake.served["subscriptions"]
        assert fake.max_in_flight > 1

    assert statuses[429] == 0
    assert statuses[200] / elapsed <= 50.0 * 1.05
    assert len(raw["subscriptions"]) == 2_000
    assert len(served) == len(set(served)) == 2_000  # sliced with no duplicate and no gap


def test_api_version_override_is_sent_and_flagged(fast_retry: RetryPolicy) -> None:
    with FakeStripe(**account(3)) as fake:
        _, info = _billing(fake, fast_retry, api_version="2024-06-20").load(frozenset())
        assert fake.versions == {"2024-06-20", DETAILS_SINCE}
    assert any(
        note.startswith("Stripe API version 2024-06-20 (billing.api_version overrides")
        for note in info.notes
    )


def _paused(sub_id: str, customer_id: str, reason: str) -> dict[str, object]:
    paused = subscription(sub_id, customer_id, T0, status="paused")
    paused["status_details"] = {
        "paused": {"type": "subscription", "transitioned_at": T0, "subscription": {"type": reason}}
    }
    return paused


@pytest.mark.parametrize("lines", [False, True], ids=["objects", "objects kept as text"])
def test_why_a_subscription_is_paused_is_read_at_the_version_that_says_it(
    fast_retry: RetryPolicy, lines: bool
) -> None:
    """The fetch reads the pinned version, where Stripe (and the fake) leave
    status_details out; the paused subscriptions are listed once more at the version
    that has it, and only it is taken from there."""
    objects = account(120)
    objects["subscriptions"][7] = _paused("sub_00007", "cus_00007", "first_payment_failure")
    objects["subscriptions"][99] = _paused("sub_00099", "cus_00099", "pause_requested")
    with FakeStripe(**objects) as fake:
        billing = _billing(fake, fast_retry)
        if lines:
            fetched, _ = billing.fetch_lines(frozenset())
            raw = {name: [json.loads(line) for line in kept] for name, kept in fetched.items()}
        else:
            raw, _ = billing.fetch(frozenset())
        state, _ = _billing(fake, fast_retry).load(frozenset())
        paused_pages = [h for h in fake.hits if h.query.get("status") == "paused"]
    assert set(raw) == {"subscriptions", "customers"}  # the extra listing merged away
    assert len(raw["subscriptions"]) == 120
    reasons = {s.id: s.pause_reason for s in state.subscriptions if s.pause_reason}
    assert reasons == {"sub_00007": "first_payment_failure", "sub_00099": "pause_requested"}
    assert len(paused_pages) == 2  # one page each time: the paused ones are few


def test_a_version_that_has_status_details_reads_it_in_the_one_listing(
    fast_retry: RetryPolicy,
) -> None:
    objects = account(3)
    objects["subscriptions"][1] = _paused("sub_00001", "cus_00001", "final_payment_failure")
    with FakeStripe(**objects) as fake:
        state, _ = _billing(fake, fast_retry, api_version=DETAILS_SINCE).load(frozenset())
        assert not [h for h in fake.hits if h.query.get("status") == "paused"]
    assert [s.pause_reason for s in state.subscriptions if s.pause_reason] == [
        "final_payment_failure"
    ]
