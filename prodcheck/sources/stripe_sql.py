"""Stripe's objects -> the normalized billing tables, as SQL run by DuckDB: one
definition for fixture files and live pages alike (both arrive as raw tables).

Raw tables hold one provider object per row with its position in its collection:
`raw_stripe_subscriptions` and `raw_stripe_customers`, whose columns are declared
below (RAW_COLUMNS): the nesting prodcheck reads (items, their price, ...) as
STRUCTs and lists, each value it reads as JSON, so DuckDB's reader parses each
file once and this SQL sees each value's JSON type, as coerce.py does. A file
whose nesting differs (a bare price id, items as an array) cannot be read so:
duck_fixtures.py then leaves it to stripe_normalize.py. STATEMENTS write,
mirroring the model's dataclasses field by field:

  billing_subscriptions(pos, id, customer_id, status, created, current_period_start,
      current_period_end, cancel_at_period_end, cancel_at, canceled_at, ended_at,
      trial_start, trial_end, pause_reason, collection_paused, metadata)
  billing_items(sub_pos, pos, id, price_id, quantity, unit_amount, currency, interval,
      interval_count, current_period_start, current_period_end, created, product_id,
      lookup_key, product_name)
  billing_pending(sub_pos, pos, price_id)           pending_update's prices
  billing_customers(pos, id, email, name, created, deleted, metadata)
  stripe_unread(collection, pos)                    see below

This SQL reads the shapes Stripe's API returns (epoch-second integers, string ids,
expanded or bare references, the legacy `plan`) exactly as stripe_normalize.py
does. An object in any other shape (a timestamp as text, an id as a number, a
missing required key, an incomplete items list) is listed in `stripe_unread`; its
collection is then read by stripe_normalize.py instead, which accepts every shape
it ever did and names the file, the object and the key path of each problem
(tests/test_stripe_sql.py holds the two together, on every scenario and on
mutated objects).

Pure: builds text, imports no database driver.
"""

from __future__ import annotations

from prodcheck.model import SubscriptionStatus
from prodcheck.sources.duck_fixtures import empty_raw_table
from prodcheck.sources.stripe_events_sql import EVENTS

STATUSES = ", ".join(f"'{status.value}'" for status in SubscriptionStatus)
# The characters str.strip() removes (str.isspace), by code point.
WHITESPACE = (9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 133, 160, 5760, *range(8192, 8203), 8232,
              8233, 8239, 8287, 12288)  # fmt: skip
# The same as a regular expression's character class (RE2 syntax, ranges folded).
_CLASS = "\\t-\\r\\x1c- \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Python's datetime range (years 1 to 9999) in epoch seconds.
EPOCH_RANGE = (-62_135_596_800, 253_402_300_799)

