"""`prodcheck init` against a real PostgreSQL database of the test's own and the
local fake Stripe server: the proposed table, columns and plans, a config that
passes `validate` and then checks those very sources; never an overwrite."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from prodcheck.model import Provider
from prodcheck.scaffold.plans import plan_slug
from prodcheck.scaffold.propose import propose_columns

from .db.conftest import ADMIN_URL, connect, run, url_for
from .live.conftest import STRIPE_KEY
from .live.fake_http import Reply
from .live.fake_stripe import FakeStripe
from .live.stripe_objects import T0, customer, item, price, subscription

SCHEMA = [
    """CREATE TABLE app_users (
        id uuid PRIMARY KEY, "stripeCustomerId" text, is_paid boolean NOT NULL DEFAULT false,
        plan_name text, email text, deleted_at timestamptz, current_period_end timestamptz,
        is_comped boolean NOT NULL DEFAULT false, updated_at timestamptz)""",
    # Decoys: a customer id column alone does not make an accounts table.
    "CREATE TABLE audit_log (id bigint, customer_id text, payload jsonb)",
    "CREATE SCHEMA billing",
    "CREATE TABLE billing.invoices (id text, customer_id text, amount integer)",
    """INSERT INTO app_users VALUES
        ('00000000-0000-0000-0000-000000000001', 'cus_1', true, 'pro', 'a@x.io', NULL,
         NULL, false, now() - interval '2 days'),
        ('00000000-0000-0000-0000-000000000002', 'cus_2', false, 'starter', 'b@x.io', NULL,
         NULL, false, now() - interval '2 days')""",
]


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    from psycopg import sql

    name = f"prodcheck_init_{secrets.token_hex(5)}"
    with connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = url_for(name)
        run(url, *SCHEMA)
        yield url
    finally:
        with connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


class FakeStripeWithProducts(FakeStripe):
    """The fake Stripe plus GET /v1/products?ids[]=..., or Stripe's 403 without the permission."""

    def __init__(self, products: list[dict[str, Any]], *, deny: bool = False, **kw: Any) -> None:
        super().__init__(**kw)
        self.products = {p["id"]: p for p in products}
        self.deny = deny

    def route(self, path: str, query: dict[str, Any], headers: Any) -> Reply:
        if path != "/v1/products":
            return super().route(path, query, headers)
        if self.deny:
            message = "The provided key does not have the required permissions for this endpoint."
            return Reply(403, {"error": {"type": "invalid_request_error", "message": message}})
        data = [self.products[i] for i in query.get("ids", []) if i in self.products]
        return Reply(
            200, {"object": "list", "url": "/v1/products", "has_more": False, "data": data}
        )


def _price(price_id: str, amount: int, interval: str, product: str, **extra: Any) -> dict:
    return {**price(price_id, amount, interval), "product": product, **extra}


PRICES = {
    "starter": _price("price_starter_m", 1900, "month", "prod_starter"),
    "pro_m": _price("price_pro_m", 4900, "month", "prod_pro", nickname="Pro monthly"),
    "pro_y": _price("price_pro_y", 49000, "year", "prod_pro"),
    "team": _price("price_team_m", 9900, "month", "prod_team", lookup_key="team_monthly"),
    "legacy": _price("price_legacy", 900, "month", "prod_legacy"),
}
PRODUCTS = [
    {"id": "prod_starter", "object": "product", "name": "Starter"},
    {"id": "prod_pro", "object": "product", "name": "Pro Plan"},
]


def fake_stripe(*, deny: bool = False) -> FakeStripeWithProducts:
    subs = [
        subscription("sub_1", "cus_1", T0, items=[item("si_1", PRICES["pro_m"])]),
        subscription("sub_2", "cus_2", T0 + 1, items=[item("si_2", PRICES["starter"])]),
        subscription("sub_3", "cus_3", T0 + 2, items=[item("si_3", PRICES["pro_y"])]),
        subscription("sub_4", "cus_4", T0 + 3, items=[item("si_4", PRICES["team"], 3)]),
        subscription("sub_5", "cus_5", T0 + 4, status="canceled",
                     items=[item("si_5", PRICES["legacy"])]),
    ]  # fmt: skip
    customers = [customer(f"cus_{n}", T0 + n) for n in range(1, 6)]
    return FakeStripeWithProducts(PRODUCTS, deny=deny, customers=customers, subscriptions=subs)


