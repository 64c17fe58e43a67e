"""The webhooks pack's settings: which events count, and that a config without the
processed-events table fetches no event for it (the scenarios webhooks-* hold the
rules themselves, in fixtures and live)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

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


def test_a_paddle_config_without_the_table_skips_the_pack_saying_why(run_cli) -> None:
    result = run_cli("check", "--fixtures", str(SCENARIOS / "paddle-fail"), "--format", "json")
    assert "webhooks.unprocessed_event" in result.output
    assert "processed_events to enable this rule" in result.output


PADDLE_PASS = SCENARIOS / "webhooks-paddle-pass"
PADDLE_FAIL = SCENARIOS / "webhooks-paddle-fail"


def _findings(run_cli, folder: Path) -> list[tuple[str, str]]:
    result = run_cli("check", "--fixtures", str(folder), "--format", "json")
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.output)
    return [(f["rule"], f["subject"]["id"]) for f in report["findings"]]


def _paddle_copy(tmp_path: Path, folder: Path) -> tuple[Path, list[dict[str, Any]]]:
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    return copy, json.loads((copy / "paddle" / "notifications.json").read_text())


def _write(copy: Path, notifications: list[dict[str, Any]]) -> None:
    (copy / "paddle" / "notifications.json").write_text(json.dumps(notifications))


def test_paddle_every_destination_counts_unless_one_is_named(run_cli, tmp_path: Path) -> None:
    """webhooks-paddle-pass names the app's destination; without it, the analytics
    destination's failed notification is an event not delivered there."""
    copy, notifications = _paddle_copy(tmp_path, PADDLE_PASS)
    data = yaml.safe_load((copy / "prodcheck.yml").read_text())
    app = data["webhooks"].pop("destination")
    elsewhere = {
        n["payload"]["event_id"] for n in notifications if n["notification_setting_id"] != app
    }
    assert elsewhere and all(
        n["status"] == "failed" for n in notifications if n["notification_setting_id"] != app
    )
    (copy / "prodcheck.yml").write_text(yaml.safe_dump(data))
    assert _findings(run_cli, copy) == [("webhooks.delivery_failing", e) for e in elsewhere]


def test_paddle_a_replay_delivered_settles_the_failed_original(run_cli, tmp_path: Path) -> None:
    """Ben's subscription.activated failed and its replay was delivered: no finding.
    Without the replay, the failed notification is still owed."""
    copy, notifications = _paddle_copy(tmp_path, PADDLE_FAIL)
    replays = [n for n in notifications if n["origin"] == "replay"]
    assert len(replays) == 1
    before = _findings(run_cli, copy)
    event = replays[0]["payload"]["event_id"]
    assert event not in {subject for _, subject in before}
    _write(copy, [n for n in notifications if n["origin"] != "replay"])
    after = _findings(run_cli, copy)
    assert sorted(after) == sorted([*before, ("webhooks.delivery_failing", event)])
    original = next(n["id"] for n in notifications if n["payload"]["event_id"] == event)
    result = run_cli("check", "--fixtures", str(copy))
    assert f"/notifications/{original}/logs" in result.output  # the one to look at


def test_paddle_a_notification_of_another_shape_is_named(run_cli, tmp_path: Path) -> None:
    copy, notifications = _paddle_copy(tmp_path, PADDLE_FAIL)
    notifications[2]["status"] = "bounced"
    del notifications[4]["payload"]["event_id"]
    _write(copy, notifications)
    result = run_cli("check", "--fixtures", str(copy))
    assert result.exit_code == 2, result.output
    assert "notifications.json[2]" in result.output and "status" in result.output
    assert "notifications.json[4]" in result.output and "event_id" in result.output
    assert "Traceback" not in result.output


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


def test_a_paddle_destination_on_stripe_is_a_warning(run_cli, tmp_path: Path) -> None:
    copy = tmp_path / "scenario"
    shutil.copytree(FOLDER, copy)
    data = yaml.safe_load((copy / "prodcheck.yml").read_text())
    data["webhooks"] = {"destination": "ntfset_01abc"}
    (copy / "prodcheck.yml").write_text(yaml.safe_dump(data))
    result = run_cli("validate", "--config", str(copy / "prodcheck.yml"))
    assert result.exit_code == 0, result.output
    assert "webhooks.destination (ntfset_01abc) names a Paddle" in result.output
    assert "billing is stripe: it is ignored" in result.output
    data["webhooks"] = {"destination": "https://example.com/hook"}
    (copy / "prodcheck.yml").write_text(yaml.safe_dump(data))
    result = run_cli("validate", "--config", str(copy / "prodcheck.yml"))
    assert result.exit_code == 2 and "webhooks.destination" in result.output


def _stake(run_cli, folder: Path) -> dict[str, int]:
    result = run_cli("check", "--fixtures", str(folder), "--format", "json")
    report = json.loads(result.output)
    return {m["currency"]: m["amount"] for m in report["summary"]["monthly_at_stake"]}


