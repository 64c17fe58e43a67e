"""Build scenario folders: provider-shaped billing objects, DB rows, scenario.yml.

The fixtures under scenarios/ are data and are committed as data; this kit only
saves typing when writing them. Objects follow the providers' API shapes
(Stripe API 2025-03-31+: period fields on subscription items; Paddle Billing:
amounts as strings, RFC 3339 timestamps, `current_billing_period`).

    kit = Scenario("access-revenue-leak-fail", now="2026-11-01T12:00:00Z")
    kit.customer("cus_A", email="ann@example.com", user_id="u_1")
    kit.subscription("sub_A", "cus_A", "price_pro_monthly", status="active")
    kit.account("u_1", "cus_A", has_access=False, plan="pro")
    kit.expect("fail", [("access.revenue_leak", "account:u_1")])
    kit.write(Path("scenarios"))

Times are given relative to `now` in days (`created_days_ago=3 / 1440` is three
minutes) so that a scenario reads as a story and never depends on the clock.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

DAY = 86_400
MINUTE = 1 / 1440  # a minute, in days

# The plans every bundled Stripe scenario shares unless it says otherwise.
PRICES: dict[str, dict[str, Any]] = {
    "price_starter_monthly": {"amount": 1900, "interval": "month", "plan": "starter"},
    "price_pro_monthly": {"amount": 4900, "interval": "month", "plan": "pro"},
    "price_pro_yearly": {"amount": 49000, "interval": "year", "plan": "pro"},
    "price_team_monthly": {"amount": 9900, "interval": "month", "plan": "team"},
}
# The same catalogue as Paddle prices (Paddle ids start with pri_).
PADDLE_PRICES: dict[str, dict[str, Any]] = {
    "pri_01jc8starter0monthly": {"amount": 1900, "interval": "month", "plan": "starter"},
    "pri_01jc8pro0monthly0000": {"amount": 4900, "interval": "month", "plan": "pro"},
    "pri_01jc8pro0yearly00000": {"amount": 49000, "interval": "year", "plan": "pro"},
    "pri_01jc8team0monthly000": {"amount": 9900, "interval": "month", "plan": "team"},
}
TIERS = ["free", "starter", "pro", "team"]
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}

# Where an optional logical column lives in the kit's tables when the config
# does not map it: the column exists in the table, prodcheck is just not told.
DEFAULT_COLUMNS = {
    "email": "email",
    "deleted_at": "deleted_at",
    "access_expires_at": "access_expires_at",
    "comped": "is_comped",
    "updated_at": "updated_at",
}


def ts(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def paddle_iso(epoch: int) -> str:
    """Paddle's RFC 3339 form, with microseconds as the API returns them."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z")


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def stripe_id(prefix: str, seed: str, length: int = 14) -> str:
    """A Stripe-looking id (`cus_Q3x8...`), the same for the same seed on every run."""
    number = int.from_bytes(hashlib.sha256(f"{prefix}:{seed}".encode()).digest(), "big")
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 62)
        chars.append(_BASE62[digit])
    return f"{prefix}_{''.join(chars)}"


def new_id(kind: str, seed: str) -> str:
    """Stripe's id shapes: cus_ + 14 characters; sub_1, sub_sched_1, evt_1, price_1 + 23."""
    if kind == "cus":
        return stripe_id("cus", seed)
    return f"{kind}_1{stripe_id(kind, seed, 23).rsplit('_', 1)[1]}"


def paddle_id(prefix: str, seed: str) -> str:
    """A Paddle-looking id (`ctm_01` + 24 lower-case Crockford base32 characters)."""
    number = int.from_bytes(hashlib.sha256(f"{prefix}:{seed}".encode()).digest(), "big")
    chars = []
    for _ in range(24):
        number, digit = divmod(number, 32)
        chars.append(_CROCKFORD[digit])
    return f"{prefix}_01{''.join(chars)}"


