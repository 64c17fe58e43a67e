"""The webhooks pack's settings: which events count, and that a config without the
processed-events table fetches no event for it (the scenarios webhooks-* hold the
rules themselves, in fixtures and live)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from prodcheck.config import WebhooksConfig, load_config
from prodcheck.model import Provider
from prodcheck.runner import load_checked_rules, needs_for

from .conftest import SCENARIOS

FOLDER = SCENARIOS / "webhooks-unprocessed-event-fail"


def test_event_types_match_exactly_or_by_family() -> None:
    default = WebhooksConfig()
    assert default.relevant(Provider.STRIPE, "customer.subscription.updated")
    assert default.relevant(Provider.STRIPE, "invoice.paid")
    assert not default.relevant(Provider.STRIPE, "invoice.paid_out")
    assert not default.relevant(Provider.STRIPE, "customer.updated")
    assert default.relevant(Provider.PADDLE, "subscription.canceled")
    own = WebhooksConfig(event_types=("invoice.*",))
    assert own.relevant(Provider.STRIPE, "invoice.payment_failed")
    assert not own.relevant(Provider.STRIPE, "customer.subscription.deleted")


def test_events_are_fetched_for_the_pack_only_with_its_table(tmp_path: Path) -> None:
    copy = tmp_path / "scenario"
    shutil.copytree(FOLDER, copy)
    config = load_config(copy / "prodcheck.yml")
    assert "events" in needs_for(config, load_checked_rules(config))
    data = yaml.safe_load((copy / "prodcheck.yml").read_text())
    del data["database"]["tables"]["processed_events"]
    data["policy"] = {"settle_window_minutes": 0}  # (recent events are fetched for it)
    (copy / "prodcheck.yml").write_text(yaml.safe_dump(data))
    config = load_config(copy / "prodcheck.yml")
    assert "events" not in needs_for(config, load_checked_rules(config))


def test_a_paddle_config_skips_the_pack_saying_why(run_cli) -> None:
    result = run_cli("check", "--fixtures", str(SCENARIOS / "paddle-fail"), "--format", "json")
    assert "webhooks.unprocessed_event" in result.output
    assert "processed_events to enable this rule" in result.output


def test_a_live_run_reads_events_as_far_back_as_the_pack_checks(tmp_path: Path) -> None:
    from prodcheck.sources import open_billing

    copy = tmp_path / "scenario"
    shutil.copytree(FOLDER, copy)
    data = yaml.safe_load((copy / "prodcheck.yml").read_text())
    data["webhooks"] = {"lookback_days": 5}
    (copy / "prodcheck.yml").write_text(yaml.safe_dump(data))
    config = load_config(copy / "prodcheck.yml")
    source = open_billing(config, None, {}, quiet=True)
    assert source.config.events_days == 5  # type: ignore[attr-defined]
    data["billing"]["events_days"] = 12  # set: kept
    (copy / "prodcheck.yml").write_text(yaml.safe_dump(data))
    source = open_billing(load_config(copy / "prodcheck.yml"), None, {}, quiet=True)
    assert source.config.events_days == 12  # type: ignore[attr-defined]
