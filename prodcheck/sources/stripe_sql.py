"""Stripe's objects -> the normalized billing tables, as SQL run by DuckDB: one
definition for fixture files and live pages alike (both arrive as raw tables).

Raw tables hold one provider object per row, as JSON, with its position in its
collection: `raw_stripe_subscriptions(pos BIGINT, obj JSON)` and
`raw_stripe_customers(pos BIGINT, obj JSON)`. STATEMENTS write, mirroring the
model's dataclasses field by field:

  billing_subscriptions(pos, id, customer_id, status, created, current_period_start,
      current_period_end, cancel_at_period_end, cancel_at, canceled_at, ended_at,
      trial_start, trial_end, metadata)
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

STATUSES = ", ".join(f"'{status.value}'" for status in SubscriptionStatus)
# Python's datetime range (years 1 to 9999) in epoch seconds.
EPOCH_RANGE = (-62_135_596_800, 253_402_300_799)

# Each macro reads one JSON value the way coerce.py does, for the shapes Stripe
# sends; its `_ok` twin says whether the value is such a shape. An absent key is
# SQL NULL, a JSON null is 'NULL'; both read as null.
MACROS = (
    "CREATE OR REPLACE TEMP MACRO pc_absent(j) AS (j IS NULL OR json_type(j) = 'NULL')",
    # text as to_str reads it ("" is null); text to_str would strip is left to Python
    "CREATE OR REPLACE TEMP MACRO pc_text_ok(j) AS (pc_absent(j) OR (json_type(j) = "
    "'VARCHAR' AND NOT regexp_matches(json_extract_string(j, '$'), '^\\s|\\s$')))",
    "CREATE OR REPLACE TEMP MACRO pc_text(j) AS (nullif(json_extract_string(j, '$'), ''))",
    "CREATE OR REPLACE TEMP MACRO pc_id_ok(j) AS (pc_text_ok(j) AND pc_text(j) IS NOT NULL)",
    # a reference: the id, or the expanded object holding it
    "CREATE OR REPLACE TEMP MACRO pc_ref(j) AS "
    "(CASE WHEN json_type(j) = 'OBJECT' THEN pc_text(json_extract(j, '$.id')) ELSE pc_text(j) END)",
    "CREATE OR REPLACE TEMP MACRO pc_ref_ok(j) AS (CASE WHEN json_type(j) = 'OBJECT' "
    "THEN pc_id_ok(json_extract(j, '$.id')) ELSE pc_id_ok(j) END)",
    "CREATE OR REPLACE TEMP MACRO pc_time_ok(j) AS (pc_absent(j) OR (json_type(j) IN "
    f"('BIGINT', 'UBIGINT') AND TRY_CAST(j AS BIGINT) BETWEEN {EPOCH_RANGE[0]} "
    f"AND {EPOCH_RANGE[1]}))",
    "CREATE OR REPLACE TEMP MACRO pc_time(j) AS (to_timestamp(TRY_CAST(j AS BIGINT)))",
    "CREATE OR REPLACE TEMP MACRO pc_int_ok(j) AS (pc_absent(j) OR (json_type(j) IN "
    "('BIGINT', 'UBIGINT') AND TRY_CAST(j AS BIGINT) IS NOT NULL))",
    "CREATE OR REPLACE TEMP MACRO pc_int(j) AS (TRY_CAST(j AS BIGINT))",
    "CREATE OR REPLACE TEMP MACRO pc_bool_ok(j) AS (pc_absent(j) OR json_type(j) = 'BOOLEAN')",
    "CREATE OR REPLACE TEMP MACRO pc_bool(j) AS (coalesce(TRY_CAST(j AS BOOLEAN), false))",
    # metadata: an object whose values are text or null (null means unset)
    "CREATE OR REPLACE TEMP MACRO pc_metadata_ok(j) AS (pc_absent(j) OR (json_type(j) = "
    "'OBJECT' AND coalesce(list_bool_and(list_transform(json_keys(j), lambda k: json_type(j, "
    "'$.\"' || replace(k, '\"', '\\\"') || '\"') IN ('VARCHAR', 'NULL'))), true)))",
)


def _extract(source: str, obj: str, paths: tuple[str, ...], keep: str, prefix: str) -> str:
    """One multi-path json_extract per object (one pass over its text), then one
    JSON column per path, named prefix + path with dots as underscores."""
    listed = ", ".join(f"'$.{path}'" for path in paths)
    columns = ", ".join(
        f"v[{number}] AS {prefix}{path.replace('.', '_')}" for number, path in enumerate(paths, 1)
    )
    return (
        f"SELECT * EXCLUDE (v), {columns} FROM "
        f"(SELECT {keep}, json_extract({obj}, [{listed}]) AS v FROM {source})"
    )


_SUB = (
    "id", "customer", "status", "items", "items.data", "items.has_more", "created",
    "current_period_start", "current_period_end", "cancel_at_period_end", "cancel_at",
    "canceled_at", "ended_at", "trial_start", "trial_end", "pending_update", "metadata",
)  # fmt: skip
_TIMES = ("created", "current_period_start", "current_period_end", "cancel_at",
          "canceled_at", "ended_at", "trial_start", "trial_end")  # fmt: skip
_ITEM = ("id", "price", "plan", "quantity", "current_period_start", "current_period_end",
         "created")  # fmt: skip
_PRICE = (
    "id", "currency", "unit_amount", "amount", "recurring", "recurring.interval",
    "recurring.interval_count", "interval", "interval_count", "product", "product.id",
    "product.name", "lookup_key",
)  # fmt: skip

SUBSCRIPTION_FIELDS = f"""
CREATE OR REPLACE TEMP TABLE stripe_subs AS
{_extract("raw_stripe_subscriptions", "obj", _SUB, "pos, json_type(obj) AS s_type", "s_")}
"""

ITEM_FIELDS = f"""
CREATE OR REPLACE TEMP TABLE stripe_items AS
WITH listed AS (
    SELECT pos AS sub_pos, CASE json_type(s_items)
        WHEN 'OBJECT' THEN json_extract(s_items, '$.data[*]')
        WHEN 'ARRAY' THEN json_extract(s_items, '$[*]') END AS data
    FROM stripe_subs
), unnested AS (
    SELECT sub_pos, generate_subscripts(data, 1) - 1 AS pos, unnest(data) AS item FROM listed
), fields AS (
    {_extract("unnested", "item", _ITEM, "sub_pos, pos, json_type(item) AS i_type", "i_")}
), priced AS (
    -- `price`, or the legacy `plan` when there is no price
    SELECT sub_pos, pos, CASE WHEN json_type(i_price) = 'OBJECT' THEN i_price
        WHEN pc_absent(i_price) THEN i_plan END AS price
    FROM fields
)
SELECT * FROM fields JOIN (
    {_extract("priced", "price", _PRICE, "sub_pos, pos, json_type(price) AS p_type", "p_")}
) USING (sub_pos, pos)
"""

_ITEM_OK = " AND ".join(
    (
        "i_type = 'OBJECT'",
        "pc_id_ok(i_id)",
        "p_type = 'OBJECT'",
        "pc_id_ok(p_id)",
        "pc_id_ok(p_currency)",
        "pc_int_ok(p_unit_amount) AND pc_int_ok(p_amount)",
        "(pc_absent(p_recurring) OR json_type(p_recurring) = 'OBJECT')",
        "pc_text_ok(p_recurring_interval) AND pc_text_ok(p_interval)",
        "pc_int_ok(p_recurring_interval_count) AND pc_int_ok(p_interval_count)",
        "pc_int_ok(i_quantity)",
        "pc_time_ok(i_current_period_start) AND pc_time_ok(i_current_period_end)",
        "pc_time_ok(i_created)",
        "(CASE WHEN json_type(p_product) = 'OBJECT' THEN pc_text_ok(p_product_id) "
        "AND pc_text_ok(p_product_name) ELSE pc_text_ok(p_product) END)",
        "pc_text_ok(p_lookup_key)",
    )
)

ITEMS = f"""
CREATE OR REPLACE TEMP TABLE billing_items AS
SELECT sub_pos, pos, pc_text(i_id) AS id, pc_text(p_id) AS price_id,
    coalesce(pc_int(i_quantity), 1) AS quantity,
    coalesce(pc_int(p_unit_amount), pc_int(p_amount)) AS unit_amount,
    lower(pc_text(p_currency)) AS currency,
    coalesce(pc_text(p_recurring_interval), pc_text(p_interval), 'month') AS interval,
    coalesce(nullif(pc_int(p_recurring_interval_count), 0), nullif(pc_int(p_interval_count), 0),
        1) AS interval_count,
    pc_time(i_current_period_start) AS current_period_start,
    pc_time(i_current_period_end) AS current_period_end,
    pc_time(i_created) AS created,
    CASE WHEN json_type(p_product) = 'OBJECT' THEN pc_text(p_product_id)
        ELSE pc_text(p_product) END AS product_id,
    pc_text(p_lookup_key) AS lookup_key,
    CASE WHEN json_type(p_product) = 'OBJECT' THEN pc_text(p_product_name) END AS product_name,
    coalesce({_ITEM_OK}, false) AS ok
