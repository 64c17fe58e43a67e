"""Stripe keys and Stripe errors: what kind of key this is, and what went wrong in words.

Kept apart from the fetch so that `doctor` and `check` explain a bad key, a
missing permission or an unreachable API with the same sentences.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from prodcheck.errors import CredentialError, SourceError
from prodcheck.sources.credentials import redact
from prodcheck.sources.http_budget import (
    CONNECTION,
    NOT_JSON,
    RATE_LIMITED,
    RetriesExhausted,
    Retry,
    RetryAfterTooLong,
    fault_message,
    network_fault,
    parse_retry_after,
)

RESTRICTED_KEY_ADVICE = (
    "Create a restricted key (Stripe Dashboard > Developers > API keys > Create restricted "
    "key) with Read on Customers, Subscriptions, Subscription schedules and Events, and "
    "nothing else."
)

# What to grant, per list endpoint, in the words of the restricted-key editor.
PERMISSIONS = {
    "customers": "Customers",
    "subscriptions": "Subscriptions",
    "subscription_items": "Subscriptions",
    "subscription_schedules": "Subscription schedules",
    "events": "Events",
}


@dataclass(frozen=True, slots=True)
class StripeKey:
    mode: str  # live | test | unknown
    restricted: bool | None  # None: unrecognized prefix

    @property
    def description(self) -> str:
        kind = {True: "restricted", False: "full-access secret", None: "unrecognized"}
        mode = f"{self.mode}-mode " if self.mode != "unknown" else ""
        return f"{kind[self.restricted]} {mode}key"


def classify_key(key: str, variable: str) -> StripeKey:
    """The key's kind from its prefix; keys that can never read the API are refused."""
    for prefix, restricted in (("sk_", False), ("rk_", True)):
        for mode in ("live", "test"):
            if key.startswith(f"{prefix}{mode}_"):
                return StripeKey(mode, restricted)
    if key.startswith("pk_"):
        raise CredentialError(
            f"{variable} holds a publishable key (pk_...), which cannot read customers or "
            f"subscriptions. {RESTRICTED_KEY_ADVICE}"
        )
    if key.startswith("whsec_"):
        raise CredentialError(
            f"{variable} holds a webhook signing secret (whsec_...), not an API key. "
            f"{RESTRICTED_KEY_ADVICE}"
        )
    return StripeKey("unknown", None)


def key_notes(key: StripeKey, variable: str) -> list[str]:
    notes = [f"key: {key.description} from ${variable}"]
    if key.restricted is False and key.mode == "live":
        notes.append(
            f"warning: ${variable} is a full-access live secret key (sk_live_); prodcheck only "
            f"reads, so it should not hold one. {RESTRICTED_KEY_ADVICE}"
        )
    if key.restricted is None:
        notes.append(
            f"warning: ${variable} does not look like a Stripe secret (sk_) or restricted (rk_) key"
        )
    return notes


def _header(headers: Any, name: str) -> str | None:
    """A response header, case-insensitively, from whatever mapping the SDK kept."""
    if not isinstance(headers, Mapping):
        return None
    for key, value in headers.items():
        if str(key).lower() == name:
            return str(value)
    return None


def classify_error(exc: Exception) -> Retry | None:
    """Which Stripe failures are worth another attempt (None: fail now)."""
    import stripe

    if isinstance(exc, stripe.APIConnectionError):
        import requests  # the SDK's HTTP client: a timeout or a cut answer is its cause

        cause = network_fault(exc.__cause__, requests)
        if cause is not None:
            return Retry(cause)
        return Retry(CONNECTION) if exc.should_retry else None
    if not isinstance(exc, stripe.StripeError) or exc.http_status is None:
        return None
    status = exc.http_status
    # (the SDK passes such a response's headers where its JSON body would go)
    if status < 500 and str(exc.user_message or exc).startswith(NOT_JSON_TEXT):
        return Retry(NOT_JSON)
    kind = RATE_LIMITED if status == 429 else "server_error"
    after = parse_retry_after(_header(exc.headers, "retry-after"))
    # Stripe says explicitly when a retry would (not) help; that overrides the status.
    advice = _header(exc.headers, "stripe-should-retry")
    if advice == "false":
        return None
    if advice == "true" or status in (409, 429) or status >= 500:
        return Retry(kind, after)
    return None


