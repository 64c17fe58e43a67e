"""`prodcheck init`: propose a config from what is there.

Pure functions over what the sources describe: the database's tables and
column types (`describe_tables`) give the accounts table and the column
mapping; the prices on live subscriptions give the plans map and the tier
order. Names are matched loosely (case, `_` and camelCase ignored) against the
usual spellings, most specific first; types rule out the absurd (a text
column is no access flag). render.py writes the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from prodcheck.model import Money, Provider
from prodcheck.sources.stripe_prices import PriceInUse
from prodcheck.tables import ACCOUNTS, FieldType

Columns = Sequence[tuple[str, str]]

# From the accounts table's declaration (tables.py): the usual column names per
# field, best first (compared after `_key`), and the usual table names.
CANDIDATES: dict[Provider, dict[str, tuple[str, ...]]] = {
    provider: {spec.name: spec.guesses_for(provider.value) for spec in ACCOUNTS.fields}
    for provider in Provider
}
ACCOUNT_TABLES = ACCOUNTS.guesses
_WEIGHT = {"customer_id": 6, "has_access": 3}
_FLAG_FIELDS = frozenset(f.name for f in ACCOUNTS.fields if f.type is FieldType.FLAG)
_TIME_FIELDS = frozenset(f.name for f in ACCOUNTS.fields if f.type is FieldType.TIME)


def _key(name: str) -> str:
    """`stripeCustomerId`, `Stripe_Customer_ID` and `stripe_customer_id` compare equal."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _kind(type_name: str) -> str:
    t = type_name.lower()
    if "bool" in t:
        return "flag"
    if "time" in t or "date" in t:
        return "time"
    if "int" in t:
        return "int"
    return "text" if t else "unknown"


def _fits(field_name: str, type_name: str) -> bool:
    kind = _kind(type_name)
    if field_name in _FLAG_FIELDS:
        return kind in {"flag", "int", "unknown"}
    if field_name in _TIME_FIELDS:
        return kind in {"time", "text", "int", "unknown"}
    return kind != "flag" and (kind != "time" or field_name == "id")


@dataclass(frozen=True, slots=True)
class TableProposal:
    table: str
    columns: Mapping[str, str]  # prodcheck field -> real column
    score: int
    column_count: int

    @property
    def missing_required(self) -> tuple[str, ...]:
        return tuple(f for f in ACCOUNTS.required if f not in self.columns)


def propose_columns(columns: Columns, provider: Provider, table: str = "") -> dict[str, str]:
    by_key = {_key(name): (name, type_name) for name, type_name in columns}
    singular = table.rsplit(".", 1)[-1].removesuffix("s")
    candidates = dict(CANDIDATES[provider])
    candidates["id"] = (*candidates["id"], f"{singular}_id")
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field_name in ("customer_id", "id", *candidates):
        if field_name in mapping:
            continue
        for candidate in candidates[field_name]:
            found = by_key.get(_key(candidate))
            if found and found[0] not in used and _fits(field_name, found[1]):
                mapping[field_name] = found[0]
                used.add(found[0])
                break
    return mapping


def propose_tables(tables: Mapping[str, Columns], provider: Provider) -> list[TableProposal]:
    """Every table that could hold the accounts, most likely first."""
    proposals = []
    for table, columns in tables.items():
        mapping = propose_columns(columns, provider, table)
        if "customer_id" not in mapping and "has_access" not in mapping:
            continue
        score = sum(_WEIGHT.get(f, 1) for f in mapping)
        if table.rsplit(".", 1)[-1].lower() in ACCOUNT_TABLES:
            score += 2
        proposals.append(TableProposal(table, mapping, score, len(columns)))
    return sorted(proposals, key=lambda p: (-p.score, p.table))


@dataclass(frozen=True, slots=True)
class PlanProposal:
    prices: Mapping[str, str]  # price id -> plan
    tiers: tuple[str, ...]  # lowest first
    comments: Mapping[str, str] = field(default_factory=dict)  # price id -> what it is


_NOISE = re.compile(
    r"(^|_)(monthly|yearly|annual|annually|quarterly|weekly|daily|month|year|mo|yr|plan|"
    r"subscription|membership|tier|price|usd|eur|gbp)(?=_|$)"
)


def plan_slug(text: str) -> str:
    """`Pro Plan` -> `pro`, `team_yearly` -> `team`, `Business+ (annual)` -> `business`."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    stripped = _NOISE.sub("", slug).strip("_")
    return re.sub(r"_+", "_", stripped or slug)


def plan_name(price: PriceInUse) -> str:
    for text in (price.product_name, price.lookup_key, price.nickname):
        if text and plan_slug(text):
            return plan_slug(text)
    return plan_slug(price.product or price.id) or price.id


def _describe(price: PriceInUse) -> str:
    parts = [price.product_name or price.nickname or price.lookup_key or price.product]
    if price.unit_amount is not None:
        every = "" if price.interval_count == 1 else f"{price.interval_count} "
        parts.append(f"{Money(price.unit_amount, price.currency).format()}/{every}{price.interval}")
    parts.append(f"{price.subscriptions} subscription{'' if price.subscriptions == 1 else 's'}")
    return ", ".join(p for p in parts if p)


def propose_plans(prices: Sequence[PriceInUse]) -> PlanProposal:
    """Each price's plan, and the tiers ordered by the cheapest monthly price of each plan."""
    mapping = {p.id: plan_name(p) for p in prices}
    currencies = [p.currency for p in prices]
    main = max(sorted(set(currencies)), key=currencies.count) if currencies else "usd"
    cheapest: dict[str, float] = {}
    for price in prices:
        monthly = price.monthly_amount
        plan = mapping[price.id]
        if monthly is None or price.currency != main:
            cheapest.setdefault(plan, float("inf"))
            continue
        cheapest[plan] = min(cheapest.get(plan, float("inf")), monthly)
    tiers = tuple(sorted(cheapest, key=lambda plan: (cheapest[plan], plan)))
    return PlanProposal(
        prices=dict(sorted(mapping.items())),
        tiers=tiers,
        comments={p.id: _describe(p) for p in prices},
    )
