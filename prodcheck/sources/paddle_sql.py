"""Paddle's objects -> the normalized billing tables, as SQL run by DuckDB: the same
tables stripe_sql.py writes (billing_subscriptions, billing_items, billing_customers,
billing_events, and empty billing_pending, billing_schedules and
billing_schedule_phases: Paddle has no pending updates or schedules), from raw
tables of one object per row, `raw_paddle_subscriptions`, `raw_paddle_customers`
and `raw_paddle_notifications` (RAW_COLUMNS).

Paddle differs from Stripe (paddle_normalize.py says how): amounts are text in
the lowest denomination, timestamps RFC 3339 text, the period lives in
`current_billing_period`, items have no id of their own (the price's stands in),
`scheduled_change` (action `cancel` or `pause`) plays cancel_at_period_end's
part, and `custom_data` metadata's. Notifications (optional, for the webhooks
pack) fill billing_events, one row each.

This SQL reads the shapes Paddle's API returns (RFC 3339 timestamps in UTC,
amounts as digits, string ids) exactly as paddle_normalize.py does. An object in
any other shape (an epoch timestamp, an amount as a number with a fraction, an
id as a number, a missing required key, a key the shape check refuses) is listed
in `paddle_unread`; its collection is then read by paddle_normalize.py instead,
which accepts every shape it ever did and names the file, the object and the key
path of each problem (tests/test_paddle_sql.py holds the two together, on every
Paddle scenario and on mutated objects).

Pure: builds text, imports no database driver.
"""

from __future__ import annotations

from prodcheck.sources.stripe_sql import ABSENT

# Paddle's statuses (paddle_normalize._STATUSES), read as they are, never stripped.
STATUSES = "'active', 'trialing', 'past_due', 'paused', 'canceled'"

# Each macro reads one JSON value the way coerce.py does, for the shapes Paddle
# sends; its `_ok` twin says whether the value is such a shape (stripe_sql.MACROS
# hold the shared ones: pc_absent, pc_text, pc_text_ok, pc_id_ok, pc_int, pc_int_ok,
# pc_object_ok, pc_metadata_ok).
MACROS = (
    # An RFC 3339 timestamp in UTC as Paddle writes it ("2026-04-15T12:00:00.000000Z"),
    # which datetime.fromisoformat reads to the same instant: a valid date and time
    # (TRY_CAST refuses 2026-02-30), at most microseconds, never a leap second, never
    # the year 0 (DuckDB's 1 BC, which Python has not).
    "CREATE OR REPLACE MACRO pc_rfc3339_ok(j) AS (pc_absent(j) OR (json_type(j) = 'VARCHAR' "
    "AND regexp_full_match(json_extract_string(j, '$'), '(000[1-9]|00[1-9][0-9]|"
    "0[1-9][0-9]{2}|[1-9][0-9]{3})-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:"
    "[0-5][0-9](\\.[0-9]{1,6})?Z') "
    "AND TRY_CAST(json_extract_string(j, '$') AS TIMESTAMPTZ) IS NOT NULL))",
    "CREATE OR REPLACE MACRO pc_rfc3339(j) AS (CASE WHEN pc_rfc3339_ok(j) "
    "THEN TRY_CAST(json_extract_string(j, '$') AS TIMESTAMPTZ) END)",
    # An amount as Paddle sends it (digits as text) or as an integer: to_int's.
    "CREATE OR REPLACE MACRO pc_amount_ok(j) AS (pc_int_ok(j) OR (json_type(j) = 'VARCHAR' "
    "AND regexp_full_match(json_extract_string(j, '$'), '[0-9]{1,18}')))",
    "CREATE OR REPLACE MACRO pc_amount(j) AS (CASE WHEN json_type(j) = 'VARCHAR' "
    "THEN TRY_CAST(json_extract_string(j, '$') AS BIGINT) ELSE TRY_CAST(j AS BIGINT) END)",
    # an object (keys unique), or absent
    "CREATE OR REPLACE MACRO pc_object_or_absent_ok(j) AS (pc_absent(j) OR pc_object_ok(j))",
)

