"""What `init` reads from a schema's names, types and sampled values (pure functions;
tests/e2e/test_init_schemas.py runs the same on real databases)."""

from __future__ import annotations

import pytest

from prodcheck.model import Provider
from prodcheck.scaffold.propose import ACCESS, propose_schema
from prodcheck.scaffold.shapes import looks_like, plan_stored_as, status_mapping

NO_PLANS: dict[str, frozenset[str]] = {"plan": frozenset({"free", "pro"})}


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (["active", "canceled", "past_due"], {"grants": ["active", "trialing"]}),
        ([], {"grants": ["active", "trialing"]}),  # no rows yet: the usual check
        (["free", "paid", "comped"], {"grants": ["paid", "comped"], "otherwise": "free"}),
        (["Premium", "Basic"], {"grants": ["Premium"], "otherwise": "Basic"}),
        (["draft", "published"], None),  # a status column of something else
    ],
)  # fmt: skip
def test_status_columns_by_their_values(found, expected) -> None:
    mapping = status_mapping("status", found, ACCESS.value_guesses)
    assert mapping == (None if expected is None else {"column": "status", **expected})


def test_provider_ids_by_prefix() -> None:
    assert looks_like(["cus_1", "cus_2"], "customer", "stripe") is True
    assert looks_like(["cus_1", "42"], "customer", "stripe") is False
    assert looks_like(["ctm_01h"], "customer", "paddle") is True
    assert looks_like([], "customer", "stripe") is None


@pytest.mark.parametrize(
    ("column", "found", "stored_as"),
    [
        ("plan", ["pro", "free"], "plan"),
        ("stripe_price_id", ["price_1Abc"], "price_id"),
        ("plan", ["price_1Abc", "price_2Def"], "price_id"),  # values win over the name
        ("stripe_product_id", ["prod_Q1"], "product_id"),
        ("paddle_price_id", ["pri_01h"], "price_id"),
        ("plan_name", ["Plus", "Base"], "product_name"),
        ("plan_name", ["pro"], "plan"),
        ("price_lookup_key", [], "lookup_key"),
        ("stripePriceId", [], "price_id"),
    ],
)  # fmt: skip
def test_plan_columns_by_values_then_names(column, found, stored_as) -> None:
    provider = "paddle" if column.startswith("paddle") else "stripe"
    assert plan_stored_as(column, found, provider, NO_PLANS) == stored_as


def test_a_foreign_key_or_an_app_id_is_no_customer_id() -> None:
    tables = {
        "users": [("id", "bigint"), ("customer_id", "bigint"), ("is_paid", "boolean")],
        "teams": [("id", "uuid"), ("customer_id", "text"), ("is_paid", "boolean")],
        "orgs": [("id", "uuid"), ("billing_ref", "text"), ("is_paid", "boolean")],
    }
    samples = {
        "teams": [{"id": "t1", "customer_id": "3f9c-uuid", "is_paid": True}],
        "orgs": [{"id": "o1", "billing_ref": "cus_9", "is_paid": True}],
    }
    schema = propose_schema(tables, Provider.STRIPE, samples)
    mapped = {p.table: p.columns.get("customer_id") for p in schema.accounts}
    # A bigint is no provider id; text holding the app's own ids is not billing's; a
    # column named like nothing usual that holds nothing but cus_ ids is.
    assert mapped == {"users": None, "teams": None, "orgs": "billing_ref"}


def test_a_subscriptions_table_is_the_app_copy_not_the_accounts() -> None:
    tables = {
        "subscriptions": [
            ("id", "text"), ("user_id", "uuid"), ("stripe_customer_id", "text"),
            ("status", "text"), ("price_id", "text"), ("current_period_end", "timestamptz"),
        ],
        "users": [("id", "uuid"), ("stripe_customer_id", "text"), ("email", "text")],
    }  # fmt: skip
    samples = {
        "subscriptions": [{"id": "sub_1", "user_id": "u1", "status": "active"}],
        "users": [{"id": "u1", "stripe_customer_id": "cus_1"}],
    }
    schema = propose_schema(tables, Provider.STRIPE, samples)
    assert schema.app_table is not None and schema.app_table.table == "subscriptions"
    assert schema.app_table.columns["account_id"] == "user_id"
    assert [p.table for p in schema.accounts] == ["users"]
    access = schema.accounts[0].columns["has_access"]
    assert access == {"from": "app_subscriptions", "grants": ["active", "trialing"]}


def test_the_ledger_of_processed_events_is_proposed() -> None:
    from prodcheck.scaffold.ledger import propose_ledger

    tables = {
        "users": [("id", "text"), ("stripe_customer_id", "text"), ("has_paid_access", "bool")],
        "webhook_events": [("id", "bigint"), ("stripe_event_id", "text"),
                           ("event_type", "text"), ("processed_at", "timestamptz")],
    }  # fmt: skip
    samples = {"webhook_events": [{"stripe_event_id": "evt_1", "event_type": "invoice.paid"}]}
    ledger = propose_ledger(tables, Provider.STRIPE, samples)
    assert ledger is not None and ledger.table == "webhook_events"
    assert dict(ledger.columns) == {
        "id": "stripe_event_id",
        "type": "event_type",
        "processed_at": "processed_at",
    }
    schema = propose_schema(tables, Provider.STRIPE, samples)
    assert schema.ledger == ledger and [p.table for p in schema.accounts] == ["users"]
    # ids of another shape, or a table not named like a ledger: none
    other = {"webhook_events": [{"stripe_event_id": "17"}]}
    assert propose_ledger(tables, Provider.STRIPE, other) is None
    assert propose_ledger({"events_log": tables["webhook_events"]}, Provider.STRIPE, {}) is None
