"""Paddle keys and Paddle errors: which environment a key is for, and failures in words."""

from __future__ import annotations

from prodcheck.errors import CredentialError, SourceError
from prodcheck.sources.credentials import redact
from prodcheck.sources.http_budget import (
    CONNECTION,
    RATE_LIMITED,
    SERVER_ERROR,
    RetriesExhausted,
    Retry,
    RetryAfterTooLong,
    fault_message,
    network_fault,
    parse_retry_after,
)

KEY_ADVICE = (
    "Create an API key in Paddle > Developer tools > Authentication with only the "
    "customer.read and subscription.read permissions."
)
PERMISSIONS = {
    "customers": "customer.read",
    "subscriptions": "subscription.read",
    "notifications": "notification.read",  # the webhooks pack only
}
_PREFIXES = {"pdl_live_apikey_": "production", "pdl_sdbx_apikey_": "sandbox"}


def classify_key(key: str, variable: str, environment: str) -> str:
    """'production', 'sandbox' or 'legacy'; a key for the other environment is refused
    before any request (Paddle would only answer 'invalid token')."""
    for prefix, key_environment in _PREFIXES.items():
        if key.startswith(prefix):
            if key_environment != environment:
                raise CredentialError(
                    f"${variable} holds a {key_environment} key but billing.environment is "
                    f"'{environment}'. Set billing.environment: {key_environment}, or use a "
                    f"{environment} key."
                )
            return key_environment
    return "legacy"


def key_note(kind: str, variable: str) -> str:
    if kind == "legacy":
        return (
            f"warning: ${variable} holds a legacy Paddle key (created before May 2025), which "
            f"has full access and no permissions. {KEY_ADVICE}"
        )
    return f"key: {kind} API key from ${variable}"


def _status(exc: BaseException | None) -> int | None:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def classify_error(exc: Exception) -> Retry | None:
    import requests

    fault = network_fault(exc, requests)
    if fault is not None:
        return Retry(fault)
    if isinstance(exc, requests.ConnectionError | requests.Timeout):
        return Retry(CONNECTION)
    status = _status(exc)
    if status is None:
        return None
    headers = getattr(getattr(exc, "response", None), "headers", {}) or {}
    after = parse_retry_after(headers.get("Retry-After"))
    if status == 429:
        return Retry(RATE_LIMITED, after)
    if status >= 500:
        return Retry(SERVER_ERROR, after)
    return None


def explain(
    exc: BaseException, resource: str, *, key: str, variable: str, base: str
) -> SourceError:
    endpoint = f"GET /{resource}"
    if isinstance(exc, RetriesExhausted):
        said = fault_message("Paddle API", base, endpoint, exc, _reason(exc.last, key))
        if said:
            return SourceError(said)
        if exc.retry.kind == CONNECTION:
            return SourceError(
                f"cannot reach the Paddle API at {base} ({endpoint}, {exc.attempts} attempts): "
                f"{_reason(exc.last, key)}. Check the network, proxy and firewall, or "
                "billing.api_base in the config."
            )
        if exc.retry.kind == RATE_LIMITED:
            return SourceError(
                f"Paddle kept rate-limiting {endpoint} (HTTP 429) and prodcheck gave up after "
                f"{exc.attempts} attempts, so nothing was checked on a partial snapshot. Paddle "
                "allows 240 requests a minute per IP address, shared with everything else "
                "calling from it: lower billing.requests_per_second or run again later."
            )
        return SourceError(
            f"Paddle answered {endpoint} with HTTP {_status(exc.last)} {exc.attempts} times in "
            "a row; gave up so that no partial snapshot is checked. Run again later."
        )
    if isinstance(exc, RetryAfterTooLong):
        return SourceError(
            f"Paddle asked to wait {exc.seconds:g}s before retrying {endpoint}; prodcheck does "
            "not wait that long in one run. Run again later."
        )
    code = getattr(exc, "error_code", None)
    status = _status(exc)
    if code == "invalid_token" or status == 401:
        return SourceError(
            f"Paddle rejected the API key in ${variable} (invalid, revoked or expired, or made "
            f"for the other environment). {KEY_ADVICE} Then put it in ${variable}."
        )
    if status == 403:
        permission = PERMISSIONS.get(resource, f"{resource}.read")
        return SourceError(
            f"the key in ${variable} may not read {resource} (HTTP 403: missing the "
            f"{permission} permission). Grant it in Paddle > Developer tools > Authentication > "
            f"your API key > Edit: add {permission}."
        )
    if status is not None:
        return SourceError(f"Paddle answered {endpoint} with HTTP {status}: {_reason(exc, key)}.")
    return SourceError(f"reading {endpoint} from {base} failed: {_reason(exc, key)}.")


def _reason(exc: BaseException | None, key: str) -> str:
    if exc is None:
        return "no response"
    text = getattr(exc, "detail", None) or str(exc) or type(exc).__name__
    return redact(str(text), key)