_PRICE = (
    "STRUCT(id JSON, product_id JSON, unit_price STRUCT(amount JSON, currency_code JSON), "
    'billing_cycle STRUCT("interval" JSON, frequency JSON))'
)
_ITEM = f"STRUCT(price {_PRICE}, quantity JSON, created_at JSON, trial_dates JSON, product JSON)"
RAW_COLUMNS = {
    "subscriptions": {
        "id": "JSON",
        "customer_id": "JSON",
        "status": "JSON",
        "created_at": "JSON",
        "canceled_at": "JSON",
        "current_billing_period": "STRUCT(starts_at JSON, ends_at JSON)",
        "scheduled_change": "JSON",
        "items": f"{_ITEM}[]",
        "custom_data": "JSON",
    },
    "customers": dict.fromkeys(
        ("id", "email", "name", "created_at", "status", "custom_data"), "JSON"
    ),
    # payload.data is whatever entity the event is about: only its id is read
    "notifications": {
        **dict.fromkeys(
            ("id", "type", "status", "occurred_at", "origin", "notification_setting_id"), "JSON"
        ),
        "payload": "STRUCT(event_id JSON, data JSON)",
    },
}
# Collections a fixture folder or a live fetch may lack (fixtures.py: REQUIRED).
OPTIONAL = ("notifications",)
# A notification's statuses (paddle_normalize._NOTIFICATION_STATUSES): failed and
# needs_retry are deliveries still owed.
NOTIFICATION_STATUSES = "'delivered', 'failed', 'needs_retry', 'not_attempted'"

ITEM_FIELDS = """
CREATE OR REPLACE TEMP TABLE paddle_items AS
WITH unnested AS (
    SELECT pos AS sub_pos, generate_subscripts(items, 1) - 1 AS pos, unnest(items) AS item,
        current_billing_period AS period
    FROM raw_paddle_subscriptions
)
SELECT sub_pos, pos, item, item.price AS price, period FROM unnested
"""

_ITEM_OK = " AND ".join(
    (
        "item IS NOT NULL",
        "price IS NOT NULL",
        "pc_id_ok(price.id)",
        "price.unit_price IS NOT NULL",
        # the currency, lower-cased as Python does: ASCII letters only
        "json_type(price.unit_price.currency_code) = 'VARCHAR'",
        "regexp_full_match(json_extract_string(price.unit_price.currency_code, '$'), '[A-Za-z]+')",
        "pc_amount_ok(price.unit_price.amount)",
        # an amount or a quantity below zero is Python's to name (normalize_common)
        "coalesce(pc_amount(price.unit_price.amount) >= 0, true)",
        "pc_text_ok(price.billing_cycle.interval)",
        "pc_int_ok(price.billing_cycle.frequency)",
        "pc_text_ok(price.product_id)",
        "pc_int_ok(item.quantity) AND coalesce(pc_int(item.quantity) >= 0, true)",
        "pc_rfc3339_ok(item.created_at)",
        "pc_rfc3339_ok(period.starts_at) AND pc_rfc3339_ok(period.ends_at)",
        "pc_object_or_absent_ok(item.trial_dates)",
        "pc_rfc3339_ok(json_extract(item.trial_dates, '$.starts_at'))",
        "pc_rfc3339_ok(json_extract(item.trial_dates, '$.ends_at'))",
        "pc_object_or_absent_ok(item.product)",
        "pc_text_ok(json_extract(item.product, '$.name'))",
    )
)

ITEMS = f"""
CREATE OR REPLACE TEMP TABLE billing_items AS
SELECT sub_pos, pos, pc_text(price.id) AS id, pc_text(price.id) AS price_id,
    coalesce(pc_int(item.quantity), 1) AS quantity,
    pc_amount(price.unit_price.amount) AS unit_amount,
    lower(json_extract_string(price.unit_price.currency_code, '$')) AS currency,
    coalesce(pc_text(price.billing_cycle.interval), 'month') AS interval,
    coalesce(nullif(pc_int(price.billing_cycle.frequency), 0), 1) AS interval_count,
    pc_rfc3339(period.starts_at) AS current_period_start,
    pc_rfc3339(period.ends_at) AS current_period_end,
    pc_rfc3339(item.created_at) AS created,
    pc_text(price.product_id) AS product_id,
    NULL::VARCHAR AS lookup_key,
    CASE WHEN json_type(item.product) = 'OBJECT'
        THEN pc_text(json_extract(item.product, '$.name')) END AS product_name,
    coalesce({_ITEM_OK}, false) AS ok
FROM paddle_items
"""

