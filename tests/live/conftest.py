"""Shared pieces of the live-adapter tests: configs pointing at the local fake
servers, and a retry policy with millisecond backoff so fault tests stay fast."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from prodcheck.config import BillingConfig
from prodcheck.model import Provider
from prodcheck.sources.http_budget import RetryPolicy

# Distinctive, so a test can prove it never appears in any message or note.
STRIPE_KEY = "rk_test_51SecretKeyMaterialThatMustNeverLeak"
PADDLE_KEY = "pdl_sdbx_apikey_01hsecretkeymaterial_NeverLeakThis"


def stripe_config(url: str, **overrides: Any) -> BillingConfig:
    settings: dict[str, Any] = {
        "provider": Provider.STRIPE,
        "api_key_env": "STRIPE_KEY",
        "api_base": url,
        "requests_per_second": 100.0,
        "concurrency": 4,
        "timeout_seconds": 5.0,
    }
    settings.update(overrides)
    return BillingConfig(**settings)


def paddle_config(url: str, **overrides: Any) -> BillingConfig:
    settings: dict[str, Any] = {
        "provider": Provider.PADDLE,
        "api_key_env": "PADDLE_KEY",
        "api_base": url,
        "environment": "sandbox",
        "requests_per_second": 100.0,
        "timeout_seconds": 5.0,
    }
    settings.update(overrides)
    return BillingConfig(**settings)


@pytest.fixture
def fast_retry() -> RetryPolicy:
    return RetryPolicy(max_retries=6, base_delay=0.002, max_delay=0.02)


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL nothing listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
