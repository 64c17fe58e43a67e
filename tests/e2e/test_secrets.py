"""No planted secret appears in any output: a Stripe-shaped key, an opaque billing
key (only the registry of secrets read can catch it), a database password inside
the URL and a Slack webhook URL, planted through every command that reads them,
every report format, and every error path we can trigger: 401 and 403 from the
local fake Stripe API, a timeout, a closed port, a malformed page, malformed and
wrong database URLs, missing extras, Slack failures, secrets pasted into the
config, and an internal error whose text carries the secrets, with --debug.

stdout, stderr and every file written (reports, step outputs, job summary,
snapshot folders, baselines, the config `init` writes) are searched.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from prodcheck.cli import cli

from ..conftest import DEMO
from ..db.conftest import TEST_PASSWORD
from ..live.fake_http import Faults, Reply
from ..live.fake_stripe import FakeStripe
from ..test_notify import Receiver
from .test_live_parity import _create_table, _load

STRIPE_KEY = "rk_live_51PlantedStripeKeyMaterialZZ9"
OPAQUE_KEY = "PlantedOpaqueBillingSecret0042xyz"
DB_PASSWORD = "Pl4nted-DB-Passw0rd"
SLACK_TOKEN = "PlantedSlackSecretToken77"
# Distinctive parts: a partial or re-encoded leak is a leak too.
NEEDLES = (
    "PlantedStripeKeyMaterial",
    "PlantedOpaqueBillingSecret",
    "Pl4nted",
    "Passw0rd",
    "PlantedSlackSecret",
)
FORMATS = ("json", "github", "markdown", "junit", "sarif", "html")
SCHEMA = "s_secrets"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class NoDataStripe(FakeStripe):
    """The first subscriptions page comes back without `data`."""

    def route(self, path: str, query: dict[str, Any], headers: Mapping[str, str]) -> Reply:
        reply = super().route(path, query, headers)
        if path == "/v1/subscriptions" and reply.status == 200:
            return Reply(200, {"object": "list", "has_more": True})
        return reply


def _demo_stripe(server: type[FakeStripe] = FakeStripe, **kwargs: Any) -> FakeStripe:
    subscriptions = _load(DEMO / "stripe" / "subscriptions.json")
    for subscription in subscriptions:
        subscription["items"] = subscription["items"]["data"]
    return server(
        customers=_load(DEMO / "stripe" / "customers.json"), subscriptions=subscriptions, **kwargs
    )


@dataclass
class Path_:
    """One error path: what the environment holds and how the world misbehaves."""

    key: str = STRIPE_KEY
    db_url: Callable[[str], str] = lambda good: good
    slack: Callable[[str], str] = lambda good: good
    server: Callable[[], FakeStripe] = _demo_stripe
    api_base: Callable[[str], str] = lambda url: url
    billing: dict[str, Any] = field(default_factory=dict)
    config: Callable[[dict[str, Any]], None] = lambda data: None
    hide: tuple[str, ...] = ()
    explode: bool = False
    # Exit codes `check` may end with on this path.
    check_exits: tuple[int, ...] = (2,)


def _bad_api_key_env(data: dict[str, Any]) -> None:
    data["billing"]["api_key_env"] = STRIPE_KEY


def _bad_url_env(data: dict[str, Any]) -> None:
    data["database"]["url_env"] = f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1/app"


def _bad_slack_env(data: dict[str, Any]) -> None:
    data["notify"]["slack"]["webhook_url_env"] = f"https://hooks.slack.com/services/{SLACK_TOKEN}"


def _api_base_with_password(data: dict[str, Any]) -> None:
    data["billing"]["api_base"] = data["billing"]["api_base"].replace(
        "http://", f"http://prodcheck:{DB_PASSWORD}@"
    )


PATHS: dict[str, Path_] = {
    "everything works": Path_(check_exits=(1,)),
    "opaque key, HTTP 401": Path_(key=OPAQUE_KEY),
    "HTTP 403 on subscriptions": Path_(
        server=lambda: _demo_stripe(faults=Faults(denied={"subscriptions": "rak_sub_read"}))
    ),
    "timeout": Path_(
        server=lambda: _demo_stripe(faults=Faults(latency=1.0)),
        billing={"timeout_seconds": 0.2, "max_retries": 0},
    ),
    "closed port": Path_(api_base=lambda url: f"http://127.0.0.1:{_closed_port()}"),
    "page without data": Path_(server=lambda: _demo_stripe(NoDataStripe)),
    "db url with a bad port": Path_(
        db_url=lambda good: f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1:notaport/x"
    ),
    "db url with space and hash": Path_(
        db_url=lambda good: f"postgresql://postgres:{DB_PASSWORD} x#y@127.0.0.1:5432/x"
    ),
    "db keyword dsn": Path_(db_url=lambda good: f"host=127.0.0.1 password={DB_PASSWORD} dbname=x"),
    "db does not exist": Path_(
        db_url=lambda good: good.rsplit("/", 1)[0] + "/prodcheck_no_such_db"
    ),
    "db closed port": Path_(
        db_url=lambda good: f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1:{_closed_port()}/x"
    ),
    "stripe extra missing": Path_(hide=("stripe",)),
    "psycopg extra missing": Path_(hide=("psycopg",)),
    "slack url with a space": Path_(
        slack=lambda good: f"https://hooks.slack.com/services/T0 X/{SLACK_TOKEN}",
        check_exits=(1,),
    ),
    "slack closed port": Path_(
        slack=lambda good: f"http://127.0.0.1:{_closed_port()}/services/{SLACK_TOKEN}",
        check_exits=(1,),
    ),
    "key pasted into api_key_env": Path_(config=_bad_api_key_env),
    "url pasted into url_env": Path_(config=_bad_url_env),
    "slack url pasted into webhook_url_env": Path_(config=_bad_slack_env),
    "password in api_base": Path_(config=_api_base_with_password),
    "internal error quoting the secrets, --debug": Path_(explode=True),
}


@pytest.fixture(scope="module")
def good_db_url(pg_url: str) -> str:
    _create_table(pg_url, "users", _load(DEMO / "db" / "users.json"), SCHEMA)
    return pg_url.replace(TEST_PASSWORD, DB_PASSWORD)


@pytest.fixture
def slack_receiver() -> Iterator[Receiver]:
    receiver = Receiver(status=500)  # Slack answering an error: its body is quoted
    yield receiver
    receiver.close()


def _write_config(tmp_path: Path, api_base: str, path: Path_) -> Path:
    data = yaml.safe_load((DEMO / "prodcheck.yml").read_text())
    data["billing"].update(
        api_key_env="STRIPE_API_KEY", api_base=api_base, requests_per_second=100, **path.billing
    )
    data["database"].update(url_env="DATABASE_URL", table=f"{SCHEMA}.users")
    data["notify"] = {"slack": {"webhook_url_env": "SLACK_WEBHOOK_URL", "on": ["fail", "error"]}}
    path.config(data)
    config = tmp_path / "prodcheck.yml"
    config.write_text(yaml.safe_dump(data))
    return config


def _commands(config: Path, out: Path, api_base: str) -> dict[str, list[str]]:
    check = ["check", "--config", str(config), "--quiet", "--notify", "slack", "--github-output"]
    check += ["--format", "terminal"]
    for fmt in FORMATS:
        check += ["--format", fmt, "--output", str(out / f"report.{fmt}")]
    return {
        "check": check,
        "validate": ["validate", "--config", str(config)],
        "doctor": ["doctor", "--config", str(config)],
        "snapshot": ["snapshot", "--config", str(config), "--out", str(out / "snap"), "--quiet"],
        "baseline": ["baseline", "--config", str(config), "--out", str(out / "baseline.json")],
        "init": ["init", "--out", str(out / "init.yml"), "--api-base", api_base],
    }


def _leaks(text: str) -> list[str]:
    return [needle for needle in NEEDLES if needle in text]


@pytest.mark.parametrize("name", list(PATHS))
def test_no_planted_secret_in_any_output(
    name: str,
    good_db_url: str,
    slack_receiver: Receiver,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = PATHS[name]
    for module in path.hide:
        monkeypatch.setitem(sys.modules, module, None)
    out = tmp_path / "out"
    out.mkdir()
    slack_url = slack_receiver.url.replace("SecretWebhookToken", SLACK_TOKEN)
    env = {
        "STRIPE_API_KEY": path.key,
        "DATABASE_URL": path.db_url(good_db_url),
        "SLACK_WEBHOOK_URL": path.slack(slack_url),
        "GITHUB_OUTPUT": str(out / "github_output"),
        "GITHUB_STEP_SUMMARY": str(out / "step_summary.md"),
    }
    if path.explode:
        planted = " ".join(env[k] for k in ("STRIPE_API_KEY", "DATABASE_URL", "SLACK_WEBHOOK_URL"))

        def explode(*args: object, **kwargs: object) -> object:
            raise RuntimeError(f"driver said: {planted}")

        monkeypatch.setattr("prodcheck.runner.evaluate", explode)
    leaks: list[str] = []
    results: dict[str, Result] = {}
    with path.server() as server:
        api_base = path.api_base(server.url)
        config = _write_config(tmp_path, api_base, path)
        for command, args in _commands(config, out, api_base).items():
            prefix = ["--debug"] if path.explode else []
            result = CliRunner().invoke(cli, prefix + args, env=env, catch_exceptions=False)
            results[command] = result
            for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
                leaks += [f"{command} {stream}: {n}" for n in _leaks(text)]
            assert "Traceback" not in result.stderr or path.explode, (command, result.stderr)
    for written in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
        if written == config:
            continue  # the planted config itself
        text = written.read_text(encoding="utf-8", errors="replace")
        leaks += [f"file {written.relative_to(tmp_path)}: {n}" for n in _leaks(text)]
    assert not leaks, leaks
    for post in slack_receiver.posts:
        assert not _leaks(json.dumps(post))

    check = results["check"]
    assert check.exit_code in path.check_exits, check.output
    assert check.exit_code != 1 or path.check_exits == (1,)
    if path.check_exits == (2,):
        report = (
            json.loads((out / "report.json").read_text())
            if (out / "report.json").exists()
            else None
        )
        assert report is None or report["verdict"] == "error"
    if name == "everything works":
        # Not vacuous: the secrets were used, the snapshot and posts happened.
        assert (out / "snap" / "stripe" / "subscriptions.json").is_file()
        # The test role can write, on a database on this machine: a warning (issue 17),
        # and doctor goes on to look the sampled customer ids up in (fake) Stripe.
        doctor = results["doctor"]
        assert doctor.exit_code == 0, doctor.output
        assert "warn  database: read-only role" in doctor.output
        assert "values: customers in billing" in doctor.output
        assert slack_receiver.posts
    if path.explode:
        assert "Traceback" in check.stderr and "[redacted]" in check.stderr


def test_every_path_is_exercised() -> None:
    """The matrix covers what the issue lists: 401/403, timeouts, closed ports, bad
    URLs, missing extras, Slack failures, pasted secrets and an internal error."""
    assert len(PATHS) * len(_commands(Path("c"), Path("o"), "http://x")) >= 100
    assert os.environ.get("PRODCHECK_DEBUG") is None
