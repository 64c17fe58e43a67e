"""How the config maps a declared table (tables.py) to the app's real one: a
`ColumnMapping` (field -> real column, or a Derivation for a flag read another way),
a `TableConfig` as every reader takes it, the `Join`s that spread a table over
others, and the JSON Schema of a `columns:` mapping. Nothing here names a column."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from prodcheck.tables import (
    ACCOUNTS,
    Derivation,
    EpochUnit,
    FieldSpec,
    FieldType,
    Form,
    TableSpec,
)

Mapped = str | Derivation | Mapping[str, Any] | None


class ColumnMapping:
    """Field -> real column name, for the fields of a table's spec that are mapped.

    `ColumnMapping(id="id", customer_id="cus", has_access="paid", plan="plan")`, or
    the same positionally in the spec's order. A flag field may instead be read from
    a status column or an expiry time (`has_access={"column": "status", "grants":
    ["active"]}`, a `Derivation`). Fields come from the `TableSpec` alone: nothing
    here names a column. `epoch_unit`: what a number in the table's time columns
    counts (the table's `epoch_unit` in the config).
    """

    __slots__ = ("_columns", "_derived", "epoch_unit", "spec")

    def __init__(
        self,
        *positional: str,
        spec: TableSpec = ACCOUNTS,
        epoch_unit: EpochUnit = EpochUnit.SECONDS,
        **named: Mapped,
    ) -> None:
        names = spec.names
        if len(positional) > len(names):
            raise TypeError(f"{spec.name} has {len(names)} fields, got {len(positional)}")
        given: dict[str, Mapped] = dict(zip(names, positional, strict=False))
        self._set(spec, {**given, **named}, epoch_unit)

    @classmethod
    def of(
        cls,
        spec: TableSpec,
        fields: Mapping[str, Mapped],
        epoch_unit: EpochUnit = EpochUnit.SECONDS,
    ) -> ColumnMapping:
        """The mapping of `fields` (field -> column), whatever the fields are called
        (a joined table's fields are its column names: `spec` or `epoch_unit` too)."""
        mapping = cls.__new__(cls)
        mapping._set(spec, dict(fields), epoch_unit)
        return mapping

    def _set(self, spec: TableSpec, given: dict[str, Mapped], epoch_unit: EpochUnit) -> None:
        unknown = [name for name in given if name not in spec.names]
        if unknown:
            raise TypeError(f"{spec.name} has no field {unknown[0]!r}")
        missing = [name for name in spec.required if not given.get(name)]
        if missing:
            raise TypeError(f"{spec.name}: required field(s) {', '.join(missing)} not mapped")
        self._columns: dict[str, str] = {}
        self._derived: dict[str, Derivation] = {}
        for name, value in given.items():
            if isinstance(value, Mapping):
                value = Derivation.parse(value)
            if isinstance(value, Derivation):
                self._derived[name] = value
                if value.column:  # a table-decided flag reads no column of its own
                    self._columns[name] = value.column
            elif value:
                self._columns[name] = value
        self.spec = spec
        self.epoch_unit = EpochUnit(epoch_unit)

    def replace(self, **changes: Mapped) -> ColumnMapping:
        """A copy with some fields mapped to other columns (None: unmapped)."""
        current: dict[str, Mapped] = {**self._columns, **self._derived}
        return ColumnMapping.of(self.spec, {**current, **changes}, self.epoch_unit)

    def get(self, name: str) -> str | None:
        """The real column mapped to field `name`, or None when it is not mapped."""
        return self._columns.get(name)

    def derivation(self, name: str) -> Derivation | None:
        """How a flag field is read when its column is not a boolean, else None."""
        return self._derived.get(name)

    @property
    def id(self) -> str:
        return self._columns["id"]

    @property
    def key(self) -> tuple[str, str]:
        """(field, column) of what every row must hold: the spec's first required
        field (a row's id; a credit table's account id)."""
        name = self.spec.required[0]
        return name, self._columns[name]

    def items(self) -> tuple[tuple[str, str], ...]:
        """(field, real column name) for every mapped column, in declaration order."""
        return tuple(
            (name, self._columns[name]) for name in self.spec.names if name in self._columns
        )

    @property
    def milliseconds(self) -> bool:
        """Whether a number in a time column counts epoch milliseconds."""
        return self.epoch_unit is EpochUnit.MILLISECONDS

    @property
    def mapped_optional(self) -> frozenset[str]:
        return frozenset(name for name in self.spec.optional if name in self._columns)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ColumnMapping):
            return NotImplemented
        return (self.spec.name, self._columns, self._derived, self.epoch_unit) == (
            other.spec.name,
            other._columns,
            other._derived,
            other.epoch_unit,
        )

    def __hash__(self) -> int:
        return hash(
            (
                self.spec.name,
                tuple(sorted(self._columns.items())),
                tuple(sorted(self._derived.items())),
                self.epoch_unit,
            )
        )

    def __repr__(self) -> str:
        pairs = ", ".join(
            f"{name}={self._derived.get(name, column)!r}" for name, column in self.items()
        )
        unit = f", epoch_unit={self.epoch_unit.value!r}" if self.milliseconds else ""
        return f"ColumnMapping({pairs}{unit})"


@dataclass(frozen=True, slots=True)
class Join:
    """A table joined to a declared one: the config maps a field to `table.column`.
    `on` pairs a column of the joined table with the field of the declared table it
    holds (`member_id` -> `id`)."""

    table: str
    on: tuple[tuple[str, str], ...]
    where: str | None = None

    def columns(self, mapping: ColumnMapping) -> list[str]:
        """The joined table's columns to read: the keys, then the mapped ones."""
        prefix = f"{self.table}."
        mapped = [c[len(prefix) :] for _, c in mapping.items() if c.startswith(prefix)]
        return list(dict.fromkeys([*(column for column, _ in self.on), *mapped]))


@dataclass(frozen=True, slots=True)
class TableConfig:
    """One table prodcheck reads: its declaration, the real table, the column
    mapping, an optional row filter, tables joined to it, and where it sits in the
    config."""

    spec: TableSpec
    table: str
    columns: ColumnMapping
    where: str | None = None
    key: str = "database"
    joins: tuple[Join, ...] = ()

    def join_of(self, column: str) -> Join | None:
        """The join a mapped `table.column` reads from, or None for the table's own."""
        return next((j for j in self.joins if column.startswith(f"{j.table}.")), None)

    def own_mapped(self) -> list[str]:
        """The table's own mapped columns (not a joined table's), once each."""
        return list(dict.fromkeys(c for _, c in self.columns.items() if self.join_of(c) is None))

    def own_columns(self) -> list[str]:
        """The table's own columns to read: mapped ones, then the keys joins use."""
        keys = [self.columns.get(field) or field for j in self.joins for _, field in j.on]
        return list(dict.fromkeys([*self.own_mapped(), *keys]))

    def plain(self) -> TableConfig:
        """The table itself as a list of columns, for a reader: joined fields left out."""
        return plain_table(self.spec.name, self.table, self.own_columns(), self.where, self.key)

    def joined(self) -> list[tuple[Join, TableConfig]]:
        """Each join with the plain table config that reads it."""
        return [
            (
                join,
                plain_table(
                    f"{self.spec.name}_join_{index}",
                    join.table,
                    join.columns(self.columns),
                    join.where,
                    f"{self.key}.joins.{join.table}",
                ),
            )
            for index, join in enumerate(self.joins)
        ]


def plain_table(
    name: str, table: str, columns: list[str], where: str | None, key: str
) -> TableConfig:
    """A table read as the listed columns, each its own field (for joins and the own
    columns of a joined table); the first column orders the rows."""
    spec = TableSpec(
        name=name,
        meaning=f"columns of {table}",
        fields=tuple(
            FieldSpec(column, FieldType.TEXT, column, required=index == 0)
            for index, column in enumerate(columns)
        ),
    )
    mapping = ColumnMapping.of(spec, {c: c for c in columns})
    return TableConfig(spec, table, mapping, where, key)


def columns_schema(spec: TableSpec) -> dict[str, object]:
    """The JSON Schema of a `columns:` mapping for this table: field -> real column."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(spec.required),
        "description": f"prodcheck field -> your real column name ({spec.meaning})",
        "properties": {f.name: _field_schema(f) for f in spec.fields},
    }


def _field_schema(spec: FieldSpec) -> dict[str, object]:
    column = {"type": "string", "minLength": 1, "description": spec.meaning}
    forms: list[dict[str, object]] = [column]
    if Form.STATUS in spec.forms:
        forms.append(
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["column", "grants"],
                "description": f"{spec.name} read from a status column: true for these values",
                "properties": {
                    "column": {"type": "string", "minLength": 1},
                    "grants": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": ["string", "integer"]},
                    },
                    "otherwise": {
                        "type": ["string", "integer"],
                        "description": "the value to write when access ends (default: "
                        "billing's status when it is not one of the grants)",
                    },
                },
            }
        )
    if Form.TABLE in spec.forms:
        forms.append(
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["from", "grants"],
                "description": f"{spec.name} when a row of the app's own subscriptions table "
                "linked to the account has one of these statuses",
                "properties": {
                    "from": {"enum": ["app_subscriptions"]},
                    "grants": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "minLength": 1},
                    },
                },
            }
        )
    if Form.EXPIRY in spec.forms:
        forms.append(
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["expires_at"],
                "description": f"{spec.name} while this time (plus the allowance) is ahead",
                "properties": {
                    "expires_at": {"type": "string", "minLength": 1},
                    "allowance_hours": {"type": "number", "minimum": 0, "maximum": 8784},
                },
            }
        )
    return column if len(forms) == 1 else {"oneOf": forms, "description": spec.meaning}