# Each macro reads one JSON value the way coerce.py does, for the shapes Stripe
# sends; its `_ok` twin says whether the value is such a shape. An absent key is
# SQL NULL, a JSON null is 'NULL'; both read as null.
MACROS = (
    # whether str.strip() leaves the text as it is: its first and last characters
    # are none of Python's whitespace
    f"CREATE OR REPLACE MACRO pc_unstripped(t) AS (NOT regexp_matches(t, "
    f"'^[{_CLASS}]|[{_CLASS}]$'))",
    # the text as str.strip() leaves it
    f"CREATE OR REPLACE MACRO pc_strip(t) AS (CASE WHEN pc_unstripped(t) THEN t "
    f"ELSE regexp_replace(t, '^[{_CLASS}]+|[{_CLASS}]+$', '', 'g') END)",
    "CREATE OR REPLACE MACRO pc_absent(j) AS (j IS NULL OR json_type(j) = 'NULL')",
    # an object whose keys are unique: DuckDB finds a repeated key's first value,
    # Python's json its last, so an object repeating a key is left to Python
    # (a list of one key is distinct: list_distinct is the costly part)
    "CREATE OR REPLACE MACRO pc_distinct(k) AS (len(k) < 2 OR len(list_distinct(k)) = len(k))",
    "CREATE OR REPLACE MACRO pc_object_ok(j) AS (json_type(j) = 'OBJECT' "
    "AND pc_distinct(json_keys(j)))",
    # text as to_str reads it ("" is null); text to_str would strip is left to Python
    "CREATE OR REPLACE MACRO pc_absent_or_object(j) AS (pc_absent(j) OR pc_object_ok(j))",
    "CREATE OR REPLACE MACRO pc_text_ok(j) AS (pc_absent(j) OR (json_type(j) = "
    "'VARCHAR' AND pc_unstripped(json_extract_string(j, '$'))))",
    "CREATE OR REPLACE MACRO pc_text(j) AS (nullif(json_extract_string(j, '$'), ''))",
    "CREATE OR REPLACE MACRO pc_id_ok(j) AS (pc_text_ok(j) AND pc_text(j) IS NOT NULL)",
    # a reference: the id, or the expanded object holding it
    "CREATE OR REPLACE MACRO pc_ref(j) AS "
    "(CASE WHEN json_type(j) = 'OBJECT' THEN pc_text(json_extract(j, '$.id')) ELSE pc_text(j) END)",
    "CREATE OR REPLACE MACRO pc_ref_ok(j) AS (CASE WHEN json_type(j) = 'OBJECT' "
    "THEN pc_object_ok(j) AND pc_id_ok(json_extract(j, '$.id')) ELSE pc_id_ok(j) END)",
    # `item.get("price") or item.get("plan")` then object_id: read here when the price
    # is absent, an id or an object with an id (a falsy "" or {} falls to `plan` in
    # Python, and is left to it)
    "CREATE OR REPLACE MACRO pc_ref_or_absent_ok(j) AS (pc_absent(j) OR pc_ref_ok(j))",
    "CREATE OR REPLACE MACRO pc_time_ok(j) AS (pc_absent(j) OR (json_type(j) IN "
    f"('BIGINT', 'UBIGINT') AND TRY_CAST(j AS BIGINT) BETWEEN {EPOCH_RANGE[0]} "
    f"AND {EPOCH_RANGE[1]}))",
    # (an epoch out of range never reaches to_timestamp, which would raise)
    "CREATE OR REPLACE MACRO pc_time(j) AS (CASE WHEN pc_time_ok(j) "
    "THEN to_timestamp(TRY_CAST(j AS BIGINT)) END)",
    "CREATE OR REPLACE MACRO pc_int_ok(j) AS (pc_absent(j) OR (json_type(j) IN "
    "('BIGINT', 'UBIGINT') AND TRY_CAST(j AS BIGINT) IS NOT NULL))",
    "CREATE OR REPLACE MACRO pc_int(j) AS (TRY_CAST(j AS BIGINT))",
    "CREATE OR REPLACE MACRO pc_bool_ok(j) AS (pc_absent(j) OR json_type(j) = 'BOOLEAN')",
    "CREATE OR REPLACE MACRO pc_bool(j) AS (coalesce(TRY_CAST(j AS BOOLEAN), false))",
    # metadata: an object whose values are text or null (null means unset)
    # (json_type over `$.*` lists the type of each value, whatever its key)
    "CREATE OR REPLACE MACRO pc_metadata_ok(j) AS (pc_absent(j) OR (pc_object_ok(j) "
    "AND list_has_all(['VARCHAR', 'NULL'], json_type(j, '$.*'))))",
)


_PRICE = (
    "STRUCT(id JSON, currency JSON, unit_amount JSON, amount JSON, recurring JSON, "
    '"interval" JSON, interval_count JSON, product JSON, lookup_key JSON)'
)
_ITEM = (
    f"STRUCT(id JSON, price {_PRICE}, plan {_PRICE}, quantity JSON, current_period_start JSON, "
    "current_period_end JSON, created JSON)"
)
_TIMES = ("created", "current_period_start", "current_period_end", "cancel_at",
          "canceled_at", "ended_at", "trial_start", "trial_end")  # fmt: skip
RAW_COLUMNS = {
    "subscriptions": {
        "id": "JSON",
        "customer": "JSON",
        "status": "JSON",
        "items": f"STRUCT(data {_ITEM}[], has_more JSON)",
        **dict.fromkeys(_TIMES, "JSON"),
        "cancel_at_period_end": "JSON",
        "status_details": "JSON",
        "pause_collection": "JSON",
        "pending_update": "STRUCT(subscription_items STRUCT(price JSON, plan JSON)[])",
        "metadata": "JSON",
    },
    "customers": dict.fromkeys(("id", "email", "name", "created", "deleted", "metadata"), "JSON"),
    "subscription_schedules": {
        **dict.fromkeys(("id", "subscription", "customer", "status", "created"), "JSON"),
        "phases": "STRUCT(start_date JSON, end_date JSON, items STRUCT(price JSON, plan JSON)[])[]",
    },
    # data.object is whatever object the event is about: only its id is read
    "events": {
        **dict.fromkeys(("id", "type", "created", "pending_webhooks"), "JSON"),
        "data": "STRUCT(object JSON)",
    },
}
# Collections a fixture folder or a live fetch may lack (fixtures.py: REQUIRED).
OPTIONAL = ("subscription_schedules", "events")

