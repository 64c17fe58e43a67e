"""`prodcheck init`: propose the accounts table, its mapping, its joins and the app's
own subscriptions table, from the database's tables, column types and sampled rows.

Names are matched loosely (case, `_` and camelCase ignored) against the usual
spellings, most specific first; types rule out the absurd (a text column is no
access flag, a bigint is no provider customer id); sampled values rule out the
rest (a `customer_id` holding the app's own ids is not billing's). Access is
proposed in the form the app keeps it: a flag, a status column, an expiry time,
or the app's subscriptions table. A customer id kept in another table (Supabase's
`customers`, Ghost's `members_stripe_customers`) becomes a join. render.py
writes the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from prodcheck.model import Provider
from prodcheck.scaffold.ledger import LedgerProposal, propose_credits, propose_ledger
from prodcheck.scaffold.shapes import (
    ENTITLING,
    STATUS_COLUMNS,
    Columns,
    Rows,
    bare,
    epoch_milliseconds,
    flag_from_status,
    key,
    kind,
    looks_like,
    singular,
    status_mapping,
    subject_of,
    values,
)
from prodcheck.tables import ACCOUNTS, APP_SUBSCRIPTIONS, FieldType, Form, TableSpec

Guesses = Mapping[str, tuple[str, ...]]


def _guesses(spec: TableSpec) -> dict[Provider, dict[str, tuple[str, ...]]]:
    return {
        provider: {f.name: f.guesses_for(provider.value) for f in spec.fields}
        for provider in Provider
    }


# From the tables' declarations (tables.py): the usual column names per field, best
# first (compared after `key`), and the usual table names.
CANDIDATES = _guesses(ACCOUNTS)
APP_CANDIDATES = _guesses(APP_SUBSCRIPTIONS)
ACCOUNT_TABLES = ACCOUNTS.guesses
_WEIGHT = {"customer_id": 6, "has_access": 3}
_FIELDS = (*ACCOUNTS.fields, *APP_SUBSCRIPTIONS.fields)
_FLAGS = frozenset(f.name for f in _FIELDS if f.type is FieldType.FLAG)
_TIMES = frozenset(f.name for f in _FIELDS if f.type is FieldType.TIME)
ACCESS = ACCOUNTS.field("has_access")
# Optional flags a status value may mean (comped), read from the access status column.
_STATUS_FLAGS = tuple(f for f in ACCOUNTS.fields if Form.STATUS in f.forms and not f.required)
# Fields holding the provider's ids: text, and when sampled, of the provider's shape.
_PROVIDER_IDS = {f.name: f.holds for f in ACCOUNTS.fields if f.holds}
_APP_IDS = {f.name: f.holds for f in APP_SUBSCRIPTIONS.fields if f.holds}
_REFERENCES = ("user_id", "account_id", "owner_id", "team_id", "organization_id", "member_id")


def _fits(field_name: str, type_name: str) -> bool:
    found = kind(type_name)
    if field_name in _FLAGS:
        return found in {"flag", "int", "unknown"}
    if field_name in _TIMES:
        return found in {"time", "text", "int", "unknown"}
    if field_name in _PROVIDER_IDS or (field_name in _APP_IDS and field_name != "id"):
        return found in {"text", "unknown"}
    return found != "flag" and (found != "time" or field_name == "id")


@dataclass(frozen=True, slots=True)
class JoinProposal:
    table: str
    on: Mapping[str, str]  # the joined table's column -> the accounts table's column


@dataclass(frozen=True, slots=True)
class TableProposal:
    table: str
    columns: Mapping[str, Any]  # prodcheck field -> real column, or how it is derived
    score: int
    column_count: int
    subject: str | None = None
    joins: tuple[JoinProposal, ...] = ()
    comments: Mapping[str, str] = field(default_factory=dict)  # field -> what was seen
    # a number its time columns hold that only epoch milliseconds can mean, if any
    milliseconds_seen: str | None = None

    @property
    def missing_required(self) -> tuple[str, ...]:
        return tuple(f for f in ACCOUNTS.required if f not in self.columns)

    @property
    def recognised(self) -> int:
        """How many of the table's own columns the mapping reads."""
        used = set()
        for value in self.columns.values():
            if isinstance(value, str) and "." not in value:
                used.add(value)
            elif isinstance(value, Mapping):
                used.update(str(value[k]) for k in ("column", "expires_at") if k in value)
        return len(used)


@dataclass(frozen=True, slots=True)
class AppTableProposal:
    table: str
    columns: Mapping[str, str]
    column_count: int
    milliseconds_seen: str | None = None  # as TableProposal's


