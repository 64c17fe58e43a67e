"""Facts as SQL views over the normalized tables (sql_load.py): one view per subject
kind, one row per subject (`row`, in report order), one column per fact, named by
the fact's path. Each column means exactly what facts.py and account_facts.py
compute in Python; the parity test holds the two to the same reports.

A fact with no column here is still computed in Python for every subject and
joined in by row (sql_engine.py), so any fact a user's rule names works; the
facts below are the ones the built-in rules' conditions read, moved to SQL group by
group.

- sub_facts: per subscription, its entitlement under the policy (entitled statuses,
  a renewal being recovered within the grace period counted from the renewal), days
  past due,
  and its plan: the highest-tier mapped price, the first mapped one among untiered.
- held, owned: per customer id, the rows that hold it and what its subscriptions
  say together (counts, entitling ids, grace, the latest period end, trials).
- facts_account: the join account -> customer -> subscriptions, the billing plan
  (the highest tier among entitling subscriptions), grace, the plan the app stores,
  the pending plan, who else holds the customer id (`paid_for`), identity, the
  stored subscription id, the period end against the row's expiry, and a schedule
  that would downgrade a plan changed after it was made (`stale_downgrade`).
- facts_subscription: entitlement, the customer, how many rows hold it, the app's copy.
- facts_customer, facts_price, facts_person: over the kind's rows as facts.py lists
  them (registered by the engine), counts of rows, entitling subscriptions and
  trials, the plan a price maps to.
- facts_app_subscription: the app's copy of a subscription field by field against
  billing's of the same id (unknown, not false, when either side is empty).
- facts_credit_account: an account's credits as credit_sums.py summed them, its
  balance against its ledger.

Pure: builds text, imports no database driver.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prodcheck.config import Policy
from prodcheck.engine.app_facts import PERIOD_TOLERANCE
from prodcheck.engine.entitlement import NEVER_ENTITLED
from prodcheck.engine.event_facts import RETRY_HOURS, retention_days
from prodcheck.engine.index import Index
from prodcheck.engine.sql_conditions import column, literal, moment
from prodcheck.engine.sql_load import ACCOUNT_FIELDS

MICROSECONDS_PER_DAY = 86_400_000_000
# Each view's column holding why a subject settles (null when it does not): a
# webhook may still be in flight for it, so only non-windowed rules report it.
SETTLING_COLUMN = "_settling"
SETTLING = "changed within the settle window"


def allowance_reason(index: Index) -> str:
    """Why an account whose access ended within the app's allowance waits."""
    access = index.config.database.columns.derivation("has_access")
    hours = access.allowance_hours if access else 0
    return f"access ended less than {hours:g} hours ago: the app's allowance"


def _now(now: datetime) -> str:
    return f"TIMESTAMPTZ '{now.astimezone(UTC).isoformat()}'"


def sub_facts(policy: Policy, now: datetime) -> str:
    entitled = sorted(policy.entitled_statuses - {s.value for s in NEVER_ENTITLED})
    statuses = f"status IN ({', '.join(literal(s) for s in entitled)})" if entitled else "FALSE"
    return f"""
CREATE TEMP TABLE sub_facts AS
WITH best AS (
    SELECT sub_row, plan, tier FROM (
        SELECT i.sub_row, p.plan, t.tier, row_number() OVER (
            PARTITION BY i.sub_row ORDER BY t.tier IS NULL, t.tier DESC, i.pos
        ) AS pick
        FROM items i JOIN plans p USING (price_id) LEFT JOIN tiers t ON t.plan = p.plan
    ) WHERE pick = 1
), timed AS (
    SELECT s.*, CASE WHEN s.recovering AND s.renewed_at IS NOT NULL THEN greatest(
        0, (epoch_us({_now(now)}) - epoch_us(s.renewed_at)) // {MICROSECONDS_PER_DAY}
    ) END AS days_past_due
    FROM subscriptions s
), ruled AS (
    SELECT timed.*, best.plan, best.tier, (
        {statuses} OR (recovering
            AND (days_past_due IS NULL OR days_past_due <= {int(policy.grace_period_days)}))
    ) AS entitles_row
    FROM timed LEFT JOIN best ON best.sub_row = timed.row
)
-- The index keeps entitling subscriptions as a set of ids: an id listed twice
-- entitles both rows when one does (duplicate ids are issue 20's to report).
SELECT *, bool_or(entitles_row) OVER (PARTITION BY id) AS entitles FROM ruled
"""