ITEM_FIELDS = """
CREATE OR REPLACE TEMP TABLE stripe_items AS
WITH unnested AS (
    SELECT pos AS sub_pos, generate_subscripts(items.data, 1) - 1 AS pos,
        unnest(items.data) AS item
    FROM raw_stripe_subscriptions
)
SELECT sub_pos, pos, item.id AS i_id, item.quantity AS i_quantity,
    item.current_period_start AS i_current_period_start,
    item.current_period_end AS i_current_period_end, item.created AS i_created,
    -- `price`, or the legacy `plan` when there is no price
    CASE WHEN item.price IS NOT NULL THEN item.price ELSE item.plan END AS price
FROM unnested
"""

_ITEM_OK = " AND ".join(
    (
        "pc_id_ok(i_id)",
        "price IS NOT NULL",
        "pc_id_ok(price.id)",
        "pc_id_ok(price.currency)",
        "pc_int_ok(price.unit_amount) AND pc_int_ok(price.amount)",
        # an amount or a quantity below zero is Python's to name (normalize_common)
        "coalesce(pc_int(price.unit_amount) >= 0, true) AND coalesce(pc_int(price.amount) >= 0, "
        "true)",
        "(pc_absent(price.recurring) OR pc_object_ok(price.recurring))",
        "pc_text_ok(json_extract(price.recurring, '$.interval')) AND pc_text_ok(price.interval)",
        "pc_int_ok(json_extract(price.recurring, '$.interval_count')) "
        "AND pc_int_ok(price.interval_count)",
        "pc_int_ok(i_quantity) AND coalesce(pc_int(i_quantity) >= 0, true)",
        "pc_time_ok(i_current_period_start) AND pc_time_ok(i_current_period_end)",
        "pc_time_ok(i_created)",
        "(CASE WHEN json_type(price.product) = 'OBJECT' THEN pc_object_ok(price.product) AND "
        "pc_text_ok(json_extract(price.product, '$.id')) AND "
        "pc_text_ok(json_extract(price.product, '$.name')) ELSE pc_text_ok(price.product) END)",
        "pc_text_ok(price.lookup_key)",
    )
)

ITEMS = f"""
CREATE OR REPLACE TEMP TABLE billing_items AS
SELECT sub_pos, pos, pc_text(i_id) AS id, pc_text(price.id) AS price_id,
    coalesce(pc_int(i_quantity), 1) AS quantity,
    coalesce(pc_int(price.unit_amount), pc_int(price.amount)) AS unit_amount,
    lower(pc_text(price.currency)) AS currency,
    coalesce(pc_text(json_extract(price.recurring, '$.interval')), pc_text(price.interval),
        'month') AS interval,
    coalesce(nullif(pc_int(json_extract(price.recurring, '$.interval_count')), 0),
        nullif(pc_int(price.interval_count), 0), 1) AS interval_count,
    pc_time(i_current_period_start) AS current_period_start,
    pc_time(i_current_period_end) AS current_period_end,
    pc_time(i_created) AS created,
    CASE WHEN json_type(price.product) = 'OBJECT' THEN pc_text(json_extract(price.product, '$.id'))
        ELSE pc_text(price.product) END AS product_id,
    pc_text(price.lookup_key) AS lookup_key,
    CASE WHEN json_type(price.product) = 'OBJECT'
        THEN pc_text(json_extract(price.product, '$.name')) END AS product_name,
    coalesce({_ITEM_OK}, false) AS ok
FROM stripe_items
"""

PENDING = """
CREATE OR REPLACE TEMP TABLE stripe_pending AS
WITH unnested AS (
    SELECT pos AS sub_pos, generate_subscripts(pending_update.subscription_items, 1) - 1 AS pos,
        unnest(pending_update.subscription_items) AS item
    FROM raw_stripe_subscriptions
), refs AS (
    SELECT sub_pos, pos, item IS NOT NULL AS is_object,
        CASE WHEN pc_absent(item.price) THEN item.plan ELSE item.price END AS ref
    FROM unnested
)
SELECT sub_pos, pos, pc_ref(ref) AS price_id, coalesce(is_object AND pc_ref_or_absent_ok(ref),
    false) AS ok
FROM refs
"""

