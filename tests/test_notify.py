"""`check --notify slack` against a local incoming-webhook receiver on 127.0.0.1.

The payload carries verdict, counts, money, the top five findings and the run
link; a failed post (HTTP 500, timeout, missing variable) is one line on
stderr and never changes the exit code.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from prodcheck.config import SlackConfig
from prodcheck.notify import notify_slack
from prodcheck.reporters.slack import escape, payload
from prodcheck.runner import CheckRequest, run_check

from .conftest import SCENARIOS

SECRET_PATH = "/services/T000/B000/SecretWebhookToken"


class Receiver:
    """Records POSTed JSON; answers `status` after `delay` seconds."""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.status, self.delay = status, delay
        self.posts: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append(json.loads(body))
                receiver.headers.append({k.lower(): v for k, v in self.headers.items()})
                time.sleep(receiver.delay)
                reply = b"ok" if receiver.status == 200 else b"internal_error"
                try:
                    self.send_response(receiver.status)
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except OSError:
                    pass  # the client gave up (timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{SECRET_PATH}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def slack_demo(demo_copy: Path) -> Path:
    config = demo_copy / "prodcheck.yml"
    config.write_text(config.read_text() + "notify:\n  slack:\n    webhook_url_env: SLACK_HOOK\n")
    return demo_copy


GITHUB = {
    "GITHUB_SERVER_URL": "https://github.example",
    "GITHUB_REPOSITORY": "acme/notes",
    "GITHUB_RUN_ID": "4242",
}


def test_fail_posts_verdict_counts_money_top_findings_and_link(run_cli, slack_demo, receiver):
    env = {"SLACK_HOOK": receiver.url, **GITHUB}
    result = run_cli("check", "--fixtures", str(slack_demo), "--notify", "slack", env=env)
    assert result.exit_code == 1
    assert len(receiver.posts) == 1
    assert receiver.headers[0]["content-type"].startswith("application/json")
    body = receiver.posts[0]
    assert body["text"].startswith("prodcheck: FAIL")
    assert "5 failures · 1 warnings · $305.83/mo at stake" in body["text"]
    blocks = json.dumps(body["blocks"])
    assert "https://github.example/acme/notes/actions/runs/4242|View the run" in blocks
    findings = body["blocks"][1]["text"]["text"].splitlines()
    assert len(findings) == 6 and findings[-1] == "…and 1 more"
    # Largest amount first: the $99/mo underprovisioned plan.
    assert "`plan.underprovisioned`" in findings[0] and "$99/mo" in findings[0]
    assert "Slack: posted the FAIL verdict" in result.output
    assert SECRET_PATH not in result.output


def test_pass_is_not_posted_by_default(run_cli, tmp_path, receiver) -> None:
    folder = SCENARIOS / "access-revenue-leak-pass"
    config = tmp_path / "prodcheck.yml"
    config.write_text(
        (folder / "prodcheck.yml").read_text()
        + "notify:\n  slack:\n    webhook_url_env: SLACK_HOOK\n"
    )
    result = run_cli(
        "check", "--config", str(config), "--fixtures", str(folder), "--notify", "slack",
        env={"SLACK_HOOK": receiver.url},
    )  # fmt: skip
    assert result.exit_code == 0
    assert receiver.posts == []
    assert "not notified: verdict pass" in result.output


@pytest.mark.parametrize("case", ["http_500", "timeout", "missing_env", "not_a_url"])
def test_failed_post_is_reported_and_changes_nothing(case, run_cli, slack_demo, monkeypatch):
    server = Receiver(
        status=500 if case == "http_500" else 200, delay=2.0 if case == "timeout" else 0
    )
    monkeypatch.setattr("prodcheck.notify.TIMEOUT_SECONDS", 0.3)
    env = {
        "http_500": {"SLACK_HOOK": server.url},
        "timeout": {"SLACK_HOOK": server.url},
        "missing_env": {},
        "not_a_url": {"SLACK_HOOK": "file:///etc/passwd"},
    }[case]
    try:
        started = time.monotonic()
        result = run_cli("check", "--fixtures", str(slack_demo), "--notify", "slack", env=env)
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert result.exit_code == 1  # the verdict's exit code, untouched
    assert "VERDICT: FAIL" in result.output
    expected = {
        "http_500": "HTTP 500 (internal_error)",
        "timeout": "no answer within 0.3s",
        "missing_env": "$SLACK_HOOK is not set",
        "not_a_url": "$SLACK_HOOK does not hold an http(s) URL",
    }[case]
    assert f"prodcheck: warning: Slack notification failed: {expected}" in result.output
    assert "The verdict is unchanged." in result.output
    assert SECRET_PATH not in result.output
    assert elapsed < 10


def test_notify_without_slack_config_is_a_config_error(run_cli, demo_copy) -> None:
    result = run_cli("check", "--fixtures", str(demo_copy), "--notify", "slack")
    assert result.exit_code == 2
    assert "--notify slack needs a `notify: {slack: {webhook_url_env: NAME}}` section" in (
        result.output
    )


def test_error_verdict_posts_when_configured(run_cli, slack_demo, receiver) -> None:
    config = slack_demo / "prodcheck.yml"
    config.write_text(config.read_text() + "    on: [fail, error]\n")
    (slack_demo / "db" / "users.json").write_text("[{]")
    env = {"SLACK_HOOK": receiver.url}
    result = run_cli("check", "--fixtures", str(slack_demo), "--notify", "slack", env=env)
    assert result.exit_code == 2
    assert receiver.posts and receiver.posts[0]["text"].startswith("prodcheck: ERROR")


def test_payload_escapes_mrkdwn_and_clips_messages(demo_copy) -> None:
    _, report = run_check(CheckRequest(fixtures=demo_copy), env={})
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    text = json.dumps(payload(report))
    assert "<!channel>" not in text and len(text) < 6000
    slack = SlackConfig(webhook_url_env="X", on=frozenset({"warn"}))
    assert not notify_slack(report, slack, {}).sent  # FAIL is not in `on`


def test_payload_snapshot(snapshot) -> None:
    from .conftest import DEMO

    _, report = run_check(CheckRequest(config_path=DEMO / "prodcheck.yml", fixtures=DEMO), env={})
    assert payload(report, "https://github.example/acme/notes/actions/runs/4242") == snapshot
