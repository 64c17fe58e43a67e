"""PaddleBilling through paddle-python-sdk against the local fake Paddle server."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, datetime

import pytest

from prodcheck.errors import CredentialError, SourceError
from prodcheck.model import SubscriptionStatus
from prodcheck.sources.http_budget import RetryPolicy
from prodcheck.sources.paddle import PaddleBilling, probe

from ..conftest import SCENARIOS
from .conftest import PADDLE_KEY, paddle_config
from .fake_http import Faults
from .fake_paddle import FakePaddle, customer, subscription

ENV = {"PADDLE_KEY": PADDLE_KEY}
STATUSES = ("active", "canceled", "past_due", "paused", "trialing")


def _account(count: int) -> dict[str, list[dict]]:
    customers = [
        customer(f"ctm_{n:05d}", status="archived" if n % 7 == 6 else "active")
        for n in range(count)
    ]
    subscriptions = [
        subscription(f"sub_{n:05d}", f"ctm_{n:05d}", status=STATUSES[n % len(STATUSES)])
        for n in range(count)
    ]
    return {"customers": customers, "subscriptions": subscriptions}


def _billing(fake: FakePaddle, retry: RetryPolicy, env: dict[str, str] = ENV, **config: object):
    return PaddleBilling(paddle_config(fake.url, **config), env=env, retry=retry)


def test_complete_result_every_status_and_archived_customers(fast_retry: RetryPolicy) -> None:
    objects = _account(450)  # three pages of 200 per list
    with FakePaddle(**objects) as fake:
        state, info = _billing(fake, fast_retry).load(frozenset())
        queries = {
            path: [h.query for h in fake.hits if h.path == path]
            for path in ("/subscriptions", "/customers")
        }
        assert fake.versions == {"1"}
        served = Counter(fake.served["subscriptions"] + fake.served["customers"])

    assert sorted(s.id for s in state.subscriptions) == [s["id"] for s in objects["subscriptions"]]
    assert sorted(c.id for c in state.customers) == [c["id"] for c in objects["customers"]]
    assert {s.status for s in state.subscriptions} == {SubscriptionStatus(s) for s in STATUSES}
    assert sum(c.deleted for c in state.customers) == sum(
        c["status"] == "archived" for c in objects["customers"]
    )
    assert max(served.values()) == 1
    # Paged by hand: the `after` cursor, the largest page, every status asked for.
    assert [q.get("after") for q in queries["/subscriptions"]] == [None, "sub_00199", "sub_00399"]
    assert all(
        q["per_page"] == "200" and q["order_by"] == "id[ASC]" for q in queries["/subscriptions"]
    )
    assert all(set(q["status"].split(",")) == set(STATUSES) for q in queries["/subscriptions"])
    assert all(q["status"] == "active,archived" for q in queries["/customers"])
    assert info.kind == "paddle" and "(sandbox)" in info.location
    assert info.counts == {"customers": 450, "subscriptions": 450}
    assert "Paddle API version 1" in info.notes


def test_429s_are_retried_to_a_complete_result() -> None:
    retry = RetryPolicy(max_retries=12, base_delay=0.005, max_delay=0.04)
    objects = _account(900)
    with FakePaddle(**objects, faults=Faults(every_nth=3, status=429)) as fake:
        state, info = _billing(fake, retry).load(frozenset())
        limited = sum(1 for hit in fake.hits if hit.status == 429)
    assert len(state.subscriptions) == len(state.customers) == 900
    assert limited >= 3
    assert any(f"retried: {limited} rate limited" in note for note in info.notes)


def test_retry_after_is_honoured(fast_retry: RetryPolicy) -> None:
    faults = Faults(first=1, status=429, headers={"Retry-After": "1"})
    with FakePaddle(**_account(3), faults=faults) as fake:
        _billing(fake, fast_retry).load(frozenset())
        first = fake.hits[0]
        later = min(hit.started for hit in fake.hits[1:] if hit.path == first.path)
    assert first.status == 429
    assert later - first.finished >= 0.99


def test_server_errors_are_retried(fast_retry: RetryPolicy) -> None:
    with FakePaddle(**_account(5), faults=Faults(first=2, status=502)) as fake:
        state, _ = _billing(fake, fast_retry).load(frozenset())
    assert len(state.subscriptions) == 5


def test_missing_permission_is_named(fast_retry: RetryPolicy) -> None:
    faults = Faults(denied={"subscriptions": "subscription.read"})
    with FakePaddle(**_account(3), faults=faults) as fake, pytest.raises(SourceError) as caught:
        _billing(fake, fast_retry).load(frozenset())
    assert "missing the subscription.read permission" in caught.value.message
    assert "Developer tools > Authentication" in caught.value.message


def test_rejected_key_is_explained_without_echoing_it(fast_retry: RetryPolicy) -> None:
    short = {"PADDLE_KEY": "not-a-paddle-key"}  # the fake answers 403 invalid_token
    with FakePaddle(**_account(3)) as fake, pytest.raises(SourceError) as caught:
        _billing(fake, fast_retry, env=short).load(frozenset())
    assert "rejected the API key in $PADDLE_KEY" in caught.value.message
    assert "not-a-paddle-key" not in str(caught.value)


def test_key_for_the_other_environment_is_refused_before_any_request() -> None:
    with FakePaddle(**_account(3)) as fake:
        billing = PaddleBilling(paddle_config(fake.url, environment="production"), env=ENV)
        with pytest.raises(CredentialError, match=r"sandbox key but billing\.environment"):
            billing.load(frozenset())
        assert fake.requests == 0


@pytest.mark.parametrize(
    ("env", "expected"), [({}, "is not set"), ({"PADDLE_KEY": ""}, "is empty")]
)
def test_missing_key_is_a_credential_error(env: dict[str, str], expected: str) -> None:
    billing = PaddleBilling(paddle_config("http://127.0.0.1:9"), env=env)
    with pytest.raises(CredentialError, match=f"PADDLE_KEY {expected}"):
        billing.load(frozenset())


def test_legacy_key_works_with_a_warning(fast_retry: RetryPolicy) -> None:
    legacy = {"PADDLE_KEY": "a1b2c3d4e5" * 5}
    with FakePaddle(**_account(3)) as fake:
        _, info = _billing(fake, fast_retry, env=legacy).load(frozenset())
    warning = next(note for note in info.notes if note.startswith("warning"))
    assert "legacy Paddle key" in warning and "customer.read" in warning
    assert legacy["PADDLE_KEY"] not in " ".join(info.notes)


def test_unreachable_server_fails_fast(closed_port_url: str) -> None:
    billing = PaddleBilling(paddle_config(closed_port_url), env=ENV)  # default backoff
    started = time.monotonic()
    with pytest.raises(SourceError, match="cannot reach the Paddle API") as caught:
        billing.load(frozenset())
    assert time.monotonic() - started < 5
    assert PADDLE_KEY not in str(caught.value)


def test_probe_all_good() -> None:
    with FakePaddle(**_account(3)) as fake:
        checks = probe(paddle_config(fake.url), ENV)
    assert [(c.name, c.ok) for c in checks] == [
        ("api key", True),
        ("key kind", True),
        ("reachable", True),
        ("read subscriptions", True),
        ("read customers", True),
    ]


def test_probe_warns_about_a_legacy_key() -> None:
    with FakePaddle(**_account(3)) as fake:
        checks = probe(paddle_config(fake.url), {"PADDLE_KEY": "a1b2c3d4e5" * 5})
    assert checks[1].name == "key kind" and not checks[1].ok
    assert checks[1].message.startswith("warning: $PADDLE_KEY holds a legacy Paddle key")
    assert all(check.ok for check in checks[2:])


def test_probe_names_what_to_fix(closed_port_url: str) -> None:
    with FakePaddle(**_account(3), faults=Faults(denied={"customers": "customer.read"})) as fake:
        denied = probe(paddle_config(fake.url), ENV)
    assert denied[-1].name == "read customers" and not denied[-1].ok
    assert "customer.read" in denied[-1].message
    unreachable = probe(paddle_config(closed_port_url), ENV)
    assert unreachable[-1][:2] == ("reachable", False)
    assert probe(paddle_config(closed_port_url), {})[0][:2] == ("api key", False)
    for check in (*denied, *unreachable):
        assert PADDLE_KEY not in check.message


NOTIFIED = SCENARIOS / "webhooks-paddle-fail" / "paddle"


def _notified() -> dict[str, list[dict]]:
    return {
        name: json.loads((NOTIFIED / f"{name}.json").read_text())
        for name in ("customers", "subscriptions", "notifications")
    }


def test_notifications_are_read_for_the_webhooks_pack_only(fast_retry: RetryPolicy) -> None:
    """GET /notifications, every status, from `events_days` before the run's now, when
    the pack needs events; not at all otherwise."""
    now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    with FakePaddle(**_notified()) as fake:
        config = paddle_config(fake.url, events_days=3)
        without = PaddleBilling(config, env=ENV, retry=fast_retry, now=now)
        state, info = without.load(frozenset())
        assert not state.events and "notifications" not in info.counts
        assert not [h for h in fake.hits if h.path == "/notifications"]
        state, info = PaddleBilling(config, env=ENV, retry=fast_retry, now=now).load(
            frozenset({"events"})
        )
        queries = [h.query for h in fake.hits if h.path == "/notifications"]
    assert [q["from"] for q in queries] == ["2026-10-29T12:00:00.000000Z"]
    assert "status" not in queries[0] and queries[0]["order_by"] == "id[ASC]"
    assert info.counts["notifications"] == len(_notified()["notifications"]) and state.has_events
    assert {e.id for e in state.events} == {
        n["payload"]["event_id"] for n in _notified()["notifications"]
    }


def test_only_the_windows_notifications_are_read(fast_retry: RetryPolicy) -> None:
    """Only notifications from `from` on are listed: two days later, the two older
    than the window are not."""
    now = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    notifications = _notified()["notifications"]
    since = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)
    within = [n for n in notifications if datetime.fromisoformat(n["occurred_at"]) >= since]
    assert len(within) == len(notifications) - 2
    with FakePaddle(**_notified()) as fake:
        config = paddle_config(fake.url, events_days=3)
        state, info = PaddleBilling(config, env=ENV, retry=fast_retry, now=now).load(
            frozenset({"events"})
        )
    assert info.counts["notifications"] == len(within)
    assert sorted(e.notification_id or "" for e in state.events) == sorted(
        n["id"] if n["origin"] == "event" else "" for n in within
    )


def test_a_key_without_notification_read_says_which_permission(fast_retry: RetryPolicy) -> None:
    faults = Faults(denied={"notifications": "notification.read"})
    with FakePaddle(**_notified(), faults=faults) as fake:
        billing = PaddleBilling(paddle_config(fake.url), env=ENV, retry=fast_retry)
        with pytest.raises(SourceError) as caught:
            billing.load(frozenset({"events"}))
    assert "may not read notifications" in caught.value.message
    assert "add notification.read" in caught.value.message
