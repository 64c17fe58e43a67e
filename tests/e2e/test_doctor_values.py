"""`prodcheck doctor` samples what the mapped columns hold, on the real server: customer
ids that are not billing's, ids billing does not know (fixture billing searched
whole, live Stripe and Paddle looked up through their SDKs against the local
fakes), plan values no map names, an access status none of whose values grant.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from prodcheck.cli import cli
from prodcheck.config import load_config
from prodcheck.doctor import value_checks
from prodcheck.sources.database import Check, development_host

from ..conftest import DEMO, SCENARIOS
from ..db.conftest import run
from ..live.conftest import PADDLE_KEY, STRIPE_KEY
from ..live.fake_paddle import FakePaddle
from ..live.fake_paddle import customer as paddle_customer
from ..live.fake_stripe import FakeStripe
from ..live.stripe_objects import customer as stripe_customer
from .test_live_parity import _create_table, _load


@pytest.fixture
def schema(pg_url: str) -> Any:
    name = f"doctor_{secrets.token_hex(4)}"
    run(pg_url, f"CREATE SCHEMA {name}")
    yield name
    run(pg_url, f"DROP SCHEMA {name} CASCADE")


def _table(url: str, table: str, rows: list[tuple[Any, ...]]) -> None:
    run(
        url,
        f"CREATE TABLE {table} (id text, stripe_customer_id text, has_paid_access boolean, "
        "plan text)",
        *[
            f"INSERT INTO {table} VALUES ('{i}', {'NULL' if c is None else repr(c)}, true, '{p}')"
            for i, c, p in rows
        ],
    )


def _config(tmp_path: Path, table: str, **billing: Any) -> Path:
    config = yaml.safe_load((DEMO / "prodcheck.yml").read_text())
    config["billing"].update(billing or {"fixtures": str(DEMO)})
    config["database"].update(url_env="PC_DB", table=table)
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def _checks(path: Path, env: dict[str, str]) -> dict[str, Check]:
    return {c.name: c for c in value_checks(load_config(path), env)}


def test_ids_that_are_not_billings_fail(pg_url: str, schema: str, tmp_path: Path) -> None:
    # The app's own customers-table key mapped as the customer id by mistake.
    _table(pg_url, f"{schema}.users", [("u1", "17", "pro"), ("u2", "23", "pro")])
    checks = _checks(_config(tmp_path, f"{schema}.users"), {"PC_DB": pg_url})
    ids = checks["customer ids"]
    assert not ids.ok and not ids.warning
    assert "0 of 2 look like Stripe's (cus_...): none does (e.g. '17', '23')" in ids.message
    assert "customers in billing" not in checks


def test_unknown_ids_and_plan_values_warn(pg_url: str, schema: str, tmp_path: Path) -> None:
    demo = {c["id"] for c in _load(DEMO / "stripe" / "customers.json")}
    known = sorted(demo)[:2]
    rows = [("u1", known[0], "pro"), ("u2", known[1], "Gold"), ("u3", "cus_nothere", "team"),
            ("u4", None, "free")]  # fmt: skip
    _table(pg_url, f"{schema}.users", rows)
    path = _config(tmp_path, f"{schema}.users")
    checks = _checks(path, {"PC_DB": pg_url})
    assert (
        checks["customer ids"].ok and "3 of 3 look like Stripe's" in checks["customer ids"].message
    )
    billing = checks["customers in billing"]
    assert billing.warning and "2 of 3 sampled customer ids exist in Stripe" in billing.message
    assert "unknown: 'cus_nothere'" in billing.message
    plans = checks["plan values"]
    assert plans.warning and "'Gold' name no plan" in plans.message
    result = CliRunner().invoke(cli, ["doctor", "--config", str(path)], env={"PC_DB": pg_url})
    assert result.exit_code == 0, result.output
    assert "warn  values: plan values:" in result.output and "Ready, with" in result.output


def test_none_known_to_billing_fails(pg_url: str, schema: str, tmp_path: Path) -> None:
    _table(pg_url, f"{schema}.users", [("u1", "cus_a", "pro"), ("u2", "cus_b", "pro")])
    checks = _checks(_config(tmp_path, f"{schema}.users"), {"PC_DB": pg_url})
    billing = checks["customers in billing"]
    assert not billing.ok and not billing.warning
    assert "is this the right database" in billing.message
    assert checks["plan values"].ok


def test_live_stripe_lookups(pg_url: str, schema: str, tmp_path: Path) -> None:
    _table(pg_url, f"{schema}.users",
           [("u1", "cus_1", "pro"), ("u2", "cus_2", "pro"), ("u3", "cus_9", "pro")])  # fmt: skip
    customers = [stripe_customer("cus_1", 1), {**stripe_customer("cus_2", 2), "deleted": True}]
    with FakeStripe(customers=customers) as fake:
        path = _config(tmp_path, f"{schema}.users", api_key_env="PC_KEY", api_base=fake.url)
        checks = _checks(path, {"PC_DB": pg_url, "PC_KEY": STRIPE_KEY})
        served = list(fake.served["customers"])
    assert served == ["cus_1", "cus_2", "cus_9"]  # one lookup each, nothing listed
    billing = checks["customers in billing"]
    assert billing.warning
    assert billing.message.startswith("2 of 3 customer ids looked up exist in Stripe (1 deleted")
    assert "unknown: 'cus_9'" in billing.message and STRIPE_KEY not in billing.message


def test_live_paddle_lookups(pg_url: str, schema: str, tmp_path: Path) -> None:
    _table(pg_url, f"{schema}.users",
           [("u1", "ctm_1", "pro"), ("u2", "ctm_2", "pro"), ("u3", "ctm_3", "pro")])  # fmt: skip
    customers = [paddle_customer("ctm_1"), paddle_customer("ctm_2", status="archived")]
    with FakePaddle(customers=customers) as fake:
        path = _config(
            tmp_path, f"{schema}.users", provider="paddle", api_key_env="PC_KEY",
            api_base=fake.url, environment="sandbox",
        )  # fmt: skip
        checks = _checks(path, {"PC_DB": pg_url, "PC_KEY": PADDLE_KEY})
    assert "3 of 3 look like Paddle's (ctm_...)" in checks["customer ids"].message
    billing = checks["customers in billing"]
    assert billing.message.startswith("2 of 3 customer ids looked up exist in Paddle (1 deleted")


def test_a_status_none_of_whose_values_grant_warns(
    pg_url: str, schema: str, tmp_path: Path
) -> None:
    folder = SCENARIOS / "schema-teams-status-fail"
    _create_table(pg_url, "teams", _load(folder / "db" / "teams.json"), schema)
    config = yaml.safe_load((folder / "prodcheck.yml").read_text())
    accounts = config["database"]["tables"]["accounts"]
    accounts["table"] = f"{schema}.teams"
    config["database"]["url_env"] = "PC_DB"
    config["billing"]["fixtures"] = str(folder)
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    checks = _checks(path, {"PC_DB": pg_url})
    assert checks["access values"].ok
    assert "subscription_status: active (3), canceled (1), trialing (1)" in (
        checks["access values"].message
    )
    assert checks["customers in billing"].ok and checks["plan values"].ok
    accounts["columns"]["has_access"]["grants"] = ["Active", "Trialing"]  # case differs
    path.write_text(yaml.safe_dump(config))
    access = _checks(path, {"PC_DB": pg_url})["access values"]
    assert access.warning and "none is among the grants (Active, Trialing)" in access.message


@pytest.mark.parametrize(
    ("host", "local"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("/var/run/postgresql", True),
     ("", True), ("db.internal", False), ("10.0.0.5", False), ("prod.example.com", False)],
)  # fmt: skip
def test_development_databases_are_the_ones_on_this_machine(host: str, local: bool) -> None:
    assert development_host(host) is local


def test_plan_values_that_differ_only_by_case_warn(
    pg_url: str, schema: str, tmp_path: Path
) -> None:
    known = sorted(c["id"] for c in _load(DEMO / "stripe" / "customers.json"))
    rows = [("u1", known[0], "Pro"), ("u2", known[1], "pro"), ("u3", known[2], "TEAM"),
            ("u4", known[3], "Gold")]  # fmt: skip
    _table(pg_url, f"{schema}.users", rows)
    plans = _checks(_config(tmp_path, f"{schema}.users"), {"PC_DB": pg_url})["plan values"]
    assert plans.warning
    assert "'Pro', 'TEAM' differ from a plan only by case" in plans.message
    assert "plans.values ({Pro: pro, TEAM: team})" in plans.message
    assert "'Gold' name no plan" in plans.message


def test_a_metadata_key_no_customer_carries_warns(pg_url: str, schema: str, tmp_path: Path) -> None:
    known = sorted(c["id"] for c in _load(DEMO / "stripe" / "customers.json"))
    _table(pg_url, f"{schema}.users", [("u1", known[0], "pro")])
    path = _config(tmp_path, f"{schema}.users")
    assert _checks(path, {"PC_DB": pg_url})["metadata key 'user_id'"].ok  # the demo's key
    config = yaml.safe_load(path.read_text())
    config.setdefault("policy", {})["metadata_user_id_key"] = "userId"
    path.write_text(yaml.safe_dump(config))
    check = _checks(path, {"PC_DB": pg_url})["metadata key 'userId'"]
    assert check.warning and "none of the" in check.message
    assert "(their keys: user_id)" in check.message
    assert "policy.metadata_user_id_key" in check.message


def test_live_lookups_read_the_metadata_keys(pg_url: str, schema: str, tmp_path: Path) -> None:
    _table(pg_url, f"{schema}.users", [("u1", "cus_1", "pro"), ("u2", "cus_2", "pro")])
    customers = [stripe_customer("cus_1", 1), stripe_customer("cus_2", 2)]
    customers[1]["metadata"] = {"user_id": "u2"}
    with FakeStripe(customers=customers) as fake:
        path = _config(tmp_path, f"{schema}.users", api_key_env="PC_KEY", api_base=fake.url)
        checks = _checks(path, {"PC_DB": pg_url, "PC_KEY": STRIPE_KEY})
    assert checks["metadata key 'user_id'"].message == "1 of the 2 customers looked up carry it"


def test_validate_and_doctor_warn_when_no_price_names_a_plan(
    pg_url: str, schema: str, tmp_path: Path
) -> None:
    known = sorted(c["id"] for c in _load(DEMO / "stripe" / "customers.json"))
    _table(pg_url, f"{schema}.users", [("u1", known[0], "pro")])
    path = _config(tmp_path, f"{schema}.users")
    validated = CliRunner().invoke(cli, ["validate", "--config", str(path)])
    assert validated.exit_code == 0 and "warning" not in validated.output
    config = yaml.safe_load(path.read_text())
    config["plans"]["prices"] = {}
    path.write_text(yaml.safe_dump(config))
    validated = CliRunner().invoke(cli, ["validate", "--config", str(path)])
    assert validated.exit_code == 0, validated.output
    assert "warning: plans.prices maps no price to a plan, so the 6 rules" in validated.output
    doctor = CliRunner().invoke(cli, ["doctor", "--config", str(path)], env={"PC_DB": pg_url})
    assert "warn  config: plans.prices maps no price to a plan" in doctor.output
    assert "Ready, with" in doctor.output
