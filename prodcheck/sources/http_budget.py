"""One request budget shared by every thread of a live fetch: pacing, retries, abort.

Billing APIs limit requests per second per account (Stripe: 25/s in test mode
and per endpoint, Paddle: 240/min per IP). A fetch that runs several slices
in parallel must stay under that limit as a whole, so all threads draw from
one token bucket. Retries go through the same bucket: a retry is a request.

Retrying lives here rather than in the vendor SDKs because neither does what
a complete snapshot needs: stripe's StripeClient retries nothing unless
`max_network_retries` is set and never retries a bare 429, and the Paddle SDK
retries only over https, through urllib3, outside any shared budget. Each
adapter passes a `classify` function that turns its SDK's exceptions into a
`Retry` (or None: not retryable), so the policy is written once.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

RATE_LIMITED = "rate_limited"
SERVER_ERROR = "server_error"
CONNECTION = "connection"  # refused, reset, or no connection within the connect timeout
TIMEOUT = "timeout"  # connected, and no answer within the read timeout: a hung server
BROKEN = "broken"  # the answer stopped in the middle of its body
NOT_JSON = "not_json"  # a body that is not JSON: a proxy's or gateway's page


@dataclass(frozen=True, slots=True)
class Retry:
    """A failed attempt worth repeating; `retry_after` is the server's own hint."""

    kind: str  # RATE_LIMITED | SERVER_ERROR | CONNECTION
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 6
    base_delay: float = 0.5
    max_delay: float = 16.0
    # An unreachable host should fail fast, not after a minute of backoff; a body cut
    # short or not JSON is retried as often.
    max_connection_retries: int = 2
    # A server that took the whole read timeout once gets one more chance: a hung API
    # ends a run after two timeouts, not three.
    max_timeout_retries: int = 1
    # A Retry-After longer than this is not waited out: the run fails instead.
    max_retry_after: float = 120.0

    def limit(self, kind: str) -> int:
        """How many times a failure of this kind is retried."""
        if kind == TIMEOUT:
            return min(self.max_retries, self.max_timeout_retries)
        if kind in (CONNECTION, BROKEN, NOT_JSON):
            return min(self.max_retries, self.max_connection_retries)
        return self.max_retries

    def delay(self, attempt: int, hint: float | None) -> float:
        """Exponential backoff with equal jitter, never shorter than the server asked."""
        ceiling = min(self.max_delay, self.base_delay * 2.0**attempt)
        delay = ceiling / 2 + random.uniform(0, ceiling / 2)
        return max(delay, hint or 0.0)


class Aborted(Exception):
    """Another thread failed: this one stops instead of fetching a doomed snapshot."""


class RetriesExhausted(Exception):
    def __init__(self, retry: Retry, attempts: int, last: BaseException) -> None:
        super().__init__(f"{retry.kind} after {attempts} attempts")
        self.retry = retry
        self.attempts = attempts
        self.last = last


class RetryAfterTooLong(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"Retry-After {seconds:g}s")
        self.seconds = seconds


