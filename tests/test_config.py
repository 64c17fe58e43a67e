"""prodcheck.yml validation: every error at once, with file, line and key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodcheck.config import load_config
from prodcheck.errors import ConfigError

BASE = """\
billing:
  provider: stripe
  api_key_env: STRIPE_API_KEY
database:
  url_env: DATABASE_URL
  table: users
  columns:
    id: id
    customer_id: stripe_customer_id
    has_access: has_paid_access
    plan: plan
plans:
  prices:
    price_pro: pro
  tiers: [free, pro]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prodcheck.yml"
    path.write_text(text)
    return path


def errors_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value)


def test_valid_config_loads_with_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, BASE))
    assert config.billing.provider.value == "stripe"
    assert config.policy.grace_period_days == 14
    assert config.policy.settle_window_minutes == 10
    assert config.policy.entitled_statuses == {"active", "trialing"}
    assert config.plans.tier_of("pro") == 1
    assert config.database.columns.mapped_optional == {"plan"}


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    text = errors_of(write(tmp_path, BASE.replace("  table: users", "  table: [users")))
    assert "prodcheck.yml:" in text and "invalid YAML" in text


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    text = errors_of(write(tmp_path, BASE + "plans:\n  prices: {}\n"))
    assert "duplicate key 'plans'" in text


def test_unknown_key_points_at_its_line_with_a_suggestion(tmp_path: Path) -> None:
    text = errors_of(write(tmp_path, BASE.replace("  table: users", "  tabel: users")))
    assert "prodcheck.yml:6: database.tabel: unknown key 'tabel': did you mean 'table'?" in text
    assert "database: 'table' is a required property" in text


def test_wrong_type_and_enum(tmp_path: Path) -> None:
    text = errors_of(
        write(
            tmp_path,
            BASE.replace("provider: stripe", "provider: strype")
            + "policy:\n  grace_period_days: fourteen\n",
        )
    )
    assert (
        'prodcheck.yml:2: billing.provider: "strype" is not allowed: use one of "stripe", "paddle"'
        in text
    )
    assert 'policy.grace_period_days: expected integer, got "fourteen"' in text
    assert "invalid config (2 errors)" in text


def test_plan_missing_from_tiers(tmp_path: Path) -> None:
    text = errors_of(write(tmp_path, BASE.replace("price_pro: pro", "price_pro: prp")))
    assert "prodcheck.yml:14: plans.prices.price_pro: plan 'prp' is not in plans.tiers" in text


def test_config_must_be_a_mapping(tmp_path: Path) -> None:
    assert "must be a mapping" in errors_of(write(tmp_path, "- a\n- b\n"))


def test_missing_file(tmp_path: Path) -> None:
    assert "config file not found" in errors_of(tmp_path / "nope.yml")


def test_env_names_not_secrets(tmp_path: Path) -> None:
    text = errors_of(
        write(tmp_path, BASE.replace("api_key_env: STRIPE_API_KEY", "api_key_env: sk_test_123:abc"))
    )
    assert "billing.api_key_env" in text


def test_unknown_rule_in_override_is_exit_2(run_cli, demo_copy: Path) -> None:
    config = demo_copy / "prodcheck.yml"
    config.write_text(
        config.read_text() + "contracts:\n  severity:\n    access.revenue_lek: warn\n"
    )
    result = run_cli("check", "--fixtures", str(demo_copy))
    assert result.exit_code == 2
    assert "unknown rule id 'access.revenue_lek'" in result.output
    assert "prodcheck.yml:" in result.output


def test_disabled_rule_does_not_run(run_cli, demo_copy: Path) -> None:
    config = demo_copy / "prodcheck.yml"
    config.write_text(config.read_text() + "contracts:\n  disable: [access.revenue_leak]\n")
    result = run_cli("check", "--fixtures", str(demo_copy))
    assert "access.revenue_leak" not in result.output
    assert result.exit_code == 1


def test_unknown_pack(run_cli, demo_copy: Path) -> None:
    config = demo_copy / "prodcheck.yml"
    config.write_text(config.read_text() + "contracts:\n  packs: [acces]\n")
    result = run_cli("check", "--fixtures", str(demo_copy))
    assert result.exit_code == 2
    assert "unknown contract pack 'acces'" in result.output
