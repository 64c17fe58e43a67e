"""The live Stripe source: every customer and subscription, read fast and read whole.

`fetch` (I/O) returns Stripe-shaped JSON exactly as the API sent it, so the
same `stripe_normalize.normalize` serves live runs, fixtures and snapshots.

Transport is the official SDK's `StripeClient`, imported only when a live
run starts. Its own retries stay off (`max_network_retries=0`): pacing and
retrying happen in one shared `RequestBudget` around each call, because the
SDK retries nothing by default and never a bare 429, and because a retry
must count against the same per-second budget as every other request.
Pages come back as raw JSON (`raw_request`), not SDK objects, so the
normalizer sees exactly the pinned API version's shape.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from prodcheck.config import BillingConfig
from prodcheck.errors import CredentialError, SourceError
from prodcheck.model import BillingState, Provider, SourceInfo
from prodcheck.sources import stripe_normalize, stripe_pauses
from prodcheck.sources.credentials import display_url, read_key
from prodcheck.sources.database import Check
from prodcheck.sources.http_budget import RequestBudget, RetryPolicy, pace_note
from prodcheck.sources.live_billing import Lines, LiveBilling, Raw
from prodcheck.sources.progress import Progress
from prodcheck.sources.stripe_access import (
    RESTRICTED_KEY_ADVICE,
    StripeKey,
    classify_error,
    classify_key,
    explain,
    key_notes,
)
from prodcheck.sources.stripe_slices import Listing, fetch_all

if TYPE_CHECKING:
    from stripe import StripeClient

# The shapes stripe_normalize reads (item-level periods, price objects on items)
# are those of this version; pinning it keeps an SDK upgrade from changing them.
STRIPE_API_VERSION = "2025-03-31.basil"
STRIPE_API_BASE = "https://api.stripe.com"
# Under both the 25 requests/s of test mode and the 25/s per-endpoint default.
DEFAULT_REQUESTS_PER_SECOND = 20.0
CONNECT_TIMEOUT = 10.0
EVENTS_RETAINED_DAYS = 30


class StripeBilling(LiveBilling):
    provider = Provider.STRIPE

    def __init__(
        self,
        config: BillingConfig,
        *,
        env: Mapping[str, str] = os.environ,
        progress: Progress | None = None,
        retry: RetryPolicy | None = None,
        now: datetime | None = None,
    ) -> None:
        self.config = config
        # The run's `now` (--now when reproducing a past run): time windows such as
        # "events of the last 30 days" are counted back from it.
        self.now = now
        self.env = env
        self.progress = progress
        self.retry = retry or RetryPolicy(max_retries=config.max_retries)
        # Filled by fetch(): what SourceInfo reports (`snapshot` may record them too).
        self.notes: tuple[str, ...] = ()
        self.mode = "unknown"

    @property
    def base(self) -> str:
        return display_url(self.config.api_base or STRIPE_API_BASE)

    @property
    def api_version(self) -> str:
        return self.config.api_version or STRIPE_API_VERSION

    def _key(self) -> tuple[str, StripeKey]:
        variable = self.config.api_key_env
        key = read_key(self.env, variable, "Stripe", RESTRICTED_KEY_ADVICE)
        return key, classify_key(key, variable or "")

    def fetch(self, needs: frozenset[str]) -> tuple[Raw, dict[str, str]]:
        """Raw Stripe objects per collection, complete, and where each came from."""
        fetched, origins = self._fetch(needs, None)
        return _stitch_items(fetched), origins

    def fetch_lines(self, needs: frozenset[str]) -> tuple[Lines, dict[str, str]]:
        """The same objects, each kept as its JSON text from the moment its page
        arrives (a fraction of the memory of the parsed object)."""
        fetched, origins = self._fetch(needs, _keyed_line)
        return _stitch_lines(fetched), origins

    def _fetch(
        self, needs: frozenset[str], encode: Callable[[dict[str, Any]], Any] | None
    ) -> tuple[dict[str, list[Any]], dict[str, str]]:
        key, kind = self._key()
        self.mode = kind.mode
        variable = self.config.api_key_env or ""
        client = make_client(self.config, key)
        budget = RequestBudget(
            self.config.requests_per_second or DEFAULT_REQUESTS_PER_SECOND, policy=self.retry
        )
        listings = self._listings(needs)
        if self.progress is not None:
            self.progress.begin("Stripe")
        started = time.monotonic()

        def fetch_page(resource: str, params: dict[str, Any]) -> Mapping[str, Any]:
            try:
                return budget.call(lambda: list_page(client, resource, params), classify_error)
            except Exception as exc:
                if budget.aborted:
                    raise
                raise explain(exc, resource, key=key, variable=variable, base=self.base) from None

        def on_page(name: str, objects: int) -> None:
            if self.progress is not None:
                self.progress.add(name.split(":")[0], objects)

        try:
            fetched = fetch_all(
                listings,
                fetch_page,
                concurrency=self.config.concurrency,
                follow_ups=_item_continuations,
                on_page=on_page,
                on_abort=budget.abort,
                encode=encode,
            )
        finally:
            if self.progress is not None:
                self.progress.finish()
        elapsed = time.monotonic() - started
        version = f"Stripe API version {self.api_version}"
        if self.api_version != STRIPE_API_VERSION:
            version += (
                f" (billing.api_version overrides {STRIPE_API_VERSION}, the version whose "
                "object shapes prodcheck reads: if checks misread fields, remove the override)"
            )
        self.notes = (
            version,
            *key_notes(kind, variable),
            pace_note(budget, elapsed, self.config.concurrency),
        )
        origins = {
            name: f"Stripe API /v1/{name}"
            for name in fetched
            if ":" not in name and name != stripe_pauses.NAME
        }
        return fetched, origins

    def _normalize(self, raw: Raw, origins: dict[str, str]) -> BillingState:
        return stripe_normalize.normalize(raw, origins)

    def _info(self, raw: Mapping[str, Sequence[Any]]) -> SourceInfo:
        return SourceInfo(
            side="billing",
            kind="stripe",
            location=f"Stripe API ({self.mode} mode) at {self.base}",
            counts={name: len(objects) for name, objects in sorted(raw.items())},
            notes=self.notes,
        )

    def _reference(self) -> int:
        return int(self.now.timestamp()) if self.now else int(time.time())

    def _listings(self, needs: frozenset[str]) -> list[Listing]:
        # `status=all`: the default list hides canceled subscriptions, and a
        # canceled subscription behind an account that still has access is the
        # finding that matters most. Items carry full price objects already
        # (`price` is not expandable on items), so nothing is expanded.
        listings = [
            Listing("subscriptions", "subscriptions", {"status": "all"}),
            Listing("customers", "customers", {}),
        ]
        if "events" in needs:
            days = min(self.config.events_days or EVENTS_RETAINED_DAYS, EVENTS_RETAINED_DAYS)
            since = self._reference() - days * 86_400
            listings.append(Listing("events", "events", {}, gte=since))
        elif "recent_events" in needs:
            # Only for the settle window: what changed in the last day is enough
            # to tell which objects may have a webhook in flight.
            since = self._reference() - 86_400
            listings.append(Listing("events", "events", {}, gte=since))
        if "subscription_schedules" in needs:
            listings.append(Listing("subscription_schedules", "subscription_schedules", {}))
        paused = stripe_pauses.listing(self.api_version)
        if paused is not None:
            listings.append(paused)
        return listings


def make_client(config: BillingConfig, key: str) -> StripeClient:
    import stripe

    # Bounded timeouts: connect quickly or fail, and never wait on a page forever.
    http_client = stripe.RequestsClient(
        timeout=(min(CONNECT_TIMEOUT, config.timeout_seconds), config.timeout_seconds)
    )
    bases: Any = {"api": config.api_base.rstrip("/")} if config.api_base else None
    return stripe.StripeClient(
        key,
        stripe_version=config.api_version or STRIPE_API_VERSION,
        base_addresses=bases,
        max_network_retries=0,
        http_client=http_client,
    )


def list_page(client: StripeClient, resource: str, params: dict[str, Any]) -> Mapping[str, Any]:
    """One page of GET /v1/<resource> as the raw JSON list object.

    `raw_request` rather than the typed `client.v1.<resource>.list`: the typed
    call also builds a StripeObject tree of every page, about 50 ms of CPU per
    100 subscriptions, which under the GIL caps a fetch near 20 pages/s, and the
    normalizer wants the plain JSON anyway. Errors are the same StripeError types.
    """
    response = client.raw_request("get", f"/v1/{resource}", **params)
    data = response.data
    if not isinstance(data, Mapping):
        raise TypeError(f"GET /v1/{resource} did not answer with a JSON object")
    return data


def _item_continuations(listing: Listing, obj: dict[str, Any]) -> Iterable[Listing]:
    """A subscription's embedded items list stops after a few; read the rest."""
    if listing.name != "subscriptions":  # (the paused listing reads status_details only)
        return ()
    items = obj.get("items")
    if not isinstance(items, dict) or not items.get("has_more"):
        return ()
    data = items.get("data")
    sub_id = str(obj.get("id"))
    if not isinstance(data, list) or not data or not isinstance(data[-1], dict):
        raise SourceError(
            f"Stripe's subscription {sub_id} says its items list has more items "
            "but holds no item list to continue from; stopping rather than checking a "
            "partial list. Run again later."
        )
    last = data[-1].get("id")
    return (
        Listing(
            f"items:{sub_id}",
            "subscription_items",
            {"subscription": sub_id},
            sliceable=False,
            cursor=last,
        ),
    )


