"""The live Paddle Billing source: every customer and subscription, read whole.

Transport is paddle-python-sdk's `Client` (auth headers, Paddle-Version,
environments), used through `get_raw`: its entity classes turn JSON into
dataclasses with enums and datetimes that would have to be turned back into
API-shaped dicts for `paddle_normalize`, losing fields on the way, while the
raw response is exactly the shape fixtures and snapshots hold.

Pages are asked for by hand (`after` = last id, `per_page` = 200, ids
ascending), each list on its own thread under one shared request budget
(Paddle allows 240 requests a minute per IP). The SDK's own urllib3 retries
(https only, outside any budget, and hiding the 429's status once exhausted)
are replaced by a plain adapter, so retrying happens in `RequestBudget` alone.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from prodcheck.config import BillingConfig
from prodcheck.errors import CredentialError
from prodcheck.model import BillingState, Provider, SourceInfo
from prodcheck.sources import paddle_normalize
from prodcheck.sources.credentials import display_url, read_key
from prodcheck.sources.database import Check
from prodcheck.sources.http_budget import RequestBudget, RetryPolicy, pace_note
from prodcheck.sources.live_billing import Lines, LiveBilling, Raw
from prodcheck.sources.paddle_access import (
    KEY_ADVICE,
    classify_error,
    classify_key,
    explain,
    key_note,
)
from prodcheck.sources.pages import checked_page, repeated_cursor
from prodcheck.sources.progress import Progress

PADDLE_API_VERSION = 1  # the Paddle-Version header the SDK sends
PER_PAGE = 200  # Paddle's maximum
# Under Paddle's 240 requests/minute (4/s) per IP, with room for the app's own calls.
DEFAULT_REQUESTS_PER_SECOND = 3.5
# Subscriptions: every status, asked for explicitly rather than trusting the
# default scope. Customers: the default scope is `active` only, and an archived
# customer with a live subscription is a finding, not something to skip.
LISTS = {
    "subscriptions": {"status": "active,canceled,past_due,paused,trialing"},
    "customers": {"status": "active,archived"},
}
# Notifications (an event's delivery to one destination, each status) are read for
# the webhooks pack only, from `billing.events_days` back; Paddle keeps 90 days.
NOTIFICATIONS_RETAINED_DAYS = 90


@dataclass(frozen=True, slots=True)
class _BaseUrl:
    """Stands in for paddle_billing.Environment, which only offers its two fixed URLs;
    the SDK reads nothing from it but `base_url`."""

    base_url: str


def make_client(config: BillingConfig, key: str) -> Any:
    from paddle_billing import Client, Environment, Options
    from requests.adapters import HTTPAdapter

    environment: Any = (
        _BaseUrl(config.api_base.rstrip("/"))
        if config.api_base
        else Environment(config.environment)
    )
    client = Client(key, options=Options(environment), timeout=config.timeout_seconds)
    for prefix in ("https://", "http://"):
        client.client.mount(prefix, HTTPAdapter())
    return client


def list_page(client: Any, resource: str, params: dict[str, Any]) -> Mapping[str, Any]:
    data = client.get_raw(f"/{resource}", params).json()
    if not isinstance(data, Mapping):
        raise TypeError(f"GET /{resource} did not answer with a JSON object")
    return data


class PaddleBilling(LiveBilling):
    provider = Provider.PADDLE

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
        self.now = now  # the run's: the notifications' window is counted back from it
        self.env = env
        self.progress = progress
        self.retry = retry or RetryPolicy(max_retries=config.max_retries)
        self.notes: tuple[str, ...] = ()

    @property
    def base(self) -> str:
        from_environment = {
            "production": "https://api.paddle.com",
            "sandbox": "https://sandbox-api.paddle.com",
        }
        return display_url(self.config.api_base or from_environment[self.config.environment])

    def _key(self) -> tuple[str, str]:
        variable = self.config.api_key_env or ""
        key = read_key(self.env, self.config.api_key_env, "Paddle", KEY_ADVICE)
        return key, classify_key(key, variable, self.config.environment)

    def fetch(self, needs: frozenset[str]) -> tuple[Raw, dict[str, str]]:
        """Raw Paddle objects per collection, complete, and where each came from;
        with "events" in `needs`, the notifications of the window too (Paddle has no
        schedules)."""
        return self._fetch(None, self._lists(needs))

    def fetch_lines(self, needs: frozenset[str]) -> tuple[Lines, dict[str, str]]:
        """The same objects, each kept as its JSON text from the moment its page
        arrives (a fraction of the memory of the parsed object)."""
        return self._fetch(_line, self._lists(needs))

    def _lists(self, needs: frozenset[str]) -> dict[str, dict[str, str]]:
        """Each list to read, and its filters."""
        lists = dict(LISTS)
        if "events" in needs:
            days = min(
                self.config.events_days or NOTIFICATIONS_RETAINED_DAYS, NOTIFICATIONS_RETAINED_DAYS
            )
            since = (self.now or datetime.now(UTC)) - timedelta(days=days)
            lists["notifications"] = {"from": since.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
        return lists

    def _fetch(
        self, encode: Callable[[dict[str, Any]], Any] | None, lists: dict[str, dict[str, str]]
    ) -> tuple[Any, dict[str, str]]:
        key, kind = self._key()
        client = make_client(self.config, key)
        budget = RequestBudget(
            self.config.requests_per_second or DEFAULT_REQUESTS_PER_SECOND, policy=self.retry
        )
        if self.progress is not None:
            self.progress.begin("Paddle")
        started = time.monotonic()
        read = partial(self._read_all, client, budget, key, encode)
        pool = ThreadPoolExecutor(max_workers=len(lists), thread_name_prefix="prodcheck")
        try:
            futures = {name: pool.submit(read, name, lists[name]) for name in lists}
            # The first failure ends the fetch at once, whichever list it hit.
            wait(futures.values(), return_when=FIRST_EXCEPTION)
            raw = {name: future.result() for name, future in futures.items()}
        except BaseException:
            budget.abort()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            if self.progress is not None:
                self.progress.finish()
        pool.shutdown(wait=True)
        variable = self.config.api_key_env or ""
        self.notes = (
            f"Paddle API version {PADDLE_API_VERSION}",
            key_note(kind, variable),
            pace_note(budget, time.monotonic() - started, len(lists)),
        )
        return raw, {name: f"Paddle API /{name}" for name in raw}

    def _read_all(
        self,
        client: Any,
        budget: RequestBudget,
        key: str,
        encode: Callable[[dict[str, Any]], Any] | None,
        resource: str,
        filters: dict[str, str],
    ) -> list[Any]:
        objects: dict[str, Any] = {}
        after: str | None = None
        cursors: set[str] = set()
        number = 0
        while True:
            number += 1
            params: dict[str, Any] = {**filters, "per_page": PER_PAGE}
            params["order_by"] = "id[ASC]"
            if after:
                params["after"] = after
            try:
                page = budget.call(partial(list_page, client, resource, params), classify_error)
            except Exception as exc:
                if budget.aborted:
                    raise
                variable = self.config.api_key_env or ""
                raise explain(exc, resource, key=key, variable=variable, base=self.base) from None
            where, data, has_more = _checked(page, resource, number, after)
            for obj in data:
                objects[str(obj.get("id"))] = encode(obj) if encode else obj
            if self.progress is not None:
                self.progress.add(resource, len(data))
            if not has_more:
                return list(objects.values())
            after = str(data[-1].get("id"))
            if after in cursors:
                raise repeated_cursor(where, after)
            cursors.add(after)

    def _normalize(self, raw: Raw, origins: dict[str, str]) -> BillingState:
        return paddle_normalize.normalize(raw, origins)

    def _info(self, raw: Mapping[str, Sequence[Any]]) -> SourceInfo:
        return SourceInfo(
            side="billing",
            kind="paddle",
            location=f"Paddle API ({self.config.environment}) at {self.base}",
            counts={name: len(objects) for name, objects in sorted(raw.items())},
            notes=self.notes,
        )


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, separators=(",", ":"))


def _checked(
    page: Mapping[str, Any], resource: str, number: int, after: str | None
) -> tuple[str, list[dict[str, Any]], bool]:
    where = f"Paddle's answer to GET /{resource} (page {number}" + (
        f", after {after})" if after else ")"
    )
    meta = page.get("meta")
    pagination = meta.get("pagination") if isinstance(meta, Mapping) else None
    has_more = pagination.get("has_more") if isinstance(pagination, Mapping) else None
    data = checked_page(page, where, has_more, "meta.pagination.has_more")
    return where, data, bool(has_more)


def probe(config: BillingConfig, env: Mapping[str, str] = os.environ) -> list[Check]:
    """`prodcheck doctor`'s Paddle checks: key present, key kind (and environment),
    API reachable, key accepted, read access to customers and subscriptions."""
    import requests

    variable = config.api_key_env or ""
    try:
        key = read_key(env, config.api_key_env, "Paddle", KEY_ADVICE)
    except CredentialError as exc:
        return [Check("api key", False, exc.message)]
    checks = [Check("api key", True, f"${variable} is set")]
    try:
        kind = classify_key(key, variable, config.environment)
    except CredentialError as exc:
        return [*checks, Check("key kind", False, exc.message)]
    note = key_note(kind, variable)  # a legacy key works: shown as a warning by doctor
    checks.append(Check("key kind", not note.startswith("warning"), note))
    client = make_client(config, key)
    policy = RetryPolicy(max_retries=1, base_delay=0.2, max_connection_retries=0)
    budget = RequestBudget(DEFAULT_REQUESTS_PER_SECOND, burst=2, policy=policy)
    base = PaddleBilling(config, env=env).base
    for resource in LISTS:
        error: Exception | None = None
        try:
            budget.call(partial(list_page, client, resource, {"per_page": 1}), classify_error)
        except Exception as exc:
            error = exc
        cause = getattr(error, "last", error)
        message = (
            explain(error, resource, key=key, variable=variable, base=base).message
            if error is not None
            else f"GET /{resource} allowed"
        )
        if isinstance(cause, requests.ConnectionError | requests.Timeout):
            return [*checks, Check("reachable", False, message)]
        if len(checks) == 2:
            checks.append(Check("reachable", True, f"{base} answered"))
        if getattr(cause, "error_code", None) == "invalid_token":
            return [*checks, Check("key accepted", False, message)]
        checks.append(Check(f"read {resource}", error is None, message))
    return checks
