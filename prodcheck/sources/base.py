"""What a source is: one small Protocol per side, plus the raw shapes they exchange.

A live adapter splits into `fetch` (I/O, returns provider-shaped JSON objects or
raw rows) and a pure `normalize`; the fixture adapter feeds files through the
same `normalize`, so every scenario also tests normalization.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from prodcheck.model import AccountState, BillingState, SourceInfo

# Provider-shaped objects per collection: "customers", "subscriptions",
# "events", "subscription_schedules" (Stripe) or "customers", "subscriptions"
# (Paddle), exactly as the API returns them.
RawBilling = Mapping[str, list[dict[str, Any]]]

# Billing collections a run may need beyond customers and subscriptions.
OPTIONAL_COLLECTIONS = frozenset({"events", "subscription_schedules"})


class BillingSource(Protocol):
    def load(self, needs: frozenset[str]) -> tuple[BillingState, SourceInfo]:
        """Read the billing side completely, or raise a ProdcheckError."""
        ...


class AccountSource(Protocol):
    def load(self) -> tuple[AccountState, SourceInfo]:
        """Read the accounts table completely, or raise a ProdcheckError."""
        ...