def _first(partition: str, order: str, select: str, source: str) -> str:
    """The first row of each partition in `order`."""
    return (
        f"SELECT * EXCLUDE (pick) FROM (SELECT {select}, row_number() OVER "
        f"(PARTITION BY {partition} ORDER BY {order}) AS pick FROM {source}) WHERE pick = 1"
    )


def _settles(customer: str) -> str:
    """The settling reason of a subject about this customer id (else null)."""
    return f"CASE WHEN {customer} IN (SELECT id FROM settle_customers) THEN {literal(SETTLING)} END"


def account_facts(now: datetime, allowance: str) -> str:
    # The accounts table holds each field under its own name; the view names it as
    # the fact (`account.plan`).
    fields = ", ".join(f"a.{column(name)} AS {column(spec.name)}" for name, spec in ACCOUNT_FIELDS)
    entitling = "coalesce(o.entitling_count, 0)"
    billing = _first(
        "customer_id",
        "tier IS NULL, tier DESC, row",
        "customer_id, plan, tier",
        "sub_facts WHERE entitles AND plan IS NOT NULL",
    )
    pending = _first(
        "s.customer_id",
        "coalesce(t.tier, -1) DESC, s.row, q.pos",
        "s.customer_id, p.plan",
        "sub_facts s JOIN pending q ON q.sub_row = s.row JOIN plans p USING (price_id) "
        "LEFT JOIN tiers t ON t.plan = p.plan WHERE s.entitles",
    )
    return f"""
CREATE TEMP VIEW facts_account AS
WITH billing AS ({billing}), pending_plan AS ({pending}), downgrades AS (
    -- a future phase of an open schedule whose highest tier is below the tier billed
    SELECT schedule_row, subscription, created, max(t.tier) AS top
    FROM schedule_prices JOIN plans p USING (price_id) JOIN tiers t ON t.plan = p.plan
    WHERE status IN ('active', 'not_started') AND created IS NOT NULL
        AND phase_start > {_now(now)}
    GROUP BY schedule_row, subscription, created, phase_start
), stale AS (
    -- ... although the subscription's price was set after the schedule was made
    SELECT DISTINCT s.customer_id FROM sub_facts s
    JOIN downgrades d ON d.subscription = s.id
    WHERE s.entitles AND d.top < s.tier AND s.price_set > d.created
), served AS (
    -- another row holding the customer id has access, or the customer names it
    SELECT DISTINCT a.row FROM accounts a
    JOIN accounts other ON other.customer_id = a.customer_id
        AND other.id <> a.id
    LEFT JOIN customers c ON c.id = a.customer_id
    WHERE a.customer_id <> ''
        AND (other.has_access OR other.id IS NOT DISTINCT FROM c.metadata_user_id)
)
SELECT a.row, {fields},
    CASE WHEN a.id IN (SELECT id FROM settle_accounts)
            OR a.customer_id IN (SELECT id FROM settle_customers) THEN {literal(SETTLING)}
        WHEN a.id IN (SELECT id FROM allowance) THEN {literal(allowance)}
        END AS {SETTLING_COLUMN},
    a.customer_id IS NOT NULL AS has_customer_id,
    coalesce(NOT c.deleted, FALSE) AS "customer.exists",
    a.customer_id AS "customer.id",
    c.email AS "customer.email",
    c.metadata_user_id AS "customer.metadata_user_id",
    {entitling} > 0 AS entitled,
    coalesce(o.entitling_subscriptions, []::VARCHAR[]) AS entitling_subscriptions,
    {entitling} AS entitling_count,
    coalesce(o.subscription_count, 0) AS subscription_count,
    {entitling} > 0 AND coalesce(o.all_past_due, FALSE) AS in_grace,
    {entitling} = 0 AND coalesce(o.any_expired, FALSE) AS grace_expired,
    b.plan AS billing_plan,
    b.tier AS billing_tier,
    a.db_plan AS db_plan,
    dt.tier AS db_tier,
    coalesce(b.plan IS NOT NULL AND a.db_plan = b.plan, FALSE) AS plan_matches,
    pp.plan AS pending_plan,
    coalesce(a.access_expires_at < {_now(now)}, FALSE) AS access_expired,
    CASE WHEN a.email_key IS NOT NULL AND c.email_key IS NOT NULL
        THEN a.email_key = c.email_key END AS email_matches,
    coalesce(o.collecting_count, 0) > 0 AND served.row IS NULL AS paid_for,
    o.period_end AS billing_period_end,
    abs(epoch_us(a.access_expires_at) - epoch_us(o.period_end))
        / 1000000.0 / 86400.0 AS expiry_gap_days,
    CASE WHEN stale.customer_id IS NOT NULL THEN TRUE END AS stale_downgrade,
    CASE WHEN stored THEN TRUE END AS stored_subscription,
    CASE WHEN stored THEN a.subscription_id END AS "stored_subscription.id",
    CASE WHEN stored THEN ss.id IS NOT NULL END AS "stored_subscription.exists",
    CASE WHEN stored THEN coalesce(ss.customer_id = a.customer_id, FALSE)
        END AS "stored_subscription.ours",
    CASE WHEN stored THEN ss.customer_id END AS "stored_subscription.customer_id",
    CASE WHEN stored THEN ss.status END AS "stored_subscription.status",
    CASE WHEN stored THEN coalesce(ss.entitles, FALSE) END AS "stored_subscription.entitles"
FROM (SELECT *, coalesce(subscription_id, '') <> '' AS stored FROM accounts) a
LEFT JOIN customers c ON c.id = a.customer_id
LEFT JOIN owned o ON o.customer_id = a.customer_id
LEFT JOIN billing b ON b.customer_id = a.customer_id
LEFT JOIN pending_plan pp ON pp.customer_id = a.customer_id
LEFT JOIN tiers dt ON dt.plan = a.db_plan
LEFT JOIN served ON served.row = a.row
LEFT JOIN stale ON stale.customer_id = a.customer_id
LEFT JOIN sub_facts ss ON ss.id = a.subscription_id AND ss.canonical
"""