def _stitch_items(fetched: dict[str, list[dict[str, Any]]]) -> Raw:
    """Put continued item lists back into their subscriptions: one complete list each,
    and why each paused one is paused."""
    raw = {name: objects for name, objects in fetched.items() if not name.startswith("items:")}
    stripe_pauses.merge(raw)
    for sub in raw.get("subscriptions", []):
        rest = fetched.get(f"items:{sub.get('id')}")
        if rest is not None:
            _stitch(sub, rest)
    return raw


def _keyed_line(obj: dict[str, Any]) -> tuple[str, str]:
    return str(obj.get("id")), json.dumps(obj, separators=(",", ":"))


def _stitch_lines(fetched: dict[str, list[tuple[str, str]]]) -> Lines:
    """_stitch_items for objects kept as (id, JSON text): only the subscriptions
    whose items list was continued are parsed, stitched and written again."""
    stripe_pauses.merge_lines(fetched)
    rests = {
        name.removeprefix("items:"): [json.loads(line) for _, line in kept]
        for name, kept in fetched.items()
        if name.startswith("items:")
    }
    lines: Lines = {}
    for name, kept in fetched.items():
        if name.startswith("items:"):
            continue
        found = lines.setdefault(name, [])
        for obj_id, line in kept:
            if name == "subscriptions" and obj_id in rests:
                sub = json.loads(line)
                _stitch(sub, rests[obj_id])
                line = _keyed_line(sub)[1]
            found.append(line)
    return lines


