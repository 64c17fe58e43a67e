"""What a source is: one small Protocol per side, plus the raw shapes they exchange.

A live adapter splits into `fetch` (I/O, returns provider-shaped JSON objects or
raw rows) and a pure `normalize`; the fixture adapter feeds files through the
same `normalize`, so every scenario also tests normalization.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from prodcheck.model import AccountState, BillingState, SourceInfo

if TYPE_CHECKING:
    from prodcheck.webhooks_config import EffectCheck

# Provider-shaped objects per collection: "customers", "subscriptions",
# "events", "subscription_schedules" (Stripe) or "customers", "subscriptions",
# "notifications" (Paddle), exactly as the API returns them.
RawBilling = Mapping[str, list[dict[str, Any]]]

# Billing collections a run may need beyond customers and subscriptions.
OPTIONAL_COLLECTIONS = frozenset({"events", "subscription_schedules"})
# `needs` may also hold "recent_events": events of the last day only, for the settle window.


class BillingSource(Protocol):
    def fetch(self, needs: frozenset[str]) -> tuple[RawBilling, Mapping[str, str]]:
        """The provider's raw objects per collection, and where each came from."""
        ...

    def load(self, needs: frozenset[str]) -> tuple[BillingState, SourceInfo]:
        """Read the billing side completely, or raise a ProdcheckError."""
        ...


class AccountSource(Protocol):
    def fetch(self) -> Iterable[Mapping[str, Any]]:
        """The rows, keyed by the real column names."""
        ...

    def read_table(self, name: str) -> list[dict[str, Any]]:
        """The rows of another declared table (database.tables.<name>), keyed by the
        real column names."""
        ...

    def values_present(self, check: EffectCheck, values: Sequence[str]) -> frozenset[str]:
        """An effect check (webhooks.effects): which of these values check.table.column
        holds, read in one query."""
        ...

    def load(self) -> tuple[AccountState, SourceInfo]:
        """Read the accounts table completely, or raise a ProdcheckError."""
        ...