def test_an_events_worth_is_its_subscriptions_or_its_own(run_cli, tmp_path: Path) -> None:
    """Ben's unprocessed invoice.paid names his subscription under parent (API
    2025-03-31); an older invoice names it at the top: the same $49. A checkout
    session of no subscription puts its own total at stake."""
    copy = tmp_path / "scenario"
    shutil.copytree(FOLDER, copy)
    assert _stake(run_cli, copy) == {"usd": 9_800}
    path = copy / "stripe" / "events.json"
    events = json.loads(path.read_text())
    invoice = next(
        e["data"]["object"]
        for e in events
        if e["type"] == "invoice.paid"
        and e["data"]["object"]["object"] == "invoice"
        and "parent" in e["data"]["object"]
        and e["id"] not in (FOLDER / "db" / "processed_events.json").read_text()
    )
    invoice["subscription"] = invoice.pop("parent")["subscription_details"]["subscription"]
    path.write_text(json.dumps(events))
    assert _stake(run_cli, copy) == {"usd": 9_800}
    invoice.clear()
    invoice.update(
        {
            "id": "cs_1",
            "object": "checkout.session",
            "subscription": None,
            "amount_total": 2500,
            "currency": "USD",
        }
    )
    path.write_text(json.dumps(events))
    assert _stake(run_cli, copy) == {"usd": 4_900 + 2_500}
    invoice["amount_total"] = -5
    path.write_text(json.dumps(events))
    result = run_cli("check", "--fixtures", str(copy))
    assert result.exit_code == 2 and "data.object: amount_total" in result.output


EFFECTS = SCENARIOS / "webhooks-effect-missing-fail"


def _with_effects(tmp_path: Path, folder: Path, effects: list[dict[str, Any]]) -> Path:
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    data = yaml.safe_load((copy / "prodcheck.yml").read_text())
    data["webhooks"] = {**(data.get("webhooks") or {}), "effects": effects}
    (copy / "prodcheck.yml").write_text(yaml.safe_dump(data))
    return copy


def test_an_effect_on_the_subscription_supersedes_the_unprocessed_finding(
    run_cli, tmp_path: Path
) -> None:
    """invoice.* must leave the invoice's subscription in billing_log.sub: Ana's is
    there, Ben's is not. Ben's unprocessed invoice.paid is then an effect_missing
    (naming the table), not an unprocessed_event; Ana's unprocessed
    customer.subscription.updated has no check and stays unprocessed."""
    check = {"event_type": "invoice.*", "table": "billing_log", "column": "sub"}
    copy = _with_effects(tmp_path, FOLDER, [{**check, "value": "subscription"}])
    subscriptions = json.loads((copy / "stripe" / "subscriptions.json").read_text())
    ana, ben = (s["id"] for s in subscriptions)
    (copy / "db" / "billing_log.json").write_text(json.dumps([{"sub": ana}]))
    before = _findings(run_cli, FOLDER)
    after = _findings(run_cli, copy)
    events = json.loads((copy / "stripe" / "events.json").read_text())
    ben_paid = next(
        e["id"]
        for e in events
        if e["type"] == "invoice.paid"
        and e["data"]["object"]
        .get("parent", {})
        .get("subscription_details", {})
        .get("subscription")
        == ben
    )
    assert ("webhooks.unprocessed_event", ben_paid) in before
    assert sorted(after) == sorted(
        [f for f in before if f[1] != ben_paid] + [("webhooks.effect_missing", ben_paid)]
    )
    result = run_cli("check", "--fixtures", str(copy), "--format", "json")
    messages = [f["message"] for f in json.loads(result.output)["findings"]]
    assert any(f"no row of billing_log.sub holds {ben}" in m for m in messages)


def test_an_effect_table_or_column_that_is_not_there_is_named(run_cli, tmp_path: Path) -> None:
    check = {"event_type": "checkout.session.completed", "table": "orderz", "column": "x"}
    copy = _with_effects(tmp_path, EFFECTS, [check])
    result = run_cli("check", "--fixtures", str(copy))
    assert result.exit_code == 2, result.output
    assert "webhooks.effects[0].table is 'orderz'" in result.output
    copy = _with_effects(tmp_path / "2", EFFECTS, [{**check, "table": "orders"}])
    result = run_cli("check", "--fixtures", str(copy))
    assert result.exit_code == 2, result.output
    assert "no row has the column 'x' that webhooks.effects[0].column names" in result.output
    copy = _with_effects(tmp_path / "3", EFFECTS, [{**check, "table": "orders; drop"}])
    result = run_cli("validate", "--config", str(copy / "prodcheck.yml"))
    assert result.exit_code == 2 and "webhooks.effects" in result.output


def test_without_effect_checks_the_rule_is_skipped_and_no_event_is_read_for_it(
    tmp_path: Path,
) -> None:
    copy = _with_effects(tmp_path, EFFECTS, [])
    data = yaml.safe_load((copy / "prodcheck.yml").read_text())
    del data["webhooks"]
    data["policy"] = {"settle_window_minutes": 0}
    (copy / "prodcheck.yml").write_text(yaml.safe_dump(data))
    config = load_config(copy / "prodcheck.yml")
    assert "events" not in needs_for(config, load_checked_rules(config))
    config = load_config(EFFECTS / "prodcheck.yml")
    assert "events" in needs_for(config, load_checked_rules(config))