_PAUSED = "json_extract(status_details, '$.paused')"
_PAUSED_SUB = "json_extract(status_details, '$.paused.subscription')"
_PAUSE_TYPE = "json_extract(status_details, '$.paused.subscription.type')"
_SUB_OK = " AND ".join(
    (
        "pc_id_ok(id)",
        "pc_ref_ok(customer)",
        f"json_type(status) = 'VARCHAR' AND json_extract_string(status, '$') IN ({STATUSES})",
        "items.data IS NOT NULL AND pc_bool_ok(items.has_more) AND NOT pc_bool(items.has_more)",
        *(f"pc_time_ok({name})" for name in _TIMES),
        "pc_bool_ok(cancel_at_period_end)",
        # status_details.paused.subscription.type: each level absent, null or an object
        "(pc_absent(status_details) OR (pc_object_ok(status_details) AND "
        f"pc_absent_or_object({_PAUSED}) AND pc_absent_or_object({_PAUSED_SUB}) "
        f"AND pc_text_ok({_PAUSE_TYPE})))",
        "(pc_absent(pause_collection) OR pc_object_ok(pause_collection))",
        "pc_metadata_ok(metadata)",
    )
)

SUBSCRIPTIONS = f"""
CREATE OR REPLACE TEMP TABLE billing_subscriptions AS
SELECT pos, pc_text(id) AS id, pc_ref(customer) AS customer_id,
    json_extract_string(status, '$') AS status,
    {", ".join(f"pc_time({name}) AS {name}" for name in _TIMES)},
    pc_bool(cancel_at_period_end) AS cancel_at_period_end,
    pc_text({_PAUSE_TYPE}) AS pause_reason,
    coalesce(json_type(pause_collection) = 'OBJECT', false) AS collection_paused,
    CASE WHEN json_type(metadata) = 'OBJECT' THEN metadata END AS metadata,
    coalesce({_SUB_OK}, false) AS ok
FROM raw_stripe_subscriptions
"""

CUSTOMERS = """
CREATE OR REPLACE TEMP TABLE billing_customers AS
SELECT pos, pc_text(id) AS id, pc_text(email) AS email, pc_text(name) AS name,
    pc_time(created) AS created, pc_bool(deleted) AS deleted,
    CASE WHEN json_type(metadata) = 'OBJECT' THEN metadata END AS metadata,
    coalesce(pc_id_ok(id) AND pc_text_ok(email) AND pc_text_ok(name) AND pc_time_ok(created)
        AND pc_bool_ok(deleted) AND pc_metadata_ok(metadata), false) AS ok
FROM raw_stripe_customers
"""

SCHEDULES = """
CREATE OR REPLACE TEMP TABLE billing_schedules AS
SELECT pos, pc_text(id) AS id, pc_ref(subscription) AS subscription_id,
    pc_ref(customer) AS customer_id, coalesce(pc_text(status), 'active') AS status,
    pc_time(created) AS created,
    coalesce(pc_id_ok(id) AND (pc_absent(subscription) OR pc_ref_ok(subscription))
        AND (pc_absent(customer) OR pc_ref_ok(customer)) AND pc_text_ok(status)
        AND pc_time_ok(created), false) AS ok
FROM raw_stripe_subscription_schedules
"""

PHASES = """
CREATE OR REPLACE TEMP TABLE stripe_phases AS
SELECT pos AS schedule_pos, generate_subscripts(phases, 1) - 1 AS pos, unnest(phases) AS phase
FROM raw_stripe_subscription_schedules
"""

PHASE_ITEMS = """
CREATE OR REPLACE TEMP TABLE stripe_phase_items AS
WITH items AS (
    SELECT schedule_pos, pos, generate_subscripts(phase.items, 1) - 1 AS item_pos,
        unnest(phase.items) AS item
    FROM stripe_phases
)
SELECT schedule_pos, pos, item_pos, pc_ref(price_ref) AS price_id,
    coalesce(item IS NOT NULL AND pc_ref_or_absent_ok(price_ref), false) AS ok
FROM (SELECT *, CASE WHEN pc_absent(item.price) THEN item.plan ELSE item.price END AS price_ref
    FROM items)
"""

