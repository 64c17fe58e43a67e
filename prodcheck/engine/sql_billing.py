"""The engine's billing tables, computed by SQL from the normalized billing tables
a provider's SQL writes (sources/stripe_sql.py: billing_subscriptions,
billing_items, billing_pending, billing_customers, billing_schedules,
billing_schedule_phases, billing_events), instead of from Python objects
(sql_load.py). Each table means what sql_load.py makes of the index:

- customers(id, deleted, email, email_key, metadata_user_id): one row per id, the
  last object listed under it (as a dict keyed by id keeps it);
- subscriptions(row, pos, id, customer_id, status, period_start, renewed_at, had_trial,
  period_end, canonical, price_set, cancel_at_period_end, quantity, recovering,
  collection_paused): `row` in report order (by customer id, then subscription id,
  then as listed), `pos` the object's place in its collection; the item-level period
  first, the subscription's as fallback; `canonical` the last subscription listed
  under an id; `recovering` as entitlement.recovering says;
- items(sub_row, pos, price_id), pending(sub_row, pos, price_id);
- schedule_prices(schedule_row, subscription, status, created, phase_start,
  price_id): the phases' prices of the schedules attached to a subscription;
- settle_customers(id): customers created, or whose subscription was created or
  changed (per events), within the settle window (index.py: _settling).

Builds text, and imports no database driver: `register` hands the statements the
one small table Python computes (the keys of emails that are not ASCII).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from prodcheck.config import Policy
from prodcheck.engine.account_facts import email_key
from prodcheck.engine.entitlement import RECOVERING_PAUSE
from prodcheck.engine.sql_conditions import literal, moment
from prodcheck.engine.sql_load import table

# Emails keyed by SQL's lower(): plain ASCII, where DuckDB's lower() is Python's
# email_key, neither empty nor with blanks around it (which email_key strips; the
# normalizers strip them first, a snapshot made of Python objects may not). Others
# (an İ, a final Σ) are keyed by Python's email_key, registered per run.
ASCII = (
    "(regexp_matches(email, '^[\\x01-\\x7f]+$') "
    "AND NOT regexp_matches(email, '^[\\t-\\r\\x1c- ]|[\\t-\\r\\x1c- ]$'))"
)

CUSTOMERS = f"""
CREATE OR REPLACE TEMP TABLE customers AS
SELECT id, deleted, b.email,
    CASE WHEN b.email IS NULL THEN NULL WHEN {ASCII.replace("email", "b.email")}
        THEN lower(b.email) ELSE k.key END AS email_key,
    json_transform(metadata, '"MAP(VARCHAR, VARCHAR)"')[{{key}}] AS metadata_user_id
FROM billing_customers b LEFT JOIN customer_email_keys k ON k.email = b.email
QUALIFY row_number() OVER (PARTITION BY id ORDER BY pos DESC) = 1
"""

SUBSCRIPTIONS = f"""
CREATE OR REPLACE TEMP TABLE subscriptions AS
WITH item_totals AS (
    SELECT sub_pos, min(current_period_start) AS item_start,
        max(current_period_start) AS item_renewed,
        max(current_period_end) AS item_end, max(created) AS price_set,
        sum(quantity) AS quantity
    FROM billing_items GROUP BY sub_pos
)
SELECT row_number() OVER (ORDER BY s.customer_id, s.id, s.pos) - 1 AS row, s.pos, s.id,
    s.customer_id, s.status,
    coalesce(t.item_start, s.current_period_start) AS period_start,
    coalesce(t.item_renewed, s.current_period_start) AS renewed_at,
    s.trial_start IS NOT NULL OR s.status = 'trialing' AS had_trial,
    coalesce(t.item_end, s.current_period_end) AS period_end,
    s.pos = max(s.pos) OVER (PARTITION BY s.id) AS canonical,
    t.price_set, s.cancel_at_period_end, coalesce(t.quantity, 0) AS quantity,
    s.status = 'past_due' OR (s.status = 'paused'
        AND coalesce(s.pause_reason = {literal(RECOVERING_PAUSE)}, false)) AS recovering,
    s.collection_paused
FROM billing_subscriptions s LEFT JOIN item_totals t ON t.sub_pos = s.pos
ORDER BY row
"""

ITEMS = """
CREATE OR REPLACE TEMP TABLE items AS
SELECT s.row AS sub_row, i.pos, i.price_id
FROM billing_items i JOIN subscriptions s ON s.pos = i.sub_pos
ORDER BY sub_row, pos
"""

PENDING = """
CREATE OR REPLACE TEMP TABLE pending AS
SELECT s.row AS sub_row, p.pos, p.price_id
FROM billing_pending p JOIN subscriptions s ON s.pos = p.sub_pos
ORDER BY sub_row, pos
"""

SCHEDULE_PRICES = """
CREATE OR REPLACE TEMP TABLE schedule_prices AS
SELECT s.pos AS schedule_row, s.subscription_id AS subscription, s.status, s.created,
    p.phase_start, unnest(p.price_ids) AS price_id
FROM billing_schedules s JOIN billing_schedule_phases p ON p.schedule_pos = s.pos
WHERE s.subscription_id IS NOT NULL
"""


def settle_customers(policy: Policy, now: datetime) -> str:
    window = timedelta(minutes=policy.settle_window_minutes)
    if not window:
        return "CREATE OR REPLACE TEMP TABLE settle_customers AS SELECT NULL::VARCHAR AS id LIMIT 0"
    since, until = moment(now - window), moment(now + timedelta(minutes=1))
    recent = f"BETWEEN {since} AND {until}"
    return f"""
CREATE OR REPLACE TEMP TABLE settle_customers AS
WITH owner AS (
    -- a subscription id names the customer of the last subscription listed under it
    SELECT id, customer_id FROM billing_subscriptions
    QUALIFY row_number() OVER (PARTITION BY id ORDER BY pos DESC) = 1
)
SELECT DISTINCT id FROM (
    SELECT id FROM billing_customers WHERE created {recent}
    UNION ALL SELECT customer_id FROM billing_subscriptions WHERE created {recent}
    -- an event's object, or the subscription it names (an invoice's), is in flight
    UNION ALL SELECT coalesce(o.customer_id, e.object_id) FROM billing_events e
        LEFT JOIN owner o ON o.id = coalesce(e.subscription_id, e.object_id)
        WHERE e.created {recent} AND e.object_id IS NOT NULL
)
ORDER BY id
"""


def register(conn: Any) -> None:
    """The tables Python computes for the statements: customer_email_keys (email,
    key) for billing's emails that are not ASCII."""
    emails = [
        row[0]
        for row in conn.execute(
            f"SELECT DISTINCT email FROM billing_customers WHERE email IS NOT NULL AND NOT {ASCII}"
        ).fetchall()
    ]
    keys = [email_key(email) for email in emails]
    conn.register(
        "customer_email_keys", table({"email": (_text(), emails), "key": (_text(), keys)})
    )


def _text() -> Any:
    import pyarrow as pa

    return pa.string()


def statements(policy: Policy, now: datetime) -> tuple[str, ...]:
    """The engine's billing tables, in order (each reads the ones before it)."""
    key = literal(policy.metadata_user_id_key)
    return (
        CUSTOMERS.format(key=key),
        SUBSCRIPTIONS,
        ITEMS,
        PENDING,
        SCHEDULE_PRICES,
        settle_customers(policy, now),
    )
