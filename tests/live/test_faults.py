"""The fault suite: every fault a live billing API can throw at a run, through the
CLI, against the local fake Stripe and Paddle APIs (their real SDKs underneath).
Each run ends complete, with the same findings as the scenario's fixtures, after
retries; or in a clear error (exit 2) that names what failed and what to do,
never echoes the key, and comes within a bound. A hung API ends after two read
timeouts (billing.timeout_seconds each) plus backoff. The database's faults
(a connection dropped mid-read, the statement timeout) are in
tests/e2e/test_postgres_faults.py.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from prodcheck.cli import cli
from prodcheck.scenario import read_scenario

from ..conftest import SCENARIOS
from .fake_http import HANG, HTML, TRUNCATED, Faults
from .scenario_server import serve

EVER = 10**6  # a fault on every request
TIMEOUT = 1.0  # billing.timeout_seconds in these runs


@dataclass(frozen=True)
class Fault:
    faults: Faults
    exit: int | None = None  # None: complete, as the fixture run ends
    says: tuple[str, ...] = ()
    within: float = 15.0  # seconds the run may take
    key: str | None = None  # the key to send, when not the fake's good one
    settings: dict[str, Any] = field(default_factory=dict)  # billing settings


COMMON = {
    "429 storm with Retry-After": Fault(Faults(first=4, status=429, headers={"Retry-After": "1"})),
    "429 storm without Retry-After": Fault(
        Faults(first=4, status=429, headers={"Retry-After": ""})
    ),
    "500s now and then": Fault(Faults(first=3, status=500)),
    "an HTML page once": Fault(Faults(first=1, kind=HTML)),
    "a body cut short once": Fault(Faults(first=1, kind=TRUNCATED)),
    "429 without end": Fault(
        Faults(first=EVER, status=429, headers={"Retry-After": ""}),
        exit=2,
        says=("rate-limiting", "gave up after 3 attempts"),
    ),
    "500 without end": Fault(
        Faults(first=EVER, status=500), exit=2, says=("HTTP 500 3 times in a row",)
    ),
    "HTML pages only": Fault(
        Faults(first=EVER, kind=HTML),
        exit=2,
        says=("with a body that is not JSON, 3 times in a row", "billing.api_base"),
    ),
    "every body cut short": Fault(
        Faults(first=EVER, kind=TRUNCATED),
        exit=2,
        says=("stopped in the middle of its answer", "3 times in a row"),
    ),
    "a hung connection": Fault(
        Faults(first=EVER, kind=HANG),
        exit=2,
        says=("did not answer", "within billing.timeout_seconds, 2 times in a row"),
        within=2 * TIMEOUT + 4,
    ),
}
REJECTED = {
    "stripe": Fault(
        Faults(), exit=2, says=("rejected the API key", "(HTTP 401)"), key="sk_bad", within=5
    ),
    "paddle": Fault(
        Faults(), exit=2, says=("Paddle rejected the API key",), key="shortkey", within=5
    ),
}
FOLDERS = {"stripe": SCENARIOS / "demo", "paddle": SCENARIOS / "paddle-fail"}
CASES = [
    pytest.param(provider, fault, id=f"{provider}: {name}")
    for provider in FOLDERS
    for name, fault in [*COMMON.items(), ("a rejected key", REJECTED[provider])]
]


def _config(folder: Path, url: str, fault: Fault, path: Path) -> Path:
    config = yaml.safe_load((folder / "prodcheck.yml").read_text())
    config["billing"].update(
        api_key_env="PC_FAULT_KEY",
        api_base=url,
        timeout_seconds=TIMEOUT,
        # a fault without end: 2 retries; a passing one: the default, so retries of
        # one listing that meet the fault again still end complete
        max_retries=2 if fault.exit else 6,
        requests_per_second=50,
        **fault.settings,
    )
    if config["billing"]["provider"] == "paddle":
        config["billing"]["environment"] = "sandbox"
    config["database"]["fixtures"] = str(folder)
    path.write_text(yaml.safe_dump(config))
    return path


def _findings(output: str) -> list[tuple[str, str]]:
    return [(f["rule"], f["subject"]["id"]) for f in json.loads(output)["findings"]]


@pytest.mark.parametrize(("provider", "fault"), CASES)
def test_a_live_fault_ends_complete_or_in_a_clear_error(
    provider: str, fault: Fault, tmp_path: Path
) -> None:
    folder = FOLDERS[provider]
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    now = ["--now", scenario.now.isoformat(), "--format", "json"]
    server, key = serve(folder, fault.faults)
    runner = CliRunner()
    with server:
        config = _config(folder, server.url, fault, tmp_path / "prodcheck.yml")
        started = time.monotonic()
        live = runner.invoke(
            cli, ["check", "--config", str(config), *now], env={"PC_FAULT_KEY": fault.key or key}
        )
        took = time.monotonic() - started
    assert live.exception is None or isinstance(live.exception, SystemExit), live.output
    assert took < fault.within, f"took {took:.1f}s"
    assert key not in live.output and (fault.key is None or fault.key not in live.output)
    if fault.exit is None:  # retried to the complete snapshot
        fixture = runner.invoke(cli, ["check", "--fixtures", str(folder), *now])
        assert live.exit_code == fixture.exit_code, live.output
        assert _findings(live.output) == _findings(fixture.output)
        assert "retried: " in live.output  # the faults were met, and retried
        return
    assert live.exit_code == fault.exit, live.output
    for words in fault.says:
        assert words in live.output, live.output
    assert "Traceback" not in live.output
