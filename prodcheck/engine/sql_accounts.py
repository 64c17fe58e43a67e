"""The engine's accounts-side tables, computed by SQL from the typed rows the SQL
reader writes (db_accounts: sources/rows_sql.py), instead of from the index's
Account objects (sql_load.py). Each table means what sql_load.py makes of the
index:

- accounts(row, db_plan, email_key, <each account.* fact by field>): one row per
  row of the app's table, in its order; access decided the app's way (a flag, a
  status column, an expiry time plus its allowance, the app's own subscriptions);
- settle_accounts(id): rows updated within the settle window (index.py: _settling);
- allowance(id): rows whose access ended within the app's allowance
  (index.py: _within_allowance).

What a Python function decides for a few distinct values (the plan a stored value
stands for, an email's key when it is not ASCII, which owners the app's own
subscriptions grant) is computed in Python once per value and registered as a
small table (`register`); everything per row is SQL.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prodcheck.engine.account_facts import email_key
from prodcheck.engine.index import Index
from prodcheck.engine.sql_billing import ASCII
from prodcheck.engine.sql_conditions import moment
from prodcheck.engine.sql_load import ACCOUNT_FIELDS, CONVERTED, table
from prodcheck.engine.stored_plans import StoredPlans

# The account kind's rows (their table, their key: the account id), as sql_rows.KEYS.
KEYS = ("accounts", "id")


def _microseconds(hours: float) -> int:
    """The allowance as Python's timedelta rounds it."""
    return timedelta(hours=hours) // timedelta(microseconds=1)


def register(conn: Any, index: Index, stored: StoredPlans | None) -> None:
    """The small tables the statements join: account_plans(value, plan),
    email_keys(email, key), comped_ids(id), app_granted(owner)."""
    import pyarrow as pa

    config = index.config
    text = pa.string()
    values = [row[0] for row in conn.execute(
        "SELECT DISTINCT plan FROM db_accounts WHERE plan IS NOT NULL ORDER BY plan"
    ).fetchall()]  # fmt: skip
    plans = [stored.plan_of(value) if stored else value for value in values]
    emails = [row[0] for row in conn.execute(
        f"SELECT DISTINCT email FROM db_accounts WHERE email IS NOT NULL AND NOT {ASCII}"
    ).fetchall()]  # fmt: skip
    access = config.database.columns.derivation("has_access")
    granted = set()
    if access is not None and access.source:
        # the owners (index.app_by_owner) with a row that grants, as access.has_access reads them
        granted = {
            owner
            for owner, rows in index.app_by_owner.items()
            if any(row.get("status") in access.grants for row in rows)
        }
    tables = {
        "account_plans": {"value": (text, values), "plan": (text, plans)},
        "email_keys": {"email": (text, emails), "key": (text, [email_key(e) for e in emails])},
        "comped_ids": {"id": (text, sorted(config.policy.comped_accounts))},
        "app_granted": {"owner": (text, sorted(granted))},
    }
    for name, columns in tables.items():
        conn.register(name, table(columns))


def _granted(index: Index) -> str:
    """Whether the row has access, the app's way (access.has_access)."""
    config, now = index.config, index.now
    access = config.database.columns.derivation("has_access")
    if access is not None and access.source:
        owner = "a.id" if index.app_by_account else "a.customer_id"
        return f"coalesce({owner} IN (SELECT owner FROM app_granted), false)"
    if access is not None and access.expires:
        allowance = _microseconds(access.allowance_hours)
        return (
            f"coalesce(a.access_expires_at + to_microseconds({allowance}) > {moment(now)}, false)"
        )
    return "coalesce(a.has_access, false)"


def statements(index: Index) -> tuple[str, ...]:
    """accounts, settle_accounts and allowance, from db_accounts and the tables
    `register` adds."""
    config, now = index.config, index.now
    derived = {
        "has_access": _granted(index),
        # a deletion scheduled for later (deleted_at in the future) is not one yet
        "deleted": f"coalesce(a.deleted_at <= {moment(now)}, false)",
        "comped": "coalesce(a.comped, false) OR a.id IN (SELECT id FROM comped_ids)",
    }
    fields = []
    for name, spec in ACCOUNT_FIELDS:
        if spec.type in CONVERTED:
            raise NotImplementedError(f"account.{name}: a {spec.type} fact has no SQL column")
        fields.append(f"{derived.get(name, f'a.{name}')} AS {name}")
    accounts = f"""
CREATE OR REPLACE TEMP TABLE accounts AS
SELECT a.pos AS row, p.plan AS db_plan,
    CASE WHEN a.email IS NULL THEN NULL WHEN {ASCII.replace("email", "a.email")}
        THEN lower(a.email) ELSE e.key END AS email_key,
    {", ".join(fields)}
FROM db_accounts a
LEFT JOIN account_plans p ON p.value = a.plan
LEFT JOIN email_keys e ON e.email = a.email
ORDER BY a.pos
"""
    window = timedelta(minutes=config.policy.settle_window_minutes)
    settle = "SELECT NULL::VARCHAR AS id LIMIT 0"
    if window:
        settle = (
            f"SELECT DISTINCT id FROM db_accounts WHERE updated_at BETWEEN {moment(now - window)} "
            f"AND {moment(now + timedelta(minutes=1))}"
        )
    access = config.database.columns.derivation("has_access")
    allowance = "SELECT NULL::VARCHAR AS id LIMIT 0"
    if access is not None and access.expires and access.allowance_hours:
        since = now - timedelta(hours=access.allowance_hours)
        allowance = (
            "SELECT DISTINCT id FROM db_accounts WHERE access_expires_at > "
            f"{moment(since)} AND access_expires_at <= {moment(now)}"
        )
    return (
        accounts,
        f"CREATE OR REPLACE TEMP TABLE settle_accounts AS {settle}",
        f"CREATE OR REPLACE TEMP TABLE allowance AS {allowance}",
    )
