"""`prodcheck doctor` against a real database and the local fake Stripe API."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from prodcheck.cli import cli

from ..conftest import DEMO
from ..db.conftest import run
from ..live.conftest import STRIPE_KEY
from ..live.fake_stripe import FakeStripe


def _config(tmp_path: Path, api_base: str, table: str = "doctor_users") -> Path:
    config = yaml.safe_load((DEMO / "prodcheck.yml").read_text())
    config["billing"].update(api_key_env="PC_KEY", api_base=api_base)
    config["database"].update(url_env="PC_DB", table=table)
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_doctor_reports_each_problem_and_exits_2(pg_url: str, tmp_path: Path) -> None:
    run(
        pg_url,
        "CREATE TABLE doctor_users (id text, stripe_customer_id text, has_paid_access boolean)",
    )
    with FakeStripe() as server:
        path = _config(tmp_path, server.url)
        result = CliRunner().invoke(
            cli, ["doctor", "--config", str(path)], env={"PC_KEY": STRIPE_KEY, "PC_DB": pg_url}
        )
    assert result.exit_code == 2, result.output
    assert "ok    config:" in result.output
    assert "stripe: read subscriptions" in result.output
    assert "FAIL  database: column plan -> plan: table 'doctor_users' has no column" in (
        result.output
    )
    # The test role is a superuser on a database on this machine: a development
    # database, so a warning (issue 17), not a failure; an empty table is one too.
    assert "warn  database: read-only role: role postgres (a superuser)" in result.output
    assert "warn  database: rows: 0 to check" in result.output
    assert "1 problem to fix" in result.output
    assert STRIPE_KEY not in result.output


def test_doctor_warns_but_is_ready_on_a_development_database(pg_url: str, tmp_path: Path) -> None:
    run(
        pg_url,
        "CREATE TABLE doctor_empty (id text, stripe_customer_id text, "
        "has_paid_access boolean, plan text)",
    )
    with FakeStripe() as server:
        path = _config(tmp_path, server.url, "doctor_empty")
        result = CliRunner().invoke(
            cli, ["doctor", "--config", str(path)], env={"PC_KEY": STRIPE_KEY, "PC_DB": pg_url}
        )
    assert result.exit_code == 0, result.output
    assert "warn  database: read-only role:" in result.output
    assert "warn  database: rows: 0 to check" in result.output
    assert "Ready, with 2 warnings" in result.output


def test_doctor_missing_env_vars(tmp_path: Path) -> None:
    path = _config(tmp_path, "http://127.0.0.1:9")
    result = CliRunner().invoke(cli, ["doctor", "--config", str(path)], env={})
    assert result.exit_code == 2
    assert "PC_KEY" in result.output and "PC_DB" in result.output


def test_doctor_reads_each_effect_check_once(pg_url: str, tmp_path: Path) -> None:
    run(
        pg_url,
        "CREATE TABLE doctor_effect_users (id text, stripe_customer_id text, "
        "has_paid_access boolean, plan text); "
        "INSERT INTO doctor_effect_users VALUES ('u_1', 'cus_1', true, 'pro'); "
        "CREATE TABLE doctor_orders (stripe_session_id text)",
    )
    with FakeStripe() as server:
        path = _config(tmp_path, server.url, "doctor_effect_users")
        config = yaml.safe_load(path.read_text())
        check = {"event_type": "checkout.session.completed", "column": "stripe_session_id"}
        config["webhooks"] = {
            "effects": [{**check, "table": "doctor_orders"}, {**check, "table": "doctor_ordrs"}]
        }
        path.write_text(yaml.safe_dump(config))
        result = CliRunner().invoke(
            cli, ["doctor", "--config", str(path)], env={"PC_KEY": STRIPE_KEY, "PC_DB": pg_url}
        )
    assert (
        "ok    values: effect webhooks.effects[0]: doctor_orders.stripe_session_id can be read"
        in (result.output)
    )
    assert "FAIL  values: effect webhooks.effects[1]: webhooks.effects[1]: cannot read " in (
        result.output
    )
    assert result.exit_code == 2, result.output
