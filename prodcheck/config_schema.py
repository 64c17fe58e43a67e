"""What prodcheck.yml may hold beyond the shipped JSON Schema: the schema's table and
column properties generated from the declarations (tables.py), and the checks JSON
Schema cannot say (one form of the accounts table, joins on mapped fields, plans in
the tier order), each naming its file, line and key."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from prodcheck.mapping import columns_schema
from prodcheck.tables import ACCOUNTS, TABLES
from prodcheck.yamlfile import Located, dotted, load_schema


@cache
def config_schema() -> dict[str, Any]:
    """config.schema.json with the column properties of the accounts table filled in
    from its declaration (tables.py), never restated in the file."""
    schema = copy.deepcopy(load_schema("config.schema.json"))
    # One of the two forms: the older table/columns first, so that a config
    # written in it hears about the key it lacks.
    schema["properties"]["database"]["anyOf"] = [
        {"required": ["table", "columns"]},
        {"required": ["tables"]},
    ]
    database = schema["properties"]["database"]["properties"]
    database["columns"] = columns_schema(ACCOUNTS)
    database["subject"] = {
        "type": "string",
        "pattern": "^[a-z][a-z_ ]{0,30}$",
        "description": "what one row is called in messages: team, organization, member, "
        "user (default: account)",
    }
    tables: dict[str, dict[str, Any]] = {
        name: {
            "type": "object",
            "additionalProperties": False,
            "required": ["table", "columns"],
            "description": spec.meaning,
            "properties": {
                "table": database["table"],
                "columns": columns_schema(spec),
                "where": database["where"],
                "epoch_unit": database["epoch_unit"],
            },
        }
        for name, spec in TABLES.items()
    }
    database["tables"] = {
        "type": "object",
        "additionalProperties": False,
        "description": "the app's tables prodcheck reads, each with its real name and columns",
        "properties": tables,
    }
    # The accounts table alone is named in messages and may be spread over tables.
    tables["accounts"]["properties"].update(
        subject=database["subject"],
        joins={
            "type": "object",
            "description": "tables joined to this one (read-only, no view needed): "
            "joined table -> {on: {its column: this table's field}, where}; map a "
            "field to `joined_table.column` to read it from there",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["on"],
                "properties": {
                    "on": {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": {"enum": list(ACCOUNTS.names)},
                    },
                    "where": database["where"],
                },
            },
        },
    )
    return schema


OLD_FORM = ("table", "columns", "where", "subject", "epoch_unit")


def _old_form(located: Located) -> tuple[dict[str, Any], list[str]]:
    """The database section, and which keys of the older accounts form it uses."""
    database = located.data.get("database") or {}
    return database, [key for key in OLD_FORM if key in database]


def deprecations(located: Located) -> list[str]:
    """Forms still read but no longer written, each with what to write instead."""
    database, old = _old_form(located)
    if not old or "tables" in database:
        return []
    keys = ", ".join(f"database.{key}" for key in old)
    return [
        f"{located.where(('database', old[0]))}: {keys}: the older form of "
        "database.tables.accounts, still read; move them under `tables: {accounts: {table: "
        "..., columns: {...}}}`"
    ]


def _table_form_errors(located: Located) -> list[str]:
    database, old = _old_form(located)
    if "tables" in database and old:
        keys = ", ".join(f"database.{key}" for key in old)
        return [
            f"{located.where(('database', old[0]))}: {keys}: also given under database.tables; "
            "keep one form (database.tables.accounts)"
        ]
    if "tables" in database and "accounts" not in (database["tables"] or {}):
        return [
            f"{located.where(('database', 'tables'))}: database.tables: 'accounts' is a "
            "required property: add it (table, columns)"
        ]
    return []


def _join_errors(located: Located) -> list[str]:
    """A join is on fields of the accounts table that its own columns hold."""
    accounts = ((located.data.get("database") or {}).get("tables") or {}).get("accounts") or {}
    joins = accounts.get("joins") or {}
    columns = accounts.get("columns") or {}
    if not isinstance(joins, dict) or not isinstance(columns, dict):
        return []
    errors = []
    for name, join in joins.items():
        for column, field_name in ((join or {}).get("on") or {}).items():
            mapped = columns.get(field_name)
            if isinstance(mapped, dict):
                mapped = mapped.get("column") or mapped.get("expires_at")
            problem = None
            if mapped is None:
                problem = f"{field_name} is not mapped under columns: map it, or join on another"
            elif any(str(mapped).startswith(f"{other}.") for other in joins):
                problem = (
                    f"{field_name} is itself read from a joined table: join on a field of "
                    f"{accounts.get('table')}"
                )
            if problem:
                key = ("database", "tables", "accounts", "joins", name, "on", column)
                errors.append(f"{located.where(key)}: {dotted(key)}: {problem}")
    return errors


# What each status listed under policy.entitled_statuses would mean that the
# policy cannot: past_due entitles within the grace period (listed, it would
# entitle for as long as retries go on, the grace period silently off); the others
# never entitle (engine/entitlement.py), so listing them would change nothing.
_NOT_ENTITLING = {
    "past_due": (
        "past_due entitles within policy.grace_period_days; listed here it would entitle "
        "for as long as the provider retries, with no grace period. Remove it, and set "
        "grace_period_days to the retry schedule's length (e.g. 21 days) instead"
    ),
    "canceled": "a canceled subscription is over and never entitles: remove it",
    "unpaid": "an unpaid subscription stopped collecting and never entitles: remove it",
    "incomplete": "an incomplete subscription was never paid and never entitles: remove it",
    "incomplete_expired": (
        "an incomplete_expired subscription was never paid and never entitles: remove it"
    ),
    "paused": (
        "a paused subscription collects nothing: one paused after a failed renewal "
        "(first_payment_failure) already entitles within grace_period_days, like past_due, "
        "and any other never entitles: remove it"
    ),
}


def _entitled_errors(located: Located) -> list[str]:
    """policy.entitled_statuses lists only statuses it can make entitle; anything
    else would be accepted and do nothing, or turn the grace period off."""
    statuses = (located.data.get("policy") or {}).get("entitled_statuses") or []
    errors = []
    for index, status in enumerate(statuses if isinstance(statuses, list) else []):
        if isinstance(status, str) and status in _NOT_ENTITLING:
            key = ("policy", "entitled_statuses", index)
            errors.append(f"{located.where(key)}: {dotted(key)}: {_NOT_ENTITLING[status]}")
    return errors


def semantic_errors(located: Located) -> list[str]:
    """What JSON Schema cannot say: one form of the accounts table; plans in the price
    map missing from the tier order; statuses the policy cannot make entitle."""
    errors = _table_form_errors(located) + _join_errors(located) + _entitled_errors(located)
    plans = located.data.get("plans") or {}
    tiers = plans.get("tiers") or []
    for section in ("prices", "values"):
        mapping = plans.get(section) or {}
        if not tiers or not isinstance(mapping, dict):
            continue
        for value, plan in mapping.items():
            if isinstance(plan, str) and plan not in tiers:
                key = ("plans", section, value)
                errors.append(
                    f"{located.where(key)}: {dotted(key)}: plan '{plan}' is not in plans.tiers "
                    f"({', '.join(tiers)}): add it to the tier order or fix the name"
                )
    return errors
