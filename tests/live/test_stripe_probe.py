"""`prodcheck doctor`'s Stripe checks: what is fine, and what to fix, in order."""

from __future__ import annotations

from prodcheck.sources.stripe import probe

from .conftest import STRIPE_KEY, stripe_config
from .fake_http import Faults
from .fake_stripe import FakeStripe
from .stripe_objects import account

ENV = {"STRIPE_KEY": STRIPE_KEY}


def test_all_good() -> None:
    with FakeStripe(**account(3)) as fake:
        checks = probe(stripe_config(fake.url), ENV)
        assert all(hit.query == {"limit": "1"} for hit in fake.hits)
    assert [(c.name, c.ok) for c in checks] == [
        ("api key", True),
        ("key kind", True),
        ("reachable", True),
        ("read customers", True),
        ("read subscriptions", True),
        ("read subscription_schedules", True),
        ("read events", True),
    ]
    assert checks[1].message == "restricted test-mode key"


def test_each_missing_permission_is_its_own_failed_check() -> None:
    denied = {"subscriptions": "rak_subscription_read", "events": "rak_event_read"}
    with FakeStripe(**account(3), faults=Faults(denied=denied)) as fake:
        checks = {c.name: c for c in probe(stripe_config(fake.url), ENV)}
    assert checks["read customers"].ok
    assert not checks["read subscriptions"].ok and not checks["read events"].ok
    assert "set 'Subscriptions' to Read" in checks["read subscriptions"].message
    assert "rak_event_read" in checks["read events"].message
    assert all(STRIPE_KEY[:12] not in c.message for c in checks.values())


def test_full_access_live_key_is_a_warning() -> None:
    """Not ok, but worded as a warning: doctor shows it as such, not as a failure."""
    with FakeStripe(**account(3)) as fake:
        checks = probe(stripe_config(fake.url), {"STRIPE_KEY": "sk_live_" + "x" * 24})
    kind = checks[1]
    assert not kind.ok and kind.message.startswith("warning") and "restricted key" in kind.message
    assert all(check.ok for check in checks[2:])


def test_stops_at_what_makes_the_rest_meaningless(closed_port_url: str) -> None:
    assert [c[:2] for c in probe(stripe_config(closed_port_url), {})] == [("api key", False)]
    wrong = probe(stripe_config(closed_port_url), {"STRIPE_KEY": "pk_live_abc"})
    assert [c[:2] for c in wrong] == [("api key", True), ("key kind", False)]
    unreachable = probe(stripe_config(closed_port_url), ENV)
    assert unreachable[-1][:2] == ("reachable", False)
    assert "cannot" in unreachable[-1].message and STRIPE_KEY not in unreachable[-1].message
    with FakeStripe(**account(3)) as fake:
        rejected = probe(stripe_config(fake.url), {"STRIPE_KEY": "sx_test_" + "q" * 24})
    assert [c[:2] for c in rejected][-2:] == [("reachable", True), ("key accepted", False)]