def test_init_proposes_table_columns_and_plans_that_check(run_cli, database, tmp_path) -> None:
    out = tmp_path / "prodcheck.yml"
    with fake_stripe() as server:
        env = {"APP_DB": database, "STRIPE_RO": STRIPE_KEY}
        result = run_cli(
            "init", "--out", str(out), "--database-url-env", "APP_DB",
            "--billing-key-env", "STRIPE_RO", "--api-base", server.url, env=env,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        config = yaml.safe_load(out.read_text())
        # init writes the accounts table in the database.tables form (issue 16).
        accounts = config["database"]["tables"]["accounts"]
        assert accounts["table"] == "app_users"
        assert config["database"]["url_env"] == "APP_DB"
        assert accounts["columns"] == {
            "id": "id",
            "customer_id": "stripeCustomerId",
            "has_access": "is_paid",
            "plan": "plan_name",
            "email": "email",
            "deleted_at": "deleted_at",
            "access_expires_at": "current_period_end",
            "comped": "is_comped",
            "updated_at": "updated_at",
        }
        assert config["billing"] == {
            "provider": "stripe", "api_key_env": "STRIPE_RO", "api_base": server.url,
        }  # fmt: skip
        # Product names first, then lookup keys; the canceled subscription's price is not in use.
        assert config["plans"]["prices"] == {
            "price_pro_m": "pro",
            "price_pro_y": "pro",
            "price_starter_m": "starter",
            "price_team_m": "team",
        }
        assert config["plans"]["tiers"] == ["starter", "pro", "team"]
        text = out.read_text()
        assert "other candidates: audit_log, billing.invoices" in text
        assert database.split("@")[0].split(":")[-1] not in text  # no password anywhere
        assert run_cli("validate", "--config", str(out)).exit_code == 0
        # The proposal is a working config: it checks the very sources it came from.
        checked = run_cli("check", "--config", str(out), env=env)
        assert checked.exit_code in (0, 1), checked.output
        assert "VERDICT:" in checked.output


def test_init_without_products_permission_names_plans_from_prices(run_cli, database, tmp_path):
    out = tmp_path / "prodcheck.yml"
    with fake_stripe(deny=True) as server:
        result = run_cli(
            "init", "--out", str(out), "--api-base", server.url,
            env={"DATABASE_URL": database, "STRIPE_API_KEY": STRIPE_KEY},
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "product names not read" in result.output
    prices = yaml.safe_load(out.read_text())["plans"]["prices"]
    assert prices["price_team_m"] == "team"  # lookup key team_monthly
    assert prices["price_pro_m"] == "pro"  # nickname "Pro monthly"
    assert prices["price_starter_m"] == "starter"  # nothing better: the product id, readable
    assert STRIPE_KEY not in result.output


def test_init_without_sources_writes_a_valid_template(run_cli, tmp_path) -> None:
    out = tmp_path / "prodcheck.yml"
    result = run_cli("init", "--out", str(out), env={})
    assert result.exit_code == 0, result.output
    assert "database not inspected: $DATABASE_URL is not set" in result.output
    text = out.read_text()
    assert "# email: email" in text and "#   prices:" in text
    assert run_cli("validate", "--config", str(out)).exit_code == 0
    paddle = tmp_path / "paddle.yml"
    assert run_cli("init", "--out", str(paddle), "--provider", "paddle", env={}).exit_code == 0
    assert "customer_id: paddle_customer_id" in paddle.read_text()
    assert run_cli("validate", "--config", str(paddle)).exit_code == 0


def test_init_never_overwrites(run_cli, tmp_path) -> None:
    out = tmp_path / "prodcheck.yml"
    out.write_text("mine\n")
    result = run_cli("init", "--out", str(out), env={})
    assert result.exit_code == 2
    assert f"{out} already exists: prodcheck init never overwrites a file" in result.output
    assert out.read_text() == "mine\n"


def test_init_explicit_variable_must_be_set(run_cli, tmp_path) -> None:
    out = tmp_path / "prodcheck.yml"
    result = run_cli("init", "--out", str(out), "--database-url-env", "NOPE_URL", env={})
    assert result.exit_code == 2
    assert "NOPE_URL is not set" in result.output
    assert not out.exists()


def test_init_unknown_table_lists_the_tables(run_cli, database, tmp_path) -> None:
    result = run_cli(
        "init", "--out", str(tmp_path / "p.yml"), "--table", "people",
        env={"DATABASE_URL": database},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--table people: no such table" in result.output and "app_users" in result.output


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ([("user_id", "bigint"), ("customer_id", "text"), ("has_access", "boolean")],
         {"id": "user_id", "customer_id": "customer_id", "has_access": "has_access"}),
        # A text column named like a flag is no access flag; a timestamp is no plan.
        ([("id", "int"), ("stripe_id", "text"), ("paid", "text"), ("is_pro", "boolean"),
          ("tier", "timestamp")],
         {"id": "id", "customer_id": "stripe_id", "has_access": "is_pro"}),
    ],
)  # fmt: skip
def test_column_matching_uses_names_and_types(columns, expected) -> None:
    assert propose_columns(columns, Provider.STRIPE) == expected


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Pro Plan", "pro"), ("team_yearly", "team"), ("Business+ (annual)", "business"),
     ("Plan", "plan"), ("Growth 2024", "growth_2024")],
)  # fmt: skip
def test_plan_slugs(text: str, slug: str) -> None:
    assert plan_slug(text) == slug


