"""A local stand-in for Stripe's list endpoints, faithful where prodcheck depends on it.

Serves given Stripe-shaped objects the way GET /v1/<resource> does: newest
first, `limit` (1-100, default 10), `starting_after` cursors, `has_more`,
`created` ranges, `status` on subscriptions (the default hides canceled ones),
embedded `items` lists cut after a few items with `has_more` (give each
subscription its `items` as a plain list; the server wraps it), the
subscription_items list, `expand[]` of expandable references (and a 400 for
anything else, as Stripe), GET /v1/customers/{id} (404 `resource_missing`
when unknown), and unknown parameters refused. Keys must look like
Stripe keys; a denied permission gives Stripe's 403.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from .fake_http import FakeServer, Faults, Reply

RESOURCES = ("customers", "subscriptions", "subscription_items", "events", "subscription_schedules")
COMMON = {"limit", "starting_after", "created", "expand"}
ALLOWED = {
    "customers": COMMON | {"email"},
    "subscriptions": COMMON | {"status", "customer", "price"},
    "subscription_items": {"limit", "starting_after", "expand", "subscription"},
    "events": COMMON | {"type", "types"},
    "subscription_schedules": COMMON | {"customer"},
}
# Stripe expands references (ids) only; `items.data.price` is already an object.
EXPANDABLE = {
    "subscriptions": {"data.customer"},
    "subscription_schedules": {"data.phases.items.price", "data.customer"},
}
HIDDEN_BY_DEFAULT = {"canceled", "incomplete_expired"}


def _error(status: int, message: str, type_: str = "invalid_request_error", **extra: Any) -> Reply:
    return Reply(status, {"error": {"type": type_, "message": message, **extra}})


def _newest_first(objects: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(objects, key=lambda obj: (int(obj.get("created") or 0), obj["id"]), reverse=True)


# The API version that added subscriptions' status_details (why one is paused).
STATUS_DETAILS_SINCE = "2026-09-30"


class FakeStripe(FakeServer):
    def __init__(
        self,
        *,
        customers: Iterable[dict[str, Any]] = (),
        subscriptions: Iterable[dict[str, Any]] = (),
        events: Iterable[dict[str, Any]] = (),
        schedules: Iterable[dict[str, Any]] = (),
        embedded_items: int = 10,
        faults: Faults | None = None,
    ) -> None:
        super().__init__(faults)
        self.embedded_items = embedded_items
        self.objects = {
            "customers": _newest_first(customers),
            "subscriptions": _newest_first(subscriptions),
            "events": _newest_first(events),
            "subscription_schedules": _newest_first(schedules),
        }
        self._position = {
            name: {obj["id"]: index for index, obj in enumerate(objs)}
            for name, objs in self.objects.items()
        }
        self.customers_by_id = {c["id"]: c for c in self.objects["customers"]}
        self.prices = {
            item["price"]["id"]: item["price"]
            for sub in self.objects["subscriptions"]
            for item in sub["items"]
            if isinstance(item.get("price"), dict)
        }
        # Every object id served, per resource: duplicates across pages show up here.
        self.served: dict[str, list[str]] = {name: [] for name in RESOURCES}
        self.versions: set[str] = set()

    def fault_reply(self, number: int, path: str) -> Reply:
        status = self.faults.status
        message = "Too many requests" if status == 429 else "An unknown error occurred"
        reply = _error(status, message, "api_error" if status >= 500 else "invalid_request_error")
        return Reply(reply.status, reply.body, dict(self.faults.headers))

    def rate_limited_reply(self) -> Reply:
        return _error(429, "Request rate limit exceeded.", code="rate_limit")

    def route(self, path: str, query: dict[str, Any], headers: Mapping[str, str]) -> Reply:
        auth = headers.get("authorization", "")
        key = auth.removeprefix("Bearer ").strip()
        if not key.startswith(("sk_test_", "sk_live_", "rk_test_", "rk_live_")):
            return _error(401, f"Invalid API Key provided: {key[:8]}****{key[-4:]}")
        self.versions.add(headers.get("stripe-version", ""))
        resource = path.removeprefix("/v1/")
        if resource.startswith("customers/"):
            return self._customer(resource.removeprefix("customers/"))
        if resource not in RESOURCES:
            return _error(404, f"Unrecognized request URL (GET: {path}).")
        denied = self.faults.denied.get(resource)
        if denied:
            return _error(
                403,
                f"The provided key '{key[:12]}' does not have the required permissions for this "
                f"endpoint on account 'acct_fake'. Having the '{denied}' permission would allow "
                "this request to continue.",
            )
        unknown = set(query) - ALLOWED[resource]
        if unknown:
            return _error(400, f"Received unknown parameter: {sorted(unknown)[0]}")
        limit = int(query.get("limit", 10))
        if not 1 <= limit <= 100:
            return _error(400, "Limit must be between 1 and 100.")
        expand = query.get("expand", [])
        for path_ in expand:
            if path_ not in EXPANDABLE.get(resource, set()):
                return _error(400, f"This property cannot be expanded ({path_}).")
        if resource == "subscription_items":
            return self._items(query, limit)
        return self._list(resource, query, limit, expand, headers.get("stripe-version", ""))

    def _customer(self, customer_id: str) -> Reply:
        """GET /v1/customers/{id}: the customer, Stripe's stub of a deleted one, or 404."""
        from urllib.parse import unquote

        customer_id = unquote(customer_id)
        self.served["customers"].append(customer_id)
        found = self.customers_by_id.get(customer_id)
        if found is None:
            return _error(
                404, f"No such customer: '{customer_id}'", code="resource_missing", param="id"
            )
        if found.get("deleted"):
            return Reply(200, {"id": customer_id, "object": "customer", "deleted": True})
        return Reply(200, copy.deepcopy(found))

    def _list(
        self, resource: str, query: dict[str, Any], limit: int, expand: list[str], version: str
    ) -> Reply:
        objects = self.objects[resource]
        start = 0
        cursor = query.get("starting_after")
        if cursor:
            if cursor not in self._position[resource]:
                return _error(400, f"No such object: '{cursor}'", param="starting_after")
            start = self._position[resource][cursor] + 1
        matches = (obj for obj in objects[start:] if self._matches(resource, obj, query))
        page = []
        has_more = False
        for obj in matches:
            if len(page) == limit:
                has_more = True
                break
            page.append(obj)
        self.served[resource].extend(obj["id"] for obj in page)
        data = [self._render(resource, obj, expand, version) for obj in page]
        return Reply(
            200,
            {"object": "list", "url": f"/v1/{resource}", "has_more": has_more, "data": data},
            slow=True,
        )

    def _matches(self, resource: str, obj: Mapping[str, Any], query: Mapping[str, Any]) -> bool:
        created = query.get("created")
        stamp = int(obj.get("created") or 0)
        if isinstance(created, str) and stamp != int(created):
            return False
        if isinstance(created, dict):
            for op, bound in created.items():
                value = int(bound)
                ok = {
                    "gt": stamp > value,
                    "gte": stamp >= value,
                    "lt": stamp < value,
                    "lte": stamp <= value,
                }[op]
                if not ok:
                    return False
        if resource == "subscriptions":
            status = query.get("status")
            if status is None and obj["status"] in HIDDEN_BY_DEFAULT:
                return False
            if status not in (None, "all") and obj["status"] != status:
                return False
        return "customer" not in query or obj.get("customer") == query["customer"]

    def _render(
        self, resource: str, obj: Mapping[str, Any], expand: list[str], version: str
    ) -> dict[str, Any]:
        out = copy.deepcopy(dict(obj))
        if resource == "subscriptions" and version[:10] < STATUS_DETAILS_SINCE:
            # as Stripe: a field is in the shape of the API versions that have it
            out.pop("status_details", None)
        if resource == "subscriptions":
            items = out["items"]
            out["items"] = {
                "object": "list",
                "data": [
                    dict(item, subscription=out["id"]) for item in items[: self.embedded_items]
                ],
                "has_more": len(items) > self.embedded_items,
                "total_count": len(items),
                "url": f"/v1/subscription_items?subscription={out['id']}",
            }
        customers = self.customers_by_id
        if "data.customer" in expand and out.get("customer") in customers:
            out["customer"] = copy.deepcopy(customers[out["customer"]])
        if "data.phases.items.price" in expand:
            for phase in out.get("phases", []):
                for item in phase.get("items", []):
                    item["price"] = copy.deepcopy(self.prices.get(item["price"], item["price"]))
        return out

    def _items(self, query: Mapping[str, Any], limit: int) -> Reply:
        sub_id = query.get("subscription")
        subs = {s["id"]: s for s in self.objects["subscriptions"]}
        if sub_id not in subs:
            return _error(400, "Missing required param: subscription.", param="subscription")
        items = [dict(item, subscription=sub_id) for item in subs[sub_id]["items"]]
        start = 0
        cursor = query.get("starting_after")
        if cursor:
            ids = [item["id"] for item in items]
            if cursor not in ids:
                return _error(400, f"No such subscription item: '{cursor}'")
            start = ids.index(cursor) + 1
        page = items[start : start + limit]
        self.served["subscription_items"].extend(item["id"] for item in page)
        body = {
            "object": "list",
            "url": "/v1/subscription_items",
            "has_more": start + limit < len(items),
            "data": page,
        }
        return Reply(200, body, slow=True)