class RequestBudget:
    """A token bucket (`rate` per second, `burst` tokens) plus the retry loop.

    The bucket reserves a time slot under the lock and sleeps outside it, so
    waiting threads never block each other. A 429 pauses the whole budget, not
    only the thread that saw it: the limit is the account's, not the thread's.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float = 1.0,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(burst, 1.0)
        self.policy = policy or RetryPolicy()
        self._clock = clock
        self._lock = threading.Lock()
        self._next_slot = clock()
        self._stop = threading.Event()
        self.requests = 0
        self.retries: dict[str, int] = {}

    def acquire(self) -> None:
        """Block until a request may be sent."""
        interval = 1.0 / self.rate
        with self._lock:
            now = self._clock()
            # Unused capacity accrues up to `burst` tokens, no further.
            slot = max(self._next_slot, now - (self.burst - 1) * interval)
            self._next_slot = slot + interval
            self.requests += 1
        self._sleep(slot - self._clock())

    def pause(self, seconds: float) -> None:
        """Hold every thread back for `seconds` (after a 429)."""
        with self._lock:
            self._next_slot = max(self._next_slot, self._clock() + seconds)

    def abort(self) -> None:
        self._stop.set()

    @property
    def aborted(self) -> bool:
        return self._stop.is_set()

    def _sleep(self, seconds: float) -> None:
        if self._stop.is_set():
            raise Aborted()
        if seconds > 0 and self._stop.wait(seconds):
            raise Aborted()

    def call(self, request: Callable[[], T], classify: Callable[[Exception], Retry | None]) -> T:
        """Run `request` under the budget, retrying what `classify` says is retryable.

        Raises the request's own exception when it is not retryable,
        RetriesExhausted when retries ran out, RetryAfterTooLong when the
        server asks for a longer pause than a run should sit through.
        """
        attempt = 0
        while True:
            self.acquire()
            try:
                return request()
            except Exception as exc:
                retry = classify(exc)
                if retry is None:
                    raise
                if attempt >= self.policy.limit(retry.kind):
                    raise RetriesExhausted(retry, attempt + 1, exc) from exc
                if (
                    retry.retry_after is not None
                    and retry.retry_after > self.policy.max_retry_after
                ):
                    raise RetryAfterTooLong(retry.retry_after) from exc
                delay = self.policy.delay(attempt, retry.retry_after)
                with self._lock:
                    self.retries[retry.kind] = self.retries.get(retry.kind, 0) + 1
                if retry.kind == RATE_LIMITED:
                    self.pause(delay)
                self._sleep(delay)
                attempt += 1


def network_fault(exc: BaseException | None, requests: Any) -> str | None:
    """TIMEOUT for a read timeout, BROKEN for an answer cut short, NOT_JSON for a body
    that is not JSON, among `requests`' exceptions (the module is passed: this one
    imports no HTTP library); None for anything else."""
    errors = requests.exceptions
    if isinstance(exc, errors.ReadTimeout):
        return TIMEOUT
    if isinstance(exc, errors.ChunkedEncodingError | errors.ContentDecodingError):
        return BROKEN
    if isinstance(exc, json.JSONDecodeError):  # requests' own JSONDecodeError is one
        return NOT_JSON
    return None


def fault_message(api: str, base: str, endpoint: str, exc: RetriesExhausted, reason: str) -> str:
    """What a run that gave up on a timeout, a body cut short or a body that is not
    JSON says (a connection refused, 429s and 5xx each adapter words itself), or ""."""
    attempts = exc.attempts
    if reason.startswith("(") and reason.endswith(")"):
        reason = reason[1:-1]  # the SDK's own parentheses
    if len(reason) > 200:  # a gateway's whole HTML page is no message
        reason = reason[:197] + "..."
    if exc.retry.kind == TIMEOUT:
        return (
            f"the {api} at {base} took the connection but did not answer {endpoint} within "
            f"billing.timeout_seconds, {attempts} times in a row ({reason}), so nothing was "
            "checked on a partial snapshot. Run again later, or raise billing.timeout_seconds "
            "if the network is slow."
        )
    if exc.retry.kind == BROKEN:
        return (
            f"the {api} at {base} stopped in the middle of its answer to {endpoint}, "
            f"{attempts} times in a row ({reason}), so nothing was checked on a partial "
            "snapshot. A proxy or firewall may be cutting long responses: check it, or run "
            "again later."
        )
    if exc.retry.kind == NOT_JSON:
        return (
            f"{base} answered {endpoint} with a body that is not JSON, {attempts} times in a "
            f"row ({reason}): a proxy, firewall or gateway answered instead of the {api}, or "
            "billing.api_base points elsewhere. Check both, then run again."
        )
    return ""


def pace_note(budget: RequestBudget, elapsed: float, concurrency: int) -> str:
    """How the fetch went, for SourceInfo.notes: requests, rate, budget, retries."""
    retries = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in budget.retries.items())
    rate = budget.requests / max(elapsed, 1e-9)
    return (
        f"{budget.requests} requests in {elapsed:.1f}s ({rate:.1f}/s; budget {budget.rate:g}/s,"
        f" {concurrency} threads" + (f"; retried: {retries})" if retries else ")")
    )


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After in seconds; HTTP dates are not used by these APIs and count as absent."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(seconds, 0.0)
