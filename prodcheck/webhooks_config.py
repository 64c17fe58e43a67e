"""The webhooks pack's settings (`webhooks:` in prodcheck.yml): which of the
provider's events the app must have processed, how far back, on Paddle which
destination, and the effect checks of what the handler writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from prodcheck.model import Provider

# The events whose handling decides access and plans (`webhooks.event_types`):
# a trailing `.*` stands for every type under it, as in Stripe's endpoint settings.
DEFAULT_EVENT_TYPES = {
    Provider.STRIPE: (
        "customer.subscription.*",
        "invoice.paid",
        "invoice.payment_failed",
        "invoice.payment_succeeded",
        "checkout.session.completed",
    ),
    Provider.PADDLE: ("subscription.*", "transaction.completed"),
}
# How far back events are checked by default; Stripe keeps events 30 days.
DEFAULT_LOOKBACK_DAYS = 3


@dataclass(frozen=True, slots=True)
class EffectCheck:
    """What the handler must have written for an event of a type: `table.column` holds
    the event object's id (or the subscription it is or names)."""

    event_type: str
    table: str
    column: str
    value: str = "object"  # the event object's id | its "subscription" id
    key: str = "webhooks.effects"  # where it sits in the config, for messages

    @property
    def where(self) -> str:
        return f"{self.table}.{self.column}"

    def value_of(self, object_id: str | None, subscription_id: str | None) -> str | None:
        """What this check looks for, of an event's object id and its subscription's."""
        return subscription_id if self.value == "subscription" else object_id


def matches(pattern: str, event_type: str) -> bool:
    """An event type against a configured one (a trailing `.*` stands for a family)."""
    return event_type.startswith(pattern[:-1]) if pattern.endswith(".*") else event_type == pattern


@dataclass(frozen=True, slots=True)
class WebhooksConfig:
    """Which of the provider's events the app must have processed, and how far back."""

    event_types: tuple[str, ...] = ()  # empty: the provider's DEFAULT_EVENT_TYPES
    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    destination: str | None = None  # Paddle: the notification setting of the app's handler
    effects: tuple[EffectCheck, ...] = ()

    def types_for(self, provider: Provider) -> tuple[str, ...]:
        return self.event_types or DEFAULT_EVENT_TYPES[provider]

    def relevant(self, provider: Provider, event_type: str) -> bool:
        """Whether an event of this type is one the app must process."""
        return any(matches(pattern, event_type) for pattern in self.types_for(provider))


def webhooks_config(data: Mapping[str, Any]) -> WebhooksConfig:
    """The settings from the (schema-checked) `webhooks:` section."""
    return WebhooksConfig(
        event_types=tuple(data.get("event_types") or ()),
        lookback_days=data.get("lookback_days", DEFAULT_LOOKBACK_DAYS),
        destination=data.get("destination"),
        effects=tuple(
            EffectCheck(
                event_type=item["event_type"],
                table=item["table"],
                column=item["column"],
                value=item.get("value", "object"),
                key=f"webhooks.effects[{number}]",
            )
            for number, item in enumerate(data.get("effects") or ())
        ),
    )
