"""Created-range slicing: complete, no duplicates, no gaps, whatever the data looks like.

The list endpoint here is FakeStripe's own routing, called in memory (no HTTP),
so hundreds of pages over awkward distributions run in milliseconds.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pytest

from prodcheck.sources.stripe_slices import SOFT_FLOOR, Listing, fetch_all, split_points

from .fake_stripe import FakeStripe
from .stripe_objects import T0, customer

AUTH = {"authorization": "Bearer sk_test_memory"}


def _distribution(name: str, count: int) -> list[int]:
    rng = random.Random(name)
    if name == "uniform_two_years":
        return [T0 + rng.randrange(2 * 365 * 86_400) for _ in range(count)]
    if name == "bursts":  # bulk imports: a few busy hours, years apart
        starts = [T0 - 3 * 365 * 86_400, T0, T0 + 200 * 86_400]
        return [rng.choice(starts) + rng.randrange(3 * 3_600) for _ in range(count)]
    if name == "same_second":  # more objects in one second than a page holds
        return [T0] * 250 + [T0 + rng.randrange(86_400) for _ in range(count - 250)]
    if name == "before_2011":  # tiny timestamps, as hand-made fixtures use
        return [rng.randrange(1, 5_000) for _ in range(count)]
    if name == "growth":  # each month twice as busy as the one before
        return [T0 + int(30 * 86_400 * (12 - rng.expovariate(0.7))) for _ in range(count)]
    raise ValueError(name)


class MemoryStripe:
    """fetch_page over FakeStripe.route, counting served ids and concurrent calls."""

    def __init__(self, objects: list[dict[str, Any]]) -> None:
        self.fake = FakeStripe(customers=objects)
        self.params: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def __call__(self, resource: str, params: dict[str, Any]) -> Mapping[str, Any]:
        with self.lock:
            self.params.append(params)
        reply = self.fake.route(f"/v1/{resource}", params, AUTH)
        assert reply.status == 200, reply.body
        body: Mapping[str, Any] = reply.body
        return body


@pytest.mark.parametrize(
    "shape", ["uniform_two_years", "bursts", "same_second", "before_2011", "growth"]
)
@pytest.mark.parametrize("concurrency", [1, 3, 8])
def test_every_object_exactly_once(shape: str, concurrency: int) -> None:
    stamps = _distribution(shape, 1_200)
    objects = [customer(f"cus_{n:05d}", created) for n, created in enumerate(stamps)]
    api = MemoryStripe(objects)
    result = fetch_all([Listing("customers", "customers", {})], api, concurrency=concurrency)[
        "customers"
    ]

    assert sorted(obj["id"] for obj in result) == sorted(obj["id"] for obj in objects)
    served = Counter(api.fake.served["customers"])
    assert max(served.values()) == 1, "an object was fetched by two slices"
    # Newest first, as Stripe lists are, however the slices finished.
    assert [o["created"] for o in result] == sorted((o["created"] for o in result), reverse=True)
    sliced = any("created" in params for params in api.params)
    assert sliced == (concurrency > 1)


def test_sequential_paging_never_filters() -> None:
    """One worker is plain cursor paging: what localstripe and the benchmark's baseline need."""
    objects = [customer(f"cus_{n:04d}", T0 + n) for n in range(350)]
    api = MemoryStripe(objects)
    result = fetch_all([Listing("customers", "customers", {})], api, concurrency=1)
    assert len(result["customers"]) == 350
    assert len(api.params) == 4
    assert all(set(params) <= {"limit", "starting_after"} for params in api.params)


def test_a_small_list_costs_one_request() -> None:
    api = MemoryStripe([customer(f"cus_{n}", T0 + n) for n in range(40)])
    fetch_all([Listing("customers", "customers", {})], api, concurrency=8)
    assert len(api.params) == 1


def test_a_bounded_listing_stays_in_its_range() -> None:
    objects = [customer(f"cus_{n:04d}", T0 + n * 60) for n in range(900)]
    api = MemoryStripe(objects)
    since = T0 + 300 * 60
    result = fetch_all([Listing("customers", "customers", {}, gte=since)], api, concurrency=6)
    assert {o["id"] for o in result["customers"]} == {
        o["id"] for o in objects if o["created"] >= since
    }
    assert all(int(p["created"]["gte"]) >= since for p in api.params)


def test_a_failure_aborts_and_propagates() -> None:
    calls = 0
    aborted = threading.Event()

    def fetch_page(resource: str, params: dict[str, Any]) -> Mapping[str, Any]:
        nonlocal calls
        calls += 1
        if calls > 2:
            raise RuntimeError("server gone")
        data = [{"id": f"cus_{calls}_{n}", "created": T0 - calls * 1000 - n} for n in range(100)]
        return {"data": data, "has_more": True}

    with pytest.raises(RuntimeError, match="server gone"):
        fetch_all(
            [Listing("customers", "customers", {})], fetch_page, concurrency=4, on_abort=aborted.set
        )
    assert aborted.is_set()


def test_split_points_cover_the_range_in_order() -> None:
    points = split_points(None, T0, page_span=3_600, parts=6, geometric=True)
    assert len(points) == 5
    assert points == sorted(points, reverse=True)
    assert points[0] <= T0 and points[-1] > SOFT_FLOOR
    widths = [a - b for a, b in zip([T0 + 1, *points], points, strict=False)]
    assert widths == sorted(widths)  # narrow near the data seen, wider further back


def test_even_split_of_a_bounded_range() -> None:
    points = split_points(T0, T0 + 999, page_span=1, parts=4, geometric=False)
    assert points == [T0 + 750, T0 + 500, T0 + 250]


def test_no_split_below_one_page_or_one_second() -> None:
    assert split_points(T0, T0, page_span=1, parts=8, geometric=False) == []
    assert split_points(T0, T0 + 100, page_span=1_000, parts=8, geometric=False) == []
    assert split_points(T0, T0 + 100, page_span=1, parts=1, geometric=False) == []
