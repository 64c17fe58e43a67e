"""`prodcheck init`: the app's declared tables beside the accounts, found by their
names and columns (tables.py's guesses): the table of processed webhook events
(its idempotency ledger, for the webhooks pack: a table named like one, with a
column of event ids, whose sampled values, when any, are of the provider's event
id shape, evt_...), and the credit balances and their ledger (the credits pack)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from prodcheck.model import Provider
from prodcheck.scaffold.shapes import Columns, Rows, bare, key, kind, looks_like, values
from prodcheck.tables import (
    CREDIT_BALANCES,
    CREDIT_LEDGER,
    PROCESSED_EVENTS,
    FieldSpec,
    FieldType,
    TableSpec,
)


@dataclass(frozen=True, slots=True)
class LedgerProposal:
    """A declared table found: its real name, field -> real column, its column count."""

    table: str
    columns: Mapping[str, str]  # field -> real column
    column_count: int


def _fits(spec: FieldSpec, type_name: str) -> bool:
    found = kind(type_name)
    if spec.type is FieldType.TIME:
        return found in {"time", "text", "int", "unknown"}
    if spec.type is FieldType.COUNT:
        return found in {"int", "unknown"}
    if spec.type is FieldType.ID and not spec.holds:  # the app's own ids: often numbers
        return found in {"text", "int", "unknown"}
    return found in {"text", "unknown"}


def propose_table(
    spec: TableSpec,
    tables: Mapping[str, Columns],
    provider: Provider,
    samples: Mapping[str, Rows],
    taken: Collection[str] = (),
) -> LedgerProposal | None:
    """The first table, by name, not `taken`, named like `spec`'s guesses, that maps
    every required field, and whose sampled values of a field holding a provider's
    ids (if any) are of that provider's shape."""
    names = {key(name) for name in spec.guesses}
    for table in sorted(tables):
        if table in taken or key(bare(table)) not in names:
            continue
        by_key = {key(name): (name, type_name) for name, type_name in tables[table]}
        mapping: dict[str, str] = {}
        for field in spec.fields:
            for guess in field.guesses:
                found = by_key.get(key(guess))
                if found and found[0] not in mapping.values() and _fits(field, found[1]):
                    mapping[field.name] = found[0]
                    break
        if any(name not in mapping for name in spec.required):
            continue
        if any(
            looks_like(values(samples.get(table, ()), mapping[f.name]), f.holds, provider.value)
            is False
            for f in spec.fields
            if f.holds and f.name in mapping
        ):
            continue
        return LedgerProposal(table, mapping, len(tables[table]))
    return None


def propose_ledger(
    tables: Mapping[str, Columns], provider: Provider, samples: Mapping[str, Rows]
) -> LedgerProposal | None:
    """The processed-events table: named like a ledger of events, mapping an event
    id column whose sampled values (if any) are the provider's event ids."""
    return propose_table(PROCESSED_EVENTS, tables, provider, samples)


def propose_credits(
    tables: Mapping[str, Columns],
    provider: Provider,
    samples: Mapping[str, Rows],
    taken: Collection[str] = (),
) -> dict[str, LedgerProposal]:
    """The credit tables found (credit_balances, credit_ledger), each a table of its own."""
    found: dict[str, LedgerProposal] = {}
    for spec in (CREDIT_LEDGER, CREDIT_BALANCES):  # the ledger's names are the narrower
        proposal = propose_table(spec, tables, provider, samples, {*taken, *_tables(found)})
        if proposal is not None:
            found[spec.name] = proposal
    return {name: found[name] for name in ("credit_balances", "credit_ledger") if name in found}


def _tables(found: Mapping[str, LedgerProposal]) -> set[str]:
    return {proposal.table for proposal in found.values()}
