"""A scenario: billing objects, users rows and the expected verdict, written as a folder.

The provider's objects come from stripe_objects.py and paddle_objects.py; this class
keeps the lists, the clock (`now`) and the price catalogue they share.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import paddle_objects, stripe_objects
from .config import DEFAULT_COLUMNS, PADDLE_PRICES, PRICES, default_config
from .formats import DAY, iso, ts


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
    notifications: list[dict[str, Any]] | None = None  # Paddle's
    rows: list[dict[str, Any]] = field(default_factory=list)
    # Other tables of the app's database (joined ones): name -> rows.
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
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

    # -- billing ---------------------------------------------------------------------
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
            obj = paddle_objects.customer(
                self,
                cid,
                email=email,
                name=name,
                custom_data=meta,
                created_days_ago=created_days_ago,
            )
        else:
            obj = stripe_objects.customer(
                self,
                cid,
                email=email,
                name=name,
                metadata=meta,
                created_days_ago=created_days_ago,
                **extra,
            )
        self.customers.append(obj)
        return obj

    def deleted_customer(self, cid: str) -> dict[str, Any]:
        obj = stripe_objects.deleted_customer(cid)
        self.customers.append(obj)
        return obj

    def price_object(self, price_id: str) -> dict[str, Any]:
        return stripe_objects.price(self, price_id)

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
            obj = paddle_objects.subscription(
                self,
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
        else:
            obj = stripe_objects.subscription(
                self,
                sid,
                customer,
                *prices,
                status=status,
                quantity=quantity,
                created_days_ago=created_days_ago,
                period_started_days_ago=period_started_days_ago,
                cancel_at_period_end=cancel_at_period_end,
                trial=trial,
                item_created_days_ago=item_created_days_ago,
                pending_prices=pending_prices,
                canceled_days_ago=canceled_days_ago,
                **extra,
            )
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
        """A Stripe subscription schedule; phases: (starts in N days (negative: ago), ends
        in N days or None, price). An active schedule is linked from its subscription."""
        obj = stripe_objects.schedule(
            self,
            sched_id,
            subscription,
            customer,
            created_days_ago=created_days_ago,
            phases=phases,
            status=status,
        )
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
        fields: dict[str, Any] | None = None,
    ) -> None:
        """A Stripe event; a scenario with none has no events.json at all."""
        if self.events is None:
            self.events = []
        self.events.append(
            stripe_objects.event(
                self,
                eid,
                etype,
                object_id,
                minutes_ago=minutes_ago,
                pending_webhooks=pending_webhooks,
                object_type=object_type,
                fields=fields,
            )
        )

    def notification(
        self,
        nid: str,
        event_id: str,
        etype: str,
        entity_id: str,
        *,
        minutes_ago: float,
        status: str = "delivered",
        destination: str,
        origin: str = "event",
        data: dict[str, Any] | None = None,
    ) -> None:
        """A Paddle notification; a scenario with none has no notifications.json."""
        if self.notifications is None:
            self.notifications = []
        self.notifications.append(
            paddle_objects.notification(
                self,
                nid,
                event_id,
                etype,
                entity_id,
                minutes_ago=minutes_ago,
                status=status,
                destination=destination,
                origin=origin,
                data=data,
            )
        )

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
        key = self.accounts_config()["columns"]
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

    def accounts_config(self) -> dict[str, Any]:
        """The accounts table's config, in either form (database.tables.accounts or the
        older database.table/columns)."""
        database = self.config["database"]
        return database["tables"]["accounts"] if "tables" in database else database

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
        elif self.notifications is not None:
            _dump(billing / "notifications.json", self.notifications)
        (folder / "db").mkdir(exist_ok=True)
        _dump(folder / "db" / f"{self.accounts_config()['table']}.json", self._table())
        for name, rows in sorted(self.tables.items()):
            _dump(folder / "db" / f"{name}.json", rows)
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
