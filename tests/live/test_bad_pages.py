"""A live list page that is not a complete list page is an error naming the endpoint
and the page, never the end of the list: an empty page that says `has_more`, a page
without `data`, `data` that is not a list, objects without ids, a missing
`has_more`, and a cursor that repeats (which would otherwise loop for ever)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from prodcheck.errors import SourceError
from prodcheck.sources.http_budget import RetryPolicy
from prodcheck.sources.paddle import PaddleBilling
from prodcheck.sources.stripe import StripeBilling

from .conftest import PADDLE_KEY, STRIPE_KEY, paddle_config, stripe_config
from .fake_http import Reply
from .fake_paddle import FakePaddle
from .fake_paddle import customer as paddle_customer
from .fake_paddle import subscription as paddle_subscription
from .fake_stripe import FakeStripe
from .stripe_objects import account

Tamper = Callable[[dict[str, Any], int], dict[str, Any]]


class TamperedStripe(FakeStripe):
    """Serves real pages of subscriptions, then breaks the `nth` one with `tamper`."""

    def __init__(self, tamper: Tamper, nth: int, **objects: Any) -> None:
        super().__init__(**objects)
        self.tamper, self.nth, self.pages = tamper, nth, 0

    def route(self, path: str, query: dict[str, Any], headers: Mapping[str, str]) -> Reply:
        reply = super().route(path, query, headers)
        paused = query.get("status") == "paused"  # why the paused ones are: a page of its own
        if path != "/v1/subscriptions" or reply.status != 200 or paused:
            return reply
        self.pages += 1
        if self.pages < self.nth:
            return reply
        return Reply(200, self.tamper(copy.deepcopy(reply.body), self.pages), slow=reply.slow)


def _empty_but_more(body: dict[str, Any], _: int) -> dict[str, Any]:
    return dict(body, data=[], has_more=True)


def _no_data(body: dict[str, Any], _: int) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "data"}


def _data_not_list(body: dict[str, Any], _: int) -> dict[str, Any]:
    return dict(body, data={"0": body["data"][0]})


def _object_without_id(body: dict[str, Any], _: int) -> dict[str, Any]:
    return dict(body, data=[*body["data"][:-1], "sub_123"])


def _no_has_more(body: dict[str, Any], _: int) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "has_more"}


STRIPE_CASES = {
    "empty page with has_more": (_empty_but_more, "is empty but says has_more: true"),
    "page without data": (_no_data, "has no `data`"),
    "data not a list": (_data_not_list, "`data` as an object"),
    "object without id": (_object_without_id, "data[99] is not an object with an id"),
    "has_more missing": (_no_has_more, "does not say whether more pages follow"),
}


@pytest.fixture
def one_slice() -> dict[str, Any]:
    # One worker: plain sequential paging, so "page N" is deterministic.
    return {"concurrency": 1, "requests_per_second": 100.0}


@pytest.mark.parametrize("case", sorted(STRIPE_CASES))
def test_stripe_bad_page_is_an_error_naming_endpoint_and_page(
    case: str, fast_retry: RetryPolicy, one_slice: dict[str, Any]
) -> None:
    tamper, words = STRIPE_CASES[case]
    with TamperedStripe(tamper, 2, **account(250)) as fake:
        billing = StripeBilling(
            stripe_config(fake.url, **one_slice), env={"STRIPE_KEY": STRIPE_KEY}, retry=fast_retry
        )
        with pytest.raises(SourceError) as caught:
            billing.load(frozenset())
    message = str(caught.value)
    assert words in message
    assert "GET /v1/subscriptions (page 2" in message
    assert "partial list" in message
    assert STRIPE_KEY not in message


def test_stripe_repeating_cursor_stops_instead_of_looping(
    fast_retry: RetryPolicy, one_slice: dict[str, Any]
) -> None:
    class Looping(FakeStripe):
        def route(self, path: str, query: dict[str, Any], headers: Mapping[str, str]) -> Reply:
            # Whatever the cursor, answer with the first page again.
            query = {k: v for k, v in query.items() if k != "starting_after"}
            return super().route(path, query, headers)

    with Looping(**account(250)) as fake:
        billing = StripeBilling(
            stripe_config(fake.url, **one_slice), env={"STRIPE_KEY": STRIPE_KEY}, retry=fast_retry
        )
        with pytest.raises(SourceError, match="was used before, so paging would never end"):
            billing.load(frozenset())
        # It stops at the first repeat: a handful of requests, not thousands.
        assert fake.requests < 10


def test_stripe_truncated_items_list_is_an_error(fast_retry: RetryPolicy) -> None:
    class NoItems(FakeStripe):
        def route(self, path: str, query: dict[str, Any], headers: Mapping[str, str]) -> Reply:
            reply = super().route(path, query, headers)
            if path == "/v1/subscriptions" and reply.status == 200:
                body = copy.deepcopy(reply.body)
                body["data"][0]["items"] = {"object": "list", "has_more": True, "data": "x"}
                return Reply(200, body)
            return reply

    with NoItems(**account(3)) as fake:
        billing = StripeBilling(
            stripe_config(fake.url), env={"STRIPE_KEY": STRIPE_KEY}, retry=fast_retry
        )
        with pytest.raises(SourceError, match="items list has more items"):
            billing.load(frozenset())


class TamperedPaddle(FakePaddle):
    def __init__(self, tamper: Callable[[dict[str, Any]], dict[str, Any]], **objects: Any) -> None:
        super().__init__(**objects)
        self.tamper = tamper

    def route(self, path: str, query: dict[str, Any], headers: Mapping[str, str]) -> Reply:
        reply = super().route(path, query, headers)
        if path.strip("/") != "subscriptions" or reply.status != 200 or not query.get("after"):
            return reply
        return Reply(200, self.tamper(copy.deepcopy(reply.body)), slow=reply.slow)


def _paddle_objects(count: int) -> dict[str, Any]:
    customers = [paddle_customer(f"ctm_{n:05d}") for n in range(count)]
    subscriptions = [paddle_subscription(f"sub_{n:05d}", f"ctm_{n:05d}") for n in range(count)]
    return {"customers": customers, "subscriptions": subscriptions}


def _paddle_empty_but_more(body: dict[str, Any]) -> dict[str, Any]:
    body["data"] = []
    body["meta"]["pagination"]["has_more"] = True
    return body


def _paddle_no_meta(body: dict[str, Any]) -> dict[str, Any]:
    return {"data": body["data"]}


def _paddle_data_string(body: dict[str, Any]) -> dict[str, Any]:
    return dict(body, data="sub_1,sub_2")


PADDLE_CASES = {
    "empty page with has_more": (_paddle_empty_but_more, "is empty but says has_more: true"),
    "no pagination meta": (_paddle_no_meta, "meta.pagination.has_more"),
    "data not a list": (_paddle_data_string, "`data` as a string"),
}


@pytest.mark.parametrize("case", sorted(PADDLE_CASES))
def test_paddle_bad_page_is_an_error(case: str, fast_retry: RetryPolicy) -> None:
    tamper, words = PADDLE_CASES[case]
    with TamperedPaddle(tamper, **_paddle_objects(450)) as fake:
        billing = PaddleBilling(
            paddle_config(fake.url), env={"PADDLE_KEY": PADDLE_KEY}, retry=fast_retry
        )
        with pytest.raises(SourceError) as caught:
            billing.load(frozenset())
    message = str(caught.value)
    assert words in message and "GET /subscriptions (page 2, after sub_" in message
    assert PADDLE_KEY not in message


def test_paddle_repeating_cursor_stops_instead_of_looping(fast_retry: RetryPolicy) -> None:
    class Looping(FakePaddle):
        def route(self, path: str, query: dict[str, Any], headers: Mapping[str, str]) -> Reply:
            query = {k: v for k, v in query.items() if k != "after"}
            return super().route(path, query, headers)

    with Looping(**_paddle_objects(450)) as fake:
        billing = PaddleBilling(
            paddle_config(fake.url), env={"PADDLE_KEY": PADDLE_KEY}, retry=fast_retry
        )
        with pytest.raises(SourceError, match="was used before, so paging would never end"):
            billing.load(frozenset())
        assert fake.requests < 10