def default_config(
    provider: str = "stripe",
    *,
    columns: dict[str, str] | None = None,
    prices: dict[str, str] | None = None,
    tiers: list[str] | None = TIERS,
    policy: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    optional: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A prodcheck.yml for the kit's `users` table; `optional` maps extra logical columns
    (email, deleted_at, access_expires_at, comped, updated_at) to their default names."""
    catalogue = PRICES if provider == "stripe" else PADDLE_PRICES
    mapped = columns or {
        "id": "id",
        "customer_id": "stripe_customer_id" if provider == "stripe" else "paddle_customer_id",
        "has_access": "has_paid_access",
        "plan": "plan",
    }
    mapped = {**mapped, **{name: DEFAULT_COLUMNS[name] for name in optional}}
    config: dict[str, Any] = {
        "version": 1,
        "billing": {
            "provider": provider,
            "api_key_env": "STRIPE_API_KEY" if provider == "stripe" else "PADDLE_API_KEY",
        },
        "database": {"url_env": "DATABASE_URL", "table": "users", "columns": mapped},
        "plans": {"prices": prices or {p: v["plan"] for p, v in catalogue.items()}},
    }
    if tiers:
        config["plans"]["tiers"] = tiers
    if policy:
        config["policy"] = policy
    config.update(extra or {})
    return config


def _default_prices() -> dict[str, dict[str, Any]]:
    return {**PRICES, **PADDLE_PRICES}


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
    prices: dict[str, dict[str, Any]] = field(default_factory=_default_prices)

    @classmethod
    def paddle(cls, name: str, now: str, description: str = "", **config: Any) -> Scenario:
        return cls(
            name, now, description, provider="paddle", config=default_config("paddle", **config)
        )

    @property
    def now_ts(self) -> int:
        return ts(self.now)

    def ago(self, days: float) -> int:
        """Epoch seconds `days` before now (negative: after now)."""
        return self.now_ts - round(days * DAY)

    def ago_iso(self, days: float) -> str:
        return iso(self.ago(days))

    # -- Stripe -----------------------------------------------------------------
    def customer(
        self,
        cid: str,
        *,
        email: str | None = None,
        name: str | None = None,
        user_id: str | None = None,
        created_days_ago: float = 400,
        metadata: dict[str, str | None] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        meta = dict(metadata or {})
        if user_id is not None:
            meta["user_id"] = str(user_id)
        if self.provider == "paddle":
            return self._paddle_customer(
                cid, email=email, name=name, custom_data=meta, created_days_ago=created_days_ago
            )
        obj = {
            "id": cid,
            "object": "customer",
            "created": self.ago(created_days_ago),
            "email": email,
            "name": name,
            "currency": None,
            "delinquent": False,
            "livemode": False,
            "metadata": meta,
        }
        obj.update(extra)
        self.customers.append(obj)
        return obj

    def deleted_customer(self, cid: str) -> dict[str, Any]:
        """What Stripe returns for a deleted customer: the id and `deleted: true`."""
        obj = {"id": cid, "object": "customer", "deleted": True}
        self.customers.append(obj)
        return obj

    def price_object(self, price_id: str) -> dict[str, Any]:
        spec = self.prices[price_id]
        return {
            "id": price_id,
            "object": "price",
            "active": True,
            "currency": spec.get("currency", "usd"),
            "unit_amount": spec["amount"],
            "product": f"prod_{spec['plan']}",
            "type": "recurring",
            "recurring": {
                "interval": spec["interval"],
                "interval_count": spec.get("interval_count", 1),
                "usage_type": "licensed",
            },
            "livemode": False,
        }

    def subscription(
        self,
        sid: str,
        customer: str,
        *prices: str,
        status: str = "active",
        quantity: int = 1,
        created_days_ago: float = 200,
        period_started_days_ago: float = 10,
        cancel_at_period_end: bool = False,
        trial: bool = False,
        item_created_days_ago: float | None = None,
        pending_prices: tuple[str, ...] = (),
        canceled_days_ago: float | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        if self.provider == "paddle":
            return self._paddle_subscription(
                sid,
                customer,
                *prices,
                status=status,
                quantity=quantity,
                created_days_ago=created_days_ago,
                period_started_days_ago=period_started_days_ago,
                cancel_at_period_end=cancel_at_period_end,
                trial=trial,
                canceled_days_ago=canceled_days_ago,
            )
        created = self.ago(created_days_ago)
        start = self.ago(period_started_days_ago)
        trial_end = created + 14 * DAY
        item_created = self.ago(
            item_created_days_ago if item_created_days_ago is not None else created_days_ago
        )
        items = []
        for index, price_id in enumerate(prices or ("price_pro_monthly",)):
            length = PERIOD_DAYS[self.prices[price_id]["interval"]] * DAY
            # While trialing, Stripe's current period is the trial.
            trialing = trial and status == "trialing"
            items.append(
                {
                    "id": stripe_id("si", f"{sid}:{index}"),
                    "object": "subscription_item",
                    "created": item_created,
                    "current_period_start": created if trialing else start,
                    "current_period_end": trial_end if trialing else start + length,
                    "price": self.price_object(price_id),
                    "quantity": quantity,
                    "subscription": sid,
                }
            )
        canceled_at = self.ago(canceled_days_ago) if canceled_days_ago is not None else None
        obj: dict[str, Any] = {
            "id": sid,
            "object": "subscription",
            "customer": customer,
            "status": status,
            "created": created,
            "start_date": created,
            "cancel_at_period_end": cancel_at_period_end,
            "cancel_at": items[0]["current_period_end"] if cancel_at_period_end else None,
            "canceled_at": canceled_at,
            "ended_at": canceled_at if status == "canceled" else None,
            "trial_start": created if trial else None,
            "trial_end": trial_end if trial else None,
            "items": {
                "object": "list",
                "data": items,
                "has_more": False,
                "url": f"/v1/subscription_items?subscription={sid}",
            },
            "pending_update": {
                "expires_at": self.ago(-1),
                "subscription_items": [
                    {"id": items[0]["id"], "price": self.price_object(p), "quantity": quantity}
                    for p in pending_prices
                ],
            }
            if pending_prices
            else None,
            "schedule": None,
            "collection_method": "charge_automatically",
            "metadata": {},
            "livemode": False,
            "currency": items[0]["price"]["currency"],
        }
        obj.update(extra)
        self.subscriptions.append(obj)
        return obj

    def schedule(
        self,
        sched_id: str,
        subscription: str,
        customer: str,
        *,
        created_days_ago: float,
        phases: list[tuple[float, float | None, str]],
        status: str = "active",
    ) -> dict[str, Any]:
        """phases: (starts in N days (negative: ago), ends in N days or None, price)."""
        obj = {
            "id": sched_id,
            "object": "subscription_schedule",
            "subscription": subscription,
            "customer": customer,
            "status": status,
            "created": self.ago(created_days_ago),
            "end_behavior": "release",
            "released_at": self.ago(1) if status == "released" else None,
            "current_phase": None,
            "phases": [
                {
                    "start_date": self.ago(-s),
                    "end_date": self.ago(-e) if e is not None else None,
                    "items": [{"price": p, "quantity": 1}],
                    "proration_behavior": "create_prorations",
                }
                for s, e, p in phases
            ],
            "livemode": False,
        }
        current = [p for p in obj["phases"] if p["start_date"] <= self.now_ts]
        if current:
            phase = current[-1]
            obj["current_phase"] = {
                "start_date": phase["start_date"],
                "end_date": phase["end_date"],
            }
        for sub in self.subscriptions:
            if sub["id"] == subscription and status in ("active", "not_started"):
                sub["schedule"] = sched_id
        self.schedules.append(obj)
        return obj

    def event(
        self,
        eid: str,
        etype: str,
        object_id: str,
        *,
        minutes_ago: float,
        pending_webhooks: int = 0,
        object_type: str = "subscription",
    ) -> None:
        if self.events is None:
            self.events = []
        self.events.append(
            {
                "id": eid,
                "object": "event",
                "type": etype,
                "api_version": "2025-03-31.basil",
                "created": self.now_ts - round(minutes_ago * 60),
                "data": {"object": {"id": object_id, "object": object_type}},
                "pending_webhooks": pending_webhooks,
                "livemode": False,
            }
        )

    # -- Paddle -----------------------------------------------------------------
    def _paddle_customer(
        self,
        cid: str,
        *,
        email: str | None,
        name: str | None,
        custom_data: dict[str, str | None],
        created_days_ago: float,
    ) -> dict[str, Any]:
        created = paddle_iso(self.ago(created_days_ago))
        obj = {
            "id": cid,
            "status": "active",
            "email": email,
            "name": name,
            "locale": "en",
            "custom_data": custom_data or None,
            "marketing_consent": False,
            "created_at": created,
            "updated_at": created,
            "import_meta": None,
        }
        self.customers.append(obj)
        return obj

    def _paddle_price(self, price_id: str, trial: bool) -> dict[str, Any]:
        spec = self.prices[price_id]
        return {
            "id": price_id,
            "product_id": paddle_id("pro", spec["plan"]),
            "type": "standard",
            "name": f"{spec['plan'].title()} ({spec['interval']}ly)",
            "description": f"{spec['plan'].title()} plan, billed {spec['interval']}ly",
            "billing_cycle": {"interval": spec["interval"], "frequency": 1},
            "trial_period": {"interval": "day", "frequency": 14} if trial else None,
            "tax_mode": "account_setting",
            "unit_price": {
                "amount": str(spec["amount"]),
                "currency_code": spec.get("currency", "usd").upper(),
            },
            "unit_price_overrides": [],
            "quantity": {"minimum": 1, "maximum": 100},
            "status": "active",
            "custom_data": None,
        }

    def _paddle_subscription(
        self,
        sid: str,
        customer: str,
        *prices: str,
        status: str,
        quantity: int,
        created_days_ago: float,
        period_started_days_ago: float,
        cancel_at_period_end: bool,
        trial: bool,
        canceled_days_ago: float | None,
    ) -> dict[str, Any]:
        start = self.ago(period_started_days_ago)
        created = self.ago(created_days_ago)
        price_ids = prices or ("pri_01jc8pro0monthly0000",)
        first = self.prices[price_ids[0]]
        end = start + PERIOD_DAYS[first["interval"]] * DAY
        if status == "trialing":  # the billing period is the trial
            start, end = created, created + 14 * DAY
        # Paddle clears the billing period of paused and canceled subscriptions.
        running = status in ("active", "trialing", "past_due")
        items = [
            {
                "status": "trialing" if status == "trialing" else "active",
                "quantity": quantity,
                "recurring": True,
                "created_at": paddle_iso(created),
                "updated_at": paddle_iso(start),
                "previously_billed_at": paddle_iso(start) if status != "trialing" else None,
                "next_billed_at": paddle_iso(end) if running else None,
                "trial_dates": {
                    "starts_at": paddle_iso(created),
                    "ends_at": paddle_iso(created + 14 * DAY),
                }
                if trial
                else None,
                "price": self._paddle_price(price_id, trial),
                "product": {
                    "id": paddle_id("pro", self.prices[price_id]["plan"]),
                    "name": self.prices[price_id]["plan"].title(),
                    "status": "active",
                },
            }
            for price_id in price_ids
        ]
        stopped = self.ago(canceled_days_ago) if canceled_days_ago is not None else start
        obj = {
            "id": sid,
            "status": status,
            "customer_id": customer,
            "address_id": paddle_id("add", sid),
            "business_id": None,
            "currency_code": first.get("currency", "usd").upper(),
            "collection_mode": "automatic",
            "created_at": paddle_iso(created),
            "updated_at": paddle_iso(stopped if not running else start),
            "started_at": paddle_iso(created),
            "first_billed_at": paddle_iso(created + (14 * DAY if trial else 0)),
            "next_billed_at": paddle_iso(end) if running and not cancel_at_period_end else None,
            "paused_at": paddle_iso(stopped) if status == "paused" else None,
            "canceled_at": paddle_iso(stopped) if status == "canceled" else None,
            "discount": None,
            "billing_details": None,
            "billing_cycle": {"interval": first["interval"], "frequency": 1},
            "current_billing_period": {"starts_at": paddle_iso(start), "ends_at": paddle_iso(end)}
            if running
            else None,
            "scheduled_change": {
                "action": "cancel",
                "effective_at": paddle_iso(end),
                "resume_at": None,
            }
            if cancel_at_period_end
            else None,
            "items": items,
            "custom_data": None,
            "management_urls": {
                "update_payment_method": None,
                "cancel": f"https://buyer-portal.paddle.com/subscriptions/{sid}/cancel",
            },
            "import_meta": None,
        }
        self.subscriptions.append(obj)
        return obj

    # -- database and expectations ---------------------------------------------------
    def account(
        self,
        uid: str | int,
        customer: str | None,
        *,
        has_access: bool,
        plan: str | None = None,
        email: str | None = None,
        deleted_days_ago: float | None = None,
        expires_in_days: float | None = None,
        comped: bool | None = None,
        updated_days_ago: float | None = None,
        **columns: Any,
    ) -> dict[str, Any]:
        """One users row. Optional logical columns go to the config's column when it is
        mapped, else to the kit's default column name (the table has it; prodcheck is
        just not told)."""
        key = self.config["database"]["columns"]
        row: dict[str, Any] = {key["id"]: uid}
        logical: dict[str, Any] = {
            "email": email,
            "customer_id": customer,
            "has_access": has_access,
            "plan": plan,
            "access_expires_at": self.ago_iso(-expires_in_days)
            if expires_in_days is not None
            else None,
            "comped": comped,
            "deleted_at": self.ago_iso(deleted_days_ago) if deleted_days_ago is not None else None,
            "updated_at": self.ago_iso(updated_days_ago) if updated_days_ago is not None else None,
        }
        for name, value in logical.items():
            column = key.get(name) or DEFAULT_COLUMNS.get(name) or name
            if value is not None or name in key:
                row[column] = value
        row.update(columns)
        self.rows.append(row)
        return row

    def expect(
        self,
        verdict: str,
        findings: list[tuple[str, str]],
        *,
        monthly_at_stake: dict[str, int] | None = None,
        skipped_rules: list[str] | None = None,
        settling: list[str] | None = None,
    ) -> None:
        self.expected = {
            "verdict": verdict,
            "findings": [{"rule": r, "subject": s} for r, s in sorted(findings)],
        }
        if monthly_at_stake is not None:
            self.expected["monthly_at_stake"] = monthly_at_stake
        if skipped_rules is not None:
            self.expected["skipped_rules"] = sorted(skipped_rules)
        if settling is not None:
            self.expected["settling"] = sorted(settling)

    def _table(self) -> list[dict[str, Any]]:
        """Every row with every column of the table (a real table has no ragged rows)."""
        columns: dict[str, None] = {}
        for row in self.rows:
            columns.update(dict.fromkeys(row))
        return [{column: row.get(column) for column in columns} for row in self.rows]

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
        _dump(folder / "db" / f"{self.config['database']['table']}.json", self._table())
        header = f"# {self.name}: {self.description}\n" if self.description else ""
        (folder / "prodcheck.yml").write_text(
            header + yaml.safe_dump(self.config, sort_keys=False), encoding="utf-8"
        )
        scenario = {"description": self.description, "now": self.now, "expect": self.expected}
        (folder / "scenario.yml").write_text(
            yaml.safe_dump(scenario, sort_keys=False, width=88, allow_unicode=True),
            encoding="utf-8",
        )
        return folder


def _dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def days_ago(now: str, days: float) -> str:
    moment = datetime.fromisoformat(now.replace("Z", "+00:00")) - timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
