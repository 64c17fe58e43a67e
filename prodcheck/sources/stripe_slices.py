"""Fetch Stripe list endpoints completely and fast: concurrent `created` slices.

Stripe lists are cursor-paged, newest first, at most 100 objects a page: one
cursor chain is sequential, so at 200 ms a page it reaches 5 requests/s, a
fifth of the 25/s the account allows. Lists also filter on `created` (half
open ranges: `created[gte]`, `created[lt]`), so disjoint ranges can be paged
independently and in parallel, and every object lands in exactly one range.

Where the data lies in time is unknown until pages come back, so the ranges
are found adaptively instead of guessed up front:

1. The first page of each listing is asked for without any `created` filter.
   Small accounts end here (one page, no slicing, no wasted request).
2. Whenever a page says `has_more` and fewer slices are open than keep the
   workers busy (plus a few queued, and a fair share per list), the range
   still to be read, `[lower bound, created of the last object]`, is cut.
   The newest part keeps the cursor; older parts start fresh. A range with
   no lower bound is cut geometrically (narrow parts near the data already
   seen, wider ones further back, because an account's history is usually
   short compared to the years before it); a bounded range is cut evenly.
3. Parts that turn out large are cut again the same way as slices run dry;
   empty ones cost a single request.

Cuts happen at whole seconds and every part is half open, so objects created
in the same second never straddle two parts; within a part the cursor keeps
ties in order. Results are deduplicated by id all the same.

This module does no I/O itself: `fetch_page(resource, params)` does (through
the shared request budget), which keeps the slicing testable in memory.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any

from prodcheck.sources.pages import checked_page, repeated_cursor

PAGE_LIMIT = 100  # Stripe's maximum page size
# No Stripe object predates 2011; older boundaries would only produce empty parts.
SOFT_FLOOR = 1_293_840_000  # 2011-01-01T00:00:00Z

FetchPage = Callable[[str, dict[str, Any]], Mapping[str, Any]]
Raw = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Listing:
    """One list to read completely: results are keyed by `name`."""

    name: str
    resource: str  # "subscriptions", "subscription_items", ...
    params: Mapping[str, Any]
    sliceable: bool = True  # the endpoint accepts created[gte]/created[lt]
    gte: int | None = None  # lower bound of the whole listing (events: 30 days)
    cursor: str | None = None  # where to start (an items list continued from its embed)


@dataclass(frozen=True, slots=True)
class Slice:
    listing: Listing
    gte: int | None
    lt: int | None
    cursor: str | None
    filtered: bool  # send the created bounds (the very first page goes without)

    def params(self) -> dict[str, Any]:
        params = dict(self.listing.params)
        params["limit"] = PAGE_LIMIT
        if self.filtered:
            created = {}
            if self.gte is not None:
                created["gte"] = self.gte
            if self.lt is not None:
                created["lt"] = self.lt
            if created:
                params["created"] = created
        if self.cursor:
            params["starting_after"] = self.cursor
        return params


def split_points(
    gte: int | None, last_created: int, page_span: int, parts: int, *, geometric: bool
) -> list[int]:
    """Boundaries (descending, each <= last_created) cutting [gte, last_created] into parts.

    The first boundary is the lower bound of the newest part, which keeps the
    cursor, so it never exceeds last_created. Parts are at least one page's
    worth of time wide, judged by how much time the last page covered.
    """
    top = last_created + 1
    low = gte if gte is not None else (SOFT_FLOOR if last_created > SOFT_FLOOR else 0)
    span = top - low
    if parts < 2 or span < 2:
        return []
    ratio = 2.0 if geometric else 1.0
    width = span / parts if ratio == 1.0 else span * (ratio - 1) / (ratio**parts - 1)
    width = max(width, float(page_span), 1.0)
    points: list[int] = []
    edge = float(top)
    while len(points) < parts - 1:
        edge -= width
        point = math.floor(edge)
        if point <= low:
            break
        if not points or point < points[-1]:
            points.append(point)
        width *= ratio
    return points


def _created(obj: Mapping[str, Any]) -> int:
    value = obj.get("created")
    return int(value) if isinstance(value, int | float) else 0


def fetch_all(
    listings: Sequence[Listing],
    fetch_page: FetchPage,
    *,
    concurrency: int,
    follow_ups: Callable[[Listing, Raw], Iterable[Listing]] | None = None,
    on_page: Callable[[str, int], None] | None = None,
    on_abort: Callable[[], None] | None = None,
    encode: Callable[[Raw], Any] | None = None,
) -> dict[str, list[Any]]:
    """Every object of every listing (and of the follow-up listings), deduplicated;
    each kept as `encode` makes it (its JSON text, say: a fraction of the memory
    of the parsed object), or as it is.

    Scheduling and splitting happen on the calling thread; workers only fetch
    pages. The first failure aborts the whole fetch (`on_abort` wakes workers
    waiting in the budget) and propagates: never a partial result.
    """
    results: dict[str, dict[str, tuple[int, Any]]] = {}
    pages: dict[str, int] = {}
    cursors: dict[str, set[str]] = {}
    order: list[Listing] = []
    # Open slices to keep: one per worker plus some queued, so that a worker
    # freed by a slice that ran dry finds work at once instead of waiting for
    # the next full page to be cut. One worker means plain sequential paging.
    target = concurrency + concurrency // 2
    pending: dict[Future[Mapping[str, Any]], Slice] = {}
    pool = ThreadPoolExecutor(max_workers=max(concurrency, 1), thread_name_prefix="prodcheck")

    def submit(piece: Slice) -> None:
        pending[pool.submit(fetch_page, piece.listing.resource, piece.params())] = piece

    def start(listing: Listing) -> None:
        if listing.name in results:
            return
        results[listing.name] = {}
        order.append(listing)
        submit(Slice(listing, listing.gte, None, listing.cursor, listing.gte is not None))

    try:
        for listing in listings:
            start(listing)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                piece = pending.pop(future)
                page = future.result()
                name = piece.listing.name
                pages[name] = pages.get(name, 0) + 1
                where = _where(piece, pages[name])
                data = checked_page(page, where, page.get("has_more"), "has_more")
                store = results[name]
                for obj in data:
                    store[str(obj.get("id"))] = (_created(obj), encode(obj) if encode else obj)
                    for extra in follow_ups(piece.listing, obj) if follow_ups else ():
                        start(extra)
                if on_page:
                    on_page(piece.listing.name, len(data))
                if page.get("has_more"):
                    cursor = str(data[-1].get("id"))
                    if cursor in cursors.setdefault(name, set()):
                        raise repeated_cursor(where, cursor)
                    cursors[name].add(cursor)
                    _continue(piece, data, _spare(piece.listing, pending, target), submit)
    except BaseException:
        if on_abort:
            on_abort()
        for future in pending:
            future.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return {each.name: _ordered(results[each.name], sliced=each.sliceable) for each in order}


def _where(piece: Slice, number: int) -> str:
    after = f", starting after {piece.cursor}" if piece.cursor else ""
    return f"Stripe's answer to GET /v1/{piece.listing.resource} (page {number}{after})"


def _spare(listing: Listing, pending: Mapping[Any, Slice], target: int) -> int:
    """How many new slices a listing may add: up to the overall target, and at least
    up to its fair share, so that one list does not page alone while another got
    every worker, only to be cut up late and leave a long tail."""
    listings = {piece.listing.name for piece in pending.values() if piece.listing.sliceable}
    listings.add(listing.name)
    share = -(-target // len(listings))
    mine = sum(1 for piece in pending.values() if piece.listing.name == listing.name)
    return max(target - len(pending) - 1, share - mine - 1, 0)


def _continue(piece: Slice, data: list[Raw], idle: int, submit: Callable[[Slice], None]) -> None:
    """Queue the rest of a slice after a full page, cut into `idle + 1` parts."""
    last = data[-1]
    last_created = _created(last)
    rest = replace(piece, lt=last_created + 1, cursor=str(last.get("id")), filtered=True)
    if not piece.listing.sliceable or idle <= 0:
        # Not cut: keep the original filter so an unfiltered first page stays unfiltered.
        submit(replace(piece, cursor=str(last.get("id"))))
        return
    page_span = max(_created(data[0]) - last_created + 1, 1)
    points = split_points(piece.gte, last_created, page_span, idle + 1, geometric=piece.gte is None)
    if not points:
        submit(replace(piece, cursor=str(last.get("id"))))
        return
    submit(replace(rest, gte=points[0]))
    uppers = points
    lowers: list[int | None] = [*points[1:], piece.gte]
    for upper, lower in zip(uppers, lowers, strict=True):
        submit(Slice(piece.listing, lower, upper, None, True))


def _ordered(objects: Mapping[str, tuple[int, Any]], *, sliced: bool) -> list[Any]:
    """Stripe's own order, newest first, for sliced lists (slices finish in any order);
    a single cursor chain is already in the API's order. `objects`: id -> (created,
    the object as kept)."""
    found = list(objects.items())
    if sliced:
        found.sort(key=lambda item: (-item[1][0], item[0]))
    return [kept for _, (_, kept) in found]
