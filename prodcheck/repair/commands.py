"""provider.sh: the provider's side of the plan, one command per step: resend an event
still in its provider's window, cancel a deleted account's subscriptions. Written for a
person to review and run; prodcheck never runs them (its keys are read-only)."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from prodcheck.repair.report import Item

_PADDLE = "https://api.paddle.com"


def _paddle(path: str, body: str | None = None) -> str:
    parts = [
        "curl --fail-with-body -sS -X POST",
        shlex.quote(f"{_PADDLE}/{path}"),
        '-H "Authorization: Bearer $PADDLE_API_KEY"',
    ]
    if body is not None:
        parts += ["-H 'Content-Type: application/json'", "-d", shlex.quote(body)]
    return " ".join(parts)


def command(step: dict[str, Any], live: bool = False) -> tuple[str, str]:
    """(what it does, the command) of one provider step; `live`: Stripe's live mode
    (the CLI works in test mode unless told)."""
    provider, action, ident = step["provider"], step["action"], step["id"]
    path_id = quote(ident, safe="")
    mode = " --live" if live else ""
    if provider == "stripe" and action == "resend_event":
        return (
            "resend the event to the webhook endpoints",
            f"stripe events resend {shlex.quote(ident)}{mode}",
        )
    if provider == "stripe":
        return (
            "cancel the subscription now (refund by hand if one is due)",
            f"stripe subscriptions cancel {shlex.quote(ident)}{mode}",
        )
    if action == "replay_notification":
        return "replay the notification", _paddle(f"notifications/{path_id}/replay")
    return (
        "cancel the subscription now (refund by hand if one is due)",
        _paddle(f"subscriptions/{path_id}/cancel", '{"effective_from": "immediately"}'),
    )


def render_commands(commands: Sequence[tuple[Item, dict[str, Any]]], live: bool = False) -> str:
    mode = (
        "live mode: its commands carry --live"
        if live
        else "test mode, or fixtures: add --live for live objects"
    )
    lines = [
        "#!/bin/sh",
        "# prodcheck repair plan: the billing provider's side.",
        "# Written by `prodcheck repair`; prodcheck never runs it. Review every command, then",
        "# run the ones you want, with a key that may write (prodcheck's own is read-only):",
        "#   Stripe: the Stripe CLI (`stripe login`, or --api-key); `stripe events resend`",
        "#     takes --webhook-endpoint=we_... to resend to one endpoint only. The report",
        f"#     read Stripe in {mode}.",
        "#   Paddle: curl with PADDLE_API_KEY set (notification.write, subscription.write);",
        "#     for a sandbox account use https://sandbox-api.paddle.com instead.",
        "set -eu",
        "",
    ]
    if not commands:
        lines += ["# Nothing to do at the provider.", ""]
    for item, step in commands:
        does, text = command(step, live)
        until = f", before {step['until']}" if step.get("until") else ""
        lines += [
            f"# [{item.number}] {item.rule} · {' '.join(item.subject.split())}: {does}{until}",
            text,
            "",
        ]
    return "\n".join(lines)