FROM stripe_items
"""

PENDING = """
CREATE OR REPLACE TEMP TABLE stripe_pending AS
WITH listed AS (
    SELECT pos AS sub_pos, json_extract(s_pending_update, '$.subscription_items[*]') AS data
    FROM stripe_subs
    WHERE json_type(s_pending_update) = 'OBJECT'
        AND json_type(s_pending_update, '$.subscription_items') = 'ARRAY'
), unnested AS (
    SELECT sub_pos, generate_subscripts(data, 1) - 1 AS pos, unnest(data) AS item FROM listed
), refs AS (
    SELECT sub_pos, pos, json_type(item) AS item_type,
        CASE WHEN pc_absent(json_extract(item, '$.price')) THEN json_extract(item, '$.plan')
            ELSE json_extract(item, '$.price') END AS ref
    FROM unnested
)
SELECT sub_pos, pos, pc_ref(ref) AS price_id,
    coalesce(item_type = 'OBJECT' AND (pc_absent(ref) OR (CASE WHEN json_type(ref) = 'OBJECT'
        THEN pc_text_ok(json_extract(ref, '$.id')) ELSE pc_text_ok(ref) END)), false) AS ok
FROM refs
"""

_PENDING_OK = (
    "(pc_absent(s_pending_update) OR (json_type(s_pending_update) = 'OBJECT' AND "
    "(pc_absent(json_extract(s_pending_update, '$.subscription_items')) OR "
    "json_type(s_pending_update, '$.subscription_items') = 'ARRAY')))"
)
_SUB_OK = " AND ".join(
    (
        "s_type = 'OBJECT'",
        "pc_id_ok(s_id)",
        "pc_ref_ok(s_customer)",
        f"json_type(s_status) = 'VARCHAR' AND json_extract_string(s_status, '$') IN ({STATUSES})",
        "(json_type(s_items) = 'ARRAY' OR (json_type(s_items) = 'OBJECT' AND "
        "json_type(s_items_data) = 'ARRAY' AND pc_bool_ok(s_items_has_more) AND NOT "
        "pc_bool(s_items_has_more)))",
        *(f"pc_time_ok(s_{name})" for name in _TIMES),
        "pc_bool_ok(s_cancel_at_period_end)",
        "pc_metadata_ok(s_metadata)",
        _PENDING_OK,
    )
)

SUBSCRIPTIONS = f"""
CREATE OR REPLACE TEMP TABLE billing_subscriptions AS
SELECT pos, pc_text(s_id) AS id, pc_ref(s_customer) AS customer_id,
    json_extract_string(s_status, '$') AS status,
    {", ".join(f"pc_time(s_{name}) AS {name}" for name in _TIMES)},
    pc_bool(s_cancel_at_period_end) AS cancel_at_period_end,
    CASE WHEN json_type(s_metadata) = 'OBJECT' THEN s_metadata END AS metadata,
    coalesce({_SUB_OK}, false) AS ok
