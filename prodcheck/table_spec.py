"""What a declaration of one of the app's tables is (tables.py holds the
declarations): a `TableSpec` of `FieldSpec`s, each field's type and the column
kinds that type accepts, and how a flag field may be read from a column that is
not a boolean (a `Derivation`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FieldType(StrEnum):
    ID = "id"  # an identifier: text, integer or uuid
    FLAG = "flag"  # true/false
    TIME = "time"  # a timestamp
    TEXT = "text"  # free text or an enum
    COUNT = "count"  # a whole number (a quantity)


class EpochUnit(StrEnum):
    """What a number in a table's time columns counts since 1970-01-01 UTC (the
    table's `epoch_unit`): seconds (Unix time), or milliseconds (JavaScript's
    Date.now(), Prisma's DateTime on SQLite)."""

    SECONDS = "seconds"
    MILLISECONDS = "milliseconds"


# Column kinds (as the backends read them) each field type accepts -> a note for
# `doctor` ("" when nothing to add).
KINDS: dict[FieldType, dict[str, str]] = {
    FieldType.ID: {"text": "", "integer": "", "uuid": ""},
    FieldType.FLAG: {"boolean": "", "integer": "read as 0/1"},
    FieldType.TIME: {
        "timestamp": "",
        "text": "read as ISO 8601 text",
        "integer": "read as epoch seconds (the table's epoch_unit)",
    },
    FieldType.TEXT: {"text": ""},
    FieldType.COUNT: {"integer": "", "numeric": "", "text": "read as a whole number"},
}


# Key suffix under which a flag read from a status column keeps the status it read
# (`has_access:source`), for messages that show the value the app stores.
SOURCE = ":source"


class Form(StrEnum):
    """How a flag field may be read from a column that is not a boolean."""

    STATUS = "status"  # {column, grants}: true when the column holds one of the values
    EXPIRY = "expiry"  # {expires_at, allowance_hours}: true while the time is ahead
    TABLE = "table"  # {from: app_subscriptions, grants}: true when a row of it grants


@dataclass(frozen=True, slots=True)
class Derivation:
    """A flag read from a status column (`grants`) or an expiry time (`expires`)."""

    column: str
    grants: tuple[str, ...] = ()
    expires: bool = False
    allowance_hours: float = 0.0
    otherwise: str | None = None  # the status to write when access ends (Ghost: free)
    source: str | None = None  # a declared table whose rows decide it (app_subscriptions)

    @property
    def form(self) -> Form:
        if self.source:
            return Form.TABLE
        return Form.EXPIRY if self.expires else Form.STATUS

    @classmethod
    def parse(cls, value: Mapping[str, Any]) -> Derivation:
        if "from" in value:
            grants = tuple(str(v) for v in value["grants"])
            return cls("", grants=grants, source=str(value["from"]))
        if "expires_at" in value:
            return cls(
                str(value["expires_at"]),
                expires=True,
                allowance_hours=float(value.get("allowance_hours", 0)),
            )
        otherwise = value.get("otherwise")
        return cls(
            str(value["column"]),
            grants=tuple(str(v) for v in value["grants"]),
            otherwise=None if otherwise is None else str(otherwise),
        )


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
    forms: tuple[Form, ...] = ()  # other ways a flag may be read (status values, expiry)
    expiry_field: str = ""  # read as an expiry, the time is this field's value too
    # init: the status values that usually mean the flag is true (Ghost's `comped`)
    value_guesses: tuple[str, ...] = ()
    holds: str = ""  # the provider object whose ids it holds: init checks sampled values

    def guesses_for(self, provider: str) -> tuple[str, ...]:
        """init: the usual column names with this billing provider, best first."""
        return (*self.provider_guesses.get(provider, ()), *self.guesses)

    @property
    def kinds(self) -> dict[str, str]:
        """Column kinds `doctor` accepts for this field -> a note."""
        return {**KINDS[self.type], **self.extra_kinds}

    def kinds_for(
        self, derivation: Derivation | None, epoch_unit: EpochUnit = EpochUnit.SECONDS
    ) -> dict[str, str]:
        """Column kinds `doctor` accepts when the field is read through `derivation`,
        in a table whose numbers in time columns count `epoch_unit`."""
        if derivation is not None and not derivation.expires:
            return {"text": "", "enum": "", "integer": "compared as text with the grants"}
        timed = self.type is FieldType.TIME or derivation is not None
        kinds = KINDS[FieldType.TIME] if derivation is not None else self.kinds
        if timed and epoch_unit is EpochUnit.MILLISECONDS:
            return {**kinds, "integer": "read as epoch milliseconds (the table's epoch_unit)"}
        return kinds


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