# The trial: the first item's trial_dates that is an object (paddle_normalize's
# _trial_bounds).
TRIALS = """
CREATE OR REPLACE TEMP TABLE paddle_trials AS
SELECT sub_pos, arg_min(item.trial_dates, pos) AS trial
FROM paddle_items WHERE json_type(item.trial_dates) = 'OBJECT'
GROUP BY sub_pos
"""

_CHANGE = "json_extract(s.scheduled_change, '$.{}')"
_AT_END = (
    f"coalesce(json_type({_CHANGE.format('action')}) = 'VARCHAR' AND "
    f"json_extract_string({_CHANGE.format('action')}, '$') IN ('cancel', 'pause'), false)"
)

_SUB_OK = " AND ".join(
    (
        "pc_id_ok(s.id)",
        "pc_id_ok(s.customer_id)",
        f"json_type(s.status) = 'VARCHAR' AND json_extract_string(s.status, '$') IN ({STATUSES})",
        "s.items IS NOT NULL",
        "pc_rfc3339_ok(s.created_at) AND pc_rfc3339_ok(s.canceled_at)",
        "pc_rfc3339_ok(s.current_billing_period.starts_at)",
        "pc_rfc3339_ok(s.current_billing_period.ends_at)",
        "pc_object_or_absent_ok(s.scheduled_change)",
        f"pc_text_ok({_CHANGE.format('action')})",
        f"pc_rfc3339_ok({_CHANGE.format('effective_at')})",
        "pc_metadata_ok(s.custom_data)",
    )
)

SUBSCRIPTIONS = f"""
CREATE OR REPLACE TEMP TABLE billing_subscriptions AS
SELECT s.pos, pc_text(s.id) AS id, pc_text(s.customer_id) AS customer_id,
    json_extract_string(s.status, '$') AS status,
    pc_rfc3339(s.created_at) AS created,
    pc_rfc3339(s.current_billing_period.starts_at) AS current_period_start,
    pc_rfc3339(s.current_billing_period.ends_at) AS current_period_end,
    CASE WHEN {_AT_END} THEN pc_rfc3339({_CHANGE.format("effective_at")}) END AS cancel_at,
    pc_rfc3339(s.canceled_at) AS canceled_at,
    NULL::TIMESTAMPTZ AS ended_at,
    pc_rfc3339(json_extract(t.trial, '$.starts_at')) AS trial_start,
    pc_rfc3339(json_extract(t.trial, '$.ends_at')) AS trial_end,
    {_AT_END} AS cancel_at_period_end,
    NULL::VARCHAR AS pause_reason,
    false AS collection_paused,
    CASE WHEN json_type(s.custom_data) = 'OBJECT' THEN s.custom_data END AS metadata,
    coalesce({_SUB_OK}, false) AS ok
FROM raw_paddle_subscriptions s LEFT JOIN paddle_trials t ON t.sub_pos = s.pos
"""

CUSTOMERS = """
CREATE OR REPLACE TEMP TABLE billing_customers AS
SELECT pos, pc_text(id) AS id, pc_text(email) AS email, pc_text(name) AS name,
    pc_rfc3339(created_at) AS created,
    coalesce(json_type(status) = 'VARCHAR' AND json_extract_string(status, '$') = 'archived',
        false) AS deleted,
    CASE WHEN json_type(custom_data) = 'OBJECT' THEN custom_data END AS metadata,
    coalesce(pc_id_ok(id) AND pc_text_ok(email) AND pc_text_ok(name)
        AND pc_rfc3339_ok(created_at) AND (pc_absent(status) OR json_type(status) = 'VARCHAR')
        AND pc_metadata_ok(custom_data), false) AS ok
FROM raw_paddle_customers
"""

