"""Build scenario folders: provider-shaped billing objects, DB rows, scenario.yml.

The fixtures under scenarios/ are data and are committed as data; this kit only
saves typing when writing them. Objects follow the providers' API shapes
(Stripe API 2025-03-31+: period fields on subscription items; Paddle Billing).

    kit = Scenario("access-revenue-leak-fail", now="2026-11-01T12:00:00Z")
    kit.customer("cus_A", email="ann@example.com", user_id="u_1")
    kit.subscription("sub_A", "cus_A", "price_pro_monthly", status="active")
    kit.account("u_1", "cus_A", has_access=False, plan="pro")
    kit.expect("fail", [("access.revenue_leak", "account:u_1")])
    kit.write(Path("scenarios"))
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

DAY = 86_400

# The plans every bundled scenario shares unless it says otherwise.
PRICES: dict[str, dict[str, Any]] = {
    "price_starter_monthly": {"amount": 1900, "interval": "month", "plan": "starter"},
    "price_pro_monthly": {"amount": 4900, "interval": "month", "plan": "pro"},
    "price_pro_yearly": {"amount": 49000, "interval": "year", "plan": "pro"},
    "price_team_monthly": {"amount": 9900, "interval": "month", "plan": "team"},
}
TIERS = ["free", "starter", "pro", "team"]


def ts(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def default_config(provider: str = "stripe", *, columns: dict[str, str] | None = None,
                   prices: dict[str, str] | None = None, tiers: list[str] | None = TIERS,
                   policy: dict[str, Any] | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "version": 1,
        "billing": {"provider": provider, "api_key_env": "STRIPE_API_KEY" if provider == "stripe" else "PADDLE_API_KEY"},
        "database": {
            "url_env": "DATABASE_URL",
            "table": "users",
            "columns": columns or {
                "id": "id",
                "customer_id": "stripe_customer_id" if provider == "stripe" else "paddle_customer_id",
                "has_access": "has_paid_access",
                "plan": "plan",
            },
        },
        "plans": {"prices": prices or {p: v["plan"] for p, v in PRICES.items()}},
    }
    if tiers:
        config["plans"]["tiers"] = tiers
    if policy:
        config["policy"] = policy
    config.update(extra or {})
    return config


@dataclass
class Scenario:
    name: str
    now: str
    description: str = ""
    provider: str = "stripe"
    config: dict[str, Any] = field(default_factory=default_config)
    customers: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    expected: dict[str, Any] = field(default_factory=dict)
    prices: dict[str, dict[str, Any]] = field(default_factory=lambda: dict(PRICES))

    @property
    def now_ts(self) -> int:
        return ts(self.now)

    # -- Stripe -----------------------------------------------------------------
    def customer(self, cid: str, *, email: str | None = None, name: str | None = None,
                 user_id: str | None = None, created_days_ago: float = 400, **extra: Any) -> dict[str, Any]:
        if self.provider == "paddle":
            return self._paddle_customer(cid, email=email, name=name, user_id=user_id,
                                         created_days_ago=created_days_ago)
        obj = {
            "id": cid, "object": "customer", "created": self.now_ts - int(created_days_ago * DAY),
            "email": email, "name": name, "livemode": False,
            "metadata": {"user_id": user_id} if user_id else {},
        }
        obj.update(extra)
        self.customers.append(obj)
        return obj

    def price_object(self, price_id: str) -> dict[str, Any]:
        spec = self.prices[price_id]
        return {
            "id": price_id, "object": "price", "active": True, "currency": spec.get("currency", "usd"),
            "unit_amount": spec["amount"], "product": f"prod_{spec['plan']}", "type": "recurring",
            "recurring": {"interval": spec["interval"], "interval_count": spec.get("interval_count", 1)},
        }

    def subscription(self, sid: str, customer: str, *prices: str, status: str = "active",
                     quantity: int = 1, created_days_ago: float = 200, period_started_days_ago: float = 10,
                     cancel_at_period_end: bool = False, trial: bool = False,
                     item_created_days_ago: float | None = None, pending_prices: tuple[str, ...] = (),
                     canceled_days_ago: float | None = None, **extra: Any) -> dict[str, Any]:
        if self.provider == "paddle":
            return self._paddle_subscription(sid, customer, *prices, status=status, quantity=quantity,
                                             created_days_ago=created_days_ago,
                                             period_started_days_ago=period_started_days_ago,
                                             cancel_at_period_end=cancel_at_period_end, trial=trial)
        now = self.now_ts
        start = now - int(period_started_days_ago * DAY)
        items = []
        for index, price_id in enumerate(prices or ("price_pro_monthly",)):
            interval = self.prices[price_id]["interval"]
            length = {"month": 30, "year": 365, "week": 7, "day": 1}[interval] * DAY
            items.append({
                "id": f"si_{sid.removeprefix('sub_')}_{index + 1}", "object": "subscription_item",
                "created": now - int((item_created_days_ago if item_created_days_ago is not None else created_days_ago) * DAY),
                "current_period_start": start, "current_period_end": start + length,
                "price": self.price_object(price_id), "quantity": quantity, "subscription": sid,
            })
        created = now - int(created_days_ago * DAY)
        obj: dict[str, Any] = {
            "id": sid, "object": "subscription", "customer": customer, "status": status,
            "created": created, "start_date": created,
            "cancel_at_period_end": cancel_at_period_end,
            "cancel_at": items[0]["current_period_end"] if cancel_at_period_end else None,
            "canceled_at": now - int(canceled_days_ago * DAY) if canceled_days_ago is not None else None,
            "ended_at": now - int(canceled_days_ago * DAY) if canceled_days_ago is not None and status == "canceled" else None,
            "trial_start": created if trial else None,
            "trial_end": created + 14 * DAY if trial else None,
            "items": {"object": "list", "data": items, "has_more": False, "url": f"/v1/subscription_items?subscription={sid}"},
            "pending_update": {
                "expires_at": now + DAY,
                "subscription_items": [{"id": items[0]["id"], "price": self.price_object(p), "quantity": quantity} for p in pending_prices],
            } if pending_prices else None,
            "metadata": {}, "livemode": False, "currency": "usd",
        }
        obj.update(extra)
        self.subscriptions.append(obj)
        return obj

    def schedule(self, sched_id: str, subscription: str, customer: str, *, created_days_ago: float,
                 phases: list[tuple[float, float | None, str]]) -> dict[str, Any]:
        """phases: (starts in N days (negative: ago), ends in N days or None, price)."""
        now = self.now_ts
        obj = {
            "id": sched_id, "object": "subscription_schedule", "subscription": subscription,
            "customer": customer, "status": "active", "created": now - int(created_days_ago * DAY),
            "end_behavior": "release",
            "phases": [
                {"start_date": now + int(s * DAY), "end_date": now + int(e * DAY) if e is not None else None,
                 "items": [{"price": p, "quantity": 1}]}
                for s, e, p in phases
            ],
        }
        self.schedules.append(obj)
        return obj

    def event(self, eid: str, etype: str, object_id: str, *, minutes_ago: float, pending_webhooks: int = 0) -> None:
        if self.events is None:
            self.events = []
        self.events.append({
            "id": eid, "object": "event", "type": etype, "created": self.now_ts - int(minutes_ago * 60),
            "data": {"object": {"id": object_id}}, "pending_webhooks": pending_webhooks, "livemode": False,
        })

    # -- Paddle -----------------------------------------------------------------
    def _paddle_customer(self, cid: str, *, email: str | None, name: str | None, user_id: str | None,
                         created_days_ago: float) -> dict[str, Any]:
        obj = {
            "id": cid, "status": "active", "email": email, "name": name, "locale": "en",
            "custom_data": {"user_id": user_id} if user_id else None, "marketing_consent": False,
            "created_at": iso(self.now_ts - int(created_days_ago * DAY)),
            "updated_at": iso(self.now_ts - int(created_days_ago * DAY)),
        }
        self.customers.append(obj)
        return obj

    def _paddle_subscription(self, sid: str, customer: str, *prices: str, status: str, quantity: int,
                             created_days_ago: float, period_started_days_ago: float,
                             cancel_at_period_end: bool, trial: bool) -> dict[str, Any]:
        now = self.now_ts
        start = now - int(period_started_days_ago * DAY)
        items = []
        end = start
        for price_id in prices or ("pri_pro_monthly",):
            spec = self.prices[price_id]
            length = {"month": 30, "year": 365}[spec["interval"]] * DAY
            end = start + length
            items.append({
                "status": "active", "quantity": quantity, "recurring": True,
                "created_at": iso(now - int(created_days_ago * DAY)), "updated_at": iso(start),
                "previously_billed_at": iso(start), "next_billed_at": iso(end),
                "trial_dates": {"starts_at": iso(now - int(created_days_ago * DAY)),
                                "ends_at": iso(now - int(created_days_ago * DAY) + 14 * DAY)} if trial else None,
                "price": {
                    "id": price_id, "product_id": f"pro_{spec['plan']}", "description": spec["plan"],
                    "unit_price": {"amount": str(spec["amount"]), "currency_code": spec.get("currency", "USD")},
                    "billing_cycle": {"interval": spec["interval"], "frequency": 1},
                    "status": "active",
                },
            })
        obj = {
            "id": sid, "status": status, "customer_id": customer, "address_id": f"add_{sid[4:]}",
            "currency_code": "USD", "collection_mode": "automatic",
            "created_at": iso(now - int(created_days_ago * DAY)), "updated_at": iso(start),
            "started_at": iso(now - int(created_days_ago * DAY)),
            "first_billed_at": iso(now - int(created_days_ago * DAY)),
            "next_billed_at": iso(end) if status in ("active", "trialing", "past_due") else None,
            "paused_at": iso(start) if status == "paused" else None,
            "canceled_at": iso(start) if status == "canceled" else None,
            "billing_cycle": {"interval": "month", "frequency": 1},
            "current_billing_period": {"starts_at": iso(start), "ends_at": iso(end)} if status != "canceled" else None,
            "scheduled_change": {"action": "cancel", "effective_at": iso(end), "resume_at": None} if cancel_at_period_end else None,
            "items": items, "custom_data": None,
        }
        self.subscriptions.append(obj)
        return obj

    # -- database and expectations ---------------------------------------------------
    def account(self, uid: str, customer: str | None, *, has_access: bool, plan: str | None = None,
                **columns: Any) -> dict[str, Any]:
        key = self.config["database"]["columns"]
        row = {key["id"]: uid, key["customer_id"]: customer, key["has_access"]: has_access}
        if "plan" in key:
            row[key["plan"]] = plan
        row.update(columns)
        self.rows.append(row)
        return row

    def expect(self, verdict: str, findings: list[tuple[str, str]], **extra: Any) -> None:
        self.expected = {"verdict": verdict,
                         "findings": [{"rule": r, "subject": s} for r, s in sorted(findings)], **extra}

    def write(self, root: Path) -> Path:
        folder = root / self.name
        folder.mkdir(parents=True, exist_ok=True)
        billing = folder / self.provider
        billing.mkdir(exist_ok=True)
        _dump(billing / "customers.json", self.customers)
        _dump(billing / "subscriptions.json", self.subscriptions)
        if self.provider == "stripe":
            if self.schedules:
                _dump(billing / "subscription_schedules.json", self.schedules)
            if self.events is not None:
                _dump(billing / "events.json", self.events)
        (folder / "db").mkdir(exist_ok=True)
        _dump(folder / "db" / f"{self.config['database']['table']}.json", self.rows)
        header = f"# {self.name}: {self.description}\n" if self.description else ""
        (folder / "prodcheck.yml").write_text(header + yaml.safe_dump(self.config, sort_keys=False), encoding="utf-8")
        scenario = {"description": self.description, "now": self.now, "expect": self.expected}
        (folder / "scenario.yml").write_text(
            yaml.safe_dump(scenario, sort_keys=False, width=88, allow_unicode=True), encoding="utf-8"
        )
        return folder


def _dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def days_ago(now: str, days: float) -> str:
    moment = datetime.fromisoformat(now.replace("Z", "+00:00")) - timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