# How the SDK words a response whose body it could not read as JSON.
NOT_JSON_TEXT = "Invalid response body from API"


def explain(
    exc: BaseException, resource: str, *, key: str, variable: str, base: str
) -> SourceError:
    """A SourceError that says what failed on GET /v1/<resource> and what to do."""
    import stripe

    endpoint = f"GET /v1/{resource}"
    if isinstance(exc, RetriesExhausted):
        last = exc.last
        said = fault_message("Stripe API", base, endpoint, exc, _reason(last, key))
        if said:
            return SourceError(said)
        if exc.retry.kind == CONNECTION:
            return SourceError(
                f"cannot reach the Stripe API at {base} ({endpoint}, {exc.attempts} attempts): "
                f"{_reason(last, key)}. Check the network, proxy and firewall, or "
                "billing.api_base in the config."
            )
        if exc.retry.kind == RATE_LIMITED:
            return SourceError(
                f"Stripe kept rate-limiting {endpoint} (HTTP 429) and prodcheck gave up after "
                f"{exc.attempts} attempts, so nothing was checked on a partial snapshot. Lower "
                "billing.requests_per_second or billing.concurrency, or run again when other "
                "integrations on this account are quieter."
            )
        status = getattr(last, "http_status", None)
        return SourceError(
            f"Stripe answered {endpoint} with HTTP {status} {exc.attempts} times in a row; "
            "gave up so that no partial snapshot is checked. Stripe may be degraded "
            "(https://status.stripe.com): run again later."
        )
    if isinstance(exc, RetryAfterTooLong):
        return SourceError(
            f"Stripe asked to wait {exc.seconds:g}s before retrying {endpoint}; prodcheck does "
            "not wait that long in one run. Run again later."
        )
    if isinstance(exc, stripe.PermissionError):
        return _permission_error(exc, resource, key, variable)
    if isinstance(exc, stripe.AuthenticationError):
        return SourceError(
            f"Stripe rejected the API key in ${variable} (HTTP 401): it is invalid, expired or "
            f"revoked, or belongs to another account. {RESTRICTED_KEY_ADVICE} Then put it in "
            f"${variable}."
        )
    if isinstance(exc, stripe.APIConnectionError):
        return SourceError(
            f"cannot talk to the Stripe API at {base} ({endpoint}): {_reason(exc, key)}."
        )
    if isinstance(exc, stripe.StripeError):
        status = exc.http_status
        advice = _header(exc.headers, "stripe-should-retry")
        told = " and said not to retry (Stripe-Should-Retry: false)" if advice == "false" else ""
        return SourceError(
            f"Stripe answered {endpoint} with HTTP {status}{told}: {_reason(exc, key)}."
        )
    return SourceError(f"reading {endpoint} failed: {redact(str(exc), key)}")


def _permission_error(exc: Exception, resource: str, key: str, variable: str) -> SourceError:
    permission = PERMISSIONS.get(resource, resource)
    # Stripe names the internal permission ('rak_subscription_read'); it is not secret.
    found = re.search(r"rak_[a-z_]+", str(getattr(exc, "user_message", None) or exc))
    internal = f" ({found.group(0)})" if found else ""
    return SourceError(
        f"the key in ${variable} may not read {resource} (HTTP 403: missing the "
        f"'{permission}' read permission{internal}). Grant it in the Stripe Dashboard > "
        f"Developers > API keys > your restricted key > Edit: set '{permission}' to Read."
    )


def _reason(exc: BaseException | None, key: str) -> str:
    if exc is None:
        return "no response"
    text = getattr(exc, "user_message", None) or str(exc) or type(exc).__name__
    # The SDK wraps connection failures in a paragraph of advice; keep its last line.
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return redact(lines[-1] if lines else type(exc).__name__, key)