# Each notification is a row of billing_events under its event's id: Paddle sends an
# event to each destination as a notification of its own (and a replay as another),
# and the webhooks pack folds them together (engine/event_facts.py). Only a
# notification of origin `event` can be replayed, so only its id is kept.
_STATUS = "json_extract_string(status, '$')"
_DATA = "payload.data"
# An event's worth (paddle_normalize._worth): a subscription.* event's entity is
# the subscription; a transaction.* event's names it, and has its total.
_TYPE = "json_extract_string(type, '$')"
_SUB_EVENT = f"coalesce(starts_with({_TYPE}, 'subscription.'), false)"
_TXN_EVENT = f"coalesce(starts_with({_TYPE}, 'transaction.'), false)"
_TOTAL = f"json_extract({_DATA}, '$.details.totals.total')"
_CURRENCY = f"json_extract({_DATA}, '$.currency_code')"
_WORTH_OK = (
    f"(NOT {_TXN_EVENT} OR pc_absent({_DATA}) OR "
    f"(pc_text_ok(json_extract({_DATA}, '$.subscription_id')) AND pc_amount_ok({_TOTAL}) "
    f"AND coalesce(pc_amount({_TOTAL}) >= 0, true) "
    f"AND pc_text_ok({_CURRENCY}) AND (pc_text({_CURRENCY}) IS NULL "
    f"OR regexp_full_match(pc_text({_CURRENCY}), '[A-Za-z]+'))))"
)
NOTIFICATIONS = f"""
CREATE OR REPLACE TEMP TABLE billing_events AS
SELECT pos, pc_text(payload.event_id) AS id, pc_text(type) AS type,
    pc_rfc3339(occurred_at) AS created,
    CASE WHEN json_type({_DATA}) = 'OBJECT'
        THEN pc_text(json_extract({_DATA}, '$.id')) END AS object_id,
    CASE WHEN {_STATUS} IN ('failed', 'needs_retry') THEN 1 ELSE 0 END::BIGINT
        AS pending_webhooks,
    CASE WHEN coalesce(pc_text(origin), 'event') = 'event' THEN pc_text(id) END
        AS notification_id,
    pc_text(notification_setting_id) AS destination,
    coalesce({_STATUS} = 'delivered', false) AS delivered,
    CASE WHEN json_type({_DATA}) <> 'OBJECT' THEN NULL
        WHEN {_SUB_EVENT} THEN pc_text(json_extract({_DATA}, '$.id'))
        WHEN {_TXN_EVENT} THEN pc_text(json_extract({_DATA}, '$.subscription_id')) END
        AS subscription_id,
    CASE WHEN json_type({_DATA}) = 'OBJECT' AND {_TXN_EVENT} THEN pc_amount({_TOTAL}) END
        AS amount,
    CASE WHEN json_type({_DATA}) = 'OBJECT' AND {_TXN_EVENT}
        THEN lower(pc_text({_CURRENCY})) END AS currency,
    CASE WHEN json_type({_DATA}) = 'OBJECT' AND {_SUB_EVENT}
        THEN pc_text(json_extract({_DATA}, '$.status')) END AS status,
    coalesce(pc_id_ok(id) AND pc_id_ok(type) AND pc_id_ok(payload.event_id)
        AND pc_rfc3339_ok(occurred_at) AND pc_text_ok(origin)
        AND pc_text_ok(notification_setting_id)
        AND json_type(status) = 'VARCHAR' AND {_STATUS} IN ({NOTIFICATION_STATUSES})
        AND (pc_absent({_DATA}) OR (pc_object_ok({_DATA})
        AND pc_text_ok(json_extract({_DATA}, '$.id')) AND {_WORTH_OK}
        AND pc_text_ok(json_extract({_DATA}, '$.status')))), false) AS ok
FROM raw_paddle_notifications
"""

# What Paddle does not have: empty pending prices, and the tables stripe_sql.py
# writes for a Stripe source without schedules (tests/test_paddle_sql.py holds the
# columns to Stripe's); and without notifications, an empty billing_events.
EMPTY = (
    "CREATE OR REPLACE TEMP TABLE billing_pending (sub_pos BIGINT, pos BIGINT, price_id VARCHAR)",
    *ABSENT["subscription_schedules"],
)

UNREAD = """
CREATE OR REPLACE TEMP TABLE paddle_unread AS
SELECT 'subscriptions' AS collection, pos FROM billing_subscriptions WHERE NOT ok
UNION SELECT 'subscriptions', sub_pos FROM billing_items WHERE NOT ok
UNION SELECT 'customers', pos FROM billing_customers WHERE NOT ok
UNION SELECT 'notifications', pos FROM billing_events WHERE NOT ok
"""


def statements(present: frozenset[str]) -> tuple[str, ...]:
    """The statements for a source holding these collections (their raw tables
    loaded): without notifications, billing_events is empty."""
    events = (NOTIFICATIONS,) if "notifications" in present else ABSENT["events"]
    return (ITEM_FIELDS, ITEMS, TRIALS, SUBSCRIPTIONS, CUSTOMERS, *EMPTY, *events, UNREAD)


STATEMENTS = statements(frozenset(RAW_COLUMNS))
