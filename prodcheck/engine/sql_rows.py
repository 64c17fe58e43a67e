"""The rows of the billing subject kinds, in report order, computed by SQL from
billing's objects in DuckDB (facts.py lists the same from a Python index:
tests/test_sql_facts.py holds the two together): each statement writes the table
the kind's view reads its rows from.

- customer_rows(row, id): every customer id an account or a subscription names,
  sorted (facts.customer_rows);
- price_rows(row, id): every price of a subscription whose id entitles, in the
  order they first appear among the subscriptions in report order and their items
  (facts.price_rows);
- person_members(row, key, email, customer_id): the customers with subscriptions
  grouped by email key (the customer id when there is none), groups in the order
  of their first customer id, members sorted (facts.person_rows).

KEYS name, per kind, the table holding its rows and the columns of a row's key:
a subscription's is (customer id, position in its collection, id), the others' an
id or key. The engine reads back the keys of the rows it reports alone.

Pure: builds text, imports no database driver.
"""

from __future__ import annotations

STATEMENTS = (
    """
CREATE OR REPLACE TEMP TABLE customer_rows AS
SELECT row_number() OVER (ORDER BY id) - 1 AS row, id FROM (
    SELECT customer_id AS id FROM accounts WHERE customer_id IS NOT NULL AND customer_id <> ''
    UNION SELECT customer_id FROM subscriptions
)
""",
    """
CREATE OR REPLACE TEMP TABLE price_rows AS
SELECT row_number() OVER (ORDER BY min(s.row::HUGEINT * 4294967296 + i.pos)) - 1 AS row,
    i.price_id AS id
FROM items i JOIN sub_facts s ON s.row = i.sub_row
WHERE s.entitles
GROUP BY i.price_id
""",
    """
CREATE OR REPLACE TEMP TABLE person_members AS
WITH holders AS (
    SELECT DISTINCT s.customer_id, c.email_key AS email FROM subscriptions s
    LEFT JOIN customers c ON c.id = s.customer_id
), keyed AS (
    SELECT customer_id, email, coalesce(nullif(email, ''), customer_id) AS key FROM holders
), firsts AS (
    SELECT key, min(customer_id) AS first FROM keyed GROUP BY key
)
SELECT dense_rank() OVER (ORDER BY f.first) - 1 AS row, k.key, k.email, k.customer_id
FROM keyed k JOIN firsts f USING (key)
ORDER BY row, k.customer_id
""",
)

KEYS = {
    "subscription": ("subscriptions", "customer_id, pos, id"),
    "customer": ("customer_rows", "id"),
    "price": ("price_rows", "id"),
    "person": ("(SELECT DISTINCT row, key FROM person_members)", "key"),
}