# Every phase, with its prices in item order (model.SchedulePhase).
SCHEDULE_PHASES = """
CREATE OR REPLACE TEMP TABLE billing_schedule_phases AS
SELECT p.schedule_pos, p.pos, pc_time(p.phase.start_date) AS phase_start,
    pc_time(p.phase.end_date) AS phase_end,
    coalesce(list(i.price_id ORDER BY i.item_pos) FILTER (WHERE i.price_id IS NOT NULL),
        []) AS price_ids,
    coalesce(p.phase IS NOT NULL AND pc_time_ok(p.phase.start_date)
        AND pc_time_ok(p.phase.end_date), false) AS ok
FROM stripe_phases p LEFT JOIN stripe_phase_items i USING (schedule_pos, pos)
GROUP BY ALL
"""

UNREAD = """
CREATE OR REPLACE TEMP TABLE stripe_unread AS
SELECT 'subscriptions' AS collection, pos FROM billing_subscriptions WHERE NOT ok
UNION SELECT 'subscriptions', sub_pos FROM billing_items WHERE NOT ok
UNION SELECT 'subscriptions', sub_pos FROM stripe_pending WHERE NOT ok
UNION SELECT 'customers', pos FROM billing_customers WHERE NOT ok
UNION SELECT 'subscription_schedules', pos FROM billing_schedules WHERE NOT ok
UNION SELECT 'subscription_schedules', schedule_pos FROM stripe_phase_items WHERE NOT ok
UNION SELECT 'subscription_schedules', schedule_pos FROM billing_schedule_phases WHERE NOT ok
UNION SELECT 'events', pos FROM billing_events WHERE NOT ok
"""

PENDING_PRICES = """
CREATE OR REPLACE TEMP TABLE billing_pending AS
SELECT sub_pos, row_number() OVER (PARTITION BY sub_pos ORDER BY pos) - 1 AS pos, price_id
FROM stripe_pending WHERE price_id IS NOT NULL
"""

BY_COLLECTION = {
    "subscriptions": (ITEM_FIELDS, ITEMS, PENDING, SUBSCRIPTIONS, PENDING_PRICES),
    "customers": (CUSTOMERS,),
    "subscription_schedules": (SCHEDULES, PHASES, PHASE_ITEMS, SCHEDULE_PHASES),
    "events": (EVENTS,),
}
# What an optional collection's statements write, empty, for a source without it:
# the same tables at a fraction of the cost of planning those statements
# (tests/test_stripe_sql.py holds the columns to the statements').
ABSENT = {
    "subscription_schedules": (
        "CREATE OR REPLACE TEMP TABLE billing_schedules (pos BIGINT, id VARCHAR, "
        "subscription_id VARCHAR, customer_id VARCHAR, status VARCHAR, created TIMESTAMPTZ, "
        "ok BOOLEAN)",
        "CREATE OR REPLACE TEMP TABLE stripe_phase_items (schedule_pos BIGINT, pos BIGINT, "
        "item_pos BIGINT, price_id VARCHAR, ok BOOLEAN)",
        "CREATE OR REPLACE TEMP TABLE billing_schedule_phases (schedule_pos BIGINT, pos BIGINT, "
        "phase_start TIMESTAMPTZ, phase_end TIMESTAMPTZ, price_ids VARCHAR[], ok BOOLEAN)",
    ),
    "events": (
        "CREATE OR REPLACE TEMP TABLE billing_events (pos BIGINT, id VARCHAR, type VARCHAR, "
        "created TIMESTAMPTZ, object_id VARCHAR, pending_webhooks BIGINT, "
        "notification_id VARCHAR, destination VARCHAR, delivered BOOLEAN, "
        "subscription_id VARCHAR, amount BIGINT, currency VARCHAR, status VARCHAR, "
        "ok BOOLEAN)",
    ),
}


def statements(present: frozenset[str]) -> tuple[str, ...]:
    """The statements for a source holding these collections (their raw tables
    loaded); each absent optional one gets its billing tables empty."""
    chosen: list[str] = []
    for collection, group in BY_COLLECTION.items():
        chosen += group if collection in present else ABSENT[collection]
    return (*chosen, UNREAD)


STATEMENTS = statements(frozenset(RAW_COLUMNS))


def empty_table(collection: str) -> str:
    """An empty raw table for a collection the source does not hold (for the
    statements of every collection, as the tests run them)."""
    return empty_raw_table(f"raw_stripe_{collection}", RAW_COLUMNS[collection])
