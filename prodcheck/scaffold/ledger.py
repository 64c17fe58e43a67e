"""`prodcheck init`: the app's table of processed webhook events (its idempotency
ledger), for the webhooks pack: a table named like one (processed_events,
webhook_events ...) with a column of event ids, by its name and, when sampled, by
values of the provider's event id shape (evt_...)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from prodcheck.model import Provider
from prodcheck.scaffold.shapes import Columns, Rows, bare, key, kind, looks_like, values
from prodcheck.tables import PROCESSED_EVENTS, FieldType


@dataclass(frozen=True, slots=True)
class LedgerProposal:
    table: str
    columns: Mapping[str, str]  # field -> real column
    column_count: int


_NAMES = {key(name) for name in PROCESSED_EVENTS.guesses}


def _fits(field_type: FieldType, type_name: str) -> bool:
    found = kind(type_name)
    if field_type is FieldType.TIME:
        return found in {"time", "text", "int", "unknown"}
    return found in {"text", "unknown"}


def propose_ledger(
    tables: Mapping[str, Columns], provider: Provider, samples: Mapping[str, Rows]
) -> LedgerProposal | None:
    """The first table, by name, that is named like a ledger of events and maps an
    event id column whose sampled values (if any) are the provider's event ids."""
    for table in sorted(tables):
        if key(bare(table)) not in _NAMES:
            continue
        by_key = {key(name): (name, type_name) for name, type_name in tables[table]}
        mapping: dict[str, str] = {}
        for spec in PROCESSED_EVENTS.fields:
            for guess in spec.guesses:
                found = by_key.get(key(guess))
                if found and found[0] not in mapping.values() and _fits(spec.type, found[1]):
                    mapping[spec.name] = found[0]
                    break
        if "id" not in mapping:
            continue
        seen = values(samples.get(table, ()), mapping["id"])
        if looks_like(seen, "event", provider.value) is False:
            continue
        return LedgerProposal(table, mapping, len(tables[table]))
    return None