CREDITS_SCHEMA = [
    """CREATE TABLE users (id bigint PRIMARY KEY, stripe_customer_id text,
        has_paid_access boolean NOT NULL DEFAULT false)""",
    "CREATE TABLE user_credits (user_id bigint PRIMARY KEY, credits_remaining bigint)",
    """CREATE TABLE credit_transactions (id bigserial PRIMARY KEY, user_id bigint,
        delta integer NOT NULL, request_id text, created_at timestamptz NOT NULL)""",
    """CREATE TABLE webhook_events (id bigserial PRIMARY KEY, stripe_event_id text,
        event_type text, processed_at timestamptz)""",
    """INSERT INTO users VALUES (1, 'cus_1', true), (2, 'cus_2', true), (3, 'cus_3', true),
        (4, 'cus_4', true), (5, NULL, false)""",
    "INSERT INTO user_credits VALUES (1, 90), (2, 40)",
    """INSERT INTO credit_transactions (user_id, delta, request_id, created_at) VALUES
        (1, 100, 'in_1', now()), (1, -10, 'req_1', now()),
        (2, 100, 'in_2', now()), (2, -50, 'req_2', now())""",
]


def test_init_maps_the_credit_tables_and_the_events_ledger(run_cli, tmp_path) -> None:
    """Found by their names and columns (integer account ids too), written under
    database.tables, and checked: user 2's balance (40) is not its ledger's 50."""
    from psycopg import sql

    name = f"prodcheck_init_{secrets.token_hex(5)}"
    with connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    out = tmp_path / "prodcheck.yml"
    try:
        url = url_for(name)
        run(url, *CREDITS_SCHEMA)
        with fake_stripe() as server:
            env = {"APP_DB": url, "STRIPE_RO": STRIPE_KEY}
            result = run_cli(
                "init", "--out", str(out), "--database-url-env", "APP_DB",
                "--billing-key-env", "STRIPE_RO", "--api-base", server.url, env=env,
            )  # fmt: skip
            assert result.exit_code == 0, result.output
            tables = yaml.safe_load(out.read_text())["database"]["tables"]
            assert tables["accounts"]["table"] == "users"
            assert tables["credit_balances"] == {
                "table": "user_credits",
                "columns": {"account_id": "user_id", "balance": "credits_remaining"},
            }
            assert tables["credit_ledger"] == {
                "table": "credit_transactions",
                "columns": {
                    "account_id": "user_id",
                    "amount": "delta",
                    "idempotency_key": "request_id",
                    "created_at": "created_at",
                },
            }
            assert tables["processed_events"]["table"] == "webhook_events"
            checked = run_cli("check", "--config", str(out), "--format", "json", env=env)
            assert checked.exit_code == 1, checked.output
            assert ("credits.ledger_mismatch", "2") in {
                (f["rule"], f["subject"]["id"]) for f in yaml.safe_load(checked.output)["findings"]
            }
    finally:
        with connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
