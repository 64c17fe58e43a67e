"""A local stand-in for Paddle Billing's list endpoints (GET /subscriptions, /customers,
/notifications).

As Paddle: `per_page` (default 50, capped at 200), `after` cursors in `order_by`
order (`id[ASC]` or `id[DESC]`), `meta.pagination` with `next`, `has_more`
and `estimated_total`, comma-separated `status` filters (customers default to
`active` only, subscriptions and notifications to every status), a comma-separated
`id` filter, `from` and `to` (RFC 3339) on a notification's occurred_at,
Paddle-shaped errors: 403 `invalid_token` and `forbidden`, 429 `too_many_requests` with Retry-After.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from .fake_http import FakeServer, Faults, Reply

# None: every status
DEFAULT_SCOPE = {"customers": {"active"}, "subscriptions": None, "notifications": None}
ALLOWED = {"after", "per_page", "order_by", "status", "id", "customer_id", "email"}
ALLOWED_NOTIFICATIONS = {"after", "per_page", "order_by", "status", "from", "to"}


def _error(status: int, code: str, detail: str, type_: str = "request_error") -> Reply:
    body = {
        "error": {
            "type": type_,
            "code": code,
            "detail": detail,
            "documentation_url": f"https://developer.paddle.com/errors/shared/{code}",
        },
        "meta": {"request_id": "00000000-0000-0000-0000-000000000000"},
    }
    return Reply(status, body)


class FakePaddle(FakeServer):
    def __init__(
        self,
        *,
        customers: Iterable[dict[str, Any]] = (),
        subscriptions: Iterable[dict[str, Any]] = (),
        notifications: Iterable[dict[str, Any]] = (),
        faults: Faults | None = None,
    ) -> None:
        super().__init__(faults)
        self.objects = {
            "customers": sorted(customers, key=lambda obj: obj["id"]),
            "subscriptions": sorted(subscriptions, key=lambda obj: obj["id"]),
            "notifications": sorted(notifications, key=lambda obj: obj["id"]),
        }
        self.served: dict[str, list[str]] = {name: [] for name in self.objects}
        self.versions: set[str] = set()

    def fault_reply(self, number: int, path: str) -> Reply:
        if self.faults.status == 429:
            # Retry-After: 0 unless the faults say otherwise ("" sends none at all)
            headers = {"Retry-After": "0", **self.faults.headers}
            return self._too_many({k: v for k, v in headers.items() if v})
        reply = _error(self.faults.status, "internal_error", "Internal error.", "api_error")
        return Reply(reply.status, reply.body, dict(self.faults.headers))

    def rate_limited_reply(self) -> Reply:
        return self._too_many({"Retry-After": "1"})

    @staticmethod
    def _too_many(headers: Mapping[str, str]) -> Reply:
        detail = (
            "IP address exceeded the allowed rate limit. Retry after the number of seconds "
            "in the Retry-After header."
        )
        reply = _error(429, "too_many_requests", detail, "api_error")
        return Reply(429, reply.body, headers)

    def route(self, path: str, query: dict[str, Any], headers: Mapping[str, str]) -> Reply:
        key = headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not (key.startswith(("pdl_live_apikey_", "pdl_sdbx_apikey_")) or len(key) >= 40):
            return _error(403, "invalid_token", "Invalid or revoked API key.")
        self.versions.add(headers.get("paddle-version", ""))
        resource = path.strip("/")
        if resource not in self.objects:
            return _error(404, "not_found", f"Entity {resource} not found.")
        if resource in self.faults.denied:
            return _error(403, "forbidden", "You aren't permitted to perform this request.")
        unknown = set(query) - (ALLOWED_NOTIFICATIONS if resource == "notifications" else ALLOWED)
        if unknown:
            return _error(400, "bad_request", f"Invalid request: unknown {sorted(unknown)[0]}.")
        per_page = min(int(query.get("per_page", 50)), 200)
        statuses = set(query["status"].split(",")) if query.get("status") else None
        scope = statuses or DEFAULT_SCOPE[resource]
        objects = [o for o in self.objects[resource] if scope is None or o["status"] in scope]
        if query.get("id"):
            wanted = set(query["id"].split(","))
            objects = [o for o in objects if o["id"] in wanted]
        for bound, keep in (("from", lambda t, b: t >= b), ("to", lambda t, b: t < b)):
            if query.get(bound):
                limit = _moment(query[bound])
                if limit is None:
                    return _error(400, "bad_request", f"Invalid request: {bound} is invalid.")
                objects = [o for o in objects if keep(_moment(o["occurred_at"]), limit)]
        if query.get("order_by", "id[ASC]") == "id[DESC]":
            objects.reverse()
        if query.get("after"):
            ids = [o["id"] for o in self.objects[resource]]
            if query["after"] not in ids:
                return _error(400, "bad_request", "Invalid request: after does not exist.")
            descending = query.get("order_by") == "id[DESC]"
            after = query["after"]
            objects = [o for o in objects if (o["id"] < after if descending else o["id"] > after)]
        page = objects[:per_page]
        has_more = len(objects) > per_page
        self.served[resource].extend(o["id"] for o in page)
        next_url = f"{self.url}/{resource}?after={page[-1]['id']}" if page else None
        body = {
            "data": page,
            "meta": {
                "request_id": "00000000-0000-0000-0000-000000000000",
                "pagination": {
                    "per_page": per_page,
                    "next": next_url,
                    "has_more": has_more,
                    "estimated_total": len(objects),
                },
            },
        }
        return Reply(200, body, slow=True)


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def customer(customer_id: str, *, status: str = "active") -> dict[str, Any]:
    return {
        "id": customer_id,
        "name": f"Customer {customer_id}",
        "email": f"{customer_id}@example.com",
        "status": status,
        "custom_data": None,
        "locale": "en",
        "created_at": "2024-04-11T15:57:24.813Z",
        "updated_at": "2024-04-11T15:57:24.813Z",
    }


def subscription(sub_id: str, customer_id: str, *, status: str = "active") -> dict[str, Any]:
    price = {
        "id": "pri_01basic",
        "product_id": "pro_01basic",
        "unit_price": {"amount": "1000", "currency_code": "USD"},
        "billing_cycle": {"interval": "month", "frequency": 1},
        "status": "active",
    }
    return {
        "id": sub_id,
        "status": status,
        "customer_id": customer_id,
        "created_at": "2024-04-12T10:18:48.294Z",
        "canceled_at": "2024-05-12T10:18:48.294Z" if status == "canceled" else None,
        "current_billing_period": {
            "starts_at": "2024-05-12T10:18:47.635Z",
            "ends_at": "2024-06-12T10:18:47.635Z",
        },
        "scheduled_change": None,
        "custom_data": {"user_id": f"u_{customer_id}"},
        "items": [
            {
                "status": "active",
                "quantity": 1,
                "recurring": True,
                "created_at": "2024-04-12T10:18:48.294Z",
                "price": price,
            }
        ],
    }
