"""`--notify slack`: post the verdict to a Slack incoming webhook.

The webhook URL is a secret: it comes from the environment variable named by
`notify.slack.webhook_url_env` and never appears in any message. Posting is
best effort by design: a missing variable, an HTTP error or a timeout is
returned as a message for stderr, and never changes the verdict or the exit
code (a nightly check must not turn green or red because Slack is down).
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from prodcheck.config import SlackConfig
from prodcheck.redaction import register_url, scrub
from prodcheck.reporters.slack import payload
from prodcheck.results import Report

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Notified:
    """What happened, in one line for stderr."""

    sent: bool
    message: str


def run_url(env: Mapping[str, str]) -> str | None:
    """The GitHub Actions run this is, when running in one."""
    server = env.get("GITHUB_SERVER_URL", "").rstrip("/")
    repository = env.get("GITHUB_REPOSITORY", "")
    run_id = env.get("GITHUB_RUN_ID", "")
    if not (server and repository and run_id):
        return None
    return f"{server}/{repository}/actions/runs/{run_id}"


def wanted(slack: SlackConfig, report: Report) -> bool:
    return report.verdict.value in slack.on


def notify_slack(
    report: Report,
    slack: SlackConfig,
    env: Mapping[str, str],
    *,
    timeout: float | None = None,
) -> Notified:
    if not wanted(slack, report):
        on = ", ".join(sorted(slack.on))
        return Notified(
            False,
            f"Slack: not notified: verdict {report.verdict.value} (notify.slack.on: {on})",
        )
    variable = slack.webhook_url_env
    url = env.get(variable, "").strip()
    register_url(url, whole=True)
    if not url:
        state = "is empty" if variable in env else "is not set"
        return Notified(
            False,
            f"Slack notification failed: ${variable} {state}; it must hold the incoming-webhook "
            "URL named by notify.slack.webhook_url_env. The verdict is unchanged.",
        )
    if not url.lower().startswith(("https://", "http://")):
        return Notified(
            False,
            f"Slack notification failed: ${variable} does not hold an http(s) URL. "
            "The verdict is unchanged.",
        )
    # What goes to Slack is output like any other: no secret in it.
    body = scrub(json.dumps(payload(report, run_url(env)))).encode("utf-8")
    failure = _post(url, body, timeout or TIMEOUT_SECONDS)
    if failure:
        return Notified(
            False,
            f"Slack notification failed: {failure} (webhook from ${variable}). "
            "The verdict is unchanged.",
        )
    return Notified(True, f"Slack: posted the {report.verdict.value.upper()} verdict")


def _post(url: str, body: bytes, timeout: float) -> str | None:
    """None when Slack accepted the message, else what went wrong (never the URL)."""
    try:
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "prodcheck"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read(1024)
            return None
    except urllib.error.HTTPError as exc:
        detail = exc.read(200).decode("utf-8", "replace").strip()
        return f"HTTP {exc.code}" + (f" ({detail})" if detail else "")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return f"no answer within {timeout:g}s"
        return f"cannot reach the webhook: {reason}"
    except TimeoutError:
        return f"no answer within {timeout:g}s"
    except (ValueError, http.client.InvalidURL):
        # urllib's message quotes the URL, which is the secret: say nothing more.
        return "the webhook URL is not a valid http(s) URL"
    except OSError as exc:
        return f"cannot reach the webhook: {exc.strerror or type(exc).__name__}"
    except Exception as exc:  # a notification never changes the verdict, whatever happens
        return f"the post failed ({type(exc).__name__})"
