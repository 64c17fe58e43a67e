"""The shared request budget: pacing across threads, the retry loop, abort."""

from __future__ import annotations

import threading
import time

import pytest

from prodcheck.sources.http_budget import (
    BROKEN,
    CONNECTION,
    NOT_JSON,
    RATE_LIMITED,
    SERVER_ERROR,
    TIMEOUT,
    Aborted,
    RequestBudget,
    RetriesExhausted,
    Retry,
    RetryAfterTooLong,
    RetryPolicy,
    network_fault,
    parse_retry_after,
)

FAST = RetryPolicy(max_retries=4, base_delay=0.001, max_delay=0.004)


class Flaky:
    """Fails `failures` times with `retry` (or a non-retryable error), then answers."""

    def __init__(self, failures: int, retry: Retry | None) -> None:
        self.failures, self.retry, self.calls = failures, retry, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(f"failure {self.calls}")
        return "page"

    def classify(self, exc: Exception) -> Retry | None:
        return self.retry


def test_pacing_holds_across_threads() -> None:
    budget = RequestBudget(50.0)
    started = time.monotonic()
    threads = [
        threading.Thread(target=lambda: [budget.acquire() for _ in range(5)]) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    # 20 requests at 50/s: the first is free, the other 19 wait 20 ms each.
    assert 19 / 50 - 0.02 <= elapsed < 19 / 50 + 0.3
    assert budget.requests == 20


def test_burst_allows_that_many_at_once() -> None:
    budget = RequestBudget(10.0, burst=5)
    time.sleep(0.5)  # unused capacity accrues up to the burst
    started = time.monotonic()
    for _ in range(5):
        budget.acquire()
    assert time.monotonic() - started < 0.05


@pytest.mark.parametrize("kind", [RATE_LIMITED, SERVER_ERROR, CONNECTION])
def test_retryable_failures_are_retried_until_success(kind: str) -> None:
    budget = RequestBudget(1000.0, policy=FAST)
    request = Flaky(2, Retry(kind))
    assert budget.call(request, request.classify) == "page"
    assert request.calls == 3
    assert budget.retries == {kind: 2}


def test_not_retryable_fails_at_once() -> None:
    budget = RequestBudget(1000.0, policy=FAST)
    request = Flaky(1, None)
    with pytest.raises(RuntimeError, match="failure 1"):
        budget.call(request, request.classify)
    assert request.calls == 1


def test_retries_are_bounded() -> None:
    budget = RequestBudget(1000.0, policy=FAST)
    request = Flaky(100, Retry(SERVER_ERROR))
    with pytest.raises(RetriesExhausted) as caught:
        budget.call(request, request.classify)
    assert caught.value.attempts == FAST.max_retries + 1 == request.calls
    assert str(caught.value.last) == f"failure {request.calls}"


@pytest.mark.parametrize(
    ("kind", "retries"),
    [
        (CONNECTION, FAST.max_connection_retries),
        (BROKEN, FAST.max_connection_retries),
        (NOT_JSON, FAST.max_connection_retries),
        (TIMEOUT, FAST.max_timeout_retries),  # a hung server: two timeouts, not three
    ],
)
def test_network_faults_get_fewer_retries(kind: str, retries: int) -> None:
    budget = RequestBudget(1000.0, policy=FAST)
    request = Flaky(100, Retry(kind))
    with pytest.raises(RetriesExhausted) as caught:
        budget.call(request, request.classify)
    assert request.calls == retries + 1 == caught.value.attempts
    assert retries < FAST.max_retries


def test_network_faults_are_told_apart() -> None:
    import json

    import requests

    errors = requests.exceptions
    assert network_fault(errors.ReadTimeout(), requests) == TIMEOUT
    assert network_fault(errors.ChunkedEncodingError(), requests) == BROKEN
    assert network_fault(json.JSONDecodeError("Expecting value", "<html>", 0), requests) == NOT_JSON
    assert network_fault(errors.ConnectTimeout(), requests) is None  # a connection fault
    assert network_fault(errors.ConnectionError(), requests) is None


def test_retry_after_is_a_floor_for_the_delay() -> None:
    policy = RetryPolicy(base_delay=0.001, max_delay=0.002)
    assert all(policy.delay(attempt, 0.3) >= 0.3 for attempt in range(5))
    assert all(policy.delay(attempt, None) <= 0.002 for attempt in range(5))


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base_delay=0.1, max_delay=1.0)
    assert all(0.05 <= policy.delay(0, None) <= 0.1 for _ in range(20))
    assert all(0.2 <= policy.delay(2, None) <= 0.4 for _ in range(20))
    assert all(0.5 <= policy.delay(9, None) <= 1.0 for _ in range(20))


def test_a_429_holds_back_every_thread() -> None:
    budget = RequestBudget(1000.0, policy=RetryPolicy(base_delay=0.001, max_delay=0.001))
    request = Flaky(1, Retry(RATE_LIMITED, retry_after=0.2))
    first = threading.Thread(target=budget.call, args=(request, request.classify))
    started = time.monotonic()
    first.start()
    time.sleep(0.05)  # the first thread has hit its 429 and is waiting it out
    budget.acquire()  # so this other thread's request waits for the pause to end
    waited = time.monotonic() - started
    first.join()
    assert waited >= 0.19
    assert request.calls == 2 and budget.retries == {RATE_LIMITED: 1}


def test_retry_after_longer_than_allowed_fails() -> None:
    budget = RequestBudget(1000.0, policy=RetryPolicy(max_retry_after=5.0))
    request = Flaky(1, Retry(RATE_LIMITED, retry_after=3600.0))
    with pytest.raises(RetryAfterTooLong) as caught:
        budget.call(request, request.classify)
    assert caught.value.seconds == 3600.0


def test_abort_wakes_a_waiting_thread() -> None:
    budget = RequestBudget(0.5)  # the second request would wait 2 s
    budget.acquire()
    errors: list[BaseException] = []

    def wait() -> None:
        try:
            budget.acquire()
        except Aborted as exc:
            errors.append(exc)

    thread = threading.Thread(target=wait)
    started = time.monotonic()
    thread.start()
    time.sleep(0.05)
    budget.abort()
    thread.join()
    assert time.monotonic() - started < 0.5
    assert len(errors) == 1 and budget.aborted


@pytest.mark.parametrize(
    ("value", "seconds"), [("2", 2.0), ("0.25", 0.25), (" 1 ", 1.0), ("-3", 0.0), (None, None)]
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


def test_retry_after_http_date_counts_as_absent() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None
