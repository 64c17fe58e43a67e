"""Stripe's events -> billing_events, as SQL run by DuckDB (stripe_sql.py runs it
with the other collections' statements): each event's id, type, time, object and
pending deliveries, and what its object is worth and carried (stripe_normalize's
_event and _worth read the same, and tests/test_stripe_sql.py holds the two
together). Pure: builds text."""

from __future__ import annotations

# An event's worth (stripe_normalize._worth): a subscription object is its own
# subscription; an invoice or a checkout session names one (an invoice of API
# 2025-03-31 and later under parent.subscription_details) and has an amount.
_OBJ = "data.object"
_KIND = (
    f"CASE WHEN json_type(json_extract({_OBJ}, '$.object')) = 'VARCHAR' "
    f"THEN json_extract_string({_OBJ}, '$.object') END"
)
_PRICED = f"coalesce({_KIND} IN ('invoice', 'checkout.session'), false)"
_REFERENCE = (
    f"CASE WHEN pc_absent(json_extract({_OBJ}, '$.subscription')) "
    f"THEN json_extract({_OBJ}, '$.parent.subscription_details.subscription') "
    f"ELSE json_extract({_OBJ}, '$.subscription') END"
)
_AMOUNT = (
    f"CASE WHEN {_KIND} = 'invoice' THEN json_extract({_OBJ}, '$.amount_due') "
    f"ELSE json_extract({_OBJ}, '$.amount_total') END"
)
_CURRENCY = f"json_extract({_OBJ}, '$.currency')"
_WORTH_OK = (
    f"(NOT {_PRICED} OR ((pc_absent({_REFERENCE}) OR pc_ref_ok({_REFERENCE})) "
    f"AND pc_int_ok({_AMOUNT}) "
    f"AND coalesce(pc_int({_AMOUNT}) >= 0, true) AND pc_text_ok({_CURRENCY}) "
    f"AND (pc_text({_CURRENCY}) IS NULL "
    f"OR regexp_full_match(pc_text({_CURRENCY}), '[A-Za-z]+'))))"
)
EVENTS = f"""
CREATE OR REPLACE TEMP TABLE billing_events AS
SELECT pos, pc_text(id) AS id, pc_text(type) AS type, pc_time(created) AS created,
    CASE WHEN json_type({_OBJ}) = 'OBJECT'
        THEN pc_text(json_extract({_OBJ}, '$.id')) END AS object_id,
    coalesce(pc_int(pending_webhooks), 0) AS pending_webhooks,
    NULL::VARCHAR AS notification_id, NULL::VARCHAR AS destination, false AS delivered,
    CASE WHEN {_KIND} = 'subscription' THEN pc_text(json_extract({_OBJ}, '$.id'))
        WHEN {_PRICED} THEN pc_ref({_REFERENCE}) END AS subscription_id,
    CASE WHEN {_PRICED} THEN pc_int({_AMOUNT}) END AS amount,
    CASE WHEN {_PRICED} THEN lower(pc_text({_CURRENCY})) END AS currency,
    CASE WHEN {_KIND} = 'subscription' THEN pc_text(json_extract({_OBJ}, '$.status')) END
        AS status,
    coalesce(pc_id_ok(id) AND pc_id_ok(type) AND pc_time_ok(created)
        AND pc_int_ok(pending_webhooks) AND (pc_absent({_OBJ}) OR (pc_object_ok({_OBJ})
        AND pc_text_ok(json_extract({_OBJ}, '$.id')) AND {_WORTH_OK}
        AND pc_text_ok(json_extract({_OBJ}, '$.status')))), false) AS ok
FROM raw_stripe_events
"""