FROM stripe_subs
"""

_CUSTOMER = ("id", "email", "name", "created", "deleted", "metadata")
CUSTOMERS = f"""
CREATE OR REPLACE TEMP TABLE billing_customers AS
SELECT pos, pc_text(c_id) AS id, pc_text(c_email) AS email, pc_text(c_name) AS name,
    pc_time(c_created) AS created, pc_bool(c_deleted) AS deleted,
    CASE WHEN json_type(c_metadata) = 'OBJECT' THEN c_metadata END AS metadata,
    coalesce(c_type = 'OBJECT' AND pc_id_ok(c_id) AND pc_text_ok(c_email) AND pc_text_ok(c_name)
        AND pc_time_ok(c_created) AND pc_bool_ok(c_deleted) AND pc_metadata_ok(c_metadata),
        false) AS ok
FROM ({_extract("raw_stripe_customers", "obj", _CUSTOMER, "pos, json_type(obj) AS c_type", "c_")})
"""

UNREAD = """
CREATE OR REPLACE TEMP TABLE stripe_unread AS
SELECT 'subscriptions' AS collection, pos FROM billing_subscriptions WHERE NOT ok
UNION SELECT 'subscriptions', sub_pos FROM billing_items WHERE NOT ok
UNION SELECT 'subscriptions', sub_pos FROM stripe_pending WHERE NOT ok
UNION SELECT 'customers', pos FROM billing_customers WHERE NOT ok
"""

PENDING_PRICES = """
CREATE OR REPLACE TEMP TABLE billing_pending AS
SELECT sub_pos, row_number() OVER (PARTITION BY sub_pos ORDER BY pos) - 1 AS pos, price_id
FROM stripe_pending WHERE price_id IS NOT NULL
"""

STATEMENTS = (
    *MACROS,
    SUBSCRIPTION_FIELDS,
    ITEM_FIELDS,
    ITEMS,
    PENDING,
    SUBSCRIPTIONS,
    CUSTOMERS,
    UNREAD,
    PENDING_PRICES,
)