# Rows holding each customer id (an empty id holds nothing, as in the index).
HELD = """
CREATE TEMP VIEW held AS
SELECT customer_id, count(*) AS account_count FROM accounts
WHERE customer_id <> '' GROUP BY customer_id
"""

# What each customer's subscriptions say, together (accounts and customers read it).
OWNED = """
CREATE TEMP TABLE owned AS
SELECT customer_id,
    count(*) AS subscription_count,
    count(*) FILTER (WHERE entitles) AS entitling_count,
    list(id ORDER BY row) FILTER (WHERE entitles) AS entitling_subscriptions,
    count(*) FILTER (WHERE entitles AND NOT collection_paused) AS collecting_count,
    bool_or(recovering AND NOT entitles_row) AS any_expired,
    bool_and(recovering) FILTER (WHERE entitles) AS all_past_due,
    max(period_end) FILTER (WHERE entitles) AS period_end,
    count(*) FILTER (WHERE had_trial) AS trial_count
FROM sub_facts GROUP BY customer_id
"""

SUBSCRIPTION_FACTS = f"""
CREATE TEMP VIEW facts_subscription AS
SELECT s.row, {_settles("s.customer_id")} AS {SETTLING_COLUMN},
    s.entitles AS entitles,
    c.id IS NOT NULL AS customer_exists,
    coalesce(n.account_count, 0) AS account_count,
    app.id IS NOT NULL AS app_row_exists
FROM sub_facts s
LEFT JOIN customers c ON c.id = s.customer_id
LEFT JOIN held n ON n.customer_id = s.customer_id
LEFT JOIN app_ids app ON app.id = s.id
"""

