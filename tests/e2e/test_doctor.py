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


def _config(tmp_path: Path, api_base: str) -> Path:
    config = yaml.safe_load((DEMO / "prodcheck.yml").read_text())
    config["billing"].update(api_key_env="PC_KEY", api_base=api_base)
    config["database"].update(url_env="PC_DB", table="doctor_users")
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_doctor_reports_each_problem_and_exits_2(pg_url: str, tmp_path: Path) -> None:
    run(
        pg_url,
        "CREATE TABLE doctor_users (id text, stripe_customer_id text, "
        "has_paid_access boolean, plan text)",
    )
    with FakeStripe() as server:
        path = _config(tmp_path, server.url)
        result = CliRunner().invoke(
            cli, ["doctor", "--config", str(path)], env={"PC_KEY": STRIPE_KEY, "PC_DB": pg_url}
        )
    # The test database role is a superuser: doctor must flag that it could write.
    assert result.exit_code == 2, result.output
    assert "ok    config:" in result.output
    assert "stripe: read subscriptions" in result.output
    assert "FAIL  database:" in result.output
    assert STRIPE_KEY not in result.output


def test_doctor_missing_env_vars(tmp_path: Path) -> None:
    path = _config(tmp_path, "http://127.0.0.1:9")
    result = CliRunner().invoke(cli, ["doctor", "--config", str(path)], env={})
    assert result.exit_code == 2
    assert "PC_KEY" in result.output and "PC_DB" in result.output
