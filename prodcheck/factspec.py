"""What a fact declaration is: its type (FactType), the declaration itself
(FactSpec: subject kind, dotted name, type, meaning, and what it needs), and the fact
type each table field type reads as. The declarations are in catalogue.py."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from prodcheck.model import Provider, SubscriptionStatus
from prodcheck.tables import FieldType


class FactType(StrEnum):
    FLAG = "flag"  # true/false
    INTEGER = "integer"  # a whole number (counts, tiers, days)
    NUMBER = "number"  # any number
    ID = "id"  # an identifier, always text
    TEXT = "text"
    TIME = "time"  # a timestamp
    MONEY = "money"  # an amount in one currency (`| money` prints it)
    LIST = "list"  # a list of `item` values
    OBJECT = "object"  # a mapping; its fields are facts of their own (`candidate.status`)


ALL_PROVIDERS = frozenset(p.value for p in Provider)
# The settings (FactSpec.settings) a fact may need beyond the tables: plans.prices,
# webhooks.effects.
PLANS, EFFECTS = "plans", "effects"
STATUSES = tuple(s.value for s in SubscriptionStatus)


@dataclass(frozen=True, slots=True)
class FactSpec:
    subject: str
    name: str  # dotted: `candidate.status`
    type: FactType
    description: str
    item: FactType | None = None  # the type of a list's items
    values: tuple[str, ...] = ()  # the values a text fact (or a list's items) can take
    providers: frozenset[str] = ALL_PROVIDERS  # billing providers that supply it
    columns: tuple[str, ...] = ()  # accounts fields without which it says nothing
    needs: tuple[str, ...] = ()  # billing collections: events, subscription_schedules
    # config sections without which it says nothing: PLANS (plans.prices maps
    # billing's prices to the app's plans; without it no price names a plan),
    # EFFECTS (webhooks.effects: without a check no event has an effect to find)
    settings: tuple[str, ...] = ()

    @property
    def parent(self) -> str | None:
        return self.name.rsplit(".", 1)[0] if "." in self.name else None

    @property
    def shown_type(self) -> str:
        if self.type is FactType.LIST and self.item:
            return f"list of {self.item.value}"
        return self.type.value


# A table field's type -> the fact type its value reads as.
FIELD_TYPES = {
    FieldType.ID: FactType.ID,
    FieldType.FLAG: FactType.FLAG,
    FieldType.TIME: FactType.TIME,
    FieldType.TEXT: FactType.TEXT,
    FieldType.COUNT: FactType.INTEGER,
}
