"""A scenario folder's billing objects served by the provider's fake API, as the
live-parity and fault tests use it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .conftest import PADDLE_KEY, STRIPE_KEY
from .fake_http import FakeServer, Faults
from .fake_paddle import FakePaddle
from .fake_stripe import FakeStripe


def _load(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text()) if path.is_file() else []


def serve(folder: Path, faults: Faults | None = None) -> tuple[FakeServer, str]:
    """The provider's fake API serving the scenario's objects (not started), and the
    key to use."""
    if (folder / "paddle").is_dir():
        paddle = folder / "paddle"
        return FakePaddle(
            customers=_load(paddle / "customers.json"),
            subscriptions=_load(paddle / "subscriptions.json"),
            notifications=_load(paddle / "notifications.json"),
            faults=faults,
        ), PADDLE_KEY
    stripe = folder / "stripe"
    subscriptions = _load(stripe / "subscriptions.json")
    for subscription in subscriptions:  # the fake stores items flat and pages them itself
        subscription["items"] = subscription["items"]["data"]
    return FakeStripe(
        customers=_load(stripe / "customers.json"),
        subscriptions=subscriptions,
        events=_load(stripe / "events.json"),
        schedules=_load(stripe / "subscription_schedules.json"),
        faults=faults,
    ), STRIPE_KEY
