"""`prodcheck init`: what a column holds, from its name, its type and a few of its values.

Names say what a column is meant for; sampled values say what it holds: the
provider's customer, subscription, price and product ids (`cus_`, `ctm_`,
`sub_`, `price_`, `pri_`, `prod_`, `pro_`), a subscription status of the
provider's vocabulary, or a members-style `paid`/`free`/`comped` one. Pure
functions over (column, type) pairs and sampled rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from prodcheck.model import SubscriptionStatus

Columns = Sequence[tuple[str, str]]
Rows = Sequence[Mapping[str, Any]]

# What the provider's ids start with, per kind of object.
PREFIXES: dict[str, dict[str, tuple[str, ...]]] = {
    "customer": {"stripe": ("cus_",), "paddle": ("ctm_",)},
    "subscription": {"stripe": ("sub_",), "paddle": ("sub_",)},
    "price": {"stripe": ("price_", "plan_"), "paddle": ("pri_",)},
    "product": {"stripe": ("prod_",), "paddle": ("pro_",)},
    "event": {"stripe": ("evt_",), "paddle": ("evt_", "ntf_")},
}
PROVIDER_STATUSES = frozenset(s.value for s in SubscriptionStatus)
ENTITLING = ("active", "trialing")  # what a starter's status check lets in
ENDED = ("free", "inactive", "expired", "none", "basic")  # written when access ends
STATUS_COLUMNS = (
    "subscription_status", "stripe_subscription_status", "stripe_status", "paddle_status",
    "billing_status", "plan_status", "membership_status", "status",
)  # fmt: skip
# What a plan column's name says it holds, when its values do not tell.
PLAN_STORED_AS = (
    (("lookup", "key"), "lookup_key"),
    (("price",), "price_id"),
    (("product", "id"), "product_id"),
)
SUBJECTS = {
    "users": "user", "user": "user", "accounts": "account", "teams": "team", "team": "team",
    "organizations": "organization", "organization": "organization", "orgs": "organization",
    "org": "organization", "members": "member", "member": "member", "workspaces": "workspace",
    "workspace": "workspace", "companies": "company", "company": "company",
    "tenants": "tenant", "profiles": "profile", "subscribers": "subscriber",
    "customers": "customer",
}  # fmt: skip


def key(name: str) -> str:
    """`stripeCustomerId`, `Stripe_Customer_ID` and `stripe_customer_id` compare equal."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def bare(table: str) -> str:
    return table.rsplit(".", 1)[-1]


def singular(table: str) -> str:
    name = bare(table).lower()
    if name in SUBJECTS:
        return SUBJECTS[name]
    return name.removesuffix("s")


def subject_of(table: str) -> str | None:
    """What one row is called in messages: `teams` -> team; None when unsure."""
    return SUBJECTS.get(bare(table).lower())


def kind(type_name: str) -> str:
    t = type_name.lower()
    if "bool" in t or t == "tinyint(1)":
        return "flag"
    if "time" in t or "date" in t:
        return "time"
    if "int" in t:
        return "int"
    return "text" if t else "unknown"


def values(rows: Rows, column: str) -> list[str]:
    """The distinct non-empty values of a column in the sampled rows, as text, sorted."""
    return sorted({str(row[column]) for row in rows if row.get(column) not in (None, "")})


# Epoch seconds this large are past the year 5000; epoch milliseconds, past 1973.
_MILLISECONDS_FROM = 100_000_000_000


def epoch_milliseconds(rows: Rows, columns: Iterable[str]) -> str | None:
    """A sampled number in the time columns that only epoch milliseconds can mean
    (seconds would put it past the year 5000), or None: then the table's
    `epoch_unit` is milliseconds. Every number seen must be one."""
    numbers = [
        text
        for column in columns
        for text in values(rows, column)
        if text.lstrip("-").isdigit() and len(text) <= 20
    ]
    if numbers and all(abs(int(text)) >= _MILLISECONDS_FROM for text in numbers):
        return numbers[0]
    return None


def looks_like(found: Iterable[str], what: str, provider: str) -> bool | None:
    """Whether every sampled value is the provider's id of `what`; None without samples."""
    seen = list(found)
    if not seen:
        return None
    return all(v.startswith(PREFIXES[what][provider]) for v in seen)


def status_mapping(
    column: str, found: Sequence[str], granting: Sequence[str]
) -> dict[str, Any] | None:
    """A flag read from a status column, from the values it holds: the provider's
    statuses grant active and trialing; another vocabulary grants its values among
    `granting` (members-style paid / comped) and, for access, writes its free value
    when access ends. None when no value grants (a column named status may hold anything)."""
    lowered = [v.lower() for v in found]
    if not lowered or set(lowered) <= PROVIDER_STATUSES:
        return {"column": column, "grants": list(ENTITLING)}
    order = [g.lower() for g in granting]
    grants = sorted((v for v in found if v.lower() in order), key=lambda v: order.index(v.lower()))
    if not grants:
        return None
    mapping: dict[str, Any] = {"column": column, "grants": grants}
    otherwise = next((v for v in found if v.lower() in ENDED), None)
    if otherwise is not None:
        mapping["otherwise"] = otherwise
    return mapping


def flag_from_status(
    column: str, found: Sequence[str], meaning: Sequence[str]
) -> dict[str, Any] | None:
    """An optional flag (comped) true for the status values that usually mean it."""
    grants = [v for v in found if v.lower() in meaning]
    return {"column": column, "grants": grants} if grants else None


def plan_stored_as(
    column: str, found: Sequence[str], provider: str, known: Mapping[str, frozenset[str]]
) -> str:
    """What a plan column holds: billing's price or product ids, a lookup key, a product
    name, or plan keys. `known`: stored_as -> the values billing shows for it."""
    if looks_like(found, "price", provider):
        return "price_id"
    if looks_like(found, "product", provider):
        return "product_id"
    for stored_as in ("lookup_key", "product_name", "plan"):
        if found and set(found) <= known.get(stored_as, frozenset()):
            return stored_as
    words = re.findall(r"[a-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", column).lower())
    for needed, stored_as in PLAN_STORED_AS:
        if all(w in words for w in needed):
            return stored_as
    if "name" in words and found and not set(found) <= known.get("plan", frozenset()):
        return "product_name"
    return "plan"