# Over customer_rows (row, id): every customer id an account or subscription names.
CUSTOMER_FACTS = f"""
CREATE TEMP VIEW facts_customer AS
SELECT r.row, {_settles("r.id")} AS {SETTLING_COLUMN},
    r.id AS "customer.id",
    c.id IS NOT NULL AS "customer.exists",
    c.email AS "customer.email",
    coalesce(n.account_count, 0) AS account_count,
    coalesce(o.entitling_count, 0) AS entitling_count,
    coalesce(o.entitling_subscriptions, []::VARCHAR[]) AS entitling_subscriptions,
    coalesce(o.trial_count, 0) AS trial_count
FROM customer_rows r
LEFT JOIN customers c ON c.id = r.id
LEFT JOIN owned o ON o.customer_id = r.id
LEFT JOIN held n ON n.customer_id = r.id
"""

# Over price_rows (row, id): the prices of entitling subscriptions.
PRICE_FACTS = f"""
CREATE TEMP VIEW facts_price AS
WITH users AS (
    SELECT i.price_id, count(DISTINCT s.row) AS subscription_count
    FROM items i JOIN sub_facts s ON s.row = i.sub_row
    WHERE s.entitles GROUP BY i.price_id
)
SELECT r.row, NULL AS {SETTLING_COLUMN},
    r.id AS "price.id",
    p.plan IS NOT NULL AS mapped,
    p.plan AS plan,
    coalesce(u.subscription_count, 0) AS subscription_count
FROM price_rows r
LEFT JOIN plans p ON p.price_id = r.id
LEFT JOIN users u ON u.price_id = r.id
"""

# The customer an app row is about: billing's, else the row's own.
APP_CUSTOMER = """coalesce(nullif(b.customer_id, ''), r."app_subscription.customer_id", '')"""

# Over app_rows (row, "app_subscription.<field>"...): the app's own copy of each
# subscription against the one billing lists under its id.
APP_FACTS = f"""
CREATE TEMP VIEW facts_app_subscription AS
WITH prices AS (
    SELECT sub_row, list(price_id ORDER BY pos) AS price_ids FROM items GROUP BY sub_row
), billed AS (
    SELECT s.*, coalesce(p.price_ids, []::VARCHAR[]) AS price_ids
    FROM sub_facts s LEFT JOIN prices p ON p.sub_row = s.row WHERE s.canonical
)
SELECT r.*,
    {_settles(APP_CUSTOMER)} AS {SETTLING_COLUMN},
    b.id IS NOT NULL AS "billed.exists",
    b.status AS "billed.status",
    b.customer_id AS "billed.customer_id",
    coalesce(b.price_ids, []::VARCHAR[]) AS "billed.price_ids",
    b.quantity AS "billed.quantity",
    b.period_end AS "billed.period_end",
    b.cancel_at_period_end AS "billed.cancel_at_period_end",
    coalesce(b.entitles, FALSE) AS "billed.entitles",
    CASE WHEN b.id IS NOT NULL AND r."app_subscription.status" IS NOT NULL
        AND b.status IS NOT NULL
        THEN r."app_subscription.status" = b.status END AS status_matches,
    CASE WHEN b.id IS NOT NULL AND r."app_subscription.price_id" IS NOT NULL
        THEN list_contains(b.price_ids, r."app_subscription.price_id") END AS price_matches,
    CASE WHEN b.id IS NOT NULL AND r."app_subscription.quantity" IS NOT NULL
        THEN r."app_subscription.quantity" = b.quantity END AS quantity_matches,
    CASE WHEN b.id IS NOT NULL AND r."app_subscription.period_end" IS NOT NULL
        AND b.period_end IS NOT NULL
        THEN abs(epoch_us(r."app_subscription.period_end") - epoch_us(b.period_end))
            <= {int(PERIOD_TOLERANCE.total_seconds()) * 1_000_000}
        END AS period_end_matches,
    CASE WHEN b.id IS NOT NULL AND r."app_subscription.cancel_at_period_end" IS NOT NULL
        AND b.cancel_at_period_end IS NOT NULL
        THEN r."app_subscription.cancel_at_period_end" = b.cancel_at_period_end
        END AS cancel_matches
FROM app_rows r LEFT JOIN billed b ON b.id = r."app_subscription.id"
"""

