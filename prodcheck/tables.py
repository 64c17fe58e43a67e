"""The tables prodcheck reads from the app's database, declared once.

A `TableSpec` says which fields a table has, their types, which are required
and what each means. Everything else derives from it: the config schema's
column properties, the contract schema's `requires` values, the column types
`doctor` accepts, `init`'s column guesses and comments, and the skip reasons.
Adding an optional column is one edit here (plus the model field the engine
reads and its scenarios). A `ColumnMapping` maps a spec's fields to the app's real
columns; a `TableConfig` is one configured table, as every reader takes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class FieldType(StrEnum):
    ID = "id"  # an identifier: text, integer or uuid
    FLAG = "flag"  # true/false
    TIME = "time"  # a timestamp
    TEXT = "text"  # free text or an enum


# Column kinds (as the backends read them) each field type accepts -> a note for
# `doctor` ("" when nothing to add).
KINDS: dict[FieldType, dict[str, str]] = {
    FieldType.ID: {"text": "", "integer": "", "uuid": ""},
    FieldType.FLAG: {"boolean": "", "integer": "read as 0/1"},
    FieldType.TIME: {
        "timestamp": "",
        "text": "read as ISO 8601 text",
        "integer": "read as epoch seconds (not milliseconds)",
    },
    FieldType.TEXT: {"text": ""},
}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: FieldType
    meaning: str  # what the field holds, for docs and error messages
    required: bool = False
    enables: str = ""  # what mapping an optional field turns on (init's comment)
    guesses: tuple[str, ...] = ()  # init: usual column names, best first
    # init: guesses that depend on the billing provider (customer ids)
    provider_guesses: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    example: str = ""  # the column name used in examples and init's fallback
    extra_kinds: Mapping[str, str] = field(default_factory=dict)

    def guesses_for(self, provider: str) -> tuple[str, ...]:
        """init: the usual column names with this billing provider, best first."""
        return (*self.provider_guesses.get(provider, ()), *self.guesses)

    @property
    def kinds(self) -> dict[str, str]:
        """Column kinds `doctor` accepts for this field -> a note."""
        return {**KINDS[self.type], **self.extra_kinds}


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    meaning: str
    fields: tuple[FieldSpec, ...]
    guesses: tuple[str, ...] = ()  # init: usual table names

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if not f.required)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)


# fmt: off
ACCOUNTS = TableSpec(
    name="accounts",
    meaning="the app's accounts (users, teams or organizations) and the access each has",
    guesses=(
        "users", "accounts", "customers", "organizations", "orgs", "teams", "workspaces",
        "companies", "tenants", "subscribers", "members", "profiles",
    ),
    fields=(
        FieldSpec(
            "id", FieldType.ID, "the account's id", required=True, example="id",
            guesses=("id", "user_id", "account_id", "uuid", "uid"),
        ),
        FieldSpec(
            "customer_id", FieldType.ID, "the billing provider's customer id", required=True,
            example="stripe_customer_id",
            provider_guesses={
                "stripe": (
                    "stripe_customer_id", "stripe_customer", "stripe_cus_id", "stripe_id",
                    "billing_customer_id", "customer_id", "payment_customer_id",
                ),
                "paddle": (
                    "paddle_customer_id", "paddle_customer", "paddle_id", "billing_customer_id",
                    "customer_id",
                ),
            },
        ),
        FieldSpec(
            "has_access", FieldType.FLAG, "whether the app grants paid access", required=True,
            example="has_paid_access",
            guesses=(
                "has_paid_access", "has_access", "is_paid", "paid", "is_paying",
                "has_subscription", "is_subscribed", "subscribed", "subscription_active",
                "is_active_subscriber", "is_premium", "premium", "is_pro", "pro", "paid_access",
                "access", "is_active",
            ),
        ),
        FieldSpec(
            "plan", FieldType.TEXT, "the plan the app grants",
            enables="the plan name your app grants (plan.* rules)",
            extra_kinds={"enum": "", "integer": "compared as text with plans.prices"},
            guesses=(
                "plan", "plan_name", "tier", "plan_tier", "subscription_plan",
                "subscription_tier", "plan_type", "pricing_plan", "plan_key", "plan_slug",
                "plan_id",
            ),
        ),
        FieldSpec(
            "email", FieldType.TEXT, "the account's email address",
            enables="finds duplicate people and repeat trials",
            guesses=("email", "email_address", "user_email", "billing_email", "contact_email"),
        ),
        FieldSpec(
            "deleted_at", FieldType.TIME, "when the account was soft-deleted",
            enables="soft-deleted accounts still billed",
            guesses=("deleted_at", "archived_at", "removed_at", "deactivated_at", "discarded_at"),
        ),
        FieldSpec(
            "access_expires_at", FieldType.TIME, "until when the app grants paid access",
            enables="stored paid-until dates",
            guesses=(
                "paid_until", "access_expires_at", "current_period_end", "access_until",
                "subscription_ends_at", "subscription_expires_at", "plan_expires_at",
                "premium_until", "pro_until", "expires_at", "valid_until", "period_end",
                "ends_at",
            ),
        ),
        FieldSpec(
            "comped", FieldType.FLAG, "whether access is given on purpose, without payment",
            enables="accounts with access on purpose",
            guesses=(
                "comped", "is_comped", "complimentary", "is_complimentary", "comp",
                "free_forever",
            ),
        ),
        FieldSpec(
            "subscription_id", FieldType.ID, "the billing subscription the app tracks",
            enables="finds rows tracking a subscription other than the one billed",
            provider_guesses={
                "stripe": (
                    "stripe_subscription_id", "stripe_subscription", "stripe_sub_id",
                    "subscription_id",
                ),
                "paddle": ("paddle_subscription_id", "paddle_subscription", "subscription_id"),
            },
        ),
        FieldSpec(
            "updated_at", FieldType.TIME, "when the row last changed",
            enables="skips rows changed within the settle window",
            guesses=("updated_at", "modified_at", "last_modified_at", "updated", "modified"),
        ),
    ),
)
# fmt: on


class ColumnMapping:
    """Field -> real column name, for the fields of a table's spec that are mapped.

    `ColumnMapping(id="id", customer_id="cus", has_access="paid", plan="plan")`, or
    the same positionally in the spec's order. Fields come from the `TableSpec`
    alone: nothing here names a column.
    """

    __slots__ = ("_columns", "spec")

    def __init__(self, *positional: str, spec: TableSpec = ACCOUNTS, **named: str | None) -> None:
        names = spec.names
        if len(positional) > len(names):
            raise TypeError(f"{spec.name} has {len(names)} fields, got {len(positional)}")
        columns: dict[str, str | None] = dict(zip(names, positional, strict=False))
        for name, column in named.items():
            if name not in names:
                raise TypeError(f"{spec.name} has no field {name!r}")
            columns[name] = column
        missing = [name for name in spec.required if not columns.get(name)]
        if missing:
            raise TypeError(f"{spec.name}: required field(s) {', '.join(missing)} not mapped")
        self._columns = {name: column for name, column in columns.items() if column}
        self.spec = spec

    def replace(self, **changes: str | None) -> ColumnMapping:
        """A copy with some fields mapped to other columns (None: unmapped)."""
        return ColumnMapping(spec=self.spec, **{**self._columns, **changes})

    def get(self, name: str) -> str | None:
        """The real column mapped to field `name`, or None when it is not mapped."""
        return self._columns.get(name)

    @property
    def id(self) -> str:
        return self._columns["id"]

    def items(self) -> tuple[tuple[str, str], ...]:
        """(field, real column name) for every mapped column, in declaration order."""
        return tuple(
            (name, self._columns[name]) for name in self.spec.names if name in self._columns
        )

    @property
    def mapped_optional(self) -> frozenset[str]:
        return frozenset(name for name in self.spec.optional if name in self._columns)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ColumnMapping):
            return NotImplemented
        return self.spec.name == other.spec.name and self._columns == other._columns

    def __hash__(self) -> int:
        return hash((self.spec.name, tuple(sorted(self._columns.items()))))

    def __repr__(self) -> str:
        pairs = ", ".join(f"{name}={column!r}" for name, column in self.items())
        return f"ColumnMapping({pairs})"


@dataclass(frozen=True, slots=True)
class TableConfig:
    """One table prodcheck reads: its declaration, the real table, the column
    mapping, an optional row filter, and where it sits in the config."""

    spec: TableSpec
    table: str
    columns: ColumnMapping
    where: str | None = None
    key: str = "database"


# table name -> spec (STYLE.md #3: a plain dict).
TABLES: dict[str, TableSpec] = {"accounts": ACCOUNTS}


def columns_schema(spec: TableSpec) -> dict[str, object]:
    """The JSON Schema of a `columns:` mapping for this table: field -> real column."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(spec.required),
        "description": f"prodcheck field -> your real column name ({spec.meaning})",
        "properties": {
            f.name: {"type": "string", "minLength": 1, "description": f.meaning}
            for f in spec.fields
        },
    }