def _stitch(sub: dict[str, Any], rest: list[dict[str, Any]]) -> None:
    items = dict(sub["items"])
    embedded = list(items.get("data") or [])
    seen = {item.get("id") for item in embedded}
    embedded.extend(item for item in rest if item.get("id") not in seen)
    items.update(data=embedded, has_more=False, total_count=len(embedded))
    sub["items"] = items


PROBED = ("customers", "subscriptions", "subscription_schedules", "events")


def probe(config: BillingConfig, env: Mapping[str, str] = os.environ) -> list[Check]:
    """`prodcheck doctor`'s Stripe checks, in order: key present, key kind, API
    reachable, key accepted, read access per list. A failure that makes the later
    checks meaningless ends the list. One request per list, no long backoff."""
    import stripe

    variable = config.api_key_env or ""
    try:
        key = read_key(env, config.api_key_env, "Stripe", RESTRICTED_KEY_ADVICE)
    except CredentialError as exc:
        return [Check("api key", False, exc.message)]
    checks = [Check("api key", True, f"${variable} is set")]
    try:
        kind = classify_key(key, variable)
    except CredentialError as exc:
        return [*checks, Check("key kind", False, exc.message)]
    # Doctor's convention: ok=False with a message starting "warning" is shown as a
    # warning (the key works but should be replaced), not counted as a failure.
    warning = next((n for n in key_notes(kind, variable) if n.startswith("warning")), None)
    checks.append(Check("key kind", warning is None, warning or kind.description))

    client = make_client(config, key)
    policy = RetryPolicy(max_retries=1, base_delay=0.2, max_connection_retries=0)
    budget = RequestBudget(DEFAULT_REQUESTS_PER_SECOND, policy=policy)
    base = display_url(config.api_base or STRIPE_API_BASE)
    for resource in PROBED:
        error: Exception | None = None
        try:
            budget.call(partial(list_page, client, resource, {"limit": 1}), classify_error)
        except Exception as exc:
            error = exc
        cause = getattr(error, "last", error)
        if isinstance(cause, stripe.APIConnectionError):
            message = explain(cause, resource, key=key, variable=variable, base=base).message
            return [*checks, Check("reachable", False, message)]
        if len(checks) == 2:
            checks.append(Check("reachable", True, f"{base} answered"))
        if error is None:
            checks.append(Check(f"read {resource}", True, f"GET /v1/{resource} allowed"))
            continue
        message = explain(error, resource, key=key, variable=variable, base=base).message
        if isinstance(cause, stripe.AuthenticationError):
            return [*checks, Check("key accepted", False, message)]
        checks.append(Check(f"read {resource}", False, message))
    return checks