def _time_columns(mapping: Mapping[str, Any]) -> list[str]:
    """The table's own columns a mapping reads as times (an expiry's too)."""
    found = [c for f, c in mapping.items() if f in _TIMES and isinstance(c, str) and "." not in c]
    access = mapping.get("has_access")
    if isinstance(access, Mapping) and "expires_at" in access:
        found.append(str(access["expires_at"]))
    return found


@dataclass(frozen=True, slots=True)
class SchemaProposal:
    accounts: tuple[TableProposal, ...]  # most likely first
    app_table: AppTableProposal | None = None
    ledger: LedgerProposal | None = None  # the processed-events table
    credits: Mapping[str, LedgerProposal] = field(default_factory=dict)  # the credit tables


def _match(
    columns: Columns,
    guesses: Guesses,
    fits: Callable[[str, str], bool],
    valid: Callable[[str, str], bool] = lambda field_name, column: True,
    first: Sequence[str] = (),
) -> dict[str, str]:
    by_key = {key(name): (name, type_name) for name, type_name in columns}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field_name in (*first, *guesses):
        if field_name in mapping:
            continue
        for candidate in guesses[field_name]:
            found = by_key.get(key(candidate))
            if (
                found
                and found[0] not in used
                and fits(field_name, found[1])
                and valid(field_name, found[0])
            ):
                mapping[field_name] = found[0]
                used.add(found[0])
                break
    return mapping


def _provider_ids(
    provider: Provider, rows: Rows, holds: Mapping[str, str] = _PROVIDER_IDS
) -> Callable[[str, str], bool]:
    """Sampled values veto a provider-id column that holds something else; `holds`:
    field -> the provider object whose ids it holds (from the table's declaration)."""

    def valid(field_name: str, column: str) -> bool:
        what = holds.get(field_name)
        return what is None or looks_like(values(rows, column), what, provider.value) is not False

    return valid


def propose_columns(
    columns: Columns, provider: Provider, table: str = "", rows: Rows = ()
) -> dict[str, str]:
    """The accounts fields found by name, type and sampled values."""
    guesses = dict(CANDIDATES[provider])
    guesses["id"] = (*guesses["id"], f"{singular(table)}_id")
    mapping = _match(
        columns, guesses, _fits, _provider_ids(provider, rows), first=("customer_id", "id")
    )
    if "customer_id" not in mapping and rows:
        # Named like nothing usual, holding nothing but the provider's customer ids.
        for name, type_name in columns:
            found = values(rows, name)
            free = name not in mapping.values() and _fits("customer_id", type_name)
            if free and found and looks_like(found, "customer", provider.value):
                mapping["customer_id"] = name
                break
    return mapping


def _access(columns: Columns, mapping: dict[str, Any], rows: Rows) -> dict[str, str]:
    """Access read as the app keeps it when it has no flag: a status column of known
    values, else an expiry time. Edits `mapping`; returns comments on what was seen."""
    if "has_access" in mapping:
        return {}
    by_key = {key(name): (name, type_name) for name, type_name in columns}
    for candidate in STATUS_COLUMNS:
        name, type_name = by_key.get(key(candidate), ("", ""))
        if not name or kind(type_name) not in {"text", "unknown"}:
            continue
        found = values(rows, name)
        derived = status_mapping(name, found, ACCESS.value_guesses)
        if derived is None:
            continue
        mapping["has_access"] = derived
        for spec in _STATUS_FLAGS:
            flag = flag_from_status(name, found, spec.value_guesses)
            if flag is not None and spec.name not in mapping:
                mapping[spec.name] = flag
        seen = f"values seen: {', '.join(found)}" if found else "no rows to sample"
        if "past_due" in found:
            seen += "; add past_due to grants if your app keeps access while a payment is retried"
        return {"has_access": seen}
    expiry = mapping.pop(ACCESS.expiry_field, None)
    if expiry is not None:
        # A period end copied from billing: apps add a day's leeway for the renewal.
        allowance = 24 if "periodend" in key(expiry) else 0
        mapping["has_access"] = {"expires_at": expiry, "allowance_hours": allowance}
        return {"has_access": "access while this time is in the future, plus the allowance"}
    return {}


def _join(
    table: str,
    mapping: Mapping[str, Any],
    tables: Mapping[str, Columns],
    samples: Mapping[str, Rows],
    provider: Provider,
) -> tuple[JoinProposal, str] | None:
    """A table holding this table's customer id, by a column naming this table's rows
    (`member_id`) or by sharing its ids (Supabase's `customers.id` = `users.id`)."""
    id_column = mapping.get("id")
    if id_column is None:
        return None
    ids = set(values(samples.get(table, ()), id_column))
    own = (f"{singular(table)}_id", f"{subject_of(table) or singular(table)}_id")
    for other, columns in sorted(tables.items()):
        rows = samples.get(other, ())
        if other == table or _is_app_table(other):
            continue
        found = _match(
            columns,
            {"customer_id": CANDIDATES[provider]["customer_id"]},
            _fits,
            _provider_ids(provider, rows),
        )
        if "customer_id" not in found:
            continue
        by_key = {key(name): name for name, _ in columns}
        for reference in (*own, *_REFERENCES, "id"):
            column = by_key.get(key(reference))
            if column is None or column == found["customer_id"]:
                continue
            theirs = set(values(rows, column))
            named = reference in own
            if (ids and theirs and ids & theirs) or (named and not (ids and theirs)):
                return JoinProposal(other, {column: id_column}), f"{other}.{found['customer_id']}"
    return None