# Over person_members (row, key, email, customer_id): customers grouped by email.
PERSON_FACTS = f"""
CREATE TEMP VIEW facts_person AS
WITH trials AS (
    SELECT customer_id, count(*) FILTER (WHERE had_trial) AS trial_count
    FROM subscriptions GROUP BY customer_id
)
SELECT p.row, NULL AS {SETTLING_COLUMN},
    any_value(p.key) AS "person.id",
    any_value(p.email) AS "person.email",
    count(*) AS customer_count,
    CAST(coalesce(sum(t.trial_count), 0) AS BIGINT) AS trial_count
FROM person_members p LEFT JOIN trials t USING (customer_id)
GROUP BY p.row
"""


def event_facts(index: Index) -> str:
    """Over event_rows (row, "event.<field>"...): each event the app must have
    processed (event_facts.py), its age, and the rows of the app's table holding it.
    An event newer than the settle window settles: its webhook may be in flight."""
    minutes = index.config.policy.settle_window_minutes
    since = index.now - timedelta(minutes=minutes)
    settles = f'r."event.created" >= {moment(since)}' if minutes else "FALSE"
    return f"""
CREATE TEMP VIEW facts_event AS
SELECT r.row,
    CASE WHEN {settles} THEN {literal(SETTLING)} END AS {SETTLING_COLUMN},
    r."event.id", r."event.type", r."event.created", r."event.object_id",
    r."event.pending_webhooks", r."event.notification_id", r."event.subscription_id",
    (epoch_us({_now(index.now)}) - epoch_us(r."event.created")) / 3600000000.0 AS age_hours,
    {RETRY_HOURS} - age_hours AS retry_hours_left,
    {retention_days(index)} - age_hours / 24 AS retention_days_left,
    coalesce(p.count, 0) > 0 AS processed,
    coalesce(p.count, 0) AS processed_count
FROM event_rows r LEFT JOIN processed_ids p ON p.id = r."event.id"
"""


# Over credit_rows (row, the account's sums as credit_sums.py read them).
CREDIT_FACTS = f"""
CREATE TEMP VIEW facts_credit_account AS
SELECT *, NULL AS {SETTLING_COLUMN}, balance - ledger_sum AS difference FROM credit_rows
"""


def base(policy: Policy, now: datetime) -> tuple[str, ...]:
    """The views every kind's view reads, created once the tables are loaded."""
    return (sub_facts(policy, now), HELD, OWNED)


def views(index: Index) -> dict[str, str]:
    """Subject kind -> the statement creating its view (after the base views)."""
    return {
        "account": account_facts(index.now, allowance_reason(index)),
        "subscription": SUBSCRIPTION_FACTS,
        "customer": CUSTOMER_FACTS,
        "price": PRICE_FACTS,
        "person": PERSON_FACTS,
        "app_subscription": APP_FACTS,
        "event": event_facts(index),
        "credit_account": CREDIT_FACTS,
    }