def _is_app_table(table: str) -> bool:
    return key(bare(table)).endswith(("subscription", "subscriptions"))


def propose_app_table(
    tables: Mapping[str, Columns], provider: Provider, samples: Mapping[str, Rows]
) -> AppTableProposal | None:
    """The app's own copy of billing's subscriptions: a table named like one that
    maps a subscription id and a status or price."""
    proposals = []
    for table, columns in tables.items():
        if not _is_app_table(table):
            continue
        valid = _provider_ids(provider, samples.get(table, ()), _APP_IDS)
        mapping = _match(columns, APP_CANDIDATES[provider], _fits, valid)
        if "id" in mapping and ({"status", "price_id"} & set(mapping)):
            seen = epoch_milliseconds(samples.get(table, ()), _time_columns(mapping))
            proposals.append(AppTableProposal(table, mapping, len(columns), seen))
    proposals.sort(key=lambda p: (-len(p.columns), p.table))
    return proposals[0] if proposals else None


def _references(
    app: AppTableProposal,
    table: str,
    id_column: str | None,
    tables: Mapping[str, Columns],
    samples: Mapping[str, Rows],
) -> bool:
    """Whether the app table's rows name this table's rows: by the reference column's
    name (`user_id` names users) when it names a table, else by shared ids."""
    column = app.columns.get("account_id")
    if column is None or id_column is None:
        return "customer_id" in app.columns
    named = {t for t in tables if key(column) in _own_references(t)}
    if named:
        return table in named
    theirs = set(values(samples.get(app.table, ()), column))
    return bool(theirs & set(values(samples.get(table, ()), id_column)))


def _own_references(table: str) -> set[str]:
    """How another table's column names this one's rows: `user_id`, `team_id`."""
    return {key(f"{singular(table)}_id"), key(f"{subject_of(table) or singular(table)}_id")}


def propose_schema(
    tables: Mapping[str, Columns], provider: Provider, samples: Mapping[str, Rows] | None = None
) -> SchemaProposal:
    """Every table that could hold the accounts, most likely first, and the app's
    subscriptions table when it has one."""
    samples = samples or {}
    app = propose_app_table(tables, provider, samples)
    proposals = []
    for table, columns in tables.items():
        if app is not None and table == app.table:
            continue
        rows = samples.get(table, ())
        mapping: dict[str, Any] = dict(propose_columns(columns, provider, table, rows))
        comments = _access(columns, mapping, rows)
        joins: tuple[JoinProposal, ...] = ()
        score = 0
        if "customer_id" not in mapping:
            joined = _join(table, mapping, tables, samples, provider)
            if joined is not None:
                joins, mapping["customer_id"] = (joined[0],), joined[1]
                score -= 1  # a table holding the customer id itself is likelier
        linked = app is not None and _references(app, table, mapping.get("id"), tables, samples)
        if "has_access" not in mapping and app is not None and linked:
            mapping["has_access"] = {"from": "app_subscriptions", "grants": list(ENTITLING)}
            comments["has_access"] = f"an account has access while {app.table} says so"
            score -= 1
        if "customer_id" not in mapping and "has_access" not in mapping:
            continue
        score += sum(_WEIGHT.get(f, 1) for f in mapping)
        if bare(table).lower() in ACCOUNT_TABLES:
            score += 2
        proposal = TableProposal(table, mapping, score, len(columns), subject_of(table), joins)
        seen = epoch_milliseconds(rows, _time_columns(mapping))
        proposals.append(replace(proposal, comments=comments, milliseconds_seen=seen))
    # A table another candidate joins for its customer id is a link, not the accounts.
    links = {join.table for p in proposals for join in p.joins}
    proposals = [replace(p, score=p.score - 3) if p.table in links else p for p in proposals]
    ordered = tuple(sorted(proposals, key=lambda p: (-p.score, p.table)))
    ledger = propose_ledger(tables, provider, samples)
    taken = {ledger.table} if ledger is not None else set()
    credits = propose_credits(tables, provider, samples, taken)
    taken |= {proposal.table for proposal in credits.values()}
    ordered = tuple(p for p in ordered if p.table not in taken)
    return SchemaProposal(ordered, app, ledger, credits)
